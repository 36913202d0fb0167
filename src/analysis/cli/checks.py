"""Checks of the options that name places, run before any work: the user learns at once that
``-o`` points into a file, or to a folder they cannot write, not after minutes of computation."""

from __future__ import annotations

import tempfile
from pathlib import Path

from analysis.core.errors import UsageError


def output_file(path: Path, option: str = "-o/--output") -> Path:
    """A file the command may write: not a folder, inside a folder that is (or can be) writable."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{option} {path} : c'est un dossier.\n  → donnez un nom de fichier, par exemple "
                         f"{path / 'indicateurs.csv'}")
    output_folder(path.parent, option, of_file=path)
    return path


def output_folder(path: Path, option: str = "-o/--output", *, of_file: Path | None = None) -> Path:
    """A folder the command may create and write into (``of_file``: the file it is the folder of)."""
    path = Path(path)
    if of_file is None and path.is_file():
        raise UsageError(f"{option} {path} : c'est un fichier, pas un dossier.\n  → nommez un dossier (il est "
                         "créé si besoin)")
    what = f"{option} {of_file} : son dossier {path}" if of_file else f"{option} {path}"
    existing = path
    while not existing.exists():          # the nearest existing ancestor decides
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UsageError(f"{what} ne peut pas être créé : {existing} est un fichier, pas un dossier.\n"
                         "  → choisissez un autre chemin, ou déplacez ce fichier")
    if existing.exists() and not _writable(existing):
        raise UsageError(f"{what} : écriture impossible (rien ne peut être créé dans {existing}).\n"
                         "  → choisissez un dossier où vous pouvez écrire")
    return path


def _writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder`` (a probe: permissions alone lie for root,
    read-only mounts and network folders)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False
