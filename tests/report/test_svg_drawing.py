"""SVG figures drawn once with metrics kept: the same bytes as matplotlib's own path, less work."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends import backend_svg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from analysis.report import charts, style, svg_drawing  # noqa: E402

LONG_TITLE = ("Part des écoles, collèges et lycées publics dont toutes les salles de classe ont accès à "
              "internet, 2018 : Alpes-de-Haute-Provence parmi les départements de France")
LONG_SOURCE = ("ETIC 2018 (Alpes-de-Haute-Provence de 0 à 100 % n.c. ; de 6 à 84 % n.c. selon les "
               "départements de France, les académies et les régions académiques)")


def _stacked() -> Figure:
    cats = ["p50", "p20_50", "m20"]
    shares = {"ecole": [74, 10, 16], "college": [95, 3, 2], "lycee": [np.nan] * 3}
    df = pd.DataFrame([{"territoire": "FR", "type": t, "indicateur": c, "valeur": v, "taux_nc": 26.0,
                        "statut": "nc" if np.isnan(v) else "ok", "source": "ETIC 2018"}
                       for t, vals in shares.items() for c, v in zip(cats, vals, strict=True)])
    return charts.stacked_distribution(df, cats, ["50 % ou plus", "de 20 à 50 %", "moins de 20 %"], LONG_TITLE,
                                       note="Les écoles n'ont pas de question sur ce point en 2018.")


def _comparison() -> Figure:
    df = pd.DataFrame({"territoire": ["31", "A16", "R76", "FR"],
                       "libelle": ["Haute-Garonne", "Académie de Toulouse", "Région académique Occitanie", "France"],
                       "indicateur": "ent", "valeur": [81.4, 77.0, np.nan, 72.0],
                       "taux_nc": [30.0, 28.0, np.nan, 27.0]})
    return charts.bar_comparison(df, LONG_TITLE, LONG_SOURCE)


def _grouped() -> Figure:
    df = pd.DataFrame({"type": ["college", "college", "ecole", "ecole"], "rep": ["rep", "hors_rep", "rep", "hors_rep"],
                       "indicateur": "ept", "valeur": [3.1, 4.4, 8.2, np.nan], "taux_nc": 20.0, "source": "ETIC 2018"})
    return charts.grouped_bars(df, "type", "rep", "Élèves par terminal", unit="ratio", hue_order=["rep", "hors_rep"])


def _by_type() -> Figure:
    df = pd.DataFrame({"territoire": "31", "annee": 2018, "type": ["lycee", "ecole", "college"],
                       "indicateur": "acces_internet", "valeur": [93.24, 74.5, np.nan], "taux_nc": [42.0, 13.0, 20.0],
                       "statut": ["ok", "ok", "nc"], "source": "ETIC 2018"})
    return charts.bar_by_type(df, LONG_TITLE)


def _ranked() -> Figure:
    df = pd.DataFrame({"territoire": ["09", "11", "12", "30", "31"],
                       "nom": ["Ariège", "Aude", "Aveyron", "Gard", "Haute-Garonne"], "indicateur": "ept",
                       "valeur": [5.5, 12.25, np.nan, 8.0, np.nan], "statut": ["ok", "ok", "secret", "ok", "nc"],
                       "non_communique": [1, 2, 3, 4, 0], "univers": [10, 10, 10, 10, 10], "source": "ETIC 2018"})
    return charts.ranked_bars(df, "Élèves par terminal", unit="ratio", reference=("Occitanie", 9.0))


def _plain_svg(fig: Figure, monkeypatch: pytest.MonkeyPatch, tight: bool) -> bytes:
    """``fig`` saved by matplotlib's own path: its renderer's metrics, the layout's extra draw."""
    with monkeypatch.context() as m:
        m.setattr(backend_svg.RendererSVG, "get_text_width_height_descent",
                  lambda self, s, prop, ismath: self._text2path.get_text_width_height_descent(s, prop, ismath))
        m.delattr(backend_svg.RendererSVG, "_get_font_height_metrics")
        m.setattr(Text, "_get_layout", Text._get_layout.__wrapped__)
        buffer = io.BytesIO()
        with mpl.rc_context({"svg.hashsalt": style.SVG_HASHSALT, "svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", dpi=style.RC_PARAMS["savefig.dpi"],
                        bbox_inches="tight" if tight else None, pad_inches=style.RC_PARAMS["savefig.pad_inches"],
                        facecolor="white", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    return buffer.getvalue().replace(style.SVG_FONT, style.SVG_FONT_FALLBACKS)


@pytest.mark.parametrize("draw", [_stacked, _comparison, _grouped, _by_type, _ranked])
def test_a_chart_has_the_bytes_of_matplotlibs_own_path(draw, monkeypatch):
    plain = _plain_svg(draw(), monkeypatch, tight=False)
    fig = draw()
    assert b"<tspan" not in plain and plain.count(b"<text") > 10        # text kept as text, measured
    assert style.figure_bytes(fig, "svg") == plain


def test_a_tight_figure_without_layout_engine_has_the_same_bytes_too(monkeypatch):
    def draw() -> Figure:
        fig = Figure(figsize=(4, 3))
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [3, 1, 2])
        fig.suptitle("Un titre\nsur deux lignes")
        fig.supxlabel(LONG_SOURCE[:60] + "\n" + LONG_SOURCE[60:], linespacing=1.4, fontsize=7.5)
        return fig

    assert style.figure_bytes(draw(), "svg") == _plain_svg(draw(), monkeypatch, tight=True)


def test_a_chart_is_drawn_once_laid_out_once_and_given_back_as_it_was(monkeypatch):
    draws, runs = [], []
    draw, execute = Figure.draw, ConstrainedLayoutEngine.execute
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(self) or draw(self, renderer))
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, f: runs.append(f) or execute(self, f))
    plain = _stacked()
    _plain_svg(plain, monkeypatch, tight=False)
    assert draws == [plain, plain] and runs == [plain]     # matplotlib: a draw only to lay out, then the draw
    fig = _stacked()
    canvas, dpi, engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    draws.clear(), runs.clear()
    style.figure_bytes(fig, "svg")
    assert draws == [fig] and runs == [fig]
    assert fig.canvas is canvas and fig.dpi == dpi and fig.get_layout_engine() is engine
    style.figure_bytes(fig, "png")                    # other formats: matplotlib's path, laid out by it
    assert len(draws) == 3 and len(runs) == 2


def test_font_heights_follow_the_font_size_and_weight():
    """That they are the very floats matplotlib computes: the byte comparisons above."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family="DejaVu Sans", size=7.5)
    ascent, descent, gap = svg_drawing.font_heights(prop)
    assert 0 < descent < ascent < 7.5 and gap >= 0
    bold = FontProperties(family="DejaVu Sans", size=15, weight="bold")
    assert svg_drawing.font_heights(bold)[0] == pytest.approx(2 * ascent, rel=0.05)


def test_a_texts_layout_is_kept_per_what_it_reads_and_each_caller_gets_its_own_box():
    laid = []
    own = Text._get_layout.__wrapped__
    fig = Figure(figsize=(4, 3))
    renderer = backend_svg.RendererSVG(4, 3, io.StringIO())
    text = fig.text(0.5, 0.5, "Une étiquette unique 7f3a", fontsize=9)
    calls = []
    kept = svg_drawing._kept_layout(lambda self, r: calls.append(self) or own(self, r))
    first = kept(text, renderer)
    again = kept(text, renderer)
    assert len(calls) == 1 and again[0].bounds == first[0].bounds and again[1] == first[1]
    first[0].set_points(np.zeros((2, 2)))                  # a caller's change to its box…
    assert kept(text, renderer)[0].bounds == again[0].bounds     # …is its own
    assert kept(text, renderer)[0].bounds == own(text, renderer)[0].bounds
    changes = (lambda: text.set_text("Une autre 7f3a\nsur deux lignes de longueurs inégales"),
               lambda: text.set_fontsize(11), lambda: text.set_rotation(90),
               lambda: text.set_horizontalalignment("right"), lambda: text.set_verticalalignment("top"),
               lambda: text.set_rotation_mode("anchor"), lambda: text.set_multialignment("center"),
               lambda: text.set_fontweight("bold"), lambda: text.set_linespacing(2),
               lambda: text.set_text("Un $x^2$ 7f3a"), lambda: text.set_parse_math(False),
               lambda: fig.set_dpi(144))      # wrapping: the key holds the wrapped text itself
    for change in changes:
        change()
        laid.append(kept(text, renderer))
        assert laid[-1][0].bounds == own(text, renderer)[0].bounds and laid[-1][1] == own(text, renderer)[1]
    assert len(calls) == 1 + len(changes)
    from matplotlib.backends.backend_agg import RendererAgg

    kept(text, RendererAgg(400, 300, 100))                 # another renderer: matplotlib's own, each time
    assert len(calls) == 2 + len(changes)


def test_a_charts_texts_are_laid_out_once_each_when_saved(monkeypatch):
    """Through savefig's own renderer (a MixedModeRenderer over the SVG one), as a build saves."""
    own, calls, computed = Text._get_layout.__wrapped__, [], []
    kept = svg_drawing._kept_layout(lambda self, r: computed.append(self) or own(self, r))
    monkeypatch.setattr(Text, "_get_layout", lambda self, r: calls.append(self) or kept(self, r))
    style.figure_bytes(_stacked(), "svg")
    assert len(computed) == len({id(t) for t in computed}) and 3 * len(computed) < len(calls)
