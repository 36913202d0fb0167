"""Collectivités: specs, the special cases of params/collectivites.yml, their universe and parents."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core import collectivites, territories
from analysis.core.errors import TerritoryError


@pytest.mark.parametrize("spec, ident, label, types, departements", [
    ("collectivite:departement:31", "collectivite:departement:31", "Conseil départemental de la Haute-Garonne",
     ("college",), ["31"]),
    ("collectivite:dep:haute-garonne", "collectivite:departement:31", "Conseil départemental de la Haute-Garonne",
     ("college",), ["31"]),
    ("collectivite:region:76", "collectivite:region:76", "Conseil régional d'Occitanie", ("lycee",),
     ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]),
    ("collectivite:region:32", "collectivite:region:32", "Conseil régional des Hauts-de-France", ("lycee",),
     ["02", "59", "60", "62", "80"]),
    ("collectivite:commune:31555", "collectivite:commune:31555", "Commune 31555", ("ecole",), ["31"]),
    ("collectivite:commune:97411", "collectivite:commune:97411", "Commune 97411", ("ecole",), ["974"]),
    # the special cases, by their name or by the common edition they stand for
    ("collectivite:departement:75", "collectivite:paris", "Ville de Paris", ("ecole", "college"), ["75"]),
    ("collectivite:commune:75056", "collectivite:paris", "Ville de Paris", ("ecole", "college"), ["75"]),
    ("collectivite:departement:69", "collectivite:rhone", "Conseil départemental du Rhône", ("college",), ["69"]),
    ("collectivite:lyon", "collectivite:lyon", "Métropole de Lyon", ("college",), ["69"]),
    ("collectivite:region:94", "collectivite:corse", "Collectivité de Corse", ("college", "lycee"), ["2A", "2B"]),
    ("collectivite:departement:2B", "collectivite:corse", "Collectivité de Corse", ("college", "lycee"),
     ["2A", "2B"]),
    ("collectivite:departement:67", "collectivite:alsace", "Collectivité européenne d'Alsace", ("college",),
     ["67", "68"]),
    ("collectivite:region:03", "collectivite:guyane", "Collectivité territoriale de Guyane", ("college", "lycee"),
     ["973"]),
    ("collectivite:departement:972", "collectivite:martinique", "Collectivité territoriale de Martinique",
     ("college", "lycee"), ["972"]),
    ("collectivite:departement:976", "collectivite:mayotte", "Département de Mayotte", ("college", "lycee"),
     ["976"]),
])
def test_a_collectivity_spec_names_its_collectivity_and_universe(spec, ident, label, types, departements):
    t = territories.parse_territory(spec)
    assert (t.id, t.label, t.types) == (ident, label, types)
    assert territories.departement_codes(t) == departements
    assert territories.parse_territory(t.id) == t               # its id is a spec
    assert ":" not in t.slug and "~" not in t.slug


def test_collectivities_are_compared_with_their_parents_restricted_to_their_types():
    def ids(spec):
        return [p.id for p in territories.parents(territories.parse_territory(spec))]

    assert ids("collectivite:departement:31") == ["academie:toulouse~college", "region:76~college", "france~college"]
    assert ids("collectivite:region:76") == ["france~lycee"]
    # a part of a département: compared with the département's établissements of the same types first
    assert ids("collectivite:commune:31555") == ["departement:31~ecole", "academie:toulouse~ecole",
                                                 "region:76~ecole", "france~ecole"]
    assert ids("collectivite:lyon")[0] == "departement:69~college"
    assert ids("collectivite:paris") == ["academie:paris~ecole+college", "region:11~ecole+college",
                                         "france~ecole+college"]
    restricted = territories.parse_territory("academie:toulouse~college")
    assert (restricted.level, restricted.code, restricted.types) == ("academie", "toulouse", ("college",))
    assert territories.departement_codes(restricted) == territories.departement_codes(
        territories.parse_territory("academie:toulouse"))
    assert territories.children(restricted, "departement") == []


def test_every_collectivity_of_a_batch_once_without_communes():
    found = territories.list_territories("collectivite", "2016")
    ids = [t.id for t in found]
    assert len(ids) == len(set(ids))
    assert "collectivite:departement:31" in ids and "collectivite:region:76" in ids
    assert not any(":commune:" in i for i in ids)
    for replaced in ("collectivite:departement:75", "collectivite:departement:2A", "collectivite:region:94",
                     "collectivite:departement:69", "collectivite:departement:67", "collectivite:region:03"):
        assert replaced not in ids
    for special in ("lyon", "rhone", "paris", "corse", "alsace", "guyane", "martinique", "mayotte"):
        assert f"collectivite:{special}" in ids
    # every département's collèges belong to exactly one collectivité (Rhône and Lyon share the 69)
    colleges = [d for t in found if "college" in t.types for d in territories.departement_codes(t)]
    assert sorted(set(colleges)) == sorted(d.code for d in territories.list_territories("departement", "2016"))
    assert [d for d in colleges if colleges.count(d) > 1] == ["69", "69"]


def test_the_universe_is_the_public_establishments_of_its_types_and_communes():
    table = pd.DataFrame({
        "uai": list("abcdefg"),
        "secteur": ["public", "prive", "public", "public", "public", "public", "public"],
        "type": ["college", "college", "ecole", "college", "college", "lycee", "college"],
        "departement": ["69", "69", "69", "69", "31", "69", "69"],
        "commune_code": ["69123", "69123", "69123", "69001", "31555", "69123", "69381"],
    })
    lyon, rhone = collectivites.special("lyon"), collectivites.special("rhone")
    assert list(table["uai"][lyon.mask(table)]) == ["a", "g"]          # Lyon and its 3rd arrondissement
    assert list(table["uai"][rhone.mask(table)]) == ["d"]
    toulouse = territories.collectivity("commune", "31555")
    assert toulouse.types == ("ecole",) and toulouse.communes == ("31555",)
    assert collectivites.commune_codes("75056")[1:3] == ("75101", "75102")


def test_the_collectivity_title_names_its_types():
    assert territories.collectivity("departement", "31").title == \
        "Conseil départemental de la Haute-Garonne — collèges publics"
    assert collectivites.special("paris").title == "Ville de Paris — écoles et collèges publics"
    assert territories.collectivity("region", "76").title == "Conseil régional d'Occitanie — lycées publics"


@pytest.mark.parametrize("spec, fragments", [
    ("collectivite:commune:3155", ["« 3155 » n'est pas un code de commune"]),
    ("collectivite:canton:31", ["niveau de collectivité inconnu", "collectivite:departement:<code>"]),
    ("collectivite:departemnt:31", ["vouliez-vous dire collectivite:departement:31 ?"]),
    ("collectivite:departement:20", ["la Corse", "collectivite:departement:2A"]),
    ("collectivite:region:99", ["collectivite:region:99", "aucune région académique"]),
    ("collectivite:nantes", ["collectivité inconnue", "collectivite:paris"]),
    ("academie:toulouse~colege", ["types d'établissement inconnus", "academie:toulouse~college"]),
])
def test_a_wrong_collectivity_gets_a_french_error_with_what_to_write(spec, fragments):
    with pytest.raises(TerritoryError) as raised:
        territories.parse_territory(spec)
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_the_declarations_are_in_the_digest():
    assert collectivites.digest() == collectivites.digest()
    assert len(collectivites.digest()) == 64
