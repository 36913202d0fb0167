"""Workbooks: the portal's XLSX export (or a copy saved by a spreadsheet) read with openpyxl.

A workbook is accepted when what it holds is a table as the portal exports it: one sheet with
data, values rather than formulas, no value outside the header's columns. It is then turned into
the CSV text it stands for (``;``-separated, values written as the portal's CSV writes them:
:func:`analysis.sources.forms.as_text`), read like any CSV, and stored as that CSV; the
provenance keeps the workbook's sha256 and the sheet read. Anything else (several sheets with
data, formulas, an Excel 97-2003 ``.xls``, an OpenDocument ``.ods``) is refused with
:class:`SpreadsheetError`: « exportez en CSV », and the portal's page of the source when it is
known (:func:`analysis.sources.schemas.read_checked` adds it).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from analysis.core.errors import InputError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"          # Excel 97-2003 (.xls)
DELIMITER = ";"
EXPORT_CSV = ("Exportez le jeu de données en CSV depuis le portail (data.education.gouv.fr ou celui de "
              "l'académie : bouton « Export », format CSV)")


class SpreadsheetError(InputError):
    """A workbook that is not read as it is: the user exports the dataset as CSV instead."""


def workbook_kind(path: Path, head: bytes) -> str | None:
    """``xlsx``, ``ods`` or ``xls`` for a workbook, else None."""
    if head.startswith(OLE2):
        return "xls"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "ods" if "content.xml" in names and "mimetype" in names else None


def refuse(path: Path, kind: str) -> SpreadsheetError:
    """The refusal of a workbook format that is not read (.xls, .ods)."""
    name = {"xls": "un classeur Excel 97-2003 (.xls)", "ods": "un classeur OpenDocument (.ods)"}[kind]
    return SpreadsheetError(path, f"est {name}, que l'outil ne lit pas (il lit les classeurs XLSX)",
                            hint=EXPORT_CSV + ", ou enregistrez le classeur au format XLSX.")


def as_csv(path: Path, as_text: Callable[[object], str]) -> tuple[str, str]:
    """The CSV text of the one sheet with data of an XLSX workbook, and the sheet's name."""
    return _read(path, lambda sheet: _sheet_text(path, sheet, as_text))


def _read(path: Path, read: Callable):
    """``read(sheet)`` of the one sheet with data of a workbook, and the sheet's name."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise SpreadsheetError(path, f"est un classeur XLSX illisible ({type(exc).__name__} : {exc})",
                               hint=EXPORT_CSV + ".") from None
    try:
        sheets = [sheet for sheet in book.worksheets if _has_data(sheet)]
        if len(sheets) != 1:
            names = ", ".join(f"« {s.title} »" for s in sheets)
            raise SpreadsheetError(path, "le classeur n'a aucune feuille de données" if not sheets else
                                   f"le classeur a {len(sheets)} feuilles de données ({names}) : l'outil "
                                   "n'en lit qu'une, celle de l'export du portail", hint=EXPORT_CSV + ".")
        return read(sheets[0]), sheets[0].title
    finally:
        book.close()


def header(path: Path, as_text: Callable[[object], str]) -> tuple[list[str], str]:
    """The first row of the one sheet with data (what identifies the source), and its name."""
    return _read(path, lambda sheet: [as_text(v) if v is not None else ""
                                      for v in next(sheet.iter_rows(max_row=1, values_only=True), ())])


def _has_data(sheet) -> bool:
    for row in sheet.iter_rows(max_row=2, values_only=True):
        if any(v not in (None, "") for v in row):
            return True
    return False


def _sheet_text(path: Path, sheet, as_text: Callable[[object], str]) -> str:
    """The sheet as CSV text: header = the first row, its width = the last named column."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    width = None
    for number, row in enumerate(sheet.iter_rows(), start=1):
        values = [cell.value for cell in row]
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                raise SpreadsheetError(path, f"la cellule {cell.coordinate} de la feuille « {sheet.title} » "
                                             f"contient une formule ({str(cell.value)[:60]}) : un export du "
                                             "portail n'en contient pas", row=number, hint=EXPORT_CSV + ".")
        if width is None:
            named = [i for i, v in enumerate(values) if v not in (None, "")]
            width = named[-1] + 1 if named else 0
        beyond = [i for i, v in enumerate(values[width:], start=width) if v not in (None, "")]
        if beyond:
            raise SpreadsheetError(path, f"la ligne {number} a une valeur dans la colonne {beyond[0] + 1}, "
                                         "qui n'a pas de nom dans l'en-tête", row=number,
                                   value=as_text(values[beyond[0]]), hint=EXPORT_CSV + ".")
        values = (values + [None] * width)[:width]
        writer.writerow(["" if v is None else as_text(v) for v in values])
    return out.getvalue()
