"""Indicators against values computed by hand from the raw CSV files (plain pandas, no project code)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.core.statuts import UNCOVERED
from analysis.harmonise.table import load_etablissements
from tests.conftest import OCCITANIE

ACCWEB = ["AccWeb_RTC", "AccWeb_CableFibreOptique", "AccWeb_ADSL", "AccWeb_AutresHautDebit"]
TYPE_CODES = {"college": {"340", "350", "352"}, "lycee": {"300", "301", "302", "306", "320"}}
DEP_NAMES = {"31": "HAUTE-GARONNE", "34": "HERAULT", "48": "LOZERE", "09": "ARIEGE"}


@pytest.fixture(scope="module")
def raw():
    etic = pd.read_csv(OCCITANIE / "fr-en-etic_2d.csv", sep=";", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    annuaire = pd.read_csv(OCCITANIE / "fr-en-annuaire-education.csv", sep=";", dtype=str,
                           keep_default_na=False, encoding="utf-8-sig")
    return etic, annuaire.drop_duplicates("Identifiant_de_l_etablissement")


@pytest.fixture(scope="module")
def results(occitanie_store):
    return {year: indicators.load(occitanie_store, year) for year in (2018, 2019)}


def _respondents(etic, year, type_, where=None):
    rows = etic[(etic["Millesime"] == str(year)) & etic["Code_nature"].isin(TYPE_CODES[type_])]
    if where:
        column, value = where
        rows = rows[rows[column] == value]
    return rows


def _universe(raw, year, type_, where=None):
    """Public MEN establishments of the annuaire of that type open at the millésime (opened by
    the end of the school year the survey describes), plus the year's respondents."""
    etic, annuaire = raw
    year_rows = etic[etic["Millesime"] == str(year)]
    resp = _respondents(etic, year, type_, where)
    public = annuaire[(annuaire["Statut_public_prive"] == "Public")
                      & (annuaire["date_ouverture"] <= f"{year}-08-31")
                      & annuaire["ministere_tutelle"].str.contains("EDUCATION NATIONALE")
                      & annuaire["code_nature"].isin(TYPE_CODES[type_])
                      & ~annuaire["Identifiant_de_l_etablissement"].isin(year_rows["Code_UAI"])]
    if where:
        column, value = where
        code = {v: k for k, v in DEP_NAMES.items()}[value] if column == "Departement" else None
        if code:
            public = public[public["Code_departement"] == code.zfill(3)]
        else:
            public = public[public["Libelle_academie"].str.upper() == value]
    return len(public) + len(resp)


def _row(results, year, territoire, type_, ident):
    rows = results[year]
    row = rows[(rows["territoire"] == territoire) & (rows["type"] == type_) & (rows["indicateur"] == ident)]
    assert len(row) == 1, (territoire, type_, ident)
    return row.iloc[0]


def test_acces_internet_region_college_2018(results, raw):
    etic, _ = raw
    rows = _respondents(etic, 2018, "college")
    answered = (rows[ACCWEB] != "").any(axis=1)
    has = (rows[ACCWEB] == "oui").any(axis=1)
    row = _row(results, 2018, "region:76", "college", "connectivite.acces_internet")
    assert row["denominateur"] == answered.sum()
    assert row["numerateur"] == (has & answered).sum()
    assert row["univers"] == _universe(raw, 2018, "college")
    assert row["non_communique"] == row["univers"] - answered.sum()
    assert row["valeur"] == pytest.approx(100 * has.sum() / answered.sum())
    assert row["taux_nc"] == pytest.approx(100 * row["non_communique"] / row["univers"])


def test_acces_adsl_ensemble_excludes_erea(results, raw):
    etic, _ = raw
    rows = etic[(etic["Millesime"] == "2018") & (etic["Code_nature"] != "370")]
    answered = (rows[ACCWEB] != "").any(axis=1)
    row = _row(results, 2018, "region:76", "ensemble", "connectivite.acces_adsl")
    assert row["denominateur"] == answered.sum()
    assert row["numerateur"] == ((rows["AccWeb_ADSL"] == "oui") & answered).sum()


def test_eleves_par_terminal_academie_2019(results, raw):
    etic, _ = raw
    rows = _respondents(etic, 2019, "college", ("Academie", "MONTPELLIER"))
    eleves = pd.to_numeric(rows["NbEleve"].replace("", np.nan))
    terminaux = pd.to_numeric(rows["NbTerminaux"].replace("", np.nan))
    ok = eleves.notna() & terminaux.notna() & (terminaux > 0)
    row = _row(results, 2019, "academie:montpellier", "college", "equipement.eleves_par_terminal")
    assert row["numerateur"] == eleves[ok].sum() and row["denominateur"] == terminaux[ok].sum()
    assert row["valeur"] == pytest.approx(eleves[ok].sum() / terminaux[ok].sum())
    assert row["univers"] == _universe(raw, 2019, "college", ("Academie", "MONTPELLIER"))
    assert row["non_communique"] == row["univers"] - ok.sum()


def test_classes_internet_departement_lycees_2018(results, raw):
    etic, _ = raw
    rows = _respondents(etic, 2018, "lycee", ("Departement", "HAUTE-GARONNE"))
    answered = rows["SalleInternet"] != ""
    row = _row(results, 2018, "departement:31", "lycee", "connectivite.classes_internet_50_plus")
    assert row["denominateur"] == answered.sum()
    assert row["numerateur"] == (rows["SalleInternet"] == "50pctOuPlus").sum()
    assert row["univers"] == _universe(raw, 2018, "lycee", ("Departement", "HAUTE-GARONNE"))


def test_ent_follows_the_questionnaire_variant(results, raw):
    etic, _ = raw
    for year, column in ((2018, "SiEntDisponible"), (2019, "SiEntUtilise")):
        rows = _respondents(etic, year, "college", ("Departement", "HERAULT"))
        row = _row(results, year, "departement:34", "college", "services.ent")
        assert row["denominateur"] == (rows[column] != "").sum()
        assert row["numerateur"] == (rows[column] == "oui").sum()
    # the question changed: no evolution computed between 2018 and 2019
    row = _row(results, 2019, "departement:34", "college", "services.ent")
    assert not row["comparable"] and np.isnan(row["evolution"])


def test_pupils_with_an_ent_count_only_establishments_that_answered_the_ent_question(results, raw):
    """2019 Haute-Garonne: 80 of 116 rows leave SiEntUtilise empty; they are n.c., not « non »."""
    etic, _ = raw
    rows = etic[(etic["Millesime"] == "2019") & (etic["Departement"] == "HAUTE-GARONNE")
                & (etic["Code_nature"] != "370")]
    answered = (rows["SiEntUtilise"] != "") & (rows["NbEleve"] != "")
    pupils = pd.to_numeric(rows["NbEleve"].replace("", np.nan))
    row = _row(results, 2019, "departement:31", "ensemble", "services.eleves_avec_ent")
    assert row["denominateur"] == pupils[answered].sum()
    assert row["numerateur"] == pupils[answered & (rows["SiEntUtilise"] == "oui")].sum()
    share = _row(results, 2019, "departement:31", "ensemble", "services.ent")
    assert row["non_communique"] == share["non_communique"]        # the same establishments answered


def test_maintenance_answered_on_either_question(results, raw):
    etic, _ = raw
    rows = _respondents(etic, 2018, "lycee")
    pair = rows[["Maint_PersCollect", "Maint_PrestaExt"]]
    row = _row(results, 2018, "region:76", "lycee", "equipement.maintenance_collectivite")
    assert row["denominateur"] == (pair != "").any(axis=1).sum()
    assert row["numerateur"] == (pair == "oui").any(axis=1).sum()


def test_salle_internet_recoded_in_2019(results):
    r19 = results[2019]
    levels = set(r19[(r19["base"] == "connectivite.classes_internet") & (r19["statut"] == "ok")
                     & (r19["valeur"] > 0)]["modalite"])
    assert "moins_50" in levels and "moins_20" not in levels
    row = _row(results, 2019, "region:76", "college", "connectivite.classes_internet_50_plus")
    assert row["comparable"] and not np.isnan(row["evolution"])
    assert row["evolution"] == pytest.approx(
        row["valeur"] - _row(results, 2018, "region:76", "college", "connectivite.classes_internet_50_plus")["valeur"])


def test_small_counts_are_secret_not_zero(occitanie_store, results, raw):
    etic, _ = raw
    lyc = etic[(etic["Millesime"] == "2018") & etic["Code_nature"].isin(TYPE_CODES["lycee"])]
    counts = lyc.groupby("Departement").size()
    small = counts[(counts > 0) & (counts < 5)]
    assert len(small), "the real data has départements with fewer than 5 lycées answering"
    name = small.index[0]
    code = next(k for k, v in {"48": "LOZERE", "09": "ARIEGE", "46": "LOT", "32": "GERS",
                               "82": "TARN-ET-GARONNE", "65": "HAUTES-PYRENEES", "12": "AVEYRON",
                               "11": "AUDE"}.items() if v == name)
    row = _row(results, 2018, f"departement:{code}", "lycee", "connectivite.acces_internet")
    assert row["statut"] == "secret" and np.isnan(row["valeur"])
    table, _ = load_etablissements(occitanie_store, 2018)
    relaxed = indicators.compute(table, year=2018, threshold=1, indicators=["connectivite.acces_internet"])
    again = relaxed[(relaxed["territoire"] == f"departement:{code}") & (relaxed["type"] == "lycee")].iloc[0]
    assert again["statut"] == "ok" and again["valeur"] >= 0


def test_a_territory_the_data_do_not_cover_is_not_available_never_empty(results):
    """Paris with the Occitanie files: no establishment in the table because no file covers it,
    not because it has none: « n.d. » with its reason, in the table itself."""
    row = _row(results, 2018, "departement:75", "college", "connectivite.acces_internet")
    assert row["statut"] == "absent" and row["motif"] == UNCOVERED and np.isnan(row["valeur"])
    assert row["univers"] == 0 and row["couverture_donnees"] == "aucune"


def test_a_covered_territory_without_establishment_of_a_type_is_vide(results):
    """The TNE perimeter of the Hérault lists collèges and lycées: it has no école (sans objet)."""
    row = _row(results, 2018, "perimetre:tne-34", "ecole", "perimetre.etablissements")
    assert row["statut"] == "vide" and row["univers"] == 0 and np.isnan(row["valeur"])


def test_missing_source_is_absent_not_zero(results):
    row = _row(results, 2018, "region:76", "ecole", "connectivite.acces_internet")   # no ETIC 1d
    assert row["statut"] == "absent" and np.isnan(row["valeur"])
    row = _row(results, 2018, "region:76", "ensemble", "connectivite.thd")          # no coverage file
    assert row["statut"] == "absent"


def test_parents_are_consistent(results):
    """The région is the sum of its académies (numerators and denominators)."""
    r = results[2018]
    sel = r[(r["indicateur"] == "equipement.tni_au_moins_un") & (r["type"] == "ensemble")]
    region = sel[sel["territoire"] == "region:76"].iloc[0]
    academies = sel[sel["territoire"].isin(["academie:toulouse", "academie:montpellier"])]
    assert academies["numerateur"].sum() == region["numerateur"]
    assert academies["univers"].sum() == region["univers"]
    france = sel[sel["territoire"] == "france"].iloc[0]
    assert france["numerateur"] == region["numerateur"]      # Occitanie only in this data


def test_for_territory_with_parents(results):
    rows = indicators.for_territory(results[2018], "departement:31", with_parents=True)
    assert list(dict.fromkeys(rows["territoire"])) == ["departement:31", "academie:toulouse", "region:76", "france"]


def test_catalogue_covers_the_report_figures():
    import csv

    from tests.conftest import SHARED_RAW

    reference = SHARED_RAW.parent.parent / "reference" / "figures-2018-national.csv"
    if not reference.exists():
        pytest.skip("reference figures not available")
    cat = indicators.catalogue()
    declared = {i.report_2018 for i in cat.values() if i.report_2018}
    figures = {row["figure"] for row in csv.DictReader(reference.open(encoding="utf-8"))
               if row["theme"] in ("connectivite", "equipement", "services")}
    covered = declared | {"classes_internet_20_50", "classes_internet_moins_20", "departements_thd_min_65",
                          "eleves_avec_ent_second_degre", "eleves_avec_ent_premier_degre",
                          "regions_100pct_lycees_ent"}
    assert figures <= covered, figures - covered
