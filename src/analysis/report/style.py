"""The house chart style: one sober look for every chart and map of the report.

- Font: DejaVu Sans (shipped with matplotlib, has every glyph we print, including the narrow
  no-break space U+202F and the minus sign U+2212), 9 pt body, 11 pt bold titles.
- No top/right spines, a light grid on the value axis only, drawn below the data.
- Categorical colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies),
  reordered so that the first colours also differ in lightness and stay distinct in greyscale.
  CIELAB lightness L*: blue 46, orange 71, bluish green 58, yellow 89, reddish purple 61,
  vermillion 54, sky blue 70. Two categories (the usual case: REP / hors REP) get blue and
  orange (ΔL* = 25); three add the bluish green (ΔL* ≥ 12 from both).
- Ordered categories (classes of a map, "50 % ou plus / de 20 à 50 % / moins de 20 %") use a
  single-hue sequential ramp (``SEQUENTIAL_CMAP`` = matplotlib "Blues", lightness strictly
  monotone, hence readable by colour-blind readers and in greyscale); darker = higher.
- Missing data: ``NC_COLOR`` (very light grey) with a ``NC_HATCH`` diagonal hatching for
  "n.c." (non communiqué) and ``SECRET_HATCH`` (cross-hatching) for "s." (secret statistique).
  Both are lines: matplotlib writes a dotted hatch as thousands of tiny circles (a 250 kB SVG
  pattern per chart, carried into the notebook, the HTML and the PDF).
- Deterministic output: fixed ``svg.hashsalt``, no software/date metadata in PNG/PDF/SVG.
  Always save through :func:`save_figure`.

Charts draw inside :func:`house_style` (a context manager), so they look the same whether or
not the notebook called :func:`apply_style`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
from matplotlib.figure import Figure

from analysis.report import svg_drawing

__all__ = [
    "PALETTE",
    "SEQUENTIAL_CMAP",
    "NC_COLOR",
    "NC_EDGE_COLOR",
    "NC_HATCH",
    "SECRET_HATCH",
    "HIGHLIGHT_COLOR",
    "CONTEXT_COLOR",
    "TEXT_COLOR",
    "MUTED_COLOR",
    "RC_PARAMS",
    "apply_style",
    "house_style",
    "categorical_colors",
    "sequential_colors",
    "text_color_on",
    "figure_bytes",
    "save_figure",
]

# Okabe & Ito (2008), "Color Universal Design"; reordered for lightness spread (see module doc).
PALETTE: list[str] = [
    "#0072B2",  # blue            L* 46
    "#E69F00",  # orange          L* 71
    "#009E73",  # bluish green    L* 58
    "#F0E442",  # yellow          L* 89
    "#CC79A7",  # reddish purple  L* 61
    "#D55E00",  # vermillion      L* 54
    "#56B4E9",  # sky blue        L* 70
]
SEQUENTIAL_CMAP = "Blues"
_SEQ_RANGE = (0.22, 0.95)  # skip the near-white start (would read as "no data") of Blues

NC_COLOR = "#EBEBEB"  # fill of n.c. / secret areas and bars
NC_EDGE_COLOR = "#8C8C8C"  # hatch and outline of n.c. / secret
NC_HATCH = "////"
SECRET_HATCH = "xx"

HIGHLIGHT_COLOR = PALETTE[0]  # the edition territory
CONTEXT_COLOR = "#A9C4DC"  # parents and France in comparisons
TEXT_COLOR = "#222222"
MUTED_COLOR = "#5F5F5F"  # source lines, notes
GRID_COLOR = "#E3E3E3"

SVG_HASHSALT = "etat-des-lieux"
SVG_FONT = b"font-family: 'DejaVu Sans', sans-serif"
SVG_FONT_FALLBACKS = b"font-family: 'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"

RC_PARAMS: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "text.color": TEXT_COLOR,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 8,
    "axes.labelsize": 9,
    "axes.labelcolor": TEXT_COLOR,
    "axes.edgecolor": "#6E6E6E",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",  # charts with horizontal bars switch it to "x"
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.formatter.use_locale": False,
    "grid.color": GRID_COLOR,
    "grid.linewidth": 0.6,
    "grid.linestyle": "-",
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#4D4D4D",
    "ytick.color": "#4D4D4D",
    "xtick.major.size": 0,
    "ytick.major.size": 0,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "legend.title_fontsize": 8.5,
    "figure.dpi": 120,
    "figure.figsize": (6.4, 3.8),
    "figure.facecolor": "white",
    "figure.titlesize": 11,
    "figure.titleweight": "bold",
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.1,
    "savefig.facecolor": "white",
    "hatch.linewidth": 0.6,
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}


def apply_style() -> None:
    """Set the house style globally (call once at the top of a notebook)."""
    mpl.rcParams.update(RC_PARAMS)


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Temporarily apply the house style (used by every chart and map function)."""
    with mpl.rc_context(RC_PARAMS):
        yield


def categorical_colors(n: int) -> list[str]:
    """``n`` colours for unordered categories, the first ones most distinct in lightness."""
    if n <= len(PALETTE):
        return PALETTE[:n]
    cmap = mpl.colormaps["tab20"]
    return PALETTE + [mcolors.to_hex(cmap(i % 20)) for i in range(n - len(PALETTE))]


def sequential_colors(n: int, *, reverse: bool = False) -> list[str]:
    """``n`` colours for ordered classes, light (low values) to dark (high values)."""
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    lo, hi = _SEQ_RANGE
    if n == 1:
        out = [mcolors.to_hex(cmap((lo + hi) / 2))]
    else:
        out = [mcolors.to_hex(cmap(lo + (hi - lo) * i / (n - 1))) for i in range(n)]
    return out[::-1] if reverse else out


def _relative_luminance(color: str) -> float:
    r, g, b = mcolors.to_rgb(color)

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def text_color_on(background: str) -> str:
    """Dark or white text, whichever contrasts best with ``background`` (WCAG formula)."""
    lum = _relative_luminance(background)
    contrast_white = 1.05 / (lum + 0.05)
    contrast_dark = (lum + 0.05) / (_relative_luminance(TEXT_COLOR) + 0.05)
    return "white" if contrast_white >= contrast_dark else TEXT_COLOR


svg_drawing.measure_once()


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int | None = None, tight: bool | None = None) -> bytes:
    """The bytes of ``fig`` as PNG, SVG or PDF, reproducibly (same bytes for the same figure):
    white background, no software/creation-date metadata, fixed SVG hash salt. ``tight`` (crop to
    the drawn content) defaults to True except for figures laid out by matplotlib's constrained
    layout (the charts of :mod:`analysis.report.charts`), which already fit their content:
    skipping the extra layout pass saves ~20 % of the time. As SVG they are drawn once, not twice
    (:func:`analysis.report.svg_drawing.laid_out`)."""
    extra: dict[str, object] = {}
    if fmt == "png":
        metadata: dict[str, object] = {"Software": None}
        extra["pil_kwargs"] = {"compress_level": 3}
    elif fmt == "pdf":
        metadata = {"Creator": None, "Producer": None, "CreationDate": None}
    elif fmt == "svg":
        metadata = {"Creator": None, "Date": None, "Format": None, "Type": None}
    else:
        metadata = {}
    if tight is None:
        from matplotlib.layout_engine import ConstrainedLayoutEngine

        tight = not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    buffer = io.BytesIO()
    # SVG text stays text (selectable, searchable; typst has the fonts of matplotlib).
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "none"}), \
            (svg_drawing.laid_out(fig) if fmt == "svg" and not tight else contextlib.nullcontext()):
        fig.savefig(
            buffer,
            format=fmt,
            dpi=dpi or RC_PARAMS["savefig.dpi"],
            bbox_inches="tight" if tight else None,
            pad_inches=RC_PARAMS["savefig.pad_inches"],
            facecolor="white",
            metadata=metadata or None,
            **extra,
        )
    if fmt == "svg":       # a browser without DejaVu Sans falls back on the closest widths
        return buffer.getvalue().replace(SVG_FONT, SVG_FONT_FALLBACKS)
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path, *, dpi: int | None = None, tight: bool | None = None) -> Path:
    """Save ``fig`` to ``path`` (:func:`figure_bytes`; the format follows the suffix: .png,
    .svg, .pdf). Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(figure_bytes(fig, path.suffix.lower().lstrip(".") or "png", dpi=dpi, tight=tight))
    return path
