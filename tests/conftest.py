"""Shared fixtures. Real files come from ../shared/data/raw (beside the project root), never copied."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ETAT_DES_LIEUX_SHARED_RAW points elsewhere, e.g. at a missing folder to run the suite as a machine
# without ../shared would.
SHARED_RAW = Path(os.environ.get("ETAT_DES_LIEUX_SHARED_RAW", ROOT.parent / "shared" / "data" / "raw"))
OCCITANIE = SHARED_RAW / "karimaidibi-occitanie"
GEOJSON = SHARED_RAW / "france-geojson"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Figures must be kept by executed notebooks: see the toolchain notes in the README.
os.environ.pop("MPLBACKEND", None)


def need_shared(path: Path = SHARED_RAW) -> Path:
    if not path.exists():
        pytest.skip(f"real data not found at {path} (../shared/data/raw beside the project root)")
    return path


@pytest.fixture(scope="session")
def raw() -> Path:
    """../shared/data/raw, or a skip saying where it was looked for."""
    return need_shared(SHARED_RAW)


@pytest.fixture(scope="session")
def occitanie_store(tmp_path_factory):
    """A data folder holding the real Occitanie files (ETIC 2d 2018-2019, annuaire) and boundaries."""
    from analysis.sources.store import Store

    need_shared(OCCITANIE)
    store = Store(tmp_path_factory.mktemp("occitanie-data"))
    store.import_paths([OCCITANIE, GEOJSON])
    return store


@pytest.fixture()
def empty_store(tmp_path):
    from analysis.sources.store import Store

    return Store(tmp_path / "data")


@pytest.fixture(scope="session")
def small_store(tmp_path_factory):
    """A few dozen synthetic établissements of six départements of Occitanie (the académie de
    Montpellier and Haute-Garonne), ETIC 2018 and 2019, in the official layouts: the committed
    ``tests/fixtures/small-demo`` imported once per session (marked demo). For unit tests that
    need some rows; see ``tests/fixtures/README.md`` for what it holds."""
    from tests.data_folders import small_demo_store

    return small_demo_store(tmp_path_factory)


@pytest.fixture(scope="session")
def national_demo(tmp_path_factory):
    """The synthetic national demo dataset, generated once per session: its files as written
    (``folder``, ``written``) and the data folder they were imported into (``store``). A test that
    uses it is marked ``national_demo`` and ``slow`` (conftest.py)."""
    from tests.data_folders import national_demo

    return national_demo(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_store(national_demo):
    """The synthetic national demo dataset, written in the official layouts and imported (marked demo)."""
    return national_demo.store


def with_a_label_list(store, folder: Path):
    """A copy of ``store`` in ``folder`` plus a « label numérique » list (a local source of
    params/sources/) for half the public collèges of the Hérault, 2018. Returns the new store and
    those collèges (all of them, listed or not)."""
    import shutil

    import pandas as pd

    from analysis.harmonise.table import load_etablissements
    from analysis.sources.store import Store

    shutil.copytree(store.data_dir, folder / "data")
    labelled = Store(folder / "data")
    table, _ = load_etablissements(labelled, 2018)
    herault = table[(table["type"] == "college") & (table["secteur"] == "public") & (table["departement"] == "34")]
    rows = pd.DataFrame({"Année": "2018", "RNE": herault["uai"].iloc[::2], "Nom établissement": "x",
                         "Localité": "x", "Département": "34", "Label": "2", "Position": "43.6, 3.8"})
    path = folder / "fr-en-occitanie-label-numerique-college.csv"
    rows.to_csv(path, sep=";", index=False)
    labelled.import_paths([path], demo=True).check()          # a synthetic list, with the demo data
    return labelled, herault


@pytest.fixture(scope="session")
def labelled_demo_store(demo_store, tmp_path_factory):
    """The national demo data plus a « label numérique » list for half the public collèges of the
    Hérault, 2018 (:func:`with_a_label_list`). Returns the store and those collèges."""
    return with_a_label_list(demo_store, tmp_path_factory.mktemp("label-demo"))


@pytest.fixture(scope="session")
def labelled_small_store(small_store, tmp_path_factory):
    """The small demo data plus a « label numérique » list for half the public collèges of the
    Hérault, 2018 (:func:`with_a_label_list`). Returns the store and those collèges."""
    return with_a_label_list(small_store, tmp_path_factory.mktemp("label-small"))


@pytest.fixture(scope="session")
def demo_edition(demo_store, tmp_path_factory):
    """A real edition built by the built-in renderer (Lozère 2018, the real chapters, demo data,
    HTML and PDF) and its millésime's index, which also lists two small editions (so that the
    search has something to filter). For the browser and the PDF/UA checks: ``edition``,
    ``pdf``, ``index``, ``data`` (the data folder)."""
    import shutil

    from analysis import indicators
    from analysis.build import batch, site_index
    from analysis.build import manifest as edition_manifest
    from analysis.build.options import BuildOptions
    from analysis.sources.store import Store

    base = tmp_path_factory.mktemp("edition-demo")
    data = base / "data"
    shutil.copytree(demo_store.data_dir, data)
    out = base / "rapports"
    report = batch.build("departement:48", 2018, BuildOptions(formats=("html", "pdf"), out_dir=out, data_dir=data,
                                                               renderer="builtin"))
    assert report.ok, [o.failure for o in report.outcomes]
    year_dir = out / "2018"
    for ident, label in (("departement:15", "Cantal (15)"), ("region:84", "Région académique Auvergne-Rhône-Alpes")):
        folder = year_dir / ident.replace(":", "-")
        folder.mkdir(parents=True)
        html = folder / f"etat-des-lieux-2018-{folder.name}.html"
        html.write_text(f"<!DOCTYPE html><html lang='fr'><head><title>{label}</title></head>"
                        f"<body><main><h1>{label}</h1></main></body></html>", encoding="utf-8")
        edition_manifest.write_manifest(folder, {"territoire": ident, "libelle": label, "slug": folder.name,
                                                 "outputs": edition_manifest.outputs_record(folder, {"html": html})})
    site_index.write_all(year_dir, indicators.load(Store(data), 2018), 2018)
    outputs = report.outcomes[0].outputs
    return {"edition": Path(outputs["html"]), "pdf": Path(outputs["pdf"]), "index": year_dir / "index.html",
            "data": data}


# One Chromium per session: Playwright's sync API cannot start a second one inside the first's loop.
@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    profile = tempfile.mkdtemp(prefix="chromium-profil-")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS,
                                                       headless=True)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)
