"""The harmonised table against counts taken directly from the raw files (plain pandas)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.harmonise import boundaries
from analysis.harmonise.table import load_etablissements
from tests.conftest import OCCITANIE


@pytest.fixture(scope="module")
def raw_etic():
    return pd.read_csv(OCCITANIE / "fr-en-etic_2d.csv", sep=";", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


@pytest.fixture(scope="module")
def raw_annuaire():
    frame = pd.read_csv(OCCITANIE / "fr-en-annuaire-education.csv", sep=";", dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
    return frame.drop_duplicates("Identifiant_de_l_etablissement")


@pytest.fixture(scope="module")
def tables(occitanie_store):
    return {year: load_etablissements(occitanie_store, year) for year in (2018, 2019)}


@pytest.mark.parametrize("year", [2018, 2019])
def test_respondents_by_millesime_nature_and_academie(tables, raw_etic, year):
    table, report = tables[year]
    raw = raw_etic[raw_etic["Millesime"] == str(year)]
    respondents = table[table["repondant_etic"]]
    assert len(respondents) == len(raw) == report.etic_rows["etic_2d"]
    assert respondents["uai"].is_unique
    # académie: ETIC writes it in capitals
    expected = raw["Academie"].str.lower().value_counts().to_dict()
    assert respondents["academie"].value_counts().to_dict() == expected
    # nature: Code_nature 340 collèges, 300/302 LEGT, 306 polyvalents, 320 LP, 370 EREA
    by_code = raw["Code_nature"].value_counts()
    natures = respondents["nature"].value_counts()
    assert natures["college"] == by_code["340"]
    assert natures["lycee_gt"] == by_code.get("300", 0) + by_code.get("302", 0)
    assert natures["lycee_polyvalent"] == by_code["306"]
    assert natures["lycee_pro"] == by_code["320"]
    assert natures["erea"] == by_code["370"]


def test_respondents_by_departement(tables, raw_etic):
    table, _ = tables[2018]
    raw = raw_etic[raw_etic["Millesime"] == "2018"]
    names = {"HAUTE-GARONNE": "31", "HERAULT": "34", "GARD": "30", "LOZERE": "48", "ARIEGE": "09"}
    counts = table[table["repondant_etic"]]["departement"].value_counts()
    for name, code in names.items():
        assert counts[code] == (raw["Departement"] == name).sum()


def test_annuaire_perimeter_counts(tables, raw_annuaire):
    table, report = tables[2018]
    in_annuaire = table[table["dans_annuaire"]]
    # the universe of 2018: establishments opened by the end of school year 2017-2018
    opened_after = raw_annuaire["date_ouverture"] > "2018-08-31"
    left_out = raw_annuaire[opened_after]
    raw_annuaire = raw_annuaire[~opened_after]
    code = raw_annuaire["code_nature"]
    # écoles: every 1xx nature code
    assert (in_annuaire["type"] == "ecole").sum() == code.str.match(r"^1\d\d$").sum()
    assert (in_annuaire["type"] == "college").sum() == code.isin(["340", "350", "352"]).sum()
    lycees = code.isin(["300", "301", "302", "306", "307", "310", "320"]).sum()
    assert (in_annuaire["type"] == "lycee").sum() == lycees
    # secteur and éducation prioritaire
    ecoles = raw_annuaire[code.str.match(r"^1\d\d$")]
    assert ((in_annuaire["type"] == "ecole") & (in_annuaire["secteur"] == "prive")).sum() == \
        (ecoles["Statut_public_prive"] == "Privé").sum()
    assert ((in_annuaire["type"] == "ecole") & (in_annuaire["education_prioritaire"] == "rep_plus")).sum() == \
        (ecoles["Appartenance_Education_Prioritaire"] == "REP+").sum()
    # par département (Code_departement "031" -> "31")
    dep = raw_annuaire[code.str.match(r"^1\d\d$") | code.isin(["340", "350", "352", "370", "300", "301", "302",
                                                                 "306", "307", "310", "320"])]
    expected = dep["Code_departement"].str.lstrip("0").str.zfill(2).value_counts()
    assert in_annuaire["departement"].value_counts().sort_index().equals(expected.sort_index())
    # what is left out is counted, not dropped silently
    assert report.annuaire_duplicate_lines == 9
    outside = ~left_out["code_nature"].str.match(r"^(1\d\d|340|350|352|370|300|301|302|306|307|310|320)$")
    assert sorted(report.ouverts_apres_reference) == sorted(left_out.loc[~outside, "Identifiant_de_l_etablissement"])
    assert sum(report.hors_perimetre.values()) == len(raw_annuaire) + outside.sum() - len(in_annuaire)
    assert report.hors_perimetre["SECTION D ENSEIGNEMENT PROFESSIONNEL"] == 92


def test_unmatched_etic_rows_are_reported_and_placed(tables, raw_etic, raw_annuaire):
    table, report = tables[2018]
    raw = raw_etic[raw_etic["Millesime"] == "2018"]
    absent = sorted(set(raw["Code_UAI"]) - set(raw_annuaire["Identifiant_de_l_etablissement"]))
    assert report.etic_absent_annuaire == absent and len(absent) == 4
    # present in the (later) annuaire as a section (SEP, 334): reported apart, nature from ETIC
    assert "0310006N" in report.etic_hors_perimetre_annuaire
    placed = table.set_index("uai").loc[absent + report.etic_hors_perimetre_annuaire]
    assert placed["departement"].notna().all() and placed["academie"].notna().all()
    assert (placed["secteur"] == "public").all()
    assert report.unplaced == [] and report.uai_departement_mismatch == []


def test_territories_follow_the_2016_map(tables):
    table, report = tables[2018]
    assert report.vintage == "2016"
    assert set(table["region"].dropna()) == {"76"}
    assert set(table.loc[table["departement"] == "31", "academie"]) == {"toulouse"}
    assert set(table.loc[table["departement"] == "34", "academie"]) == {"montpellier"}


def test_without_the_first_degre_file_the_ecoles_are_outside_the_survey_and_the_note_says_why(tables):
    table, report = tables[2018]
    assert not table.loc[table["type"] == "ecole", "champ_etic"].any()
    note = next(n for n in report.notes if "ETIC premier degré" in n)
    assert note.startswith("Pas de fichier de réponses ETIC premier degré pour 2018 dans le dossier de données")
    assert "hors du champ" not in note and not any("ETIC second degré" in n for n in report.notes)


def test_typed_answers(tables):
    table, _ = tables[2019]
    assert str(table["ent"].dtype) == "boolean"
    assert str(table["nb_terminaux"].dtype) == "Int64"
    assert list(table["classes_internet"].cat.categories) == ["moins_20", "20_50", "moins_50", "50_plus"]
    non_respondents = table[~table["repondant_etic"]]
    assert non_respondents["acces_adsl"].isna().all()          # no answer is not "non"


def test_cache_reused_and_invalidated(occitanie_store, tables, tmp_path):
    import time

    start = time.perf_counter()
    load_etablissements(occitanie_store, 2018)
    assert time.perf_counter() - start < 0.5
    assert (occitanie_store.data_dir / "processed" / "etablissements-2018.parquet").exists()


def test_the_report_alone_is_read_from_the_caches_metadata_without_the_table(small_store, monkeypatch):
    from analysis.harmonise import table as table_module

    _, built = load_etablissements(small_store, 2019)
    monkeypatch.setattr(table_module.pd, "read_parquet", lambda *a, **k: pytest.fail("the table was read"))
    assert table_module.harmonisation_report(small_store, 2019) == built


def test_the_report_of_a_table_not_cached_builds_the_table(small_store):
    from analysis.harmonise import table as table_module

    for cached in (small_store.data_dir / "processed").glob("etablissements-*.parquet"):
        cached.unlink()
    report = table_module.harmonisation_report(small_store, 2018)
    assert (small_store.data_dir / "processed" / "etablissements-2018.parquet").exists()
    assert report == load_etablissements(small_store, 2018)[1] and report.annuaire_rows > 0


def test_boundaries_from_the_store(occitanie_store):
    deps = boundaries.departements(occitanie_store)
    assert len(deps) == 101 and {"2A", "2B", "971", "976", "31"} <= set(deps["code"])
    academies = boundaries.for_level(occitanie_store, "academie", "2016")
    assert {"caen", "rouen", "toulouse"} <= set(academies["code"])
    assert len(boundaries.for_level(occitanie_store, "academie", "2020")) < len(academies)


def test_the_universe_of_a_millesime_on_the_small_demo(small_store):
    """Any machine: an établissement opened after the survey's reference date is out of that
    millésime (and said so), a respondent closed since is kept, placed from the survey's columns."""
    (t18, r18), (t19, r19) = (load_etablissements(small_store, year) for year in (2018, 2019))
    opened, closed = "0301437Z", "0660036F"            # made by hand: tests/fixtures/README.md
    assert opened not in set(t18["uai"]) and opened in set(t19["uai"])
    assert r18.ouverts_apres_reference == [opened] and r19.ouverts_apres_reference == []
    assert r18.date_reference == {"etic_2d": "2018-08-31", "etic_1d": "2018-08-31"}
    kept = t18.set_index("uai").loc[closed]
    assert (kept["departement"], kept["type"], bool(kept["repondant_etic"])) == ("66", "college", True)
    assert r18.etic_absent_annuaire == [closed] and closed not in set(t19["uai"])


def test_two_copies_of_the_etic_left_side_by_side_are_an_error_saying_what_to_do(small_store, tmp_path):
    """A folder filled before imports replaced second copies (or by hand): the harmonised table
    refuses to count an établissement twice, in French, with the fix."""
    import shutil

    from analysis.core.errors import InputError
    from analysis.sources.store import Store

    shutil.copytree(small_store.data_dir, tmp_path / "data")
    store = Store(tmp_path / "data")
    stored = store.files("etic_2d")[0]
    shutil.copy(stored, stored.with_name("export (3).csv"))
    with pytest.raises(InputError) as err:
        load_etablissements(store, 2018)
    message = " ".join(str(err.value).split())
    assert "répond deux fois au millésime 2018" in message and "etat-des-lieux data import CHEMIN" in message
    assert str(store.raw) in message
