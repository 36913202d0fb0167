"""Charts: French labels, n.c. stubs, source line, alt text (timings: benchmarks/report_bench.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.report import charts  # noqa: E402
from analysis.report.style import (  # noqa: E402
    CONTEXT_COLOR,
    HIGHLIGHT_COLOR,
    NC_COLOR,
    NC_HATCH,
    PALETTE,
    SECRET_HATCH,
)

NNBSP = "\u202f"
NBSP = "\u00a0"


def _texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def _same_color(a, b) -> bool:
    return np.allclose(mcolors.to_rgba(a)[:3], mcolors.to_rgba(b)[:3], atol=1e-3)


@pytest.fixture
def by_type() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territoire": "31",
            "annee": 2018,
            "type": ["lycee", "ecole", "college"],  # deliberately not in display order
            "indicateur": "acces_internet",
            "valeur": [93.24, 74.5, np.nan],
            "numerateur": [22, 580, np.nan],
            "denominateur": [24, 770, np.nan],
            "non_communique": [10, 100, 20],
            "univers": [34, 870, 20],
            "taux_nc": [42.0, 13.0, 20.0],
            "statut": ["ok", "ok", "nc"],
            "source": "ETIC 2018",
        }
    )


def test_bar_by_type(by_type):
    fig = charts.bar_by_type(by_type, "Part des établissements connectés")   # the line from the rows
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == "Part des établissements connectés"
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Écoles", "Collèges", "Lycées"]
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"75{NBSP}%", "n.c.", f"93{NBSP}%"]  # half up: 74,5 -> 75
    bars = ax.patches
    assert len(bars) == 3
    assert bars[0].get_height() == pytest.approx(74.5)
    stub = bars[1]
    assert _same_color(stub.get_facecolor(), NC_COLOR)
    assert stub.get_hatch() == NC_HATCH
    assert 0 < stub.get_height() < 10  # a stub, not a zero and not a value
    assert _same_color(bars[2].get_facecolor(), HIGHLIGHT_COLOR)
    assert fig.source_text == f"Source{NBSP}: ETIC 2018 (13{NBSP}%{NBSP}n.c. pour les écoles, " + (
        f"20{NBSP}%{NBSP}n.c. pour les collèges, 42{NBSP}%{NBSP}n.c. pour les lycées)"
    )
    assert "n.c." in fig.source_text
    footer = [t for t in fig.texts if t.get_text().startswith("Source")]
    assert footer and "non communiqué" in footer[0].get_text()
    assert "écoles" in fig.alt_text and f"75{NBSP}%" in fig.alt_text and "non communiqué" in fig.alt_text
    assert fig.alt_text.endswith(".")
    # French tick labels on the value axis
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert f"100{NBSP}%" in ticks and all("." not in t for t in ticks)


def test_bar_by_type_secret_and_single_rate(by_type):
    df = by_type.assign(statut=["ok", "ok", "secret"], taux_nc=27.0)
    fig = charts.bar_by_type(df, "Titre")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts][1] == "s."
    assert ax.patches[1].get_hatch() == SECRET_HATCH
    assert fig.source_text == f"Source{NBSP}: ETIC 2018 (27{NBSP}%{NBSP}n.c.)"
    assert "secret statistique" in fig.alt_text


def test_bar_by_type_masks_a_secret_value_and_requested_missing_type(by_type):
    df = by_type.assign(valeur=[93.0, 74.0, 88.0], statut=["ok", "ok", "secret"])
    fig = charts.bar_by_type(df[df["type"] != "lycee"], "T", "ETIC 2018", types=["ecole", "college", "lycee"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [f"74{NBSP}%", "s.", "n.c."]  # 88 is secret: never printed
    assert "88" not in fig.alt_text


def test_bar_by_type_counts_and_ratios(by_type):
    df = by_type.assign(valeur=[1234.0, 63059.0, 7.0], statut="ok")
    fig = charts.bar_by_type(df, "Nombre d'établissements", "Annuaire 2018", unit="count")
    assert [t.get_text() for t in fig.axes[0].texts] == [f"63{NNBSP}059", "7", f"1{NNBSP}234"]
    fig = charts.bar_by_type(df.assign(valeur=[2.25, 12.0, 4.0]), "Élèves par terminal", "ETIC", unit="ratio")
    assert [t.get_text() for t in fig.axes[0].texts] == ["12,0", "4,0", "2,3"]


def test_bar_by_type_rejects_mixed_territories(by_type):
    df = pd.concat([by_type, by_type.assign(territoire="32")])
    with pytest.raises(ValueError, match="territoire"):
        charts.bar_by_type(df, "T", "S")


def test_stacked_distribution_tidy():
    cats = ["p50", "p20_50", "m20"]
    shares = {"ecole": [74, 10, 16], "college": [95, 3, 2], "lycee": [np.nan] * 3}
    df = pd.DataFrame(
        [
            {"territoire": "FR", "type": t, "indicateur": c, "valeur": v, "taux_nc": 26.0,
             "statut": "nc" if np.isnan(v) else "ok"}
            for t, vals in shares.items()
            for c, v in zip(cats, vals, strict=True)
        ]
    )
    labels = ["50 % ou plus", "de 20 à 50 %", "moins de 20 %"]
    fig = charts.stacked_distribution(df.assign(source="ETIC 2018"), cats, labels,
                                      "Proportion des classes avec internet")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Écoles", "Collèges", "Lycées"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == labels
    texts = [t.get_text() for t in ax.texts]
    assert f"74{NBSP}%" in texts and f"16{NBSP}%" in texts
    assert f"2{NBSP}%" not in texts  # too thin to label
    assert "n.c." in texts  # the lycées bar
    hatched = [p for p in ax.patches if p.get_hatch() == NC_HATCH]
    assert len(hatched) == 1 and hatched[0].get_height() == pytest.approx(100)
    # the first (highest) class is the darkest
    seg_colors = [p.get_facecolor() for p in ax.patches[::3][:3]]
    lum = [sum(c[:3]) for c in seg_colors]
    assert lum[0] < lum[1] < lum[2]
    assert "n.c." in fig.source_text
    assert "collèges" in fig.alt_text and f"95{NBSP}%" in fig.alt_text


def test_stacked_distribution_wide_horizontal():
    df = pd.DataFrame(
        {"territoire": ["31", "32"], "nom": ["Haute-Garonne", "Gers"], "a": [60.0, 30.0], "b": [40.0, 70.0],
         "taux_nc": [10.0, 10.0]}
    )
    fig = charts.stacked_distribution(df, ["a", "b"], ["oui", "non"], "T", "ETIC 2018")
    ax = fig.axes[0]
    top_down = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in top_down] == ["Haute-Garonne", "Gers"]  # data order, top down
    assert all(p.get_width() > 0 for p in ax.patches)


def test_bar_comparison_highlights_the_edition():
    df = pd.DataFrame(
        {
            "territoire": ["31", "A16", "R76", "FR"],
            "libelle": ["Haute-Garonne", "Académie de Toulouse", "Région académique Occitanie", "France"],
            "indicateur": "ent",
            "valeur": [81.4, 77.0, np.nan, 72.0],
            "taux_nc": [30.0, 28.0, np.nan, 27.0],
        }
    )
    fig = charts.bar_comparison(df.assign(source="ETIC 2018"), "Part des établissements ayant un ENT")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Haute-Garonne" and labels[-1] == "France"
    ys = [t.get_position()[1] for t in ax.get_yticklabels()]
    assert ys[0] > ys[-1]  # first row on top
    colors = [p.get_facecolor() for p in ax.patches]
    assert _same_color(colors[0], HIGHLIGHT_COLOR)
    assert _same_color(colors[1], CONTEXT_COLOR) and _same_color(colors[3], CONTEXT_COLOR)
    assert _same_color(colors[2], NC_COLOR)
    assert [t.get_text() for t in ax.texts] == [f"81{NBSP}%", f"77{NBSP}%", "n.c.", f"72{NBSP}%"]
    assert fig.source_text.endswith(f"(30{NBSP}%{NBSP}n.c.)")  # the edition territory's rate
    assert "Haute-Garonne" in fig.alt_text and "France" in fig.alt_text


def test_ranked_bars_sorted_with_missing_at_the_bottom():
    df = pd.DataFrame(
        {
            "territoire": ["09", "11", "12", "30", "31"],
            "nom": ["Ariège", "Aude", "Aveyron", "Gard", "Haute-Garonne"],
            "indicateur": "ept",
            "valeur": [5.5, 12.25, np.nan, 8.0, np.nan],
            "statut": ["ok", "ok", "secret", "ok", "nc"],
            "non_communique": [1, 2, 3, 4, 0],
            "univers": [10, 10, 10, 10, 10],
        }
    )
    fig = charts.ranked_bars(df.assign(source="ETIC 2018"), "Élèves par terminal", unit="ratio",
                             reference=("Occitanie", 9.0))
    ax = fig.axes[0]
    ticks = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])  # top to bottom
    assert [t.get_text() for t in ticks] == ["Aude", "Gard", "Ariège", "Aveyron", "Haute-Garonne"]
    by_y = sorted(ax.patches, key=lambda p: -p.get_y())
    assert [p.get_width() for p in by_y[:3]] == pytest.approx([12.25, 8.0, 5.5])
    assert all(_same_color(p.get_facecolor(), NC_COLOR) for p in by_y[3:])
    texts = [t.get_text() for t in ax.texts]
    assert "12,3" in texts and "s." in texts and "n.c." in texts  # half up 12,25 -> 12,3
    assert f"Occitanie{NBSP}: 9,0" in texts
    assert fig.source_text == f"Source{NBSP}: ETIC 2018 (20{NBSP}%{NBSP}n.c.)"  # 10 / 50
    assert fig.alt_text.index("Aude") < fig.alt_text.index("Ariège")


def test_grouped_bars():
    df = pd.DataFrame(
        {
            "type": ["college", "college", "ecole", "ecole"],
            "rep": ["rep", "hors_rep", "rep", "hors_rep"],
            "indicateur": "ept",
            "valeur": [3.1, 4.4, 8.2, np.nan],
            "taux_nc": 20.0,
        }
    )
    fig = charts.grouped_bars(df.assign(source="ETIC 2018"), "type", "rep", "Élèves par terminal", unit="ratio",
                              hue_order=["rep", "hors_rep"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Écoles", "Collèges"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["REP", "Hors REP"]
    assert [t.get_text() for t in ax.texts] == ["8,2", "3,1", "n.c.", "4,4"]
    assert _same_color(ax.patches[0].get_facecolor(), PALETTE[0])
    assert _same_color(ax.patches[3].get_facecolor(), PALETTE[1])
    assert _same_color(ax.patches[2].get_facecolor(), NC_COLOR)
    assert "n.c." in fig.source_text and "REP" in fig.alt_text


def test_a_given_source_line_is_printed_as_it_is(by_type):
    line = f"Source{NBSP}: ETIC 2018 (n.c.{NBSP}: Lot 12{NBSP}%, académie de Toulouse 20{NBSP}%)"
    assert charts.bar_by_type(by_type, "T", line).source_text == line           # no rate added, none removed
    assert charts.bar_by_type(by_type, "T", "ETIC 2018").source_text == f"Source{NBSP}: ETIC 2018"


def test_absent_and_vide_statuts_and_inferred_source_and_unit(by_type):
    df = by_type.assign(
        valeur=[2.5, 4.0, 9.9], statut=["ok", "absent", "vide"], unite="ratio", source="ETIC 2018"
    )
    fig = charts.bar_by_type(df, "Élèves par terminal")  # source and unit from the table
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["n.d.", "\u2013", "2,5"]
    ecoles, colleges, _ = ax.patches
    assert ecoles.get_hatch() is None and ecoles.get_height() > 0  # n.d.: plain grey stub
    assert colleges.get_height() == 0  # sans objet: no bar
    assert fig.source_text.startswith(f"Source{NBSP}: ETIC 2018")
    assert f"n.d.{NBSP}: non disponible" in fig.footer_text and "sans objet" in fig.footer_text
    assert "non communiqué" not in fig.footer_text  # no n.c. drawn, no n.c. note
    assert "non disponible" in fig.alt_text and "sans objet" in fig.alt_text


def test_a_level_absent_from_the_questionnaire_is_nd_not_nc():
    """A bar whose only rows are levels the year's questionnaire does not have is « n.d. », with
    its words under the chart; never an n.c. bar, never 0 %."""
    df = pd.DataFrame({"type": ["college", "college"], "indicateur": ["a", "b"], "valeur": [float("nan")] * 2,
                       "statut": ["hors_questionnaire"] * 2, "source": "ETIC 2019"})
    fig = charts.stacked_distribution(df, ["a", "b"], ["A", "B"], "Titre", by="type", note="n.d. : A, B (…)")
    assert "n.d." in [t.get_text() for t in fig.axes[0].texts]
    assert "modalité absente du questionnaire de l'année" in fig.footer_text
    assert "n.d. : A, B (…)" in fig.footer_text and "non communiqué" not in fig.footer_text
