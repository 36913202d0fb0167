"""Benchmark of the book renderer (not a test): a synthetic 7-chapter book, ~30 figures.

    .venv/bin/python benchmarks/render_bench.py [--figures 30] [--repeat 3]

Prints the time of each stage: building the synthetic executed notebooks (not part of the
renderer), then render_book for HTML only, PDF only, and both (the usual case).
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from analysis.core.publication import TITLE  # noqa: E402
from analysis.render import render_book  # noqa: E402

CHAPTERS = ["Synthèse", "Méthodologie", "Connectivité", "Équipement", "Services et ressources",
            "Expérimentations", "Annexes"]


def _png(seed: int) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=100)
    values = [(seed * 37 + k * 13) % 100 for k in range(6)]
    ax.bar([f"Académie {k}" for k in range(6)], values, color="#0072B2")
    ax.set_title(f"Indicateur {seed} (%)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def build_book(folder: Path, n_figures: int) -> list[Path]:
    paths = []
    per_chapter = max(1, n_figures // len(CHAPTERS))
    table = pd.DataFrame({"Académie": [f"Académie {k}" for k in range(12)],
                          "Établissements": [100 + 7 * k for k in range(12)],
                          "Part (%)": [f"{90 - k},5 %" for k in range(12)]}).set_index("Académie")
    fig_no = 0
    for c, title in enumerate(CHAPTERS):
        cells = [new_markdown_cell(f"# {title}\n\nIntroduction du chapitre « {title} ».")]
        for s in range(per_chapter):
            fig_no += 1
            label = f"fig-c{c}-{s}"
            cells.append(new_markdown_cell(
                f"## Indicateur {fig_no}\n\nComme le montre @{label}, 98\u202f% des "
                "établissements sont concernés (n.c. : 2\u202f%)."))
            cells.append(new_code_cell(
                f'#| label: {label}\n#| fig-cap: "Indicateur {fig_no} par académie"\nplot()',
                outputs=[new_output("stream", name="stderr", text="UserWarning: bruit\n"),
                         new_output("display_data", data={"image/png": _png(fig_no),
                                                          "text/plain": "<Figure>"})]))
            cells.append(new_code_cell("display(Markdown(...))", outputs=[new_output(
                "display_data", data={"text/markdown": f"**{fig_no * 3} %** des collèges."})]))
        cells.append(new_code_cell(f"#| label: tbl-c{c}\n#| tbl-cap: Récapitulatif\ndf",
                                   outputs=[new_output("execute_result", execution_count=1,
                                                       data={"text/html": table._repr_html_(),
                                                             "text/plain": "df"})]))
        path = folder / f"{c:02d}-chapitre.ipynb"
        nbformat.write(new_notebook(cells=cells), path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    meta = {"title": TITLE,
            "subtitle": "Région académique Occitanie — millésime 2018",
            "territory": "Région académique Occitanie", "date": "juin 2024", "demo": True,
            "source": "Sources : données synthétiques"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        paths = build_book(tmp, args.figures)
        print(f"synthetic notebooks: {len(paths)} chapters, "
              f"{time.perf_counter() - t0:.2f} s to build (not the renderer)")
        chapters, appendices = paths[:-1], paths[-1:]
        render_book(chapters, tmp / "out", "warmup", meta=meta, appendices=appendices)
        for formats in (("html",), ("pdf",), ("html", "pdf")):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                out = render_book(chapters, tmp / "out", "book", formats=formats, meta=meta,
                                  appendices=appendices)
                times.append(time.perf_counter() - t)
            sizes = ", ".join(f"{k} {v.stat().st_size / 1e6:.2f} MB" for k, v in out.items())
            print(f"render {'+'.join(formats):9s}: median {statistics.median(times):.3f} s "
                  f"(min {min(times):.3f}, max {max(times):.3f}; {sizes})")


if __name__ == "__main__":
    main()
