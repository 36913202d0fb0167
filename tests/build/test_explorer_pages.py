"""The explorer's HTML (:mod:`analysis.build.explorer_pages`): the key figures of the map of
France as the index prints them, its legend with the n.c., the département page's links, and
names from the data kept as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.build import explorer_map, explorer_pages, site_index
from analysis.core.statuts import Statut
from analysis.indicators import index_figures
from analysis.report.style import NC_COLOR

HREFS = {"departement:34": ("Hérault (34)", "departement-34/etat-des-lieux-2018-departement-34.html")}


@pytest.fixture(scope="module")
def figures(small_store):
    return explorer_pages.map_figures(explorer_pages.departement_rows(indicators.load(small_store, 2018)), 2018), \
        indicators.load(small_store, 2018)


def test_each_key_figure_colours_every_departement_as_the_index_prints_it(figures):
    figs, results = figures
    assert [f["titre"] for f in figs] == [heading for _, _, heading in index_figures()]
    index_cells = site_index.key_figures(results, "departement:34")
    for fig, (value, note) in zip(figs, index_cells, strict=True):
        assert len(fig["valeurs"]) == 101
        assert fig["valeurs"]["34"][1:3] == [value, note]
        # every département counted once: in a class or under its statut
        assert sum(c for *_, c in fig["legende"]) + sum(c for *_, c in fig["manquants"]) == 101
        # the Occitanie files do not cover Paris: n.d., grey without hatching
        assert fig["valeurs"]["75"][:2] == [NC_COLOR, Statut.ABSENT.mark]


def test_legend_says_the_nc(figures):
    figs, _ = figures
    html = explorer_pages.legend_html(figs[0])
    assert "n.d. (non disponible)" in html and "départements)" in html
    with_rates = [f for f in figs if f["nc"]]
    assert with_rates and "Non-réponse des départements : " in explorer_pages.legend_html(with_rates[0])
    assert with_rates[0]["nc"].endswith("n.c.")


def test_index_fragment_is_a_combobox_and_a_map_of_links(figures):
    figs, _ = figures
    head, body = explorer_pages.index_fragment(explorer_map.france_shapes(None), figs, HREFS, 2018,
                                               searchable="explorateur/recherche-2018.js",
                                               fiche="etablissements/{uai}.html", with_etablissements=True)
    assert head.startswith("<style>") and "<script>" in body
    assert body.count("<a href=") == 1 and 'aria-label="Hérault (34) : ' in body
    assert 'role="combobox"' in body and 'role="listbox"' in body and 'aria-expanded="false"' in body
    assert "</script>" not in body.split('id="explorateur-donnees">')[1].split("</script>")[0]


def test_departement_page_keeps_hostile_names_as_text():
    rows = pd.DataFrame({"uai": ["0340001A", "0340002B"], "nom": ["<script>alert(1)</script>", "Collège & Co"],
                         "commune": ["Sète", "Agde"], "type": ["college", "ecole"], "departement": ["34", "34"],
                         "latitude": [43.4, 43.3], "longitude": [3.7, 3.5]})
    points = explorer_map.departement_points("34", rows["longitude"], rows["latitude"])
    page = explorer_pages.departement_page("Hérault (34)", "34", 2018, HREFS["departement:34"][1], rows,
                                           np.array([True, False]), points, fiche="etablissements/{uai}.html",
                                           demo=True)
    assert "<script>" not in page and "&lt;script&gt;" in page and "Collège &amp; Co" in page
    assert page.count('href="../etablissements/0340001A.html"') == 2       # on the map and in the list
    assert "0340002B.html" not in page and 'role="alert"' in page
