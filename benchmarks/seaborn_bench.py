"""Would seaborn draw the report's dodged and stacked bars for less code, at no cost? (not a test)

    .venv/bin/python benchmarks/seaborn_bench.py [--repeat 15]

The report draws its bars with matplotlib (:mod:`analysis.report.charts`): dodged bars (one
colour per indicator, grouped by type: ``grouped_bars``) and 100 % stacked bars
(``stacked_distribution``). This script times, for the same data, each house chart and the
closest seaborn drawing of the same geometry with its value labels (``barplot(hue=...,
dodge=True)`` + ``bar_label``; ``seaborn.objects`` ``Bar`` + ``Dodge`` / ``Stack``), each built
and written as the PNG a notebook shows (150 dpi). The seaborn versions leave out what the house
charts also draw (hatched n.c. stubs, "s." / "n.d." marks, the source line, the alt text): they
are a lower bound of what a seaborn-based chart would cost. It also times ``import seaborn`` in
a fresh interpreter, a cost every kernel of the batch pays once.

Prints medians in milliseconds; asserts nothing. Needs seaborn (``pip install seaborn``): the
project itself does not depend on it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from analysis.report import charts  # noqa: E402
from analysis.report.style import categorical_colors, figure_bytes, house_style, sequential_colors  # noqa: E402

TYPES = ["ecole", "college", "lycee"]
HUES = ["hors_rep", "rep", "rep_plus", "moyenne"]
LEVELS = ["100_plus", "50_100", "10_50", "2_10", "moins_2"]


def dodged_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [{"territoire": "france", "type": t, "indicateur": h, "valeur": float(rng.uniform(2, 9)),
             "statut": "ok", "unite": "ratio", "taux_nc": 20.0} for t in TYPES for h in HUES]
    return pd.DataFrame(rows)


def stacked_frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for t in TYPES:
        shares = rng.dirichlet(np.ones(len(LEVELS))) * 100
        rows += [{"territoire": "france", "type": t, "indicateur": lev, "valeur": float(v), "statut": "ok",
                  "unite": "%", "taux_nc": 20.0} for lev, v in zip(LEVELS, shares)]
    return pd.DataFrame(rows)


def timed(draw, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        figure_bytes(draw(), "png", dpi=150)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def house_dodged(frame):
    return lambda: charts.grouped_bars(frame, "type", "indicateur", "Élèves par terminal", "ETIC 2018",
                                       hue_order=HUES, figsize=(6.4, 3.8))


def house_stacked(frame):
    return lambda: charts.stacked_distribution(frame, LEVELS, LEVELS, "Débit", "ETIC 2018", by="type")


def seaborn_dodged(frame):
    import seaborn as sns

    def draw():
        with house_style():
            fig = Figure(figsize=(6.4, 3.8), layout="constrained")
            ax = fig.add_subplot()
            sns.barplot(frame, x="type", y="valeur", hue="indicateur", order=TYPES, hue_order=HUES,
                        palette=categorical_colors(len(HUES)), errorbar=None, ax=ax)
            for container in ax.containers:
                ax.bar_label(container, fmt="%.1f", fontsize=8)
            return fig
    return draw


def seaborn_objects(frame, move: str):
    import seaborn.objects as so

    def draw():
        with house_style():
            fig = Figure(figsize=(6.4, 3.8), layout="constrained")
            hue = "indicateur"
            colors = sequential_colors(len(LEVELS), reverse=True) if move == "stack" else categorical_colors(len(HUES))
            mover = so.Stack() if move == "stack" else so.Dodge()
            label = frame.assign(texte=frame["valeur"].round(1).astype(str))
            (so.Plot(label, x="type", y="valeur", color=hue, text="texte")
             .add(so.Bar(), mover).add(so.Text(valign="bottom"), mover)
             .scale(color=colors).on(fig).plot())
            return fig
    return draw


def import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import seaborn; print(time.perf_counter() - t)"
    base = "import matplotlib.pyplot, pandas, scipy"  # what a chapter kernel has loaded already
    runs = [float(subprocess.run([sys.executable, "-c", f"{base}; {code}"], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    try:
        import seaborn
    except ImportError:
        print("seaborn is not installed: `.venv/bin/pip install seaborn` to run this comparison")
        return
    dodged, stacked = dodged_frame(), stacked_frame()
    print(f"seaborn {seaborn.__version__}, matplotlib {matplotlib.__version__}; median of {args.repeat} "
          "runs, figure built and written as a 150 dpi PNG")
    rows = [
        ("dodged bars (3 types x 4 indicators)", "house grouped_bars", house_dodged(dodged)),
        ("", "seaborn barplot(dodge) + bar_label", seaborn_dodged(dodged)),
        ("", "seaborn.objects Bar + Dodge", seaborn_objects(dodged, "dodge")),
        ("100 % stacked bars (3 types x 5 levels)", "house stacked_distribution", house_stacked(stacked)),
        ("", "seaborn.objects Bar + Stack", seaborn_objects(stacked, "stack")),
    ]
    for what, how, draw in rows:
        draw()  # warm-up: first-use imports and font cache
        print(f"{what:<42} {how:<38} {timed(draw, args.repeat):7.1f} ms")
    print(f"{'import seaborn (after matplotlib, pandas, scipy)':<81} {1000 * import_seconds():7.1f} ms")


if __name__ == "__main__":
    main()
