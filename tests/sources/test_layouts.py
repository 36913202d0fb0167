"""Headers matched to the official layouts without regard to case, accents or punctuation, the
field names that differ from their label through ALIASES, and two columns reading as one said."""

from __future__ import annotations

import pytest

from analysis.sources import layouts


@pytest.mark.parametrize("written, expected", [
    ("Numéro UAI", "numero_uai"), ("\ufeffIdentifiant_de_l_etablissement", "identifiant_de_l_etablissement"),
    ("CODE-POSTAL", "code_postal"), ("  Code postal ", "code_postal"), ("Libellé (région)", "libelle_region"),
])
def test_normalised_ignores_case_accents_punctuation_and_bom(written, expected):
    assert layouts.normalised(written) == expected


def test_every_layout_has_distinct_names_once_normalised():
    for key in layouts.LAYOUTS:
        names = layouts.canonical_names(key)             # raises when two names normalise alike
        assert len(set(names.values())) == len(set(layouts.LAYOUTS[key])), key


def test_field_names_and_labels_map_to_the_labels():
    mapping, duplicates = layouts.match_header(
        ["identifiant_de_l_etablissement", "Code postal", "coordX_origine", "colonne_en_plus"], "annuaire")
    assert mapping == {"identifiant_de_l_etablissement": "Identifiant_de_l_etablissement",
                       "Code postal": "Code postal", "coordX_origine": "coordonnee_X"}
    assert duplicates == []                                    # an unknown column keeps its name


def test_two_columns_reading_as_one_label_are_reported():
    mapping, duplicates = layouts.match_header(["Code_UAI", "code_uai", "CODE UAI"], "etic_2d")
    assert mapping == {"Code_UAI": "Code_UAI"}
    assert duplicates == [("Code_UAI", "code_uai", "Code_UAI"), ("Code_UAI", "CODE UAI", "Code_UAI")]


def test_missing_compares_normalised_names_and_aliases():
    assert layouts.missing(["code_uai", "millesime"], ["Code_UAI", "Millesime", "NbTerminaux"]) == ["NbTerminaux"]
    columns = ["coordX_origine", "coordY_origine"]
    assert layouts.missing(columns, ["coordonnee_X", "coordonnee_Y"]) == ["coordonnee_X", "coordonnee_Y"]
    assert layouts.missing(columns, ["coordonnee_X", "coordonnee_Y"], "annuaire") == []
