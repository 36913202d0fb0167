"""ETIC answers typed through the questionnaires, on the small demo's ETIC 2d file (2018 and
2019): no answer stays missing, a question that moved is read from its column of the year, a
question not asked is emptied and counted, a wrong count or code names its line."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.harmonise.answers import etic_answers
from analysis.harmonise.harmonise_report import HarmoniseReport
from analysis.sources.registry import load_registry
from analysis.sources.schemas import read_raw
from tests.data_folders import SMALL_DEMO


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = read_raw(SMALL_DEMO / "fr-en-etic_2d.csv", load_registry()["etic_2d"])
    assert set(frame["Millesime"]) == {"2018", "2019"}
    return frame


def test_no_answer_stays_missing_never_false_or_zero(raw):
    answers = etic_answers(raw, "etic_2d").loc[raw.index]           # millésime by millésime: realigned
    assert answers["uai"].tolist() == raw["Code_UAI"].tolist()
    for column, name in (("ControlePosteriori", "controle_posteriori"), ("NbTerminaux", "nb_terminaux"),
                         ("NbImpr3D", "nb_imprimantes_3d"), ("SalleInternet", "classes_internet")):
        empty = raw[column] == ""
        assert 0 < empty.sum() < len(raw), column                      # both cases are in the file
        assert answers.loc[empty, name].isna().all() and answers.loc[~empty, name].notna().all(), column
    said = raw["ControlePosteriori"]
    assert answers["controle_posteriori"].eq(True).sum() == (said == "oui").sum()
    assert answers["controle_posteriori"].eq(False).sum() == (said == "non").sum()
    assert (answers["nb_terminaux"].dropna() == pd.to_numeric(raw["NbTerminaux"].replace("", None)).dropna()).all()
    assert str(answers["nb_terminaux"].dtype) == "Int64"


def test_a_question_that_moved_is_read_from_the_column_of_its_year(raw):
    answers = etic_answers(raw, "etic_2d").loc[raw.index]
    y18, y19 = raw["Millesime"] == "2018", raw["Millesime"] == "2019"
    assert (answers.loc[y18, "ent"] == (raw.loc[y18, "SiEntDisponible"] == "oui")).all()
    assert (answers.loc[y19, "ent"] == (raw.loc[y19, "SiEntUtilise"] == "oui")).all()
    assert answers.loc[y19, "ent_disponible"].isna().all() and answers.loc[y18, "ent_utilise"].isna().all()
    # categories re-coded in 2019: three classes in 2018, two in 2019
    codes = {"2018": {"Mois20pct": "moins_20", "20pcta50pct": "20_50", "50pctOuPlus": "50_plus"},
             "2019": {"InfA50": "moins_50", "50OuPlus": "50_plus"}}
    for year, rows in (("2018", y18), ("2019", y19)):
        typed = [v if isinstance(v, str) else None for v in answers.loc[rows, "classes_internet"]]
        assert typed == [codes[year].get(v) for v in raw.loc[rows, "SalleInternet"]]      # "": None
    assert answers["classes_internet"].cat.ordered


def test_an_answer_to_a_question_not_asked_that_year_is_emptied_and_counted(raw):
    raw = raw.copy()
    late = raw.index[raw["Millesime"] == "2019"][:2]
    raw.loc[late, "NbTablettePC"] = "3.0"                # asked until 2018 only
    report = HarmoniseReport(annee=2019, vintage="2016")
    answers = etic_answers(raw, "etic_2d", report=report)
    assert answers.loc[late, "nb_tablettes_pc"].isna().all()
    assert report.ignored_answers == ["NbTablettePC 2019: 2"]


def test_a_fractional_count_names_its_line(raw):
    raw = raw.copy()
    raw.loc[raw.index[4], "NbTerminaux"] = "12.5"
    with pytest.raises(InputError) as err:
        etic_answers(raw, "etic_2d", "fr-en-etic_2d.csv")
    assert (err.value.column, err.value.row, err.value.value) == ("NbTerminaux", 6, "12.5")
    assert "n'est pas un nombre entier" in str(err.value)


def test_a_code_of_another_millesime_names_its_line(raw):
    raw = raw.copy()
    first_2018 = raw.index[raw["Millesime"] == "2018"][0]
    raw.loc[first_2018, "SalleInternet"] = "InfA50"      # a 2019 code in a 2018 row
    with pytest.raises(InputError) as err:
        etic_answers(raw, "etic_2d", "fr-en-etic_2d.csv")
    assert err.value.column == "SalleInternet" and err.value.row == raw.loc[first_2018, "_line"]
