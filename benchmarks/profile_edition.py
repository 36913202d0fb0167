"""Where an edition's kernel time goes: every chapter's cells run in this process, timed cell by
cell and grouped by what they do (chart kinds, maps, positioning, tables, text), with a cProfile
of the whole.

Usage: python benchmarks/profile_edition.py TERRITORY [YEAR] [DATA_DIR] [--top N] [--repeat K]

No kernel, no papermill, no rendering: the time a worker's kernel spends in the chapters' own
code (the kernel adds ~0.05 s of messaging per cell, papermill writes each notebook once; see
``edition_bench.py`` for the whole edition). Each figure is drawn and saved as SVG as
``ch.show_figure`` does. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import time
from collections import defaultdict
from pathlib import Path

import nbformat

from analysis.build import editions
from analysis.core import config

#: How a cell is named in the split, from the first chapter call it makes (in this order).
KINDS = (("positioning_map", "carte des pairs"), ("positioning_chart", "graphique des pairs"),
         (".map(", "carte des sous-territoires"), ("chart_sublevel", "barres des sous-territoires"),
         ("chart_comparison", "barres de comparaison"), ("chart_distribution", "barres empilées"),
         ("chart_yes_no", "barres empilées"), ("chart_grouped", "barres groupées"),
         ("chart_ranked", "barres classées"), ("chart_by_type", "barres par type"),
         ("ch.table(", "tableaux"), ("Chapter(", "chargement du chapitre"))


def kind_of(source: str) -> str:
    return next((name for key, name in KINDS if key in source), "texte")


def cells(notebook: Path, params: dict) -> list[str]:
    """The code cells of a chapter, the parameters cell replaced by ``params``."""
    nb = nbformat.read(str(notebook), as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            out.append("\n".join(f"{k} = {v!r}" for k, v in params.items()))
        else:
            out.append(re.sub(r"^#\|.*$", "", cell.source, flags=re.M))
    return out


def run(territory: str, year: int, data_dir: Path, profile: cProfile.Profile | None) -> dict[str, list[float]]:
    import IPython.display

    shown = []
    IPython.display.display = lambda *a, **k: shown.append(a)      # the outputs are made, not shown
    main, appendices = editions.chapters()
    params = {"territoire": territory, "annee": year, "data_dir": str(data_dir), "seuil_secret": 5}
    times: dict[str, list[float]] = defaultdict(list)
    for notebook in main + appendices:
        namespace: dict = {}
        for source in cells(notebook, params):
            start = time.process_time()          # CPU time: the machine may be busy
            if profile:
                profile.enable()
            exec(compile(source, str(notebook), "exec"), namespace)
            if profile:
                profile.disable()
            times[kind_of(source)].append(time.process_time() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("territory")
    parser.add_argument("year", nargs="?", type=int, default=2018)
    parser.add_argument("data_dir", nargs="?", type=Path, default=None)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true", help="times only (the profiler doubles them)")
    parser.add_argument("--repeat", type=int, default=2, help="runs; the last is reported (the first warms caches)")
    args = parser.parse_args()
    data = args.data_dir or config.data_dir()
    for n in range(args.repeat):
        profile = None if args.no_profile else cProfile.Profile()
        start = time.process_time()
        times = run(args.territory, args.year, data, profile)
        total = time.process_time() - start
        if n < args.repeat - 1:
            continue
        print(f"{args.territory} {args.year}: {total:.2f} s of CPU for the chapters' cells, profiler included "
              f"(run {n + 1} of {args.repeat})")
        rows = sorted(times.items(), key=lambda kv: -sum(kv[1]))
        for kind, values in rows:
            mean = sum(values) / len(values)
            print(f"  {kind:32} {sum(values):6.2f} s  {len(values):3d} cellules  {mean:.3f} s/cellule")
        if profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
