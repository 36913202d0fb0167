"""Fixtures of the report tests: territory codes and synthetic boundaries (no real file needed)."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely

OCCITANIE = ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
MAINLAND = [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B"]
DROM = {"971": (-61.5, 16.2), "972": (-61.0, 14.6), "973": (-53.0, 4.0), "974": (55.5, -21.1), "976": (45.1, -12.8)}
ALL_CODES = MAINLAND + list(DROM)


@pytest.fixture(scope="session")
def synthetic_boundaries() -> gpd.GeoDataFrame:
    """Départements as squares in WGS84: the mainland tiles of the tile grid laid over mainland
    France (0.7° by 0.6°), the DROM where they are. Real boundaries are in ../shared."""
    from analysis.report.map_geometry import tilegrid

    grid = tilegrid().set_index("code")
    geoms = []
    for code in ALL_CODES:
        if code in DROM:
            lon, lat = DROM[code]
            geoms.append(shapely.box(lon - 0.3, lat - 0.3, lon + 0.3, lat + 0.3))
        else:
            lon, lat = -4.6 + 0.7 * grid.loc[code, "col"], 51.0 - 0.6 * grid.loc[code, "row"]
            geoms.append(shapely.box(lon, lat - 0.6, lon + 0.7, lat))
    return gpd.GeoDataFrame({"code": ALL_CODES}, geometry=geoms, crs="EPSG:4326")


# ------------------------------------------------------------------ chapters on the demo data
EDITIONS = ("france", "region:76", "departement:31")


@pytest.fixture(scope="session")
def demo_results(demo_store):
    """The 2018 indicator table of the national demo dataset (every source, every département)."""
    from analysis import indicators

    return indicators.load(demo_store, 2018)


@pytest.fixture(scope="session")
def demo_chapters(demo_store, demo_results):
    """Chapters of three editions on the demo data: France, a région académique, a département."""
    from analysis.report.chapter import Chapter

    return {t: Chapter(t, 2018, store=demo_store, results=demo_results) for t in EDITIONS}


def reference(results, territory: str, ind: str, type_: str = "ensemble"):
    """The row of the indicator table, or None."""
    rows = results[(results["territoire"] == territory) & (results["indicateur"] == ind) & (results["type"] == type_)]
    return rows.iloc[0] if len(rows) else None


def same(a, b) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) < 1e-9


def check_values_match(ch, results, territory: str, indicators, types) -> int:
    """Assert that the chapter's value and statut are those of the indicator table for every
    (indicator, type) the table has; return how many were checked."""
    checked = 0
    for ind in indicators:
        for type_ in types:
            ref = reference(results, territory, ind, type_)
            if ref is None:
                continue
            assert same(ch.value(ind, type_), ref["valeur"] if ref["statut"] == "ok" else math.nan), (ind, type_)
            assert ch.row(ind, type_)["statut"] == ref["statut"]
            checked += 1
    return checked
