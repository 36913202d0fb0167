"""The warnings in what ``quarto render`` printed, so that a build shows them instead of dropping them.

Quarto writes its progress and its warnings to standard error: its own warnings as
``WARN: …`` (``src/core/log.ts``: the level name, then the message), those of its Lua filters as
``WARNING (file:line) …`` (``src/resources/filters/common/log.lua``), pandoc's as ``[WARNING] …``
and typst's as ``warning: …``, in colour on a terminal. A warning may run over several lines
(Quarto's « The following string was found in the document: … » does); it ends at a blank line,
at the next warning or error, or at a line of progress (``[1/9] notebooks/…``, ``Output
created: …``, the pandoc options block).
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_START = re.compile(r"^(WARN(ING)?\b|\[WARNING\]|warning:)")
_END = re.compile(r"^(ERROR\b|\[ERROR\]|error:|\[\s*\d+/\d+\]|Output created:|Running script|Rendering |"
                  r"pandoc\b|metadata\b|\s{2}[\w-]+:)")


def quarto_warnings(stderr: str) -> list[str]:
    """The warnings of a ``quarto render``'s standard error, each on one line, in order, once."""
    warnings: list[list[str]] = []
    current: list[str] | None = None
    for line in _ANSI.sub("", stderr).splitlines():
        text = line.rstrip()
        if _START.match(text):
            current = [text]
            warnings.append(current)
        elif current is not None and text.strip() and not _END.match(text):
            current.append(text.strip())
        else:
            current = None
    return list(dict.fromkeys(" ".join(lines) for lines in warnings))
