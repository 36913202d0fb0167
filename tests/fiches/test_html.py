import re

import pytest

from analysis.fiches import html
from analysis.fiches.fiche import Fiche, fiche

HOSTILE = '<script>alert("x")</script> & Cie'


def _hostile_fiche() -> Fiche:
    return Fiche("0310001H", HOSTILE, 2018, True, [("Commune", HOSTILE)], "Source : annuaire",
                 ["Réponse 2018", "Source"], [("Connectivité", [[HOSTILE, "oui", "ETIC 2018"]])], "légende",
                 ["note"])


def test_every_text_is_escaped():
    page = html.page(_hostile_fiche())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie" in page


def test_page_is_small_and_uses_the_shared_style_sheet(small_millesime):
    for uai in small_millesime.uais:
        page = html.page(fiche(small_millesime, uai))
        assert len(page.encode("utf-8")) <= 20_000
        assert '<link rel="stylesheet" href="fiche.css">' in page
        assert not re.search(r"<style|<script| style=", page)
        assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page


def test_demo_banner_and_title(small_millesime):
    page = html.page(fiche(small_millesime, "0118363F"))
    assert 'class="demo" role="note">DONNÉES DE DÉMONSTRATION' in page
    assert "<title>DONNÉES DE DÉMONSTRATION" in page
    assert '<th scope="row">' in page and "<caption>" in page


def test_write_css_once(tmp_path):
    path = html.write_css(tmp_path)
    stamp = path.stat().st_mtime_ns
    html.write_css(tmp_path)
    assert path.stat().st_mtime_ns == stamp
    assert path.read_text(encoding="utf-8") == html.css()


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_no_wcag_violation_in_a_browser(browser, small_store, tmp_path, width):
    """A fiche as a reader opens it: WCAG 2.1 A and AA (axe-core), its style sheet and the index
    page found, nothing asked outside the reports folder."""
    from analysis.fiches import batch
    from tests.build.browsing import Visit

    year_dir = tmp_path / "2018"
    done = batch.build_some(small_store, 2018, year_dir, ["0118363F"])
    (year_dir / "index.html").write_text("<!DOCTYPE html><title>index</title>", encoding="utf-8")
    assert Visit(browser, done.paths[0], width=width).violations() == []
    visit = Visit(browser, done.paths[0], width=width)
    assert visit.errors == [] and visit.broken_links() == [] and visit.outside() == []
