"""The Chapter facade: every function of the role modules is one of its methods, every ``ch.*``
call of the notebooks exists, and a chapter notebook runs on the demo data."""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys

import pytest

from analysis.core.formatting import UNIT_SEP, fmt_value
from analysis.report import display, figures, methodology, tables, text
from analysis.report.chapter import Chapter
from tests.conftest import ROOT
from tests.notebooks.test_contract import CHAPTERS, code_cells, source
from tests.report.conftest import reference

ROLES = (text, figures, tables, methodology, display)


def chapter_functions(module) -> set[str]:
    """The public functions of a role module whose first parameter is the chapter."""
    return {name for name, f in inspect.getmembers(module, inspect.isfunction)
            if f.__module__ == module.__name__ and not name.startswith("_")
            and list(inspect.signature(f).parameters)[:1] == ["ch"]}


@pytest.mark.parametrize("module", ROLES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_chapter_function_is_a_method(module):
    for name in chapter_functions(module):
        exposed = [attr for attr, value in vars(Chapter).items() if inspect.unwrap(value) is getattr(module, name)]
        assert exposed, f"{module.__name__}.{name} is not exposed by Chapter"


def notebook_uses_of_ch() -> tuple[set[str], list[tuple[str, str, int, list[str]]]]:
    """What the chapter notebooks use of ``ch``: every attribute read, and every call
    ``ch.<name>(…)`` with its notebook, its number of positional arguments and its keywords
    (calls with ``*args`` or ``**kwargs`` left out: their arguments are not known)."""
    used, calls = set(), []
    for path in CHAPTERS:
        for cell in code_cells(path):
            for node in ast.walk(ast.parse(source(cell).replace("#|", "#"))):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ch":
                    used.add(node.attr)
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "ch"
                        and not any(isinstance(a, ast.Starred) for a in node.args)
                        and all(k.arg for k in node.keywords)):
                    calls.append((path.name, node.func.attr, len(node.args), [k.arg for k in node.keywords]))
    return used, calls


@pytest.fixture(scope="module")
def herault(small_store):
    return Chapter("departement:34", 2018, store=small_store)


def test_every_call_of_the_notebooks_exists(herault):
    """Every ``ch.<name>`` of the notebooks exists on a chapter, and every ``ch.<name>(…)`` is a
    method that accepts the arguments the notebook gives it (their number and keywords)."""
    used, calls = notebook_uses_of_ch()
    assert len(used) >= 20 and len(calls) >= 50
    assert not [name for name in used if not hasattr(herault, name)]
    refused = []
    for notebook, name, n_args, keywords in calls:
        method = getattr(herault, name)
        try:
            inspect.signature(method).bind(*[None] * n_args, **dict.fromkeys(keywords))
        except TypeError as err:
            refused.append(f"{notebook}: ch.{name} ({err})")
    assert not refused, refused


@pytest.mark.slow
def test_a_chapter_notebook_runs_on_the_demo_data(demo_store, demo_results, tmp_path):
    """One chapter through papermill in a subprocess: figures kept as SVG, sentences written, no
    text/html output (Quarto would prefer it and pull a CDN)."""
    out = tmp_path / "01-methodologie.ipynb"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    run = subprocess.run(
        [sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "01-methodologie.ipynb"), str(out),
         "-p", "territoire", "region:76", "-p", "annee", "2018", "-p", "data_dir", str(demo_store.data_dir),
         "-k", "python3", "--cwd", str(ROOT / "notebooks")],
        env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert sum("image/svg+xml" in o.get("data", {}) for o in outputs) >= 4
    assert not [o for o in outputs if "text/html" in o.get("data", {})]
    markdown = "\n".join("".join(o["data"]["text/markdown"]) for o in outputs if "text/markdown" in o.get("data", {}))
    n = reference(demo_results, "region:76", "perimetre.etablissements")["valeur"]
    assert f"{fmt_value(n, 'count')}{UNIT_SEP}écoles, collèges et lycées sont recensés dans l'annuaire" in markdown
    assert "Données de démonstration" in markdown and "nan" not in markdown.lower().split()
