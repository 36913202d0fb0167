"""What Quarto reads, checked without Quarto: the root project (home page, author, French
captions, execution and parameters) and the Quarto project written in each edition folder.

The renderings themselves are compared in ``tests/build/test_quarto_render.py`` where Quarto
is installed.
"""

from __future__ import annotations

import base64
import json
import re

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.core import territories
from analysis.render import load_book, quarto
from tests.conftest import ROOT

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


# ----------------------------------------------------------------------------- edition project
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8"
    "ff3f0005fe02fea7d6a4a70000000049454e44ae426082")).decode()
META = {"title": "État des lieux du numérique éducatif", "subtitle": "Lozère (48) — millésime 2018",
        "territory": "Lozère (48)", "territory_id": "departement:48", "year": 2018,
        "author": "Projet « État des lieux »", "date": "Millésime 2018", "source": "Sources : essai",
        "demo": True}


@pytest.fixture()
def edition(tmp_path):
    folder = tmp_path / "2018" / "departement-48"
    (folder / "notebooks").mkdir(parents=True)
    figure = new_code_cell('#| label: fig-a\n#| fig-cap: "Accès"\nch.show_figure(f)', outputs=[
        new_output("display_data", data={"image/png": PNG, "text/plain": "Barres : 98 %"},
                   metadata={"image/png": {"alt": "Barres : 98 %"}})])
    paths = []
    for name in ("00-synthese.ipynb", "06-annexes.ipynb"):
        nbformat.write(new_notebook(cells=[new_markdown_cell("# Titre"), figure]), str(folder / "notebooks" / name))
        paths.append(folder / "notebooks" / name)
    config = quarto.write_edition_project(folder, paths[:1], paths[1:], META, load_book(ROOT),
                                          basename="etat-des-lieux-2018-departement-48")
    return folder, yaml.safe_load(config.read_text(encoding="utf-8"))


def test_edition_folder_is_a_quarto_book_that_renders_without_executing(edition):
    folder, config = edition
    assert config["project"] == {"type": "book", "output-dir": "_book"}
    assert config["execute"]["enabled"] is False and config["execute"]["freeze"] is False
    book = config["book"]
    assert book["chapters"] == ["index.ipynb", "notebooks/00-synthese.ipynb"]
    assert book["appendices"] == ["notebooks/06-annexes.ipynb"]
    for path in book["chapters"] + book["appendices"]:
        nbformat.validate(nbformat.read(str(folder / path), as_version=4))
    assert book["output-file"] == "etat-des-lieux-2018-departement-48"
    assert book["author"] and "date" not in book          # "Millésime 2018" is not a date
    assert config["language"]["crossref-tbl-title"] == "Tableau"
    assert config["etat-des-lieux"] == {"territoire": "departement:48", "annee": 2018,
                                        "libelle": "Lozère (48)", "demo": True}


def test_edition_identity_and_demo_marking_on_every_page(edition):
    folder, config = edition
    assert "Lozère (48) — millésime 2018" in config["book"]["subtitle"]
    assert "DONNÉES DE DÉMONSTRATION" in config["book"]["subtitle"]
    html = folder / config["format"]["html"]["include-before-body"][0]
    typ = folder / config["format"]["typst"]["include-before-body"][0]
    assert "Lozère (48) — millésime 2018" in html.read_text(encoding="utf-8")
    marks = typ.read_text(encoding="utf-8")
    assert "#set page(foreground:" in marks and "DONNÉES DE DÉMONSTRATION" in marks
    assert "#show table: set par(justify: false)" in marks
    home = nbformat.read(str(folder / "index.ipynb"), as_version=4)
    assert "callout-warning" in home.cells[0].source and "Lozère (48)" in home.cells[0].source


def test_quarto_gets_the_alt_text_of_each_figure(edition):
    folder, _ = edition
    nb = json.loads((folder / "notebooks" / "00-synthese.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert cell["metadata"]["fig-alt"] == "Barres : 98 %"      # Quarto reads cell options there
    assert "".join(cell["source"]).startswith("#| label: fig-a")   # code untouched: keys unchanged


def test_a_labelled_cell_that_drew_nothing_is_no_figure_for_quarto(edition, tmp_path):
    """The pre-ast filter on the Div Quarto makes of a labelled cell (as Quarto writes it)."""
    import subprocess

    from analysis.render.book import pandoc_path

    folder, config = edition
    assert {"path": "no-figure.lua", "at": "pre-ast"} in config["filters"]
    assert (folder / "no-figure.lua").exists()
    assert {"path": "src/analysis/render/filters/no-figure.lua", "at": "pre-ast"} in ROOT_CONFIG["filters"]
    source = (':::: {#fig-carte .cell fig-cap="Carte du THD"}\n::: {.cell-output-display}\n'
              "*Carte : aucune valeur publiable.*\n:::\n::::\n\n"
              ':::: {#fig-ok .cell fig-cap="Vraie figure"}\n![](a.png)\n::::\n')
    out = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "markdown", "--lua-filter",
                          str(folder / "no-figure.lua")], input=source, capture_output=True, text=True,
                         check=True).stdout
    assert "fig-carte" not in out and "Carte du THD" not in out and "aucune valeur publiable" in out
    assert '{#fig-ok .cell fig-cap="Vraie figure"}' in out



def test_quarto_is_asked_for_an_accessible_pdf_and_gets_an_icon(edition):
    """PDF/UA-1 (Quarto's `pdf-standard`, typst) as the built-in renderer does; the site's own icon,
    so that no browser asks for a favicon.ico that does not exist."""
    folder, config = edition
    assert config["format"]["typst"]["pdf-standard"] == ["ua-1"]
    icon = folder / config["book"]["favicon"]
    assert icon.suffix == ".svg" and icon.read_text(encoding="utf-8").startswith("<svg")
