"""What a chapter shows in its notebook: MIME bundles for the book renderer and JupyterLab."""

from __future__ import annotations

import IPython.display
import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from analysis.report import display  # noqa: E402
from analysis.report.chapter import DEMO_WARNING  # noqa: E402


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
    # numbers and marks right-aligned; dashes: the longest cell (numbers: up to 12), at least the
    # longest word, header included, a no-break space joining ("Territoire": 10, "97 %": 4; "Rang": 11)
    assert lines[1] == "|" + "-" * 10 + "|" + "-" * 4 + ":|" + "-" * 6 + ":|" + "-" * 11 + "|"
    assert lines[3] == "| Gers (32) | s. |  | – |"
    assert text.endswith("\n\nSource : S\n\nn")
    rates = display.table_markdown(pd.DataFrame({"n.c.": ["12\u00a0% / 15\u00a0% / 26\u00a0%", "– / 26\u00a0%", ""]}))
    assert rates.split("\n")[1] == "|" + "-" * 12 + ":|"              # the rates of several territories wrap
    # a link's address takes no room; a long header word widens its column of short numbers
    linked = display.table_markdown(pd.DataFrame({"Source": ["[ETIC](<https://example.org/a/very/long/path>)"],
                                                  "Haute-Garonne (31)": ["97\u00a0%"]}))
    assert linked.split("\n")[1] == "|" + "-" * 6 + "|" + "-" * 13 + ":|"
    long = display.table_markdown(pd.DataFrame({"Indicateur": ["x" * 80], "n": ["1"]}))
    assert long.split("\n")[1] == "|" + "-" * display.MAX_DASHES + "|" + "-" * display.MIN_DASHES + ":|"


def test_say_figures_tables_and_header(demo_chapters, shown):
    region = demo_chapters["region:76"]
    region.say("Un.", "", bullets=["a", "b"])
    assert shown[-1][0][0].data == "Un.\n\n- a\n- b"
    region.show_figure(region.chart_by_type("equipement.tni_au_moins_un"))
    bundle, options = shown[-1][0][0], shown[-1][1]
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
    assert shown[-1][0][0]["text/markdown"] == "| a |\n|---:|\n| 1 |\n\nS"
    shown.clear()
    region.header()
    callout = shown[0][0][0]
    assert set(callout) == {"text/markdown", "text/plain"} and DEMO_WARNING in callout["text/markdown"]
    assert callout["text/markdown"].startswith('<div class="callout-warning">')
