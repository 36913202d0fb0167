"""Nature codes of the annuaire and ETIC mapped to the report's typology; everything else is
outside the perimeter (None), never guessed."""

from __future__ import annotations

import pandas as pd

from analysis.harmonise.natures import ETIC_1D_NATURES, ETIC_2D_NATURES, TYPES, nature_from_code, type_from_nature


def test_nature_codes_of_the_report():
    codes = pd.Series(["101", "151", "340", "350", "352", "300", "302", "301", "306", "320", "307", "310", "370"])
    assert nature_from_code(codes).tolist() == [
        "ecole", "ecole", "college", "college", "college", "lycee_gt", "lycee_gt", "lycee_techno",
        "lycee_polyvalent", "lycee_pro", "lycee_hors_men", "lycee_climatique", "erea"]


def test_codes_outside_the_perimeter_are_none_not_a_type():
    """SEP (334), SEGT (335), STS/CPGE-only (400), a CIO, blanks and junk: outside, counted elsewhere."""
    codes = pd.Series(["334", "335", "400", "800", "", None, " 340 ", "34", "1000"])
    natures = nature_from_code(codes)
    assert natures.isna().tolist() == [True] * 6 + [False, True, True]
    assert natures[6] == "college"                                   # spaces around a code are read


def test_a_lycee_under_another_ministry_is_hors_men_whatever_its_code():
    codes = pd.Series(["300", "320", "340", "306"])
    tutelle = pd.Series(["MINISTERE DE L'AGRICULTURE", "Ministère de l'Education nationale",
                         "MINISTERE DES ARMEES", ""])
    # a collège of another ministry stays a collège; an empty tutelle is no other ministry
    assert nature_from_code(codes, tutelle).tolist() == ["lycee_hors_men", "lycee_pro", "college", "lycee_polyvalent"]


def test_every_nature_has_a_type_and_the_surveys_cover_known_natures():
    natures = pd.Series(list(TYPES) + [None])
    assert type_from_nature(natures).tolist()[:-1] == [TYPES[n] for n in TYPES]
    assert pd.isna(type_from_nature(natures).iloc[-1])
    assert set(TYPES.values()) == {"ecole", "college", "lycee", "erea"}
    assert set(ETIC_2D_NATURES) | set(ETIC_1D_NATURES) <= set(TYPES)
    assert "lycee_hors_men" not in ETIC_2D_NATURES                # ETIC surveys the ministry's own
