"""The indicator table on the small demo data (2018 and 2019): statuts that the questionnaires and the
sources present decide."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import indicators
from analysis.core.statuts import Statut
from analysis.sources.questionnaires import levels_in_year


@pytest.fixture(scope="module")
def demo_tables(small_store):
    return {year: indicators.load(small_store, year) for year in (2018, 2019)}


@pytest.fixture(scope="module")
def without_etic_1d(small_store, tmp_path_factory):
    """The levels of ``connectivite.classes_internet`` computed on the small demo's ETIC 2d and
    annuaire only: no ETIC premier degré in any millésime."""
    from analysis.harmonise.table import load_etablissements
    from analysis.indicators.compute import compute
    from analysis.sources.store import Store

    store = Store(tmp_path_factory.mktemp("without-etic-1d"))
    store.import_paths([*small_store.files("etic_2d"), *small_store.files("annuaire")], demo=True).check()
    assert not store.files("etic_1d")
    levels = [i for i, ind in indicators.catalogue().items() if ind.base == "connectivite.classes_internet"]
    return {year: compute(load_etablissements(store, year)[0], year=year, indicators=levels)
            for year in (2018, 2019)}


def _rows(results, base, territoire="france", type_="ensemble"):
    rows = results[(results["base"] == base) & (results["territoire"] == territoire) & (results["type"] == type_)]
    return rows.set_index("modalite")


def test_the_questionnaires_say_which_levels_exist_each_year():
    assert levels_in_year("classes_internet", 2018) == {"50_plus", "20_50", "moins_20"}
    assert levels_in_year("classes_internet", 2019) == {"50_plus", "moins_50"}
    assert levels_in_year("type", 2018) is None               # an annuaire column: every level, every year


def test_a_level_the_questionnaire_does_not_have_is_nd_not_zero(demo_tables):
    """2018 has no « moins de 50 % », 2019 no « moins de 20 % » nor « de 20 à 50 % »: n.d.
    (statut hors_questionnaire), never 0 % ok, and no previous value nor change against them."""
    r18 = _rows(demo_tables[2018], "connectivite.classes_internet")
    assert r18.loc["moins_50", "statut"] == Statut.HORS_QUESTIONNAIRE
    assert np.isnan(r18.loc["moins_50", "valeur"]) and np.isnan(r18.loc["moins_50", "numerateur"])
    assert (r18.loc[["50_plus", "20_50", "moins_20"], "statut"] == "ok").all()
    r19 = _rows(demo_tables[2019], "connectivite.classes_internet")
    for level in ("moins_20", "20_50"):
        assert r19.loc[level, "statut"] == Statut.HORS_QUESTIONNAIRE
        assert np.isnan(r19.loc[level, "valeur"])
        assert np.isnan(r19.loc[level, "valeur_precedente"]) and np.isnan(r19.loc[level, "evolution"])
    assert r19.loc["moins_50", "statut"] == "ok" and np.isnan(r19.loc["moins_50", "valeur_precedente"])
    assert r19.loc["50_plus", "valeur_precedente"] == pytest.approx(r18.loc["50_plus", "valeur"])
    # the shares of the levels the year has still add up to 100 %
    for rows, levels in ((r18, ["50_plus", "20_50", "moins_20"]), (r19, ["50_plus", "moins_50"])):
        assert rows.loc[levels, "valeur"].sum() == pytest.approx(100)
    # the écoles (ETIC premier degré) follow the same questionnaire levels
    ecoles = _rows(demo_tables[2019], "connectivite.classes_internet", type_="ecole")["statut"].to_dict()
    assert ecoles == {"50_plus": "ok", "moins_50": "ok", "moins_20": Statut.HORS_QUESTIONNAIRE,
                      "20_50": Statut.HORS_QUESTIONNAIRE}


@pytest.mark.parametrize("year", [2018, 2019])
def test_a_source_that_is_absent_stays_absent_whatever_the_questionnaire(without_etic_1d, year):
    """No ETIC premier degré in the data folder: every level of the écoles is « absent » (n.d., the
    source is missing), the levels the questionnaire lacks included; the collèges are unaffected."""
    ecoles = _rows(without_etic_1d[year], "connectivite.classes_internet", type_="ecole")
    assert set(ecoles.index) == {"50_plus", "moins_50", "20_50", "moins_20"}
    assert (ecoles["statut"] == "absent").all() and ecoles["valeur"].isna().all()
    colleges = _rows(without_etic_1d[year], "connectivite.classes_internet", type_="college")
    assert (colleges.loc[sorted(levels_in_year("classes_internet", year)), "statut"] == "ok").all()
