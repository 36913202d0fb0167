"""An edition and the index page in a real browser: headless Chromium (Debian's ``chromium``)
driven by Playwright, axe-core injected from the ``axe-playwright-python`` wheel (no CDN).

Checked on each page: no request leaves the page's own files, no console error, every internal
link resolves, no serious or critical axe violation, nothing wider than a 390 px phone screen
(wide tables scroll in their own box); on the index, the search box filters the editions.
Screenshots are kept in ``reports/test-artefacts/`` (not committed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from analysis.build import batch, site_index
from analysis.build import manifest as edition_manifest
from analysis.build.options import BuildOptions
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = ROOT / "reports" / "test-artefacts"
PHONE = {"width": 390, "height": 844}


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
def site(demo_store, tmp_path_factory):
    """A real edition (Lozère 2018, the real chapters, demo data) and its millésime's index,
    which also lists two small editions (so that the search has something to filter)."""
    base = tmp_path_factory.mktemp("navigateur")
    data = base / "data"
    shutil.copytree(demo_store.data_dir, data)
    out = base / "rapports"
    report = batch.build("departement:48", 2018, BuildOptions(formats=("html",), out_dir=out, data_dir=data,
                                                               renderer="builtin"))
    assert report.ok, [o.failure for o in report.outcomes]
    year_dir = out / "2018"
    for ident, label in (("departement:15", "Cantal (15)"), ("region:84", "Région académique Auvergne-Rhône-Alpes")):
        folder = year_dir / ident.replace(":", "-")
        folder.mkdir(parents=True)
        html = folder / f"etat-des-lieux-2018-{folder.name}.html"
        html.write_text(f"<!DOCTYPE html><html lang='fr'><head><title>{label}</title></head>"
                        f"<body><main><h1>{label}</h1></main></body></html>", encoding="utf-8")
        edition_manifest.write_manifest(folder, {"territoire": ident, "libelle": label, "slug": folder.name,
                                                 "outputs": edition_manifest.outputs_record(folder, {"html": html})})
    from analysis import indicators
    from analysis.sources.store import Store

    site_index.write_all(year_dir, indicators.load(Store(data), 2018), 2018)
    return {"edition": Path(report.outcomes[0].outputs["html"]), "index": year_dir / "index.html"}


class Visit:
    """One page opened in the browser, with every request and console message recorded."""

    def __init__(self, browser, path: Path, width: int | None = None):
        self.path = path
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page()
        if width:
            self.page.set_viewport_size({**PHONE, "width": width})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(request_route):
            url = request_route.request.url
            self.requests.append(url)
            if url.startswith(("file://", "data:")):
                request_route.continue_()
            else:
                request_route.abort()

        self.page.route("**/*", route)
        self.page.goto(path.as_uri())
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

    def serious_violations(self) -> list[str]:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        return [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} élément(s)"
                for v in results.response["violations"] if v["impact"] in ("serious", "critical")]

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
    assert visit.serious_violations() == []


@pytest.mark.parametrize("which", ["edition", "index"])
def test_nothing_overflows_a_phone_screen(browser, site, which):
    visit = Visit(browser, site[which], width=PHONE["width"])
    visit.screenshot(f"{which}-390px.png")
    assert visit.overflow() <= 0, f"{which} is {visit.overflow()} px wider than a 390 px screen"


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
