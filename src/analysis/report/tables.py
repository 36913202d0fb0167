"""The tables of a chapter: DataFrames of French text, shown by ``ch.table`` (:mod:`.display`).

Functions of a chapter ``ch`` (exposed as its methods), plus :func:`cell_text`, the cell of any
value (printed by :func:`analysis.core.formatting.fmt_value`, as in the sentences and charts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis import indicators
from analysis.core import nc, territories
from analysis.core.formatting import UNIT_SEP, fmt_pct, fmt_value, is_missing
from analysis.core.statuts import PARTIAL_MARK, Extent, Statut
from analysis.core.vocabulary import ENSEMBLE_TYPES, TYPE_NOUNS, TYPE_ORDER, type_label
from analysis.indicators.catalogue import themes
from analysis.report import narrative
from analysis.report.display import bullet_list

if TYPE_CHECKING:
    from collections.abc import Sequence

    from analysis.report.chapter import Chapter

#: The legend of the marks of a table (``ch.table(..., note=ch.TABLE_NOTE)``).
TABLE_NOTE = nc.SEP.join([
    f"{Statut.NC.mark}{UNIT_SEP}: {Statut.NC.words}", f"{Statut.SECRET.mark}{UNIT_SEP}: {Statut.SECRET.words}",
    f"{Statut.ABSENT.mark}{UNIT_SEP}: {Statut.ABSENT.words} (source absente pour ce millésime ou qui ne couvre pas "
    "le territoire)", f"{Statut.VIDE.mark}{UNIT_SEP}: {Statut.VIDE.words}"])
UNITS = {"%": "part (%)", "ratio": "ratio", "count": "nombre"}
#: What the n.c. column of the key figures gives (``ch.table(..., note=ch.KEY_FIGURES_NOTE + …)``).
KEY_FIGURES_NOTE = (f"Colonne n.c.{UNIT_SEP}: taux de non-réponse de chaque territoire, dans l'ordre des colonnes "
                    f"({Statut.VIDE.mark}{UNIT_SEP}: pas de taux).")


PARTIAL_NOTE = (f"{PARTIAL_MARK}{UNIT_SEP}: territoire couvert en partie par les données (valeur de sa seule "
                "partie couverte).")


def cell_text(row, decimals: int | None = None) -> str:
    """A value for a table cell: the number, or "s.", "n.c.", "n.d." (absent), "–" (vide)."""
    return fmt_value(row.get("valeur"), str(row.get("unite", "%")), decimals, reason=str(row.get("statut", Statut.NC)))


def _territory_name(t: territories.Territory) -> str:
    return f"{t.nom} ({t.code})" if t.level == "departement" else t.label


def scope_of(row, ensemble: Sequence[str]) -> str:
    """The establishments a row is about ("collèges et lycées publics"), or the things a count
    counts (départements, projets)."""
    words = narrative.wording(row)
    if words.counted:
        return words.counted.plural
    return narrative.subject(str(row.get("type", "ensemble")), public=words.public, ensemble=ensemble)


def key_figures(ch: Chapter, specs: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
    """The headline figures (by default those declared ``key_figure`` in ``indicators.yml``): one
    row per (indicator, type) with the establishments it is about, the territory then its
    compared parents, the n.c. rate and the source; none for a type the territory has none of."""
    chain = [ch.territory] + ch.compared_parents
    records, last_theme = [], None
    # no line for a type the territory has none of (écoles in a perimeter of collèges and lycées)
    for ind, type_ in [(i, t) for i, t in specs or ch.key_figure_specs
                       if t not in ENSEMBLE_TYPES or t in ch.present_types]:
        row = ch.row(ind, type_)
        cat = indicators.catalogue().get(ind)
        theme = themes().get(cat.theme if cat else "", "")
        record = {"Thème": theme if theme != last_theme else "",
                  "Indicateur": str(row["titre"]), "Établissements": scope_of(row, ch.ensemble_for(row))}
        last_theme = theme
        for t in chain:
            cell = ch.row(ind, type_, t)
            # the mark qualifies a value (that of the covered part only), never a missing one
            partial = (t != ch.territory and cell["statut"] == Statut.OK
                       and ch.extent_of(ind, type_, t) != Extent.COMPLETE)
            record[t.label] = cell_text(cell) + (f" {PARTIAL_MARK}" if partial else "")
        record["n.c."] = nc.cell([ch.row(ind, type_, t) for t in chain])
        record["Source"] = str(row["source"])
        records.append(record)
    return pd.DataFrame(records)


def territories_table(ch: Chapter) -> pd.DataFrame:
    """The territories of the edition with their hierarchy (région > académie > département)."""
    h = territories.hierarchy(ch.vintage)
    h = h[h["statut"] == "departement"]
    if ch.is_perimeter or ch.is_collectivity:
        h = h[h["departement"].isin(territories.departement_codes(ch.territory))]
    elif ch.territory.level != "france":
        h = h[h[ch.territory.level] == ch.territory.code]
    out = pd.DataFrame({
        "Région académique": h["region_nom"].where(h["region_statut"] == "region-academique", "—"),
        "Académie": h["academie_nom"].where(h["academie_statut"] == "academie", h["academie_nom"] + " (vice-rectorat)"),
        "Département": h["departement_nom"] + " (" + h["departement"] + ")",
        "Données": np.where(h["departement"].isin(ch.departements_with_data), "oui", "non"),
    })
    return out.sort_values(["Région académique", "Académie", "Département"]).reset_index(drop=True)


#: How the data dictionary names the types an indicator is published for.
PUBLISHED_TYPES = {**{t: noun.plural for t, noun in TYPE_NOUNS.items()},
                   "ensemble": "ensemble", "tous": "tous (EREA compris)"}


def _published_for(ch: Chapter, ind, mine: dict[str, list[tuple[str, str]]]) -> str:
    """The types an indicator is published for, as the dictionary says them: those it is declared
    for whose source the edition has (rows not « absent »; all declared ones when it has none); of
    one type only (« collèges » for the collèges lab), that
    type, whose « ensemble » is the same figure; for a count of sub-territories, the type its
    underlying indicator is about (« collèges » for the départements whose collèges all have an ENT).
    ``mine``: the (type, statut) of the rows of the edition's territory, by indicator."""
    if ind.kind == "subterritories":
        types = [ind.spec["type"]]
    else:
        rows = [row for i in indicators.members(ind.base or ind.id) for row in mine.get(i.id, ())]
        published = {t for t, statut in rows if statut != Statut.ABSENT}
        present = {t for t, _ in rows}
        types = ([t for t in ind.types if t in published] or [t for t in ind.types if t in present]
                 or list(ind.types))
        single = [t for t in types if t in TYPE_NOUNS]
        if len(single) == 1:
            types = single
    order = list(TYPE_ORDER) + ["tous"]
    types = sorted(types, key=lambda t: order.index(t) if t in order else len(order))
    return ", ".join(PUBLISHED_TYPES.get(t, t) for t in types)


def dictionary_table(ch: Chapter) -> pd.DataFrame:
    """Data dictionary: every indicator of the catalogue (distributions as one entry); an indicator
    on a local source only in the editions whose territory the source covers in part at least."""
    records, seen = [], set()
    labels = indicators.source_labels()
    rows = ch.results[ch.results["territoire"] == ch.territory.id]       # once, not per indicator
    mine: dict[str, list[tuple[str, str]]] = {}
    for ind_id, type_, statut in zip(rows["indicateur"], rows["type"], rows["statut"], strict=True):
        mine.setdefault(ind_id, []).append((type_, statut))
    for ind in indicators.catalogue().values():
        key = ind.base or ind.id
        if key in seen:
            continue
        seen.add(key)
        if ind.local and not ch.local_source_applies(ind.extent_family):
            continue
        if not ch.about_universe(ind.id):             # a collectivité of collèges: no lycée-only indicator
            continue
        records.append({"Thème": themes().get(ind.theme, ind.theme), "Indicateur": key,
                        "Intitulé": ind.title, "Unité": UNITS.get(ind.unit, ind.unit),
                        "Source": labels.get(ind.source, ind.source),
                        "Types publiés": _published_for(ch, ind, mine),
                        "Définition": ind.definition})
    return pd.DataFrame(records)


def dictionary_markdown(ch: Chapter) -> str:
    """The data dictionary as Markdown: one list per theme."""
    frame = ch.dictionary_table()
    parts = []
    for theme, group in frame.groupby("Thème", sort=False):
        items = [f"**{r['Intitulé']}**{UNIT_SEP}: {r['Définition']} "
                 f"*{narrative.capitalize(r['Unité'])}{UNIT_SEP}; source{UNIT_SEP}: {r['Source']}{UNIT_SEP}; "
                 f"publié pour{UNIT_SEP}: {r['Types publiés']}{UNIT_SEP}; code{UNIT_SEP}:* `{r['Indicateur']}`."
                 for _, r in group.iterrows()]
        parts.append(f"**{theme}**\n\n" + bullet_list(items))
    return "\n\n".join(parts)


def _completeness_rows(ch: Chapter) -> pd.DataFrame:
    """The rows of the territory behind the n.c. rates by family: shares and ratios by type, out of
    the périmètre (the annuaire is exhaustive), of a source present in the territory."""
    rows = ch.data[(ch.data["territoire"] == ch.territory.id)
                   & ch.data["type"].isin(TYPE_ORDER) & (ch.data["unite"] != "count")
                   & ~ch.data["theme"].isin(["perimetre"])]
    cat = indicators.catalogue()
    rows = rows.assign(source_key=rows["indicateur"].map(lambda i: cat[i].source if i in cat else ""))
    present = rows.groupby(["theme", "source_key"])["statut"].transform(lambda s: (s != Statut.ABSENT).any())
    return rows[present.astype(bool)]


def completeness_by_theme(ch: Chapter) -> pd.DataFrame:
    """n.c. rates of the territory by family of indicators (theme) and source, by type: min–max.
    A family whose indicators come from several sources (connectivité: ETIC, and the Arcep's
    coverage) has one row per source; :func:`completeness_sources` is its source line."""
    rows = _completeness_rows(ch)
    labels = indicators.source_labels()
    records = []
    for (theme, key), group in rows.groupby(["theme", "source_key"], sort=False):
        record = {"Famille": themes().get(theme, theme), "Source": labels.get(key, key),
                  "Indicateurs": str(group["base"].nunique())}
        for t in [t for t in TYPE_ORDER if ch.in_universe(t)]:
            rates = group.loc[(group["type"] == t) & (group["statut"] != Statut.ABSENT), "taux_nc"].dropna()
            if group[group["type"] == t].empty:
                record[type_label(t)] = Statut.VIDE.mark
            elif rates.empty:
                record[type_label(t)] = Statut.ABSENT.mark
            else:
                record[type_label(t)] = nc.percent_range(rates)
        records.append(record)
    order = list(themes().values())
    out = pd.DataFrame(records)
    if len(out):
        out = out.sort_values("Famille", key=lambda s: s.map(order.index), kind="stable").reset_index(drop=True)
    return out


def completeness_sources(ch: Chapter) -> str:
    """The source line of :func:`completeness_by_theme`: every source of its rows, with its
    millésime ("Sources : ETIC 2018 ; Observatoire France THD, Arcep 2018")."""
    found = list(_completeness_rows(ch)["source"].astype(str))
    return nc.source_line(found) if found else ""


def completeness_by_subterritory(ch: Chapter) -> pd.DataFrame:
    """Response rate and n.c. rate of the main indicators (those declared ``completeness_column``
    in ``indicators.yml``), per sub-territory then the territory (ensemble)."""
    chain = ch.children + [ch.territory] if ch.children else [ch.territory]
    records = []
    for t in chain:
        record = {"Territoire": _territory_name(t),
                  "Établ.": cell_text(ch.row("perimetre.etablissements", "ensemble", t)),
                  "Champ ETIC": cell_text(ch.row("perimetre.champ_etic", "ensemble", t)),
                  "Réponse": cell_text(ch.row("perimetre.taux_reponse_etic", "ensemble", t))}
        for label, ind in indicators.completeness_columns().items():
            row = ch.row(ind, "ensemble", t)
            record[label] = (fmt_pct(row["taux_nc"]) if not Statut.parse(row["statut"]).not_available
                             and not is_missing(row["taux_nc"]) else cell_text(row))
        records.append(record)
    return pd.DataFrame(records)


def experimentations_table(ch: Chapter) -> pd.DataFrame:
    """Counts of the experimentation programmes (the indicators of that theme, headed by their
    chart label) by sub-territory, then the territory; empty when the source is absent."""
    inds = {i.id: i.chart_label for i in indicators.catalogue().values() if i.theme == "experimentations"}
    if all(ch.row(i)["statut"] == Statut.ABSENT for i in inds):
        return pd.DataFrame()
    records = []
    for t in ch.children + [ch.territory]:
        record = {"Territoire": _territory_name(t)}
        for ind, label in inds.items():
            record[label] = cell_text(ch.row(ind, "ensemble", t))
        records.append(record)
    return pd.DataFrame(records)


def unavailable_table(ch: Chapter) -> pd.DataFrame:
    """Figures of the 2018 report the open data cannot give, and why."""
    return pd.DataFrame([{"Figure du rapport 2018": figure.label, "Pourquoi elle n'est pas reproduite": figure.reason}
                         for figure in indicators.unavailable().values()])
