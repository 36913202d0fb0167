"""Maps: the tile grid, classes and French legends, boundaries with DROM insets, n.c. styling."""

from __future__ import annotations

import time
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402

from analysis.core.formatting import round_half_up  # noqa: E402
from analysis.report import maps  # noqa: E402
from analysis.report.style import NC_COLOR, NC_HATCH, SECRET_HATCH, save_figure  # noqa: E402

NBSP = "\u00a0"
NNBSP = "\u202f"
from tests.conftest import SHARED_RAW

DEPARTEMENTS_GEOJSON = SHARED_RAW / "france-geojson" / "departements-avec-outre-mer.geojson"
OCCITANIE = ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
MAINLAND = [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B"]
ALL_CODES = MAINLAND + ["971", "972", "973", "974", "976"]


def _same_color(a, b) -> bool:
    return np.allclose(mcolors.to_rgba(a)[:3], mcolors.to_rgba(b)[:3], atol=1e-3)


def _values(codes, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"code": codes, "valeur": rng.uniform(5, 95, len(codes)).round(1), "statut": "ok"})
    return df


@pytest.fixture(scope="module")
def departements_geo():
    if not DEPARTEMENTS_GEOJSON.exists():
        pytest.skip(f"real boundaries not available: {DEPARTEMENTS_GEOJSON} is missing (../shared not mounted)")
    import geopandas as gpd

    return gpd.read_file(DEPARTEMENTS_GEOJSON)


# --------------------------------------------------------------------------------------------
# tile grid
# --------------------------------------------------------------------------------------------
def test_tilegrid_has_101_unique_codes_and_positions():
    t = maps.tilegrid()
    assert list(t.columns) == ["code", "col", "row", "label"]
    assert len(t) == 101
    assert sorted(t["code"]) == sorted(ALL_CODES)
    assert not t.duplicated(["col", "row"]).any()
    assert t["label"].str.len().between(3, 14).all()
    main = t[~t["code"].isin(maps.DROM_CODES)]
    assert main["col"].max() - main["col"].min() + 1 <= 14
    assert main["row"].max() - main["row"].min() + 1 <= 14


def test_tilegrid_neighbours_are_plausible():
    t = maps.tilegrid().set_index("code")
    pos = {c: (int(r.col), int(r.row)) for c, r in t.iterrows()}

    def touches(a, b):
        (ca, ra), (cb, rb) = pos[a], pos[b]
        return max(abs(ca - cb), abs(ra - rb)) == 1

    assert all(touches("75", c) for c in ("92", "93", "94"))  # petite couronne around Paris
    assert pos["2A"][0] == pos["2B"][0] and pos["2A"][1] == pos["2B"][1] + 1  # 2A below 2B
    main = {c: p for c, p in pos.items() if c not in maps.DROM_CODES}
    assert pos["29"][0] == min(c for c, _ in main.values())  # Finistère at the far west
    east = max(c for c, _ in (p for k, p in main.items() if k not in ("2A", "2B")))
    assert pos["67"][0] == east and pos["68"][0] == east and pos["68"][1] > pos["67"][1]
    assert pos["59"][1] == pos["62"][1] == min(r for _, r in main.values())  # Nord, Pas-de-Calais on top
    assert pos["66"][1] == max(r for k, (_, r) in main.items() if k not in ("2A", "2B"))
    assert pos["2B"][0] > pos["06"][0]  # Corsica right of the mainland
    drom_rows = {pos[c][1] for c in maps.DROM_CODES}
    assert drom_rows == {max(r for _, r in pos.values())}  # DROM on their own bottom row
    assert max(pos[c][0] for c in maps.DROM_CODES) < pos["66"][0]  # ... at the bottom left
    # every mainland tile has at least one edge neighbour (no island tile), except Corsica
    for code, (c, r) in main.items():
        if code in ("2A", "2B"):
            continue
        assert any((c + dc, r + dr) in main.values() for dc, dr in ((1, 0), (-1, 0), (0, 1), (0, -1))), code


def test_tilegrid_geometries_and_dissolve():
    g = maps.tilegrid_geometries()
    assert len(g) == 101 and g.geometry.area.round(9).eq(1).all()
    mapping = {"31": "toulouse", "32": "toulouse", "82": "toulouse", "34": "montpellier", "30": "montpellier"}
    d = maps.dissolve(g, mapping)
    assert list(d["code"]) == ["montpellier", "toulouse"]
    toulouse = d.set_index("code").geometry["toulouse"]
    assert toulouse.area == pytest.approx(3)
    assert toulouse.geom_type == "Polygon"  # 31, 32 and 82 touch: one shape, inner edges gone


# --------------------------------------------------------------------------------------------
# classes
# --------------------------------------------------------------------------------------------
def test_classify_labels_are_french_and_cover_all_values():
    x = np.array([3.0, 7.5, 12.0, 18.0, 20.0, 25.0, np.nan])
    thresholds, labels, idx = maps.classify(x, scheme="fixed", bins=[5, 10, 20], unit="ratio")
    assert labels == ["moins de 5", "de 5 à 10", "de 10 à 20", "20 et plus"]
    assert list(idx) == [0, 1, 2, 2, 3, 3, -1]  # 20 is in "20 et plus"
    _, labels, _ = maps.classify([2.0, 55.0], scheme="fixed", bins=[10, 20], unit="%")
    assert labels == [f"moins de 10{NBSP}%", f"de 10 à 20{NBSP}%", f"20{NBSP}% et plus"]
    rng = np.random.default_rng(1)
    for scheme in ("quantiles", "natural_breaks", "equal_interval"):
        v = rng.uniform(0, 100, 101)
        thresholds, labels, idx = maps.classify(v, scheme=scheme, k=5)
        assert len(labels) == len(thresholds) + 1 <= 5
        assert (idx >= 0).all() and idx.max() == len(labels) - 1
        t = np.asarray(thresholds)
        assert (t == np.round(t)).all()  # whole numbers at the display precision for %
        for i, raw in enumerate(v):  # each value, as displayed (whole %), is within its class's bounds
            val = float(round_half_up(raw))
            lo = -np.inf if idx[i] == 0 else t[idx[i] - 1]
            hi = np.inf if idx[i] == len(t) else t[idx[i]]
            assert lo <= val < hi


def test_classify_uses_displayed_values():
    # 2,96 élèves par terminal reads "3,0": it belongs to "de 3 à 4", not to "moins de 3"
    _, labels, idx = maps.classify([2.96, 2.94, 3.5], scheme="fixed", bins=[3, 4], unit="ratio")
    assert [labels[i] for i in idx] == ["de 3 à 4", "moins de 3", "de 3 à 4"]
    _, _, idx = maps.classify([74.5, 74.4], scheme="fixed", bins=[75], unit="%")
    assert list(idx) == [1, 0]  # 74,5 % reads "75 %" (half up)


def test_classify_nice_thresholds_and_degenerate_cases():
    assert maps.nice_threshold(41.3, 58.7) == 50
    assert maps.nice_threshold(0.2, 0.8) == 0.5
    assert maps.nice_threshold(5, 5) is None
    thresholds, labels, _ = maps.classify([50.0, 50.0, 50.0], k=4)
    assert thresholds == [] and labels == [f"50{NBSP}%"]
    thresholds, labels, idx = maps.classify([np.nan, np.nan])
    assert thresholds == [] and labels == [] and list(idx) == [-1, -1]
    _, labels, _ = maps.classify([1000, 5000, 25000, 63059], k=3, unit="count")
    assert labels[-1] == f"50{NNBSP}000 et plus"
    with pytest.raises(ValueError):
        maps.classify([1, 2], scheme="jenks")


# --------------------------------------------------------------------------------------------
# choropleth on the tile grid
# --------------------------------------------------------------------------------------------
def test_choropleth_tilegrid_france():
    vals = _values(ALL_CODES)
    vals.loc[vals["code"] == "32", ["valeur", "statut"]] = [np.nan, "nc"]
    vals.loc[vals["code"] == "48", ["valeur", "statut"]] = [np.nan, "secret"]
    vals.loc[vals["code"] == "971", "statut"] = "nc"  # a stray value with statut nc is hidden
    fig = maps.choropleth(vals, None, level="departement", title="Titre", source="ETIC 2018", taux_nc=27)
    assert fig.basemap == "tilegrid"
    ax = fig.map_ax
    assert len(ax.patches) == 101
    assert set(fig.patches_by_code) == set(ALL_CODES)
    for code, hatch in (("32", NC_HATCH), ("48", SECRET_HATCH), ("971", NC_HATCH)):
        patch = fig.patches_by_code[code]
        assert _same_color(patch.get_facecolor(), NC_COLOR) and patch.get_hatch() == hatch
    ok_patch = fig.patches_by_code["31"]
    assert not _same_color(ok_patch.get_facecolor(), NC_COLOR) and ok_patch.get_hatch() is None
    assert "n.c. (non communiqué)" in fig.legend_labels and "secret statistique" in fig.legend_labels
    tile_texts = {t.get_text() for t in ax.texts}
    assert {"75", "2A", "974"} <= tile_texts  # codes printed in the tiles
    assert any("Carte en tuiles" in t.get_text() for t in fig.texts)
    assert f"Source{NBSP}: ETIC 2018 (27{NBSP}%{NBSP}n.c.)" == fig.source_text
    assert sum(c["count"] for c in fig.classes) == 98  # every ok value is in a class
    assert "tuiles" in fig.alt_text and f"non communiqué pour 2{NBSP}départements" in fig.alt_text


def test_choropleth_tilegrid_classes_match_legend():
    vals = _values(ALL_CODES, seed=4)
    fig = maps.choropleth(vals, None, scheme="fixed", bins=[25, 50, 75], title="T", source="S")
    assert fig.legend_labels == [f"75{NBSP}% et plus", f"de 50 à 75{NBSP}%", f"de 25 à 50{NBSP}%",
                                 f"moins de 25{NBSP}%"]
    colors = {c["label"]: c["color"] for c in fig.classes}
    for code, value in zip(vals["code"], vals["valeur"], strict=True):
        value = float(round_half_up(value))  # classes use the displayed value
        label = (f"moins de 25{NBSP}%" if value < 25 else f"de 25 à 50{NBSP}%" if value < 50
                 else f"de 50 à 75{NBSP}%" if value < 75 else f"75{NBSP}% et plus")
        assert _same_color(fig.patches_by_code[code].get_facecolor(), colors[label]), code
    # darker = higher
    lum = [sum(mcolors.to_rgb(c["color"])) for c in fig.classes]
    assert lum == sorted(lum, reverse=True)


def test_choropleth_tilegrid_partial_and_academies():
    fig = maps.choropleth(_values(OCCITANIE), None, title="Occitanie", source="ETIC 2018")
    assert fig.basemap == "tilegrid" and len(fig.map_ax.patches) == 13
    acad = pd.DataFrame({"code": ["toulouse", "montpellier"], "valeur": [40.0, 60.0], "statut": "ok"})
    fig = maps.choropleth(acad, None, level="academie", title="Par académie", source="ETIC 2018")
    assert fig.basemap == "tilegrid"
    assert set(fig.patches_by_code) == {"toulouse", "montpellier"}
    assert {t.get_text() for t in fig.map_ax.texts} >= set(OCCITANIE)  # tiles keep their codes
    toulouse = fig.patches_by_code["toulouse"].get_path()
    assert shapely.Polygon(toulouse.vertices).area == pytest.approx(8, abs=0.01)  # 8 départements
    assert "contour épais" in fig.footer_text


def test_choropleth_rejects_unknown_codes_and_levels():
    with pytest.raises(ValueError, match="no tile"):
        maps.choropleth(pd.DataFrame({"code": ["99"], "valeur": [1.0]}), None, title="T", source="S")
    with pytest.raises(ValueError, match="level"):
        maps.choropleth(_values(["31"]), None, level="commune")


# --------------------------------------------------------------------------------------------
# choropleth on real boundaries
# --------------------------------------------------------------------------------------------
@pytest.mark.shared_data
def test_choropleth_boundaries_france_with_insets(departements_geo):
    vals = _values(ALL_CODES, seed=2)
    vals.loc[vals["code"].isin(["973", "2A"]), ["valeur", "statut"]] = [np.nan, "nc"]
    t0 = time.perf_counter()
    fig = maps.choropleth(vals, departements_geo, title="Part des écoles connectées", source="ETIC 2018")
    elapsed = time.perf_counter() - t0
    assert fig.basemap == "boundaries"
    assert list(fig.insets) == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    assert [ax.get_title() for ax in fig.insets.values()] == list(fig.insets)
    assert len(fig.map_ax.patches) == 96 and all(len(ax.patches) == 1 for ax in fig.insets.values())
    guyane = fig.patches_by_code["973"]
    assert guyane.axes is fig.insets["Guyane"]
    assert _same_color(guyane.get_facecolor(), NC_COLOR) and guyane.get_hatch() == NC_HATCH
    assert len(fig.map_ax.texts) == 0  # no labels for France
    # Lambert-93 metres for the mainland
    x0, x1 = fig.map_ax.get_xlim()
    assert 50_000 < x0 < 200_000 and 1_000_000 < x1 < 1_300_000
    assert sum(c["count"] for c in fig.classes) == 99
    assert all(lab.startswith(("moins de", "de ")) or lab.endswith("et plus") for lab in fig.legend_labels[:-1])
    assert elapsed < 3.0  # first draw projects and simplifies (~0.4 s here); budget 1 s


@pytest.mark.shared_data
def test_choropleth_boundaries_region_has_no_insets_and_labels(departements_geo, tmp_path):
    fig = maps.choropleth(_values(OCCITANIE), departements_geo, title="Occitanie", source="ETIC 2018")
    assert fig.basemap == "boundaries" and fig.insets == {}
    assert len(fig.map_ax.patches) == 13
    assert {t.get_text() for t in fig.map_ax.texts} == set(OCCITANIE)
    path = save_figure(fig, tmp_path / "occitanie.png", dpi=60)
    assert path.stat().st_size > 5_000


@pytest.mark.shared_data
def test_choropleth_boundaries_academies_by_dissolve(departements_geo):
    from analysis.core import territories

    h = territories.hierarchy("2016")
    h = h[h["statut"] == "departement"]
    mapping = dict(zip(h["departement"], h["academie"], strict=True))
    acad = pd.DataFrame({"code": sorted(set(mapping.values()))})
    acad["valeur"] = np.linspace(10, 90, len(acad))
    fig = maps.choropleth(acad, departements_geo, level="academie", mapping=mapping, title="T", source="S")
    assert fig.basemap == "boundaries" and len(fig.patches_by_code) == len(acad)
    assert len(fig.insets) == 5
    d = maps.dissolve(departements_geo, mapping)
    assert len(d) == len(acad) and d.crs == departements_geo.crs


@pytest.mark.shared_data
def test_choropleth_falls_back_to_tiles_when_boundaries_lack_codes(departements_geo):
    without_31 = departements_geo[departements_geo["code"].isin(OCCITANIE) & (departements_geo["code"] != "31")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = maps.choropleth(_values(OCCITANIE), without_31, title="T", source="S")
    assert fig.basemap == "tilegrid"
    assert any("tile grid" in str(w.message) for w in caught)


@pytest.mark.shared_data
def test_prepared_geometries_are_cached(departements_geo):
    first = maps.prepare_geometries(departements_geo)
    t0 = time.perf_counter()
    again = maps.prepare_geometries(departements_geo)
    assert again is first and time.perf_counter() - t0 < 0.05
    assert set(first["part"]) == {"metropole", "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"}
    assert shapely.get_num_coordinates(first.geometry.to_numpy()).sum() < 40_000  # simplified


def test_choropleth_absent_and_vide_and_inferred_source():
    vals = _values(OCCITANIE).assign(source="ETIC 2018", unite="ratio")
    vals.loc[vals["code"] == "31", "statut"] = "absent"
    vals.loc[vals["code"] == "48", ["valeur", "statut"]] = [np.nan, "vide"]
    fig = maps.choropleth(vals, None, title="T")
    assert fig.source_text == f"Source{NBSP}: ETIC 2018"
    assert "n.d. (non disponible)" in fig.legend_labels and "sans objet" in fig.legend_labels
    absent, vide = fig.patches_by_code["31"], fig.patches_by_code["48"]
    assert _same_color(absent.get_facecolor(), NC_COLOR) and absent.get_hatch() is None
    assert _same_color(vide.get_facecolor(), "white")
    assert all("%" not in lab for lab in fig.legend_labels)  # unit "ratio" from the table
    assert "non disponible pour 1" in fig.alt_text
