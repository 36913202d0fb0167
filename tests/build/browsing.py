"""Pages in a real browser, for the browser tests: headless Chromium (Debian's ``chromium``, or
``$CHROMIUM``) driven by Playwright (fixture ``browser`` in ``tests/conftest.py``), axe-core
injected from the ``axe-playwright-python`` wheel (no CDN). Screenshots go to
``reports/test-artefacts/`` (not committed)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.conftest import ROOT

ARTEFACTS = ROOT / "reports" / "test-artefacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = 1280
#: The axe-core rules of WCAG 2.1 levels A and AA, what RGAA 4.1 asks.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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
