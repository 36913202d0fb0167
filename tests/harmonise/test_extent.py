"""The data extent of each territory, per source: what a comparison with "France" really covers."""

from __future__ import annotations

import pytest

from analysis import indicators
from analysis.harmonise.extent import extent_table, of_territory
from analysis.harmonise.table import load_etablissements

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def coverage(occitanie_store):
    table, _ = load_etablissements(occitanie_store, 2018)
    return extent_table(table, 2018)


def test_france_built_on_occitanie_is_partial(coverage):
    france = of_territory(coverage, "france", "etic")
    assert (france["couverture_donnees"], france["departements_avec_donnees"], france["departements_total"]) \
        == ("partielle", 13, 101)
    assert "2A" in france["departements_sans_donnees"].split(", ")
    assert of_territory(coverage, "region:76", "etic")["couverture_donnees"] == "complète"
    assert of_territory(coverage, "academie:toulouse", "annuaire")["departements_total"] == 8
    corse = of_territory(coverage, "departement:2A", "etic")
    assert corse["couverture_donnees"] == "aucune" and corse["departements_sans_donnees"] == "2A"
    assert of_territory(coverage, "region:76", "couverture")["couverture_donnees"] == "aucune"   # no file


def test_every_indicator_row_carries_the_coverage_of_its_source(occitanie_store):
    results = indicators.load(occitanie_store, 2018)
    assert results["couverture_donnees"].notna().all()
    row = results[(results["territoire"] == "france") & (results["indicateur"] == "connectivite.acces_internet")
                  & (results["type"] == "college")].iloc[0]
    assert (row["couverture_donnees"], row["departements_avec_donnees"]) == ("partielle", 13)
    corse = results[(results["territoire"] == "departement:2A")
                    & (results["indicateur"] == "perimetre.etablissements")]
    assert set(corse["couverture_donnees"]) == {"aucune"}
