"""The indicators of the collectivités: those of their territory restricted to their types,
computed in one pass with the restricted parents, cached apart, communes on demand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.core import territories
from analysis.core.errors import TerritoryError
from analysis.harmonise.table import load_etablissements

COLUMNS = ["valeur", "numerateur", "denominateur", "univers", "non_communique", "taux_nc", "statut"]


@pytest.fixture(scope="module")
def table(small_store):
    return indicators.load(small_store, 2018, also=["collectivite:departement:34"])


def _by_key(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.set_index(["indicateur", "type"]).sort_index()


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.index) == list(right.index)
    for column in COLUMNS:
        a, b = left[column], right[column]
        if column == "statut":
            assert list(a) == list(b), column
        else:
            np.testing.assert_allclose(pd.to_numeric(a, errors="coerce").astype(float),
                                       pd.to_numeric(b, errors="coerce").astype(float), equal_nan=True,
                                       err_msg=column)


@pytest.mark.parametrize("spec, departement, types", [
    ("collectivite:departement:34", "departement:34", ("college",)),
    ("collectivite:departement:31", "departement:31", ("college",)),
])
def test_a_collectivity_has_the_figures_of_its_territory_restricted_to_its_types(table, small_store, spec,
                                                                                departement, types):
    """Every indicator of the collectivité equals that of the département computed on its public
    collèges alone (the harmonised table restricted by hand, the ordinary computation)."""
    etablissements, _ = load_etablissements(small_store, 2018)
    by_hand = indicators.compute(etablissements[etablissements["secteur"].eq("public")
                                                & etablissements["type"].isin(types)], year=2018)
    expected = _by_key(by_hand[(by_hand["territoire"] == departement) & by_hand["type"].isin(types + ("ensemble",
                                                                                                       "tous"))])
    mine = _by_key(table[table["territoire"] == spec])
    assert len(mine) > 50
    _same(mine.loc[expected.index], expected)
    assert set(mine.index) == set(expected.index)
    # and so has the département restricted to the same types, its parent in the comparisons' form
    _same(_by_key(table[table["territoire"] == f"{departement}~college"]).loc[expected.index], expected)
    assert (mine["univers"] > 0).any() and mine.loc[("perimetre.part_public", "college"), "denominateur"] == \
        mine.loc[("perimetre.part_public", "college"), "numerateur"]                     # public only


def test_the_restricted_parents_are_in_the_table_once(table):
    keys = ["territoire", "indicateur", "type"]
    assert not table.duplicated(keys).any()
    ids = set(table["territoire"])
    for spec in ("collectivite:departement:31", "collectivite:paris"):
        t = territories.parse_territory(spec)
        assert t.id in ids and all(p.id in ids for p in territories.parents(t))
    paris = table[table["territoire"] == "collectivite:paris"]
    assert not paris.duplicated(["indicateur", "type"]).any()
    assert set(paris["type"]) <= {"ecole", "college", "ensemble", "tous"}
    named = table.loc[table["territoire"] == "academie:montpellier~college", "nom"]
    assert set(named) == {"Académie de Montpellier (collèges publics)"}
    # the restricted rows are not read as their level's own (niveau departement stays the 101)
    assert not table.loc[table["niveau"] == "departement", "territoire"].str.contains("~").any()


def test_the_collectivities_are_computed_when_first_asked_for(small_store, table):
    plain = indicators.load(small_store, 2018)
    assert not plain["territoire"].str.contains("collectivite:|~").any()
    assert len(table) > len(plain)
    restricted = indicators.load(small_store, 2018, also=["academie:montpellier~college"])
    assert len(restricted) == len(table)
    ecoles = indicators.load(small_store, 2018, also=["academie:montpellier~ecole"])
    assert (ecoles["territoire"] == "academie:montpellier~ecole").any()
    assert not ecoles["territoire"].str.startswith("collectivite:").any()


def test_a_commune_is_computed_on_demand_and_named_from_the_annuaire(small_store, table):
    spec = "collectivite:commune:34085"
    assert spec not in set(table["territoire"])
    found = indicators.load(small_store, 2018, also=[spec])
    rows = found[found["territoire"] == spec]
    assert len(rows) and set(rows["nom"]) == {"Commune de Fontbourg"}
    assert not found.duplicated(["territoire", "indicateur", "type"]).any()
    ecoles = rows[(rows["indicateur"] == "perimetre.etablissements") & (rows["type"] == "ecole")]
    assert ecoles["valeur"].iloc[0] == 1
    parents = [p.id for p in territories.parents(territories.parse_territory(spec))]
    assert parents[0] == "departement:34~ecole"
    for parent in parents:                       # computed with the first commune, for all of them
        assert (found["territoire"] == parent).any(), parent
    two = indicators.load(small_store, 2018, also=[spec, "collectivite:commune:34007"])
    assert not two.duplicated(["territoire", "indicateur", "type"]).any()
    named = indicators.named(territories.parse_territory(spec), found)
    assert named.label == "Commune de Fontbourg"
    # Paris as a commune is the Ville de Paris, not a second set of rows
    again = indicators.load(small_store, 2018, also=[spec, "collectivite:commune:75056"])
    assert not again.duplicated(["territoire", "indicateur", "type"]).any()


def test_a_commune_the_annuaire_does_not_have_is_refused_with_suggestions(small_store):
    with pytest.raises(TerritoryError) as raised:
        indicators.load(small_store, 2018, also=["collectivite:commune:34043"])
    assert "collectivite:commune:34042 (Boisac-en-Bois)" in str(raised.value)


def test_a_masked_collectivity_and_a_whole_territory_give_the_same_figures(small_store, table):
    """The special cases are row masks (as perimeters), the conseils départementaux copies of their
    restricted département: both ways agree on the same établissements."""
    from analysis.core.collectivites import Collectivite
    from analysis.indicators.collectivites import compute_collectivites

    etablissements, _ = load_etablissements(small_store, 2018)
    masked = Collectivite("essai", "Essai", ("college",), "departement:34", ("34",), special=True)
    rows = compute_collectivites(etablissements, [masked], year=2018, threshold=5, levels=())
    mine = _by_key(rows[rows["territoire"] == "collectivite:essai"])
    whole = _by_key(table[table["territoire"] == "collectivite:departement:34"])
    _same(mine, whole.loc[mine.index])
    assert set(whole.index) == set(mine.index)
