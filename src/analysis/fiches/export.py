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

from analysis.core.atomic import replacing, write_text
from analysis.core.digests import file_sha256
from analysis.core.publication import DEMO_BANNER, TITLE
from analysis.fiches import listing, rows
from analysis.fiches.fiche import Millesime, notes
from analysis.indicators.export import append_frame

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
    """Write the CSV (and the workbook) of the millésime; each file is replaced whole. The workbook
    takes a minute at national scale: it is rewritten only when the CSV changed (its sha256 is kept
    in ``.etablissements-<year>.xlsx.sha256``)."""
    table = frame(m)
    paths = {"csv": listing.export_path(year_dir, m.year, ".csv")}
    with replacing(paths["csv"]) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    if xlsx:
        paths["xlsx"] = target = listing.export_path(year_dir, m.year, ".xlsx")
        stamp = target.with_name(f".{target.name}.sha256")
        digest = file_sha256(paths["csv"])
        if not target.exists() or not stamp.exists() or stamp.read_text(encoding="utf-8").strip() != digest:
            with replacing(target) as tmp:
                _workbook(m, table, tmp)
            write_text(stamp, digest)
    return paths


def _workbook(m: Millesime, table: pd.DataFrame, path: Path) -> None:
    """The workbook, written row by row (openpyxl's write-only mode: a national table in a minute)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    notice = book.create_sheet("Lisez-moi")
    notice.append([f"{TITLE} — réponses par établissement, millésime {m.year}"])
    notice.append([DEMO_BANNER if m.demo else "Données ouvertes officielles (ETIC est publié par établissement)"])
    for note in notes(m):
        if note != DEMO_BANNER:
            notice.append([note])
    append_frame(book.create_sheet("Définitions"), definitions(m))
    sheet = book.create_sheet("Établissements")
    sheet.freeze_panes = "C2"
    append_frame(sheet, table)
    book.save(path)
