"""The explorer of the index page (:mod:`analysis.build.explorer`): the files it writes from the
small dataset and fake editions and fiches (no kernel), what they link to, what a rebuild writes
again; then, in Chromium (marked slow), the search (an UAI opens its fiche, an établissement
without fiche its département's edition, accents ignored), the map (a click on a département
opens its edition, the key figure chosen recolours it), the keyboard alone, axe-core's WCAG 2.1
A/AA rules at 1280 and 390 px, nothing wider than a phone, no request outside the folder."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from analysis import indicators
from analysis.build import explorer
from analysis.build.site_index import built_editions
from analysis.core.formatting import plural
from analysis.fiches import listing
from tests.build.explorer_site import fake_boundaries, fake_edition, fake_fiche, make_site

WITH_FICHE = ("0342337F", "0318033N")      # Collège Louis Pasteur (34), Collège Camille Claudel (31)
NO_FICHE = "0343110W"                       # École Pablo Picasso, Chafort (34): the Hérault's edition
NO_PAGE = "0110998A"                        # Collège Jules Ferry (11): no edition, no fiche


@pytest.fixture(scope="module")
def results(small_store):
    return indicators.load(small_store, 2018)


@pytest.fixture(scope="module")
def site(tmp_path_factory, small_store, results):
    """The index of a millésime with four editions (France, académie de Montpellier, 31, 34) and two fiches."""
    year_dir = tmp_path_factory.mktemp("explorateur") / "2018"
    return make_site(year_dir, small_store, results, fiches=WITH_FICHE)


def search_data(year_dir: Path) -> dict:
    text = (year_dir / explorer.search_file(2018)).read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.explorateurRecherche&&window\.explorateurRecherche\((.*)\);\n", text, re.S)
    return json.loads(match.group(1))


def hrefs_of(page: str) -> list[str]:
    return re.findall(r'href="([^"#]+)"', page)


def test_search_file_holds_the_editions_and_every_etablissement(site, small_store):
    data = search_data(site.parent)
    assert [t[1] for t in data["territoires"]] == ["france", "academie:montpellier", "departement:31",
                                                   "departement:34"]
    assert all((site.parent / href).exists() for _, _, href in data["territoires"])
    assert set(data["editionsDepartement"]) == {"31", "34"}
    lines = [line.split("\t") for line in data["etablissements"].split("\n")]
    assert len(lines) == len(explorer.etablissements(small_store, 2018))
    by_uai = {line[0]: line for line in lines}
    assert {u for u, line in by_uai.items() if line[5] == "1"} == set(WITH_FICHE)
    assert by_uai["0342337F"][1:5] == ["Collège Louis Pasteur", "Laneix", "C", "34"]
    assert by_uai["0660036F"][1] == "0660036F"        # closed since, absent from the annuaire: named by its UAI


def test_index_links_the_map_and_the_departement_pages(site):
    page = site.read_text(encoding="utf-8")
    year_dir = site.parent
    assert all((year_dir / href).exists() for href in hrefs_of(page) if not href.startswith("data:"))
    # a département with an edition is a link named by its value; one without is not a link
    link = re.search(r'<a href="departement-34/[^"]+" aria-label="([^"]+)" data-code="34">', page)
    assert link and link.group(1).startswith("Hérault (34) : ")
    svg = page.split('class="carte-france"')[1].split("</svg>")[0]
    assert not re.search(r'<a [^>]*data-code="11"', svg) and 'd="' in svg.split('data-code="11"')[0][-400:]
    assert f'href="{explorer.map_page("34")}"' in page and f'href="{explorer.map_page("31")}"' in page
    assert 'role="combobox"' in page and 'aria-controls="explorateur-resultats"' in page
    assert '<select id="explorateur-chiffre">' in page


def test_departement_page_links_the_fiches(site):
    year_dir = site.parent
    page = (year_dir / explorer.map_page("34")).read_text(encoding="utf-8")
    fiche = "../" + listing.fiche_path(Path(), "0342337F").as_posix()
    assert f'href="{fiche}"' in page
    assert NO_FICHE in page and f'{NO_FICHE}.html' not in page
    links = [h for h in hrefs_of(page) if not h.startswith("data:")]
    assert all((year_dir / explorer.FOLDER / h).resolve().exists() for h in links)
    assert "Hérault (34)" in page and plural(22, "établissement", "établissements") in page
    assert not (year_dir / explorer.map_page("11")).exists()           # no edition of the Aude


def test_a_rebuild_writes_only_what_changed(tmp_path, small_store, results):
    year_dir = tmp_path / "2018"
    make_site(year_dir, small_store, results, fiches=WITH_FICHE[:1])

    def again():
        return {p.relative_to(year_dir).as_posix() for p in explorer.build(
            year_dir, results, 2018, built_editions(year_dir), store=small_store).written}

    assert again() == set()
    fake_edition(year_dir, "departement:48", "Lozère (48)")        # a new edition: its own map, and the search
    assert again() == {explorer.map_page("48"), explorer.search_file(2018)}
    fake_fiche(year_dir, "0318033N")                                # a new fiche of the 31
    assert again() == {explorer.map_page("31"), explorer.search_file(2018)}
    shutil.rmtree(year_dir / "departement-48")                      # an edition removed: its map goes
    assert again() == {explorer.search_file(2018)}
    assert not (year_dir / explorer.map_page("48")).exists()
    state = json.loads(explorer.state_file(year_dir, 2018).read_text(encoding="utf-8"))
    assert explorer.map_page("48") not in state["files"]


def test_the_map_s_classes_are_computed_once_for_the_same_departements(tmp_path, small_store, results,
                                                                       monkeypatch):
    """A build of one more edition does not classify the map again (mapclassify's import alone is
    ~1.7 s); the index reads the same; a change of a département's row computes them again."""
    from analysis.build import explorer_pages

    year_dir = tmp_path / "2018"
    make_site(year_dir, small_store, results)
    first = explorer.build(year_dir, results, 2018, built_editions(year_dir), store=small_store)
    computed, original = [], explorer_pages.map_figures
    monkeypatch.setattr(explorer_pages, "map_figures", lambda *a: computed.append(a) or original(*a))
    again = explorer.build(year_dir, results, 2018, built_editions(year_dir), store=small_store)
    assert computed == [] and again.body == first.body and again.head == first.head
    changed = results.copy()
    row = changed.index[(changed["territoire"] == "departement:34") & (changed["statut"] == "ok")][0]
    changed.loc[row, "valeur"] = changed.loc[row, "valeur"] + 1
    explorer.build(year_dir, changed, 2018, built_editions(year_dir), store=small_store)
    assert len(computed) == 1


def test_without_a_data_folder_the_search_has_the_territories_only(tmp_path, results):
    index = make_site(tmp_path / "2018", None, results)
    assert search_data(index.parent)["etablissements"] == ""
    assert "Rechercher un territoire (nom ou code)" in index.read_text(encoding="utf-8")
    assert not list((index.parent / explorer.FOLDER).glob("departement-*.html"))


def test_on_the_boundaries_of_the_data_folder(tmp_path, small_store, results):
    """With a boundary file in the data folder, France is drawn on it (the DROM in insets) and a
    département's établissements are placed inside its outline."""
    from analysis.sources.store import Store

    shutil.copytree(small_store.data_dir, tmp_path / "data")
    store = Store(tmp_path / "data")
    path = tmp_path / "departements-avec-outre-mer.geojson"
    fake_boundaries().to_file(path, driver="GeoJSON")
    store.import_paths([path], demo=True).check()             # the small dataset is demo: so are they
    index = make_site(tmp_path / "2018", store, results)
    basemap = json.loads((index.parent / explorer.FOLDER / "fond-de-carte.json").read_text(encoding="utf-8"))
    assert basemap["kind"] == "boundaries" and [f[0] for f in basemap["frames"]][0] == "Guadeloupe"
    assert '<text x="' in index.read_text(encoding="utf-8").split("</svg>")[0]      # the insets' names
    page = (index.parent / explorer.map_page("34")).read_text(encoding="utf-8")
    assert 'class="contour"' in page and page.count("<circle") == 22


# ------------------------------------------------------------------ in a browser
def _visit(browser, path, width=None):
    from tests.build.browsing import Visit

    return Visit(browser, path, width=width)


def _search(visit, text):
    page = visit.page
    page.locator("#explorateur-recherche").focus()
    page.keyboard.type(text)
    page.wait_for_selector("#explorateur-resultats li[role=option]")
    return page


@pytest.mark.slow
def test_search_an_uai_and_open_its_fiche(browser, site):
    visit = _visit(browser, site)
    page = _search(visit, WITH_FICHE[0].lower())
    assert "fiche de l’établissement" in page.locator("#explorateur-resultats li").first.inner_text()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#explorateur-recherche", "aria-activedescendant") == "explorateur-option-0"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{listing.FOLDER}/{WITH_FICHE[0]}.html")
    assert visit.errors == [] and visit.outside() == []


@pytest.mark.slow
def test_an_etablissement_without_fiche_opens_its_departement_edition(browser, site):
    visit = _visit(browser, site)
    page = _search(visit, NO_FICHE)
    assert "pas de fiche : ouvre l’édition Hérault (34)" in page.locator("#explorateur-resultats li").first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/departement-34/*.html")


@pytest.mark.slow
def test_search_ignores_accents_and_case_and_escape_closes(browser, site):
    visit = _visit(browser, site)
    page = _search(visit, "ecureuils champsac")
    options = page.locator("#explorateur-resultats li")
    assert options.count() == 1 and "Les Écureuils" in options.first.inner_text()
    page.locator("#explorateur-recherche").fill("")
    page.keyboard.type("herault")
    page.wait_for_selector("#explorateur-resultats li")
    assert page.locator("#explorateur-resultats li").first.inner_text().startswith("Hérault (34)")
    assert "résultat" in page.locator("#explorateur-statut").inner_text()
    page.keyboard.press("Escape")
    assert page.get_attribute("#explorateur-recherche", "aria-expanded") == "false"
    assert page.locator("#explorateur-resultats").is_hidden()


@pytest.mark.slow
def test_click_a_departement_on_the_map(browser, site):
    visit = _visit(browser, site)
    visit.page.locator('.carte-france a[data-code="31"]').click()
    visit.page.wait_for_url("**/departement-31/*.html")


@pytest.mark.slow
def test_the_key_figure_chosen_recolours_the_map(browser, site):
    page = _visit(browser, site).page
    options = page.locator("#explorateur-chiffre option")
    assert options.count() >= 2
    page.select_option("#explorateur-chiffre", "1")
    fill, value, note, _ = page.evaluate("JSON.parse(document.getElementById('explorateur-donnees')"
                                         ".textContent).figures[1].valeurs['34']")
    assert page.get_attribute('.carte-france a[data-code="34"]', "aria-label") == \
        f"Hérault (34) : {value}" + (f" ({note})" if note else "")
    assert page.get_attribute('.carte-france path[data-code="34"]', "fill") == fill
    assert page.locator("#carte-chiffre").inner_text() == options.nth(1).inner_text()
    assert "département" in page.locator("#carte-legende").inner_text()


@pytest.mark.slow
def test_keyboard_reaches_the_search_the_key_figure_and_the_map(browser, site):
    visit = _visit(browser, site)
    reached = visit.tab_walk()
    ids = [r["id"] for r in reached]
    assert "explorateur-recherche" in ids and "explorateur-chiffre" in ids
    hrefs = [r["href"] for r in reached if r["href"]]
    assert any(h.startswith("departement-31/") for h in hrefs) and explorer.map_page("34") in hrefs
    # the link « Passer la carte » skips the 101 départements
    visit.page.goto(visit.page.url)
    visit.page.focus("a.passer")
    visit.page.keyboard.press("Enter")
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("document.activeElement.id") == "recherche"
    fiche = _visit(browser, site.parent / explorer.map_page("34")).tab_walk()
    assert "../" + listing.fiche_path(Path(), WITH_FICHE[0]).as_posix() in [r["href"] for r in fiche]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_no_wcag_violation_and_nothing_overflows(browser, site, width):
    visit = _visit(browser, site, width=width)
    assert visit.violations() == []
    _search(visit, "college")                                   # the open listbox too
    assert visit.violations() == []
    assert visit.overflow() <= 0
    visit.screenshot(f"explorateur-{width}px.png")
    page = _visit(browser, site.parent / explorer.map_page("34"), width=width)
    assert page.violations() == [] and page.overflow() <= 0 and page.errors == [] and page.outside() == []
    assert page.broken_links() == []
