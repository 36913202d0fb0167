"""The book renderer: _quarto.yml, cell options, cross-references, HTML and PDF outputs.

Rendering tests build small *executed* notebooks with nbformat (outputs written by hand, no
kernel) and render them with pandoc + typst from the wheels; they are marked ``slow`` but stay
in the default run (a render takes ~0.2 s).
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from analysis.render import BookConfigError, RenderError, load_book, render_book
from analysis.render.crossrefs import CAPTION_DELIMITER, caption_label
from analysis.render.notebook import Numbering, Ref, _ChapterState, _number_headings, resolve_crossrefs
from tests.conftest import ROOT

DEMO = "DONNÉES DE DÉMONSTRATION"
META = {
    "title": "État des lieux du numérique éducatif",
    "subtitle": "Région académique Occitanie — millésime 2018",
    "territory": "Région académique Occitanie",
    "date": "juin 2024",
    "source": "Sources : MENJ-DNE, enquête ETIC 2018",
}


# ---------------------------------------------------------------------------------------------
# Synthetic executed notebooks
# ---------------------------------------------------------------------------------------------

def _tiny_png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 1.6), dpi=60)
    ax.bar(["Écoles", "Collèges"], [98, 73])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _write_notebooks(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    png = _tiny_png()
    table = pd.DataFrame({"Académie": ["Toulouse", "Montpellier"], "Écoles": [1234, 987],
                          "Part connectée": ["98,1 %", "97,2 %"]}).set_index("Académie")
    connectivite = new_notebook(cells=[
        new_markdown_cell("# Connectivité\n\n## Accès à internet {#sec-acces}\n\n"
                          "Le très haut débit progresse, voir @fig-acces et @tbl-academies. "
                          "« Guillemets », œuvre, ça, espace fine\u202f: oui. Source : "
                          "[data.education.gouv.fr](https://data.education.gouv.fr)."),
        new_code_cell(
            '#| label: fig-acces\n#| fig-cap: "Part des établissements connectés"\n'
            '#| fig-alt: "Diagramme en barres des établissements connectés"\n'
            "import warnings\nwarnings.warn('AVERTISSEMENT-SECRET')\nplot_acces()",
            outputs=[
                new_output("stream", name="stderr", text="UserWarning: AVERTISSEMENT-SECRET\n"),
                new_output("stream", name="stdout", text="SORTIE-STDOUT-CACHEE\n"),
                new_output("display_data", data={"image/png": png,
                                                 "text/plain": "<Figure size 180x96 with 1 Axes>"}),
            ]),
        new_code_cell(
            "ch.show_figure(fig)",
            outputs=[new_output("display_data", data={"text/markdown":
                "::: {.content-visible when-format=\"html\"}\n<details class=\"chart-data\">\n"
                "<summary>Données du graphique</summary>\n\n| Académie | Part |\n|---|--:|\n"
                "| Toulouse | DONNEE-HTML-SEULEMENT |\n\n</details>\n:::\n\n"
                "::: {.content-hidden when-format=\"html\"}\nTEXTE-PDF-SEULEMENT\n:::"})]),
        new_code_cell(
            "display(Markdown(phrase))",
            outputs=[new_output("display_data", data={
                "text/markdown": "98 % des établissements (27 % n.c.) ont un accès.",
                "text/plain": "<IPython.core.display.Markdown object>"})]),
        new_code_cell(
            "#| label: tbl-academies\n#| tbl-cap: Écoles par académie\ntable",
            outputs=[new_output("execute_result", execution_count=4,
                                data={"text/html": table._repr_html_(),
                                      "text/plain": str(table)})]),
        new_code_cell("#| include: false\nCODE_CACHE = 1",
                      outputs=[new_output("execute_result", execution_count=5,
                                          data={"text/plain": "'INCLUDE-FALSE-OUTPUT'"})]),
        new_code_cell("#| output: false\nprint('x')",
                      outputs=[new_output("display_data",
                                          data={"text/markdown": "OUTPUT-FALSE-TEXT"})]),
        new_code_cell("ax.set_title('x')",
                      outputs=[new_output("execute_result", execution_count=7,
                                          data={"text/plain": "Text(0.5, 1.0, 'x')"})]),
        new_markdown_cell("## Synthèse du chapitre\n\nRetour à @sec-acces et [-@fig-acces]."),
    ])
    synthese = new_notebook(cells=[
        new_raw_cell("---\ntitle: Synthèse\n---"),
        new_markdown_cell("Les chiffres clés, détaillés en @fig-acces."),
    ])
    annexes = new_notebook(cells=[
        new_markdown_cell("# Sources et définitions\n\n## Glossaire\n\nENT : espace numérique "
                          "de travail."),
    ])
    paths = {"synthese": folder / "00-synthese.ipynb",
             "connectivite": folder / "02-connectivite.ipynb",
             "annexes": folder / "06-annexes.ipynb"}
    for key, nb in (("synthese", synthese), ("connectivite", connectivite),
                    ("annexes", annexes)):
        nbformat.write(nb, paths[key])
    return paths


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> dict[str, Path]:
    return _write_notebooks(tmp_path_factory.mktemp("notebooks"))


def _render(nbs: dict[str, Path], out: Path, demo: bool, formats=("html", "pdf"), **kw):
    return render_book([nbs["synthese"], nbs["connectivite"]], out, "etat-des-lieux",
                       formats=formats, meta={**META, "demo": demo},
                       appendices=[nbs["annexes"]], **kw)


@pytest.fixture(scope="module")
def rendered(notebooks, tmp_path_factory) -> dict[str, Path]:
    return _render(notebooks, tmp_path_factory.mktemp("out"), demo=False)


@pytest.fixture(scope="module")
def rendered_demo(notebooks, tmp_path_factory) -> dict[str, Path]:
    return _render(notebooks, tmp_path_factory.mktemp("out-demo"), demo=True)


def _pdf_pages(pdf: Path) -> list[str]:
    """Text of each page (poppler's pdftotext)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    # Collapse line breaks and ASCII spaces only: U+00A0/U+202F are part of what we check.
    return [re.sub(r"[ \n]+", " ", page) for page in pages]


# ---------------------------------------------------------------------------------------------
# _quarto.yml
# ---------------------------------------------------------------------------------------------

def test_load_book_reads_the_project_quarto_yml():
    book = load_book(ROOT)
    assert book.title == "État des lieux du numérique éducatif"
    assert book.lang == "fr"
    assert [p.name for p in book.chapters] == [
        "00-synthese.ipynb", "01-methodologie.ipynb", "02-connectivite.ipynb",
        "03-equipement.ipynb", "04-services-ressources.ipynb", "05-experimentations.ipynb",
        "07-label-numerique.ipynb"]
    assert all(p.parent == ROOT / "notebooks" for p in book.chapters)
    assert [p.name for p in book.appendices] == ["06-annexes.ipynb"]
    # No embed-resources for Quarto's multi-page book (each page would inline the previous one);
    # the built-in renderer always writes one self-contained page.
    assert "embed-resources" not in book.formats["html"]
    assert book.home == ROOT / "index.ipynb" and book.author
    assert book.format_options("typst") == {"papersize": "a4", "toc": True,
                                            "section-numbering": "1.1"}
    assert book.output_dir == ROOT / "reports" / "_quarto"


@pytest.mark.parametrize(("text", "key"), [
    ("project: {type: book}\nbook: {title: T}\n", "book.chapters"),
    ("project: {type: book}\nbook: {title: T, chapters: notebooks/a.ipynb}\n", "book.chapters"),
    ("project: {type: website}\nbook: {title: T, chapters: [a.ipynb]}\n", "project.type"),
    ("project: {type: book}\nbook: {chapters: [a.ipynb]}\n", "book.title"),
    ("project: {type: book}\nbook: {title: T, chapters: [a.ipynb], appendices: [3]}\n",
     "book.appendices[0]"),
    ("project: {type: book}\nbook: {title: T, chapters: [a.ipynb]}\nformat: html\n", "format"),
    ("project: {type: book}\nbook: {title: T, chapters: [a.ipynb, b.png]}\n", "book.chapters[1]"),
    ("book: {title: T, chapters: [a.ipynb]}\n", "project"),
    ("project: {type: book\nbook: [\n", "not valid YAML"),
])
def test_load_book_rejects_a_broken_quarto_yml(tmp_path, text, key):
    (tmp_path / "_quarto.yml").write_text(text, encoding="utf-8")
    with pytest.raises(BookConfigError) as info:
        load_book(tmp_path)
    assert key in str(info.value)


def test_load_book_without_file(tmp_path):
    with pytest.raises(BookConfigError, match="_quarto.yml"):
        load_book(tmp_path)


def test_load_book_flattens_quarto_parts(tmp_path):
    (tmp_path / "_quarto.yml").write_text(
        "project: {type: book}\nbook:\n  title: T\n  chapters:\n    - a.ipynb\n"
        "    - part: Deux\n      chapters: [b.ipynb, c.ipynb]\n", encoding="utf-8")
    assert [p.name for p in load_book(tmp_path).chapters] == ["a.ipynb", "b.ipynb", "c.ipynb"]


# ---------------------------------------------------------------------------------------------
# Cross-references (no rendering)
# ---------------------------------------------------------------------------------------------

def test_resolve_crossrefs_forms():
    numbering = Numbering()
    numbering.refs.update({
        "fig-a": Ref("figure", "3", "fig-a"), "fig-b": Ref("figure", "4", "fig-b"),
        "tbl-t": Ref("tableau", "1", "tbl-t"), "sec-s": Ref("section", "2.1", "sec-s")})
    nb = "\u00a0"
    text = resolve_crossrefs(
        "voir @fig-a. @Fig-a ; [@fig-a] [-@tbl-t] [@fig-a; @fig-b] @sec-s @tbl-t "
        "contact@fig-a.fr @fig-zz", numbering)
    assert f"voir [figure{nb}3](#fig-a)." in text
    assert f"[Figure{nb}3](#fig-a) ;" in text
    assert f"[figure{nb}3](#fig-a) [1](#tbl-t)" in text
    assert f"figures{nb}[3](#fig-a) et [4](#fig-b)" in text
    assert f"[section{nb}2.1](#sec-s) [tableau{nb}1](#tbl-t)" in text
    assert "contact@fig-a.fr" in text  # an e-mail address is not a reference
    assert "**?\\@fig-zz**" in text and numbering.unresolved == ["fig-zz"]


def test_figures_and_tables_are_numbered_in_their_chapter_as_quarto_numbers_them():
    """« Figure 2.1 », « Tableau A.1 »: Quarto's numbering in a book, whose HTML pages are
    rendered one by one (no number can run through the book there)."""
    numbering = Numbering()
    numbers = []
    for heading, letter in (("# Synthèse", None), ("# Connectivité\n\n## Accès", None),
                            ("# Préface {.unnumbered}", None), ("# Sources", "A")):
        _number_headings(heading, numbering, _ChapterState(Path("x.ipynb"), appendix_letter=letter))
        numbers.append((numbering.next_figure(), numbering.next_table(), numbering.next_figure()))
    assert numbers == [("1.1", "1.1", "1.2"), ("2.1", "2.1", "2.2"), ("1", "1", "2"), ("A.1", "A.1", "A.2")]
    assert caption_label("Tableau", "A.1") + CAPTION_DELIMITER == "Tableau\u00a0A.1\u00a0:"


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_html_is_one_self_contained_french_file(rendered):
    html_file = rendered["html"]
    assert html_file.name == "etat-des-lieux.html" and html_file.is_file()
    html = html_file.read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="fr"', html)
    assert "Connectivité" in html and "Accès à internet" in html
    assert "98 % des établissements (27 % n.c.) ont un accès." in html  # text/markdown output
    assert "Figure\u00a02.1" in html and "Tableau\u00a02.1" in html       # numbered in chapter 2
    assert "data:image/png;base64," in html
    assert 'alt="Diagramme en barres des établissements connectés"' in html
    # No external resource: every http(s) URL is the href of a plain <a> link in the text;
    # no src=, no url(), no <script>, no <link> (CSS is inline).
    for match in re.finditer(r"https?://", html):
        before = html[max(0, match.start() - 200):match.start()]
        assert re.search(r'<a href="$', before), html[match.start() - 80:match.start() + 40]
    assert '<a href="https://data.education.gouv.fr">' in html
    assert not re.search(r"url\(", html)
    assert "<script" not in html and "<iframe" not in html
    # the one <link> is an empty icon: nothing asked for (no favicon.ico that 404s)
    assert re.findall(r"<link[^>]*>", html) == ['<link href="data:," rel="icon">']
    # the first link skips the table of contents
    assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#contenu">Aller au contenu</a>', html)
    assert '<main id="contenu"' in html
    # Quarto's conditional content: a chart's data in the HTML, not the PDF's text
    assert "DONNEE-HTML-SEULEMENT" in html and "TEXTE-PDF-SEULEMENT" not in html
    assert '<details class="chart-data">' in html
    # Code, streams (warnings), hidden cells and object reprs never leak.
    for leaked in ("AVERTISSEMENT-SECRET", "SORTIE-STDOUT-CACHEE", "INCLUDE-FALSE-OUTPUT",
                   "OUTPUT-FALSE-TEXT", "CODE_CACHE", "plot_acces", "Text(0.5", "<Figure size"):
        assert leaked not in html, leaked
    assert DEMO not in html


@pytest.mark.slow
def test_html_numbering_tables_and_crossrefs(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert '<nav id="TOC"' in html and "Table des matières" in html
    assert re.search(r'<h1[^>]*><span class="header-section-number">2</span> Connectivité', html)
    assert "Annexe A — Sources et définitions" in html and "A.1 Glossaire" in html
    # The pandas table is a real table with its numbered caption, numbers right-aligned.
    table = re.search(r'<table id="tbl-academies".*?</table>', html, re.DOTALL).group(0)
    caption = "<caption><strong>Tableau\u00a02.1</strong>\u00a0: Écoles par académie</caption>"
    assert caption in table
    assert '<td style="text-align: right;">1234</td>' in table
    assert "<th style=\"text-align: left;\">Académie</th>" in table
    # Cross-references, including from another chapter.
    assert '<a href="#fig-acces">figure\u00a02.1</a>' in html
    assert '<a href="#tbl-academies">tableau\u00a02.1</a>' in html
    assert '<a href="#sec-acces">section\u00a02.1</a>' in html
    assert '<a href="#fig-acces">2.1</a>' in html
    # The synthesis chapter takes its title from the YAML front matter raw cell.
    assert re.search(r'<span class="header-section-number">1</span> Synthèse', html)


@pytest.mark.slow
def test_html_demo_banner(rendered_demo):
    html = rendered_demo["html"].read_text(encoding="utf-8")
    assert re.search(r"<title>DONNÉES DE DÉMONSTRATION — État des lieux", html)
    banner = "DONNÉES DE DÉMONSTRATION — chiffres synthétiques, non officiels"
    # One banner on top of the page, one below each of the three chapter titles.
    assert html.count(banner) == 1 + 3


@pytest.mark.slow
def test_more_cell_options(tmp_path):
    """fig-cap lists, markdown pipe tables with tbl-cap, output: asis, local images, remote
    images (turned into links), callouts, text/plain results and object reprs."""
    png = base64.b64decode(_tiny_png())
    (tmp_path / "logo.png").write_bytes(png)
    b64 = base64.b64encode(png).decode()
    nb = new_notebook(cells=[
        new_markdown_cell("# Équipement\n\n![Logo](logo.png) ![distant](https://example.org/x.png)"
                          "\n\nVoir @fig-duo, @fig-duo-2 et @tbl-pipe.\n\n"
                          "::: {.callout-warning title=\"À surveiller\"}\nDes écarts.\n:::"),
        new_code_cell("#| label: fig-duo\n#| fig-cap:\n#|   - Première\n#|   - Seconde\n",
                      outputs=[new_output("display_data", data={"image/png": b64}),
                               new_output("display_data", data={"image/png": b64})]),
        new_code_cell("#| label: tbl-pipe\n#| tbl-cap: Parc *informatique*\n",
                      outputs=[new_output("display_data", data={"text/markdown":
                               "| Type | Nombre |\n|:--|--:|\n| Tablettes | 1 200 |\n"})]),
        new_code_cell("#| output: asis\nprint('**gras**')",
                      outputs=[new_output("stream", name="stdout", text="**SORTIE-ASIS**\n")]),
        new_code_cell("n", outputs=[new_output("execute_result", execution_count=1,
                                               data={"text/plain": "RESULTAT-42"})]),
        new_code_cell("plt.plot()", outputs=[new_output("execute_result", execution_count=2,
                      data={"text/plain": "[<matplotlib.lines.Line2D at 0x7f00>]"})]),
    ])
    path = tmp_path / "03-equipement.ipynb"
    nbformat.write(nb, path)
    out = render_book([path], tmp_path / "out", "x", formats=("html",))
    html = out["html"].read_text(encoding="utf-8")
    nb_ = "\u00a0"
    assert f"<strong>Figure{nb_}1.1</strong>{nb_}: Première" in html
    assert f"<strong>Figure{nb_}1.2</strong>{nb_}: Seconde" in html
    assert f'<a href="#fig-duo">figure{nb_}1.1</a>, <a href="#fig-duo-2">figure{nb_}1.2</a>' in html
    assert re.search(r'<table id="tbl-pipe">\s*<caption><strong>Tableau.1\.1</strong>.: '
                     r"Parc <em>informatique</em></caption>", html)
    assert "<strong>SORTIE-ASIS</strong>" in html
    assert "RESULTAT-42" in html and "Line2D" not in html
    assert 'alt="Logo"' in html and html.count("data:image/png;base64,") == 3
    assert '<a href="https://example.org/x.png">distant</a>' in html
    assert 'class="callout callout-warning"' in html and "À surveiller" in html


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_pdf_content(rendered):
    pdf = rendered["pdf"]
    assert pdf.name == "etat-des-lieux.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _pdf_pages(pdf)
    text = "\n".join(pages)
    assert "État des lieux du numérique éducatif" in pages[0]
    assert "Région académique Occitanie — millésime 2018" in pages[0]
    assert "juin 2024" in pages[0] and "Sources : MENJ-DNE" in pages[0]
    assert "Table des matières" in pages[1]
    assert "Accès à internet" in text
    # pdftotext turns U+202F/U+00A0 into plain spaces (or nothing): whitespace is lenient.
    assert re.search(r"« Guillemets », œuvre, ça, espace fine\s?: oui\.", text)
    assert "98 % des établissements (27 % n.c.) ont un accès." in text
    assert re.search(r"Figure\s2\.1\s?: Part des établissements connectés", text)
    assert re.search(r"Tableau\s2\.1\s?: Écoles par académie", text)
    assert "Toulouse" in text and "1234" in text
    assert "Annexe A — Sources et définitions" in text
    for leaked in ("AVERTISSEMENT-SECRET", "SORTIE-STDOUT-CACHEE", "OUTPUT-FALSE-TEXT", "DONNEE-HTML-SEULEMENT"):
        assert leaked not in text
    assert "TEXTE-PDF-SEULEMENT" in text                                 # Quarto's conditional content
    # Running header (territory and millésime) and page numbers on every page after the title page.
    for number, page in enumerate(pages[1:], start=2):
        assert "Région académique Occitanie — millésime 2018" in page
        assert re.search(rf"\b{number}\s?/\s?{len(pages)}\b", page)
    assert DEMO not in text


@pytest.mark.slow
def test_pdf_demo_marking_on_every_page(rendered_demo):
    pages = _pdf_pages(rendered_demo["pdf"])
    assert len(pages) >= 4
    for page in pages:
        assert DEMO in page


@pytest.mark.slow
def test_two_renders_give_identical_bytes(notebooks, rendered, tmp_path):
    again = _render(notebooks, tmp_path / "again", demo=False)
    assert again["pdf"].read_bytes() == rendered["pdf"].read_bytes()
    assert again["html"].read_bytes() == rendered["html"].read_bytes()


@pytest.mark.slow
def test_single_format_and_kept_build_folder(notebooks, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative folders work too
    build = tmp_path / "build"
    out = _render(notebooks, Path("out"), demo=False, formats=("html",),
                  build_dir=Path("build"))
    assert list(out) == ["html"] and not (tmp_path / "out" / "etat-des-lieux.pdf").exists()
    markdown = (build / "book.md").read_text(encoding="utf-8")
    assert "espace fine\u202f: oui" in markdown  # the narrow no-break space reaches pandoc
    assert sorted(p.suffix for p in build.glob("ch*-img*")) == [".png"]


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_typst_error_names_the_chapter_and_the_line(notebooks, tmp_path):
    broken = tmp_path / "03-equipement.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell(
        "# Équipement\n\n```{=typst}\n#fonction-inconnue(42)\n```\n")]), broken)
    with pytest.raises(RenderError) as info:
        render_book([notebooks["synthese"], broken], tmp_path / "out", "x", formats=("pdf",),
                    meta=META)
    err = info.value
    assert err.engine == "typst" and err.chapter == str(broken)
    assert err.source_line == "#fonction-inconnue(42)"
    assert "03-equipement.ipynb" in str(err) and "#fonction-inconnue(42)" in str(err)
    assert err.build_dir is not None and (err.build_dir / "book.typ").is_file()
    shutil.rmtree(err.build_dir)


def test_bad_cell_options_name_the_notebook_and_cell(tmp_path):
    bad = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Titre"), new_code_cell(
        '#| fig-cap: "non fermé\nplot()')]), bad)
    with pytest.raises(RenderError, match=r"bad\.ipynb, cell 1: cell options"):
        render_book([bad], tmp_path / "out", "x", formats=("html",))


def test_missing_notebook_and_bad_arguments(tmp_path):
    with pytest.raises(RenderError, match="absent.ipynb"):
        render_book([tmp_path / "absent.ipynb"], tmp_path, "x", formats=("html",))
    with pytest.raises(ValueError, match="docx"):
        render_book([tmp_path / "a.ipynb"], tmp_path, "x", formats=("docx",))
