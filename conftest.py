"""Root pytest configuration: markers that follow from what a test uses, and the notebooks' data folder.

Markers (declared in pyproject.toml) are added at collection from what a test needs, so that a new
test cannot forget them (``make test-fast`` deselects ``slow`` and ``shared_data``):

- a test that uses the national demo dataset (fixture ``national_demo``, ``demo_store`` or any
  fixture built on them) is marked ``national_demo`` and ``slow``;
- a test that uses the real files (fixture ``raw`` or ``occitanie_store``) is marked ``shared_data``;
- every notebook run by nbval is marked ``slow``.

The notebooks (run by nbval) need a data folder. When $ETAT_DES_LIEUX_DATA is not set, the session
gets an empty temporary one at once (so that no test reads or writes the project's ``data/``),
filled just before the first notebook runs: the real Occitanie files from ../shared/data/raw when
present (imported, never copied into the project), else the session's national demo dataset
(``tests/data_folders.py``: generated once, shared with the tests that use it). Kernels started by
nbval inherit the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
# ETAT_DES_LIEUX_SHARED_RAW points elsewhere, e.g. at a missing folder to run the suite as a machine
# without ../shared would.
SHARED_RAW = Path(os.environ.get("ETAT_DES_LIEUX_SHARED_RAW", ROOT.parent / "shared" / "data" / "raw"))

NATIONAL_DEMO_FIXTURES = {"national_demo", "demo_store"}
SHARED_DATA_FIXTURES = {"raw", "occitanie_store"}

# The data folder this session made for the notebooks (None: $ETAT_DES_LIEUX_DATA was given), and
# whether it has been filled.
_notebook_data: dict[str, object] = {"folder": None, "filled": False}


@pytest.hookimpl(trylast=True)              # after the tmpdir plugin: config._tmp_path_factory exists
def pytest_configure(config):
    os.environ.pop("MPLBACKEND", None)          # agg would make executed notebooks lose figures
    if os.environ.get("ETAT_DES_LIEUX_DATA") or not config.getoption("nbval_lax", default=False):
        return
    folder = config._tmp_path_factory.mktemp("etat-des-lieux-nbval-")
    _notebook_data["folder"] = folder
    os.environ["ETAT_DES_LIEUX_DATA"] = str(folder)


def _is_notebook(item) -> bool:
    return item.path.suffix == ".ipynb"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_notebook(item):
            item.add_marker(pytest.mark.slow)
            continue
        used = set(getattr(item, "fixturenames", ()))
        if used & NATIONAL_DEMO_FIXTURES:
            item.add_marker(pytest.mark.national_demo)
            item.add_marker(pytest.mark.slow)
        if used & SHARED_DATA_FIXTURES:
            item.add_marker(pytest.mark.shared_data)


@pytest.hookimpl(tryfirst=True)             # before nbval starts the notebook's kernel
def pytest_runtest_setup(item):
    folder = _notebook_data["folder"]
    if folder is None or _notebook_data["filled"] or not _is_notebook(item):
        return
    _notebook_data["filled"] = True
    occitanie = SHARED_RAW / "karimaidibi-occitanie"
    if occitanie.exists():
        from analysis.sources.store import Store

        Store(folder).import_paths([occitanie, SHARED_RAW / "france-geojson"])
    else:
        from tests.data_folders import national_demo

        os.environ["ETAT_DES_LIEUX_DATA"] = str(national_demo(item.config._tmp_path_factory).store.data_dir)
