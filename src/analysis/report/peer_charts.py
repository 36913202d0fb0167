"""A strip chart of peers: one line per indicator, every peer a dot, the edition's territory
highlighted (positioning among the départements, académies or régions académiques).

Each indicator has its own value axis (shares and ratios do not share a scale). Peers without a
published value cannot be placed on the axis: they are counted at the end of their line
("3 n.c., 1 s."), never dropped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.core.formatting import UNIT_SEP, fmt_value
from analysis.core.statuts import Statut
from analysis.report import figure_store
from analysis.report.chart_parts import data_table, finish, french_tick_formatter, source_lines
from analysis.report.figure_store import StoredFigure
from analysis.report.style import CONTEXT_COLOR, HIGHLIGHT_COLOR, MUTED_COLOR, TEXT_COLOR, house_style
from analysis.report.svg_layers import Layers

__all__ = ["peer_strips"]

ROW_HEIGHT_IN = 0.62
FIGURE_WIDTH_IN = 6.4


#: The narrowest span of a value axis: a share spans one point at least, a ratio 0.2, so that
#: ticks need one decimal at most (peers between 99.5 and 100 %).
LEAST_SPAN = {"%": 1.0}
RATIO_LEAST_SPAN = 0.2


def _value_limits(ax, values: np.ndarray, unit: str, ref) -> None:
    """Room around the dots; a share axis never runs past 100 %; ticks one decimal at most."""
    values = values[~np.isnan(values)]
    if ref is not None and not np.isnan(ref):
        values = np.append(values, ref)
    if not len(values):
        return
    lo, hi = float(values.min()), float(values.max())
    least = LEAST_SPAN.get(unit, RATIO_LEAST_SPAN)
    if hi - lo < least:                 # widened around the values, a share never past 100 %
        lo = min(lo, (lo + hi - least) / 2)
        if unit == "%" and hi <= 100:
            lo = min(lo, 100 - least) if lo + least > 100 else lo
        hi = max(hi, lo + least)
    pad = (hi - lo) * 0.06
    right = hi + pad
    if unit == "%" and hi <= 100:
        right = min(right, 100 + pad / 3)
    ax.set_xlim(lo - pad, right)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))


def _unplaced(frame: pd.DataFrame) -> str:
    counts = frame.loc[frame["rang"].isna(), "statut"].value_counts()
    return ", ".join(f"{n}{UNIT_SEP}{Statut.parse(s).mark}" for s, n in counts.items())


def peer_strips(rows: Sequence[tuple[str, pd.DataFrame, str]], territory_id: str, *, title: str,
                source: str, peers_label: str, reference: Sequence[float | None] = (),
                title_template: str | None = None, source_template: str | None = None) -> StoredFigure:
    """``rows``: (label, ranking frame of :func:`analysis.indicators.positioning.ranking`, unit)
    per indicator; ``reference``: a value per row drawn as a thin line (e.g. France), or None.

    The peers are drawn once for their group (:func:`group_strips`, the same for every member:
    ``title_template`` and ``source_template`` are texts at least as long as any member's, for
    which the figure is laid out); the territory's layer is drawn over it: its dot and value on
    each line, its title and source line (:mod:`analysis.report.svg_layers`)."""
    base = figure_store.layer(group_strips, tuple(rows), title=title_template or title,
                              source=source_template or source, peers_label=peers_label,
                              reference=tuple(reference))
    layers = Layers(base.svg)
    layers.lines(TITLE, textwrap.wrap(title, TITLE_WRAP))
    layers.lines(FOOTER, source_lines(source, FIGURE_WIDTH_IN), count=base.extra["source_lines"])
    alt = []
    for n, (label, frame, unit) in enumerate(rows):
        mine = frame[frame["territoire"] == territory_id].iloc[0]
        placed = frame[frame["rang"].notna()]
        missing = _unplaced(frame)
        if pd.notna(mine["rang"]):
            box, value = base.extra["rows"][n], float(mine["valeur"])
            # the dot over the territory's own grey dot; its value above the middle of the line, where
            # matplotlib put the placeholder's (the same offset from the value's point)
            layers.move(f"{HIGHLIGHT}-{n}", *_to_svg(box, value, base.extra["jitter"][n][territory_id]))
            text_x, text_y = layers.position(f"{VALUE}-{n}")
            was_x, was_y = _to_svg(box, box["placeholder"], 0.0)
            now_x, now_y = _to_svg(box, value, 0.0)
            layers.move(f"{VALUE}-{n}", now_x + text_x - was_x, now_y + text_y - was_y)
            layers.text(f"{VALUE}-{n}", fmt_value(mine["valeur"], unit))
            shown = f"{fmt_value(mine['valeur'], unit)}, rang {int(mine['rang'])} sur {len(placed)}"
        else:
            layers.remove(f"{HIGHLIGHT}-{n}")
            layers.remove(f"{VALUE}-{n}")
            shown = Statut.parse(mine["statut"]).mark or Statut.NC.mark
        alt.append(f"{label}{UNIT_SEP}: {shown}" + (f" ({missing} sans valeur)" if missing else ""))
    footer = "\n".join([source] + base.footer_text.split("\n")[base.extra["source_lines"]:])
    return StoredFigure(svg=layers.svg(), alt_text=f"Position parmi les {peers_label} — " + " ; ".join(alt) + ".",
                        width_px=base.width_px, source_text=source, footer_text=footer, title_text=title,
                        data=figure_store.table_record(peers_table(rows, territory_id)))


#: The ids of the parts of the group's figure that each member's layer edits.
TITLE, FOOTER, HIGHLIGHT, VALUE = "titre", "pied", "territoire", "valeur"
TITLE_WRAP = 70
VALUE_OFFSET_PT = 7.0                  # the value above the middle of its line


def _to_svg(row: dict, value: float, jitter: float) -> tuple[float, float]:
    """The point of the SVG (points, y downwards) of a value on a line of the figure."""
    x = (row["x0"] + (value - row["xmin"]) / (row["xmax"] - row["xmin"]) * row["width"]) * row["W"]
    y = (1 - (row["y0"] + (jitter - row["ymin"]) / (row["ymax"] - row["ymin"]) * row["height"])) * row["H"]
    return x, y


def group_strips(rows: tuple, *, title: str, source: str, peers_label: str, reference: tuple) -> Figure:
    """The peers of a group, every one a grey dot (each its own jitter, kept with the figure), the
    France line, the peers without value counted; the territory's dot and value drawn at the first
    peer as a placeholder that each member's layer moves (:func:`peer_strips`)."""
    with house_style():
        fig = Figure(figsize=(FIGURE_WIDTH_IN, 1.0 + ROW_HEIGHT_IN * len(rows)), layout="constrained")
        axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
        rng = np.random.default_rng(0)                 # the same jitter at every build
        jitters, placeholders = [], []
        for n, (ax, (label, frame, unit), ref) in enumerate(zip(axes, rows, list(reference) + [None] * len(rows))):
            placed = frame[frame["rang"].notna()]
            jitter = rng.uniform(-0.18, 0.18, len(placed))
            jitters.append(dict(zip(placed["territoire"], map(float, jitter))))
            ax.scatter(placed["valeur"], jitter, s=14, color=CONTEXT_COLOR, edgecolor="white", linewidth=0.4,
                       zorder=2)
            if ref is not None and not np.isnan(ref):
                ax.axvline(ref, color=MUTED_COLOR, linewidth=0.8, linestyle=":", zorder=1)
            placeholders.append(_placeholder(ax, n, placed, jitter, unit))
            _value_limits(ax, placed["valeur"].to_numpy(dtype=float), unit, ref)
            _strip_axes(ax, label, unit, _unplaced(frame))
        note = textwrap.fill("Chaque point est un des " + peers_label + " ; le point foncé est le territoire de "
                             "l'édition" + (", la ligne pointillée la valeur de la France."
                                            if any(r is not None for r in reference) else "."), 110)
        fig = finish(fig, title, source, f"Position parmi les {peers_label}", extra_note=note, wrap=TITLE_WRAP)
        fig.layout = lambda: {"rows": [dict(_axes_box(fig, ax), placeholder=x) for ax, x in zip(axes, placeholders)],
                              "jitter": jitters, "source_lines": len(source_lines(source, FIGURE_WIDTH_IN))}
        return fig


def _placeholder(ax, n: int, placed: pd.DataFrame, jitter, unit: str) -> float:
    """The territory's dot and value, at the first peer placed: every member's layer moves them.
    Returns the value they are drawn at."""
    if not len(placed):
        x, y, shown = 0.0, 0.0, ""
    else:
        x, y, shown = float(placed["valeur"].iloc[0]), float(jitter[0]), fmt_value(placed["valeur"].iloc[0], unit)
    ax.scatter([x], [y], s=48, color=HIGHLIGHT_COLOR, edgecolor="white", linewidth=0.8, zorder=3,
               gid=f"{HIGHLIGHT}-{n}")
    ax.annotate(shown, (x, 0.0), xytext=(0, VALUE_OFFSET_PT), textcoords="offset points", ha="center",
                va="bottom", fontsize=7.5, color=HIGHLIGHT_COLOR, fontweight="bold", gid=f"{VALUE}-{n}")
    return x


def _strip_axes(ax, label: str, unit: str, missing: str) -> None:
    ax.set_ylim(-0.5, 0.8)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(french_tick_formatter(unit))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(label, loc="left", fontsize=8, color=TEXT_COLOR, pad=2)
    if missing:
        ax.text(1.0, 1.0, f"sans valeur{UNIT_SEP}: {missing}", transform=ax.transAxes, ha="right",
                va="bottom", fontsize=7, color=MUTED_COLOR)


def _axes_box(fig: Figure, ax) -> dict:
    """Where a line's axes ended up (figure fractions), its limits and the figure's size in points."""
    box = ax.get_position()
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    return {"x0": box.x0, "y0": box.y0, "width": box.width, "height": box.height, "xmin": xmin, "xmax": xmax,
            "ymin": ymin, "ymax": ymax, "W": fig.get_figwidth() * 72, "H": fig.get_figheight() * 72}


def peers_table(rows: Sequence[tuple[str, pd.DataFrame, str]], territory_id: str) -> pd.DataFrame:
    """The values drawn, one row per peer (the edition's territory first, then by name), one
    column per indicator: the value as printed, or the mark of a peer without one."""
    columns: dict[str, pd.Series] = {}
    names: dict[str, str] = {}
    for label, frame, unit in rows:
        keyed = frame.drop_duplicates("territoire").set_index("territoire")
        columns[label] = pd.Series([fmt_value(v, unit, reason=st) for v, st in zip(keyed["valeur"], keyed["statut"])],
                                   index=keyed.index)
        names.update(zip(keyed.index, keyed["libelle"] if "libelle" in keyed else keyed.index))
    order = sorted(names, key=lambda t: (t != territory_id, names[t]))
    return data_table("Territoire", [names[t] for t in order],
                      {label: [col.get(t, Statut.ABSENT.mark) for t in order] for label, col in columns.items()})
