"""The export « par établissement »: one row per établissement, its answers and the codes of its
territories, as CSV and as a workbook (``etablissements-<year>.csv`` / ``.xlsx`` beside the index).

Each question of the fiches is one column holding the answer as a fiche prints it (« oui »,
« non », a level, « non renseigné », « – », « n.d. »); a number also has its value
(``<question>.valeur``, empty when there is none) and its place in the département
(``<question>.quart``). The workbook adds a notice (the demo banner on demo data, what the marks
mean) and the definitions of the questions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core.atomic import replacing
from analysis.core.publication import DEMO_BANNER, TITLE
from analysis.fiches import listing, rows
from analysis.fiches.fiche import Millesime, notes

IDENTITY = ["uai", "nom", "type", "secteur", "education_prioritaire", "commune_code", "commune", "departement",
            "academie", "region", "repondant_etic"]


def frame(m: Millesime) -> pd.DataFrame:
    """The rows of the export, in UAI order."""
    out = m.table[IDENTITY].copy()
    out.insert(0, "annee", m.year)
    printed = m.printed[m.year]
    columns = {}
    for q in m.questions:
        columns[q.id] = printed[q.id].to_numpy()
        if q.kind == rows.NUMBER:
            columns[f"{q.id}.valeur"] = m.answers.value[q.id].to_numpy()
            columns[f"{q.id}.quart"] = m.quarters[q.id].to_numpy()
    out = pd.concat([out.reset_index(drop=True), pd.DataFrame(columns)], axis=1)
    out["demo"] = m.demo
    return out


def definitions(m: Millesime) -> pd.DataFrame:
    return pd.DataFrame([{"Colonne": q.id, "Question": q.title, "Source": rows.source_label(q, m.year),
                          "Définition": q.members[0].definition} for q in m.questions])


def write(m: Millesime, year_dir: Path, *, xlsx: bool = True) -> dict[str, Path]:
    """Write the CSV (and the workbook) of the millésime; each file is replaced whole."""
    table = frame(m)
    paths = {"csv": listing.export_path(year_dir, m.year, ".csv")}
    with replacing(paths["csv"]) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    if xlsx:
        paths["xlsx"] = listing.export_path(year_dir, m.year, ".xlsx")
        with replacing(paths["xlsx"]) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            notice = [[f"{TITLE} — réponses par établissement, millésime {m.year}"],
                      [DEMO_BANNER if m.demo else "Données ouvertes officielles (ETIC est publié par établissement)"],
                      *[[note] for note in notes(m) if note != DEMO_BANNER]]
            pd.DataFrame(notice).to_excel(writer, sheet_name="Lisez-moi", index=False, header=False)
            definitions(m).to_excel(writer, sheet_name="Définitions", index=False)
            table.to_excel(writer, sheet_name="Établissements", index=False)
            writer.sheets["Établissements"].freeze_panes = "C2"
    return paths
