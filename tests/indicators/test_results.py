"""The indicator table of a millésime as chapters and exports read it (on the small demo): the
demo flag, the coverage of each row's territory for its source, the extent of a territory's
data, and the cache keyed on the data (a new file, a new table)."""

from __future__ import annotations

import shutil

import pytest

from analysis import indicators
from analysis.indicators import results as indicator_results
from analysis.sources.store import Store


@pytest.fixture(scope="module")
def table(small_store):
    return indicators.load(small_store, 2018)


def row(table, territory, indicator, type_="ensemble"):
    found = table[(table["territoire"] == territory) & (table["indicateur"] == indicator) & (table["type"] == type_)]
    assert len(found) == 1, (territory, indicator, type_)
    return found.iloc[0]


def test_rows_say_demo_and_the_coverage_of_their_territory(table):
    assert table["demo"].all()
    etic = "connectivite.acces_internet"
    assert tuple(row(table, "academie:montpellier", etic)[list(indicator_results.COVERAGE_COLUMNS)]) == \
        ("complète", 5, 5)
    assert tuple(row(table, "region:76", etic)[list(indicator_results.COVERAGE_COLUMNS)]) == ("partielle", 6, 13)
    assert row(table, "france", etic)["couverture_donnees"] == "partielle"
    assert tuple(row(table, "departement:75", etic)[list(indicator_results.COVERAGE_COLUMNS)]) == ("aucune", 0, 1)


def test_extents_give_each_territory_its_departements_with_data(table):
    extents = indicator_results.extents(table)
    assert extents.loc["region:76"].tolist() == [6, 13]
    assert extents.loc["academie:toulouse"].tolist() == [1, 8]
    assert extents.loc["france", "departements_avec_donnees"] == 6


def test_the_cache_follows_the_data(small_store, tmp_path, table):
    store = Store(tmp_path / "data")
    shutil.copytree(small_store.data_dir, store.data_dir)
    assert indicators.load(store, 2018).equals(table)                     # the copied cache
    etic = store.files("etic_2d")[0]
    etic.write_text(etic.read_text(encoding="utf-8-sig").replace(";oui;", ";non;"), encoding="utf-8-sig")
    again = indicators.load(store, 2018)
    assert not again.equals(table)                                        # the file changed: recomputed
