"""The widths of a Markdown table's columns, as the dashes of its separator line.

pandoc (hence Quarto, the built-in renderer's HTML and its typst PDF) gives a wrapped table's
columns widths in proportion to those dashes. They are shared the way a browser lays out a table:
every column first gets the room of its longest word (a word of the body is never cut: « Annuaire
/ de / l'Éducation » over four lines was a source column narrower than its words), then what is
left of a line goes to the columns whose cells would wrap, in proportion to what they lack. A
header wraps between its words, and hyphenates a long one (« Région / acadé-mique / Occitanie »
over a column of « 97 % »).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

#: About how many characters of table text a line of the PDF holds (A4, 16 cm, 8.5 pt), cell
#: padding included: the line that the columns share.
LINE_CHARS = 120
#: The padding of a cell, in characters (4 pt on each side).
PADDING = 2
#: A bold header character is about this much wider than a body one.
BOLD = 1.2
#: A longer header word is hyphenated (the PDF hyphenates the French words of a header row) rather
#: than widening its column of short numbers: « Acadé-mie », « Établisse-ments ».
LONGEST_HEADER_WORD = 10
#: The widest a column of text (or of numbers) is made before it wraps.
MAX_TEXT, MAX_NUMBER = 40, 13
_LINK = re.compile(r"\[([^\]]*)\]\(<?[^)>]*>?\)")
_WORDS = re.compile(r"[ \t]+")          # no-break spaces join: « 97 % » is one word


def shown(text: str) -> str:
    """A cell as the reader sees it: a link's label without its address, ``\\|`` as ``|``."""
    return _LINK.sub(r"\1", text).replace("\\|", "|")


def _longest_word(texts: Sequence[str]) -> int:
    return max((len(word) for text in texts for word in _WORDS.split(text)), default=0)


def _bounds(header: str, cells: Sequence[str], numeric: bool) -> tuple[int, int]:
    """(narrowest, widest) of a column in characters, padding included: its longest word (the
    header's in bold), and its longest cell up to the cap, never narrower than the first."""
    cells = [shown(c) for c in cells if c]
    header = shown(header)
    least = max(_longest_word(cells), min(math.ceil(_longest_word([header]) * BOLD), LONGEST_HEADER_WORD), 1)
    most = max(least, min(max(map(len, cells), default=0), MAX_NUMBER if numeric else MAX_TEXT))
    return least + PADDING, most + PADDING


def column_widths(headers: Sequence[str], columns: Sequence[Sequence[str]], numeric: Sequence[bool],
                  line: int = LINE_CHARS) -> list[int]:
    """The dashes of each column (Markdown cells, as written in the table)."""
    bounds = [_bounds(h, col, n) for h, col, n in zip(headers, columns, numeric)]
    least = sum(lo for lo, _ in bounds)
    most = sum(hi for _, hi in bounds)
    if most <= line or most == least:
        return [hi for _, hi in bounds]
    share = max(0.0, (line - least) / (most - least))        # 0: even the words fill the line
    return [lo + round((hi - lo) * share) for lo, hi in bounds]
