import pytest

from analysis.core import territories
from analysis.fiches import bundle, listing


def test_members_of_a_territory(small_millesime):
    table = small_millesime.table
    herault = bundle.members(table, territories.parse_territory("departement:34"))
    assert herault and all(u in set(table.loc[table["departement"] == "34", "uai"]) for u in herault)
    montpellier = bundle.members(table, territories.parse_territory("academie:montpellier"))
    assert set(herault) < set(montpellier)
    assert len(bundle.members(table, territories.parse_territory("france"))) == len(table)


@pytest.mark.slow
def test_bundle_of_a_departement(small_millesime, tmp_path):
    territory = territories.parse_territory("departement:34")
    path = bundle.write_bundle(small_millesime, territory, tmp_path)
    assert path == listing.bundle_path(tmp_path, "departement-34")
    assert path.read_bytes().startswith(b"%PDF")
