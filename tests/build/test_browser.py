"""An edition and the index page in a real browser: headless Chromium (Debian's ``chromium``)
driven by Playwright, axe-core injected from the ``axe-playwright-python`` wheel (no CDN).

Checked on each page: no request leaves the page's own files (none fails once served over HTTP:
no favicon.ico is asked for), no console error, every internal link resolves, no axe violation of
WCAG 2.1 A and AA (RGAA 4.1) at 1280 and 390 px, nothing wider than a 390 px phone screen (wide
tables scroll in their own box, which takes the focus); the keyboard alone (Tab) reaches every
link, the search box and the data of every chart, and a first link skips to the content; on the
index, the search box filters the editions. Screenshots are kept in ``reports/test-artefacts/``
(not committed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = ROOT / "reports" / "test-artefacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = 1280
#: The axe-core rules of WCAG 2.1 levels A and AA, what RGAA 4.1 asks.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    profile = tempfile.mkdtemp(prefix="chromium-profil-")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS,
                                                       headless=True)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


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


class Visit:
    """One page opened in the browser, with every request and console message recorded."""

    def __init__(self, browser, path: Path, width: int | None = None, url: str | None = None):
        self.path = path
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page()
        if width:
            self.page.set_viewport_size({**PHONE, "width": width})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(request_route):
            asked = request_route.request.url
            self.requests.append(asked)
            if asked.startswith(("file://", "data:")) or (url and asked.startswith(url.rsplit("/", 1)[0])):
                request_route.continue_()
            else:
                request_route.abort()

        self.page.route("**/*", route)
        self.page.goto(url or path.as_uri())
        self.page.wait_for_load_state("load")

    def outside(self) -> list[str]:
        """Requests that are not for the page's own folder (or data: URIs)."""
        folder = self.path.parent.resolve()
        bad = []
        for url in self.requests:
            if url.startswith("data:"):
                continue
            local = Path(unquote(urlparse(url).path)) if url.startswith("file://") else None
            if local is None or not local.resolve().is_relative_to(folder):
                bad.append(url)
        return bad

    def broken_links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        broken = []
        for href in hrefs:
            if href.startswith(("http://", "https://", "mailto:")):
                continue                        # references to the sources' sites: not followed
            if href.startswith("#"):
                if not self.page.query_selector(f"[id='{href[1:]}']"):
                    broken.append(href)
            elif not (self.path.parent / unquote(href.split("#")[0])).exists():
                broken.append(href)
        return broken

    def violations(self) -> list[str]:
        """Every axe violation of WCAG 2.1 A and AA, whatever its impact."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                for v in results.response["violations"]]

    def tab_walk(self, limit: int = 3000) -> list[dict]:
        """What the Tab key focuses, in order, from the top of the page until focus leaves it."""
        reached = []
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate("""() => { const e = document.activeElement;
                if (!e || e === document.body) return null;
                return {tag: e.tagName.toLowerCase(), href: e.getAttribute('href'), id: e.id,
                        key: e.outerHTML.slice(0, 160)}; }""")
            if focused is None or (reached and focused["key"] == reached[0]["key"]):
                break
            reached.append(focused)
        return reached

    def shown_links(self) -> list[str]:
        """The hrefs of the links a reader sees (not those of a folded block or a hidden row)."""
        return self.page.eval_on_selector_all(
            "a[href]", "els => els.filter(e => e.offsetParent !== null || e.getClientRects().length)"
                       ".map(e => e.outerHTML.slice(0, 160))")

    def overflow(self) -> int:
        """How many pixels the page is wider than the window (0: nothing overflows)."""
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def screenshot(self, name: str) -> None:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTEFACTS / name), full_page=False)


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
