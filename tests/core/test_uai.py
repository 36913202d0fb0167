"""UAI check letter, département prefix, and the vectorised checker."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.territories import normalise_departement_code
from analysis.core.uai import check_letter, check_uais, departement_from_uai, is_valid_uai, uai_problem

# Real UAIs whose check letter was computed by hand (7 digits mod 23 -> letter).
REAL_UAIS = {
    "0810016C": "81",  # 810016 = 23 * 35218 + 2 -> C (ETIC, LP in Tarn)
    "0340474F": "34",  # 340474 = 23 * 14803 + 5 -> F (annuaire)
    "0071168G": "07",  # 71168 = 23 * 3094 + 6 -> G (collège, Ardèche)
    "6200733C": "2A",  # 6200733 = 23 * 269597 + 2 -> C (Corse-du-Sud)
    "7200044K": "2B",  # 7200044 = 23 * 313045 + 9 -> K (Haute-Corse)
    "9870003P": "986",  # 9870003 = 23 * 429130 + 13 -> P (Wallis-et-Futuna)
    "9711023K": "971",  # 9711023 = 23 * 422218 + 9 -> K (Saint-Martin school, Guadeloupe UAI)
    "9840021A": "987",  # Polynésie française
    "9830266X": "988",  # Nouvelle-Calédonie
    "9750005G": "975",  # Saint-Pierre-et-Miquelon
    "9760162X": "976",  # Mayotte
}


@pytest.mark.parametrize("uai, departement", sorted(REAL_UAIS.items()))
def test_real_uais_are_valid(uai: str, departement: str) -> None:
    assert check_letter(uai[:7]) == uai[7]
    assert is_valid_uai(uai)
    assert uai_problem(uai) is None
    assert departement_from_uai(uai) == departement


def test_check_letter_alphabet_skips_i_o_q() -> None:
    letters = {check_letter(f"{n:07d}") for n in range(23)}
    assert len(letters) == 23
    assert not letters & {"I", "O", "Q"}
    assert check_letter("0000000") == "A"
    assert check_letter("0000022") == "Z"
    assert check_letter("0000023") == "A"


@pytest.mark.parametrize("bad", ["081001", "02A0001", "081001X", ""])
def test_check_letter_rejects_non_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_letter(bad)


@pytest.mark.parametrize(
    "uai, fragment",
    [
        ("0810016D", "expected C"),
        ("0810061C", "wrong check letter"),  # transposed digits
        ("081016C", "bad length"),
        ("0810016CC", "bad length"),
        ("08100I6C", "bad characters"),
        ("02A0001X", "bad characters"),
        ("08100167", "bad characters"),
        (None, "missing"),
        ("  ", "missing"),
        (float("nan"), "missing"),
    ],
)
def test_broken_uais(uai: object, fragment: str) -> None:
    problem = uai_problem(uai)
    assert problem is not None and fragment in problem
    assert not is_valid_uai(uai)
    assert departement_from_uai(uai) is None


def test_input_is_stripped_and_upper_cased() -> None:
    assert is_valid_uai(" 0810016c ")
    assert departement_from_uai("0810016c") == "81"


def test_unknown_prefix_is_valid_but_has_no_departement() -> None:
    uai = "0000001" + check_letter("0000001")
    assert is_valid_uai(uai)
    assert departement_from_uai(uai) is None


def test_check_uais_matches_scalar_functions() -> None:
    values = [*REAL_UAIS, "0810016D", "081016C", "08100I6C", None, "", " 0340474f", np.nan, "0200001B"]
    series = pd.Series(values, index=range(100, 100 + len(values)))
    result = check_uais(series)
    assert list(result.columns) == ["uai", "valid", "problem", "departement_uai"]
    assert result.index.equals(series.index)
    assert result["valid"].dtype == bool
    assert result["valid"].tolist() == [is_valid_uai(v) for v in values]
    assert result["problem"].tolist() == [uai_problem(v) for v in values]
    assert result["departement_uai"].tolist() == [departement_from_uai(v) for v in values]
    assert result.loc[100 + values.index(" 0340474f"), "uai"] == "0340474F"
    assert result.loc[100 + values.index(None), "uai"] is None


def test_check_uais_is_fast_on_60000_rows() -> None:
    import time

    series = pd.Series(list(REAL_UAIS) * 6000)
    start = time.perf_counter()
    result = check_uais(series)
    assert time.perf_counter() - start < 1.0
    assert result["valid"].all()


@pytest.mark.shared_data
def test_every_real_uai_is_valid_and_matches_its_departement(raw: Path) -> None:
    etic = pd.read_csv(raw / "karimaidibi-occitanie" / "fr-en-etic_2d.csv", sep=";", dtype=str,
                       encoding="utf-8-sig", usecols=["Code_UAI"])
    annuaire = pd.read_csv(raw / "karimaidibi-occitanie" / "fr-en-annuaire-education.csv", sep=";", dtype=str,
                           encoding="utf-8-sig", usecols=["Identifiant_de_l_etablissement", "Code_departement"])
    colleges = pd.read_csv(
        raw / "vyz-colleges" / "fr-en-adresse-et-geolocalisation-etablissements-premier-et-second-degre.csv",
        sep=";", dtype=str, encoding="utf-8-sig", usecols=["numero_uai", "code_departement"],
    )

    etic_check = check_uais(etic["Code_UAI"])
    assert len(etic_check) == 917
    assert etic_check["valid"].all(), etic_check[~etic_check["valid"]]

    for uais, codes, expected_exceptions in (
        (annuaire["Identifiant_de_l_etablissement"], annuaire["Code_departement"], set()),
        # Saint-Barthélemy and Saint-Martin schools have Guadeloupe (971) UAIs.
        (colleges["numero_uai"], colleges["code_departement"], {("977", "971"), ("978", "971")}),
    ):
        checked = check_uais(uais)
        assert checked["valid"].all(), checked[~checked["valid"]]
        declared = codes.map(normalise_departement_code)
        both = declared.notna() & checked["departement_uai"].notna()
        assert both.all()
        mismatch = both & (declared != checked["departement_uai"])
        pairs = set(zip(declared[mismatch], checked.loc[mismatch, "departement_uai"]))
        assert pairs == expected_exceptions
