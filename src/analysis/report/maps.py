"""Choropleth maps of the sub-territories of an edition, on real boundaries or on a tile grid.

One function, :func:`choropleth`, draws both basemaps (:mod:`.map_geometry`); its title, source,
classes and labels are a :class:`MapOptions`:

- ``geometries`` given (a GeoDataFrame with ``code`` + polygons in WGS84, e.g. the départements
  of IGN Admin Express): mainland France is drawn in Lambert-93; territories lying overseas (the
  DROM) are drawn in a row of labelled insets under the map, each in its own local projection
  and at its own scale. When the edition covers only part of France (e.g. the 13 départements of
  Occitanie) only those are drawn, no inset. ``fig.basemap == "boundaries"``.
- ``geometries=None``: a tile-grid cartogram, one square per département, DROM in a row at the
  bottom-left and Corsica at the bottom-right; académies and régions are unions of tiles drawn
  with a thicker outline. ``fig.basemap == "tilegrid"`` and the figure says so in a note.

Classes (:mod:`.map_classes`) are closed on the left with French legends ("moins de 10 %", "de
10 à 20 %", "20 % et plus"). n.c. and secret territories are drawn in ``NC_COLOR`` with hatching
and have their own legend entries.

Figures carry: ``basemap``, ``alt_text``, ``source_text``, ``footer_text``, ``classes`` (list of
dicts: label, lower, upper, color, count), ``legend_labels``, ``patches_by_code`` (code ->
PathPatch; one patch per drawn territory), ``insets`` (inset axes, by name) and ``map_ax``.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch

from analysis.core.formatting import UNIT_SEP, plural
from analysis.core.statuts import Statut
from analysis.core.vocabulary import LEVEL_NOUNS, Noun
from analysis.report import chart_parts
from analysis.report.figure_store import stored
from analysis.report.map_classes import classify
from analysis.report.map_geometry import (
    OVERSEAS_ORDER,
    boundary_segments,
    default_labels,
    default_mapping,
    dissolve,
    dissolve_prepared,
    draw_territories,
    finish_map_axes,
    prepare_geometries,
    tilegrid_geometries,
    tilegrid_table,
)
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

__all__ = ["TILEGRID_NOTE", "MapOptions", "choropleth"]

TILEGRID_NOTE = f"Carte en tuiles{UNIT_SEP}: une case par département"
# How territories without a published value are drawn, and their legend entries, by statut.
_MISSING_STYLE = {
    Statut.NC: dict(facecolor=NC_COLOR, hatch=NC_HATCH, label=f"{Statut.NC.mark} ({Statut.NC.words})"),
    Statut.SECRET: dict(facecolor=NC_COLOR, hatch=SECRET_HATCH, label=Statut.SECRET.words),
    Statut.ABSENT: dict(facecolor=NC_COLOR, hatch=None, label=f"{Statut.ABSENT.mark} ({Statut.ABSENT.words})"),
    Statut.HORS_QUESTIONNAIRE: dict(facecolor=NC_COLOR, hatch=None,
                                    label=f"{Statut.HORS_QUESTIONNAIRE.mark} ({Statut.HORS_QUESTIONNAIRE.words})"),
    Statut.VIDE: dict(facecolor="white", hatch=None, label=Statut.VIDE.words),
}
PARENT_OUTLINE = "#3A3A3A"  # outline of académies / régions on the tile grid
TITLE_WRAP = 70               # characters per line of a map's title
MAP_TEXT_WIDTH_IN = 6.4       # the width the source line of a map is wrapped for
#: The thick dark border of an outlined territory (:func:`_draw_outlines`), as SVG style.
OUTLINE_WIDTH = 1.8
OUTLINE_STYLE = f"fill: none; stroke: {TEXT_COLOR}; stroke-width: {OUTLINE_WIDTH}; stroke-linejoin: round"
MAP_WIDTH = 0.74  # share of the figure's width taken by the map, the legend on its right


@dataclass(frozen=True)
class MapOptions:
    """How a choropleth presents its values: its words, its classes, what it prints on the map.

    Words: ``title``; ``source``, the finished source line, printed as it is (by default made of
    the values' ``source`` column and n.c. rates: Σ non-respondents / Σ universe of the territories
    drawn, :mod:`analysis.core.nc`); ``unit`` of the values and classes (by default their ``unite``
    column, else "%"); ``legend_title``.

    Classes (:func:`analysis.report.map_classes.classify`): ``scheme`` "quantiles" (default),
    "natural_breaks" (Fisher-Jenks), "equal_interval" or "fixed" (``bins`` = thresholds between
    classes, e.g. (5, 10, 20) for élèves par terminal); ``k`` classes. Darker = higher value
    (``reverse=True`` flips it).

    On the map: ``labels_map``, code -> text printed instead of the code; ``show_labels``, by
    default True on the tile grid and for editions of at most 20 territories on real boundaries
    (never for the whole of France); ``outline``, codes drawn with a thick dark border on top
    (the edition's territory on a map of its peers); ``figsize`` in inches (by default from the
    shape of the map).
    """

    title: str = ""
    source: str | None = None
    unit: str | None = None
    legend_title: str | None = None
    scheme: str = "quantiles"
    k: int = 4
    bins: Sequence[float] | None = None
    reverse: bool = False
    labels_map: Mapping[str, str] | None = None
    show_labels: bool | None = None
    outline: Sequence[str] = ()
    figsize: tuple[float, float] | None = None


@stored
def choropleth(
    values: pd.DataFrame,
    geometries: gpd.GeoDataFrame | None = None,
    *,
    level: str = "departement",
    mapping: Mapping[str, str] | None = None,
    vintage: str | None = None,
    options: MapOptions | None = None,
) -> Figure:
    """Choropleth of ``values`` (columns ``code``, ``valeur``, ``statut``: nc and secret drawn grey
    and hatched, absent and hors_questionnaire (n.d.) grey without hatching, vide (sans objet)
    white), presented as ``options`` say (:class:`MapOptions`: title, source line, classes, labels).

    The territories drawn are those of ``values`` (the edition's sub-territories). When
    ``geometries`` lacks some of them (e.g. a file without the DROM) the map falls back to the tile
    grid with a warning (``fig.basemap`` tells which was drawn); a code with no tile either
    raises ``ValueError``. ``level``: "departement", "academie" or
    "region" (the level of the codes). Geometries: ``geometries`` at that level, or département
    geometries with ``mapping`` (département -> parent code) to dissolve them; with
    ``geometries=None`` the tile grid is used and, above the département level, dissolved with
    ``mapping`` or, by default, the territories reference of ``vintage``.
    """
    if level not in LEVEL_NOUNS:
        raise ValueError(f"unknown level {level!r}; expected departement, academie or region")
    options = _with_source_and_unit(values, options or MapOptions())
    vals = _values_frame(values)
    codes = set(vals["code"])
    geo, tiles_dep = _basemap(geometries, level, codes, mapping, vintage)
    missing = sorted(codes - set(geo["code"]))
    if missing and geometries is not None:
        warnings.warn(f"no boundary for code(s) {missing} at level {level!r}: drawing the tile grid instead",
                      stacklevel=2)
        return choropleth(values, None, level=level, mapping=mapping, vintage=vintage, options=options)
    if missing:
        raise ValueError(f"no tile for code(s) {missing} at level {level!r}")
    geo = geo[geo["code"].isin(codes)].reset_index(drop=True)
    drawn = _Territories(geo, tiles_dep, "boundaries" if geometries is not None else "tilegrid", level, vintage)
    classes = _Classes.of(vals, options)
    texts = _Texts.of(options, drawn.basemap, level)

    with house_style():
        figsize = options.figsize or _figsize(geo, drawn.basemap, bool(drawn.inset_parts), texts.margins_in)
        fig = Figure(figsize=figsize)
        band = (texts.bottom_in / figsize[1], 1 - texts.top_in / figsize[1])  # the map's vertical extent
        patches: dict[str, PathPatch] = {}
        insets: dict[str, object] = {}
        style_of = _styler(vals.assign(classe=classes.index).set_index("code"), classes.colors)
        map_ax = _draw_map(fig, band, drawn, style_of, patches, insets, options)
        _draw_outlines(patches, options.outline)
        legend, legend_labels = _legend(fig, band[1], classes.labels, classes.colors, vals["statut"],
                                        options.legend_title)
        texts.write(fig, figsize)

        fig.basemap = drawn.basemap
        fig.alt_text = _alt_text(drawn.basemap, len(geo), level, options.title, classes.labels, classes.counts(),
                                 vals)
        fig.source_text = options.source or ""
        fig.footer_text = texts.footer
        fig.data_table = _data_table(values, vals, options.unit)
        fig.title_text = options.title
        fig.classes = classes.records()
        fig.legend_labels = legend_labels
        fig.patches_by_code = patches
        fig.insets = insets
        fig.map_ax = map_ax
        fig.map_legend = legend
        return fig


# ------------------------------------------------------------------ the steps of a map
def _with_source_and_unit(values: pd.DataFrame, options: MapOptions) -> MapOptions:
    """``options`` with the finished source line, and the unit of the values' column where it gives none."""
    source, unit = chart_parts.source_line(values, options.source, aggregate=True), options.unit
    if unit is None:
        found = values["unite"].dropna().astype(str).unique() if "unite" in values.columns else []
        unit = found[0] if len(found) == 1 else "%"
    return replace(options, source=source, unit=unit)


@dataclass(frozen=True)
class _Territories:
    """What the map draws: the territories' geometries (with their ``part``), on which basemap
    ("boundaries" or "tilegrid"), at which level; on the tile grid above the département level,
    the département tiles inside the drawn parents (``tiles_dep``)."""

    geo: gpd.GeoDataFrame
    tiles_dep: gpd.GeoDataFrame | None
    basemap: str
    level: str
    vintage: str | None

    @property
    def inset_parts(self) -> list[str]:
        """The overseas territories drawn as insets under mainland France: none unless both are
        drawn, on real boundaries."""
        parts = set(self.geo["part"])
        overseas = [p for p in OVERSEAS_ORDER if p in parts]
        overseas += sorted(parts - {"metropole", "tuiles", *overseas})
        mainland = (self.geo["part"] == "metropole").any()
        return overseas if self.basemap == "boundaries" and mainland and overseas else []


@dataclass(frozen=True)
class _Classes:
    """The classes of the values: thresholds, French labels, colours, and each value's class."""

    thresholds: Sequence[float]
    labels: list[str]
    colors: list[str]
    index: np.ndarray  # class of each value, -1 without a value

    @classmethod
    def of(cls, vals: pd.DataFrame, options: MapOptions) -> _Classes:
        thresholds, labels, index = classify(vals["valeur"].to_numpy(), scheme=options.scheme, k=options.k,
                                             bins=options.bins, unit=options.unit)
        colors = sequential_colors(len(labels), reverse=options.reverse) if labels else []
        return cls(thresholds, labels, colors, index)

    def counts(self):
        """How many territories in each class."""
        return np.bincount(self.index[self.index >= 0], minlength=len(self.labels)) if self.labels else []

    def records(self) -> list[dict]:
        """``fig.classes``: label, lower and upper bounds, colour, count of each class."""
        counts, thresholds = self.counts(), self.thresholds
        return [dict(label=self.labels[i], lower=(thresholds[i - 1] if i > 0 else None),
                     upper=(thresholds[i] if i < len(thresholds) else None), color=self.colors[i],
                     count=int(counts[i]))
                for i in range(len(self.labels))]


@dataclass(frozen=True)
class _Texts:
    """The title above the map and the footer lines under it, and the room (inches) they take."""

    title: str          # wrapped
    lines: list[str]    # the source line, the tile grid note
    top_in: float
    bottom_in: float

    @classmethod
    def of(cls, options: MapOptions, basemap: str, level: str) -> _Texts:
        lines = _footer_lines(options.source, basemap, level)
        title = textwrap.fill(options.title, TITLE_WRAP) if options.title else ""
        top_in = 0.15 + (0.24 * (title.count("\n") + 1) + 0.12 if title else 0)
        bottom_in = 0.1 + (0.17 * len(lines) + 0.08 if lines else 0)
        return cls(title, lines, top_in, bottom_in)

    @property
    def footer(self) -> str:
        return "\n".join(self.lines)

    @property
    def margins_in(self) -> float:
        return self.top_in + self.bottom_in

    def write(self, fig: Figure, figsize: tuple[float, float]) -> None:
        """The title (id ``titre``) and the footer (id ``pied``): a layer may rewrite their lines."""
        if self.title:
            fig.text(0.0, 1.0 - 0.1 / figsize[1], self.title, ha="left", va="top", fontsize=11,
                     fontweight="bold", color=TEXT_COLOR, gid="titre")
        if self.footer:
            fig.text(0.0, 0.04 / figsize[1], self.footer, ha="left", va="bottom", fontsize=7.5, color=MUTED_COLOR,
                     linespacing=1.4, gid="pied")


def _draw_map(fig: Figure, band, drawn: _Territories, style_of, patches, insets, options: MapOptions) -> object:
    """The territories on their basemap (tile grid, France with insets, or real boundaries)."""
    show_labels = options.show_labels
    if show_labels is None:
        show_labels = drawn.basemap == "tilegrid" or len(drawn.geo) <= 20
    if drawn.basemap == "tilegrid":
        return _draw_tilegrid(fig, band, drawn.geo, drawn.tiles_dep, style_of, patches, level=drawn.level,
                              show_labels=show_labels, labels_map=options.labels_map, vintage=drawn.vintage)
    if drawn.inset_parts:
        return _draw_with_insets(fig, band, drawn.geo, drawn.inset_parts, style_of, patches, insets)
    return _draw_boundaries(fig, band, drawn.geo, style_of, patches, level=drawn.level, vintage=drawn.vintage,
                            show_labels=show_labels, labels_map=options.labels_map)


def _draw_outlines(patches: dict[str, PathPatch], codes: Sequence[str]) -> None:
    """A thick dark border around ``codes``: an unfilled copy on top, so that the neighbours'
    borders and labels stay."""
    for code in codes:
        if code in patches:
            drawn = patches[code]
            drawn.axes.add_patch(PathPatch(drawn.get_path(), transform=drawn.get_transform(), fill=False,
                                           edgecolor=TEXT_COLOR, linewidth=OUTLINE_WIDTH, zorder=5))


def _basemap(geometries, level: str, codes: set[str], mapping, vintage):
    """The geometries at the level of the codes (with their ``part``: mainland, an overseas
    territory, or "tuiles"), and on the tile grid above the département level, the département
    tiles inside the drawn parents (outlined in white inside them)."""
    if geometries is not None:
        prepared = prepare_geometries(geometries)  # cached: projected + simplified once
        return (dissolve_prepared(prepared, mapping) if mapping is not None else prepared), None
    base = tilegrid_geometries()
    if level == "departement":
        return base[["code", "geometry"]].assign(part="tuiles"), None
    parent = dict(mapping) if mapping is not None else default_mapping(level, vintage)
    tiles_dep = base[base["code"].map(lambda c: parent.get(c) in codes)].copy()
    tiles_dep["parent"] = tiles_dep["code"].map(parent)
    return dissolve(base, parent).assign(part="tuiles"), tiles_dep


def _styler(by_code: pd.DataFrame, colors: Sequence[str]) -> Callable[[str], dict]:
    """Fill colour and hatch of a territory: its class colour, or the style of its statut."""

    def style_of(code: str) -> dict:
        row = by_code.loc[code]
        if row["statut"] == Statut.OK:
            return dict(facecolor=colors[int(row["classe"])], hatch=None)
        style = _MISSING_STYLE[row["statut"]]
        return dict(facecolor=style["facecolor"], hatch=style["hatch"])

    return style_of


def _footer_lines(source: str | None, basemap: str, level: str) -> list[str]:
    """The source line (wrapped for a map of the text's width) and the tile grid note."""
    lines = chart_parts.source_lines(source, MAP_TEXT_WIDTH_IN)
    if basemap == "tilegrid":
        noun = LEVEL_NOUNS[level]
        lines.append(TILEGRID_NOTE if level == "departement" else
                     f"Carte en tuiles{UNIT_SEP}: chaque {noun.singular} réunit les cases de ses départements")
    return lines


def _draw_tilegrid(fig: Figure, band, geo, tiles_dep, style_of, patches, *, level: str, show_labels: bool,
                   labels_map, vintage=None) -> object:
    ax = fig.add_axes((0.0, band[0], MAP_WIDTH, band[1] - band[0]))
    if tiles_dep is None:
        draw_territories(ax, geo, style_of, patches, edge="white", linewidth=0.8)
    else:
        # académies / régions: unions of tiles with a dark outline; a map of académies shows
        # académies, not the départements they are made of (no inner line, no département code)
        draw_territories(ax, geo, style_of, patches, edge=PARENT_OUTLINE, linewidth=1.3)
        ax.add_collection(LineCollection(boundary_segments(geo.geometry), colors=PARENT_OUTLINE,
                                         linewidths=1.3, zorder=2.2, capstyle="round", joinstyle="round"))
    if show_labels:
        tile_font = float(np.clip(6.5 * _tile_inches(fig, ax) / 0.41, 5.5, 10.0))
        if tiles_dep is None:
            grid = tilegrid_table().set_index("code")
            for c in geo["code"]:
                fc = patches[c].get_facecolor() if c in patches else NC_COLOR
                ax.text(grid.loc[c, "col"] + 0.5, -grid.loc[c, "row"] - 0.5, labels_map.get(c, c) if labels_map else c,
                        ha="center", va="center", fontsize=tile_font, color=text_color_on(to_hex(fc)), zorder=4)
        else:                              # one name per académie or région, inside its tiles
            names = dict(labels_map) if labels_map else default_labels(level, vintage)
            inches = _tile_inches(fig, ax)
            for code, geom in zip(geo["code"], geo.geometry, strict=True):
                p = geom.representative_point()
                x0, _, x1, _ = geom.bounds           # the width of the territory on the label's row
                width = geom.intersection(shapely.LineString([(x0, p.y), (x1, p.y)])).length
                lines = textwrap.wrap(names.get(code, code), max(6, int(7 * width)), break_long_words=False)
                # the name fits in its tiles: about 0.6 em per character
                size = min(tile_font * 0.8, 0.92 * width * inches * 72 / (0.6 * max(map(len, lines))))
                fc = patches[code].get_facecolor() if code in patches else NC_COLOR
                ax.text(p.x, p.y, "\n".join(lines), ha="center", va="center", fontsize=size, linespacing=1.0,
                        color=text_color_on(to_hex(fc)), zorder=4)
    if any(p.startswith("97") for p in geo["code"]) and level == "departement":
        ax.text(0.0, -13.0 - 1.12, "Outre-mer", ha="left", va="top", fontsize=6.5, color=MUTED_COLOR)
    finish_map_axes(ax)
    return ax


def _draw_with_insets(fig: Figure, band, geo, overseas: list[str], style_of, patches, insets) -> object:
    """Mainland France, and under it a row of one-inch insets, one per overseas territory."""
    inset_h = 1.0 / fig.get_figheight()
    main_bottom = band[0] + inset_h + 0.35 / fig.get_figheight()
    ax = fig.add_axes((0.0, main_bottom, MAP_WIDTH, band[1] - main_bottom))
    draw_territories(ax, geo[geo["part"] == "metropole"], style_of, patches, edge="white", linewidth=0.35)
    finish_map_axes(ax)
    width = MAP_WIDTH / max(len(overseas), 5)
    for i, part in enumerate(overseas):
        iax = fig.add_axes((i * width + 0.005, band[0], width - 0.014, inset_h))
        draw_territories(iax, geo[geo["part"] == part], style_of, patches, edge="white", linewidth=0.35)
        finish_map_axes(iax, frame=True)
        iax.set_title(part, fontsize=7, fontweight="normal", loc="center", pad=2, color=TEXT_COLOR)
        insets[part] = iax
    return ax


def _draw_boundaries(fig: Figure, band, geo, style_of, patches, *, level: str, vintage, show_labels: bool,
                     labels_map) -> object:
    """Real boundaries without insets (part of France), names printed when asked."""
    ax = fig.add_axes((0.0, band[0], MAP_WIDTH, band[1] - band[0]))
    draw_territories(ax, geo, style_of, patches, edge="white", linewidth=0.5)
    finish_map_axes(ax)
    if show_labels:
        names = dict(labels_map) if labels_map else default_labels(level, vintage)
        for code, geom in zip(geo["code"], geo.geometry, strict=True):
            p = geom.representative_point() if geom.area > 0 else geom.centroid
            ax.text(p.x, p.y, textwrap.fill(names.get(code, code), 16), ha="center", va="center", fontsize=7,
                    color=text_color_on(to_hex(patches[code].get_facecolor())), zorder=4)
    return ax


def _legend(fig: Figure, top: float, class_labels, colors, statuts: pd.Series, title: str | None):
    """The classes, highest on top, then one entry per statut drawn without a value."""
    handles = [Patch(facecolor=colors[i], edgecolor="none", label=class_labels[i])
               for i in reversed(range(len(class_labels)))]
    for st, style in _MISSING_STYLE.items():
        if (statuts == st).any():
            handles.append(Patch(facecolor=style["facecolor"], edgecolor=NC_EDGE_COLOR, hatch=style["hatch"],
                                 linewidth=0.5, label=style["label"]))
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(MAP_WIDTH + 0.02, top), title=title,
                        alignment="left", handlelength=1.4, handleheight=1.1, labelspacing=0.5, borderaxespad=0)
    return legend, [h.get_label() for h in handles]


def _alt_text(basemap: str, n_drawn: int, level: str, title: str, class_labels, counts, vals) -> str:
    noun = LEVEL_NOUNS[level]
    class_txt = " ; ".join(f"{lab}{UNIT_SEP}: {plural(int(c), noun.singular, noun.plural)}"
                           for lab, c in zip(class_labels, counts, strict=True))
    nc_txt = _nc_summary(vals, level)
    kind = "carte en tuiles (une case par département)" if basemap == "tilegrid" else "carte"
    alt = f"{kind.capitalize()} de {plural(n_drawn, noun.singular, noun.plural)}"
    if title:
        alt += f" — {title.rstrip('.')}"
    alt += f", par classe — {class_txt}" if class_txt else f"{UNIT_SEP}: aucune valeur publiée"
    if nc_txt:
        alt += f" ; {nc_txt}"
    return alt + "."


def _data_table(values: pd.DataFrame, vals: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The values the map draws, one row per territory by name (its ``libelle`` or ``nom``, else its
    code): the value as printed, or its mark, and its n.c. rate."""
    name_col = next((c for c in ("libelle", "nom") if c in values.columns), None)
    names = values[name_col].astype(str).to_numpy() if name_col else vals["code"].to_numpy()
    order = np.argsort(names, kind="stable")
    rows = values.reset_index(drop=True).iloc[order]
    printed = chart_parts.value_cells(vals["valeur"].to_numpy()[order], list(vals["statut"].to_numpy()[order]), unit)
    return chart_parts.data_table("Territoire", list(names[order]),
                                  {chart_parts.VALUE_HEADERS.get(unit, "Valeur"): printed}, rows)


# ------------------------------------------------------------------ helpers
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
    st = np.where(np.isin(st, [s.value for s in Statut]), st, "")
    st = np.where(st == "", np.where(np.isnan(out["valeur"]), Statut.NC.value, Statut.OK.value), st)
    st = np.where((st == Statut.OK.value) & np.isnan(out["valeur"]), Statut.NC.value, st)
    out["statut"] = st.astype(str)
    out.loc[out["statut"] != Statut.OK, "valeur"] = np.nan
    if out["code"].duplicated().any():
        raise ValueError(f"values: duplicated codes {sorted(out.loc[out['code'].duplicated(), 'code'])}")
    return out


def _nc_summary(values: pd.DataFrame, level: str) -> str:
    noun = LEVEL_NOUNS.get(level, Noun("territoire", "territoires"))
    sing, plur = noun.singular, noun.plural
    parts = []
    for st in _MISSING_STYLE:
        n = int((values["statut"] == st).sum())
        if n:
            parts.append(f"{st.words} pour {plural(n, sing, plur)}")
    return " ; ".join(parts)




def _tile_inches(fig: Figure, ax) -> float:
    """Side of one tile in inches, given the axes box and its equal-aspect data limits."""
    _, _, w, h = ax.dataLim.bounds
    box_w = ax.get_position().width * fig.get_figwidth()
    box_h = ax.get_position().height * fig.get_figheight()
    return min(box_w / max(w, 1e-9), box_h / max(h, 1e-9)) / 1.04  # margins


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
