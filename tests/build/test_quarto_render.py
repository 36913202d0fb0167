"""Both renderers on the same executed edition: same chapters, figures, tables, numbering and
marks. Needs Quarto >= 1.9.18 (PATH or $QUARTO_PATH); skips cleanly without it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.build import batch
from analysis.build.options import BuildOptions
from analysis.render import quarto
from tests.build.browsing import Visit

QUARTO, VERSION, PROBLEM = quarto.find()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(QUARTO is None, reason=f"Quarto not usable: {PROBLEM}")]


def text_of_html(folder: Path) -> str:
    pages = [folder] if folder.is_file() else sorted(folder.rglob("*.html"))
    raw = " ".join(p.read_text(encoding="utf-8") for p in pages)
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def text_of_pdf(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def captions(text: str) -> list[str]:
    """'Figure 3 : …' and 'Tableau 2 : …' in reading order (numbers and the start of the caption)."""
    found = re.findall(r"\b(Figure|Tableau)\s(\d+)\s?[:.–—-]\s?(\w+(?:\s\w+){0,3})", text)
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
        outputs = report.outcomes[0].outputs
        built[name] = {"html": Path(outputs["html"]), "pdf": Path(outputs["pdf"])}
    return built


def test_same_captions_numbering_and_marks_in_html(both):
    builtin = text_of_html(both["builtin"]["html"])
    rendered = text_of_html(both["quarto"]["html"].parent)
    assert captions(rendered) == captions(builtin)
    for mark in ("Lozère (48) — millésime 2018", "DONNÉES DE DÉMONSTRATION"):
        assert mark in builtin and mark in rendered
    assert "Table " not in " ".join(captions(rendered))                 # French crossref titles
    assert "cdn" not in " ".join(p.read_text(encoding="utf-8") for p in
                                 both["quarto"]["html"].parent.rglob("*.html")).lower()


def test_same_captions_numbering_and_marks_in_pdf(both):
    builtin = text_of_pdf(both["builtin"]["pdf"])
    rendered = text_of_pdf(both["quarto"]["pdf"])
    assert captions(rendered) == captions(builtin)
    assert rendered.count("DONNÉES DE DÉMONSTRATION") >= rendered.count("/") // 2 or \
        rendered.count("DONNÉES DE DÉMONSTRATION") > 10
    assert "(a)" not in rendered                                        # no broken sub-figures


def test_quarto_renders_the_edition_folder_again_without_executing(both):
    folder = both["quarto"]["pdf"].parent
    before = {p: p.stat().st_mtime_ns for p in (folder / "notebooks").glob("*.ipynb")}
    run = subprocess.run([QUARTO, "render", str(folder)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
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

