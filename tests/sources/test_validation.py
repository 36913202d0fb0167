"""A file checked against its source before it enters the store (GeoJSON structure here; the
table schemas are tested in test_schemas.py)."""

from __future__ import annotations

import json

import pytest

from analysis.core.errors import InputError
from analysis.sources.registry import load_registry
from analysis.sources.validation import validated


def _geojson(path, features) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def test_geojson_structure(tmp_path):
    source = load_registry()["departements_geo"]
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    good = tmp_path / "departements.geojson"
    _geojson(good, [{"type": "Feature", "properties": {"code": "48", "nom": "Lozère"}, "geometry": square}])
    checked = validated(good, source)
    assert checked.form.format == "geojson" and checked.millesimes == []
    lacking = tmp_path / "sans-nom.geojson"
    _geojson(lacking, [{"type": "Feature", "properties": {"code": "48"}, "geometry": square}])
    with pytest.raises(InputError, match="il manque à l'objet 1 les propriétés nom") as err:
        validated(lacking, source)
    assert str(lacking) in str(err.value)
    empty = tmp_path / "vide.geojson"
    _geojson(empty, [])
    with pytest.raises(InputError, match="n'a aucun objet"):
        validated(empty, source)
