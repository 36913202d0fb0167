"""Time the report layer (not a test): a chart, a map, a chapter's figures, one chapter notebook.

    .venv/bin/python benchmarks/report_bench.py [DATA_DIR] [--repeat 5] [--boundaries GEOJSON]

Prints medians and the budget each one had when it was a test assertion (the tests now check
behaviour only); asserts nothing. Without DATA_DIR the demo dataset is generated into a
temporary folder. ``--boundaries``: a département GeoJSON (e.g.
``../shared/data/raw/france-geojson/departements-avec-outre-mer.geojson``) to time the first draw
of France on real boundaries (projection and simplification) and the cached second one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from analysis.report import charts, map_geometry, maps  # noqa: E402
from analysis.report.style import figure_bytes  # noqa: E402


def median_ms(run, repeat: int) -> float:
    run()  # warm-up: first-use imports, font cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def line(what: str, ms: float, budget: str = "") -> None:
    print(f"{what:<62} {ms:9.1f} ms  {budget}")


def chart_by_type() -> None:
    frame = pd.DataFrame({"territoire": "31", "type": ["lycee", "ecole", "college"], "indicateur": "acces_internet",
                          "valeur": [93.24, 74.5, np.nan], "non_communique": [10, 100, 20], "univers": [34, 870, 20],
                          "taux_nc": [42.0, 13.0, 20.0], "statut": ["ok", "ok", "nc"]})
    figure_bytes(charts.bar_by_type(frame, "Titre", "ETIC 2018"), "png", dpi=120)


def tilegrid_map() -> None:
    codes = map_geometry.tilegrid()["code"]
    values = pd.DataFrame({"code": codes, "valeur": np.linspace(5, 95, len(codes)), "statut": "ok"})
    options = maps.MapOptions(title="Titre", source="ETIC 2018")
    figure_bytes(maps.choropleth(values, None, options=options), "png", dpi=150)


def boundaries(path: Path, repeat: int) -> None:
    import geopandas as gpd

    geo = gpd.read_file(path)
    values = pd.DataFrame({"code": geo["code"], "valeur": np.linspace(5, 95, len(geo)), "statut": "ok"})
    start = time.perf_counter()
    maps.choropleth(values, geo, options=maps.MapOptions(title="Titre", source="ETIC 2018"))
    line("France on real boundaries, first draw (projects, simplifies)", 1000 * (time.perf_counter() - start),
         "(was < 3 s; budget 1 s)")
    line("prepare_geometries again (cached)", median_ms(lambda: map_geometry.prepare_geometries(geo), repeat),
         "(was < 50 ms)")


def chapter_figures(data_dir: Path, repeat: int) -> None:
    from analysis.report.chapter import Chapter
    from analysis.sources.store import Store

    region = Chapter("region:76", 2018, store=Store(data_dir))

    def draw() -> None:
        for fig in (region.chart_by_type("equipement.eleves_par_terminal"),
                    region.chart_distribution("connectivite.classes_internet"),
                    region.chart_grouped(["connectivite.acces_adsl", "connectivite.acces_fibre"], "T"),
                    region.chart_comparison("connectivite.acces_fibre"),
                    region.map("services.ent", "college")):
            figure_bytes(fig, "png", dpi=150)

    line("five figures of a région chapter, built and written as PNG", median_ms(draw, repeat))


def notebook(data_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "notebooks" / "01-methodologie.ipynb"),
                        str(Path(tmp) / "out.ipynb"), "-p", "territoire", "region:76", "-p", "annee", "2018",
                        "-p", "data_dir", str(data_dir), "-k", "python3", "--cwd", str(ROOT / "notebooks")],
                       env=env, check=True, capture_output=True)
        line("01-methodologie through papermill (kernel start included)", 1000 * (time.perf_counter() - start),
             "(was < 15 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--boundaries", type=Path)
    args = parser.parse_args()
    line("bar chart by type, built and written as a 120 dpi PNG", median_ms(chart_by_type, args.repeat),
         "(was < 300 ms; budget 150 ms)")
    line("France on the tile grid, built and written as a 150 dpi PNG", median_ms(tilegrid_map, args.repeat))
    if args.boundaries:
        boundaries(args.boundaries, args.repeat)
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "analysis", "data", "demo", "--data-dir", str(data_dir)],
                           check=True, stdout=subprocess.DEVNULL)
        chapter_figures(data_dir, args.repeat)
        notebook(data_dir)


if __name__ == "__main__":
    main()
