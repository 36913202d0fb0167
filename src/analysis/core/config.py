"""Where things live: project root, data folders, parameter files.

Everything is derived from two optional environment variables so that tests, CI and users can
point the tool at another data folder without touching the code:

- ``ETAT_DES_LIEUX_DATA``: the data folder (default ``<project>/data``);
- ``ETAT_DES_LIEUX_ROOT``: the project root (default: the checkout holding this package, else
  the current directory).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The ``analysis`` package, and its declarations and reference tables (YAML, CSV).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
RESOURCES = PACKAGE_DIR / "resources"


def project_root() -> Path:
    env = os.environ.get("ETAT_DES_LIEUX_ROOT")
    if env:
        return Path(env).resolve()
    # Editable install in a checkout: src/analysis/ -> project root two levels up.
    candidate = PACKAGE_DIR.parents[1]
    if (candidate / "pyproject.toml").exists() and (candidate / "params").is_dir():
        return candidate
    return Path.cwd()


def data_dir(override: str | Path | None = None) -> Path:
    if override:
        return Path(override).resolve()
    env = os.environ.get("ETAT_DES_LIEUX_DATA")
    return Path(env).resolve() if env else project_root() / "data"


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
