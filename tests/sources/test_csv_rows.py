"""The records of a CSV text: field counts checked (a file cut short is refused naming its line),
lines kept, rows of empty cells set aside with their lines, quoted or not."""

from __future__ import annotations

import pytest

from analysis.core.errors import InputError
from analysis.sources import csv_rows

HEADER = "uai;annee;niveau"


@pytest.mark.parametrize("quoted", [False, True])
def test_records_keep_their_lines_and_empty_rows_are_set_aside(quoted):
    rows = ["0341893Y;2018;1", ";;", " ; ; ", "0340002T;2018;2", "", ";;"]
    if quoted:
        rows[3] = '0340002T;2018;"2"'
    text = "\n".join([HEADER, *rows]) + "\n"
    parsed = csv_rows.parse(text, ";", "f.csv", first_line=2)          # after a sep= line
    assert parsed.frame.to_dict("list") == {"uai": ["0341893Y", "0340002T"], "annee": ["2018", "2018"],
                                            "niveau": ["1", "2"]}
    assert parsed.lines.tolist() == [3, 6] and parsed.empty_lines == [4, 5, 8]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_last_row_cut_short_is_a_truncation(quoted):
    text = HEADER + "\n" + ('0341893Y;"2018";1' if quoted else "0341893Y;2018;1") + "\n0340002T;20"
    with pytest.raises(InputError) as err:
        csv_rows.parse(text, ";", "f.csv")
    assert err.value.row == 3 and "la dernière ligne a 2 champ(s) où l'en-tête en a 3" in str(err.value)
    assert "coupé" in str(err.value)


def test_an_empty_row_after_a_short_one_does_not_hide_the_truncation():
    with pytest.raises(InputError, match="le fichier est coupé") as err:
        csv_rows.parse(HEADER + "\n0341893Y;2018;1\n0340002T;20\n;;\n", ";", "f.csv")
    assert err.value.row == 3


def test_a_short_row_inside_is_a_separator_problem():
    with pytest.raises(InputError) as err:
        csv_rows.parse(HEADER + "\n0341893Y;2018\n0340002T;2018;2\n", ";", "f.csv")
    assert err.value.row == 2 and "sans guillemets" in str(err.value) and "coupé" not in str(err.value)


def test_a_quote_never_closed_names_its_line():
    with pytest.raises(InputError, match="jamais fermé") as err:
        csv_rows.parse(HEADER + '\n0341893Y;2018;1\n0340002T;"2018;2\n', ";", "f.csv")
    assert err.value.row == 3


def test_an_empty_row_is_a_row_of_separators_quotes_and_spaces_only():
    assert csv_rows.is_empty_row(';"";  ;\r', ";") and not csv_rows.is_empty_row(";0;", ";")
