"""Choropleth maps of the sub-territories of an edition, on real boundaries or on a tile grid.

One function, :func:`choropleth`, draws both basemaps:

- ``geometries`` given (a GeoDataFrame with ``code`` + polygons in WGS84, e.g. the départements
  of IGN Admin Express): mainland France is drawn in Lambert-93 (EPSG:2154); territories lying
  overseas (the DROM) are drawn in a row of labelled insets under the map, each in its own local
  projection (the WGS84 UTM zone of its centroid) and at its own scale. When the edition covers
  only part of France (e.g. the 13 départements of Occitanie) only those are drawn, no inset.
  ``fig.basemap == "boundaries"``.
- ``geometries=None``: a tile-grid cartogram, one square per département
  (``analysis/resources/tilegrid.csv``, see ``TILEGRID.md``), DROM in a row at the bottom-left and
  Corsica at the bottom-right. ``fig.basemap == "tilegrid"`` and the figure says so in a note.

Académies and régions are unions of départements: :func:`dissolve` (also used on the tile grid,
where unions of unit squares give the académie shapes, drawn with a thicker outline).

Classes come from mapclassify (quantiles, Fisher-Jenks natural breaks) or fixed thresholds;
thresholds are rounded to the display precision and classes are closed on the left
(``[10 ; 20[`` reads "de 10 à 20 %"), so that every value falls in the class its legend names:
"moins de 10 %", "de 10 à 20 %", "20 % et plus". n.c. and secret territories are drawn in
``NC_COLOR`` with hatching and have their own legend entries.

Figures carry: ``basemap``, ``alt_text``, ``source_text``, ``footer_text``, ``classes`` (list of
dicts: label, lower, upper, color, count), ``legend_labels``, ``patches_by_code`` (code ->
PathPatch; one patch per drawn territory), ``insets`` (inset axes, by name) and ``map_ax``.
"""

from __future__ import annotations

import textwrap
import warnings
import weakref
from collections.abc import Mapping, Sequence
from functools import lru_cache

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from analysis.core.config import RESOURCES
from analysis.core.formatting import MISSING_WORDS, UNIT_SEP, fmt_number, fmt_pct, fmt_source, plural, round_half_up
from analysis.core.vocabulary import LEVEL_NOUNS, Noun
from analysis.report.style import (
    MUTED_COLOR,
    NC_COLOR,
    NC_EDGE_COLOR,
    NC_HATCH,
    SECRET_HATCH,
    TEXT_COLOR,
    house_style,
    sequential_colors,
    text_color_on,
)

__all__ = [
    "DROM_CODES",
    "TILEGRID_NOTE",
    "choropleth",
    "classify",
    "dissolve",
    "nice_threshold",
    "prepare_geometries",
    "tilegrid",
    "tilegrid_geometries",
]

TILEGRID_FILE = RESOURCES / "tilegrid.csv"
DROM_CODES = ("971", "972", "973", "974", "976")
TILEGRID_NOTE = f"Carte en tuiles{UNIT_SEP}: une case par département"
NC_LABEL = "n.c. (non communiqué)"
SECRET_LABEL = "secret statistique"
ND_LABEL = "n.d. (non disponible)"
EMPTY_LABEL = "sans objet"
# How territories without a published value are drawn, and their legend entries, by statut.
_MISSING_STYLE = {
    "nc": dict(facecolor=NC_COLOR, hatch=NC_HATCH, label=NC_LABEL),
    "secret": dict(facecolor=NC_COLOR, hatch=SECRET_HATCH, label=SECRET_LABEL),
    "absent": dict(facecolor=NC_COLOR, hatch=None, label=ND_LABEL),
    "vide": dict(facecolor="white", hatch=None, label=EMPTY_LABEL),
}
PARENT_OUTLINE = "#3A3A3A"  # outline of académies / régions on the tile grid
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
_OVERSEAS_ORDER = ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
# matplotlib >= 3.10 draws hatches in their own colour; before, hatches take the edge colour.
_HAS_HATCHCOLOR = tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 10)
_SCHEMES = {"quantiles", "natural_breaks", "fixed", "equal_interval"}


# --------------------------------------------------------------------------------------------
# tile grid
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _tilegrid_table() -> pd.DataFrame:
    table = pd.read_csv(TILEGRID_FILE, dtype={"code": str, "label": str})
    table["col"] = table["col"].astype(int)
    table["row"] = table["row"].astype(int)
    return table


def tilegrid() -> pd.DataFrame:
    """The tile grid: one row per département, columns ``code, col, row, label`` (col grows
    eastwards, row southwards, both from 0)."""
    return _tilegrid_table().copy()


def tilegrid_geometries() -> gpd.GeoDataFrame:
    """Unit squares of the tile grid (``code``, ``label``, ``geometry``), in an abstract plane
    with y pointing north (square of tile (col, row) = [col, col+1] × [-row-1, -row]); no CRS."""
    t = _tilegrid_table()
    boxes = shapely.box(t["col"], -t["row"] - 1, t["col"] + 1, -t["row"])
    return gpd.GeoDataFrame({"code": t["code"], "label": t["label"]}, geometry=boxes, crs=None)


# --------------------------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------------------------
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


def _dissolve_prepared(prepared: gpd.GeoDataFrame, mapping: Mapping[str, str]) -> gpd.GeoDataFrame:
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


def _geom_path(geom) -> MplPath:
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


def _boundary_segments(geoms: Sequence) -> list[np.ndarray]:
    segs = []
    for g in geoms:
        for poly in getattr(g, "geoms", [g]):
            if poly.geom_type != "Polygon":
                continue
            for ring in [poly.exterior, *poly.interiors]:
                segs.append(np.asarray(ring.coords)[:, :2])
    return segs


# --------------------------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------------------------
def _fmt_bound(x: float, unit: str, with_unit: bool = True) -> str:
    d = _decimals_of(x)
    return fmt_pct(x, d) if (unit == "%" and with_unit) else fmt_number(x, d)


def _class_labels(thresholds: Sequence[float], unit: str, vmin: float, vmax: float) -> list[str]:
    """French labels: "moins de 10 %", "de 10 à 20 %", "20 % et plus" (k-1 thresholds)."""
    f = lambda x: _fmt_bound(x, unit)  # noqa: E731
    n = lambda x: _fmt_bound(x, unit, with_unit=False)  # noqa: E731
    if not thresholds:
        lo, hi = round(vmin, 2), round(vmax, 2)
        return [f(lo) if lo == hi else f"de {n(lo)} à {f(hi)}"]
    labels = [f"moins de {f(thresholds[0])}"]
    for lo, hi in zip(thresholds[:-1], thresholds[1:], strict=True):
        labels.append(f"de {n(lo)} à {f(hi)}")
    labels.append(f"{f(thresholds[-1])} et plus")
    return labels


def _decimals_of(x: float) -> int:
    """Decimals needed to print ``x`` exactly (at most 3)."""
    text = repr(round(float(x), 6))
    if "e" in text:
        return 3
    return min(len(text.partition(".")[2].rstrip("0")), 3)


def _display_step(x: np.ndarray, unit: str) -> float:
    """Precision of the class thresholds: whole numbers, tenths when the values are close."""
    spread = float(x.max() - x.min())
    if unit == "ratio":
        return 0.1 if spread < 20 else 1.0
    if unit == "%":
        return 0.1 if spread < 5 else 1.0
    return 1.0


def nice_threshold(low: float, high: float, min_step: float = 0.001) -> float | None:
    """The roundest number t with ``low < t <= high``: a multiple of the largest power of ten
    that fits, else of 5, 2 or 1 times the next one down (``(41.3, 58.7] -> 50``,
    ``(0.2, 0.8] -> 0.5``), or None when the interval is narrower than ``min_step``.
    A threshold there keeps every value ≤ low below it and every value ≥ high above it."""
    if not high > low:
        return None
    top = max(abs(low), abs(high), min_step)
    exp = int(np.floor(np.log10(top))) + 1
    while 10.0**exp >= min_step * 0.999:
        step = 10.0**exp
        for mult in (5, 2, 1):  # 10^(exp+1) was tried before; then 5, 2, 1 × 10^exp
            unit = step * mult
            t = (np.floor(low / unit + 1e-9) + 1) * unit
            t = round(float(t), 10)
            if low < t <= high:
                return t
        exp -= 1
    return None


def classify(
    values: Sequence[float] | np.ndarray,
    *,
    scheme: str = "quantiles",
    k: int = 4,
    bins: Sequence[float] | None = None,
    unit: str = "%",
) -> tuple[list[float], list[str], np.ndarray]:
    """Classes for the finite ``values``: returns (thresholds, French labels, class index per
    value, -1 for NaN). ``thresholds`` are the k-1 boundaries between classes; classes are closed
    on the left: a value equal to a threshold is in the upper class ("20 % et plus" includes 20).

    ``scheme``: "quantiles", "natural_breaks" (Fisher-Jenks, deterministic) or "equal_interval"
    (class memberships from mapclassify), or "fixed" with ``bins`` = the thresholds. For the
    data-driven schemes each threshold is the roundest number between the largest value of a
    class and the smallest of the next one (:func:`nice_threshold`), at the display precision
    (whole numbers; tenths for close values): memberships are mapclassify's, and legends read
    "de 40 à 60 %" rather than "de 41,3 à 58,7 %". When no such number exists the boundary moves
    to the nearest one, shifting as few values as possible.

    Values are classified as the reader sees them, rounded half up to the precision of the
    thresholds (2,96 élèves par terminal reads "3,0" and is in "de 3 à 4", not "moins de 3").
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    idx = np.full(v.shape, -1, dtype=int)
    if scheme not in _SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {sorted(_SCHEMES)}")
    if not ok.any():
        return [], [], idx
    if scheme == "fixed":
        if bins is None or len(bins) == 0:
            raise ValueError("scheme='fixed' needs bins (the thresholds between classes)")
        thresholds = list(dict.fromkeys(sorted(float(b) for b in bins)))
        step = min([0.1 if unit == "ratio" else 1.0] + [10.0 ** -_decimals_of(t) for t in thresholds])
    else:
        step = _display_step(v[ok], unit)
    # classify the values as the reader sees them: rounded half up to the thresholds' precision
    x = np.array([float(round_half_up(val, _decimals_of(step))) for val in v[ok]])
    vmin, vmax = float(x.min()), float(x.max())
    if scheme != "fixed":
        kk = max(1, min(k, len(np.unique(x))))
        thresholds = []
        if kk > 1:
            import mapclassify  # imported on first use: it pulls scipy and sklearn (~0.9 s)

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if scheme == "quantiles":
                    clf = mapclassify.Quantiles(x, k=kk)
                elif scheme == "natural_breaks":
                    clf = mapclassify.FisherJenks(x, k=kk)
                else:
                    clf = mapclassify.EqualInterval(x, k=kk)
            for b in clf.bins[:-1]:
                below, above = x[x <= b], x[x > b]
                if not len(below) or not len(above):
                    continue
                low, high = float(below.max()), float(above.min())
                t = nice_threshold(low, high, min_step=step)
                if t is None:
                    # no round number between the two classes at the display precision: move
                    # the boundary to the nearer multiple of the step, shifting the fewest values
                    t_down = float(np.floor(low / step + 1e-9) * step)
                    t_up = t_down + step
                    moved_down = int(((x >= t_down) & (x <= low)).sum())
                    moved_up = int(((x >= high) & (x < t_up)).sum())
                    t = round(t_down if moved_down <= moved_up else t_up, 10)
                if vmin < t <= vmax and (not thresholds or t > thresholds[-1]):
                    thresholds.append(t)
    idx[ok] = np.searchsorted(np.asarray(thresholds, dtype=float), x, side="right")
    return thresholds, _class_labels(thresholds, unit, vmin, vmax), idx


# --------------------------------------------------------------------------------------------
# the map
# --------------------------------------------------------------------------------------------
def _values_frame(values: pd.DataFrame) -> pd.DataFrame:
    for col in ("code", "valeur"):
        if col not in values.columns:
            raise ValueError(f"values: no {col!r} column")
    codes = values["code"].astype(str).str.strip()
    codes = codes.where(~codes.str.fullmatch(r"\d"), codes.str.zfill(2))  # 1 -> "01"
    out = pd.DataFrame({"code": codes.to_numpy()})
    out["valeur"] = pd.to_numeric(values["valeur"], errors="coerce").astype(float).to_numpy()
    if "statut" in values.columns:
        st = values["statut"].astype("string").str.strip().str.lower().fillna("").to_numpy()
    else:
        st = np.array([""] * len(values), dtype=object)
    st = np.where(np.isin(st, ["ok", *_MISSING_STYLE]), st, "")
    st = np.where(st == "", np.where(np.isnan(out["valeur"]), "nc", "ok"), st)
    st = np.where((st == "ok") & np.isnan(out["valeur"]), "nc", st)
    out["statut"] = st.astype(str)
    out.loc[out["statut"] != "ok", "valeur"] = np.nan
    if out["code"].duplicated().any():
        raise ValueError(f"values: duplicated codes {sorted(out.loc[out['code'].duplicated(), 'code'])}")
    return out


def _default_mapping(level: str, vintage: str | None) -> dict[str, str]:
    from analysis.core import territories  # local import: maps do not need it otherwise

    h = territories.hierarchy(vintage or territories.DEFAULT_VINTAGE)
    h = h[h["statut"] == "departement"]
    return dict(zip(h["departement"].astype(str), h[level].astype(str), strict=True))


def _default_labels(level: str, vintage: str | None) -> dict[str, str]:
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


def _nc_summary(values: pd.DataFrame, level: str) -> str:
    noun = LEVEL_NOUNS.get(level, Noun("territoire", "territoires"))
    sing, plur = noun.singular, noun.plural
    parts = []
    for st in _MISSING_STYLE:
        n = int((values["statut"] == st).sum())
        if n:
            parts.append(f"{MISSING_WORDS[st]} pour {plural(n, sing, plur)}")
    return " ; ".join(parts)


def choropleth(
    values: pd.DataFrame,
    geometries: gpd.GeoDataFrame | None = None,
    *,
    level: str = "departement",
    title: str = "",
    source: str | None = None,
    unit: str | None = None,
    k: int = 4,
    scheme: str = "quantiles",
    bins: Sequence[float] | None = None,
    labels_map: Mapping[str, str] | None = None,
    mapping: Mapping[str, str] | None = None,
    vintage: str | None = None,
    legend_title: str | None = None,
    taux_nc: str | float | None = None,
    reverse: bool = False,
    show_labels: bool | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Choropleth of ``values`` (columns ``code``, ``valeur``, ``statut`` in ok/nc/secret, also
    "absent" = n.d., drawn grey without hatching, and "vide" = sans objet, drawn white).

    The territories drawn are those of ``values`` (the edition's sub-territories). When
    ``geometries`` lacks some of them (e.g. a file without the DROM) the map falls back to the tile
    grid with a warning (``fig.basemap`` tells which was drawn); a code with no tile either
    raises ``ValueError``. ``level``: "departement", "academie" or
    "region" (the level of the codes). Geometries: ``geometries`` at that level, or département
    geometries with ``mapping`` (département -> parent code) to dissolve them; with
    ``geometries=None`` the tile grid is used and, above the département level, dissolved with
    ``mapping`` or, by default, the territories reference of ``vintage``.

    ``scheme``: "quantiles" (default), "natural_breaks" (Fisher-Jenks), "equal_interval" or
    "fixed" (``bins`` = thresholds between classes, e.g. [5, 10, 20] for élèves par terminal).
    Darker = higher value (``reverse=True`` flips it). ``labels_map``: code -> text printed on
    the map instead of the code. ``show_labels``: default True on the tile grid and for editions
    of at most 20 territories on real boundaries (never for the whole of France).
    """
    if level not in LEVEL_NOUNS:
        raise ValueError(f"unknown level {level!r}; expected departement, academie or region")
    if source is None and "source" in values.columns:
        found = values["source"].dropna().astype(str).unique()
        source = ", ".join(found) if len(found) else None
    if unit is None:
        found = values["unite"].dropna().astype(str).unique() if "unite" in values.columns else []
        unit = found[0] if len(found) == 1 else "%"
    vals = _values_frame(values)
    codes = set(vals["code"])
    basemap = "boundaries" if geometries is not None else "tilegrid"

    # -- geometries at the level of the codes ---------------------------------------------
    tiles_dep = None
    if basemap == "tilegrid":
        base = tilegrid_geometries()
        if level != "departement":
            mp = dict(mapping) if mapping is not None else _default_mapping(level, vintage)
            tiles_dep = base[base["code"].map(lambda c: mp.get(c) in codes)].copy()
            tiles_dep["parent"] = tiles_dep["code"].map(mp)
            geo = dissolve(base, mp)
        else:
            geo = base[["code", "geometry"]]
        geo = geo.assign(part="tuiles")
    else:
        prepared = prepare_geometries(geometries)  # cached: projected + simplified once
        if mapping is not None:
            geo = _dissolve_prepared(prepared, mapping)
        else:
            geo = prepared
    missing = sorted(codes - set(geo["code"]))
    if missing and basemap == "boundaries":
        warnings.warn(
            f"no boundary for code(s) {missing} at level {level!r}: drawing the tile grid instead",
            stacklevel=2,
        )
        return choropleth(
            values, None, level=level, title=title, source=source, unit=unit, k=k, scheme=scheme,
            bins=bins, labels_map=labels_map, mapping=mapping, vintage=vintage,
            legend_title=legend_title, taux_nc=taux_nc, reverse=reverse,
            show_labels=show_labels, figsize=figsize,
        )
    if missing:
        raise ValueError(f"no tile for code(s) {missing} at level {level!r}")
    geo = geo[geo["code"].isin(codes)].reset_index(drop=True)

    # -- classes ----------------------------------------------------------------------------
    thresholds, class_labels, idx = classify(vals["valeur"].to_numpy(), scheme=scheme, k=k, bins=bins, unit=unit)
    colors = sequential_colors(len(class_labels), reverse=reverse) if class_labels else []
    vals["classe"] = idx
    by_code = vals.set_index("code")

    def style_of(code: str) -> dict:
        row = by_code.loc[code]
        if row["statut"] == "ok":
            return dict(facecolor=colors[int(row["classe"])], hatch=None)
        style = _MISSING_STYLE[row["statut"]]
        return dict(facecolor=style["facecolor"], hatch=style["hatch"])

    overseas_parts = [p for p in _OVERSEAS_ORDER if p in set(geo["part"])]
    other_parts = sorted(set(geo["part"]) - {"metropole", "tuiles", *overseas_parts})
    overseas_parts += other_parts
    has_main = (geo["part"] == "metropole").any()
    use_insets = basemap == "boundaries" and has_main and bool(overseas_parts)
    n_drawn = len(geo)
    if show_labels is None:
        show_labels = basemap == "tilegrid" or n_drawn <= 20

    # -- title, source line, notes (their height sets the margins) ---------------------------
    if taux_nc is None and {"non_communique", "univers"} <= set(values.columns):
        nc_sum = pd.to_numeric(values["non_communique"], errors="coerce").sum()
        un_sum = pd.to_numeric(values["univers"], errors="coerce").sum()
        taux_nc = 100 * nc_sum / un_sum if un_sum > 0 else None
    elif taux_nc is None and "taux_nc" in values.columns:
        rates = pd.to_numeric(values["taux_nc"], errors="coerce").dropna()
        taux_nc = float(rates.iloc[0]) if len(rates) and rates.nunique() == 1 else None
    source_line = fmt_source(source, taux_nc) if source else ""
    lines = [source_line] if source_line else []
    if basemap == "tilegrid":
        lines.append(TILEGRID_NOTE + ("" if level == "departement" else
                                      f", contour épais{UNIT_SEP}: {LEVEL_NOUNS[level].singular}"))
    footer = "\n".join(lines)
    title_text = textwrap.fill(title, 70) if title else ""
    top_in = 0.15 + (0.24 * (title_text.count("\n") + 1) + 0.12 if title_text else 0)
    bottom_in = 0.1 + (0.17 * len(lines) + 0.08 if lines else 0)

    with house_style():
        if figsize is None:
            figsize = _figsize(geo, basemap, use_insets, top_in + bottom_in)
        fig_h = figsize[1]
        map_bottom, map_top = bottom_in / fig_h, 1 - top_in / fig_h
        fig = Figure(figsize=figsize)
        patches: dict[str, PathPatch] = {}
        insets: dict[str, object] = {}

        if basemap == "tilegrid":
            ax = fig.add_axes((0.0, map_bottom, 0.74, map_top - map_bottom))
            if tiles_dep is None:
                _draw_parts(ax, geo, style_of, patches, edge="white", linewidth=0.8)
            else:
                # académies / régions: unions of tiles with a thick dark outline, the
                # département tiles inside in thin white lines
                _draw_parts(ax, geo, style_of, patches, edge=PARENT_OUTLINE, linewidth=1.3)
                ax.add_collection(LineCollection(_boundary_segments(tiles_dep.geometry), colors="white",
                                                 linewidths=0.6, zorder=2.1))
                ax.add_collection(LineCollection(_boundary_segments(geo.geometry), colors=PARENT_OUTLINE,
                                                 linewidths=1.3, zorder=2.2, capstyle="round",
                                                 joinstyle="round"))
            if show_labels:
                tile_in = _tile_inches(fig, ax)
                tile_font = float(np.clip(6.5 * tile_in / 0.41, 5.5, 10.0))
                t = _tilegrid_table().set_index("code")
                tile_codes = tiles_dep["code"] if tiles_dep is not None else geo["code"]
                parent_of = dict(zip(tiles_dep["code"], tiles_dep["parent"], strict=True)) if tiles_dep is not None else {}
                for c in tile_codes:
                    col, row = t.loc[c, "col"], t.loc[c, "row"]
                    owner = parent_of.get(c, c)
                    fc = patches[owner].get_facecolor() if owner in patches else NC_COLOR
                    text = labels_map.get(c, c) if labels_map else c
                    ax.text(col + 0.5, -row - 0.5, text, ha="center", va="center",
                            fontsize=tile_font * (1.0 if tiles_dep is None else 0.85),
                            color=text_color_on(_hex(fc)), zorder=4)
            if any(p.startswith("97") for p in geo["code"]) and level == "departement":
                ax.text(0.0, -13.0 - 1.12, "Outre-mer", ha="left", va="top", fontsize=6.5, color=MUTED_COLOR)
            _finish_geo_ax(ax)
            map_ax = ax
        elif use_insets:
            n = len(overseas_parts)
            inset_h = 1.0 / fig_h  # one-inch boxes, their labels above
            inset_bottom = map_bottom
            main_bottom = inset_bottom + inset_h + 0.35 / fig_h
            ax = fig.add_axes((0.0, main_bottom, 0.74, map_top - main_bottom))
            _draw_parts(ax, geo[geo["part"] == "metropole"], style_of, patches, edge="white", linewidth=0.35)
            _finish_geo_ax(ax)
            width = 0.74 / max(n, 5)
            for i, part in enumerate(overseas_parts):
                iax = fig.add_axes((i * width + 0.005, inset_bottom, width - 0.014, inset_h))
                _draw_parts(iax, geo[geo["part"] == part], style_of, patches, edge="white", linewidth=0.35)
                _finish_geo_ax(iax, frame=True)
                iax.set_title(part, fontsize=7, fontweight="normal", loc="center", pad=2, color=TEXT_COLOR)
                insets[part] = iax
            map_ax = ax
        else:
            ax = fig.add_axes((0.0, map_bottom, 0.74, map_top - map_bottom))
            _draw_parts(ax, geo, style_of, patches, edge="white", linewidth=0.5)
            _finish_geo_ax(ax)
            if show_labels:
                names = dict(labels_map) if labels_map else _default_labels(level, vintage)
                for code, geom in zip(geo["code"], geo.geometry, strict=True):
                    p = geom.representative_point() if geom.area > 0 else geom.centroid
                    fc = patches[code].get_facecolor()
                    text = textwrap.fill(names.get(code, code), 16)
                    ax.text(p.x, p.y, text, ha="center", va="center", fontsize=7,
                            color=text_color_on(_hex(fc)), zorder=4)
            map_ax = ax

        # -- legend ---------------------------------------------------------------------------
        counts = np.bincount(idx[idx >= 0], minlength=len(class_labels)) if class_labels else []
        order = list(range(len(class_labels)))[::-1]  # highest class on top
        handles = [Patch(facecolor=colors[i], edgecolor="none", label=class_labels[i]) for i in order]
        for st, style in _MISSING_STYLE.items():
            if (vals["statut"] == st).any():
                handles.append(Patch(facecolor=style["facecolor"], edgecolor=NC_EDGE_COLOR, hatch=style["hatch"],
                                     linewidth=0.5, label=style["label"]))
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.76, map_top),
                         title=legend_title, alignment="left", handlelength=1.4, handleheight=1.1,
                         labelspacing=0.5, borderaxespad=0)
        legend_labels = [h.get_label() for h in handles]

        if title_text:
            fig.text(0.0, 1.0 - 0.1 / fig_h, title_text, ha="left", va="top", fontsize=11,
                     fontweight="bold", color=TEXT_COLOR)
        if footer:
            fig.text(0.0, 0.04 / fig_h, footer, ha="left", va="bottom", fontsize=7.5, color=MUTED_COLOR,
                     linespacing=1.4)

        sing, plur = LEVEL_NOUNS[level].singular, LEVEL_NOUNS[level].plural
        class_txt = " ; ".join(
            f"{lab}{UNIT_SEP}: {plural(int(c), sing, plur)}" for lab, c in zip(class_labels, counts, strict=True)
        )
        nc_txt = _nc_summary(vals, level)
        kind = "carte en tuiles (une case par département)" if basemap == "tilegrid" else "carte"
        alt = f"{kind.capitalize()} de {plural(n_drawn, sing, plur)}"
        if title:
            alt += f" — {title.rstrip('.')}"
        alt += f", par classe — {class_txt}" if class_txt else f"{UNIT_SEP}: aucune valeur publiée"
        if nc_txt:
            alt += f" ; {nc_txt}"
        alt += "."

        fig.basemap = basemap
        fig.alt_text = alt
        fig.source_text = source_line
        fig.footer_text = footer
        fig.classes = [
            dict(label=class_labels[i], lower=(thresholds[i - 1] if i > 0 else None),
                 upper=(thresholds[i] if i < len(thresholds) else None), color=colors[i], count=int(counts[i]))
            for i in range(len(class_labels))
        ]
        fig.legend_labels = legend_labels
        fig.patches_by_code = patches
        fig.insets = insets
        fig.map_ax = map_ax
        fig.map_legend = leg
        return fig


def _tile_inches(fig: Figure, ax) -> float:
    """Side of one tile in inches, given the axes box and its equal-aspect data limits."""
    _, _, w, h = ax.dataLim.bounds
    box_w = ax.get_position().width * fig.get_figwidth()
    box_h = ax.get_position().height * fig.get_figheight()
    return min(box_w / max(w, 1e-9), box_h / max(h, 1e-9)) / 1.04  # margins


def _hex(color) -> str:
    from matplotlib.colors import to_hex

    return to_hex(color)


def _figsize(geo: gpd.GeoDataFrame, basemap: str, insets: bool, margins_in: float) -> tuple[float, float]:
    """Figure size: the map takes 74 % of the width (legend on the right) and the height left
    by the title and source lines (``margins_in``); France with insets is 7.2 × ~6.9 in, the
    France tile grid about 7.2 × 6.5 in (0.41 in per tile)."""
    if insets:
        return (7.2, round(5.2 + 1.35 + margins_in, 2))
    x0, y0, x1, y1 = shapely.total_bounds(geo.geometry.to_numpy())
    w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    if basemap == "tilegrid":
        tile = min(0.75, 5.3 / w, 5.6 / h)  # inches per tile: 0.41 for France
        map_w, map_h = w * tile, h * tile
    else:
        map_w = 5.3
        map_h = min(map_w * h / w, 6.0)
        map_w = map_h * w / h
    width = max(map_w * 1.04 / 0.74, 5.6)
    height = max(map_h * 1.04 + margins_in, 3.0)
    return (round(width, 2), round(height, 2))


def _draw_parts(ax, geo, style_of, patches: dict, *, edge: str, linewidth: float) -> None:
    """One PathPatch per territory. Patches are added with ``add_artist`` (they still show in
    ``ax.patches``) and the data limits are set from the geometry bounds: ``add_patch`` would
    walk every Bézier segment of every path to update the limits (~1 s for France)."""
    for code, geom in zip(geo["code"], geo.geometry, strict=True):
        st = style_of(code)
        kw = {"hatchcolor": NC_EDGE_COLOR} if _HAS_HATCHCOLOR else {}
        grey_edge = st["facecolor"] == "white" or (st["hatch"] and not _HAS_HATCHCOLOR)
        patch = PathPatch(
            _geom_path(geom),
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


def _finish_geo_ax(ax, *, frame: bool = False) -> None:
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
