"""The SVG drawings of the explorer (:mod:`analysis.build.explorer`), without colours nor words.

- :func:`france_shapes`: one path per département of France, on the real boundaries when the
  data folder has them (projected and simplified as the report's maps do,
  :func:`analysis.report.map_geometry.prepare_geometries`: mainland France in Lambert-93, each
  DROM in its own local projection, drawn in a row of insets under the mainland), else on the
  report's tile grid (one square per département, the DROM in a row at the bottom-left).
- :func:`departement_points`: the établissements of one département as points, projected as its
  boundary is (or in Lambert-93 / the local UTM zone without boundaries), with the département's
  outline when there is one.

Coordinates are in a fixed ``viewBox`` (:data:`WIDTH` wide), rounded to tenths: the page scales
the drawing to its width (390 px on a phone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# analysis.report.map_geometry (geopandas, matplotlib: ~0.45 s) is imported where a shape is drawn: an
# index page whose basemap and maps are up to date does not need it.

WIDTH = 800.0
#: Mainland France's box, then the row of DROM insets under it (viewBox units).
MAINLAND_HEIGHT = 760.0
INSET_TOP, INSET_HEIGHT, INSET_GAP = 790.0, 130.0, 12.0
TILE, TILE_GAP = 56.0, 3.0
POINTS_HEIGHT = 700.0
MAINLAND_CRS = "EPSG:2154"


@dataclass(frozen=True)
class Shape:
    """One département as drawn: its code, SVG path data and the centre of its label (tiles)."""

    code: str
    d: str
    label_at: tuple[float, float] | None = None


@dataclass(frozen=True)
class Basemap:
    """The départements drawn (:class:`Shape`), the height of the viewBox, which basemap
    ("boundaries" or "tilegrid") and the titled frames of the insets (title, x, y, w, h)."""

    shapes: tuple[Shape, ...]
    height: float
    kind: str
    frames: tuple[tuple[str, float, float, float, float], ...] = ()

    def to_json(self) -> dict:
        return {"shapes": [[s.code, s.d, list(s.label_at) if s.label_at else None] for s in self.shapes],
                "height": self.height, "kind": self.kind, "frames": [list(f) for f in self.frames]}

    @classmethod
    def from_json(cls, data: dict) -> Basemap:
        return cls(tuple(Shape(c, d, tuple(at) if at else None) for c, d, at in data["shapes"]), data["height"],
                   data["kind"], tuple(tuple(f) for f in data["frames"]))


def _num(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def path_data(geom, transform) -> str:
    """SVG path data of a (multi)polygon, holes included, through ``transform`` (x, y arrays ->
    x, y arrays); repeated points after rounding are dropped."""
    out = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            x, y = transform(xy[:, 0], xy[:, 1])
            pts = np.round(np.column_stack([x, y]), 1)
            keep = np.ones(len(pts), dtype=bool)
            keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
            pts = pts[keep]
            if len(pts) < 3:
                continue
            out.append("M" + " ".join(f"{_num(a)},{_num(b)}" for a, b in pts) + "Z")
    return "".join(out)


def _fit(bounds, box: tuple[float, float, float, float]):
    """A transform of projected coordinates (y north) into ``box`` (x, y, w, h; y down), centred,
    aspect kept."""
    x0, y0, x1, y1 = bounds
    bx, by, bw, bh = box
    scale = min(bw / max(x1 - x0, 1e-9), bh / max(y1 - y0, 1e-9))
    ox = bx + (bw - (x1 - x0) * scale) / 2
    oy = by + (bh - (y1 - y0) * scale) / 2
    return lambda x, y: (ox + (np.asarray(x) - x0) * scale, oy + (y1 - np.asarray(y)) * scale)


def france_shapes(geometries=None) -> Basemap:
    """The départements of France: real boundaries (a GeoDataFrame with ``code`` + polygons in
    WGS84) with the DROM in insets, or the tile grid when ``geometries`` is None or lacks some
    département of the grid."""
    from analysis.report.map_geometry import tilegrid

    if geometries is not None:
        wanted = set(tilegrid()["code"])
        if wanted <= set(geometries["code"].astype(str)):
            return _boundaries(geometries[geometries["code"].astype(str).isin(wanted)])
    return _tiles()


def _boundaries(geometries) -> Basemap:
    import shapely

    from analysis.report.map_geometry import OVERSEAS_ORDER, prepare_geometries

    prepared = prepare_geometries(geometries)
    shapes, frames = [], []
    main = prepared[prepared["part"] == "metropole"]
    fit = _fit(shapely.total_bounds(main.geometry.to_numpy()), (0, 0, WIDTH, MAINLAND_HEIGHT))
    shapes += [Shape(c, path_data(g, fit)) for c, g in zip(main["code"], main.geometry, strict=True)]
    parts = [p for p in OVERSEAS_ORDER if p in set(prepared["part"])]
    width = (WIDTH - INSET_GAP * (len(OVERSEAS_ORDER) - 1)) / len(OVERSEAS_ORDER)
    for i, part in enumerate(parts):
        sub = prepared[prepared["part"] == part]
        x = i * (width + INSET_GAP)
        box = (x + 6, INSET_TOP + 22, width - 12, INSET_HEIGHT - 28)
        fit = _fit(shapely.total_bounds(sub.geometry.to_numpy()), box)
        shapes += [Shape(c, path_data(g, fit)) for c, g in zip(sub["code"], sub.geometry, strict=True)]
        frames.append((part, x, INSET_TOP, width, INSET_HEIGHT))
    return Basemap(tuple(shapes), INSET_TOP + INSET_HEIGHT + 2, "boundaries", tuple(frames))


def _tiles() -> Basemap:
    from analysis.report.map_geometry import DROM_CODES, tilegrid

    grid = tilegrid()
    scale = WIDTH / ((grid["col"].max() + 1) * (TILE + TILE_GAP))      # the grid drawn WIDTH wide
    side, step, drop = TILE * scale, (TILE + TILE_GAP) * scale, 12 * scale  # the DROM a little lower
    shapes = []
    for code, col, row in zip(grid["code"], grid["col"], grid["row"], strict=True):
        x, y = col * step, row * step + (drop if code in DROM_CODES else 0)
        d = f"M{_num(x)},{_num(y)}h{_num(side)}v{_num(side)}h-{_num(side)}Z"
        shapes.append(Shape(str(code), d, (round(x + side / 2, 1), round(y + side / 2, 1))))
    return Basemap(tuple(shapes), round((grid["row"].max() + 1) * step + drop + 2, 1), "tilegrid")


@dataclass(frozen=True)
class Points:
    """The établissements of one département as drawn: the positions (viewBox units) of those
    with coordinates (``kept``: their index in the input), the outline's path data ("" without
    boundaries) and the viewBox's height."""

    x: np.ndarray
    y: np.ndarray
    kept: np.ndarray
    outline: str
    height: float


def _crs_of(lon: np.ndarray, lat: np.ndarray, code: str) -> str:
    from analysis.report.map_geometry import DROM_CODES

    if code not in DROM_CODES:
        return MAINLAND_CRS
    lon0, lat0 = float(np.nanmedian(lon)), float(np.nanmedian(lat))
    zone = int((lon0 + 180) // 6) + 1
    return f"EPSG:{(32600 if lat0 >= 0 else 32700) + zone}"


def departement_points(code: str, lon, lat, geometries=None) -> Points:
    """Project the points (WGS84) of the établissements of département ``code``: in the
    projection of its boundary (those outside its box, misplaced, are left out) or, without
    boundaries, in Lambert-93 (the local UTM zone for a DROM)."""
    import shapely
    from pyproj import Transformer

    from analysis.report.map_geometry import prepare_geometries

    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    outline, bounds, crs = None, None, None
    if geometries is not None:
        prepared = prepare_geometries(geometries)
        row = prepared[prepared["code"] == code]
        if len(row):
            outline, crs = row.geometry.iloc[0], row["crs"].iloc[0]
            bounds = outline.bounds
    if crs is None:
        crs = _crs_of(lon[ok], lat[ok], code) if ok.any() else MAINLAND_CRS
    x = np.full(len(lon), np.nan)
    y = np.full(len(lon), np.nan)
    if ok.any():
        x[ok], y[ok] = Transformer.from_crs(4326, crs, always_xy=True).transform(lon[ok], lat[ok])
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        mx, my = (x1 - x0) * 0.05, (y1 - y0) * 0.05
        ok &= (x >= x0 - mx) & (x <= x1 + mx) & (y >= y0 - my) & (y <= y1 + my)
    elif ok.any():
        bounds = (x[ok].min(), y[ok].min(), x[ok].max(), y[ok].max())
    else:
        bounds = (0.0, 0.0, 1.0, 1.0)
    x0, y0, x1, y1 = bounds
    height = min(POINTS_HEIGHT, max(WIDTH * (y1 - y0) / max(x1 - x0, 1e-9), 240.0))
    fit = _fit(bounds, (10, 10, WIDTH - 20, height - 20))
    kept = np.flatnonzero(ok)
    px, py = fit(x[kept], y[kept]) if len(kept) else (np.array([]), np.array([]))
    d = path_data(outline, fit) if outline is not None and not shapely.is_empty(outline) else ""
    return Points(np.round(px, 1), np.round(py, 1), kept, d, round(height, 1))
