"""Problems of the machine, not of the tool: a full disk, a read-only folder, missing rights.

They reach the code as ``OSError`` (``errno`` ENOSPC, EDQUOT, EROFS, EACCES, EPERM), or as the
words of that error in the message of another one (pyarrow, pandoc, typst, a notebook's cell
say « No space left on device » without an ``errno``). :func:`problem` recognises them and
words them for the user, in French, naming the file and its folder and what to do; the command
line reports them as any :class:`~analysis.core.errors.AnalysisError` (exit status 2), never as
« erreur interne ».
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.core.errors import AnalysisError

#: errno -> what it means for the user.
KINDS = {errno.ENOSPC: "disque plein", errno.EDQUOT: "quota de disque atteint",
         errno.EROFS: "dossier en lecture seule", errno.EACCES: "droits insuffisants",
         errno.EPERM: "droits insuffisants"}
#: The C library's words for them (messages of other programs and libraries).
WORDS = {"No space left on device": errno.ENOSPC, "Disk quota exceeded": errno.EDQUOT,
         "database or disk is full": errno.ENOSPC,                      # SQLite (jupyter-cache)
         "Read-only file system": errno.EROFS, "attempt to write a readonly database": errno.EROFS,
         "Permission denied": errno.EACCES}
_PATH = re.compile(r"'(/[^']+)'|\"(/[^\"]+)\"|(/[^\s:'\"]+)")
_FIX = {
    "space": "libérez de la place sur ce disque, ou écrivez ailleurs (-o DOSSIER pour les rapports, "
             "--data-dir DOSSIER pour les données), puis relancez la même commande : ce qui était terminé "
             "est gardé",
    "write": "choisissez un dossier où vous pouvez écrire (-o DOSSIER pour les rapports, --data-dir DOSSIER "
             "pour les données), ou faites-vous donner le droit d'y écrire, puis relancez la même commande",
}


class EnvironmentProblem(AnalysisError):
    """A full disk, a read-only folder or missing rights: the user's to fix (the message says how)."""

    def __init__(self, kind: int, path: Path | None, folder: Path | None):
        self.errno, self.path, self.folder = kind, path, folder
        super().__init__(describe(kind, path, folder))


def cause(exc: BaseException) -> tuple[int, Path | None] | None:
    """(errno, file) of the machine problem behind ``exc`` (its chain included), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in KINDS:
            return exc.errno, Path(exc.filename) if exc.filename else _path_in(str(exc))
        text = str(exc)
        for words, kind in WORDS.items():
            if words in text:
                return kind, _path_in(text)
        exc = exc.__cause__ or exc.__context__
    return None


def problem(exc: BaseException, folder: str | Path | None = None) -> EnvironmentProblem | None:
    """``exc`` as an :class:`EnvironmentProblem` when it is one (``folder``: where the command was
    writing, when the error does not name a file), else None."""
    if isinstance(exc, EnvironmentProblem):
        return exc
    found = cause(exc)
    if found is None:
        return None
    kind, path = found
    where = path.parent if path is not None else (Path(folder) if folder else None)
    return EnvironmentProblem(kind, path, where)


@contextmanager
def told(folder: str | Path) -> Iterator[None]:
    """Inside the block, a machine problem is raised as an :class:`EnvironmentProblem` naming
    ``folder`` when the error names no file (a write that fills the disk names none)."""
    try:
        yield
    except OSError as exc:
        found = problem(exc, folder)
        if found is None:
            raise
        raise found from exc


def describe(kind: int, path: Path | None, folder: Path | None) -> str:
    """The message of a machine problem, in French: what, where, and what to do."""
    what = KINDS.get(kind, os.strerror(kind))
    where = f" dans {folder}" if folder else ""
    file = f" ({path})" if path else ""
    if kind in (errno.ENOSPC, errno.EDQUOT):
        free = _free(folder)
        return (f"{what} : écriture impossible{where}{file}{free}.\n  → {_FIX['space']}")
    return f"{what} : écriture impossible{where}{file}.\n  → {_FIX['write']}"


def _free(folder: Path | None) -> str:
    from analysis.core.formatting import UNIT_SEP, fmt_number

    try:
        free = shutil.disk_usage(folder).free if folder else None
    except OSError:
        return ""
    if free is None:
        return ""
    amount = next((f"{fmt_number(free / size, 1)}{UNIT_SEP}{unit}" for size, unit in ((1e9, "Go"), (1e6, "Mo"))
                   if free >= size), f"{fmt_number(free / 1e3, 0)}{UNIT_SEP}ko")
    return f" ; il reste {amount} sur ce disque"


def _path_in(text: str) -> Path | None:
    """The first path of this machine named in a message (a URL's ``//host/…`` is none)."""
    for found in _PATH.finditer(text):
        candidate = next(g for g in found.groups() if g)
        if not candidate.startswith("//") and Path(candidate).parent.is_dir():
            return Path(candidate)
    return None
