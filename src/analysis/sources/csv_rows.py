"""The records of a CSV text: each checked for its number of fields, each with its line in the
file, and the rows of empty cells set aside and counted.

A CSV cut short (a last row with fewer fields than the header, an unterminated quote) is refused
naming its line: a truncated download must never count as a respondent with no answers. A row
whose cells are all empty (what a spreadsheet leaves after rows were cleared: ``;;;;``) holds no
data: it is ignored, and its line is kept to be reported, never read as an établissement with an
empty key.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import InputError


@dataclass
class Rows:
    """The records of a CSV text as a frame of text, the line of each, the empty rows' lines."""

    frame: pd.DataFrame
    lines: np.ndarray
    empty_lines: list[int] = field(default_factory=list)


def parse(text: str, delimiter: str, path: Path, first_line: int = 1) -> Rows:
    """The records of ``text`` (header first); ``first_line`` is the line of the header in the
    file (2 after an Excel ``sep=`` line)."""
    lines, empty = _record_lines(text, delimiter, path, first_line)
    if empty:
        text = _without(text, empty, first_line)
    try:
        raw = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=object, keep_default_na=False,
                          na_values=[], quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as exc:   # _record_lines catches these first; kept as a safety net
        raise InputError(path, f"ne se lit pas comme un CSV séparé par « {delimiter} » : {exc}",
                         hint="Téléchargez à nouveau le fichier depuis le portail officiel.") from None
    raw.columns = [c.strip() for c in raw.columns]
    return Rows(raw, lines[: len(raw)], [start for start, _ in empty])


def is_empty_row(line: str, delimiter: str) -> bool:
    """A line of separators, quotes and spaces only: a row of empty cells."""
    return not line.replace(delimiter, "").replace('"', "").strip()


def _record_lines(text: str, delimiter: str, path: Path, first: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Line number of each record, after checking that every record has as many fields as the
    header and that no quote is left open (a file cut mid-row); and the (first, last) lines of
    the rows of empty cells."""
    if '"' not in text:
        return _unquoted_lines(text, delimiter, path, first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    starts, empty, previous_end, expected, wrong = [], [], 0, None, None
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not row:
                continue
            if expected is not None and not "".join(row).strip():
                empty.append((start + first - 1, previous_end + first - 1))
                continue
            if wrong is not None:          # a row follows the short one: it was not the last
                raise _field_count_error(path, *wrong, last=False)
            if expected is None:
                expected = len(row)
            elif len(row) != expected:
                wrong = (start + first - 1, len(row), expected)
            else:
                starts.append(start + first - 1)
    except csv.Error as exc:
        line = previous_end + first
        raise InputError(path, f"un guillemet ouvert ligne {line} n'est jamais fermé ({exc}) : le fichier "
                               "est coupé ou mal formé", row=line,
                         hint="Téléchargez à nouveau le fichier (un téléchargement interrompu laisse un tel "
                              "fichier) ; rien n'a été importé.") from None
    if wrong is not None:
        raise _field_count_error(path, *wrong, last=True)
    return np.asarray(starts, dtype=np.int64), empty


def _unquoted_lines(text: str, delimiter: str, path: Path, first: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """:func:`_record_lines` of a text without quotes (the official exports): one record a line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    expected = lines[0].count(delimiter) + 1
    counts = np.fromiter((line.count(delimiter) + 1 for line in lines), dtype=np.int64, count=len(lines))
    blank = np.fromiter((not line.strip("\r") for line in lines), dtype=bool, count=len(lines))
    empty = np.fromiter((i > 0 and not b and is_empty_row(line, delimiter)
                         for i, (line, b) in enumerate(zip(lines, blank, strict=True))),
                        dtype=bool, count=len(lines))
    wrong = np.flatnonzero((counts != expected) & ~blank & ~empty)
    if len(wrong):
        i = int(wrong[0])
        last = not (~blank[i + 1:] & ~empty[i + 1:]).any()
        raise _field_count_error(path, i + first, int(counts[i]), expected, last=last)
    kept = ~blank & ~empty
    kept[0] = False
    return np.flatnonzero(kept) + first, [(int(i) + first, int(i) + first) for i in np.flatnonzero(empty)]


def _without(text: str, empty: list[tuple[int, int]], first: int) -> str:
    """``text`` without the lines of the empty rows (numbered in the file: header = ``first``)."""
    drop = {line - first for start, end in empty for line in range(start, end + 1)}
    return "\n".join(line for i, line in enumerate(text.split("\n")) if i not in drop)


def _field_count_error(path: Path, line: int, found: int, expected: int, *, last: bool) -> InputError:
    if last and found < expected:
        return InputError(path, f"la dernière ligne a {found} champ(s) où l'en-tête en a {expected} : le fichier "
                                "est coupé (téléchargement ou copie interrompus)", row=line,
                          hint="Téléchargez à nouveau le fichier depuis le portail officiel ; rien n'a été importé.")
    return InputError(path, f"la ligne a {found} champ(s) où l'en-tête en a {expected}", row=line,
                      hint="Une valeur contient sans doute le séparateur sans guillemets : téléchargez à "
                           "nouveau le fichier depuis le portail officiel plutôt que de l'enregistrer à nouveau "
                           "depuis un tableur.")
