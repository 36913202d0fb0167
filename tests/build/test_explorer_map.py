"""The explorer's drawings (:mod:`analysis.build.explorer_map`): France on the tile grid or on
boundaries (the DROM in insets), and the points of a département's établissements."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely

from analysis.build import explorer_map
from analysis.report.map_geometry import DROM_CODES, tilegrid
from tests.build.explorer_site import fake_boundaries


def coordinates(d: str) -> np.ndarray:
    return np.array([[float(a), float(b)] for a, b in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)])


@pytest.fixture(scope="module")
def boundaries():
    return fake_boundaries()


def test_tile_grid_draws_every_departement_in_the_view():
    basemap = explorer_map.france_shapes(None)
    codes = [s.code for s in basemap.shapes]
    assert basemap.kind == "tilegrid" and len(codes) == len(set(codes)) == len(tilegrid())
    for shape in basemap.shapes:
        xy = coordinates(shape.d)
        assert xy[0, 0] >= 0 and xy[0, 0] <= explorer_map.WIDTH and shape.label_at[1] <= basemap.height


def test_boundaries_put_the_drom_in_their_insets(boundaries):
    basemap = explorer_map.france_shapes(boundaries)
    assert basemap.kind == "boundaries"
    assert [f[0] for f in basemap.frames] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    shapes = {s.code: coordinates(s.d) for s in basemap.shapes}
    assert set(shapes) == set(tilegrid()["code"])
    for (title, x, y, w, h), code in zip(basemap.frames, DROM_CODES, strict=True):
        xy = shapes[code]
        assert (xy[:, 0] >= x).all() and (xy[:, 0] <= x + w).all(), title
        assert (xy[:, 1] >= y).all() and (xy[:, 1] <= y + h).all(), title
    mainland = np.concatenate([xy for code, xy in shapes.items() if code not in DROM_CODES])
    assert mainland[:, 1].max() <= explorer_map.MAINLAND_HEIGHT + 0.1
    # north is up: the Nord (59) above the Pyrénées-Orientales (66)
    assert shapes["59"][:, 1].mean() < shapes["66"][:, 1].mean()
    again = explorer_map.Basemap.from_json(basemap.to_json())
    assert again == basemap


def test_boundaries_missing_a_departement_fall_back_to_the_tile_grid(boundaries):
    assert explorer_map.france_shapes(boundaries[boundaries["code"] != "976"]).kind == "tilegrid"


def test_path_data_keeps_holes():
    ring = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
    d = explorer_map.path_data(ring, lambda x, y: (x, y))
    assert d.count("M") == 2 and d.count("Z") == 2


def test_points_of_a_departement(boundaries):
    lon = np.array([3.3, 3.5, np.nan, 12.0])             # the last one is in Italy: misplaced
    lat = np.array([43.5, 43.7, 43.6, 42.0])
    code = "34"
    box = boundaries.loc[boundaries["code"] == code].geometry.iloc[0]
    lon[:2] = box.bounds[0] + np.array([0.2, 0.6])
    lat[:2] = box.bounds[1] + np.array([0.1, 0.4])
    points = explorer_map.departement_points(code, lon, lat, boundaries)
    assert list(points.kept) == [0, 1] and points.outline.startswith("M")
    assert (points.x >= 0).all() and (points.x <= explorer_map.WIDTH).all() and (points.y <= points.height).all()
    assert points.x[0] < points.x[1] and points.y[0] > points.y[1]        # east is right, north is up
    without = explorer_map.departement_points(code, lon, lat, None)
    assert list(without.kept) == [0, 1, 3] and without.outline == ""


def test_points_of_a_drom_in_its_local_projection():
    points = explorer_map.departement_points("974", [55.3, 55.7], [-21.0, -21.3])
    assert len(points.kept) == 2 and points.x[0] < points.x[1] and points.y[0] < points.y[1]
    assert explorer_map.departement_points("974", [np.nan], [np.nan]).kept.size == 0
