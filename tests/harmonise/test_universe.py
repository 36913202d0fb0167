"""The universe of a millésime: establishments opened after the survey's reference date are out.

On the real Occitanie files, the 2018 indicators are compared with those computed when every
establishment of today's annuaire is in the universe (the same files, the opening dates of the
establishments opened after 31 August 2018 blanked): every numerator and denominator is equal,
and universes and n.c. counts differ exactly by the establishments left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.harmonise.table import load_etablissements
from analysis.sources.questionnaires import reference_date
from analysis.sources.store import Store
from tests.conftest import GEOJSON, OCCITANIE, need_shared

pytestmark = pytest.mark.shared_data
YEAR = 2018


@pytest.fixture(scope="module")
def today_universe(tmp_path_factory):
    """A data folder where nobody opened after the survey: opening dates after it blanked."""
    need_shared(OCCITANIE)
    folder = tmp_path_factory.mktemp("annuaire-du-jour")
    annuaire = pd.read_csv(OCCITANIE / "fr-en-annuaire-education.csv", sep=";", dtype=str,
                           keep_default_na=False, encoding="utf-8-sig")
    late = annuaire["date_ouverture"] > reference_date("etic_2d", YEAR).isoformat()
    annuaire.loc[late, "date_ouverture"] = ""
    annuaire.to_csv(folder / "fr-en-annuaire-education.csv", sep=";", index=False, encoding="utf-8")
    store = Store(folder / "data")
    store.import_paths([folder / "fr-en-annuaire-education.csv", OCCITANIE / "fr-en-etic_2d.csv",
                        *sorted(OCCITANIE.glob("*label-numerique*.csv")),      # as in occitanie_store
                        GEOJSON / "departements-avec-outre-mer.geojson"]).check()
    return store


def test_reference_dates_are_declared_for_every_modelled_millesime():
    from analysis.sources.questionnaires import SURVEYS, years_of

    for survey in SURVEYS:
        assert years_of(survey) and all(reference_date(survey, y) for y in years_of(survey))


def test_left_out_establishments_are_counted(occitanie_store):
    _, report = load_etablissements(occitanie_store, YEAR)
    assert report.date_reference["etic_2d"] == "2018-08-31"
    # public collèges and lycées of Occitanie opened from 1 September 2018 on (annuaire of 2022)
    assert len(report.ouverts_apres_reference_champ) == 14
    assert {"0820917B", "0320740F", "0313083H"} <= set(report.ouverts_apres_reference_champ)
    assert set(report.ouverts_apres_reference_champ) <= set(report.ouverts_apres_reference)
    assert report.repondants_ouverts_apres_reference == []
    table, _ = load_etablissements(occitanie_store, YEAR)
    assert not table["uai"].isin(report.ouverts_apres_reference).any()
    # 2019: those opened on 1 September 2018 are in (and answered), later ones are out
    table19, report19 = load_etablissements(occitanie_store, 2019)
    assert {"0820917B", "0320740F"} <= set(table19.loc[table19["repondant_etic"], "uai"])
    assert "0313083H" in report19.ouverts_apres_reference_champ


def test_the_universe_loses_exactly_the_establishments_opened_after_the_survey(occitanie_store, today_universe):
    table, report = load_etablissements(occitanie_store, YEAR)
    table_today, _ = load_etablissements(today_universe, YEAR)
    left_out = table_today["uai"].isin(report.ouverts_apres_reference)
    assert left_out.sum() == len(report.ouverts_apres_reference) > 0
    assert not table_today.loc[left_out, "repondant_etic"].any()
    same = table_today[~left_out].drop(columns="date_ouverture").reset_index(drop=True)
    pd.testing.assert_frame_equal(table.drop(columns="date_ouverture"), same)
    in_field = table_today.loc[left_out & table_today["champ_etic"], "uai"]
    assert sorted(in_field) == report.ouverts_apres_reference_champ


def test_nc_rates_change_only_by_the_establishments_opened_after_the_survey(occitanie_store, today_universe):
    after = indicators.load(occitanie_store, YEAR)
    before = indicators.load(today_universe, YEAR)
    key = ["territoire", "type", "indicateur"]
    merged = after.merge(before, on=key, suffixes=("", "_avant"))
    assert len(merged) == len(after) == len(before)
    catalogue = indicators.catalogue()
    # the survey's answers (the périmètre theme describes the universe itself: response rate…)
    survey = merged["indicateur"].map(lambda i: catalogue[i].universe == "etic" and catalogue[i].theme != "perimetre"
                                      and catalogue[i].kind in ("share", "ratio"))
    m = merged[survey & (merged["statut"] != "absent")]
    # what the respondents said is untouched: numerators, denominators, values
    for column in ("numerateur", "denominateur", "valeur"):
        assert np.allclose(m[column], m[f"{column}_avant"], equal_nan=True), column
    # the universe lost non-respondents only, and the n.c. count exactly as many
    lost = m["univers_avant"] - m["univers"]
    assert (lost >= 0).all() and (m["non_communique_avant"] - m["non_communique"] == lost).all()
    changed = ~np.isclose(m["taux_nc"], m["taux_nc_avant"], equal_nan=True)
    assert changed.any() and (lost[changed] > 0).all()
    assert (m.loc[changed, "taux_nc"] < m.loc[changed, "taux_nc_avant"]).all()
    region = m[(m["territoire"] == "region:76") & (m["indicateur"] == "connectivite.acces_internet")
               & (m["type"] == "college")].iloc[0]
    assert region["univers_avant"] - region["univers"] == 9        # the 9 public collèges opened since
