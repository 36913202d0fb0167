"""The indicators of the collectivités and of the territories restricted to their types.

A collectivité (:mod:`analysis.core.collectivites`) is a mask over the harmonised table, as a
custom perimeter is: its rows are computed by :func:`analysis.indicators.compute.compute` with the
collectivités as perimeters, on the table restricted to the public établissements of their types.
The same pass gives every administrative territory restricted to those types
(``academie:toulouse~college``), the parents a collectivité is compared with. One pass per set of
types (collèges; lycées; écoles; collèges et lycées; écoles et collèges), for every collectivité
of ``build --all --level collectivite`` at once; a commune's, on demand.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import replace

import pandas as pd

from analysis.core import territories
from analysis.core.collectivites import LEVEL, Collectivite, commune_departement, subject_of
from analysis.core.errors import TerritoryError
from analysis.indicators.compute import compute


def restrict(table: pd.DataFrame, types: tuple[str, ...]) -> pd.DataFrame:
    """The public établissements of ``types``: the universe of a collectivité's edition."""
    return table[table["secteur"].eq("public") & table["type"].isin(types)]


def compute_collectivites(table: pd.DataFrame, items: list[Collectivite], *, year: int, threshold: int,
                          levels=territories.LEVELS, universes=()) -> pd.DataFrame:
    """The rows of the collectivités ``items`` (``collectivite:<code>``) and of every territory of
    ``levels`` restricted to their types (``<id>~<types>``, level ``<level>~<types>``), types
    outside the universe left out. Each collectivité appears once, whatever the order or
    repetitions of ``items``. ``universes``: sets of types whose restricted territories are wanted
    without any collectivité (the écoles, the parents of the communes).

    A conseil départemental or régional has exactly the établissements of its territory restricted
    to its types: its rows are those of that restricted territory, named after it (no second
    aggregation); the others (a commune, the special cases) are row masks, as custom perimeters."""
    by_types: dict[tuple[str, ...], dict[str, Collectivite]] = {tuple(u): {} for u in universes}
    for item in items:
        by_types.setdefault(item.types, {})[item.code] = item
    frames = []
    for types, members in by_types.items():
        same = {c.base: c for c in members.values() if _is_whole(c, levels)}
        masked = [c for c in members.values() if c.base not in same or same[c.base] is not c]
        rows = compute(restrict(table, types), year=year, threshold=threshold, levels=levels, perimeters=masked)
        rows = rows[rows["type"].isin(types + ("ensemble", "tous"))].copy()
        mine = rows["niveau"].eq(territories.PERIMETRE)
        rows.loc[mine, "territoire"] = LEVEL + ":" + rows.loc[mine, "code"]
        rows.loc[mine, "niveau"] = LEVEL
        whole = _named_after(rows[rows["territoire"].isin(same)], same)
        suffix = territories.RESTRICT + "+".join(types)
        rows.loc[~mine, "territoire"] = rows.loc[~mine, "territoire"] + suffix
        rows.loc[~mine, "niveau"] = rows.loc[~mine, "niveau"] + suffix      # not read as the level's own rows
        rows.loc[~mine, "nom"] = rows.loc[~mine, "nom"] + f" ({subject_of(types)})"
        frames += [rows, whole]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _is_whole(found: Collectivite, levels) -> bool:
    """A collectivité whose établissements are all those of its base territory's types."""
    level = found.base.partition(":")[0]
    return (not found.special and not found.communes and not found.hors_communes and level in levels
            and found.code == found.base)


def _named_after(rows: pd.DataFrame, same: dict[str, Collectivite]) -> pd.DataFrame:
    """The rows of base territories as those of the collectivités that have all their
    établissements (the sub-territories' counts of a région left out, as for a perimeter)."""
    from analysis.indicators.catalogue import catalogue

    kinds = {i: ind.kind for i, ind in catalogue().items()}
    out = rows[rows["indicateur"].map(kinds).ne("subterritories")].copy()
    found = out["territoire"].map(same)
    out["code"] = [c.code for c in found]
    out["territoire"] = [c.id for c in found]
    out["nom"] = [c.nom for c in found]
    out["niveau"] = LEVEL
    return out


def commune(table: pd.DataFrame, territory: territories.Territory) -> Collectivite:
    """The collectivité of a commune edition, named from the annuaire; a code the annuaire does not
    have is an error suggesting the communes of close code or name."""
    code = territory.code.partition(":")[2]
    found = territories.collectivity("commune", code, territory.vintage)
    codes = table["commune_code"].astype("object")
    rows = table[codes.isin(found.communes)]
    if rows.empty:
        raise TerritoryError(_unknown_commune(table, code))
    names = rows["commune"].dropna()
    name = str(names.mode().iloc[0]) if len(names) else code
    return territories.collectivity("commune", code, territory.vintage, nom=name)


def _distance(one: str, other: str) -> int:
    digits = [int("".join(ch for ch in c if ch.isdigit()) or 0) for c in (one, other)]
    return abs(digits[0] - digits[1])


def _unknown_commune(table: pd.DataFrame, code: str) -> str:
    known = table[["commune_code", "commune"]].dropna().drop_duplicates("commune_code")
    known = known.astype(str)
    near = list(known.loc[known["commune_code"].str.startswith(commune_departement(code)), "commune_code"])
    if near:          # the codes of the same département, the closest first (common start, then distance)
        close = sorted(near, key=lambda c: (-len(os.path.commonprefix([c, code])), _distance(c, code), c))[:5]
    else:
        close = difflib.get_close_matches(code, list(known["commune_code"]), n=5, cutoff=0.6)
    named = dict(zip(known["commune_code"], known["commune"]))
    asked = (f"vouliez-vous dire {', '.join(f'collectivite:commune:{c} ({named[c]})' for c in close)} ? "
             if close else "")
    return (f"collectivite:commune:{code} : aucune école, aucun collège ni lycée de l'annuaire n'est dans une commune "
            f"de code {code} (code INSEE de la commune, pas son code postal).\n"
            f"  → {asked}Le code d'une commune est sur https://www.insee.fr (code officiel géographique).")


def named(territory: territories.Territory, results: pd.DataFrame) -> territories.Territory:
    """A commune's territory with the name its rows carry (« Commune de Toulouse »), which parsing
    its code cannot know; any other territory as it is."""
    if territory.level != LEVEL or not territory.code.startswith("commune:"):
        return territory
    rows = results.loc[results["territoire"] == territory.id, "nom"]
    return replace(territory, nom=str(rows.iloc[0])) if len(rows) else territory
