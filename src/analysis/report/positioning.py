"""The « Positionnement » section: where the edition's territory stands among its peers.

For the key figures that are shares or ratios (a count depends on the size of the territory),
the rank of the territory among each group of peers (:mod:`analysis.indicators.positioning`:
the départements of France and of the région académique, the académies, the régions
académiques), its quarter, a strip chart of every peer and a national map with the territory
outlined. Peers without a published value are counted by reason, never dropped.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from analysis import indicators
from analysis.core import nc
from analysis.core.formatting import UNIT_SEP, fmt_ordinal, plural
from analysis.core.statuts import Extent, Statut
from analysis.core.vocabulary import LEVEL_NOUNS, the_territory
from analysis.indicators.positioning import Position, ascending, peer_groups, position, ranking
from analysis.indicators.results import by_indicator, identity
from analysis.report import chart_parts, figure_store, narrative
from analysis.report.figure_store import StoredFigure
from analysis.report.figures import NoFigure
from analysis.report.peer_charts import TITLE_WRAP
from analysis.report.svg_layers import Layers
from analysis.report.tables import cell_text, scope_of

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

QUARTERS = {1: "premier quart", 2: "deuxième quart", 3: "troisième quart", 4: "dernier quart"}


def specs(ch: Chapter) -> list[tuple[str, str]]:
    """The key figures that can be ranked: shares and ratios (not counts, not the perimeter)."""
    cat = indicators.catalogue()
    return [(ind, t) for ind, t in ch.key_figure_specs
            if ind in cat and cat[ind].unit != "count" and cat[ind].theme != "perimetre"]


def groups(ch: Chapter):
    """The groups of peers the data cover: :func:`left_out` gives the others."""
    return _by_coverage(ch)[0]


def left_out(ch: Chapter) -> list[tuple[str, int, int]]:
    """(label, members covered, members) of the groups of peers only part of which the data cover
    (the « départements de France » of the Occitanie files): no rank among them means anything."""
    return _by_coverage(ch)[1]


# What the data cover of each group of peers, asked by several cells of the synthèse: found once
# per (loaded table, territory, key figures).
_COVERAGE: dict[tuple, tuple[list, list]] = {}


def _by_coverage(ch: Chapter):
    """The groups of peers the data cover, and (label, covered, members) of the others."""
    ident = identity(ch.results)
    memo = (ident, id(ch.results), ch.territory, tuple(specs(ch)))
    if ident is not None and memo in _COVERAGE:
        kept, out = _COVERAGE[memo]
        return list(kept), list(out)
    kept, out = _coverage(ch)
    if ident is not None:
        if len(_COVERAGE) >= 16:
            _COVERAGE.clear()
        _COVERAGE[memo] = (kept, out)
    return list(kept), list(out)


def _coverage(ch: Chapter):
    kept, out = [], []
    for group in peer_groups(ch.territory):
        covered = _covered_members(ch, group)
        if covered is None:
            kept.append(group)
        else:
            out.append((group.label, covered, len(group.members)))
    return kept, out


def _covered_members(ch: Chapter, group) -> int | None:
    """None when, for every rankable key figure, the data cover all the members of ``group`` or
    none of them (a source absent everywhere only shows n.d.); else the members covered for the
    first key figure that only some of them have."""
    ids = [m.id for m in group.members]
    rows = by_indicator(ch.results)
    for ind, type_ in specs(ch):
        found = rows.get((ind, type_))
        status = found["couverture_donnees"].reindex(ids) if found is not None and "couverture_donnees" in found \
            else pd.Series(Extent.COMPLETE.value, index=ids)
        complete = int(status.eq(Extent.COMPLETE).sum())
        if 0 < complete < len(ids) or (complete == 0 and status.eq(Extent.PARTIAL).any()):
            return complete
    return None


def _feminine(ch: Chapter) -> bool:
    return LEVEL_NOUNS.get(ch.territory.level, LEVEL_NOUNS["departement"]).gender == "f"


def rank_text(p: Position, *, feminine: bool = False) -> str:
    """"12e sur 95", "3e ex aequo sur 95", or the mark of an unranked value ("s.", "n.c.")."""
    if not p.has_rank:
        return Statut.parse(p.statut).mark or Statut.NC.mark
    tie = " ex aequo" if p.tied_with else ""
    return f"{fmt_ordinal(p.rank, feminine=feminine)}{tie} sur {p.ranked}"


def _unranked_note(p: Position) -> str:
    return ", ".join(f"{n}{UNIT_SEP}{Statut.parse(s).mark}" for s, n in p.unranked.items())


def positioning_table(ch: Chapter) -> pd.DataFrame:
    """One row per rankable key figure: the value, the rank in each group of peers (with the
    peers left unranked) and the quarter among the widest group."""
    found = groups(ch)
    if not found:
        return pd.DataFrame()
    records = []
    for ind, type_ in specs(ch):
        row = ch.row(ind, type_)
        record = {"Indicateur": str(row["titre"]), "Établissements": scope_of(row, ch.ensemble_for(row)),
                  "Valeur": cell_text(row)}
        for n, group in enumerate(found):
            p = position(ch.results, ch.territory, ind, type_, group)
            text = rank_text(p, feminine=_feminine(ch))
            unranked = _unranked_note(p)
            record[f"Rang parmi les {group.label}"] = text + (f" ({unranked} sans rang)" if unranked else "")
            if n == 0:
                record["Quart"] = QUARTERS.get(p.quartile, "–")
        records.append(record)
    return pd.DataFrame(records)


def positioning_note(ch: Chapter) -> str:
    """How the ranks of the table read (French), the figures ranked lowest first named."""
    return (f"Rang par valeur décroissante (1 = valeur la plus élevée){_ascending_note(ch)}, parmi les "
            f"territoires dont la valeur est publiée{UNIT_SEP}; ex aequo{UNIT_SEP}: même valeur affichée{UNIT_SEP}; "
            "entre parenthèses, les territoires sans valeur publiée.")


def positioning_source(ch: Chapter) -> str:
    """"Sources : ETIC 2018 ; Observatoire France THD, Arcep 2018" — those of the ranked figures."""
    return nc.source_line([str(ch.row(ind, type_)["source"]) for ind, type_ in specs(ch)])


def positioning_intro(ch: Chapter) -> str:
    """What the section shows, and the rules of the ranks (French)."""
    found, partial_groups = _by_coverage(ch)
    partial = "".join(f" Pas de positionnement parmi les {label}{UNIT_SEP}: les données n'en couvrent que "
                      f"{covered} sur {total}." for label, covered, total in partial_groups)
    if not found and not partial:
        what = ("un périmètre sur mesure, qui n'a" if ch.is_perimeter else
                "une collectivité, qui n'a" if ch.is_collectivity else "la France, qui n'a")
        return (f"Pas de positionnement pour {what} pas de territoires de même niveau auxquels se comparer.")
    if not found:
        return partial.strip()
    the = the_territory(ch.label, ch.territory.level)
    among = " et parmi les ".join(g.label for g in found)
    quarters = pd.Series([position(ch.results, ch.territory, i, t, found[0]).quartile for i, t in specs(ch)])
    counts = quarters.value_counts()
    summary = ""
    if counts.get(1, 0) or counts.get(4, 0):
        summary = (f" Sur {plural(len(quarters), 'indicateur', 'indicateurs')}, {the} figure "
                   f"{counts.get(1, 0)} fois dans le premier quart des rangs et "
                   f"{counts.get(4, 0)} fois dans le dernier quart parmi les {found[0].label}.")
    return (f"Où se situe {the} parmi les {among}{UNIT_SEP}? Pour chaque indicateur clé exprimé en part ou "
            f"en ratio, le rang est donné par valeur décroissante (1 = valeur la plus élevée){_ascending_note(ch)}, "
            "sur les territoires dont la valeur est publiée et telle qu'elle est affichée (deux valeurs "
            "affichées à l'identique sont ex aequo). Les territoires sans valeur publiée (non communiqué, "
            "secret statistique, source non disponible) ne sont pas classés mais comptés." + summary + partial)


def _ascending_note(ch: Chapter) -> str:
    """", sauf pour « Nombre d'élèves par terminal », classé par valeur croissante (1 = valeur la
    plus faible)": the key figures whose declaration ranks the lowest value first."""
    titles = list(dict.fromkeys(str(ch.row(i, t)["titre"]) for i, t in specs(ch) if ascending(i)))
    if not titles:
        return ""
    named = " et ".join(f"«{UNIT_SEP}{title}{UNIT_SEP}»" for title in titles)
    return (f", sauf pour {named}, {plural(len(titles), 'classé', 'classés', with_number=False)} par valeur croissante "
            "(1 = valeur la plus faible)")


def positioning_chart(ch: Chapter):
    """Strip chart of every peer of the widest group, one line per rankable key figure."""
    from analysis.report.peer_charts import peer_strips

    found = groups(ch)
    if not found:
        return NoFigure("")
    group = found[0]
    rows, refs, sources, shown = [], [], [], []
    for ind, type_ in specs(ch):
        table = ranking(ch.results, ind, type_, group)
        if not table["rang"].notna().any():
            continue
        shown.append((ind, type_))
        row = ch.row(ind, type_)
        rows.append((f"{row['titre']} — {scope_of(row, ch.ensemble_for(row))}", table, str(row["unite"])))
        france = [p for p in ch.compared_parents if p.level == "france"]
        refs.append(ch.value(ind, type_, france[0]) if france else None)
        sources.append(str(row["source"]))
    if not rows:
        return NoFigure(f"*Positionnement{UNIT_SEP}: aucun des {group.label} n'a de valeur publiée.*")
    text = f"Position parmi les {group.label}"
    source = nc.source_line(sources, peers_nc(ch, group, shown))
    template = nc.source_line(sources, peers_nc(ch, group, shown, own=_own_template(ch, group)))
    return peer_strips(rows, ch.territory.id, title=ch.title(text), source=source, peers_label=group.label,
                       reference=refs, title_template=_longest_title(ch, text, group), source_template=template)


def _longest_title(ch: Chapter, text: str, group, pattern: str = "{text} — {label}, {year}") -> str:
    """The title of a figure of peers that takes the most lines over the members of the group:
    the group's figure, drawn once, is laid out for it (:mod:`analysis.report.svg_layers`)."""
    titles = [pattern.format(text=text, label=m.label, year=ch.year) for m in group.members]
    return max(titles, key=lambda t: (len(textwrap.wrap(t, TITLE_WRAP)), len(t)))


def _own_template(ch: Chapter, group) -> str:
    """The longest text any member's own n.c. rates could take in the source line of the group's
    figures (the figure, drawn once, is laid out for it)."""
    longest = max((ch.short_name(m) for m in group.members), key=len)
    return f"{longest} {nc.spread([0.0, 100.0])}"


def peers_nc(ch: Chapter, group, shown: list[tuple[str, str]], *, own: str | None = None) -> str | None:
    """The n.c. rates behind a figure of peers: the territory's and the spread among the peers
    ("Lozère 12 % n.c. ; de 3 à 41 % n.c. selon les départements de France"). Counts and the
    exhaustive sources have no n.c. rate (:func:`analysis.core.nc.stated_rate`). ``own``: a text
    in place of the territory's rates (:func:`_own_template`)."""
    ids = tuple(m.id for m in group.members)
    rates = [r for ind, type_ in shown for r in _peer_rates(ch.results, ind, type_, ids)]
    rates_own = [r for row in (ch.row(i, t) for i, t in shown) if (r := nc.stated_rate(row)) is not None]
    parts = [own] if own else [f"{ch.short_name(ch.territory)} {nc.spread(rates_own)}"] if rates_own else []
    if rates:
        spread = nc.spread(rates)
        among = f"selon les {group.label}" + (" et l'indicateur" if len(shown) > 1 else "")
        parts.append(f"{spread} {among}" if spread.startswith("de ") else f"{spread} pour chacun des {group.label}")
    return nc.SEP.join(parts) or None


# (table identity, indicator, type, peers) -> their stated rates: every member of a group asks for
# the same peers' rates (a batch builds them one after the other in the same kernel).
_PEER_RATES: dict[tuple, list[float]] = {}


def _peer_rates(results: pd.DataFrame, ind: str, type_: str, ids: tuple[str, ...]) -> list[float]:
    """The n.c. rates stated by the peers ``ids`` whose value is published (the others are counted
    apart), in the peers' order."""
    ident = identity(results)
    key = (ident, ind, type_, ids)
    if ident is not None and key in _PEER_RATES:
        return _PEER_RATES[key]
    found = by_indicator(results).get((ind, type_))
    rates = [] if found is None else [
        r for row in found.reindex(list(ids)).dropna(subset=["statut"]).to_dict("records")
        if row["statut"] == Statut.OK and (r := nc.stated_rate(row)) is not None]
    if ident is not None:
        if len(_PEER_RATES) > 4096:
            _PEER_RATES.clear()
        _PEER_RATES[key] = rates
    return rates


def positioning_map(ch: Chapter, ind: str | None = None, type_: str = "ensemble", **kwargs):
    """National map of the widest group of peers for one indicator (default: the first rankable
    key figure), the territory outlined."""
    from analysis.harmonise import boundaries
    from analysis.report import maps

    found = groups(ch)
    if not found:
        return NoFigure("")
    if ind is None:
        ind, type_ = specs(ch)[0]
    group = found[0]
    level = group.members[0].level
    table = ranking(ch.results, ind, type_, group)
    if not (table["statut"] == Statut.OK).any():
        return NoFigure(f"Pas de carte{UNIT_SEP}: aucun des {group.label} n'a de valeur publiée.")
    try:
        geometries = boundaries.for_level(ch.store, level, ch.vintage)
    except Exception:  # noqa: BLE001 - an unreadable boundary file: the tile grid
        geometries = None
    if geometries is not None and not set(table["code"]) <= set(geometries["code"]):
        geometries = None
    row = ch.row(ind, type_)
    missing = ", ".join(f"{Statut.parse(s).words}{UNIT_SEP}: {n}" for s, n in
                        table.loc[table["statut"] != Statut.OK, "statut"].value_counts().items())
    pattern = f"{row['titre']} — {scope_of(row, ch.ensemble_for(row))}, {{year}}{UNIT_SEP}: {{label}} " \
              f"parmi les {group.label}"
    title = pattern.format(year=ch.year, label=ch.label)
    template = _longest_title(ch, "", group, pattern=pattern.replace("{year}", str(ch.year)))
    source = nc.source_line(str(row["source"]), peers_nc(ch, group, [(ind, type_)]))
    source_template = nc.source_line(str(row["source"]),
                                     peers_nc(ch, group, [(ind, type_)], own=_own_template(ch, group)))
    template_lines = len(chart_parts.source_lines(source_template, maps.MAP_TEXT_WIDTH_IN))
    options = maps.MapOptions(title=template, unit=str(row["unite"]), source=source_template, **kwargs)
    base = figure_store.layer(maps.choropleth.__wrapped__, table[["code", "valeur", "statut", "libelle"]], geometries,
                              level=level, vintage=ch.vintage, options=options)
    layers = Layers(base.svg)                   # the group's map, drawn once; the territory outlined over it
    layers.lines("titre", textwrap.wrap(title, maps.TITLE_WRAP))
    layers.lines("pied", chart_parts.source_lines(source, maps.MAP_TEXT_WIDTH_IN), count=template_lines)
    layers.outline(ch.territory.code, maps.OUTLINE_STYLE)
    alt = (base.alt_text.replace(template, title)
           + f" {narrative.capitalize(the_territory(ch.label, ch.territory.level))} est cerné"
           f"{'e' if _feminine(ch) else ''} d'un trait épais"
           + (f" ; sans valeur publiée{UNIT_SEP}: {missing}." if missing else "."))
    footer = "\n".join([source] + base.footer_text.split("\n")[template_lines:])
    return StoredFigure(svg=layers.svg(), alt_text=alt, width_px=base.width_px, source_text=source,
                        footer_text=footer, title_text=title, data=base.data)
