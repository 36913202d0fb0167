"""An edition and the index page in a real browser: headless Chromium (Debian's ``chromium``)
driven by Playwright (``tests/build/browsing.py``, fixture ``browser``), axe-core injected from the
``axe-playwright-python`` wheel (no CDN).

Checked on each page: no request leaves the page's own files (none fails once served over HTTP:
no favicon.ico is asked for), no console error, every internal link resolves, no axe violation of
WCAG 2.1 A and AA (RGAA 4.1) at 1280 and 390 px, nothing wider than a 390 px phone screen (wide
tables scroll in their own box, which takes the focus); the keyboard alone (Tab) reaches every
link, the search box and the data of every chart, and a first link skips to the content; on the
index, the search box filters the editions. Screenshots are kept in ``reports/test-artefacts/``
(not committed).
"""

from __future__ import annotations

import pytest

from tests.build.browsing import DESKTOP, PHONE, Visit

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def site(demo_edition):
    """A real edition (Lozère 2018, built-in renderer, demo data) and its millésime's index."""
    return demo_edition


@pytest.fixture(scope="module")
def served(site):
    """The millésime's folder served over HTTP on the loopback, as a web server publishes it: every
    request that fails (a favicon.ico nobody made) is recorded."""
    import http.server
    import threading
    from functools import partial

    failed: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt, *args):
            if len(args) > 1 and str(args[1]).startswith(("4", "5")):
                failed.append(f"{args[1]} {self.path}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             partial(Handler, directory=str(site["index"].parent)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "failed": failed,
           "root": site["index"].parent}
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("which", ["edition", "index"])
def test_page_in_a_browser(browser, site, which):
    visit = Visit(browser, site[which])
    visit.screenshot(f"{which}-bureau.png")
    assert visit.outside() == [], "requests outside the page's own files"
    assert visit.errors == []
    assert visit.broken_links() == []


@pytest.mark.parametrize("width", [DESKTOP, PHONE["width"]])
@pytest.mark.parametrize("which", ["edition", "index"])
def test_no_wcag_violation(browser, site, which, width):
    """RGAA 4.1 = WCAG 2.1 AA, as far as axe-core checks it, on a desktop and a phone."""
    assert Visit(browser, site[which], width=width).violations() == []


@pytest.mark.parametrize("which", ["edition", "index"])
def test_nothing_overflows_a_phone_screen(browser, site, which):
    visit = Visit(browser, site[which], width=PHONE["width"])
    visit.screenshot(f"{which}-390px.png")
    assert visit.overflow() <= 0, f"{which} is {visit.overflow()} px wider than a 390 px screen"


@pytest.mark.parametrize("which", ["edition", "index"])
def test_served_pages_ask_for_nothing_missing(browser, served, site, which):
    """Served over HTTP, a page without an icon makes the browser ask for /favicon.ico (a 404)."""
    path = site[which]
    visit = Visit(browser, path, url=served["url"] + path.relative_to(served["root"]).as_posix())
    visit.page.wait_for_timeout(300)
    assert served["failed"] == [] and visit.errors == []
    assert not any(url.endswith("favicon.ico") for url in visit.requests)


@pytest.mark.parametrize("which", ["edition", "index"])
def test_the_keyboard_reaches_every_link_and_skips_to_the_content(browser, site, which):
    visit = Visit(browser, site[which])
    reached = visit.tab_walk()
    assert reached[0]["href"] == "#contenu", "the first Tab is the link to the content"
    keys = {r["key"] for r in reached}
    assert [link for link in visit.shown_links() if link not in keys] == []
    if which == "index":
        assert any(r["id"] == "recherche" for r in reached), "the search box"
    visit.page.goto(visit.page.url)
    visit.page.keyboard.press("Tab")
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("document.activeElement.id") == "contenu"


def test_every_chart_has_its_data_a_keyboard_opens(browser, site):
    """« Données du graphique »: a folded table under every chart, reached by Tab, opened by
    Entrée, its wide table a focusable scrolling box; none in the PDF (the alt text says it)."""
    visit = Visit(browser, site["edition"])
    charts = visit.page.query_selector_all("figure img")
    folded = visit.page.query_selector_all("details.chart-data")
    assert len(charts) >= 10 and len(folded) == len(charts)
    summaries = [r for r in visit.tab_walk() if r["tag"] == "summary"]
    assert len(summaries) == len(folded)
    visit.page.focus("details.chart-data > summary")
    visit.page.keyboard.press("Enter")
    opened = visit.page.query_selector("details.chart-data[open]")
    assert opened is not None and opened.query_selector("table caption").inner_text().startswith(
        "Données du graphique")
    box = opened.query_selector(".table-scroll")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("document.activeElement.classList.contains('table-scroll')")


def test_the_index_search_filters_editions(browser, site):
    visit = Visit(browser, site["index"])
    rows = "tr[data-search]:not(.hidden)"
    assert len(visit.page.query_selector_all(rows)) == 3
    visit.page.fill("#recherche", "lozere")
    shown = visit.page.query_selector_all(rows)
    assert len(shown) == 1 and "departement:48" in shown[0].inner_text()
    assert "1 édition affichée" in visit.page.inner_text("#compte")
    visit.page.fill("#recherche", "84")
    assert len(visit.page.query_selector_all(rows)) == 1
    visit.page.fill("#recherche", "")
    assert len(visit.page.query_selector_all(rows)) == 3
    visit.page.fill("#recherche", "Lozère")
    visit.screenshot("index-recherche.png")
    link = visit.page.query_selector(f"{rows} a")
    link.click()
    visit.page.wait_for_load_state("load")
    assert visit.page.url.endswith("etat-des-lieux-2018-departement-48.html")


def test_no_output_makes_quarto_fetch_a_cdn(site):
    """Any text/html output makes Quarto add require.js and jQuery from a CDN."""
    import nbformat

    notebooks = site["edition"].parent / "notebooks"
    html_outputs = [(path.name, n) for path in sorted(notebooks.glob("*.ipynb"))
                    for n, cell in enumerate(nbformat.read(str(path), as_version=4).cells)
                    for output in cell.get("outputs", []) if "text/html" in output.get("data", {})]
    assert html_outputs == []
