"""The parts every chart of :mod:`analysis.report.charts` is made of: the statut of each row
(a missing value is never drawn as zero), bars with their labels or n.c. stubs, the French value
axis, the title, the source line with its n.c. rate, the note on the marks and the alt text.
Values are printed by :func:`analysis.core.formatting.fmt_value`, as in the sentences and tables.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from analysis.core import nc
from analysis.core.formatting import UNIT_SEP, fmt_number, fmt_pct, fmt_value, is_missing
from analysis.core.statuts import Statut
from analysis.core.vocabulary import TYPE_LABELS, TYPE_ORDER
from analysis.report.style import (
    MUTED_COLOR,
    NC_COLOR,
    NC_EDGE_COLOR,
    NC_HATCH,
    SECRET_HATCH,
    TEXT_COLOR,
)

# Default display labels for codes that show up as categories.
LABELS: dict[str, str] = {
    **{t: TYPE_LABELS[t] for t in TYPE_ORDER},
    "rep": "REP",
    "rep+": "REP+",
    "rep_plus": "REP+",
    "repplus": "REP+",
    "hors_rep": "Hors REP",
    "hors rep": "Hors REP",
    "horsrep": "Hors REP",
    "public": "Public",
    "prive": "Privé",
    "france": "France",
}
NC_NOTE = nc.SEP.join(f"{s.mark}{UNIT_SEP}: {s.words}" for s in (Statut.NC, Statut.SECRET))
HATCHES = {Statut.NC: NC_HATCH, Statut.SECRET: SECRET_HATCH}

STUB_FRACTION = 0.035  # height of an n.c. stub, as a share of the value axis span


def label(code: object, labels: Mapping[str, str] | None = None) -> str:
    key = str(code)
    if labels and key in labels:
        return labels[key]
    return LABELS.get(key, LABELS.get(key.lower(), key))


#: The statut codes a row may carry.
KNOWN_STATUTS = frozenset(s.value for s in Statut)


def statut_of(df: pd.DataFrame) -> pd.Series:
    """The statut of each row (:class:`~analysis.core.statuts.Statut` codes); without a
    ``statut`` column, ok when there is a value; a missing valeur is never ok."""
    missing = pd.to_numeric(df["valeur"], errors="coerce").isna().tolist()
    if "statut" in df.columns:   # plain lists: a chart's few rows, where each pandas step costs more
        given = ["" if is_missing(s) else str(s).strip().lower() for s in df["statut"].tolist()]
    else:
        given = [""] * len(df)
    out = [s if s in KNOWN_STATUTS and s != Statut.OK else Statut.NC.value if gone else Statut.OK.value
           for s, gone in zip(given, missing, strict=True)]
    return pd.Series(out, index=df.index, dtype=str)


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    if "valeur" not in df.columns:
        raise ValueError("the data frame has no 'valeur' column")
    out = df.copy()
    out["valeur"] = pd.to_numeric(out["valeur"], errors="coerce").astype(float)
    out["statut"] = statut_of(out)
    out.loc[out["statut"] != Statut.OK, "valeur"] = np.nan  # secrecy wins over a stray value
    return out


def marks_note(statuts) -> str | None:
    """The legend of the marks drawn, in French, e.g. "n.c. : non communiqué ; s. : secret
    statistique" (n.c. and s. always together, as in the report; n.d. and – when drawn)."""
    present = {Statut.parse(s) for s in statuts} - {Statut.OK}
    if not present:
        return None
    parts = []
    if present & {Statut.NC, Statut.SECRET}:
        parts.append(NC_NOTE)
    for st in (Statut.ABSENT, Statut.HORS_QUESTIONNAIRE, Statut.VIDE):
        if st in present:
            parts.append(f"{st.mark}{UNIT_SEP}: {st.words}")
    return nc.SEP.join(parts)


def display_col(df: pd.DataFrame, label_col: str | None) -> str:
    if label_col:
        return label_col
    for col in ("libelle", "libelle_territoire", "nom", "territoire"):
        if col in df.columns:
            return col
    raise ValueError("no territory column ('territoire', 'libelle' or 'nom')")


def nc_text(df: pd.DataFrame, *, by: str | None = None, aggregate: bool = False,
            labels: Mapping[str, str] | None = None) -> str | None:
    """The n.c. text of the rows a chart draws (:func:`analysis.core.nc.of_rows`), the values of
    ``by`` named as the chart names them (:func:`label`)."""
    name = None if by == "type" else (lambda key: label(key, labels))
    return nc.of_rows(df, by=by, aggregate=aggregate, name=name)


class FrenchTicks(Formatter):
    """Tick labels in French format ("20 %", "1 000", "2,5"), every tick of an axis with the same
    number of decimals: the fewest (up to 2) that print each tick's value exactly, so that two
    ticks never read alike (« 99,6 % », « 99,8 % », « 100,0 % », never « 100 % » five times)."""

    def __init__(self, unit: str = "%"):
        self.unit = unit
        self.decimals: int | None = None

    def format_ticks(self, values) -> list[str]:
        self.decimals = tick_decimals(values)
        return [self(v) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        decimals = self.decimals if self.decimals is not None else tick_decimals([x])
        return fmt_pct(x, decimals) if self.unit == "%" else fmt_number(x, decimals)


def tick_decimals(values, most: int = 2) -> int:
    """The fewest decimals, up to ``most``, that print every value exactly."""
    for decimals in range(most + 1):
        if all(abs(round(float(v), decimals) - float(v)) < 1e-6 for v in values):
            return decimals
    return most


def french_tick_formatter(unit: str = "%") -> FrenchTicks:
    """Tick labels in French format (:class:`FrenchTicks`)."""
    return FrenchTicks(unit)


def new_figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    fig = Figure(figsize=figsize, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04)
    ax = fig.add_subplot()
    return fig, ax


def finish(
    fig: Figure,
    title: str,
    source: str | None,
    alt_text: str,
    *,
    statuts=(),
    extra_note: str | None = None,
    wrap: int = 70,
    data: pd.DataFrame | None = None,
) -> Figure:
    """Title, footer (the finished source line, wrapped to the figure's width, the legend of the
    marks drawn, a note), alt text, and the values drawn as a table (``fig.data_table``,
    « Données du graphique »)."""
    fig.suptitle(textwrap.fill(title, wrap), x=0.01, ha="left", gid="titre")      # ids: see svg_layers
    lines = source_lines(source, fig.get_figwidth())
    note = marks_note(statuts)
    if note:
        lines.append(note)
    if extra_note:
        lines.append(extra_note)
    footer = "\n".join(lines)
    if footer:
        fig.supxlabel(footer, x=0.01, ha="left", fontsize=7.5, color=MUTED_COLOR, fontweight="normal",
                      linespacing=1.4, gid="pied")
    fig.source_text = source or ""
    fig.footer_text = footer
    fig.alt_text = alt_text
    fig.title_text = title
    fig.data_table = data if data is not None else pd.DataFrame()
    return fig


#: The mean width of a character of the footer (DejaVu Sans at 7.5 pt), in points.
FOOTER_CHAR_PT = 4.1


def source_lines(source: str | None, width_in: float) -> list[str]:
    """The source line wrapped to a figure ``width_in`` inches wide (a long line would be cut)."""
    return textwrap.wrap(source, max(40, int(width_in * 72 / FOOTER_CHAR_PT))) if source else []


#: The header of a chart's value column, by unit (« Données du graphique »).
VALUE_HEADERS = {"%": "Part", "ratio": "Valeur", "count": "Nombre"}
#: The header of the n.c. rate of each row of a chart's data.
NC_HEADER = "Taux de n.c."


def value_cells(values: Sequence[float], statuts: Sequence[str], unit: str, decimals: int | None = None) -> list[str]:
    """Each value as the chart prints it (:func:`fmt_value`), or the mark of its statut."""
    return [fmt_value(v, unit, decimals, reason=s) for v, s in zip(values, statuts, strict=True)]


def rate_cells(rows: pd.DataFrame) -> list[str]:
    """The n.c. rate the report states for each row (« 27 % »), "" where it states none."""
    columns = list(rows.columns)      # each row's values as iterrows gives them, without a Series each
    return [nc.percent_range([r]) if (r := nc.stated_rate(dict(zip(columns, values)))) is not None else ""
            for values in rows.to_numpy(dtype=object).tolist()]


def data_table(category: str, names: Sequence[str], columns: Mapping[str, Sequence[str]],
               rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The values a chart draws as a table of French text: one row per bar (``names``, under the
    header ``category``), the ``columns`` of printed values, then the n.c. rate of each row of
    ``rows`` (one per bar, in order) when the report states one."""
    table = pd.DataFrame({category: [str(n).replace("\n", " ") for n in names],
                          **{key: list(cells) for key, cells in columns.items()}})
    if rows is not None and len(rows) == len(table):
        rates = rate_cells(rows.reset_index(drop=True))
        if any(rates):
            table[NC_HEADER] = rates
    return table


def alt_list(names: Sequence[str], values: Sequence[float], statuts: Sequence[str], unit: str,
             decimals: int | None) -> str:
    parts = []
    for n, v, s in zip(names, values, statuts, strict=True):
        if s != Statut.OK or is_missing(v):
            st = Statut.parse(s)
            parts.append(f"{n}{UNIT_SEP}: {(st if st is not Statut.OK else Statut.NC).words}")
        else:
            parts.append(f"{n}{UNIT_SEP}: {fmt_value(v, unit, decimals)}")
    return " ; ".join(parts)


def bar_statut(statuts: pd.Series) -> str:
    """One statut for a stacked bar made of several rows (:meth:`Statut.most_telling`)."""
    return Statut.most_telling(statuts).value


def source_line(df: pd.DataFrame, source: str | None, **nc_options) -> str | None:
    """The finished source line of a chart: ``source`` when given (a bare name gets « Source : »,
    no rate is added), else the rows' sources with their n.c. text (:func:`nc_text` with
    ``nc_options``); None when neither is known."""
    if source is not None:
        return nc.source_line(source)
    if "source" not in df.columns:
        return None
    found = list(df["source"].dropna().astype(str).unique())
    return nc.source_line(found, nc_text(df, **nc_options)) if found else None


def unit_of(df: pd.DataFrame, unit: str | None) -> str:
    if unit is not None:
        return unit
    if "unite" in df.columns:
        found = df["unite"].dropna().astype(str).unique()
        if len(found) == 1:
            return found[0]
    return "%"


def value_axis(ax: Axes, unit: str, vmax: float, *, horizontal: bool, share_axis: bool = True) -> float:
    """Set the value axis limits and French tick labels; return the span."""
    if unit == "%" and share_axis:
        top = 100.0 if vmax <= 100 else vmax * 1.12
    else:
        top = vmax * 1.15 if vmax > 0 else 1.0
    span = top
    axis = ax.xaxis if horizontal else ax.yaxis
    (ax.set_xlim if horizontal else ax.set_ylim)(0, top)
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(french_tick_formatter(unit))
    ax.grid(True, axis="x" if horizontal else "y")
    ax.grid(False, axis="y" if horizontal else "x")
    if horizontal:
        ax.spines["left"].set_visible(True)
        ax.spines["bottom"].set_visible(False)
    return span


def draw_bars(
    ax: Axes,
    positions: np.ndarray,
    values: np.ndarray,
    statuts: Sequence[str],
    colors: Sequence[str],
    *,
    width: float,
    span: float,
    horizontal: bool,
    unit: str,
    decimals: int | None,
    label_fontsize: float = 8.5,
    label_background: bool = False,
) -> None:
    """Bars with value labels; n.c./secret as a hatched grey stub labelled "n.c."/"s."."""
    stub = span * STUB_FRACTION
    offset = 3  # points between the bar end and its label
    for pos, v, st, col in zip(positions, values, statuts, colors, strict=True):
        missing = st != Statut.OK or np.isnan(v)
        if missing and st == Statut.OK:
            st = Statut.NC.value
        length = (0.0 if st == Statut.VIDE else stub) if missing else float(v)
        kw = dict(
            color=NC_COLOR if missing else col,
            edgecolor=NC_EDGE_COLOR if missing else "none",
            linewidth=0.6 if missing and st != Statut.VIDE else 0,
            hatch=HATCHES.get(st) if missing else None,
        )
        if horizontal:
            (bar,) = ax.barh([pos], [length], height=width, **kw)
            xy, xytext, ha, va = (length, pos), (offset, 0), "left", "center"
        else:
            (bar,) = ax.bar([pos], [length], width=width, **kw)
            xy, xytext, ha, va = (pos, length), (0, offset), "center", "bottom"
        bar.set_gid(st if missing else "value")
        text = fmt_value(v, unit, decimals, reason=st)
        ax.annotate(
            text,
            xy=xy,
            xytext=xytext,
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=label_fontsize,
            color=MUTED_COLOR if missing else TEXT_COLOR,
            fontstyle="italic" if missing else "normal",
            zorder=3,
            bbox=dict(facecolor="white", edgecolor="none", pad=0.6, alpha=0.9) if label_background else None,
        )


def single(df: pd.DataFrame, col: str, what: str) -> None:
    if col in df.columns and df[col].nunique(dropna=True) > 1:
        raise ValueError(f"{what}: expected one {col}, got {sorted(map(str, df[col].dropna().unique()))}")


def order_types(df: pd.DataFrame, types: Sequence[str] | None) -> pd.DataFrame:
    where: dict[str, list[int]] = {}
    for i, t in enumerate(df["type"].astype(str).tolist()):
        where.setdefault(t, []).append(i)
    present = list(where)
    order = list(types) if types is not None else [t for t in TYPE_ORDER if t in present]
    order += [t for t in present if t not in order and types is None]
    rows = []
    for t in order:
        found = where.get(t, [])
        if len(found) > 1:
            raise ValueError(f"several rows for type {t!r}; filter the indicator table first")
        if found:
            rows.append(df.iloc[found[0]])
        else:  # requested but absent: shown as n.c.
            rows.append(pd.Series({"type": t, "valeur": np.nan, "statut": Statut.NC.value}))
    return pd.DataFrame(rows).reset_index(drop=True)


def shares_table(df: pd.DataFrame, categories: list[str], by: str, order: Sequence[str] | None
                 ) -> tuple[pd.DataFrame, pd.Series]:
    """The shares of a stacked chart, one row per bar (``by`` value, in ``order`` or the type
    order) and one column per category, and the statut of each bar. ``df`` is tidy (one row per
    bar and category, categories in ``indicateur``) or wide (the categories are columns)."""
    if all(c in df.columns for c in categories):
        table = df.set_index(df[by].astype(str))[categories].apply(pd.to_numeric, errors="coerce")
        statut = pd.Series(Statut.OK.value, index=table.index)
        if "statut" in df.columns:
            total = table.sum(axis=1, min_count=1).to_numpy()
            statut = pd.Series(statut_of(df.assign(valeur=total)).to_numpy(), index=table.index)
    else:
        data = prepare(df[df["indicateur"].astype(str).isin(categories)])
        table = data.pivot_table(index=data[by].astype(str), columns="indicateur", values="valeur",
                                 aggfunc="first", sort=False, dropna=False)
        table = table.reindex(columns=categories)
        statut = data.groupby(data[by].astype(str), sort=False)["statut"].agg(bar_statut)
    keys = list(table.index)
    if order is not None:
        keys = [str(k) for k in order]
    elif by == "type":
        keys = [t for t in TYPE_ORDER if t in keys] + [k for k in keys if k not in TYPE_ORDER]
    if order is not None:
        keys = [str(k) for k in order]
    elif by == "type":
        keys = [t for t in TYPE_ORDER if t in keys] + [k for k in keys if k not in TYPE_ORDER]
    return table.reindex(keys), statut.reindex(keys).fillna(Statut.NC.value)


def percent_axis(ax: Axes, pos, names: Sequence[str], *, horizontal: bool) -> None:
    """The 0–100 % axis of stacked bars, with the bar names on the other axis."""
    (ax.set_yticks if horizontal else ax.set_xticks)(pos, names)
    (ax.set_xlim if horizontal else ax.set_ylim)(0, 100)
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(french_tick_formatter("%"))
    axis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(False)
    if horizontal:
        ax.spines["bottom"].set_visible(False)


def missing_stacked_bar(ax: Axes, pos: float, statut: str, *, horizontal: bool) -> None:
    """A stacked bar without any share: a full hatched grey bar and its mark ("n.c.", "s.",
    "n.d."), or only "–" when there is no establishment (sans objet)."""
    st = Statut.parse(statut) if statut != Statut.OK else Statut.NC
    if st is not Statut.VIDE:
        kw = dict(color=NC_COLOR, edgecolor=NC_EDGE_COLOR, linewidth=0.6, hatch=HATCHES.get(st))
        if horizontal:
            ax.barh([pos], [100], height=0.62, **kw)
        else:
            ax.bar([pos], [100], width=0.62, **kw)
    xy = (50, pos) if horizontal else (pos, 50)
    ax.text(*xy, st.mark, ha="center", va="center", fontsize=8, color=MUTED_COLOR,
            fontstyle="italic", bbox=dict(facecolor=NC_COLOR if st is not Statut.VIDE else "white", edgecolor="none",
                                          pad=1))


def shares_description(names: Sequence[str], table: pd.DataFrame, categories: Sequence[str], labels: Sequence[str],
                       missing_bar, statut: pd.Series, decimals: int | None) -> list[str]:
    """For the alt text, each bar's shares ("écoles : 81 % oui, 19 % non") or why it has none."""
    descr = []
    for i, name in enumerate(names):
        if missing_bar[i]:
            st = Statut.parse(statut.iloc[i]) if statut.iloc[i] != Statut.OK else Statut.NC
            descr.append(f"{name}{UNIT_SEP}: {st.words}")
            continue
        shares = ", ".join(f"{fmt_value(table.iloc[i][c], '%', decimals)} {lab}"
                           for c, lab in zip(categories, labels, strict=True) if not is_missing(table.iloc[i][c]))
        descr.append(f"{name}{UNIT_SEP}: {shares}")
    return descr
