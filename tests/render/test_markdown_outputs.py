"""The built-in renderer on the outputs the chapters are moving to (issue 12): tables and callouts
as ``text/markdown`` (no ``text/html``), SVG figures with their alt text, one figure per labelled
cell and nothing captioned when a labelled cell draws nothing; long tables across pages.

Executed notebooks are written by hand (no kernel); rendering takes about a second.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.render import render_book

pytestmark = pytest.mark.slow            # renders a book to HTML and PDF (pandoc, typst)

META = {"title": "État des lieux du numérique éducatif",
        "subtitle": "Lozère (48) — millésime 2018", "territory": "Lozère (48)",
        "date": "Données au 2024-06-01", "source": "Sources : essai", "demo": True}
ALT = "Barres horizontales — accès à internet : écoles 98 %, collèges 97 %"
SOURCE_LINE = "Source : enquête ETIC 2018 (DNE) ; n.c. : 12 %"


def svg() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.barh(["Écoles", "Collèges"], [98, 97])
    ax.set_title("Accès à internet")
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue().decode()


def markdown(text: str):
    return new_output("display_data", data={"text/markdown": text, "text/plain": text})


def pipe_table(rows: int) -> str:
    lines = ["| Département | Établissements | Part connectée |", "|---|---:|---:|"]
    lines += [f"| Département {n:03d} | {n * 7} | {n % 100} % |" for n in range(1, rows + 1)]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sorties-markdown")
    chapter = new_notebook(cells=[
        new_markdown_cell("# Connectivité"),
        new_code_cell("ch.header()", outputs=[markdown(
            '::: {.callout-warning title="Données de démonstration"}\nChiffres synthétiques.\n:::')]),
        new_code_cell("ch.header()", outputs=[markdown(
            '<div class="callout-note">\n\n## Périmètre des données\n\nDonnées de l’Occitanie seule.\n\n</div>')]),
        new_code_cell("ch.say(...)", outputs=[markdown("98 % des écoles ont un accès à internet.")]),
        new_code_cell('#| label: fig-acces\n#| fig-cap: "Accès à internet"\nch.show_figure(...)', outputs=[
            new_output("display_data", data={"image/svg+xml": svg(), "text/plain": ALT},
                       metadata={"image/svg+xml": {"alt": ALT}})]),
        new_code_cell('#| label: fig-carte\n#| fig-cap: "Carte"\nch.show_figure(ch.map(...))', outputs=[
            markdown("*Carte : aucune valeur publiable pour ce territoire.*")]),
        new_code_cell('#| label: tbl-chiffres\n#| tbl-cap: "Chiffres clés"\nch.table(...)', outputs=[
            markdown(pipe_table(3) + f"\n\n{SOURCE_LINE}")]),
    ])
    annexes = new_notebook(cells=[
        new_markdown_cell("# Annexes"),
        new_code_cell('#| label: tbl-long\n#| tbl-cap: "Tous les départements"\nch.table(...)',
                      outputs=[markdown(pipe_table(120) + "\n\nSource : référentiel des territoires")]),
    ])
    paths = [folder / "02-connectivite.ipynb", folder / "06-annexes.ipynb"]
    for nb, path in zip((chapter, annexes), paths):
        nbformat.write(nb, str(path))
    build = folder / "build"
    outputs = render_book([paths[0]], folder / "out", "edition", meta=META, appendices=[paths[1]],
                          build_dir=build)
    return {"html": outputs["html"].read_text(encoding="utf-8"), "pdf": outputs["pdf"],
            "typ": (build / "book.typ").read_text(encoding="utf-8")}


def pdf_pages(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_markdown_table_gets_its_caption_number_and_source_line(book):
    html = book["html"]
    assert re.search(r'<table id="tbl-chiffres">\s*<caption><strong>Tableau\xa01.1</strong>\xa0: Chiffres clés',
                     html)                                       # numbered in its chapter, as Quarto does
    assert SOURCE_LINE in html
    assert 'class="table-scroll"' in html                       # scrolls in its own box on a phone
    text = "\n".join(pdf_pages(book["pdf"]))
    assert re.search(r"Tableau\s1\.1\s?: Chiffres clés", text) and SOURCE_LINE in " ".join(text.split())
    assert re.search(r"Tableau\sA\.1\s?: Tous les départements", text)          # an appendix's: lettered


def test_markdown_callout_is_a_callout_in_both_formats(book):
    assert '<div class="callout callout-warning">' in book["html"]
    assert "<strong>Données de démonstration</strong>" in book["html"]
    assert '#callout(kind: "warning")' in book["typ"]


def test_html_div_callout_reads_in_jupyterlab_and_is_a_callout_in_both_formats(book):
    """The form that also reads well in JupyterLab: a raw <div class="callout-…"> whose first
    heading is the title (Quarto takes it as the title too); the heading is not a section."""
    assert re.search(r'<div class="callout callout-note">\s*<div class="callout-title">\s*'
                     r"<strong>Périmètre des données</strong>", book["html"])
    assert '#callout(kind: "note")' in book["typ"] and "Périmètre des données" in book["typ"]
    toc = book["html"].split('id="TOC"')[1].split("</nav>")[0]
    assert "Périmètre des données" not in toc


def test_svg_figure_is_vector_with_its_alt_text_in_both_formats(book):
    assert re.search(r'<img [^>]*src="data:image/svg\+xml;base64,[^"]+"[^>]*alt="' + re.escape(ALT), book["html"])
    assert re.search(r'#image\("ch00-img001\.svg", width: \d+%, alt: "' + re.escape(ALT), book["typ"])
    assert "Figure\xa01.1" in book["html"]


def test_a_labelled_cell_without_figure_is_not_captioned(book):
    html = book["html"]
    assert "aucune valeur publiable" in html
    assert "Carte" not in re.sub(r"<em>Carte : aucune[^<]*</em>", "", html)
    assert "Figure\xa01.2" not in html


def test_long_table_breaks_across_pages_with_its_header_repeated(book):
    pages = pdf_pages(book["pdf"])
    holding = [p for p in pages if "Département 0" in p or "Département 1" in p]
    assert len(holding) >= 3, "120 rows do not fit on one page"
    for page in holding:
        assert "Établissements" in page and "Part connectée" in page      # header on each page
    assert "table(" in book["typ"] and "table.header(" in book["typ"]
    assert "#show table: set par(justify: false)" in (Path(__file__).parents[2] / "src" / "analysis" /
                                                        "render" / "templates" / "book.typ").read_text()


def test_identity_and_demo_marking_on_every_page_and_annexes_once(book):
    pages = pdf_pages(book["pdf"])
    for page in pages[1:]:
        flat = " ".join(page.split())
        assert "Lozère (48) — millésime 2018" in flat and "DONNÉES DE DÉMONSTRATION" in flat
    toc = " ".join(pages[1].split())
    assert toc.count("Annexes") == 1
    assert "<title>État des lieux du numérique éducatif — Lozère (48) — millésime 2018</title>" in book["html"] or \
        "Lozère (48) — millésime 2018</title>" in book["html"]
