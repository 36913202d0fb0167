"""Digests: of files (cheaply re-verified), of the code a pipeline stage depends on.

Every cache of the project is keyed by digests from here, so that a key never rests on a
hand-kept list of modules:

- :func:`stage_digest` hashes the code of ``core/`` and of every stage package up to the given
  stage (:data:`STAGES`, in pipeline order), the package resources those stages read, and the
  project parameter files they read. Editing any module the harmonised table depends on changes
  the harmonised table's key; editing a chart module does not.
- :func:`file_sha256` hashes a file once per (size, modification time): the second call on an
  unchanged file costs a ``stat``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from analysis import __version__
from analysis.core import config

#: The stages whose outputs are cached, in pipeline order, with what each reads besides the
#: code of the earlier stages: package resources (``src/analysis/resources/``) and project
#: parameter files and folders (``params/``: the source registries; the local indicator
#: declarations). The same order is enforced on imports (import-linter,
#: ``pyproject.toml``).
STAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "sources": {"resources": ("questionnaires",), "params": ("sources.yml", "sources")},
    "harmonise": {"resources": ("territories",), "params": ()},
    "indicators": {"resources": ("indicators.yml",), "params": ("indicateurs",)},
    "report": {"resources": ("tilegrid.csv",), "params": ()},
}
#: Always part of a stage's code: the shared core.
CORE = ("core",)
_SKIPPED_SUFFIXES = (".pyc", ".pyo")

_FILE_SHA: dict[tuple[str, int, int, int, int], str] = {}


def sha(*parts: bytes | str) -> str:
    """sha256 of parts, each followed by a separator (``("ab", "c")`` differs from ``("a", "bc")``)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, computed again only when the file, its size or its mtime changed."""
    stat = os.stat(path)
    # no realpath (one stat per folder of the path): the file's device and inode say which it is
    key = (os.path.abspath(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    found = _FILE_SHA.get(key)
    if found is None:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        found = _FILE_SHA[key] = digest.hexdigest()
    return found


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and not p.name.endswith(_SKIPPED_SUFFIXES))


def tree_digest(paths: list[Path], root: Path) -> str:
    """Digest of the files under ``paths`` (names relative to ``root``, and contents)."""
    parts: list[str] = []
    for path in paths:
        for file in _files(path):
            parts += [file.relative_to(root).as_posix(), file_sha256(file)]
        if not path.exists():
            parts.append(f"{path.relative_to(root).as_posix()}: absent")
    return sha(*parts)


def stage_inputs(stage: str) -> list[Path]:
    """The package folders, resources and parameter files that ``stage``'s outputs depend on."""
    if stage not in STAGES:
        raise KeyError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    paths = [config.PACKAGE_DIR / name for name in CORE]
    for name, needs in STAGES.items():
        paths.append(config.PACKAGE_DIR / name)
        paths += [config.RESOURCES / r for r in needs["resources"]]
        paths += [config.params_dir() / p for p in needs["params"]]
        if name == stage:
            return paths
    raise AssertionError("unreachable")


def stage_digest(stage: str) -> str:
    """Digest of the project version and of every input of :func:`stage_inputs`."""
    package, params = [], []
    for path in stage_inputs(stage):
        (params if not path.is_relative_to(config.PACKAGE_DIR) else package).append(path)
    return sha(__version__, tree_digest(package, config.PACKAGE_DIR),
               *(f"{p.name}={tree_digest([p], p.parent) if p.exists() else '-'}" for p in params))


def folder_digest(name: str) -> str:
    """Digest of one folder of the package (e.g. ``render``)."""
    return tree_digest([config.PACKAGE_DIR / name], config.PACKAGE_DIR)
