"""Files written whole or not at all: a unique temporary name beside the target, renamed into
place. Two commands writing the same file at once never share a temporary file, and a reader
(or a crash) sees the old file or the new one, never half of one. A full disk or a read-only
folder while writing is raised as the user's to fix, naming the file
(:class:`analysis.core.environment.EnvironmentProblem`): the system's own error often names none.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.core import environment


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The permissions a plain ``open(path, "w")`` gives a new file (0o644 under the usual umask):
#: a temporary file is private (0o600), which would keep a published page from a web server or a
#: colleague.
MODE = 0o666 & ~_umask()


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path``'s new content to (same extension: writers that choose
    the format by it, openpyxl, accept it); renamed into place when the block ends without
    error, removed otherwise. The folder is created when missing."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
        os.fchmod(fd, MODE)
        os.close(fd)
    except OSError as exc:
        raise environment.problem(exc, path.parent) or exc from exc
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        found = environment.problem(exc, path.parent)
        if found is None:
            raise
        raise environment.EnvironmentProblem(found.errno, path, path.parent) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, flushed to disk."""
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)
