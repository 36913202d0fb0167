"""Choropleths: tile grid and boundaries (synthetic here, real ones where ../shared is mounted),
classes matching the legend, n.c. / secret / n.d. / sans objet styling, DROM insets, fallbacks."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402

from analysis.core.formatting import round_half_up  # noqa: E402
from analysis.report import map_geometry, maps  # noqa: E402
from analysis.report.maps import MapOptions  # noqa: E402
from analysis.report.style import NC_COLOR, NC_HATCH, SECRET_HATCH, save_figure  # noqa: E402
from tests.conftest import SHARED_RAW  # noqa: E402
from tests.report.conftest import ALL_CODES, OCCITANIE  # noqa: E402

NBSP = "\u00a0"
DEPARTEMENTS_GEOJSON = SHARED_RAW / "france-geojson" / "departements-avec-outre-mer.geojson"


def _same_color(a, b) -> bool:
    return np.allclose(mcolors.to_rgba(a)[:3], mcolors.to_rgba(b)[:3], atol=1e-3)


def _values(codes, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"code": codes, "valeur": rng.uniform(5, 95, len(codes)).round(1), "statut": "ok"})


@pytest.fixture(scope="module")
def departements_geo():
    if not DEPARTEMENTS_GEOJSON.exists():
        pytest.skip(f"real boundaries not available: {DEPARTEMENTS_GEOJSON} is missing (../shared not mounted)")
    import geopandas as gpd

    return gpd.read_file(DEPARTEMENTS_GEOJSON)


# --------------------------------------------------------------------------------------------
# choropleth on the tile grid
# --------------------------------------------------------------------------------------------
def test_choropleth_tilegrid_france():
    vals = _values(ALL_CODES)
    vals.loc[vals["code"] == "32", ["valeur", "statut"]] = [np.nan, "nc"]
    vals.loc[vals["code"] == "48", ["valeur", "statut"]] = [np.nan, "secret"]
    vals.loc[vals["code"] == "971", "statut"] = "nc"  # a stray value with statut nc is hidden
    vals = vals.assign(source="ETIC 2018", non_communique=27, univers=100)   # the line from the rows: 27 %
    fig = maps.choropleth(vals, None, level="departement", options=MapOptions(title="Titre"))
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
    fig = maps.choropleth(vals, None, options=MapOptions(scheme="fixed", bins=(25, 50, 75), title="T", source="S"))
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
    fig = maps.choropleth(_values(OCCITANIE), None, options=MapOptions(title="Occitanie", source="ETIC 2018"))
    assert fig.basemap == "tilegrid" and len(fig.map_ax.patches) == 13
    acad = pd.DataFrame({"code": ["toulouse", "montpellier"], "valeur": [40.0, 60.0], "statut": "ok"})
    fig = maps.choropleth(acad, None, level="academie", options=MapOptions(title="Par académie", source="ETIC 2018"))
    assert fig.basemap == "tilegrid"
    assert set(fig.patches_by_code) == {"toulouse", "montpellier"}
    # a map of académies shows académies: their names, not the codes nor the borders of their départements
    assert {t.get_text() for t in fig.map_ax.texts} == {"Toulouse", "Montpellier"}
    assert not [c for c in fig.map_ax.collections if "white" in str(c.get_edgecolor()) or
                (len(c.get_edgecolor()) and tuple(c.get_edgecolor()[0][:3]) == (1.0, 1.0, 1.0))]
    toulouse = fig.patches_by_code["toulouse"].get_path()
    assert shapely.Polygon(toulouse.vertices).area == pytest.approx(8, abs=0.01)  # 8 départements
    assert "chaque académie réunit les cases de ses départements" in fig.footer_text


def test_choropleth_rejects_unknown_codes_and_levels():
    with pytest.raises(ValueError, match="no tile"):
        maps.choropleth(pd.DataFrame({"code": ["99"], "valeur": [1.0]}), None,
                        options=MapOptions(title="T", source="S"))
    with pytest.raises(ValueError, match="level"):
        maps.choropleth(_values(["31"]), None, level="commune")


# --------------------------------------------------------------------------------------------
# choropleth on boundaries
# --------------------------------------------------------------------------------------------
def test_choropleth_boundaries_france_with_insets(synthetic_boundaries):
    vals = _values(ALL_CODES, seed=2)
    vals.loc[vals["code"].isin(["973", "2A"]), ["valeur", "statut"]] = [np.nan, "nc"]
    fig = maps.choropleth(vals, synthetic_boundaries,
                          options=MapOptions(title="Part des écoles connectées", source="ETIC 2018"))
    assert fig.basemap == "boundaries"
    assert list(fig.insets) == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    assert [ax.get_title() for ax in fig.insets.values()] == list(fig.insets)
    assert len(fig.map_ax.patches) == 96 and all(len(ax.patches) == 1 for ax in fig.insets.values())
    guyane = fig.patches_by_code["973"]
    assert guyane.axes is fig.insets["Guyane"]
    assert _same_color(guyane.get_facecolor(), NC_COLOR) and guyane.get_hatch() == NC_HATCH
    assert len(fig.map_ax.texts) == 0  # no labels for France
    assert sum(c["count"] for c in fig.classes) == 99
    assert all(lab.startswith(("moins de", "de ")) or lab.endswith("et plus") for lab in fig.legend_labels[:-1])


def test_choropleth_boundaries_region_has_no_insets_and_labels(synthetic_boundaries, tmp_path):
    fig = maps.choropleth(_values(OCCITANIE), synthetic_boundaries,
                          options=MapOptions(title="Occitanie", source="ETIC 2018"))
    assert fig.basemap == "boundaries" and fig.insets == {}
    assert len(fig.map_ax.patches) == 13
    assert {t.get_text() for t in fig.map_ax.texts} == set(OCCITANIE)
    path = save_figure(fig, tmp_path / "occitanie.png", dpi=60)
    assert path.stat().st_size > 5_000


def test_choropleth_boundaries_academies_by_dissolve(synthetic_boundaries):
    from analysis.core import territories

    h = territories.hierarchy("2016")
    h = h[h["statut"] == "departement"]
    mapping = dict(zip(h["departement"], h["academie"], strict=True))
    acad = pd.DataFrame({"code": sorted(set(mapping.values()))})
    acad["valeur"] = np.linspace(10, 90, len(acad))
    fig = maps.choropleth(acad, synthetic_boundaries, level="academie", mapping=mapping,
                          options=MapOptions(title="T", source="S"))
    assert fig.basemap == "boundaries" and len(fig.patches_by_code) == len(acad)
    assert len(fig.insets) == 5
    d = map_geometry.dissolve(synthetic_boundaries, mapping)
    assert len(d) == len(acad) and d.crs == synthetic_boundaries.crs


def test_choropleth_falls_back_to_tiles_when_boundaries_lack_codes(synthetic_boundaries):
    without_31 = synthetic_boundaries[synthetic_boundaries["code"].isin(OCCITANIE)
                                      & (synthetic_boundaries["code"] != "31")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = maps.choropleth(_values(OCCITANIE), without_31, options=MapOptions(title="T", source="S"))
    assert fig.basemap == "tilegrid"
    assert any("tile grid" in str(w.message) for w in caught)


@pytest.mark.shared_data
def test_real_boundaries_in_lambert_93_simplified(departements_geo):
    fig = maps.choropleth(_values(ALL_CODES, seed=2), departements_geo,
                          options=MapOptions(title="T", source="ETIC 2018"))
    x0, x1 = fig.map_ax.get_xlim()
    assert 50_000 < x0 < 200_000 and 1_000_000 < x1 < 1_300_000  # Lambert-93 metres for the mainland
    prepared = map_geometry.prepare_geometries(departements_geo)
    assert map_geometry.prepare_geometries(departements_geo) is prepared  # cached
    assert set(prepared["part"]) == {"metropole", "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"}
    assert shapely.get_num_coordinates(prepared.geometry.to_numpy()).sum() < 40_000  # simplified


def test_choropleth_absent_and_vide_and_inferred_source():
    vals = _values(OCCITANIE).assign(source="ETIC 2018", unite="ratio")
    vals.loc[vals["code"] == "31", "statut"] = "absent"
    vals.loc[vals["code"] == "48", ["valeur", "statut"]] = [np.nan, "vide"]
    fig = maps.choropleth(vals, None, options=MapOptions(title="T"))
    assert fig.source_text == f"Source{NBSP}: ETIC 2018"
    assert "n.d. (non disponible)" in fig.legend_labels and "sans objet" in fig.legend_labels
    absent, vide = fig.patches_by_code["31"], fig.patches_by_code["48"]
    assert _same_color(absent.get_facecolor(), NC_COLOR) and absent.get_hatch() is None
    assert _same_color(vide.get_facecolor(), "white")
    assert all("%" not in lab for lab in fig.legend_labels)  # unit "ratio" from the table
    assert "non disponible pour 1" in fig.alt_text


def test_choropleth_of_a_level_absent_from_the_questionnaire_is_nd_not_nc():
    vals = _values(OCCITANIE).assign(source="ETIC 2019", valeur=np.nan, statut="hors_questionnaire")
    fig = maps.choropleth(vals, None, options=MapOptions(title="T"))
    assert "n.d. (modalité absente du questionnaire de l'année)" in fig.legend_labels
    assert not any("non communiqué" in lab for lab in fig.legend_labels)
    assert fig.patches_by_code["31"].get_hatch() is None
    assert f"modalité absente du questionnaire de l'année pour {len(OCCITANIE)}" in fig.alt_text
