"""The script every page of an edition's Quarto site includes (``templates/quarto/site-landmarks.html``),
in headless Chromium with axe-core, on a page shaped as Quarto 1.10 writes a book's chapter
(its templates ``src/resources/projects/website/templates/nav-before-body.ejs``, ``sidebar.ejs``,
``sidebaritem.ejs``, ``nav-after-body-postamble.ejs``, and the ``overflow-x: auto`` of
``.cell-output-display``): without it, axe finds ``landmark-unique`` and, on a phone,
``scrollable-region-focusable``; with it, neither. Skips without Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.render import quarto_project

pytestmark = pytest.mark.slow

RULES = ["landmark-unique", "scrollable-region-focusable"]
ROWS = "".join(f"<tr><td>Département {n} avec un nom long</td><td>{n}</td><td>{n} %</td><td>ETIC 2018</td>"
               f"<td>Observation longue sur la couverture</td></tr>" for n in range(1, 6))
PAGE = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>1 Synthèse – État des lieux du numérique éducatif — Lozère (48) — millésime 2018</title>
<style>.cell-output-display:not(.no-overflow-x) {{ overflow-x: auto; }} td {{ white-space: nowrap; }}</style>
</head><body>
<header id="quarto-header"><nav class="quarto-secondary-nav"><div>
  <button type="button" aria-label="Basculer la barre latérale">≡</button>
  <a class="flex-grow-1" role="navigation" data-bs-toggle="collapse" role="link" aria-controls="quarto-sidebar"
     aria-expanded="false" aria-label="Basculer la barre latérale">
     <h1 class="quarto-secondary-nav-title">Synthèse</h1></a>
</div></nav></header>
<div id="quarto-content">
<nav id="quarto-sidebar" class="sidebar"><ul>
  <li><a href="index.html">Lozère (48) — millésime 2018</a></li>
  <li><a href="#">1 Synthèse</a></li>
  <li><a class="sidebar-item-text sidebar-link text-start" role="navigation" aria-expanded="true">Annexes</a>
      <a class="sidebar-item-toggle text-start" role="navigation" aria-expanded="true"
         aria-label="Basculer la section">›</a>
      <ul><li><a href="#">A Territoires</a></li></ul></li>
</ul></nav>
<div id="quarto-margin-sidebar"><nav id="TOC" role="doc-toc"><h2 id="toc-title">Sur cette page</h2>
  <ul><li><a href="#chiffres">1.1 Chiffres clés</a></li></ul></nav></div>
<main class="content" id="quarto-document-content">
<h1>Synthèse</h1><section id="chiffres"><h2>Chiffres clés</h2>
<div id="tbl-chiffres" class="cell quarto-float"><figure class="quarto-float quarto-float-tbl figure">
<figcaption>Tableau 1.1 : Chiffres clés du territoire</figcaption>
<div class="cell-output cell-output-display cell-output-markdown"><table><thead><tr><th>Territoire</th><th>Valeur</th>
<th>Part</th><th>Source</th><th>Observation</th></tr></thead><tbody>{ROWS}</tbody></table></div></figure></div>
<div class="cell-output cell-output-display cell-output-markdown"><table><thead><tr><th>Territoire</th><th>Valeur</th>
<th>Part</th><th>Source</th><th>Observation</th></tr></thead><tbody>{ROWS}</tbody></table></div>
</section>
<nav class="page-navigation"><div class="nav-page nav-page-next">
  <a href="#" class="pagination-link" aria-label="2 Méthodologie">2 Méthodologie</a></div></nav>
</main></div>
<footer class="footer"><p>Sources : annuaire</p></footer>
SCRIPT
</body></html>
"""


def violations(browser, path: Path, width: int) -> dict[str, int]:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": RULES}})
    page.close()
    return {v["id"]: len(v["nodes"]) for v in results.response["violations"]}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    script = quarto_project.SITE_LANDMARKS.read_text(encoding="utf-8")
    (folder / "sans.html").write_text(PAGE.replace("SCRIPT", ""), encoding="utf-8")
    (folder / "avec.html").write_text(PAGE.replace("SCRIPT", script), encoding="utf-8")
    return folder


@pytest.mark.parametrize("width", [1280, 390])
def test_quarto_pages_have_these_violations_and_the_script_removes_them(browser, pages, width):
    before = violations(browser, pages / "sans.html", width)
    assert before.get("landmark-unique", 0) > 0
    assert ("scrollable-region-focusable" in before) is (width == 390)
    assert violations(browser, pages / "avec.html", width) == {}


def test_a_scrolling_table_is_named_after_its_caption(browser, pages):
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((pages / "avec.html").as_uri())
    page.wait_for_load_state("load")
    boxes = page.eval_on_selector_all(".cell-output-display", "els => els.map(e => [e.tabIndex, e.getAttribute("
                                                              "'role'), e.getAttribute('aria-label')])")
    assert boxes == [[0, "region", "Tableau 1.1 : Chiffres clés du territoire"], [0, "region", "Tableau sans titre"]]
    names = page.eval_on_selector_all("nav", "els => els.map(e => e.getAttribute('aria-label'))")
    assert names == ["Barre de navigation", "Chapitres de l'édition", "Sur cette page",
                     "Chapitre précédent et suivant"]
    assert page.eval_on_selector_all('[role="navigation"]', "els => els.length") == 0
    page.set_viewport_size({"width": 1280, "height": 844})
    page.wait_for_timeout(100)
    assert page.eval_on_selector_all(".cell-output-display[tabindex]", "els => els.length") == 0
    page.close()
