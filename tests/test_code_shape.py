"""The shape of the code a newcomer reads: no function of ``src/analysis`` over 80 lines.

A longer function does several things: split it into helpers named after what each does (see
``report/maps.py`` or ``render/book.py``). Counted from the first decorator to the last line,
docstring and signature included.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

MAX_LINES = 80
PACKAGE = ROOT / "src" / "analysis"
#: Functions still over the limit, with why; remove an entry once its function is split.
KNOWN_LONG = {
    "build/batch.py:build_editions": "being reworked with the typed hand-offs of build/ (issue 17)",
}


def _function_lengths():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                yield f"{path.relative_to(PACKAGE).as_posix()}:{node.name}", node.end_lineno - first + 1


def test_no_function_over_80_lines():
    long = {name: n for name, n in _function_lengths() if n > MAX_LINES and name not in KNOWN_LONG}
    assert not long, (f"functions over {MAX_LINES} lines (split them into helpers with one job each): "
                      + ", ".join(f"{name} ({n} lines)" for name, n in sorted(long.items())))
