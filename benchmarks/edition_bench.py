"""Time one edition end to end and split it: kernel start, computation, plotting, rendering.

Usage: python benchmarks/edition_bench.py [TERRITORY] [YEAR] [DATA_DIR]
       (default: france 2018, the active data folder). Prints; asserts nothing.

The split comes from papermill's per-cell durations in the executed notebooks: the setup cells
(imports, loading the cached indicator table) count as computation, cells that draw a chart or a
map as plotting, the rest (sentences, tables) as text; kernel start is measured on an empty
notebook; rendering is pandoc + typst.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from analysis.build import batch
from analysis.build import editions as pipeline
from analysis.build.options import BuildOptions
from analysis.core import config


def kernel_start() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")]), empty)
        start = time.perf_counter()
        pm.execute_notebook(str(empty), str(empty), kernel_name="python3", progress_bar=False)
        return time.perf_counter() - start


def split(notebook: Path) -> dict[str, float]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {"calcul": 0.0, "graphiques": 0.0, "texte": 0.0}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        duration = (cell.get("metadata", {}).get("papermill", {}) or {}).get("duration") or 0.0
        source = "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags or "Chapter(" in source:
            out["calcul"] += duration
        elif any(k in source for k in ("show_figure", ".map(", "chart_")):
            out["graphiques"] += duration
        else:
            out["texte"] += duration
    return out


def main() -> None:
    territory = sys.argv[1] if len(sys.argv) > 1 else "france"
    year = int(sys.argv[2]) if len(sys.argv) > 2 else 2018
    data = Path(sys.argv[3]) if len(sys.argv) > 3 else config.data_dir()      # the active data folder
    print(f"kernel start (empty notebook): {kernel_start():.2f} s")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = batch.build(territory, year, BuildOptions(out_dir=out, data_dir=data, renderer="builtin"))
        total = time.perf_counter() - start
        edition = pipeline.edition_for(territory, year, out)
        parts = {"calcul": 0.0, "graphiques": 0.0, "texte": 0.0}
        for nb in sorted(edition.notebooks_dir.glob("*.ipynb")):
            for key, value in split(nb).items():
                parts[key] += value
        start = time.perf_counter()
        batch.build(territory, year, BuildOptions(out_dir=out, data_dir=data, renderer="builtin"))
        warm = time.perf_counter() - start
    t, e = report.timings, report.outcomes[0].timings
    print(f"{territory} {year}: {total:.1f} s in all (chapters over the workers); unchanged again: {warm:.1f} s")
    print(f"  indicators (all territories, cached after the first run): {t['indicateurs']:.2f} s")
    print(f"  cache keys of the edition:                                {t['cles']:.2f} s")
    print(f"  notebooks (wall, one kept kernel per worker):             {e['notebooks']:.2f} s")
    print(f"    cell time summed over chapters: computation {parts['calcul']:.2f} s, "
          f"plotting {parts['graphiques']:.2f} s, text and tables {parts['texte']:.2f} s")
    print(f"  rendering HTML + PDF (pandoc, typst):                      {e['rendu']:.2f} s")
    print(f"  index page and exports of the millésime:                  {t.get('index', 0):.2f} s")


if __name__ == "__main__":
    main()
