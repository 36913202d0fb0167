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
from analysis.report.chart_parts import data_table, finish, french_tick_formatter
from analysis.report.style import CONTEXT_COLOR, HIGHLIGHT_COLOR, MUTED_COLOR, TEXT_COLOR, house_style

__all__ = ["peer_strips"]

ROW_HEIGHT_IN = 0.62


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
                source: str, peers_label: str, reference: Sequence[float | None] = ()) -> Figure:
    """``rows``: (label, ranking frame of :func:`analysis.indicators.positioning.ranking`, unit)
    per indicator; ``reference``: a value per row drawn as a thin line (e.g. France), or None."""
    with house_style():
        fig = Figure(figsize=(6.4, 1.0 + ROW_HEIGHT_IN * len(rows)), layout="constrained")
        axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
        alt = []
        rng = np.random.default_rng(0)                 # the same jitter at every build
        for ax, (label, frame, unit), ref in zip(axes, rows, list(reference) + [None] * len(rows)):
            placed = frame[frame["rang"].notna()]
            others = placed[placed["territoire"] != territory_id]
            jitter = rng.uniform(-0.18, 0.18, len(others))
            ax.scatter(others["valeur"], jitter, s=14, color=CONTEXT_COLOR, edgecolor="white", linewidth=0.4,
                       zorder=2)
            mine = frame[frame["territoire"] == territory_id].iloc[0]
            if ref is not None and not np.isnan(ref):
                ax.axvline(ref, color=MUTED_COLOR, linewidth=0.8, linestyle=":", zorder=1)
            if pd.notna(mine["rang"]):
                ax.scatter([mine["valeur"]], [0], s=48, color=HIGHLIGHT_COLOR, edgecolor="white", linewidth=0.8,
                           zorder=3)
                ax.annotate(fmt_value(mine["valeur"], unit), (mine["valeur"], 0), xytext=(0, 7),
                            textcoords="offset points", ha="center", va="bottom", fontsize=7.5,
                            color=HIGHLIGHT_COLOR, fontweight="bold")
                shown = f"{fmt_value(mine['valeur'], unit)}, rang {int(mine['rang'])} sur {len(placed)}"
            else:
                shown = Statut.parse(mine["statut"]).mark or Statut.NC.mark
            _value_limits(ax, placed["valeur"].to_numpy(dtype=float), unit, ref)
            ax.set_ylim(-0.5, 0.8)
            ax.set_yticks([])
            ax.xaxis.set_major_formatter(french_tick_formatter(unit))
            ax.tick_params(axis="x", labelsize=7)
            for side in ("left", "right", "top"):
                ax.spines[side].set_visible(False)
            ax.set_title(label, loc="left", fontsize=8, color=TEXT_COLOR, pad=2)
            missing = _unplaced(frame)
            if missing:
                ax.text(1.0, 1.0, f"sans valeur{UNIT_SEP}: {missing}", transform=ax.transAxes, ha="right",
                        va="bottom", fontsize=7, color=MUTED_COLOR)
            alt.append(f"{label}{UNIT_SEP}: {shown}" + (f" ({missing} sans valeur)" if missing else ""))
        note = textwrap.fill("Chaque point est un des " + peers_label + " ; le point foncé est le territoire de "
                             "l'édition" + (", la ligne pointillée la valeur de la France."
                                            if any(r is not None for r in reference) else "."), 110)
        return finish(fig, title, source, f"Position parmi les {peers_label} — " + " ; ".join(alt) + ".",
                      extra_note=note, data=peers_table(rows, territory_id))


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
