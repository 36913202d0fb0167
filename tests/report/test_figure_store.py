"""The figure store: a figure drawn once and read back is byte for byte the one drawn without it,
and any change of what it shows is another figure."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from analysis.report import charts, figure_store
from analysis.report.display import show_figure
from analysis.report.style import figure_bytes


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame({"territoire": "31", "type": ["ecole", "college", "lycee"], "indicateur": "acces",
                         "valeur": [74.5, np.nan, 93.2], "non_communique": [100, 20, 10],
                         "univers": [870, 20, 34], "taux_nc": [13.0, 100.0, 42.0], "statut": ["ok", "nc", "ok"],
                         "source": "ETIC 2018"})


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(figure_store.ENV, str(tmp_path / "figures"))
    return tmp_path / "figures"


def test_without_a_store_a_chart_is_a_matplotlib_figure(rows, monkeypatch):
    monkeypatch.delenv(figure_store.ENV, raising=False)
    assert type(charts.bar_by_type(rows, "Titre")).__name__ == "Figure"


def test_a_stored_figure_is_the_one_drawn_and_is_read_back_not_drawn_again(rows, store, monkeypatch):
    drawn = figure_bytes(charts.bar_by_type.__wrapped__(rows, "Titre"), "svg").decode("utf-8")
    first = charts.bar_by_type(rows, "Titre")
    assert isinstance(first, figure_store.StoredFigure) and first.svg == drawn
    assert len(list(store.rglob("*.json"))) == 1
    # read back: the drawing function is not called again
    monkeypatch.setattr(charts.parts, "new_figure", lambda *a, **k: pytest.fail("drawn again"))
    again = charts.bar_by_type(rows, "Titre")
    assert again == first and "n.c." in again.source_text and again.alt_text.endswith(".")


@pytest.mark.parametrize("change", ["value", "title", "option", "source"])
def test_what_a_figure_shows_is_in_its_key(rows, change):
    name, args, kwargs = "charts.bar_by_type", (rows, "Titre"), {}
    base = figure_store.figure_key(name, args, kwargs)
    if change == "value":
        args = (rows.assign(valeur=[74.6, np.nan, 93.2]), "Titre")
    elif change == "title":
        args = (rows, "Titre 2")
    elif change == "option":
        kwargs = {"types": ["ecole", "college"]}
    else:
        args = (rows, "Titre", "Source : autre")
    assert figure_store.figure_key(name, args, kwargs) != base
    assert figure_store.figure_key("charts.bar_by_type", (rows.copy(), "Titre"), {}) == base   # same content


@pytest.mark.parametrize("change", ["dtype", "index", "last digit", "missing"])
def test_a_frame_is_in_the_key_with_its_dtypes_index_and_every_digit(rows, change):
    base = figure_store.figure_key("charts.bar_by_type", (rows,), {})
    if change == "dtype":
        other = rows.astype({"non_communique": "float64"})        # 100 and 100.0
    elif change == "index":
        other = rows.set_axis([1, 2, 3])
    elif change == "last digit":
        other = rows.assign(valeur=[74.5 + 1e-13, np.nan, 93.2])
    else:
        other = rows.assign(statut=["ok", None, "ok"])
    assert figure_store.figure_key("charts.bar_by_type", (other,), {}) != base


def test_shapes_are_in_the_key_whole_and_an_empty_one_too(rows):
    import geopandas as gpd
    from shapely.geometry import Polygon

    def ring(last: float) -> Polygon:          # two shapes whose text differs after 80 characters
        return Polygon([(0.123456789, 0.123456789), (1.123456789, 0.123456789), (1.123456789, 1.123456789),
                        (0.5, last)])

    shapes = gpd.GeoDataFrame({"code": ["31", "32"]}, geometry=[ring(1.5), None], crs="EPSG:2154")
    other = gpd.GeoDataFrame({"code": ["31", "32"]}, geometry=[ring(1.6), None], crs="EPSG:2154")
    assert figure_store.figure_key("maps.choropleth", (shapes,), {}) != figure_store.figure_key(
        "maps.choropleth", (other,), {})
    loose = rows.assign(forme=[ring(1.5), ring(1.6), None])                # shapes in a plain column
    assert figure_store.figure_key("x", (loose,), {}) != figure_store.figure_key(
        "x", (loose.assign(forme=[ring(1.5), ring(1.5), None]),), {})
    with pytest.raises(TypeError, match="no stable key"):                   # a text cut short: refused
        figure_store.figure_key("x", (rows.assign(valeurs=[np.zeros(2000)] * 3),), {})


def test_a_key_is_the_same_in_another_process(rows):
    """A batch's workers and later builds read each other's figures: a key names content, never
    an address or anything a process draws at random (string hashes)."""
    import pickle
    import subprocess
    import sys

    code = ("import pickle, sys\n"
            "from analysis.report import figure_store\n"
            "rows = pickle.loads(sys.stdin.buffer.read())\n"
            "print(figure_store.figure_key('charts.bar_by_type', (rows, 'Titre'), {'types': ('ecole',)}))")
    found = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(rows), capture_output=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": "123"}).stdout.decode().strip()
    assert found == figure_store.figure_key("charts.bar_by_type", (rows, "Titre"), {"types": ("ecole",)})


def test_a_damaged_stored_figure_is_drawn_again(rows, store):
    first = charts.bar_by_type(rows, "Titre")
    path = next(store.rglob("*.json"))
    path.write_text("{tronqué", encoding="utf-8")
    assert charts.bar_by_type(rows, "Titre") == first
    assert path.read_text(encoding="utf-8").startswith("{")


def test_a_chapter_shows_a_stored_figure_as_it_shows_the_drawn_one(rows, store, monkeypatch):
    shown = []
    monkeypatch.setattr("analysis.report.display._display", lambda bundle, **kw: shown.append((bundle, kw)))
    show_figure(None, charts.bar_by_type.__wrapped__(rows, "Titre"))
    drawn = len(shown)
    show_figure(None, charts.bar_by_type(rows, "Titre"))
    assert drawn == 2 and shown[:drawn] == shown[drawn:]          # the chart, then its data


def test_pruning_keeps_the_figures_used_last(rows, store):
    paths = []
    for age in range(5):                               # five figures drawn a second apart
        before = set(store.rglob("*.json"))
        charts.bar_by_type(rows, f"Titre {age}")
        (path,) = set(store.rglob("*.json")) - before
        os.utime(path, ns=(10**18 + age * 10**9,) * 2)
        paths.append(path)
    charts.bar_by_type(rows, "Titre 0")                # the first one read again: used last now
    assert figure_store.prune(store, limit=3) == 2
    assert set(store.rglob("*.json")) == {paths[0], paths[3], paths[4]}
    assert figure_store.prune(store, limit=3) == 0
