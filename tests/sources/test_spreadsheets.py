"""Workbooks: an XLSX of one sheet read as the CSV it stands for; several sheets, formulas, values
outside the header, .xls and .ods refused, saying to export as CSV."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook

from analysis.sources import forms, spreadsheets
from analysis.sources.spreadsheets import SpreadsheetError


def _book(path, *sheets):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


ROWS = [["Code_UAI", "Millesime", "NbTerminaux", "date", "nom"],
        ["0341893Y", 2018, 311.0, dt.datetime(2018, 9, 3), "Collège « Jean Moulin »; Sète"],
        ["0340002T", 2019, None, None, None]]


def test_a_sheet_reads_as_the_csv_the_portal_would_write(tmp_path):
    text, sheet = spreadsheets.as_csv(_book(tmp_path / "a.xlsx", ("Export", ROWS)), forms.as_text)
    assert sheet == "Export"
    assert text.splitlines() == ["Code_UAI;Millesime;NbTerminaux;date;nom",
                                 '0341893Y;2018;311;2018-09-03T00:00:00;"Collège « Jean Moulin »; Sète"',
                                 "0340002T;2019;;;"]
    assert spreadsheets.header(tmp_path / "a.xlsx", forms.as_text) == (ROWS[0], "Export")


def test_an_empty_sheet_beside_the_data_is_no_second_sheet(tmp_path):
    path = _book(tmp_path / "a.xlsx", ("Vide", []), ("Export", ROWS))
    assert spreadsheets.as_csv(path, forms.as_text)[1] == "Export"


@pytest.mark.parametrize(("sheets", "said"), [
    ((("Export", ROWS), ("Notes", [["à relire"]])), "le classeur a 2 feuilles de données (« Export », « Notes »)"),
    ((("Vide", []),), "le classeur n'a aucune feuille de données"),
    ((("Export", ROWS[:2] + [["0340002T", 2019, "=B2+1", None, None]]),), "la cellule C3 de la feuille « Export » "
                                                                          "contient une formule (=B2+1)"),
    ((("Export", ROWS[:2] + [["0340002T", 2019, 1, None, None, "en trop"]]),),
     "la ligne 3 a une valeur dans la colonne 6, qui n'a pas de nom dans l'en-tête"),
])
def test_what_is_no_export_of_the_portal_is_refused_saying_to_export_as_csv(sheets, said, tmp_path):
    path = _book(tmp_path / "a.xlsx", *sheets)
    with pytest.raises(SpreadsheetError) as err:
        spreadsheets.as_csv(path, forms.as_text)
    message = " ".join(str(err.value).split())
    assert said in message and "Exportez le jeu de données en CSV" in message


def test_workbook_formats_are_told_from_their_bytes(tmp_path):
    xlsx = _book(tmp_path / "a.xlsx", ("Export", ROWS))
    ods = tmp_path / "a.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    plain = tmp_path / "a.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("a.csv", "x")
    kinds = [spreadsheets.workbook_kind(p, p.read_bytes()[:8]) for p in (xlsx, ods, plain)]
    assert kinds == ["xlsx", "ods", None]
    assert spreadsheets.workbook_kind(tmp_path / "x", spreadsheets.OLE2 + b"\0") == "xls"
    assert "classeur OpenDocument (.ods)" in str(spreadsheets.refuse(ods, "ods"))
