"""Vector figures (SVG) against PNG: what each costs per edition, to draw, to render, in bytes.

    .venv/bin/python benchmarks/svg_bench.py DATA_DIR [TERRITORY] [YEAR]

1. builds the edition once (real chapters, built-in renderer) to get its executed notebooks;
2. in this process, runs every ``ch.show_figure(...)`` cell of the chapters again with the same
   ``Chapter`` and times the encoding of each figure as PNG (``figure_png``, what notebooks emit
   today) and as SVG (``savefig(format="svg")``), the drawing itself being the same;
   (text as text: ``svg.fonttype: none``);
3. renders the executed notebooks twice with the built-in renderer (HTML + PDF): as they are
   (PNG), and with every PNG output replaced by the SVG of the same figure.

Prints the times and sizes, and the difference per edition: the batch's time per edition is the
sum of its chapters (one worker) and its rendering, so that difference is what SVG would add to
(or save from) every edition of ``build --all``. Asserts nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def figures_of(notebooks: list[Path], territory: str, year: int, data: Path) -> list[tuple[str, object]]:
    """(notebook name, figure) for every figure the chapters show, in order."""
    from analysis.report.chapter import Chapter
    from analysis.report.style import apply_style

    ch = Chapter(territory, year, str(data), 5)
    apply_style()
    found: list[tuple[str, object]] = []
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        shown: list[object] = []
        ch.show_figure = lambda fig, shown=shown: shown.append(fig) if fig else None
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and "ch.show_figure(" in source:
                exec(compile(source, str(path), "exec"), {"ch": ch})      # noqa: S102 - our notebooks
        found += [(path.name, fig) for fig in shown]
    return found


def encode(fig, fmt: str) -> tuple[bytes, float]:
    """The figure's bytes and the seconds to draw and encode them (as ``figure_png`` does: a tight
    bounding box unless the layout is constrained)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from analysis.report.chapter import figure_png

    start = time.perf_counter()
    if fmt == "png":
        data = figure_png(fig)
    else:
        # Text kept as text (selectable, searchable; typst has the DejaVu fonts), stable ids.
        tight = not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "etat-des-lieux"}):
            fig.savefig(buf, format="svg", facecolor="white", metadata={"Date": None},
                        bbox_inches="tight" if tight else None, pad_inches=0.1)
        data = buf.getvalue()
    return data, time.perf_counter() - start


def encode_both(figures) -> tuple[list, list]:
    """Each figure in both formats, twice in alternate order; the second time of each is kept
    (the first draw of a figure also computes its layout)."""
    png, svg = [], []
    for _, fig in figures:
        encode(fig, "png")
        encode(fig, "svg")
        svg.append(encode(fig, "svg"))
        png.append(encode(fig, "png"))
    return png, svg


def with_svg(source: Path, target: Path, svgs: list[bytes]) -> None:
    """A copy of an executed chapter whose PNG outputs are replaced, in order, by ``svgs``."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    queue = list(svgs)
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data and queue:
                del data["image/png"]
                data["image/svg+xml"] = queue.pop(0).decode("utf-8")
                meta = output.get("metadata", {})
                if "image/png" in meta:
                    meta["image/svg+xml"] = meta.pop("image/png")
    target.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def render(main: list[Path], appendices: list[Path], out: Path, repeat: int = 5) -> tuple[float, dict[str, int]]:
    from analysis.core import config
    from analysis.render import load_book, render_book

    book = load_book(config.project_root())
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        outputs = render_book(main, out, "edition", appendices=appendices, meta={"territory": "x"}, book=book)
        times.append(time.perf_counter() - start)
    return statistics.median(times), {fmt: p.stat().st_size for fmt, p in outputs.items()}


def main() -> None:
    from analysis.build import batch, editions
    from analysis.build.options import BuildOptions

    data = Path(sys.argv[1])
    territory = sys.argv[2] if len(sys.argv) > 2 else "departement:48"
    year = int(sys.argv[3]) if len(sys.argv) > 3 else 2018
    with tempfile.TemporaryDirectory(prefix="svg-bench-") as tmp:
        tmp = Path(tmp)
        report = batch.build(territory, year, BuildOptions(out_dir=tmp / "reports", data_dir=data,
                                                            renderer="builtin", write_index=False))
        assert report.ok, [o.failure for o in report.outcomes]
        edition = editions.edition_for(territory, year, tmp / "reports")
        book_main, book_appendices = editions.chapters()
        main = [edition.notebooks_dir / p.name for p in book_main]
        appendices = [edition.notebooks_dir / p.name for p in book_appendices]

        with contextlib.redirect_stdout(io.StringIO()):          # the chapters' sentences
            figures = figures_of(main + appendices, territory, year, data)
        png, svg = encode_both(figures)
        print(f"{territory} {year}: {len(figures)} figures")
        print(f"  encode PNG (150 dpi): {sum(t for _, t in png):6.2f} s, {sum(len(d) for d, _ in png) / 1e6:5.2f} MB")
        print(f"  encode SVG:           {sum(t for _, t in svg):6.2f} s, {sum(len(d) for d, _ in svg) / 1e6:5.2f} MB")

        svg_dir = tmp / "svg"
        svg_dir.mkdir()
        by_chapter: dict[str, list[bytes]] = {}
        for (name, _), (data_svg, _) in zip(figures, svg):
            by_chapter.setdefault(name, []).append(data_svg)
        for path in main + appendices:
            with_svg(path, svg_dir / path.name, by_chapter.get(path.name, []))
        t_png, size_png = render(main, appendices, tmp / "out-png")
        t_svg, size_svg = render([svg_dir / p.name for p in main], [svg_dir / p.name for p in appendices],
                                 tmp / "out-svg")
        print(f"  render HTML + PDF with PNG: {t_png:5.2f} s (median of 5); HTML {size_png['html'] / 1e6:.2f} MB, "
              f"PDF {size_png['pdf'] / 1e6:.2f} MB")
        print(f"  render HTML + PDF with SVG: {t_svg:5.2f} s (median of 5); HTML {size_svg['html'] / 1e6:.2f} MB, "
              f"PDF {size_svg['pdf'] / 1e6:.2f} MB")
        delta = (sum(t for _, t in svg) - sum(t for _, t in png)) + (t_svg - t_png)
        print(f"  SVG minus PNG per edition (encoding + rendering): {delta:+.2f} s")


if __name__ == "__main__":
    main()
