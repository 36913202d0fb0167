"""Where a territory stands among its peers, for one indicator: rank, ties, quartile.

Peers (:func:`peer_groups`): a département among the départements of France and among those of
its région académique; an académie among the académies; a région académique among the régions
académiques. France and custom perimeters have none.

Rules (:func:`position`), decided on the values *as printed* (two départements printed "97 %"
are tied, whatever their third decimal):

- only peers whose value is published (statut ``ok``) are ranked; the others are counted by
  reason (n.c., secret statistique, source absent, sans objet) and never dropped silently;
- rank in the indicator's declared order (``rank_order`` in indicators.yml: by decreasing value
  unless ``ascending``, as for pupils per terminal), competition style: ties share the best rank
  and the next rank skips ("1, 2, 2, 4"); the territory's rank is ``1 + the number of peers
  printed ahead of it``;
- quartile 1 is the quarter of the ranked peers with the first ranks
  (``1 + floor(4 * (rank - 1) / ranked)``), given only when at least four peers are ranked;
- a territory whose own value is not published has no rank: its reason is given instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.core import territories
from analysis.core.formatting import fmt_value
from analysis.core.statuts import Statut
from analysis.indicators.catalogue import catalogue
from analysis.indicators.results import by_indicator, identity

#: Fewer ranked peers than this have no quarters ("2e sur 2" is in no meaningful quarter).
MIN_FOR_QUARTILES = 4

#: Reasons a peer has no published value, by statut, in the order they are told.
UNRANKED = (Statut.NC, Statut.SECRET, Statut.ABSENT, Statut.HORS_QUESTIONNAIRE, Statut.VIDE)


@dataclass(frozen=True)
class PeerGroup:
    """A set of territories compared with each other (``label``: "départements de France")."""

    label: str
    members: tuple[territories.Territory, ...]


@dataclass
class Position:
    """The place of ``territory`` among ``group`` for one indicator and type."""

    territory: str
    indicator: str
    type: str
    group: str
    peers: int                                  # members of the group, the territory included
    ranked: int                                 # members with a published value
    statut: str                                 # the territory's own statut
    rank: int | None = None
    tied_with: int = 0                          # other members printed with the same value
    quartile: int | None = None
    unranked: dict[str, int] = field(default_factory=dict)   # statut -> members

    @property
    def has_rank(self) -> bool:
        return self.rank is not None


def peer_groups(territory: territories.Territory) -> list[PeerGroup]:
    """The groups a territory is compared with, widest first (none for France)."""
    vintage = territory.vintage
    if territory.level == "departement":
        groups = [PeerGroup("départements de France", tuple(territories.list_territories("departement", vintage)))]
        region = next((p for p in territories.parents(territory) if p.level == "region"), None)
        if region is not None:
            groups.append(PeerGroup(f"départements de la {region.label[0].lower()}{region.label[1:]}",
                                    tuple(territories.children(region, "departement"))))
        return groups
    if territory.level == "academie":
        return [PeerGroup("académies", tuple(territories.list_territories("academie", vintage)))]
    if territory.level == "region":
        return [PeerGroup("régions académiques", tuple(territories.list_territories("region", vintage)))]
    return []


def _number(printed: str) -> float:
    """The number a printed value shows ("1 234,5 %" -> 1234.5)."""
    text = printed.split("\u00a0")[0].replace("\u202f", "").replace(",", ".").replace("\u2212", "-")
    return float(text)


def ascending(indicator: str) -> bool:
    """Whether rank 1 goes to the lowest value of ``indicator`` (its declared ``rank_order``)."""
    declared = catalogue().get(indicator)
    return declared is not None and declared.rank_order == "ascending"


#: Rankings already made on a loaded indicator table: the same for every member of a group, so
#: for every edition a worker builds (a département's peers are the 101 départements).
_RANKINGS: dict[tuple, pd.DataFrame] = {}


def ranking(results: pd.DataFrame, indicator: str, type_: str, group: PeerGroup) -> pd.DataFrame:
    """Every member of ``group``: value, statut, printed value, rank and quartile (``NA`` when
    unranked); first rank first, unranked members last. The table behind a strip chart of the peers."""
    ids = [m.id for m in group.members]
    table = identity(results)
    memo = (table, indicator, type_, group.label, tuple(ids)) if table else None
    if memo in _RANKINGS:
        return _RANKINGS[memo].copy()
    found = _ranking(by_indicator(results).get((indicator, type_)), ids, group, indicator)
    if memo is not None:
        if any(key[0] != table for key in _RANKINGS):
            _RANKINGS.clear()                  # another table: the old rankings are of no use
        _RANKINGS[memo] = found
        return found.copy()
    return found


def _ranking(rows: pd.DataFrame | None, ids: list[str], group: PeerGroup, indicator: str) -> pd.DataFrame:
    rows = rows.reindex(ids) if rows is not None else pd.DataFrame(index=ids, columns=["statut", "valeur", "unite"])
    frame = pd.DataFrame({"territoire": ids, "code": [m.code for m in group.members],
                          "nom": [m.nom for m in group.members], "libelle": [m.label for m in group.members]})
    frame["statut"] = rows["statut"].reindex(ids).fillna(Statut.ABSENT.value).to_numpy()
    ok = frame["statut"].eq(Statut.OK)
    values = rows["valeur"].reindex(ids).to_numpy(dtype=float)
    frame["valeur"] = values
    frame.loc[~ok, "valeur"] = float("nan")
    units = rows["unite"].reindex(ids).fillna("%")
    frame["affiche"] = [fmt_value(v, u, reason=s) for v, u, s in zip(frame["valeur"], units, frame["statut"])]
    shown = pd.Series([_number(a) if o else float("nan") for a, o in zip(frame["affiche"], ok)])
    ranked = int(ok.sum())
    frame["rang"] = shown.rank(method="min", ascending=ascending(indicator)).astype("Int64")
    frame["quartile"] = (1 + ((4 * (frame["rang"] - 1)) // max(ranked, 1))).astype("Int64")
    if ranked < MIN_FOR_QUARTILES:
        frame["quartile"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame.sort_values(["rang", "code"], na_position="last", kind="stable").reset_index(drop=True)


def position(results: pd.DataFrame, territory: territories.Territory, indicator: str, type_: str,
             group: PeerGroup, *, table: pd.DataFrame | None = None) -> Position:
    """The position of ``territory`` among ``group`` (rules in the module docstring);
    ``table``: the group's :func:`ranking`, when already computed."""
    if territory.id not in {m.id for m in group.members}:
        raise ValueError(f"{territory.id} is not a member of the group {group.label}")
    table = ranking(results, indicator, type_, group) if table is None else table
    mine = table[table["territoire"] == territory.id].iloc[0]
    ranked = table[table["rang"].notna()]
    out = Position(territory.id, indicator, type_, group.label, peers=len(table), ranked=len(ranked),
                   statut=str(mine["statut"]),
                   unranked={s: int((table["statut"] == s).sum()) for s in UNRANKED if (table["statut"] == s).any()})
    if pd.notna(mine["rang"]):
        out.rank = int(mine["rang"])
        out.tied_with = int((ranked["rang"] == out.rank).sum()) - 1
        out.quartile = int(mine["quartile"]) if pd.notna(mine["quartile"]) else None
    return out
