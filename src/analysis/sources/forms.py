"""The export forms of the official portals, read into one text table with the layout's columns.

data.education.gouv.fr and the académies' portals run Opendatasoft, whose exports come in several
forms for the same dataset:

- CSV with the *labels* as header (``use_labels=true``: ``Identifiant_de_l_etablissement``,
  ``Code postal``) or the *field names* (the default: ``identifiant_de_l_etablissement``,
  ``code_postal``); separated by ``;`` (``delimiter=%3B``), ``,`` or tab; UTF-8 with or without
  BOM (or a copy re-saved as cp1252 / latin-1 / UTF-16 by a spreadsheet); LF or CRLF;
- JSON: a list of records keyed by field names, values typed (numbers, null, geo points as
  ``{"lon": …, "lat": …}``);
- Parquet: typed columns named by field names.

:func:`read_table` turns any of them into the same frame: every value as text, exactly as the
labelled CSV writes it ("" for no value), columns renamed to the layout's names
(:func:`analysis.sources.layouts.match_header`), and ``_line``: the line of the record in a CSV
file (header = line 1), its number in a JSON or Parquet file (first = 1). A CSV cut short (a row
with fewer fields than the header, an unterminated quote) is refused naming its line: a
truncated download must never count as a respondent with no answers.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import InputError
from analysis.sources import layouts

DELIMITERS = (";", ",", "\t")
#: Encodings tried, in order, for a CSV without BOM: UTF-8 first (the portals' only encoding),
#: then cp1252 (a copy re-saved by a spreadsheet on Windows), then latin-1 (accepts any byte).
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")
SNIFF_BYTES = 1 << 16
NAMES = {"csv": "CSV", "json": "JSON", "parquet": "Parquet", "geojson": "GeoJSON"}


@dataclass(frozen=True)
class FileForm:
    """How a file is written: recorded in the provenance of every stored copy."""

    format: str                     # csv | json | parquet | geojson
    encoding: str | None = None     # CSV: utf-8 | utf-8-sig | utf-16 | cp1252 | latin-1
    delimiter: str | None = None    # CSV
    newline: str | None = None      # CSV: "\n" | "\r\n"
    header: str | None = None       # labels | field names | mixed (known once matched)
    transcoded_from: str | None = None  # a stored copy transcoded to UTF-8: the original encoding

    @classmethod
    def from_dict(cls, data: dict) -> FileForm:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def is_utf8(self) -> bool:
        return self.encoding in (None, "utf-8", "utf-8-sig")

    def describe(self) -> str:
        parts = [NAMES.get(self.format, self.format)]
        if self.format == "csv":
            parts.append({"\t": "tab"}.get(self.delimiter, repr(self.delimiter)) + "-separated")
            parts.append(f"{self.transcoded_from} transcoded to UTF-8" if self.transcoded_from else
                         {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8"}.get(self.encoding, self.encoding))
            parts.append("CRLF" if self.newline == "\r\n" else "LF")
        if self.header:
            parts.append(f"{self.header} as header")
        return ", ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class TextTable:
    """A file read as text: the frame (layout names, ``_line``), its form, and the decoded text
    of a CSV (what a non-UTF-8 copy is transcoded to)."""

    frame: pd.DataFrame
    form: FileForm
    text: str | None = None
    row_unit: str = "line"


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
        raise InputError(path, "the file is empty", hint="Download it again from the official portal.")
    if head.startswith(b"PAR1"):
        return FileForm("parquet")
    encoding = _bom_encoding(head)
    text = _decode_head(head, encoding)
    start = text.lstrip("\ufeff \t\r\n")[:512]
    if start[:1] == "<":
        raise not_data_error(path, start)
    if start[:1] in "[{":
        return FileForm("geojson" if '"FeatureCollection"' in text[:4096] or '"features"' in text[:4096]
                        else "json")
    if "\0" in text[:4096]:
        raise InputError(path, "the file is binary, not a CSV, JSON or Parquet export",
                         hint="Export the dataset from the portal as CSV, JSON or Parquet.")
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"
    return FileForm("csv", encoding=encoding, delimiter=_delimiter(first.rstrip("\r")), newline=newline)


def not_data_error(path, start: str) -> InputError:
    title = re.search(r"<title[^>]*>(.*?)</title>", start, flags=re.I | re.S)
    shown = f" « {title.group(1).strip()[:80]} »" if title else ""
    return InputError(path, f"is an HTML page{shown}, not a data file (a portal's error or login "
                            "page saved in place of the export?)",
                      hint="Download the file again; open the URL in a browser to see what the portal says.")


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _decode_head(head: bytes, encoding: str | None) -> str:
    if encoding:
        return head.decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def _delimiter(header: str) -> str:
    """The delimiter that splits the header line into the most fields (ties: ; then , then tab)."""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def decode(path: Path, form: FileForm) -> tuple[str, str]:
    """The text of a CSV file and the encoding that decoded it (UTF-8 strictly, else cp1252,
    else latin-1, unless a BOM says which)."""
    data = Path(path).read_bytes()
    if form.encoding:
        return data.decode(form.encoding), form.encoding
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")  # pragma: no cover


# ----------------------------------------------------------------------------------- reading
def read_table(path: Path, layout_key: str) -> TextTable:
    """Any export form of a source's file as a text frame with the layout's column names."""
    path = Path(path)
    form = sniff(path)
    if form.format == "csv":
        return _read_csv(path, form, layout_key)
    if form.format in ("json", "parquet"):
        raw = _records_json(path) if form.format == "json" else _records_parquet(path)
        frame = _rename(raw, path, layout_key, form)
        frame["_line"] = np.arange(1, len(frame) + 1)
        header = _header_kind(raw.columns, layout_key)
        return TextTable(frame, replace(form, header=header), row_unit="record")
    raise InputError(path, f"is a {NAMES[form.format]} file, not a table export",
                     hint="Export the dataset from the portal as CSV, JSON or Parquet.")


def header_columns(path: Path) -> tuple[list[str], FileForm]:
    """The column names of a file (first line of a CSV, keys of a JSON export, Parquet schema)."""
    form = sniff(path)
    if form.format == "csv":
        with open(path, encoding=form.encoding or "utf-8", errors="replace", newline="") as f:
            first = f.readline().lstrip("\ufeff").rstrip("\r\n")
        return next(csv.reader([first], delimiter=form.delimiter)), form
    if form.format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names), form
    if form.format == "json":
        records = _load_json(path)
        return (list(records[0]) if records else []), form
    return [], form


def _read_csv(path: Path, form: FileForm, layout_key: str) -> TextTable:
    text, encoding = decode(path, form)
    form = replace(form, encoding=encoding)
    body = text[1:] if text.startswith("\ufeff") else text
    lines = _record_lines(body, form.delimiter, path)
    try:
        raw = pd.read_csv(io.StringIO(body), sep=form.delimiter, dtype=object, keep_default_na=False,
                          na_values=[], quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as exc:   # _record_lines catches these first; kept as a safety net
        raise InputError(path, f"cannot be read as a {form.delimiter!r}-separated CSV: {exc}",
                         hint="Download the file again from the official portal.") from None
    header = list(raw.columns)
    raw.columns = [c.strip() for c in header]
    frame = _rename(raw, path, layout_key, form)
    frame["_line"] = lines[: len(frame)]
    return TextTable(frame, replace(form, header=_header_kind(raw.columns, layout_key)), text=body)


def _record_lines(text: str, delimiter: str, path: Path) -> np.ndarray:
    """Line number of each record (header = line 1), after checking that every record has as
    many fields as the header and that no quote is left open (a file cut mid-row)."""
    if '"' not in text:
        # Fast path (the official exports quote nothing): one field count per line.
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        expected = lines[0].count(delimiter) + 1
        counts = np.fromiter((line.count(delimiter) + 1 for line in lines), dtype=np.int64, count=len(lines))
        blank = np.fromiter((not line.strip("\r") for line in lines), dtype=bool, count=len(lines))
        wrong = np.flatnonzero((counts != expected) & ~blank)
        if len(wrong):
            i = int(wrong[0])
            last = not (~blank[i + 1:]).any()
            raise _field_count_error(path, i + 1, int(counts[i]), expected, last=last)
        return np.flatnonzero(~blank[1:]) + 2
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    starts, previous_end, expected, wrong = [], 0, None, None
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not row:
                continue
            if wrong is not None:          # a row follows the short one: it was not the last
                raise _field_count_error(path, *wrong, last=False)
            if expected is None:
                expected = len(row)
            elif len(row) != expected:
                wrong = (start, len(row), expected)
            else:
                starts.append(start)
    except csv.Error as exc:
        line = previous_end + 1
        raise InputError(path, f"a quoted value opened on line {line} is never closed ({exc}): the "
                               "file is cut short or malformed", row=line,
                         hint="Download the file again (an interrupted download leaves such a file).") from None
    if wrong is not None:
        raise _field_count_error(path, *wrong, last=True)
    return np.asarray(starts, dtype=np.int64)


def _field_count_error(path: Path, line: int, found: int, expected: int, *, last: bool) -> InputError:
    if last and found < expected:
        return InputError(path, f"the last row has {found} field(s) where the header has {expected}: "
                                "the file is cut short (interrupted download or copy)", row=line,
                          hint="Download the file again from the official portal; nothing was imported.")
    return InputError(path, f"the row has {found} field(s) where the header has {expected}", row=line,
                      hint="A value probably contains the separator without quotes: download the "
                           "file again from the official portal rather than re-saving it.")


def _rename(raw: pd.DataFrame, path: Path, layout_key: str, form: FileForm) -> pd.DataFrame:
    mapping, duplicates = layouts.match_header(list(raw.columns), layout_key)
    if duplicates:
        a, b, canonical = duplicates[0]
        raise InputError(path, f"columns '{a}' and '{b}' both read as the {layout_key} column "
                               f"'{canonical}'", column=str(a), row=1 if form.format == "csv" else None,
                         hint="Keep one of them: the file is not an official export as published.")
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
        raise InputError(path, f"is not valid JSON ({exc}): cut short or not an export", row=line,
                         hint="Download the file again from the official portal.") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]             # the records API's page, when saved as a file
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise InputError(path, "is JSON but not a list of records (the portal's JSON export)",
                         hint="Export the dataset with …/exports/json, or as CSV.")
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
        raise InputError(path, f"is not a readable Parquet file ({exc})",
                         hint="Download the file again from the official portal.") from None
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
