"""The basemaps of the maps: the tile grid, real boundaries projected and simplified for drawing,
and unions of départements (académies, régions académiques).

- The tile grid (``analysis/resources/tilegrid.csv``, see ``TILEGRID.md``): one square per
  département, DROM in a row at the bottom-left and Corsica at the bottom-right.
- Real boundaries (a GeoDataFrame with ``code`` + polygons in WGS84, e.g. the départements of IGN
  Admin Express): mainland France in Lambert-93 (EPSG:2154), each territory lying overseas (the
  DROM) in its own local projection (the WGS84 UTM zone of its centroid).
- :func:`dissolve`: académies and régions are unions of départements.

:func:`draw_territories` draws them, one patch per territory.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from functools import lru_cache

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from analysis.core.config import RESOURCES
from analysis.report.style import NC_EDGE_COLOR

__all__ = ["DROM_CODES", "OVERSEAS_ORDER", "dissolve", "dissolve_prepared", "draw_territories", "finish_map_axes",
           "prepare_geometries", "tilegrid",
           "tilegrid_geometries"]

TILEGRID_FILE = RESOURCES / "tilegrid.csv"
DROM_CODES = ("971", "972", "973", "974", "976")
MAINLAND_CRS = "EPSG:2154"  # RGF93 / Lambert-93
# Mainland France incl. Corsica, in lon/lat: anything whose centroid is outside is overseas.
_MAINLAND_BOX = (-5.8, 41.0, 10.0, 51.6)
# Names of the overseas territories at each level (départements, académies, régions 2016).
_OVERSEAS_NAMES = {
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion", "976": "Mayotte",
    "guadeloupe": "Guadeloupe", "martinique": "Martinique", "guyane": "Guyane",
    "la-reunion": "La Réunion", "reunion": "La Réunion", "mayotte": "Mayotte",
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
}
OVERSEAS_ORDER = ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
# matplotlib >= 3.10 draws hatches in their own colour; before, hatches take the edge colour.
_HAS_HATCHCOLOR = tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 10)


@lru_cache(maxsize=1)
def tilegrid_table() -> pd.DataFrame:
    table = pd.read_csv(TILEGRID_FILE, dtype={"code": str, "label": str})
    table["col"] = table["col"].astype(int)
    table["row"] = table["row"].astype(int)
    return table


def tilegrid() -> pd.DataFrame:
    """The tile grid: one row per département, columns ``code, col, row, label`` (col grows
    eastwards, row southwards, both from 0)."""
    return tilegrid_table().copy()


def tilegrid_geometries() -> gpd.GeoDataFrame:
    """Unit squares of the tile grid (``code``, ``label``, ``geometry``), in an abstract plane
    with y pointing north (square of tile (col, row) = [col, col+1] × [-row-1, -row]); no CRS."""
    t = tilegrid_table()
    boxes = shapely.box(t["col"], -t["row"] - 1, t["col"] + 1, -t["row"])
    return gpd.GeoDataFrame({"code": t["code"], "label": t["label"]}, geometry=boxes, crs=None)


def dissolve(geometries: gpd.GeoDataFrame, mapping: Mapping[str, str]) -> gpd.GeoDataFrame:
    """Unions of départements: ``mapping`` maps a département code to its parent's code
    (académie slug, région code). Rows whose code is not in ``mapping`` (or maps to an empty
    value) are dropped. Returns ``code`` + ``geometry``, sorted by code, same CRS. Shared edges
    disappear: the union of the tiles of an académie is one polygon."""
    codes = geometries["code"].astype(str)
    parent = codes.map(lambda c: mapping.get(c))
    keep = parent.notna() & (parent.astype(str) != "")
    sub = geometries.loc[keep.to_numpy()]
    parent = parent[keep].astype(str).to_numpy()
    out_codes, out_geoms = [], []
    for code in sorted(set(parent)):
        geoms = sub.geometry.to_numpy()[parent == code]
        try:
            union = shapely.coverage_union_all(geoms)
            if not union.is_valid:
                raise shapely.errors.GEOSException("invalid coverage union")
        except shapely.errors.GEOSException:
            union = shapely.union_all(geoms)
        out_codes.append(code)
        out_geoms.append(union)
    return gpd.GeoDataFrame({"code": out_codes}, geometry=out_geoms, crs=geometries.crs)


def dissolve_prepared(prepared: gpd.GeoDataFrame, mapping: Mapping[str, str]) -> gpd.GeoDataFrame:
    """Dissolve projected, simplified départements, keeping each union's part (mainland or an
    overseas territory, whose projection differs: members of one parent must share a part)."""
    out = []
    for part, sub in prepared.groupby("part", sort=False):
        d = dissolve(sub, mapping)
        if len(d):
            out.append(d.assign(part=part, crs=sub["crs"].iloc[0]))
    if not out:
        return prepared.iloc[:0]
    result = pd.concat(out, ignore_index=True)
    dup = result["code"].duplicated(keep=False)
    if dup.any():
        raise ValueError(f"parents spanning mainland and overseas: {sorted(set(result.loc[dup, 'code']))}")
    return gpd.GeoDataFrame(result, geometry="geometry", crs=None)


def _utm_crs(lon: float, lat: float) -> str:
    zone = int((lon + 180) // 6) + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def _is_overseas(geoms: np.ndarray) -> np.ndarray:
    pts = shapely.centroid(geoms)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    x0, y0, x1, y1 = _MAINLAND_BOX
    return ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))


_PREPARED: dict[tuple, tuple[weakref.ref, gpd.GeoDataFrame]] = {}


def prepare_geometries(geometries: gpd.GeoDataFrame, *, tolerance: float | None = None) -> gpd.GeoDataFrame:
    """Project and simplify boundaries for drawing; the result is cached per input frame.

    Returns ``code``, ``part`` ("metropole" or the overseas territory's name), ``crs`` (of
    that part) and ``geometry`` (projected coordinates, metres): mainland in Lambert-93,
    each overseas territory in its local UTM zone. Simplification keeps shared borders
    (coverage simplification) with a tolerance of 1/1500 of the drawn extent by default.
    """
    key = (id(geometries), len(geometries), tuple(np.round(geometries.total_bounds, 6)), tolerance)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0]() is geometries:
        return hit[1]
    gdf = geometries
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    elif not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    gdf = gdf[["code", "geometry"]].copy()
    gdf["code"] = gdf["code"].astype(str)
    gdf = gdf[~gdf.geometry.is_empty & gdf.geometry.notna()]
    overseas = _is_overseas(gdf.geometry.to_numpy())
    parts = []
    main = gdf[~overseas]
    if len(main):
        proj = main.to_crs(MAINLAND_CRS)
        parts.append(_simplify(proj, "metropole", MAINLAND_CRS, tolerance))
    for idx in np.flatnonzero(overseas):
        one = gdf.iloc[[idx]]
        c = one.geometry.iloc[0].centroid
        crs = _utm_crs(c.x, c.y)
        name = _OVERSEAS_NAMES.get(one["code"].iloc[0], one["code"].iloc[0])
        parts.append(_simplify(one.to_crs(crs), name, crs, tolerance))
    out = pd.concat(parts, ignore_index=True) if parts else gdf.iloc[:0].assign(part=[], crs=[])
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=None)
    # keep only a few entries: editions reuse the same one or two frames
    if len(_PREPARED) > 8:
        _PREPARED.clear()
    _PREPARED[key] = (weakref.ref(geometries), out)
    return out


def _simplify(gdf: gpd.GeoDataFrame, part: str, crs: str, tolerance: float | None) -> pd.DataFrame:
    geoms = gdf.geometry.to_numpy()
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    tol = tolerance if tolerance is not None else max(x1 - x0, y1 - y0) / 1500
    try:
        simple = shapely.coverage_simplify(geoms, tol)
        bad = ~shapely.is_valid(simple) | shapely.is_empty(simple)
        if bad.any():
            simple[bad] = shapely.simplify(geoms[bad], tol)
    except (shapely.errors.GEOSException, AttributeError):
        simple = shapely.simplify(geoms, tol, preserve_topology=True)
    return pd.DataFrame({"code": gdf["code"].to_numpy(), "part": part, "crs": crs, "geometry": simple})


def geom_path(geom) -> MplPath:
    """A matplotlib compound path for a (multi)polygon, holes included."""
    verts, codes = [], []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def boundary_segments(geoms: Sequence) -> list[np.ndarray]:
    segs = []
    for g in geoms:
        for poly in getattr(g, "geoms", [g]):
            if poly.geom_type != "Polygon":
                continue
            for ring in [poly.exterior, *poly.interiors]:
                segs.append(np.asarray(ring.coords)[:, :2])
    return segs


def default_mapping(level: str, vintage: str | None) -> dict[str, str]:
    from analysis.core import territories  # local import: maps do not need it otherwise

    h = territories.hierarchy(vintage or territories.DEFAULT_VINTAGE)
    h = h[h["statut"] == "departement"]
    return dict(zip(h["departement"].astype(str), h[level].astype(str), strict=True))


def default_labels(level: str, vintage: str | None) -> dict[str, str]:
    """Codes for départements, names for académies and régions (printed on partial maps)."""
    if level == "departement":
        return {}
    from analysis.core import territories

    v = vintage or territories.DEFAULT_VINTAGE
    try:
        if level == "academie":
            t = territories.academies(v)
            return dict(zip(t["academie"].astype(str), t["academie_nom"].astype(str), strict=True))
        t = territories.regions(v)
        return dict(zip(t["region"].astype(str), t["region_nom"].astype(str), strict=True))
    except Exception:  # noqa: BLE001 - labels are a nicety, never a failure
        return {}


# ------------------------------------------------------------------ drawing
def draw_territories(ax, geo, style_of, patches: dict, *, edge: str, linewidth: float) -> None:
    """One PathPatch per territory. Patches are added with ``add_artist`` (they still show in
    ``ax.patches``) and the data limits are set from the geometry bounds: ``add_patch`` would
    walk every Bézier segment of every path to update the limits (~1 s for France)."""
    for code, geom in zip(geo["code"], geo.geometry, strict=True):
        st = style_of(code)
        kw = {"hatchcolor": NC_EDGE_COLOR} if _HAS_HATCHCOLOR else {}
        grey_edge = st["facecolor"] == "white" or (st["hatch"] and not _HAS_HATCHCOLOR)
        patch = PathPatch(
            geom_path(geom),
            facecolor=st["facecolor"],
            edgecolor=NC_EDGE_COLOR if grey_edge else edge,
            linewidth=linewidth,
            hatch=st["hatch"],
            joinstyle="round",
            zorder=2,
            **kw,
        )
        patch.set_gid(str(code))
        ax.add_artist(patch)
        patches[str(code)] = patch
    if len(geo):
        x0, y0, x1, y1 = shapely.total_bounds(geo.geometry.to_numpy())
        ax.update_datalim([(x0, y0), (x1, y1)])
    ax.autoscale_view()


def finish_map_axes(ax, *, frame: bool = False) -> None:
    # "datalim": keep the axes box (insets all the same size), widen the data limits instead
    ax.set_aspect("equal", adjustable="datalim" if frame else "box")
    ax.autoscale_view()
    ax.margins(0.02)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for name, spine in ax.spines.items():
        spine.set_visible(frame)
        spine.set_color("#BBBBBB")
        spine.set_linewidth(0.6)
        del name
    ax.set_facecolor("none")
