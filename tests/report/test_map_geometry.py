"""The basemaps: the tile grid, unions of départements, boundaries projected and simplified."""

from __future__ import annotations

import pytest
import shapely

from analysis.report import map_geometry
from tests.report.conftest import ALL_CODES


# --------------------------------------------------------------------------------------------
# tile grid
# --------------------------------------------------------------------------------------------
def test_tilegrid_has_101_unique_codes_and_positions():
    t = map_geometry.tilegrid()
    assert list(t.columns) == ["code", "col", "row", "label"]
    assert len(t) == 101
    assert sorted(t["code"]) == sorted(ALL_CODES)
    assert not t.duplicated(["col", "row"]).any()
    assert t["label"].str.len().between(3, 14).all()
    main = t[~t["code"].isin(map_geometry.DROM_CODES)]
    assert main["col"].max() - main["col"].min() + 1 <= 14
    assert main["row"].max() - main["row"].min() + 1 <= 14


def test_tilegrid_neighbours_are_plausible():
    t = map_geometry.tilegrid().set_index("code")
    pos = {c: (int(r.col), int(r.row)) for c, r in t.iterrows()}

    def touches(a, b):
        (ca, ra), (cb, rb) = pos[a], pos[b]
        return max(abs(ca - cb), abs(ra - rb)) == 1

    assert all(touches("75", c) for c in ("92", "93", "94"))  # petite couronne around Paris
    assert pos["2A"][0] == pos["2B"][0] and pos["2A"][1] == pos["2B"][1] + 1  # 2A below 2B
    main = {c: p for c, p in pos.items() if c not in map_geometry.DROM_CODES}
    assert pos["29"][0] == min(c for c, _ in main.values())  # Finistère at the far west
    east = max(c for c, _ in (p for k, p in main.items() if k not in ("2A", "2B")))
    assert pos["67"][0] == east and pos["68"][0] == east and pos["68"][1] > pos["67"][1]
    assert pos["59"][1] == pos["62"][1] == min(r for _, r in main.values())  # Nord, Pas-de-Calais on top
    assert pos["66"][1] == max(r for k, (_, r) in main.items() if k not in ("2A", "2B"))
    assert pos["2B"][0] > pos["06"][0]  # Corsica right of the mainland
    drom_rows = {pos[c][1] for c in map_geometry.DROM_CODES}
    assert drom_rows == {max(r for _, r in pos.values())}  # DROM on their own bottom row
    assert max(pos[c][0] for c in map_geometry.DROM_CODES) < pos["66"][0]  # ... at the bottom left
    # every mainland tile has at least one edge neighbour (no island tile), except Corsica
    for code, (c, r) in main.items():
        if code in ("2A", "2B"):
            continue
        assert any((c + dc, r + dr) in main.values() for dc, dr in ((1, 0), (-1, 0), (0, 1), (0, -1))), code


def test_tilegrid_geometries_and_dissolve():
    g = map_geometry.tilegrid_geometries()
    assert len(g) == 101 and g.geometry.area.round(9).eq(1).all()
    mapping = {"31": "toulouse", "32": "toulouse", "82": "toulouse", "34": "montpellier", "30": "montpellier"}
    d = map_geometry.dissolve(g, mapping)
    assert list(d["code"]) == ["montpellier", "toulouse"]
    toulouse = d.set_index("code").geometry["toulouse"]
    assert toulouse.area == pytest.approx(3)
    assert toulouse.geom_type == "Polygon"  # 31, 32 and 82 touch: one shape, inner edges gone



def test_boundaries_are_projected_with_the_drom_apart(synthetic_boundaries):
    prepared = map_geometry.prepare_geometries(synthetic_boundaries)
    assert map_geometry.prepare_geometries(synthetic_boundaries) is prepared  # cached per input frame
    assert set(prepared["part"]) == {"metropole", "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"}
    assert set(prepared.loc[prepared["part"] == "metropole", "crs"]) == {map_geometry.MAINLAND_CRS}
    assert sorted(prepared["code"]) == sorted(ALL_CODES)
    x0, _, x1, _ = shapely.total_bounds(prepared.loc[prepared["part"] == "metropole"].geometry.to_numpy())
    assert 0 < x0 < x1 < 1_500_000  # Lambert-93 metres
