"""What a chapter shows in its notebook: MIME bundles for the book renderer and JupyterLab."""

from __future__ import annotations

import IPython.display
import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from analysis.report import display  # noqa: E402
from analysis.report.chapter import DEMO_WARNING  # noqa: E402
from analysis.report.table_widths import column_widths  # noqa: E402


@pytest.fixture
def shown(monkeypatch):
    out = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: out.append((a, k)))
    return out


def test_markdown_helpers_and_markdown_tables():
    assert display.bullet_list(["a", "", "b"]) == "- a\n- b"
    assert display.callout("x", "warning", "Titre") == '::: {.callout-warning title="Titre"}\nx\n:::'
    assert display.callout_div("x", "note", "Titre") == '<div class="callout-note">\n\n## Titre\n\nx\n\n</div>'
    frame = pd.DataFrame({"Territoire | nom": ["Lot (46)", "Gers\n(32)"], "Part": ["97\u00a0%", "s."],
                          "Nombre": ["63\u202f059", None], "Rang": ["12e sur 101", "–"]})
    text = display.table_markdown(frame, source="Source : S", note="n")
    lines = text.split("\n")
    assert lines[0] == "| Territoire \\| nom | Part | Nombre | Rang |"
    # numbers and marks right-aligned; the dashes are the widths of analysis.report.table_widths
    widths = column_widths(["Territoire \\| nom", "Part", "Nombre", "Rang"],
                           [["Lot (46)", "Gers (32)"], ["97\u00a0%", "s."], ["63\u202f059", ""], ["12e sur 101", "–"]],
                           [False, True, True, False])
    assert lines[1] == "|" + "|".join("-" * w + (":" if n else "") for w, n in zip(widths, [0, 1, 1, 0])) + "|"
    assert lines[3] == "| Gers (32) | s. |  | – |"
    assert text.endswith("\n\nSource : S\n\nn")


def test_a_table_of_typed_columns_prints_each_cell_as_the_value_reads():
    from analysis.core.markup import Markdown

    frame = pd.DataFrame({"Nom": pd.Series(["Ain", pd.NA, "a\\b"], dtype="string[pyarrow]"),
                          "Valeur": [1.5, float("nan"), 3.0], "N": pd.Series([3, pd.NA, 12], dtype="Int64"),
                          "Lien": [Markdown("*x* | y"), "", "p|q"]})
    lines = display.table_markdown(frame).split("\n")
    assert lines[0] == "| Nom | Valeur | N | Lien |"
    assert lines[1].count(":") == 2 and lines[1].split("|")[2].endswith(":")      # Valeur, N: numbers
    assert lines[2:] == ["| Ain | 1.5 | 3 | *x* \\| y |", "|  |  |  |  |", "| a\\\\b | 3.0 | 12 | p\\|q |"]
    assert display.table_markdown(frame.iloc[:0]).split("\n")[2:] == []


def test_say_figures_tables_and_header(demo_chapters, shown):
    region = demo_chapters["region:76"]
    region.say("Un.", "", bullets=["a", "b"])
    assert shown[-1][0][0].data == "Un.\n\n- a\n- b"
    region.show_figure(region.chart_by_type("equipement.tni_au_moins_un"))
    bundle, options = shown[-2][0][0], shown[-2][1]                   # the chart, then its data
    data = shown[-1][0][0]
    assert set(data) == {"text/markdown", "text/plain"} and '<details class="chart-data">' in data["text/markdown"]
    assert set(bundle) == {"image/svg+xml", "text/plain"} and options["raw"] is True
    svg = bundle["image/svg+xml"]
    assert svg.lstrip().startswith("<?xml") and "<text" in svg                # text kept as text
    assert "Verdana" in svg and "<dc:date>" not in svg
    assert bundle["text/plain"].startswith("Diagramme en barres")
    assert options["metadata"]["image/svg+xml"]["alt"] == bundle["text/plain"]
    region.show_figure(demo_chapters["departement:31"].map("connectivite.thd"))
    assert "édition départementale" in shown[-1][0][0].data
    before = len(shown)
    region.table(pd.DataFrame())  # nothing for an empty table
    assert len(shown) == before
    region.table(pd.DataFrame({"a": [1]}), source="S")
    assert set(shown[-1][0][0]) == {"text/markdown", "text/plain"}              # no text/html
    assert shown[-1][0][0]["text/markdown"] == "| a |\n|----:|\n| 1 |\n\nS"  # bold « a »: 2, + 2 of padding
    shown.clear()
    region.header()
    callout = shown[0][0][0]
    assert set(callout) == {"text/markdown", "text/plain"} and DEMO_WARNING in callout["text/markdown"]
    assert callout["text/markdown"].startswith('<div class="callout-warning">')


def test_the_data_of_a_chart_fold_under_it_in_the_html_only():
    data = pd.DataFrame({"Territoire": ["Lot (46)", "Gers (32)"], "Part": ["97\u00a0%", "s."]})
    text = display.chart_data_markdown(data, "Accès à internet <fibre> — Lot (46), 2018")
    assert text.startswith('::: {.content-visible when-format="html"}\n<details class="chart-data">\n')
    assert ("<summary>Données du graphique<span class=\"visually-hidden\">\u00a0: Accès à internet &lt;fibre&gt; "
            "— Lot (46), 2018</span></summary>") in text
    assert "| Lot (46) | 97\u00a0% |" in text and "| Gers (32) | s. |" in text
    assert "\n\n: Données du graphique\u00a0: Accès à internet &lt;fibre&gt;" in text          # its caption
    assert text.endswith("</details>\n:::")
