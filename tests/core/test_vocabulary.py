"""The words for types of establishment and territorial levels, declared once."""

from __future__ import annotations

from analysis.core import territories, vocabulary


def test_types_combine_the_base_types():
    assert set(vocabulary.COMBINED["ensemble"]) < set(vocabulary.BASE_TYPES)
    assert vocabulary.COMBINED["tous"] == vocabulary.BASE_TYPES          # "tous" keeps the EREA
    assert "erea" not in vocabulary.COMBINED["ensemble"]                  # as the 2018 report did
    assert set(vocabulary.DEFAULT_TYPES) <= set(vocabulary.TYPES)
    assert vocabulary.TYPE_ORDER[-1] == "ensemble" and set(vocabulary.TYPE_ORDER) == set(vocabulary.DEFAULT_TYPES)


def test_every_type_has_a_label_and_the_base_types_a_noun():
    for type_ in vocabulary.TYPES + vocabulary.BASE_TYPES:
        assert vocabulary.type_label(type_)[0].isupper(), type_
    assert set(vocabulary.TYPE_NOUNS) == set(vocabulary.BASE_TYPES)
    assert vocabulary.type_label("college") == "Collèges" and vocabulary.type_label("erea") == "EREA"
    assert vocabulary.TYPE_NOUNS["ecole"].gender == "f" and vocabulary.PUBLIC["f"][1] == "publiques"
    assert vocabulary.the_types("lycee") == "les lycées" and vocabulary.the_types("ensemble") == "l'ensemble"


def test_levels_follow_the_territories_reference():
    assert list(vocabulary.LEVEL_TITLES) == list(territories.LEVELS)
    assert set(vocabulary.LEVEL_NOUNS) == set(territories.LEVELS) - {"france"}
    assert vocabulary.LEVEL_TITLES["region"] == "Régions académiques"
    assert vocabulary.LEVEL_NOUNS["academie"].plural == "académies"


def test_territory_phrases():
    assert vocabulary.in_territory("France") == "en France"
    assert vocabulary.in_territory("Académie d'Amiens") == "dans l'académie d'Amiens"
    assert vocabulary.in_territory("Région académique Occitanie") == "dans la région académique Occitanie"
    assert vocabulary.in_territory("Haute-Garonne (31)", "departement") == "dans le département Haute-Garonne (31)"
    assert vocabulary.the_territory("Académie de Toulouse", "academie") == "l'académie de Toulouse"
    assert vocabulary.of_territory("Haute-Garonne (31)", "departement") == "du département Haute-Garonne (31)"
    assert vocabulary.of_territory("France", "france") == "de la France"


def test_every_type_is_asked_by_a_named_survey():
    assert set(vocabulary.SURVEY_OF_TYPE) == set(vocabulary.BASE_TYPES)
    assert set(vocabulary.SURVEY_OF_TYPE.values()) == set(vocabulary.SURVEY_NAMES)
    assert vocabulary.SURVEY_NAMES[vocabulary.SURVEY_OF_TYPE["ecole"]] == "ETIC premier degré"
