"""Root pytest configuration: the notebooks (run by nbval) need a data folder.

When $ETAT_DES_LIEUX_DATA is not set, a temporary data folder is prepared once per session:
the real Occitanie files from ../shared/data/raw when present (imported, never copied into the
project), else the synthetic demo dataset. Kernels started by nbval inherit the variable.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# ETAT_DES_LIEUX_SHARED_RAW points elsewhere, e.g. at a missing folder to run the suite as a machine
# without ../shared would.
SHARED_RAW = Path(os.environ.get("ETAT_DES_LIEUX_SHARED_RAW", ROOT.parent / "shared" / "data" / "raw"))


def pytest_configure(config):
    os.environ.pop("MPLBACKEND", None)          # agg would make executed notebooks lose figures
    if os.environ.get("ETAT_DES_LIEUX_DATA") or not config.getoption("nbval_lax", default=False):
        return
    from analysis.sources.store import Store

    folder = Path(tempfile.mkdtemp(prefix="etat-des-lieux-nbval-"))
    store = Store(folder)
    occitanie = SHARED_RAW / "karimaidibi-occitanie"
    if occitanie.exists():
        store.import_paths([occitanie, SHARED_RAW / "france-geojson"])
    else:
        from analysis.demo import write_demo_files

        write_demo_files(folder / "generated", seed=2018, years=(2018, 2019))
        store.import_paths([folder / "generated"], demo=True)
    os.environ["ETAT_DES_LIEUX_DATA"] = str(folder)
