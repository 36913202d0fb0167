"""Figures drawn once a batch (:mod:`analysis.report.figure_store`): an edition built with figures
read back from the store is byte for byte the edition built without the store. A tiny book of one
chapter that draws a chart by type and a map, on the small demo data."""

from __future__ import annotations

import shutil

import pytest

from analysis.build import batch
from analysis.report.figure_store import FOLDER
from tests.build.tinybook import make_project, notebook, options, outcome
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHART = """from analysis.report.chapter import Chapter
ch = Chapter(territoire, annee, data_dir, seuil_secret)
ch.show_figure(ch.chart_by_type("connectivite.acces_internet"))
ch.show_figure(ch.chart_comparison("services.ent", "college"))
ch.show_figure(ch.map("services.ent", "college"))"""


@pytest.fixture(scope="module")
def project(small_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("figures")
    root = make_project(base / "projet", {"01-figures.ipynb": notebook("Figures", CHART)}, ROOT / "params",
                        params=("sources.yml",))
    data = base / "data"
    shutil.copytree(small_store.data_dir, data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETAT_DES_LIEUX_ROOT", str(root))
        yield {"root": root, "data": data, "base": base}


def _html(out, slug: str) -> bytes:
    return (out / "2018" / slug / f"etat-des-lieux-2018-{slug}.html").read_bytes()


def test_an_edition_with_figures_read_back_is_the_edition_drawn_without_the_store(project):
    editions = ["academie:montpellier", "departement:34"]
    without = dict(project, out=project["base"] / "sans")
    drawn = dict(project, out=project["base"] / "avec")
    for spec in editions:
        assert outcome(batch.build(spec, 2018, options(without, figure_store=False)), spec).status == "built"
        assert outcome(batch.build(spec, 2018, options(drawn)), spec).status == "built"
    stored = sorted((drawn["out"] / "2018" / FOLDER).rglob("*.json"))
    shown = sum(_html(drawn["out"], spec.replace(":", "-")).count(b"<img ") for spec in editions)
    assert len(stored) == shown >= 4 and not (without["out"] / "2018" / FOLDER).exists()
    # built again: every figure read back, none drawn (no file written anew), the same bytes
    before = {path: path.stat().st_ino for path in stored}
    for spec in editions:
        assert outcome(batch.build(spec, 2018, options(drawn, force=True)), spec).status == "built"
        slug = spec.replace(":", "-")
        assert _html(drawn["out"], slug) == _html(without["out"], slug)
    assert {path: path.stat().st_ino for path in stored} == before
    assert sorted((drawn["out"] / "2018" / FOLDER).rglob("*.json")) == stored
