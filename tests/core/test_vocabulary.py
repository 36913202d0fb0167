"""The words for types of establishment and territorial levels, declared once."""

from __future__ import annotations

import pytest

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
    outside = [territories.PERIMETRE, territories.COLLECTIVITE]
    assert list(vocabulary.LEVEL_TITLES) == list(territories.LEVELS) + outside
    assert set(vocabulary.LEVEL_NOUNS) == set(territories.LEVELS) - {"france"} | set(outside)
    assert vocabulary.LEVEL_TITLES[territories.COLLECTIVITE] == "Collectivités"
    assert vocabulary.LEVEL_TITLES[territories.PERIMETRE] == "Périmètres"
    assert vocabulary.LEVEL_TITLES["region"] == "Régions académiques"
    assert vocabulary.LEVEL_NOUNS["academie"].plural == "académies"


def test_collectivity_phrases():
    assert vocabulary.the_territory("Ville de Paris", "collectivite") == "la Ville de Paris"
    assert vocabulary.of_territory("Conseil départemental du Rhône", "collectivite") == \
        "du Conseil départemental du Rhône"
    assert vocabulary.in_territory("Métropole de Lyon", "collectivite") == \
        "dans les établissements de la Métropole de Lyon"


def test_territory_phrases():
    assert vocabulary.in_territory("France") == "en France"
    assert vocabulary.in_territory("Académie d'Amiens") == "dans l'académie d'Amiens"
    assert vocabulary.in_territory("Région académique Occitanie") == "dans la région académique Occitanie"
    assert vocabulary.in_territory("Haute-Garonne (31)", "departement") == \
        "dans le département de la Haute-Garonne (31)"
    assert vocabulary.the_territory("Académie de Toulouse", "academie") == "l'académie de Toulouse"
    assert vocabulary.of_territory("Haute-Garonne (31)", "departement") == "du département de la Haute-Garonne (31)"
    assert vocabulary.of_territory("France", "france") == "de la France"
    assert vocabulary.in_territory("TNE de l'Hérault", "perimetre") == "dans le périmètre « TNE de l'Hérault »"
    assert vocabulary.of_territory("TNE de l'Hérault", "perimetre") == "du périmètre « TNE de l'Hérault »"


@pytest.mark.parametrize(("label", "phrase"), [
    ("Hérault (34)", "le département de l'Hérault (34)"), ("Gard (30)", "le département du Gard (30)"),
    ("Landes (40)", "le département des Landes (40)"), ("Lozère (48)", "le département de la Lozère (48)"),
    ("Paris (75)", "le département de Paris (75)"), ("Eure-et-Loir (28)", "le département d'Eure-et-Loir (28)"),
    ("La Réunion (974)", "le département de La Réunion (974)"),
    ("Saint-Martin (978)", "la collectivité de Saint-Martin (978)"),
    ("Inconnu (999)", "le département Inconnu (999)"),          # a code the tables do not know
])
def test_a_departement_takes_the_article_of_its_name(label, phrase):
    assert vocabulary.the_territory(label, "departement") == phrase


def test_every_departement_has_the_article_of_its_name():
    from analysis.core import territory_tables
    for vintage in ("2016", "2020"):
        table = territory_tables.departements(vintage)
        assert set(table["tncc"]) <= set(territory_tables.OF_NAME) and table["tncc"].ne("").all()


def test_every_type_is_asked_by_a_named_survey():
    assert set(vocabulary.SURVEY_OF_TYPE) == set(vocabulary.BASE_TYPES)
    assert set(vocabulary.SURVEY_OF_TYPE.values()) == set(vocabulary.SURVEY_NAMES)
    assert vocabulary.SURVEY_NAMES[vocabulary.SURVEY_OF_TYPE["ecole"]] == "ETIC premier degré"
