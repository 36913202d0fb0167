"""The contract of the chapter notebooks, which are edited by hand (JupyterLab or a text editor).

What a build needs from a chapter, checked on every notebook of ``_quarto.yml``: a ``parameters``
cell with the four names papermill injects, the ``ch`` context, code that compiles and only calls
the library (no logic of its own), unique figure and table labels with their captions. What is
committed (the git index, where nbstripout's filter has run) carries no outputs.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis.render.cell_options import split_cell_options
from tests.conftest import ROOT

BOOK = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
# index.ipynb: Quarto's home page (one markdown cell), not a chapter.
CHAPTERS = [ROOT / p for p in BOOK["chapters"] + BOOK.get("appendices", []) if Path(p).stem != "index"]
PARAMETERS = {"territoire": "france", "annee": 2018, "data_dir": None, "seuil_secret": 5}


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def code_cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def committed(path: Path) -> dict:
    """The notebook as committed (git index), or the file outside a git checkout."""
    relative = path.relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f":{relative}"], cwd=ROOT, capture_output=True, text=True)
    return json.loads(shown.stdout if shown.returncode == 0 else path.read_text(encoding="utf-8"))


def test_the_book_lists_every_chapter_notebook_and_nothing_else():
    listed = {p.resolve() for p in CHAPTERS}
    present = {p.resolve() for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert listed == present, (f"in notebooks/ but not in _quarto.yml: {sorted(p.name for p in present - listed)}; "
                               f"in _quarto.yml but missing: {sorted(p.name for p in listed - present)}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_cell_has_an_id(path):
    """JupyterLab gives each cell an id; a cell written by hand in the JSON lacks one, and
    nbformat warns on every read (a future nbformat refuses it)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    missing = [n + 1 for n, cell in enumerate(raw["cells"]) if not cell.get("id")]
    assert not missing, (f"{path.name}: cells {missing} have no id: open and save the notebook in JupyterLab, or run "
                         f".venv/bin/python -c \"import nbformat as n; p='{path.relative_to(ROOT)}'; "
                         "n.write(n.read(p, 4), p)\"")
    ids = [cell["id"] for cell in raw["cells"]]
    assert len(ids) == len(set(ids)), f"{path.name}: two cells share an id"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_notebook_contract(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and source(nb.cells[0]).startswith("# "), \
        f"{path.name}: the first cell is the chapter title (a '# ' heading)"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"], f"{path.name}: first code cell must be tagged parameters"
    names = {}
    for node in ast.parse(source(code[0])).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"{path.name}: parameters are assignments"
        names[node.targets[0].id] = ast.literal_eval(node.value)
    assert names == PARAMETERS, f"{path.name}: parameters cell defines {names}"
    assert "ch = Chapter(territoire, annee, data_dir, seuil_secret)" in source(code[1]), \
        f"{path.name}: the second code cell builds the chapter context ch"

    for n, cell in enumerate(code[1:], start=2):
        options, body = split_cell_options(source(cell))
        where = f"{path.name}, code cell {n}"
        try:
            tree = ast.parse(body)
        except SyntaxError as exc:
            pytest.fail(f"{where}: {exc}")
        nodes = list(ast.walk(tree))
        assert not [x for x in nodes if isinstance(x, (ast.FunctionDef, ast.ClassDef, ast.Lambda))], \
            f"{where}: define functions in the library (src/analysis/report/), not in the notebook"
        imports = [x for x in nodes if isinstance(x, (ast.Import, ast.ImportFrom))]
        assert all(isinstance(x, ast.ImportFrom) and (x.module or "").startswith("analysis") for x in imports), \
            f"{where}: notebooks import only from the analysis package"
        assert any(isinstance(x, ast.Name) and x.id == "ch" for x in nodes) or imports, \
            f"{where}: a code cell calls the library through ch"
        assert not [x for x in nodes if isinstance(x, ast.Assert)], \
            f"{where}: checks belong in tests/, not in a chapter that runs in every edition"
        label = str(options.get("label", ""))
        if label.startswith(("fig-", "tbl-")):
            # One output per labelled cell: a sentence beside a figure would make Quarto draw
            # sub-figures "(a)", "(b)"; say it in a cell of its own.
            shown = "ch.show_figure" if label.startswith("fig-") else "ch.table"
            calls = [ast.unparse(x.value.func) for x in tree.body if isinstance(x, ast.Expr)
                     and isinstance(x.value, ast.Call)]
            assert calls == [shown], f"{where}: the labelled cell {label} makes one {shown}(...) call (got {calls})"
            caption = "fig-cap" if label.startswith("fig-") else "tbl-cap"
            assert options.get(caption), f"{where}: {label} has no {caption}"
        if any(isinstance(x, ast.Attribute) and x.attr.startswith("positioning_") for x in nodes):
            assert "peers" in nb.metadata.get("etat_des_lieux", {}).get("reads", []), \
                f"{where} shows the peers: declare them in the notebook metadata (etat_des_lieux.reads: [peers])"


def _calls(tree, name: str) -> list[tuple]:
    """The literal arguments of every ``ch.<name>(...)`` call of a cell (type "ensemble" by default)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == f"ch.{name}":
            args = [ast.literal_eval(a) for a in node.args[:2]]
            found.append(tuple(args + ["ensemble"] * (2 - len(args))))
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_range_sentence_comes_right_before_the_figure_it_describes(path):
    """Text, then figure, as in the 2018 report: the spread over the sub-territories
    (``ch.sub_range``) is said just before the map or chart of the sub-territories of the same
    indicator and type, one range per figure."""
    pending = []
    for n, cell in enumerate(code_cells(path), start=1):
        options, body = split_cell_options(source(cell))
        tree = ast.parse(body)
        figures = _calls(tree, "map") + _calls(tree, "chart_sublevel")
        if str(options.get("label", "")).startswith("fig-") and (figures or pending):
            assert pending in ([], figures[:1]), \
                f"{path.name}, code cell {n}: range sentence(s) {pending} before the figure {figures}, not its own"
            pending = []
        pending += _calls(tree, "sub_range")
    assert not pending, f"{path.name}: range sentence(s) {pending} with no figure after them"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_text_of_a_chapter_speaks_to_its_readers_not_to_developers(path):
    """A reader of the report does not care how the tool is configured: no project folder, file
    of code or declaration in the published text of a chapter."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for n, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "markdown"):
        text = source(cell)
        for word in ("params/", "src/", ".yml", ".py", "sans changer le code"):
            assert word not in text, f"{path.name}, markdown cell {n + 1} speaks of « {word} »"


def test_figure_and_table_labels_are_unique_in_the_book():
    seen: dict[str, str] = {}
    for path in CHAPTERS:
        for cell in code_cells(path):
            label = str(split_cell_options(source(cell))[0].get("label", ""))
            if label:
                assert label not in seen, f"label {label} used in {seen[label]} and {path.name}"
                seen[label] = path.name
    assert any(label.startswith("fig-") for label in seen) and any(label.startswith("tbl-") for label in seen)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_committed_notebooks_carry_no_outputs(path):
    """What is committed has no outputs, execution counts or run metadata (nbstripout's git
    filter, installed by `make setup`, strips them from a notebook run in JupyterLab)."""
    for n, cell in enumerate(c for c in committed(path)["cells"] if c["cell_type"] == "code"):
        where = f"{path.name}, code cell {n + 1}"
        assert cell.get("outputs") == [], f"{where} has outputs: run `.venv/bin/nbstripout {path}`"
        assert cell.get("execution_count") is None, f"{where} has an execution count: run nbstripout"
        assert "execution" not in cell.get("metadata", {}), f"{where} has run metadata: run nbstripout"
