"""The data folders of the test session, each made once: used by ``conftest.py`` (root: the
notebooks' data folder) and ``tests/conftest.py`` (fixtures).

- :func:`small_demo_store`: the committed small dataset (``tests/fixtures/small-demo/``, a few
  dozen synthetic établissements of six départements, official layouts) imported into a data
  folder. Under a second: what unit tests that need some rows read.
- :func:`national_demo`: the synthetic national demo dataset (63 059 établissements), generated
  **at most once per session** (about 10 s of generation and import) and shared by every test
  that needs national scale and by the notebooks when no real files are at hand. Tests that use
  it are marked ``national_demo`` and ``slow`` (see ``conftest.py``).

Both are keyed on pytest's ``TempPathFactory`` (the ``tmp_path_factory`` fixture, which is
``config._tmp_path_factory``), so that a fixture and a hook of the same session share one folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SMALL_DEMO = Path(__file__).resolve().parent / "fixtures" / "small-demo"

_made: dict[tuple[int, str], object] = {}


@dataclass(frozen=True)
class NationalDemo:
    """The national demo: the files as written (``folder``, ``written`` in writing order) and the
    data folder they were imported into (marked demo)."""

    folder: Path
    written: list[Path]
    store: object                  # analysis.sources.store.Store


def national_demo(factory) -> NationalDemo:
    """``write_demo_files(seed=2018, years=(2018, 2019))``, imported; made once per session."""
    key = (id(factory), "national")
    if key not in _made:
        from analysis.demo import write_demo_files
        from analysis.sources.store import Store

        base = factory.mktemp("demo-data")
        written = write_demo_files(base / "generated", seed=2018, years=(2018, 2019))
        store = Store(base)
        store.import_paths([base / "generated"], demo=True).check()
        _made[key] = NationalDemo(base / "generated", written, store)
    return _made[key]


def small_demo_store(factory):
    """tests/fixtures/small-demo imported into a data folder of the session (marked demo)."""
    key = (id(factory), "small")
    if key not in _made:
        from analysis.sources.store import Store

        store = Store(factory.mktemp("small-demo-data"))
        store.import_paths([SMALL_DEMO], demo=True).check()
        _made[key] = store
    return _made[key]
