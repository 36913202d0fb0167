"""Shared fixtures. Real files come from ../shared/data/raw (beside the project root), never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ETAT_DES_LIEUX_SHARED_RAW points elsewhere, e.g. at a missing folder to run the suite as a machine
# without ../shared would.
SHARED_RAW = Path(os.environ.get("ETAT_DES_LIEUX_SHARED_RAW", ROOT.parent / "shared" / "data" / "raw"))
OCCITANIE = SHARED_RAW / "karimaidibi-occitanie"
GEOJSON = SHARED_RAW / "france-geojson"

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
def demo_store(tmp_path_factory):
    """The synthetic national demo dataset, written in the official layouts and imported (marked demo)."""
    from analysis.demo import write_demo_files
    from analysis.sources.store import Store

    folder = tmp_path_factory.mktemp("demo-data")
    write_demo_files(folder / "generated", seed=2018, years=(2018, 2019))
    store = Store(folder)
    store.import_paths([folder / "generated"], demo=True)
    return store


@pytest.fixture(scope="session")
def labelled_demo_store(demo_store, tmp_path_factory):
    """The demo data plus a « label numérique » list (a local source of params/sources/) for half
    the public collèges of the Hérault, 2018. Returns the store and those collèges."""
    import shutil

    import pandas as pd

    from analysis.harmonise.table import load_etablissements
    from analysis.sources.store import Store

    base = tmp_path_factory.mktemp("label-demo")
    shutil.copytree(demo_store.data_dir, base / "data")
    store = Store(base / "data")
    table, _ = load_etablissements(store, 2018)
    herault = table[(table["type"] == "college") & (table["secteur"] == "public") & (table["departement"] == "34")]
    rows = pd.DataFrame({"Année": "2018", "RNE": herault["uai"].iloc[::2], "Nom établissement": "x",
                         "Localité": "x", "Département": "34", "Label": "2", "Position": "43.6, 3.8"})
    path = base / "fr-en-occitanie-label-numerique-college.csv"
    rows.to_csv(path, sep=";", index=False)
    store.import_paths([path], demo=True).check()          # a synthetic list, with the demo data
    return store, herault
