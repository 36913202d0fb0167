"""Both renderers on the same executed edition: same chapters, figures, tables, numbering,
captions and marks; Quarto's output as clean as the built-in one (no raw markup, no blank page, no
stray caption, no warning), and a re-render of either format that loses nothing. Needs Quarto
>= 1.9.18 (PATH or $QUARTO_PATH); skips cleanly without it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.build import batch
from analysis.build import manifest as edition_manifest
from analysis.build.options import BuildOptions
from analysis.render import quarto, quarto_notebooks
from tests.build.browsing import Visit

QUARTO, VERSION, PROBLEM = quarto.find()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(QUARTO is None, reason=f"Quarto not usable: {PROBLEM}")]
IDENTITY = "Lozère (48) — millésime 2018"


def text_of_html(folder: Path) -> str:
    pages = [folder] if folder.is_file() else sorted(folder.rglob("*.html"))
    raw = " ".join(p.read_text(encoding="utf-8") for p in pages)
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def pdf_pages(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def captions(text: str) -> list[str]:
    """'Figure 3.1 : …' and 'Tableau A.2 : …' in reading order (numbers and the start of the caption)."""
    found = re.findall(r"\b(Figure|Tableau)\s([\dA-Z]+\.\d+)\s?:\s(\w+(?:\s\w+){0,3})", text)
    return list(dict.fromkeys(f"{kind} {number} {words}" for kind, number, words in found))


@pytest.fixture(scope="module")
def both(demo_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("deux-rendus")
    data = base / "data"
    shutil.copytree(demo_store.data_dir, data)
    built = {}
    for name in ("builtin", "quarto"):
        report = batch.build("departement:48", 2018, BuildOptions(out_dir=base / name, data_dir=data,
                                                                   renderer=name, write_index=False))
        assert report.ok, [o.failure for o in report.outcomes]
        outcome = report.outcomes[0]
        built[name] = {"html": Path(outcome.outputs["html"]), "pdf": Path(outcome.outputs["pdf"]),
                       "warnings": outcome.warnings}
    return built


def test_quarto_renders_without_a_warning(both):
    assert both["quarto"]["warnings"] == ()


def test_same_captions_numbering_and_marks_in_html(both):
    builtin = text_of_html(both["builtin"]["html"])
    rendered = text_of_html(both["quarto"]["html"].parent)
    # Quarto's site is a page per chapter, read here in file order (the annexes' page comes
    # before the last chapter's): the same captions, each numbered in its chapter.
    assert sorted(captions(rendered)) == sorted(captions(builtin)) and captions(builtin)
    for mark in (IDENTITY, "DONNÉES DE DÉMONSTRATION"):
        assert mark in builtin and mark in rendered
    assert "Table " not in " ".join(captions(rendered))                 # French crossref titles
    assert "{.unnumbered}" not in rendered and ":::" not in rendered      # no raw markup
    assert "cdn" not in " ".join(p.read_text(encoding="utf-8") for p in
                                 both["quarto"]["html"].parent.rglob("*.html")).lower()


def test_every_html_page_title_names_the_edition(both):
    for page in both["quarto"]["html"].parent.rglob("*.html"):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
        if title:                                       # search.json's neighbours have none
            assert IDENTITY in html.unescape(title.group(1)), page.name


def test_same_pages_captions_and_marks_in_pdf(both):
    builtin, rendered = pdf_pages(both["builtin"]["pdf"]), pdf_pages(both["quarto"]["pdf"])
    assert captions(" ".join(rendered)) == captions(" ".join(builtin))
    assert abs(len(rendered) - len(builtin)) <= 2, (len(rendered), len(builtin))   # no blank page, no home page
    for number, page in enumerate(rendered, start=1):
        assert IDENTITY in page and "DONNÉES DE DÉMONSTRATION" in page, number
        body = page.replace(IDENTITY, "").replace("DONNÉES DE DÉMONSTRATION", "")
        assert len(re.sub(rf"\b{number} ?/ ?{len(rendered)}\b", "", body).split()) > 8, f"page {number} is blank"
    text, reference = " ".join(rendered), " ".join(builtin)
    assert "(a)" not in text and "---" not in text and "{.unnumbered}" not in text
    for words in ("Chapitre 1", "Chapitre 7", "Annexe A —", "Annexes", "Table des matières"):
        assert text.count(words) == reference.count(words), words


def test_a_cell_that_drew_nothing_leaves_no_caption(both):
    """The caption of a figure cell that drew nothing is in neither the HTML nor the PDF."""
    folder = both["quarto"]["pdf"].parent
    cells = [cell for path in sorted((folder / "notebooks").glob("*.ipynb"))
             for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if cell.get("metadata", {}).get(quarto_notebooks.NO_FIGURE) == quarto_notebooks.NO_FIGURE_CAPTION]
    caps = [re.search(r'#\| fig-cap: "(.*)"', "".join(cell["source"])).group(1) for cell in cells]
    rendered = text_of_html(both["quarto"]["html"].parent) + " ".join(pdf_pages(both["quarto"]["pdf"]))
    for cap in caps:
        assert cap not in rendered, cap


def test_quarto_renders_the_edition_folder_again_without_executing_nor_losing(both):
    folder = both["quarto"]["pdf"].parent
    before = {p: p.stat().st_mtime_ns for p in (folder / "notebooks").glob("*.ipynb")}
    for to in (["--to", "typst"], ["--to", "html"], []):
        run = subprocess.run([QUARTO, "render", str(folder), *to], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
        for kept in ("_book/index.html", "_book/search.json", "_book/site_libs", both["quarto"]["pdf"].name):
            assert (folder / kept).exists(), (to, kept)
        manifest = edition_manifest.read_manifest(folder)
        assert edition_manifest.outputs_intact(folder, manifest, ["html", "pdf"]), to      # the manifest is true
    assert {p: p.stat().st_mtime_ns for p in before} == before            # nothing executed
    assert (folder / "_book" / "index.html").exists()


def test_the_quarto_pdf_is_pdfua(both):
    """PDF/UA-1 as ``pdfua check`` sees it, with no finding at all (as the built-in one:
    tests/render/test_pdf.py)."""
    import json
    import sys

    from tests.render.test_pdf import SKIPPED_BY_PDFUA

    pytest.importorskip("pdfua", reason="pdfua is not installed (test extra)")
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(both["quarto"]["pdf"])],
                         capture_output=True, text=True)
    report = json.loads(run.stdout)
    assert report["findings"] == [] and run.returncode == 0
    assert {s["rule_id"] for s in report["skipped"]} <= SKIPPED_BY_PDFUA


@pytest.fixture(scope="module")
def quarto_pages(both):
    site = both["quarto"]["html"].parent
    return sorted(p for p in site.rglob("*.html") if "site_libs" not in p.parts)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_quarto_site_has_no_wcag_violation(browser, quarto_pages, width):
    """Every page of the Quarto site, checked as the built-in edition (tests/build/test_browser.py):
    no axe violation of WCAG 2.1 A and AA, on a desktop and a phone."""
    found = {page.name: Visit(browser, page, width=width).violations() for page in quarto_pages}
    assert {name: v for name, v in found.items() if v} == {}


def test_the_quarto_site_gives_every_chart_its_data(browser, both):
    site = both["quarto"]["html"].parent
    charts = folded = 0
    for page in sorted(site.rglob("*.html")):
        visit = Visit(browser, page)
        charts += len(visit.page.query_selector_all("figure img"))
        folded += len(visit.page.query_selector_all("details.chart-data"))
        assert visit.page.query_selector("link[rel=icon]") is not None
    assert charts >= 10 and folded == charts

