"""The indicator table of a millésime as chapters and exports read it: the demo flag, the data
extent of each row's territory for its source, the extent of a territory's data, the cache keyed
on the data (a new file, a new table) — on the small demo —, and « n.d. » for a territory the
data do not cover, whatever the indicator's kind (a count of sub-territories, a level outside
the questionnaire…), with its reason in ``motif``."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.core.statuts import UNCOVERED, Statut
from analysis.indicators import results as indicator_results
from analysis.indicators.results import mark_uncovered
from analysis.sources.store import Store


@pytest.fixture(scope="module")
def table(small_store):
    return indicators.load(small_store, 2018)


def row(table, territory, indicator, type_="ensemble"):
    found = table[(table["territoire"] == territory) & (table["indicateur"] == indicator) & (table["type"] == type_)]
    assert len(found) == 1, (territory, indicator, type_)
    return found.iloc[0]


def test_rows_say_demo_and_the_extent_of_their_territory(table):
    assert table["demo"].all()
    etic = "connectivite.acces_internet"
    assert tuple(row(table, "academie:montpellier", etic)[list(indicator_results.EXTENT_COLUMNS)]) == \
        ("complète", 5, 5)
    assert tuple(row(table, "region:76", etic)[list(indicator_results.EXTENT_COLUMNS)]) == ("partielle", 6, 13)
    assert row(table, "france", etic)["couverture_donnees"] == "partielle"
    assert tuple(row(table, "departement:75", etic)[list(indicator_results.EXTENT_COLUMNS)]) == ("aucune", 0, 1)


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


# ------------------------------------------------------------------ « n.d. » where the data do not cover
def _table(**columns) -> pd.DataFrame:
    base = {"territoire": ["departement:31", "departement:75", "departement:76", "region:11"],
            "indicateur": ["services.ent"] * 3 + ["services.colleges_100pct_ent"],
            "type": ["college"] * 3 + ["ensemble"],
            "valeur": [80.0, np.nan, np.nan, 0.0], "numerateur": [8.0, 0.0, 0.0, 0.0],
            "denominateur": [10.0, 0.0, 0.0, 0.0], "taux_nc": [10.0, np.nan, 100.0, 0.0],
            "non_communique": [1, 0, 7, 0], "univers": [11, 0, 7, 8],
            "statut": ["ok", "vide", "nc", "ok"], "evolution": [2.0, np.nan, np.nan, 0.0],
            "couverture_donnees": ["complète", "aucune", "aucune", "aucune"]}
    base.update(columns)
    return pd.DataFrame(base)


def test_every_row_of_an_uncovered_territory_is_not_available_with_its_reason():
    marked = mark_uncovered(_table())
    uncovered = marked.iloc[1:]
    assert (uncovered["statut"] == Statut.ABSENT).all() and (uncovered["motif"] == UNCOVERED).all()
    # no value, no rate, no change: not « sans objet », not « non communiqué », not 0 %
    assert uncovered[["valeur", "numerateur", "denominateur", "taux_nc", "evolution"]].isna().all().all()
    assert uncovered["non_communique"].isna().all()
    assert marked.iloc[0]["statut"] == "ok" and pd.isna(marked.iloc[0]["motif"]) and marked.iloc[0]["valeur"] == 80


def test_a_source_absent_everywhere_keeps_its_rows_and_reasons():
    table = _table(statut=["absent", "vide", "vide", "absent"], univers=[0, 0, 0, 0])
    marked = mark_uncovered(table)
    assert list(marked["statut"]) == ["absent", "vide", "vide", "absent"] and marked["motif"].isna().all()


@pytest.mark.shared_data
@pytest.mark.parametrize("year", [2018, 2019])
def test_no_row_of_a_territory_the_occitanie_files_do_not_cover_carries_a_value(occitanie_store, year):
    results = indicators.load(occitanie_store, year)
    uncovered = results[results["couverture_donnees"] == "aucune"]
    has_data = ((results["univers"].fillna(0) > 0) & (results["statut"] != "absent")) \
        .groupby([results["indicateur"], results["type"]]).transform("any")
    told = uncovered[has_data.loc[uncovered.index]]
    assert len(told) > 1000
    assert (told["statut"] == Statut.ABSENT).all() and told["valeur"].isna().all()
    assert set(told["motif"]) <= {UNCOVERED} | set(results["motif"].dropna())
    # the count of sub-territories (the bug: « 0 % of its 8 départements » for Île-de-France)
    idf = results[(results["territoire"] == "region:11") & (results["indicateur"] == "services.colleges_100pct_ent")]
    assert len(idf) == 1 and idf.iloc[0]["statut"] == "absent" and np.isnan(idf.iloc[0]["valeur"])
    assert not (uncovered["statut"] == Statut.HORS_QUESTIONNAIRE).any()


@pytest.mark.shared_data
def test_a_local_source_says_in_the_table_which_list_does_not_cover_a_territory(occitanie_store):
    results = indicators.load(occitanie_store, 2018)
    rows = results[(results["territoire"] == "departement:31") & (results["indicateur"] == "label.labellise")
                   & (results["type"] == "ecole")]
    assert rows.iloc[0]["statut"] == "absent"
    # the écoles' list of the académie de Montpellier is undated: no millésime to place it in
    assert "Label numérique des écoles" in rows.iloc[0]["motif"] and "non datée" in rows.iloc[0]["motif"]
    lycees = results[(results["territoire"] == "departement:75") & (results["indicateur"] == "label.labellise")
                     & (results["type"] == "college")]
    assert lycees.iloc[0]["statut"] == "absent" and lycees.iloc[0]["motif"]
