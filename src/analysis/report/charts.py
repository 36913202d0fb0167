"""Charts of the report, in the house style, with every visible label in French.

Every function takes a tidy slice of the indicator table (columns ``territoire, annee, type,
indicateur, valeur, numerateur, denominateur, non_communique, univers, taux_nc`` and optionally
``statut`` (:class:`analysis.core.statuts.Statut`) and a display label column
``libelle``/``nom``), and
returns a :class:`matplotlib.figure.Figure` (not registered with pyplot: no duplicate display in
notebooks, no "too many open figures"; show it with ``ch.show_figure``, save it with
:func:`analysis.report.style.save_figure`).

Every figure gets:

- a left-aligned title (``fig.get_suptitle()``);
- a source line under the plot, "Source : ETIC 2018 (27 % n.c.)" (``fig.source_text``), plus
  a note explaining the marks drawn ("n.c. : non communiqué ; s. : secret statistique",
  "n.d. : non disponible", "– : sans objet");
- ``fig.alt_text``: one French sentence describing the data, for accessibility.

Missing values are never drawn as zero: a short grey stub marks them, hatched and labelled
"n.c." (non communiqué) or "s." (secret statistique), plain and labelled "n.d." when the source
does not cover the year (``statut == "absent"``) or the year's questionnaire has no such answer
(``"hors_questionnaire"``); a type with no establishment
(``statut == "vide"``) gets no bar, only "–". ``valeur`` is in percent for shares
(``unit="%"``), a plain number for ``"ratio"`` and ``"count"``. Bar labels print values with
:func:`analysis.core.formatting.fmt_value`, as the sentences do; the parts every chart shares
(stubs, value axis, source line, alt text) are in :mod:`analysis.report.chart_parts`.

``source`` is the finished source line, its n.c. rate included (the report's chapters give it:
:mod:`analysis.report.source_lines`); it is printed as it is (« Source : » added to a bare name).
Without it, the line is made of the rows' ``source`` and n.c. rates (:mod:`analysis.core.nc`):
``non_communique / univers`` summed over the rows when they partition one population (the
sub-territories), else the ``taux_nc`` column (one rate if all rows agree once rounded, else one
rate per type, or the range).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.core.formatting import UNIT_SEP, fmt_value
from analysis.core.statuts import Statut
from analysis.core.vocabulary import TYPE_LABELS, TYPE_ORDER
from analysis.report import chart_parts as parts
from analysis.report.figure_store import stored
from analysis.report.style import (
    CONTEXT_COLOR,
    HIGHLIGHT_COLOR,
    TEXT_COLOR,
    categorical_colors,
    house_style,
    sequential_colors,
    text_color_on,
)

__all__ = ["bar_by_type", "stacked_distribution", "bar_comparison", "ranked_bars", "grouped_bars"]

# --------------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------------
@stored
def bar_by_type(
    df: pd.DataFrame,
    title: str,
    source: str | None = None,
    unit: str | None = None,
    *,
    types: Sequence[str] | None = None,
    decimals: int | None = None,
    ylabel: str | None = None,
    color: str = HIGHLIGHT_COLOR,
    figsize: tuple[float, float] = (5.6, 3.4),
) -> Figure:
    """One vertical bar per type of establishment (écoles, collèges, lycées, then ensemble).

    ``df``: one territory, one indicator, one year, one row per ``type``. ``types`` fixes the
    bars (a listed type with no row is drawn as n.c.); by default the types present, in the order
    écoles, collèges, lycées, ensemble.
    """
    unit = parts.unit_of(df, unit)
    parts.single(df, "territoire", "bar_by_type")
    parts.single(df, "indicateur", "bar_by_type")
    data = parts.order_types(parts.prepare(df), types)
    data = parts.prepare(data)
    names = [TYPE_LABELS.get(t, parts.label(t)) for t in data["type"]]
    values = data["valeur"].to_numpy(float)
    statuts = list(data["statut"])
    source = parts.source_line(df, source, by="type")
    with house_style():
        fig, ax = parts.new_figure(figsize)
        vmax = np.nanmax(values) if np.isfinite(values).any() else (100.0 if unit == "%" else 1.0)
        span = parts.value_axis(ax, unit, vmax, horizontal=False)
        pos = np.arange(len(values))
        parts.draw_bars(ax, pos, values, statuts, [color] * len(values), width=0.6, span=span,
                   horizontal=False, unit=unit, decimals=decimals)
        ax.set_xticks(pos, names)
        ax.set_xlim(-0.6, len(values) - 0.4)
        if ylabel:
            ax.set_ylabel(ylabel)
        alt = f"Diagramme en barres par type d'établissement — {title.rstrip('.')}{UNIT_SEP}: " + parts.alt_list(
            [n.lower() for n in names], values, statuts, unit, decimals
        ) + "."
        table = parts.data_table("Type d'établissement", names,
                                 {_value_header(unit): parts.value_cells(values, statuts, unit, decimals)}, data)
        return parts.finish(fig, title, source, alt, statuts=statuts, data=table)


def _value_header(unit: str) -> str:
    return parts.VALUE_HEADERS.get(unit, "Valeur")


@stored
def stacked_distribution(
    df: pd.DataFrame,
    categories: Sequence[str],
    labels: Sequence[str],
    title: str,
    source: str | None = None,
    *,
    by: str | None = None,
    order: Sequence[str] | None = None,
    bar_labels: Mapping[str, str] | None = None,
    orientation: str | None = None,
    colors: Sequence[str] | None = None,
    decimals: int | None = None,
    min_label: float = 5.0,
    figsize: tuple[float, float] | None = None,
    note: str | None = None,
) -> Figure:
    """100 % stacked bars: the distribution of establishments over ordered categories.

    ``categories``: the ``indicateur`` codes of the shares (tidy input, one row per bar and
    category), or column names (wide input, one row per bar); ``labels``: their French legend
    labels, same order, the first being drawn darkest (put the "best"/highest class first, e.g.
    "50 % ou plus", "de 20 à 50 %", "moins de 20 %"). Bars: one per ``by`` value, ``by`` defaulting
    to "type" when there are several types, else "territoire". ``orientation``: "vertical"
    (default for types) or "horizontal" (default for territories). Shares are in percent and
    drawn as given (not renormalised); a bar with no share is drawn as an n.c. bar. ``note``: a
    line under the source (e.g. the levels that the year's questionnaire does not have).
    """
    if len(categories) != len(labels):
        raise ValueError("categories and labels must have the same length")
    categories = [str(c) for c in categories]
    if by is None:
        by = "type" if "type" in df.columns and df["type"].nunique() > 1 else "territoire"
    table, statut = parts.shares_table(df, categories, by, order)
    keys = list(table.index)
    label_map = dict(bar_labels or {})
    if by != "type" and not bar_labels:
        col = parts.display_col(df, None)
        if col != by and by in df.columns:
            label_map = dict(zip(df[by].astype(str), df[col].astype(str), strict=False))
    names = [TYPE_LABELS.get(k, parts.label(k, label_map)) if by == "type" else parts.label(k, label_map) for k in keys]
    horizontal = (orientation or ("vertical" if by == "type" else "horizontal")) == "horizontal"
    colors = list(colors) if colors is not None else sequential_colors(len(categories), reverse=True)
    source = parts.source_line(df, source, by=by if by == "type" else None)
    if figsize is None:
        figsize = (6.4, 1.3 + 0.42 * len(keys)) if horizontal else (max(4.2, 1.6 + 1.1 * len(keys)), 3.8)

    with house_style():
        fig, ax = parts.new_figure(figsize)
        pos = np.arange(len(keys))[::-1] if horizontal else np.arange(len(keys))
        missing_bar = table.isna().all(axis=1).to_numpy() | (statut.to_numpy() != Statut.OK)
        _stack(ax, pos, table, zip(categories, labels, colors, strict=True), missing_bar, horizontal=horizontal,
               min_label=min_label, decimals=decimals)
        for i in np.flatnonzero(missing_bar):
            parts.missing_stacked_bar(ax, pos[i], statut.iloc[i], horizontal=horizontal)
        parts.percent_axis(ax, pos, names, horizontal=horizontal)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(categories), frameon=False,
                  handlelength=1.0, handleheight=1.0, columnspacing=1.2, borderaxespad=0.2)
        descr = parts.shares_description([n.lower() for n in names] if by == "type" else names, table,
                                         categories, labels, missing_bar, statut, decimals)
        alt = f"Barres empilées à 100{UNIT_SEP}% — {title.rstrip('.')}{UNIT_SEP}: " + " ; ".join(descr) + "."
        bar_statuts = [statut.iloc[i] if not missing_bar[i] or statut.iloc[i] != Statut.OK else Statut.NC.value
                       for i in range(len(keys))]
        table = parts.data_table("Type d'établissement" if by == "type" else "Territoire", names,
                                 _shares_columns(table, categories, labels, bar_statuts, missing_bar, decimals),
                                 _first_row_of_each(df, by, keys))
        return parts.finish(fig, title, source, alt, statuts=bar_statuts, extra_note=note, data=table)


def _stack(ax, pos, table: pd.DataFrame, series, missing_bar, *, horizontal: bool, min_label: float,
           decimals: int | None) -> None:
    """The segments of stacked bars, one ``(category, label, colour)`` of ``series`` after the
    other, each labelled with its share when it is wide enough; a bar without shares stays empty."""
    base = np.zeros(len(table))
    for cat, lab, col in series:
        vals = table[cat].fillna(0).to_numpy(float, copy=True)
        vals[missing_bar] = 0
        if horizontal:
            ax.barh(pos, vals, left=base, height=0.62, color=col, label=lab, edgecolor="white", linewidth=0.6)
        else:
            ax.bar(pos, vals, bottom=base, width=0.62, color=col, label=lab, edgecolor="white", linewidth=0.6)
        for i, v in enumerate(vals):
            if v >= min_label:
                center = base[i] + v / 2
                xy = (center, pos[i]) if horizontal else (pos[i], center)
                ax.text(*xy, fmt_value(v, "%", decimals), ha="center", va="center", fontsize=8,
                        color=text_color_on(col))
        base = base + vals


def _shares_columns(table: pd.DataFrame, categories, labels, statuts, missing_bar, decimals) -> dict[str, list[str]]:
    """The shares of each bar by category, as printed; a bar without shares has its mark."""
    return {lab: [fmt_value(table.iloc[i][cat], "%", decimals, reason=Statut.OK.value if not missing_bar[i]
                            else statuts[i]) for i in range(len(table))]
            for cat, lab in zip(categories, labels, strict=True)}


def _first_row_of_each(df: pd.DataFrame, by: str, keys: Sequence[str]) -> pd.DataFrame | None:
    """A row of ``df`` per bar (its n.c. rate is that of every share of the bar), or None."""
    if by not in df.columns:
        return None
    first = df.assign(_key=df[by].astype(str)).drop_duplicates("_key").set_index("_key")
    return first.reindex(list(keys)) if set(keys) <= set(first.index) else None


@stored
def bar_comparison(
    df: pd.DataFrame,
    title: str,
    source: str | None = None,
    unit: str | None = None,
    *,
    highlight: str | None = None,
    label_col: str | None = None,
    order: Sequence[str] | None = None,
    decimals: int | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """The same indicator for the edition territory, its parents and France, top to bottom in
    the order of ``df`` (or ``order``, a list of ``territoire`` values); the edition territory
    (``highlight``, default the first row) is drawn in the accent colour, the others lighter.
    Bars are labelled with ``label_col`` (default ``libelle``/``nom`` if present, else
    ``territoire``). The n.c. rate of the source line is the highlighted territory's.
    """
    unit = parts.unit_of(df, unit)
    parts.single(df, "indicateur", "bar_comparison")
    data = parts.prepare(df).reset_index(drop=True)
    if "type" in data.columns and data["type"].nunique() > 1:
        raise ValueError("bar_comparison: expected one type; filter the indicator table first")
    key_col = "territoire" if "territoire" in data.columns else parts.display_col(data, label_col)
    if order is not None:
        data = data.set_index(data[key_col].astype(str)).reindex([str(o) for o in order]).reset_index(drop=True)
    disp = parts.display_col(data, label_col)
    names = [textwrap.fill(str(n), 28) for n in data[disp].fillna(data[key_col]).astype(str)]
    keys = data[key_col].astype(str).tolist()
    hl = str(highlight) if highlight is not None else keys[0]
    colors = [HIGHLIGHT_COLOR if k == hl else CONTEXT_COLOR for k in keys]
    values = data["valeur"].to_numpy(float)
    statuts = list(data["statut"])
    if source is None:       # the highlighted territory's rate, else every row's
        mine = data[data[key_col].astype(str) == hl]
        source = parts.source_line(mine if parts.nc_text(mine) else data, None)
    if figsize is None:
        figsize = (6.0, 1.2 + 0.5 * len(keys))
    with house_style():
        fig, ax = parts.new_figure(figsize)
        vmax = np.nanmax(values) if np.isfinite(values).any() else (100.0 if unit == "%" else 1.0)
        span = parts.value_axis(ax, unit, vmax, horizontal=True)
        ax.xaxis.set_visible(False)  # every bar carries its value: no value axis (less ink, faster)
        pos = np.arange(len(keys))[::-1].astype(float)
        parts.draw_bars(ax, pos, values, statuts, colors, width=0.62, span=span, horizontal=True,
                   unit=unit, decimals=decimals)
        ax.set_yticks(pos, names)
        for lab, k in zip(ax.get_yticklabels(), keys, strict=True):
            if k == hl:
                lab.set_fontweight("bold")
        ax.set_ylim(-0.6, len(keys) - 0.4)
        alt = f"Comparaison territoriale — {title.rstrip('.')}{UNIT_SEP}: " + parts.alt_list(
            [n.replace("\n", " ") for n in names], values, statuts, unit, decimals) + "."
        table = parts.data_table("Territoire", names, {_value_header(unit): parts.value_cells(values, statuts, unit,
                                                                                              decimals)}, data)
        return parts.finish(fig, title, source, alt, statuts=statuts, data=table)


@stored
def ranked_bars(
    df: pd.DataFrame,
    title: str,
    source: str | None = None,
    unit: str | None = None,
    *,
    label_col: str | None = None,
    ascending: bool = False,
    highlight: str | Sequence[str] | None = None,
    reference: tuple[str, float] | None = None,
    decimals: int | None = None,
    figsize: tuple[float, float] | None = None,
    category: str = "Territoire",
) -> Figure:
    """Horizontal bars of sub-territories sorted by value (largest on top; ``ascending=True``
    puts the smallest on top), n.c. and secret at the bottom as grey stubs. ``reference``
    (label, value) draws a dashed line, e.g. ("Occitanie", 45.2). ``highlight``: territoire
    value(s) drawn in the accent colour (default: all bars in the accent colour). The n.c. rate
    of the source line is Σ non_communique / Σ univers over the rows when available. ``category``:
    what the bars are (the header of their names in the chart's data).
    """
    unit = parts.unit_of(df, unit)
    parts.single(df, "indicateur", "ranked_bars")
    data = parts.prepare(df)
    disp = parts.display_col(data, label_col)
    key_col = "territoire" if "territoire" in data.columns else disp
    ok = data[data["statut"] == Statut.OK].sort_values("valeur", ascending=not ascending, kind="mergesort")
    # barh draws bottom-up: positions 0.. are the n.c. rows, then the values, first in rank on top
    rest = data[data["statut"] != Statut.OK]
    rest = rest.sort_values(disp, kind="mergesort", ascending=False)
    data = pd.concat([rest, ok]).reset_index(drop=True)  # bottom to top
    names = data[disp].astype(str).tolist()
    keys = data[key_col].astype(str).tolist()
    hl = {str(highlight)} if isinstance(highlight, str) else set(map(str, highlight or []))
    colors = [HIGHLIGHT_COLOR if (not hl or k in hl) else CONTEXT_COLOR for k in keys]
    values = data["valeur"].to_numpy(float)
    statuts = list(data["statut"])
    source = parts.source_line(df, source, aggregate=True)
    if figsize is None:
        figsize = (6.2, 1.1 + 0.24 * len(keys))
    with house_style():
        fig, ax = parts.new_figure(figsize)
        finite = values[np.isfinite(values)]
        vmax = max(finite.max() if finite.size else 0, reference[1] if reference else 0)
        vmax = vmax or (100.0 if unit == "%" else 1.0)
        span = parts.value_axis(ax, unit, vmax, horizontal=True)
        ax.xaxis.set_visible(False)  # every bar carries its value: no value axis (less ink, faster)
        pos = np.arange(len(keys)).astype(float)
        parts.draw_bars(ax, pos, values, statuts, colors, width=0.7, span=span, horizontal=True,
                   unit=unit, decimals=decimals, label_fontsize=7.5 if len(keys) > 20 else 8.5,
                   label_background=reference is not None)
        ax.set_yticks(pos, names)
        if len(keys) > 20:
            ax.tick_params(axis="y", labelsize=7.5)
        if hl:
            for lab, k in zip(ax.get_yticklabels(), keys, strict=True):
                if k in hl:
                    lab.set_fontweight("bold")
        ax.set_ylim(-0.6, len(keys) - 0.4)
        if reference is not None:
            ref_label, ref_value = reference
            ax.axvline(ref_value, color=TEXT_COLOR, linewidth=0.9, linestyle=(0, (4, 3)), zorder=0.9)
            ax.annotate(f"{ref_label}{UNIT_SEP}: {fmt_value(ref_value, unit, decimals)}", xy=(ref_value, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(3, 2), textcoords="offset points",
                        ha="left", va="bottom", fontsize=8, color=TEXT_COLOR)
        order_word = "croissant" if ascending else "décroissant"
        alt = (
            f"Classement par ordre {order_word} — {title.rstrip('.')}{UNIT_SEP}: "
            + parts.alt_list(names[::-1], values[::-1], statuts[::-1], unit, decimals)
            + "."
        )
        table = parts.data_table(category, names[::-1], {_value_header(unit): parts.value_cells(
            values[::-1], statuts[::-1], unit, decimals)}, data.iloc[::-1])
        return parts.finish(fig, title, source, alt, statuts=statuts, data=table)


@stored
def grouped_bars(
    df: pd.DataFrame,
    group_col: str,
    hue_col: str,
    title: str,
    source: str | None = None,
    unit: str | None = None,
    *,
    group_order: Sequence[str] | None = None,
    hue_order: Sequence[str] | None = None,
    group_labels: Mapping[str, str] | None = None,
    hue_labels: Mapping[str, str] | None = None,
    colors: Sequence[str] | None = None,
    decimals: int | None = None,
    ylabel: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Vertical bars grouped by ``group_col`` (e.g. "type"), one colour per ``hue_col`` value
    (e.g. REP / hors REP), e.g. élèves par terminal by type × éducation prioritaire. Groups
    default to the type order when ``group_col == "type"``; labels default to :data:`LABELS`.
    """
    unit = parts.unit_of(df, unit)
    data = parts.prepare(df)
    for col in (group_col, hue_col):
        if col not in data.columns:
            raise ValueError(f"grouped_bars: no column {col!r}")
    data[group_col] = data[group_col].astype(str)
    data[hue_col] = data[hue_col].astype(str)
    groups = _group_order(data[group_col], group_col, group_order)
    hues = [str(h) for h in hue_order] if hue_order is not None else list(dict.fromkeys(data[hue_col]))
    if data.duplicated([group_col, hue_col]).any():
        raise ValueError("grouped_bars: several rows for one (group, hue); filter first")
    idx = data.set_index([group_col, hue_col])
    hue_colors = list(colors) if colors is not None else categorical_colors(len(hues))
    source = parts.source_line(df, source, by=group_col if group_col == "type" else None)
    if figsize is None:
        figsize = (max(4.8, 1.4 + 0.55 * len(groups) * len(hues)), 3.8)
    width = 0.8 / len(hues)
    group_names = [_group_name(g, group_col, group_labels) for g in groups]  # as the alt text says them
    with house_style():
        fig, ax = parts.new_figure(figsize)
        vals_all = data["valeur"].to_numpy(float)
        vmax = np.nanmax(vals_all) if np.isfinite(vals_all).any() else (100.0 if unit == "%" else 1.0)
        span = parts.value_axis(ax, unit, vmax, horizontal=False)
        base = np.arange(len(groups), dtype=float)
        all_statuts: list[str] = []
        descr = []
        for j, h in enumerate(hues):
            vals, sts = _hue_values(idx, groups, h)
            all_statuts += sts
            parts.draw_bars(ax, base - 0.4 + width * (j + 0.5), np.array(vals), sts, [hue_colors[j]] * len(groups),
                            width=width * 0.92, span=span, horizontal=False, unit=unit, decimals=decimals,
                            label_fontsize=8 if len(hues) > 2 else 8.5)
            descr.append(f"{parts.label(h, hue_labels)}{UNIT_SEP}: "
                         + ", ".join(f"{name} {fmt_value(v, unit, decimals, reason=s)}"
                                     for name, v, s in zip(group_names, vals, sts, strict=True)))
        ax.set_xticks(base, [parts.label(g, group_labels) for g in groups])
        ax.set_xlim(-0.6, len(groups) - 0.4)
        if ylabel:
            ax.set_ylabel(ylabel)
        _hue_legend(ax, hues, hue_colors, hue_labels)
        alt = f"Diagramme en barres groupées — {title.rstrip('.')}{UNIT_SEP}: " + " ; ".join(descr) + "."
        columns = {parts.label(h, hue_labels): parts.value_cells(*_hue_values(idx, groups, h), unit, decimals)
                   for h in hues}
        table = parts.data_table("Type d'établissement" if group_col == "type" else parts.label(group_col),
                                 [parts.label(g, group_labels) for g in groups], columns)
        return parts.finish(fig, title, source, alt, statuts=all_statuts, data=table)


def _group_order(values: pd.Series, group_col: str, group_order: Sequence[str] | None) -> list[str]:
    """The groups from left to right: ``group_order``, else the type order for types, else as met."""
    if group_order is not None:
        return [str(g) for g in group_order]
    groups = list(dict.fromkeys(values))
    if group_col == "type":
        return [t for t in TYPE_ORDER if t in groups] + [g for g in groups if g not in TYPE_ORDER]
    return groups


def _hue_values(idx: pd.DataFrame, groups: Sequence[str], hue: str) -> tuple[list[float], list[str]]:
    """The value and statut of each group for one hue; a group without a row is n.c."""
    vals, sts = [], []
    for g in groups:
        if (g, hue) in idx.index:
            row = idx.loc[(g, hue)]
            vals.append(float(row["valeur"]))
            sts.append(str(row["statut"]))
        else:
            vals.append(np.nan)
            sts.append(Statut.NC.value)
    return vals, sts


def _group_name(group: str, group_col: str, group_labels: Mapping[str, str] | None) -> str:
    """A group as the alt text names it (« écoles » in lower case inside a sentence)."""
    name = parts.label(group, group_labels)
    return name.lower() if group_col == "type" else name


def _hue_legend(ax, hues: Sequence[str], hue_colors: Sequence[str], hue_labels: Mapping[str, str] | None) -> None:
    """One swatch per hue, in a row above the plot."""
    handles = [Patch(facecolor=hue_colors[j], label=parts.label(h, hue_labels)) for j, h in enumerate(hues)]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(hues),
              handlelength=1.0, handleheight=1.0, borderaxespad=0.2)
