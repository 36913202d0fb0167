"""The export forms of the official portals, read into one text table with the layout's columns.

data.education.gouv.fr and the académies' portals run Opendatasoft, whose exports come in several
forms for the same dataset:

- CSV with the *labels* as header (``use_labels=true``: ``Identifiant_de_l_etablissement``,
  ``Code postal``) or the *field names* (the default: ``identifiant_de_l_etablissement``,
  ``code_postal``); separated by ``;`` (``delimiter=%3B``), ``,`` or tab; UTF-8 with or without
  BOM (or a copy re-saved as cp1252 / UTF-16 by a spreadsheet: :mod:`analysis.sources.encodings`);
  LF or CRLF; a first line ``sep=;`` (what Excel writes) is skipped and reported;
- JSON: a list of records keyed by field names, values typed (numbers, null, geo points as
  ``{"lon": …, "lat": …}``);
- Parquet: typed columns named by field names;
- XLSX (a workbook of one sheet: :mod:`analysis.sources.spreadsheets`), read as the CSV it stands
  for.

:func:`read_table` turns any of them into the same frame: every value as text, exactly as the
labelled CSV writes it ("" for no value), columns renamed to the layout's names
(:func:`analysis.sources.layouts.match_header`), and ``_line``: the line of the record in a CSV
file or a sheet (header = line 1), its number in a JSON or Parquet file (first = 1). Rows whose
cells are all empty are ignored and counted (``FileForm.empty_rows``). A CSV cut short is
refused naming its line (:mod:`analysis.sources.csv_rows`).
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import InputError
from analysis.sources import csv_rows, encodings, layouts, spreadsheets

DELIMITERS = (";", ",", "\t")
SNIFF_BYTES = 1 << 16
NAMES = {"csv": "CSV", "json": "JSON", "parquet": "Parquet", "geojson": "GeoJSON", "xlsx": "XLSX"}
#: A first line naming the separator, as Excel writes it (``sep=;``).
SEP_LINE = re.compile(r'^"?sep=(.)"?\r?$', flags=re.I)
HEADERS = {"labels": "libellés", "field names": "noms de champs", "mixed": "libellés et noms de champs"}
ENCODINGS = {"utf-8-sig": "UTF-8 avec BOM", "utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "cp1252 (Windows)"}
CONTAINERS = {"zip": "une archive ZIP", "gzip": "un fichier gzip"}
EXPORT = "Exportez le jeu de données depuis le portail en CSV, JSON, Parquet ou XLSX."


@dataclass(frozen=True)
class FileForm:
    """How a file is written: recorded in the provenance of every stored copy."""

    format: str                     # csv | json | parquet | geojson | xlsx
    encoding: str | None = None     # CSV: utf-8 | utf-8-sig | utf-16 | cp1252
    delimiter: str | None = None    # CSV
    newline: str | None = None      # CSV: "\n" | "\r\n"
    header: str | None = None       # labels | field names | mixed (known once matched)
    transcoded_from: str | None = None  # a stored copy transcoded to UTF-8: the original encoding
    sep_line: bool = False          # CSV: a first line « sep=; » skipped
    empty_rows: int = 0             # rows of empty cells ignored
    sheet: str | None = None        # XLSX: the sheet read (the copy is stored as CSV)
    container: str | None = None    # zip | gzip: the archive the file came in
    member: str | None = None       # the file's name in that archive

    @classmethod
    def from_dict(cls, data: dict) -> FileForm:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def is_utf8(self) -> bool:
        return self.encoding in (None, "utf-8", "utf-8-sig")

    @property
    def stored_as_text(self) -> bool:
        """The stored copy is the text read (a non-UTF-8 CSV transcoded, a workbook as CSV), not
        the file's bytes."""
        return self.format == "xlsx" or (self.format == "csv" and not self.is_utf8)

    def describe(self) -> str:
        """In French: ``CSV, séparateur « ; », UTF-8, fins de ligne LF, en-tête : libellés``."""
        parts = [NAMES.get(self.format, self.format)]
        if self.sheet is not None:
            parts = [f"classeur XLSX (feuille « {self.sheet} ») converti en CSV"]
        if self.format == "csv":
            parts.append("séparateur tabulation" if self.delimiter == "\t" else f"séparateur « {self.delimiter} »")
            parts.append(f"{ENCODINGS.get(self.transcoded_from, self.transcoded_from)} converti en UTF-8"
                         if self.transcoded_from else ENCODINGS.get(self.encoding, self.encoding or ""))
            parts.append("fins de ligne CRLF" if self.newline == "\r\n" else "fins de ligne LF")
        if self.header:
            parts.append(f"en-tête : {HEADERS.get(self.header, self.header)}")
        if self.sep_line:
            parts.append(f"première ligne « sep={self.delimiter} » (Excel) ignorée")
        if self.empty_rows:
            parts.append(f"{self.empty_rows} ligne{'s' if self.empty_rows > 1 else ''} de cellules vides "
                         f"ignorée{'s' if self.empty_rows > 1 else ''}")
        if self.container:
            parts.append(f"lu dans {CONTAINERS.get(self.container, self.container)} ({self.member})")
        return ", ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False, 0)}


@dataclass
class TextTable:
    """A file read as text: the frame (layout names, ``_line``), its form, the text of a CSV or
    workbook (what a non-UTF-8 copy is transcoded to, what a workbook is stored as), and the
    lines of the rows of empty cells ignored."""

    frame: pd.DataFrame
    form: FileForm
    text: str | None = None
    row_unit: str = "line"
    empty_lines: list[int] | None = None


# ----------------------------------------------------------------------------------- sniffing
def sniff(path: Path) -> FileForm:
    """The form of a file from its first bytes (format, encoding, delimiter, line ends).

    Raises :class:`InputError` for what is no data file: empty, an HTML page (what a portal sends
    for an error or a login page), another binary format.
    """
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head.strip():
        raise InputError(path, "le fichier est vide", hint="Téléchargez-le à nouveau depuis le portail officiel.")
    if head.startswith(b"PAR1"):
        return FileForm("parquet")
    workbook = spreadsheets.workbook_kind(path, head)
    if workbook == "xlsx":
        return FileForm("xlsx")
    if workbook:
        raise spreadsheets.refuse(path, workbook)
    encoding = encodings.bom_encoding(head)
    text = head.decode(encoding or "utf-8", errors="replace")
    start = text.lstrip("\ufeff \t\r\n")[:512]
    if start[:1] == "<":
        raise not_data_error(path, start)
    if start[:1] in "[{":
        return FileForm("geojson" if '"FeatureCollection"' in text[:4096] or '"features"' in text[:4096]
                        else "json")
    if "\0" in text[:4096]:
        raise InputError(path, "le fichier est binaire : ce n'est ni un CSV, ni un JSON, ni un Parquet, "
                               "ni un classeur XLSX", hint=EXPORT)
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    newline = "\r\n" if first.endswith("\r") else "\n"
    declared = SEP_LINE.match(first)
    if declared:
        return FileForm("csv", encoding=encoding, delimiter=declared.group(1), newline=newline, sep_line=True)
    return FileForm("csv", encoding=encoding, delimiter=_delimiter(first.rstrip("\r")), newline=newline)


def not_data_error(path, start: str) -> InputError:
    title = re.search(r"<title[^>]*>(.*?)</title>", start, flags=re.I | re.S)
    shown = f" « {title.group(1).strip()[:80]} »" if title else ""
    return InputError(path, f"est une page HTML{shown}, pas un fichier de données (la page d'erreur ou de "
                            "connexion d'un portail, enregistrée à la place de l'export ?)",
                      hint="Téléchargez à nouveau le fichier ; ouvrez l'URL dans un navigateur pour voir ce que "
                           "dit le portail.")


def _delimiter(header: str) -> str:
    """The delimiter that splits the header line into the most fields (ties: ; then , then tab)."""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def decode(path: Path, delimiter: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding that decoded it, decided on the whole file
    (:func:`analysis.sources.encodings.decode`)."""
    return encodings.decode(Path(path).read_bytes(), path, delimiter)


# ----------------------------------------------------------------------------------- reading
def read_table(path: Path, layout_key: str) -> TextTable:
    """Any export form of a source's file as a text frame with the layout's column names."""
    path = Path(path)
    form = sniff(path)
    if form.format == "csv":
        text, encoding = decode(path, form.delimiter)
        return _read_text(path, replace(form, encoding=encoding), layout_key, text)
    if form.format == "xlsx":
        text, sheet = spreadsheets.as_csv(path, as_text)
        csv_form = FileForm("xlsx", encoding="utf-8", delimiter=spreadsheets.DELIMITER, newline="\n", sheet=sheet)
        return _read_text(path, csv_form, layout_key, text)
    if form.format in ("json", "parquet"):
        raw = _records_json(path) if form.format == "json" else _records_parquet(path)
        empty = (raw == "").all(axis=1).to_numpy() if len(raw.columns) else np.zeros(len(raw), dtype=bool)
        numbers = np.arange(1, len(raw) + 1)
        raw = raw[~empty].reset_index(drop=True)
        frame = _rename(raw, path, layout_key, form)
        frame["_line"] = numbers[~empty]
        header = _header_kind(raw.columns, layout_key)
        return TextTable(frame, replace(form, header=header, empty_rows=int(empty.sum())), row_unit="record",
                         empty_lines=[int(n) for n in numbers[empty]])
    raise InputError(path, f"est un fichier {NAMES[form.format]}, pas l'export d'un tableau", hint=EXPORT)


def header_columns(path: Path) -> tuple[list[str], FileForm]:
    """The column names of a file (first line of a CSV, keys of a JSON export, Parquet schema,
    first row of a workbook's sheet)."""
    form = sniff(path)
    if form.format == "csv":
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        text = _header_text(head, form.encoding)
        lines = text.lstrip("\ufeff").split("\n", 2)
        first = lines[1] if form.sep_line and len(lines) > 1 else lines[0]
        return next(csv.reader([first.rstrip("\r")], delimiter=form.delimiter)), form
    if form.format == "xlsx":
        columns, sheet = spreadsheets.header(path, as_text)
        return columns, replace(form, sheet=sheet)
    if form.format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names), form
    if form.format == "json":
        records = _load_json(path)
        return (list(records[0]) if records else []), form
    return [], form


def _header_text(head: bytes, encoding: str | None) -> str:
    """The first bytes of a CSV as text, to recognise its header: in the encoding its BOM
    declares, else UTF-8, else cp1252 (a header re-saved by a spreadsheet: ``Année``)."""
    if encoding:
        return head.decode(encoding, errors="replace")
    line = head.split(b"\n", 2)
    try:
        return b"\n".join(line[:2]).decode("utf-8")
    except UnicodeDecodeError:
        return b"\n".join(line[:2]).decode(encodings.SINGLE_BYTE, errors="replace")


def _read_text(path: Path, form: FileForm, layout_key: str, text: str) -> TextTable:
    """A CSV text (decoded, or a workbook's sheet) as a text table."""
    body = text[1:] if text.startswith("\ufeff") else text
    first = 1
    if form.sep_line:                           # the header is line 2
        body = body.split("\n", 1)[1] if "\n" in body else ""
        first = 2
    rows = csv_rows.parse(body, form.delimiter, path, first)
    frame = _rename(rows.frame, path, layout_key, form)
    frame["_line"] = rows.lines
    form = replace(form, header=_header_kind(rows.frame.columns, layout_key), empty_rows=len(rows.empty_lines))
    return TextTable(frame, form, text=text[1:] if text.startswith("\ufeff") else text,
                     empty_lines=rows.empty_lines)


def _rename(raw: pd.DataFrame, path: Path, layout_key: str, form: FileForm) -> pd.DataFrame:
    mapping, duplicates = layouts.match_header(list(raw.columns), layout_key)
    if duplicates:
        a, b, canonical = duplicates[0]
        raise InputError(path, f"les colonnes « {a} » et « {b} » se lisent toutes deux comme la colonne "
                               f"« {canonical} » de {layout_key}", column=str(a),
                         row=1 if form.format in ("csv", "xlsx") else None,
                         hint="Gardez-en une : le fichier n'est pas un export officiel tel que publié.")
    return raw.rename(columns=mapping)


def _header_kind(columns, layout_key: str) -> str:
    layout = set(layouts.LAYOUTS.get(layout_key, ()))
    matched = [c for c in columns if layouts.normalised(c) in layouts.canonical_names(layout_key)]
    if matched and all(c in layout for c in matched):
        return "labels"
    if matched and all(c == layouts.normalised(c) for c in matched):
        return "field names"
    return "mixed"


# ----------------------------------------------------------------------------------- JSON, Parquet
def _load_json(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(path, f"n'est pas un JSON valide ({exc}) : coupé, ou pas un export", row=line,
                         hint="Téléchargez-le à nouveau depuis le portail officiel.") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]             # the records API's page, when saved as a file
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(path, "est un JSON mais pas une liste d'enregistrements (l'export JSON du portail)",
                         hint="Exportez le jeu de données avec …/exports/json, ou en CSV.")
    return data


def _records_json(path: Path) -> pd.DataFrame:
    records = _load_json(path)
    columns = list(dict.fromkeys(k for r in records for k in r))
    data = {c: _texts([r.get(c) for r in records]) for c in columns}
    return pd.DataFrame(data, columns=columns, dtype=object)


def _records_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        raise InputError(path, f"n'est pas un fichier Parquet lisible ({exc})",
                         hint="Téléchargez-le à nouveau depuis le portail officiel.") from None
    data = {name: _texts(table.column(name).to_pylist()) for name in table.column_names}
    return pd.DataFrame(data, columns=table.column_names, dtype=object)


def _texts(values: list) -> list[str]:
    """:func:`as_text` of a column (strings, the common case, pass through without a call)."""
    return [v if type(v) is str else "" if v is None else as_text(v) for v in values]


def as_text(value) -> str:
    """A typed JSON/Parquet value written as the portal's CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):      # positional, as in the CSV: never "6.4e-05"
        return "" if math.isnan(value) else np.format_float_positional(value, trim="0")
    if isinstance(value, dict):
        if "lat" in value and "lon" in value:       # geo point: "lat, lon" as in the CSV export
            return f"{value['lat']}, {value['lon']}"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):                 # Parquet dates and timestamps
        return value.isoformat()
    return str(value)
