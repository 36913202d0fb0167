"""What a chapter shows in its notebook: MIME bundles for the book renderer and JupyterLab."""

from __future__ import annotations

import base64

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


def test_markdown_helpers_and_html_tables():
    assert display.bullet_list(["a", "", "b"]) == "- a\n- b"
    assert display.callout("x", "warning", "Titre") == '::: {.callout-warning title="Titre"}\nx\n:::'
    html = display.table_html(pd.DataFrame({"A <b>": ["x & y", None]}), source="Source : S", note="n")
    assert "<th>A &lt;b&gt;</th>" in html and "<td>x &amp; y</td>" in html and "<td></td>" in html
    assert html.endswith("<p><small>Source : S</small></p>\n<p><small>n</small></p>")


def test_say_figures_tables_and_header(demo_chapters, shown):
    region = demo_chapters["region:76"]
    region.say("Un.", "", bullets=["a", "b"])
    assert shown[-1][0][0].data == "Un.\n\n- a\n- b"
    region.show_figure(region.chart_by_type("equipement.tni_au_moins_un"))
    bundle, options = shown[-1][0][0], shown[-1][1]
    assert set(bundle) == {"image/png", "text/plain"} and options["raw"] is True
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert bundle["text/plain"].startswith("Diagramme en barres") and options["metadata"]["image/png"]["alt"]
    region.show_figure(demo_chapters["departement:31"].map("connectivite.thd"))
    assert "édition départementale" in shown[-1][0][0].data
    before = len(shown)
    region.table(pd.DataFrame())  # nothing for an empty table
    assert len(shown) == before
    region.table(pd.DataFrame({"a": [1]}), source="S")
    assert "<table>" in shown[-1][0][0]["text/html"]
    shown.clear()
    region.header()
    assert DEMO_WARNING in shown[0][0][0]["text/markdown"] and DEMO_WARNING in shown[0][0][0]["text/html"]
