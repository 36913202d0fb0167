"""matplotlib's SVG output without the work it does twice: the same bytes, less time.

A chart's ``savefig`` as SVG spent about half its time measuring text and laying the figure out
(profile: ``benchmarks/README.md``, issue 19). Three things were done again for nothing:

- **text metrics**: matplotlib keeps them per renderer, and every ``savefig`` makes a new one, so
  the same tick labels, titles and notes are measured again in every chart. The SVG metrics depend
  on the text, its font properties and ``ismath`` only (the renderer's ``TextToPath`` has no state
  of its own): they are kept for the process;
- **font heights**: every line of text laid out reads the font's ascent, descent and line gap
  from its tables again (``Text._get_layout``); they depend on the font properties only and are
  kept for the process;
- **text layout**: a chart's texts are laid out (lines, bounding box, alignment) at each step of
  the constrained layout and again when drawn, three or four times each, with the same result:
  with an SVG renderer (whose metrics are the process's, above) ``Text._get_layout`` is kept per
  what it reads (the text, its font properties, rotation, alignments, line spacing, dpi), and each
  caller gets its own bounding box;
- **the layout's extra draw**: ``savefig`` of a figure with a layout engine draws it once without
  output, only to run the layout, then draws it again for real. :func:`laid_out` runs the layout
  alone, measured by an SVG renderer exactly as that first draw would, and turns it off for the
  save (what ``savefig`` itself does before its second draw).

``tests/report/test_svg_drawing.py`` compares the bytes of charts saved this way with the bytes of
matplotlib's own path, with none of this.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from functools import lru_cache

import matplotlib as mpl
from matplotlib.backends import backend_svg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.textpath import TextToPath

#: The resolution of every SVG renderer: ``print_svg`` sets the figure's dpi to 72 (points).
SVG_DPI = 72

#: The font tables ``Text._get_layout`` reads a font's heights from, in its order.
_HEIGHT_TABLES = (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                  ("hhea", "lineGap", "ascent", "descent"))


def measure_once() -> None:
    """Make the SVG renderer keep text metrics and font heights for the process (idempotent)."""
    renderer = backend_svg.RendererSVG
    if getattr(renderer.get_text_width_height_descent, "measured_once", False):
        return
    text_to_path = TextToPath()                     # what each RendererSVG measures with

    @lru_cache(maxsize=20_000)
    def metrics(text, prop, ismath):
        return text_to_path.get_text_width_height_descent(text, prop, ismath)

    def get_text_width_height_descent(self, s, prop, ismath):
        return metrics(s, prop.copy(), ismath)        # a copy: the key must not change after

    def _get_font_height_metrics(self, prop):
        return font_heights(prop.copy())

    get_text_width_height_descent.measured_once = True
    renderer.get_text_width_height_descent = get_text_width_height_descent
    renderer._get_font_height_metrics = _get_font_height_metrics     # the hook Text._get_layout asks
    Text._get_layout = _kept_layout(Text._get_layout)     # matplotlib's own: its ``__wrapped__``


def _kept_layout(get_layout):
    """``Text._get_layout`` kept, for an SVG renderer, per everything it reads of the text."""
    kept: dict[tuple, tuple] = {}

    @functools.wraps(get_layout)
    def _get_layout(self, renderer):
        # savefig draws through a MixedModeRenderer: what measures is the renderer it uses now
        # (its SVG renderer, or a raster one for a rasterized artist)
        drawing = renderer._renderer if isinstance(renderer, MixedModeRenderer) else renderer
        if not isinstance(drawing, backend_svg.RendererSVG) or self.get_usetex():
            return get_layout(self, renderer)
        key = (self._get_wrapped_text(), hash(self._fontproperties), self.get_rotation(),
               self._horizontalalignment, self._verticalalignment, self.get_rotation_mode(),
               self._get_multialignment(), self._linespacing, self.get_parse_math(),
               self.get_figure(root=True).dpi)
        found = kept.get(key)
        if found is None:
            if len(kept) >= 20_000:
                kept.clear()
            found = kept[key] = get_layout(self, renderer)
        bbox, lines, corner = found
        return bbox.frozen(), list(lines), corner              # the box is the caller's own

    return _get_layout


@lru_cache(maxsize=1_000)
def font_heights(prop) -> tuple[float | None, float | None, float | None]:
    """The ascent, descent and line gap ``Text._get_layout`` reads from the font of ``prop``,
    computed as it does at the SVG renderer's 72 dpi (the same operations in the same order, so
    the same floats); ``(None, None, None)`` makes it measure them itself."""
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap_key, ascent_key, descent_key in _HEIGHT_TABLES:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * SVG_DPI / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale
    return None, None, None


@contextlib.contextmanager
def laid_out(fig: Figure) -> Iterator[None]:
    """Within: ``fig`` laid out by its constrained layout as an SVG ``savefig`` would, and its
    layout engine turned off so that ``savefig`` draws it once. A figure with another engine, or
    none, is left as it is. Its canvas, dpi and engine are restored after."""
    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine) or not fig.axes:
        yield
        return
    canvas, dpi = fig.canvas, fig.dpi
    backend_svg.FigureCanvasSVG(fig)      # the layout measures text with an SVG renderer
    try:
        try:
            engine.execute(fig)
        except ValueError:                 # what Figure.draw does with a layout that fails
            pass
        fig.dpi = dpi                      # measuring set it to SVG_DPI
        # No engine at all ("none" would leave a placeholder, and savefig draws once more for any
        # engine); None means no engine only when the rcParams ask for no automatic layout.
        with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
        try:
            yield
        finally:
            fig.set_layout_engine(engine)
    finally:
        fig.set_canvas(canvas)
        fig.dpi = dpi
