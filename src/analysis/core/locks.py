"""One writer at a time on a folder, and no reader in the middle of a write.

A data folder and a reports folder each have a lock file, ``.verrou`` at their root (an advisory
``flock``: released by the system when the process ends, however it ends; never inherited by
worker processes or kernels). Commands that change a data folder (``data import``, ``fetch``,
``demo``) hold it *exclusive*; commands that read it (``build``, ``indicators``, ``data status``)
hold it *shared* for as long as they read, so that a build reads one state of the data from
its first table to its last chapter: an import started meanwhile waits for the end of the
build, and a build started during an import waits for its end. A build holds its reports folder
exclusive: two builds into one folder run one after the other.

A command that must wait says so once (who holds the folder, since when) and waits; Ctrl-C stops
it. Locks are re-entrant within a process (the command line takes them, the build path takes them
again). A folder that cannot be written (a read-only share) cannot be changed by anyone here:
its lock is taken when its file exists, and skipped otherwise.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

LOCK_FILE = ".verrou"
Mode = Literal["shared", "exclusive"]
_FLAGS = {"shared": fcntl.LOCK_SH, "exclusive": fcntl.LOCK_EX}
#: Locks this process holds: lock file -> [file descriptor, mode, depth].
_HELD: dict[Path, list] = {}


@contextmanager
def holding(folder: str | Path, mode: Mode, *, what: str,
            on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``folder``'s lock in ``mode`` for the ``with`` block; ``what`` names the folder in the
    message given to ``on_wait`` when another command holds it (« le dossier de données »)."""
    path = Path(folder).resolve() / LOCK_FILE
    held = _HELD.get(path)
    if held is not None and (held[1] == "exclusive" or mode == "shared"):
        held[2] += 1                                 # already held, as much or more
        try:
            yield
        finally:
            held[2] -= 1
        return
    fd = held[0] if held is not None else _open(path, create=mode == "exclusive")
    if fd is None:
        yield
        return
    try:
        _acquire(fd, mode, path, what, on_wait)
    except BaseException:
        if held is None:
            os.close(fd)
        raise
    previous = held[1] if held is not None else None
    _HELD[path] = [fd, mode, 1]
    _describe(fd, mode)
    try:
        yield
    finally:
        if previous is not None:                     # back to the shared lock it was upgraded from
            fcntl.flock(fd, _FLAGS[previous])
            _HELD[path] = [fd, previous, held[2]]
        else:
            del _HELD[path]
            os.close(fd)                             # releases the lock


def _open(path: Path, *, create: bool) -> int | None:
    """The lock file, opened; None when it cannot be opened and there is nothing to protect."""
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except FileNotFoundError:                        # a folder to read that does not exist yet
        return None
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
    try:                                             # read-only: share the lock of those who can write
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def _acquire(fd: int, mode: Mode, path: Path, what: str, on_wait) -> None:
    try:
        fcntl.flock(fd, _FLAGS[mode] | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        on_wait(waiting_message(path, what))
    fcntl.flock(fd, _FLAGS[mode])


def waiting_message(path: Path, what: str) -> str:
    """What a command that waits says (French): the folder, who holds it and since when."""
    holder = holder_of(path)
    who = ""
    if holder:
        since = time.strftime("%H:%M:%S", time.localtime(holder.get("depuis", 0)))
        who = f" (pid {holder.get('pid')} : {holder.get('commande', '?')}, depuis {since})"
    return (f"{what} {path.parent} est utilisé par une autre commande{who} : attente de la fin de "
            "celle-ci (Ctrl-C pour abandonner)")


def holder_of(path: Path) -> dict | None:
    """Who last took the lock, as it wrote itself in the lock file (None when unknown)."""
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _describe(fd: int, mode: Mode) -> None:
    """Write who holds the lock into its file, for the message of those who wait (best effort)."""
    command = " ".join(["etat-des-lieux", *sys.argv[1:]]) if sys.argv else "etat-des-lieux"
    text = json.dumps({"pid": os.getpid(), "commande": command[:200], "mode": mode, "depuis": time.time()},
                      ensure_ascii=False).encode("utf-8")
    try:
        os.pwrite(fd, text, 0)
        os.ftruncate(fd, len(text))
    except OSError:                                  # read-only lock file: the lock alone is enough
        pass
