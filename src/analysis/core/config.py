"""Where things live: project root, data folders, parameter files.

Two optional environment variables point the tool elsewhere without touching the code:

- ``ETAT_DES_LIEUX_ROOT``: the project root (default: the checkout holding this package, else
  the current directory);
- ``ETAT_DES_LIEUX_DATA``: the *home* data folder (default ``<project>/data``), where real files
  are imported and fetched; the demo dataset goes to ``<home>/demo``.

**One active data folder.** Every command, chapter and notebook reads the *active* data folder
unless given one (``--data-dir``, ``data_dir=``): the folder named in ``<home>/.active`` when it
exists, else the home folder. ``data import``, ``data fetch``, ``data demo`` and ``quickstart``
(``make report``) run without ``--data-dir`` make the folder they filled active, so that a
researcher opening a notebook in JupyterLab after ``data demo`` reads the demo with no option.
An explicit ``--data-dir`` is a one-off: it never moves the pointer (a benchmark in a temporary
folder must not change what the user's next command reads).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The ``analysis`` package, and its declarations and reference tables (YAML, CSV).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
RESOURCES = PACKAGE_DIR / "resources"
#: File of the home data folder naming the active data folder (one line: a path, relative to the
#: home folder when inside it).
ACTIVE_POINTER = ".active"


def project_root() -> Path:
    env = os.environ.get("ETAT_DES_LIEUX_ROOT")
    if env:
        return Path(env).resolve()
    return _checkout(PACKAGE_DIR) or Path.cwd()


@lru_cache(maxsize=8)
def _checkout(package_dir: Path) -> Path | None:
    """The checkout of an editable install (``src/analysis/`` -> two levels up), None for an
    installed package: looked at once per process (every indicator lookup asks for ``params/``)."""
    candidate = package_dir.parents[1]
    if (candidate / "pyproject.toml").exists() and (candidate / "params").is_dir():
        return candidate
    return None


def home_data_dir() -> Path:
    """Where real files are imported and fetched: ``$ETAT_DES_LIEUX_DATA`` or ``<project>/data``."""
    env = os.environ.get("ETAT_DES_LIEUX_DATA")
    return Path(env).resolve() if env else project_root() / "data"


def demo_data_dir() -> Path:
    """Where ``data demo`` writes the synthetic dataset by default (kept apart from real files)."""
    return home_data_dir() / "demo"


@dataclass(frozen=True)
class ActiveFolder:
    path: Path
    why: str          # how it was chosen, for ``data status`` (in French, as the command line speaks)


def active_data_dir() -> ActiveFolder:
    """The data folder commands read when given none, and why (see the module docstring)."""
    home = home_data_dir()
    pointer = home / ACTIVE_POINTER
    if pointer.is_file():
        named = pointer.read_text(encoding="utf-8").strip()
        if named:
            target = (home / named).resolve()
            if target.is_dir():
                return ActiveFolder(target, f"désigné par {pointer}")
            return ActiveFolder(home, f"par défaut ({pointer} désigne {target}, qui n'existe plus)")
    env = "$ETAT_DES_LIEUX_DATA" if os.environ.get("ETAT_DES_LIEUX_DATA") else "par défaut"
    return ActiveFolder(home, env)


def set_active_data_dir(folder: str | Path) -> Path:
    """Make ``folder`` the active data folder (written atomically in ``<home>/.active``)."""
    home = home_data_dir()
    folder = Path(folder).resolve()
    home.mkdir(parents=True, exist_ok=True)
    pointer = home / ACTIVE_POINTER
    text = folder.relative_to(home).as_posix() if folder.is_relative_to(home) else str(folder)
    from analysis.core.atomic import write_text

    return write_text(pointer, (text or ".") + "\n")


def data_dir(override: str | Path | None = None) -> Path:
    """``override`` when given, else the active data folder."""
    if override:
        return Path(override).resolve()
    return active_data_dir().path


def raw_dir(override: str | Path | None = None) -> Path:
    return data_dir(override) / "raw"


def processed_dir(override: str | Path | None = None) -> Path:
    return data_dir(override) / "processed"


def cache_dir(override: str | Path | None = None) -> Path:
    return data_dir(override) / "cache"


def params_dir() -> Path:
    return project_root() / "params"


def sources_file() -> Path:
    return params_dir() / "sources.yml"
