import pytest

from analysis.core.errors import TerritoryError
from analysis.fiches import lookup


@pytest.fixture(scope="module")
def table(small_store):
    from analysis.harmonise.table import load_etablissements

    return load_etablissements(small_store, 2018)[0]


def test_spec():
    assert lookup.is_spec("etablissement:0310001H") and lookup.is_spec("UAI:0310001H")
    assert not lookup.is_spec("departement:31") and not lookup.is_spec(None) and not lookup.is_spec("etablissement")


def test_found_in_any_case(table):
    assert lookup.find("etablissement:0118363f", table, 2018) == "0118363F"


@pytest.mark.parametrize(("spec", "fragments"), [
    ("etablissement:0118363X", ["lettre de contrôle de 0118363 est F, pas X", "etablissement:0118363F (Collège"]),
    ("etablissement:0000000X", ["lettre de contrôle de 0000000 est A, pas X", "0000000A, absent"]),
    ("etablissement:0310001H", ["aucun établissement de ce code", "millésime 2018", "etablissement:0"]),
    ("etablissement:0118364G", ["aucun établissement de ce code", "vouliez-vous dire etablissement:011"]),
    ("etablissement:jules", ["ce n'est pas un UAI", "Collège Jules Ferry"]),
    ("etablissement:", ["quel établissement"]),
])
def test_mistakes_are_explained(table, spec, fragments):
    with pytest.raises(TerritoryError) as caught:
        lookup.find(spec, table, 2018)
    for fragment in fragments:
        assert fragment in str(caught.value)
