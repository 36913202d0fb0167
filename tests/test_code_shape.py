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
#: Functions allowed over the limit, with why (none today; say why before adding one).
KNOWN_LONG: dict[str, str] = {}


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


def _package_of(module: str) -> str:
    """``analysis.report.maps`` -> ``report``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _private_names_across_packages():
    """(file, name) of a private name of another package that a module imports or reaches into."""
    for path in sorted(PACKAGE.rglob("*.py")):
        mine = path.relative_to(PACKAGE).parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules = {}                                  # local name -> package of an imported module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
                for alias in node.names:
                    package = _package_of(node.module)
                    if alias.name.startswith("_") and not alias.name.startswith("__") and package != mine:
                        yield path.name, f"{node.module}.{alias.name}"
                    modules[alias.asname or alias.name] = package if package else alias.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("analysis.") and alias.asname:
                        modules[alias.asname] = _package_of(alias.name)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and modules.get(node.value.id, mine) != mine):
                yield path.name, f"{node.value.id}.{node.attr}"


def test_no_private_name_crosses_packages():
    found = sorted(set(_private_names_across_packages()))
    assert not found, ("private names used outside their package (make them public, or move the code): "
                       + ", ".join(f"{name} in {where}" for where, name in found))
