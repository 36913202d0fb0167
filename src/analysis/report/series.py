"""The key figures over every millésime of the data folder, breaks in comparability marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis import indicators
from analysis.core.formatting import UNIT_SEP
from analysis.core.statuts import BREAK_MARK
from analysis.harmonise.millesimes import available_years
from analysis.indicators.series import series
from analysis.report.tables import cell_text, scope_of

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

BREAK_NOTE = (f"{BREAK_MARK}{UNIT_SEP}: la question a changé depuis le millésime précédent{UNIT_SEP}; l'évolution "
              "n'est pas comparable.")


def years(ch: Chapter) -> list[int]:
    """The millésimes of the data folder, up to the edition's."""
    return [y for y in available_years(ch.store) if y <= ch.year]


def series_table(ch: Chapter) -> pd.DataFrame:
    """One row per key figure, one column per millésime (empty with a single millésime)."""
    found = years(ch)
    if len(found) < 2:
        return pd.DataFrame()
    tables = {y: ch.results if y == ch.year else indicators.load(ch.store, y, threshold=ch.threshold,
                                                                          also=[ch.territory]) for y in found}
    out = series(tables, ch.territory.id, ch.key_figure_specs)
    records = []
    for (ind, type_), rows in out.groupby(["indicateur", "type"], sort=False):
        row = ch.row(ind, type_)
        record = {"Indicateur": str(row["titre"]), "Établissements": scope_of(row, ch.ensemble_for(row))}
        for r in rows.itertuples():
            record[str(r.annee)] = cell_text({"valeur": r.valeur, "statut": r.statut, "unite": r.unite}) \
                + (f" {BREAK_MARK}" if r.rupture else "")
        records.append(record)
    return pd.DataFrame(records)


def series_intro(ch: Chapter) -> str:
    held = available_years(ch.store)
    found = [y for y in held if y <= ch.year]
    if len(found) < 2:
        later = [y for y in held if y > ch.year]
        return (f"Aucun millésime antérieur à {ch.year} dans le dossier de données{UNIT_SEP}: pas d'évolution "
                "à présenter" + (f" (l'édition {later[0]} la présente)." if later else "."))
    return (f"Les chiffres clés sur les millésimes {', '.join(map(str, found[:-1]))} et {found[-1]}. Quand une "
            "question de l'enquête a changé entre deux millésimes, la valeur est donnée mais l'évolution ne se "
            f"compare pas (marque {BREAK_MARK}).")
