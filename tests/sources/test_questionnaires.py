"""The questionnaires: which millésimes they model, the reference date of each, the column or
codes that apply to a year, the levels a year can have, and the errors naming the fix."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.core.errors import InputError, MillesimeError
from analysis.sources import questionnaires


def test_modelled_millesimes_and_reference_dates():
    assert questionnaires.modelled_years() == sorted(set(questionnaires.years_of("etic_2d"))
                                                     | set(questionnaires.years_of("etic_1d")))
    assert {2018, 2019} <= set(questionnaires.modelled_years())
    assert questionnaires.reference_date("etic_2d", 2018) == dt.date(2018, 8, 31)
    assert questionnaires.reference_date("etic_1d", 2019) == dt.date(2019, 8, 31)
    assert questionnaires.reference_date("etic_2d", 2031) is None


@pytest.mark.parametrize("year, expected", [(2017, "A"), (2018, "A"), (2019, "B"), (2020, "B"), (2021, "C"),
                                            (2024, "C")])
def test_for_year_takes_the_latest_entry_not_after_the_year(year, expected):
    """Before the first entry, the first one applies."""
    assert questionnaires.for_year({2018: "A", 2019: "B", 2021: "C"}, year) == expected


def test_for_year_reads_years_written_as_text():
    assert questionnaires.for_year({"2018": "A", "2019": "B"}, 2020) == "B"


def test_levels_follow_the_codes_and_the_years_a_question_was_asked():
    assert questionnaires.levels_in_year("classes_internet", 2018) == {"moins_20", "20_50", "50_plus"}
    assert questionnaires.levels_in_year("classes_internet", 2019) == {"moins_50", "50_plus"}
    assert questionnaires.levels_in_year("type", 2018) is None               # no questionnaire's category
    assert questionnaires.levels_in_year("nb_terminaux", 2018) is None       # a count, not a category


def test_a_millesime_no_questionnaire_models_is_refused_with_the_fix():
    assert questionnaires.check_year(2019) == 2019
    with pytest.raises(MillesimeError) as err:
        questionnaires.check_year(2031)
    text = str(err.value)
    assert "le millésime 2031 n'est modélisé par aucun questionnaire" in text and "2018, 2019" in text
    assert "ajoutez un questionnaire pour 2031" in text and "millesimes:" in text


def test_an_unknown_code_names_file_column_line_value_and_the_codes():
    err = questionnaires.unknown_code("f.csv", 2018, {"Mois20pct": "moins_20", "50pctOuPlus": "50_plus"},
                                      "SalleInternet", 7, "InfA50")
    assert isinstance(err, InputError) and (err.column, err.row, err.value) == ("SalleInternet", 7, "InfA50")
    assert "code absent du questionnaire 2018" in str(err) and "Mois20pct, 50pctOuPlus" in str(err)
