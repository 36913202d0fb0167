"""What Quarto reads of an edition folder, checked without Quarto: the notebooks as nbformat writes
them (the home page included), the Markdown of every cell as pandoc reads it, the ``_quarto.yml``
options the edition relies on, the files they name, and the ``no-figure.lua`` filter on what
Quarto writes for a cell that drew nothing.

The typst partial is compiled in ``test_quarto_typst.py``; the renderings themselves are compared
in ``tests/build/test_quarto_render.py`` where Quarto is installed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.core.publication import DEMO_BANNER
from analysis.render import load_book, quarto_project
from analysis.render.book import pandoc_path
from analysis.render.crossrefs import CAPTION_DELIMITER
from tests.conftest import ROOT

META = {"title": "État des lieux du numérique éducatif", "subtitle": "Lozère (48) — millésime 2018",
        "territory": "Lozère (48)", "territory_id": "departement:48", "year": 2018,
        "author": "Projet « État des lieux »", "date": "Données importées le 2 mai 2024",
        "source": "Sources : annuaire de l'Éducation nationale — données ouvertes", "demo": True}
WIDE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="536pt" height="200pt" viewBox="0 0 536 200">'
            '<rect width="536" height="200"/></svg>')


def executed_chapter(title: str) -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell(f"# {title}\n\nTexte."),
        new_code_cell('#| label: fig-a\n#| fig-cap: "Accès"\nch.show_figure(f)', outputs=[
            new_output("display_data", data={"image/svg+xml": WIDE_SVG, "text/plain": "Barres : 98 %"},
                       metadata={"image/svg+xml": {"alt": "Barres : 98 %", "width": 715}})]),
        new_code_cell('#| label: fig-carte\n#| fig-cap: "Carte du THD"\nch.show_figure(ch.map(x))', outputs=[
            new_output("display_data", data={"text/markdown": "*Carte : aucune valeur publiable.*"})]),
        new_code_cell('#| label: tbl-t\n#| tbl-cap: "Chiffres"\nch.table(t)', outputs=[
            new_output("display_data", data={"text/markdown": "| Champ | Réponse |\n|---|---:|\n| a | 1 |"})]),
    ])


def write_edition(folder: Path, meta: dict) -> tuple[Path, dict]:
    (folder / "notebooks").mkdir(parents=True)
    paths = []
    for name, title in (("00-synthese.ipynb", "Synthèse"), ("06-annexes.ipynb", "Annexes")):
        nbformat.write(executed_chapter(title), str(folder / "notebooks" / name))
        paths.append(folder / "notebooks" / name)
    # A cell whose source is one string, as a tool other than nbformat may write it.
    nb = json.loads(paths[0].read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"])
    paths[0].write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    config = quarto_project.write_edition_project(folder, paths[:1], paths[1:], meta, load_book(ROOT),
                                                  basename="etat-des-lieux-2018-departement-48")
    return folder, yaml.safe_load(config.read_text(encoding="utf-8"))


@pytest.fixture(params=[True, False], ids=["demo", "reelles"])
def edition(request, tmp_path):
    return write_edition(tmp_path / "2018" / "departement-48", {**META, "demo": request.param})


# ----------------------------------------------------------------------------- the notebooks
def test_every_notebook_of_the_folder_is_as_nbformat_writes_it(edition):
    """Quarto reads a cell's source as a list of lines: a string is split into lines without their
    line ends, then joined (src/core/jupyter/jupyter.ts): the whole home page on one heading."""
    folder, _ = edition
    notebooks = sorted(folder.rglob("*.ipynb"))
    assert folder / "index.ipynb" in notebooks and len(notebooks) == 3
    for path in notebooks:
        nbformat.validate(nbformat.read(str(path), as_version=4))
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            assert isinstance(cell["source"], list), (path.name, cell["source"])
            assert all(line.endswith("\n") for line in cell["source"][:-1]), (path.name, cell["source"])


def pandoc_blocks(markdown: str) -> list:
    run = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "json"], input=markdown, capture_output=True,
                         text=True, check=True)
    return json.loads(run.stdout)["blocks"]


def strings(node) -> list[str]:
    """Every Str of a pandoc JSON tree."""
    if isinstance(node, dict):
        found = [node["c"]] if node.get("t") == "Str" else []
        return found + [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    return []


def as_quarto_joins(cell: dict) -> str:
    """The Markdown Quarto makes of a markdown cell: its source lines joined as they are."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else "".join(source.split("\n"))


def test_every_markdown_cell_reads_as_meant_no_raw_markup(edition):
    folder, config = edition
    for path in sorted(folder.rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                words = " ".join(strings(pandoc_blocks(as_quarto_joins(cell))))
                assert "{." not in words and ":::" not in words, (path.name, words)
    home = json.loads((folder / "index.ipynb").read_text(encoding="utf-8"))["cells"][0]
    blocks = pandoc_blocks(as_quarto_joins(home))
    assert [b["t"] for b in blocks] == ["Header", "Div"]
    level, (ident, classes, _), inlines = blocks[0]["c"]
    assert (level, ident, classes) == (1, quarto_project.HOME_ID, ["unnumbered"])
    assert " ".join(strings(inlines)) == "Lozère (48) — millésime 2018"
    (_, div_classes, div_attrs), content = blocks[1]["c"]
    assert div_classes == ["content-visible"] and ["when-format", "html"] in div_attrs
    inside = [b["c"][0][1] for b in content if b["t"] == "Div"]
    assert inside == ([["callout-warning"]] if config["etat-des-lieux"]["demo"] else [])
    assert "2 mai 2024" in " ".join(strings(content))


def test_the_chapters_markdown_cells_read_as_meant():
    """The chapter notebooks the editions execute (their Markdown cells are copied unchanged), and
    the root project's home page."""
    for path in [ROOT / "index.ipynb", *sorted((ROOT / "notebooks").glob("*.ipynb"))]:
        nb = json.loads(path.read_text(encoding="utf-8"))
        nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))
        for cell in nb["cells"]:
            assert isinstance(cell["source"], list), path.name
            if cell["cell_type"] == "markdown":
                words = " ".join(strings(pandoc_blocks(as_quarto_joins(cell))))
                assert "{." not in words and ":::" not in words, (path.name, words)


def test_the_home_page_as_a_string_would_be_one_long_heading():
    """The defect this avoids: the same Markdown stored as one string, joined as Quarto joins it."""
    source = quarto_project.home_source(META)
    blocks = pandoc_blocks(as_quarto_joins({"source": source}))
    assert blocks[0]["t"] == "Header" and "{#accueil" in " ".join(strings(blocks[0]))


def test_quarto_reads_the_figures_alt_text_and_width_and_the_cell_that_drew_nothing(edition):
    folder, _ = edition
    nb = json.loads((folder / "notebooks" / "00-synthese.ipynb").read_text(encoding="utf-8"))
    figure, nothing, table = (c for c in nb["cells"] if c["cell_type"] == "code")
    assert figure["metadata"]["fig-alt"] == "Barres : 98 %"          # Quarto reads cell options there
    # 536 pt drawn (7.4 in): 100 % of the text, never its pixels (715 px: 7.45 in in the PDF)
    assert figure["outputs"][0]["metadata"]["image/svg+xml"]["out-width"] == "100%"
    assert nothing["metadata"]["no-figure"] == "caption" and "no-figure" not in figure["metadata"]
    assert "no-figure" not in table["metadata"]
    assert "".join(figure["source"]).startswith("#| label: fig-a")   # code untouched: keys unchanged


# ----------------------------------------------------------------------------- _quarto.yml
def test_edition_folder_is_a_quarto_book_that_renders_without_executing(edition):
    folder, config = edition
    assert config["project"] == {"type": "book", "output-dir": "_book", "post-render": ["post-render.py"]}
    assert config["execute"]["enabled"] is False and config["execute"]["freeze"] is False
    book = config["book"]
    assert book["chapters"] == ["index.ipynb", "notebooks/00-synthese.ipynb"]
    assert book["appendices"] == ["notebooks/06-annexes.ipynb"]
    assert book["output-file"] == "etat-des-lieux-2018-departement-48"
    assert book["author"] and "date" not in book          # "Millésime 2018" is not a date
    assert config["language"]["crossref-tbl-title"] == "Tableau"


def test_captions_are_french_and_those_of_the_built_in_renderer(edition):
    """« Tableau 2.1 : titre »: Quarto writes title, no-break space, number, then title-delim."""
    _, config = edition
    assert config["crossref"]["title-delim"] == CAPTION_DELIMITER == "\u00a0:"
    root = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert root["crossref"]["title-delim"] == CAPTION_DELIMITER


def test_every_page_title_names_the_edition(edition):
    """An HTML page's title is « <chapter> – <book title> » (src/project/types/website)."""
    _, config = edition
    assert config["book"]["title"] == "État des lieux du numérique éducatif — Lozère (48) — millésime 2018"
    demo = config["etat-des-lieux"]["demo"]
    assert config["book"].get("subtitle") == (DEMO_BANNER if demo else None)


def test_every_file_the_configuration_names_is_in_the_folder(edition):
    folder, config = edition
    html, typst = config["format"]["html"], config["format"]["typst"]
    named = [*html["include-before-body"], *html["include-after-body"], *typst["template-partials"],
             *config["project"]["post-render"], *(f["path"] for f in config["filters"])]
    assert sorted(named) == sorted(["edition-marks.html", "site-landmarks.html", "typst-show.typ",
                                    "post-render.py", "no-figure.lua"])
    for name in named:
        assert (folder / name).is_file(), name
    assert (folder / "typst-show.typ").read_text(encoding="utf-8") == \
        quarto_project.TYPST_SHOW.read_text(encoding="utf-8")
    assert typst["papersize"] == "a4"
    assert any((Path(p) / "DejaVuSans.ttf").is_file() for p in typst["font-paths"])   # the partial's sans


def test_the_partial_finds_every_value_it_prints(edition):
    """Each ``$etat-des-lieux.x$`` of typst-show.typ is in _quarto.yml, and not empty."""
    _, config = edition
    partial = quarto_project.TYPST_SHOW.read_text(encoding="utf-8")
    used = set(re.findall(r"\$etat-des-lieux\.([\w-]+)\$", partial))
    assert used >= {"edition", "titre", "libelle", "donnees", "sources", "bandeau-demo", "marque-demo"}
    for key in used:
        assert config["etat-des-lieux"][key] not in (None, ""), key
    assert f"<{quarto_project.HOME_ID}>" in partial                  # the home heading left out of the PDF


def test_edition_identity_and_demo_marking_on_every_html_page(edition):
    folder, config = edition
    marks = (folder / "edition-marks.html").read_text(encoding="utf-8")
    assert "Lozère (48) — millésime 2018" in marks
    assert ("DONNÉES DE DÉMONSTRATION" in marks) is config["etat-des-lieux"]["demo"]


# ----------------------------------------------------------------------------- no-figure.lua
def test_a_cell_that_drew_nothing_is_no_figure_and_leaves_no_caption(edition):
    """The filter on the Markdown Quarto writes for such cells (src/core/jupyter/jupyter.ts: the
    cell's Div with its unknown metadata as attributes, the labelled output, the caption last)."""
    folder, config = edition
    assert {"path": "no-figure.lua", "at": "pre-ast"} in config["filters"]
    root = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert {"path": "src/analysis/render/filters/no-figure.lua", "at": "pre-ast"} in root["filters"]
    source = ("::: {.cell execution_count=3 no-figure='caption'}\n"
              "::: {#fig-carte .cell-output .cell-output-display .cell-output-markdown execution_count=3}\n"
              "*Carte : aucune valeur publiable.*\n\nCarte du THD\n:::\n:::\n\n"
              "::: {.cell no-figure='bare'}\n::: {#fig-nue .cell-output .cell-output-display}\n"
              "*Première raison.*\n\n*Seconde raison.*\n:::\n:::\n\n"
              "::: {.cell}\n::: {#fig-racine .cell-output .cell-output-display}\n*Raison.*\n\nLégende\n:::\n:::\n\n"
              "::: {.cell}\n![Vraie figure](a.png){#fig-ok}\n:::\n")
    out = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "markdown", "--lua-filter",
                          str(folder / "no-figure.lua")], input=source, capture_output=True, text=True,
                         check=True).stdout
    assert "aucune valeur publiable" in out and "Carte du THD" not in out and "#fig-carte" not in out
    assert "Première raison" in out and "Seconde raison" in out and "#fig-nue" not in out
    assert "*Raison.*" in out and "Légende" not in out and "#fig-racine" not in out
    assert "{#fig-ok}" in out and "no-figure" not in out


def test_quarto_is_asked_for_an_accessible_pdf_and_gets_an_icon(edition):
    """PDF/UA-1 (Quarto's `pdf-standard`, typst) as the built-in renderer does; the site's own icon,
    so that no browser asks for a favicon.ico that does not exist."""
    folder, config = edition
    assert config["format"]["typst"]["pdf-standard"] == ["ua-1"]
    icon = folder / config["book"]["favicon"]
    assert icon.suffix == ".svg" and icon.read_text(encoding="utf-8").startswith("<svg")
