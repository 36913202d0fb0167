"""The keys of a source's rows, from a table, a GeoJSON or a stored copy."""

from __future__ import annotations

import json

import pandas as pd

from analysis.sources import row_keys
from analysis.sources.registry import load_registry

REGISTRY = load_registry()


def test_each_source_has_its_key_columns_uai_first():
    assert row_keys.key_columns(REGISTRY["etic_2d"]) == ("Code_UAI", "Millesime")
    assert row_keys.key_columns(REGISTRY["annuaire"]) == ("Identifiant_de_l_etablissement",)
    assert row_keys.key_columns(REGISTRY["label_numerique_colleges"]) == ("uai", "annee")
    assert row_keys.key_columns(REGISTRY["label_numerique_ecoles"]) == ("uai",)          # undated list
    assert row_keys.key_columns(REGISTRY["departements_geo"]) == ("code",)


def test_every_source_of_the_registry_has_key_columns_of_its_layout():
    from analysis.sources import layouts

    for source in REGISTRY.values():
        columns = row_keys.key_columns(source)
        assert columns, source.key
        if source.schema in layouts.LAYOUTS:
            assert set(columns) <= set(layouts.LAYOUTS[source.schema]), source.key


def test_keys_are_compared_as_the_harmonised_table_reads_them():
    frame = pd.DataFrame({"Code_UAI": [" 0341893y", "0340002T"], "Millesime": ["2018.0", "2019"], "x": ["", ""]})
    keys = row_keys.table_keys(frame, REGISTRY["etic_2d"])
    assert keys.to_dict("records") == [{"Code_UAI": "0341893Y", "Millesime": "2018"},
                                       {"Code_UAI": "0340002T", "Millesime": "2019"}]


def test_stored_keys_read_a_copy_or_say_it_cannot(tmp_path):
    geo = tmp_path / "departements-avec-outre-mer.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "48", "nom": "Lozère"}, "geometry": None}]}), encoding="utf-8")
    assert row_keys.stored_keys(geo, REGISTRY["departements_geo"])["code"].tolist() == ["48"]
    broken = tmp_path / "fr-en-etic_2d.csv"
    broken.write_bytes(b"")
    assert row_keys.stored_keys(broken, REGISTRY["etic_2d"]) is None
