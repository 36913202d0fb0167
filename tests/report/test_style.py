"""The house style: palette, rcParams, and one deterministic writer of figures (PNG, SVG, PDF)."""

from __future__ import annotations

import hashlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.report import charts  # noqa: E402
from analysis.report.style import (  # noqa: E402
    PALETTE,
    apply_style,
    categorical_colors,
    figure_bytes,
    house_style,
    save_figure,
    sequential_colors,
    text_color_on,
)


@pytest.fixture
def by_type() -> pd.DataFrame:
    return pd.DataFrame({"territoire": "31", "type": ["ecole", "college"], "indicateur": "acces_internet",
                         "valeur": [74.5, 93.2], "taux_nc": [13.0, 42.0], "statut": "ok"})


def test_palette_and_helpers():
    assert categorical_colors(2) == PALETTE[:2]
    assert len(set(categorical_colors(10))) == 10
    seq = sequential_colors(4)
    lum = [sum(mcolors.to_rgb(c)) for c in seq]
    assert lum == sorted(lum, reverse=True)  # light -> dark
    assert text_color_on("#08306b") == "white"
    assert text_color_on("#ffffff") != "white"
    with house_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
        assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"


def test_apply_style_sets_rcparams():
    with matplotlib.rc_context():
        apply_style()
        assert matplotlib.rcParams["figure.dpi"] == 120
        assert matplotlib.rcParams["savefig.bbox"] == "tight"
        assert matplotlib.rcParams["svg.hashsalt"]


def test_save_figure_is_deterministic_and_has_no_software_tag(tmp_path, by_type):
    digests = []
    for i in range(2):
        fig = charts.bar_by_type(by_type, "Titre", "ETIC 2018")
        path = save_figure(fig, tmp_path / f"c{i}.png", dpi=80)
        data = path.read_bytes()
        assert b"matplotlib" not in data.lower()
        digests.append(hashlib.sha256(data).hexdigest())
    assert digests[0] == digests[1]
    svg = save_figure(charts.bar_by_type(by_type, "Titre", "ETIC 2018"), tmp_path / "c.svg").read_text()
    assert "<dc:date>" not in svg


def test_the_png_shown_in_notebooks_is_the_saved_png(tmp_path, by_type):
    fig = charts.bar_by_type(by_type, "Titre", "ETIC 2018")
    assert figure_bytes(fig, "png", dpi=80) == save_figure(fig, tmp_path / "c.png", dpi=80).read_bytes()
    assert figure_bytes(fig, "pdf")[:4] == b"%PDF"
