"""Quarto without Quarto: the root project (home page, author, French captions, execution and
parameters), and ``render_project`` driving a stand-in ``quarto`` that writes what Quarto writes
(the HTML site, the PDF in ``_book``, warnings) and runs the project's post-render script.

The edition's Quarto project: ``test_quarto_project.py``; the renderings themselves are compared
in ``tests/build/test_quarto_render.py`` where Quarto is installed.
"""

from __future__ import annotations

import re
import sys
import textwrap

import nbformat
import pytest
import yaml

from analysis.core import territories
from analysis.core.errors import RenderError
from analysis.render import load_book, quarto, renderers
from tests.conftest import ROOT
from tests.render.test_quarto_project import META, write_edition

ROOT_CONFIG = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
PARAMETER_NAMES = {"territoire", "annee", "data_dir", "seuil_secret"}


# ----------------------------------------------------------------------------- root project
def test_root_project_has_a_home_page_quarto_needs_and_our_build_skips():
    chapters = ROOT_CONFIG["book"]["chapters"]
    assert chapters[0] == "index.ipynb"
    home = nbformat.read(str(ROOT / "index.ipynb"), as_version=4)
    nbformat.validate(home)
    assert [c.cell_type for c in home.cells] == ["markdown"]
    assert "quarto render --execute -P territoire:" in home.cells[0].source
    assert load_book(ROOT).home == ROOT / "index.ipynb"
    assert ROOT / "index.ipynb" not in load_book(ROOT).chapters      # papermill runs no home page


def test_root_project_settings_for_quarto():
    assert ROOT_CONFIG["book"]["author"]                       # the typst book template needs one
    assert "date" not in ROOT_CONFIG["book"]
    assert ROOT_CONFIG["language"]["crossref-tbl-title"] == "Tableau"
    assert ROOT_CONFIG["lang"] == "fr"
    # Committed notebooks have no outputs: never an empty book, never a frozen France.
    assert ROOT_CONFIG["execute"] == {"enabled": True, "freeze": False, "cache": False, "echo": False}
    assert "embed-resources" not in ROOT_CONFIG["format"]["html"]
    assert ROOT_CONFIG["format"]["html"]["html-math-method"] == "plain"     # no MathJax from a CDN


def quarto_flag_value(arg: str):
    """How Quarto reads ``-P name:value`` (src/command/render/flags.ts: the first ``:`` or
    ``=`` splits, the value is YAML)."""
    match = re.match(r"^([^=:]+)[=:](.*)$", arg)
    return match.group(1), yaml.safe_load(match.group(2))


def test_quarto_parameters_reach_the_notebooks_as_papermill_gives_them():
    assert quarto_flag_value("territoire:departement:48") == ("territoire", "departement:48")
    assert quarto_flag_value("annee:2018") == ("annee", 2018)
    files = sorted((ROOT / "params" / "editions").glob("*.yml"))
    assert len(files) >= 3
    for path in files:
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(params) <= PARAMETER_NAMES, path.name
        vintage = territories.vintage_for_year(params["annee"])
        territory = territories.parse_territory(params["territoire"], vintage)
        assert path.stem == f"{territory.slug}-{params['annee']}"
        assert f"--execute-params params/editions/{path.name}" in path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- render_project
BASENAME = "etat-des-lieux-2018-departement-48"
#: What Quarto 1.10 prints on standard error, in colour (a warning of a Lua filter, one of its own).
STDERR = ("[1/3] index.ipynb\n\x1b[33mWARNING (filters/main.lua:12) The following string was found in "
          "the document: :::\nThis usually indicates a problem with a fenced div.\x1b[39m\n\n"
          "\x1b[33mWARN: Unknown option\x1b[39m\nOutput created: _book/index.html\n")


@pytest.fixture
def stand_in_quarto(tmp_path):
    """A ``quarto`` that renders as Quarto does to the file system: a render of the project empties
    ``_book`` (without --no-clean), writes the HTML site and/or the PDF there, then runs the
    project's post-render script with Quarto's variables (src/command/render/project.ts)."""
    script = tmp_path / "quarto"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import os, shutil, subprocess, sys
        from pathlib import Path
        args = sys.argv[1:]
        folder = Path(args[1])
        to = args[args.index("--to") + 1] if "--to" in args else None
        book = folder / "_book"
        if "--no-clean" not in args:
            shutil.rmtree(book, ignore_errors=True)
        book.mkdir(exist_ok=True)
        outputs = []
        if to in (None, "html"):
            (book / "index.html").write_text("<title>Accueil</title>")
            (book / "search.json").write_text("[]")
            outputs.append("_book/index.html")
        if to in (None, "typst"):
            (book / "{BASENAME}.pdf").write_bytes(b"%PDF-1.7 " + os.urandom(8))
            outputs.append("_book/{BASENAME}.pdf")
        sys.stderr.write(os.environ.get("STDERR_TEXT", ""))
        env = dict(os.environ, QUARTO_PROJECT_OUTPUT_DIR=str(book), QUARTO_PROJECT_RENDER_ALL="1",
                   QUARTO_PROJECT_OUTPUT_FILES="\\n".join(outputs))
        subprocess.run([os.environ["QUARTO_PYTHON"], "post-render.py"], cwd=folder, env=env, check=True)
        """), encoding="utf-8")
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def edition_folder(tmp_path):
    folder, _ = write_edition(tmp_path / "2018" / "departement-48", META)
    return folder


def test_quarto_renders_both_formats_and_says_its_warnings(stand_in_quarto, edition_folder, monkeypatch):
    monkeypatch.setenv("STDERR_TEXT", STDERR)
    outputs, warnings = quarto.render_project(edition_folder, BASENAME, ("html", "pdf"), quarto=stand_in_quarto)
    assert outputs == {"html": edition_folder / "_book" / "index.html", "pdf": edition_folder / f"{BASENAME}.pdf"}
    assert outputs["pdf"].read_bytes() == (edition_folder / "_book" / f"{BASENAME}.pdf").read_bytes()
    assert warnings == ["WARNING (filters/main.lua:12) The following string was found in the document: ::: "
                        "This usually indicates a problem with a fenced div.", "WARN: Unknown option"]
    rendered = renderers.QuartoRenderer("", stand_in_quarto, "1.10.18").render(
        [], [], folder=edition_folder, basename=BASENAME, meta=META, book=None, formats=("html", "pdf"))
    assert rendered.outputs == outputs and len(rendered.warnings) == 2


def test_a_render_of_one_format_keeps_the_other(stand_in_quarto, edition_folder):
    """``quarto render <edition> --to typst`` empties _book: the site comes back from its copy."""
    quarto.render_project(edition_folder, BASENAME, ("html", "pdf"), quarto=stand_in_quarto)
    site = (edition_folder / "_book" / "index.html").read_text()
    outputs, _ = quarto.render_project(edition_folder, BASENAME, ("pdf",), quarto=stand_in_quarto)
    assert (edition_folder / "_book" / "index.html").read_text() == site
    assert (edition_folder / "_book" / "search.json").exists() and outputs["pdf"].exists()
    pdf = outputs["pdf"].read_bytes()
    outputs, _ = quarto.render_project(edition_folder, BASENAME, ("html",), quarto=stand_in_quarto)
    assert (edition_folder / f"{BASENAME}.pdf").read_bytes() == pdf        # the PDF beside the notebooks


def test_a_render_that_wrote_no_pdf_fails(stand_in_quarto, edition_folder, monkeypatch, tmp_path):
    """A PDF left by an earlier render is never taken for this one's."""
    (edition_folder / f"{BASENAME}.pdf").write_bytes(b"%PDF ancien")
    lazy = tmp_path / "lazy-quarto"
    lazy.write_text(f"#!{sys.executable}\nimport sys; sys.stderr.write('WARN: rien\\n')\n", encoding="utf-8")
    lazy.chmod(0o755)
    with pytest.raises(RenderError, match="quarto wrote no .*pdf"):
        quarto.render_project(edition_folder, BASENAME, ("pdf",), quarto=str(lazy))
    failing = tmp_path / "failing-quarto"
    failing.write_text(f"#!{sys.executable}\nimport sys; sys.stderr.write('ERROR: typst a échoué'); sys.exit(1)\n",
                       encoding="utf-8")
    failing.chmod(0o755)
    with pytest.raises(RenderError, match="typst a échoué"):
        quarto.render_project(edition_folder, BASENAME, ("pdf",), quarto=str(failing))
