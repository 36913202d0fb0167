"""The data caches: a Parquet table per millésime, holding its own key.

Where. ``<data>/processed/<name>.parquet`` when the data folder can be written; else (a data
folder on a read-only share, a colleague's folder) in the user's cache folder,
``$XDG_CACHE_HOME/etat-des-lieux/<folder>-<digest of its path>/`` (``~/.cache`` by default),
said once by a notice; else in memory, for this process only. Reading looks in both folders.

One file, one rename. The key and the metadata (``info``, which holds ``key``) are written in
the Parquet file's own metadata, so that a key never vouches for a table it was not written
with, whatever process wrote last or crashed when. The file is written under a unique temporary
name beside its target, flushed to disk, then renamed into place: two commands computing the
same table at once each rename a whole file, and a reader sees the old file or the new one,
never half of one.

Read defensively: a cache that cannot be read (truncated, damaged) is discarded with a one-line
notice and the caller rebuilds it; a cache is never a reason to stop.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

import pandas as pd

from analysis.core import atomic, environment

log = logging.getLogger(__name__)

FOLDER = "processed"
#: The key of the Parquet file's metadata that holds ``info``.
META_KEY = b"etat-des-lieux"
#: Caches of data folders that cannot be written, when the user cache folder cannot be either.
_MEMORY: dict[tuple[str, str], tuple[pd.DataFrame, dict]] = {}
_SAID: set[str] = set()


def user_folder(data_dir: str | Path) -> Path:
    """The user cache folder of a data folder (its name and a digest of its absolute path)."""
    data_dir = Path(data_dir).resolve()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return base / "etat-des-lieux" / f"{data_dir.name or 'racine'}-{digest}" / FOLDER


def folders(data_dir: str | Path) -> list[Path]:
    """Where the caches of a data folder may be, in the order they are written to."""
    return [Path(data_dir) / FOLDER, user_folder(data_dir)]


def read(data_dir: str | Path, name: str, key: str) -> tuple[pd.DataFrame, dict] | None:
    """The cached table ``name`` and its ``info`` when one is readable with ``key``, else None."""
    return _find(data_dir, name, key, table=True)


def read_info(data_dir: str | Path, name: str, key: str) -> dict | None:
    """The ``info`` of the cached table ``name`` when one is readable with ``key``, else None:
    its metadata only, the table is not read (e.g. the harmonisation report of a millésime)."""
    found = _find(data_dir, name, key, table=False)
    return found[1] if found is not None else None


def _find(data_dir: str | Path, name: str, key: str, *, table: bool) -> tuple[pd.DataFrame | None, dict] | None:
    """The cache ``name`` under ``key`` in the folders of :func:`folders`, then in memory."""
    for folder in folders(data_dir):
        found = _read_file(folder / f"{name}.parquet", key, table=table)
        if found is not None:
            return found
    found = _MEMORY.get((str(Path(data_dir).resolve()), name))
    return found if found is not None and found[1].get("key") == key else None


def _read_file(parquet: Path, key: str, *, table: bool) -> tuple[pd.DataFrame | None, dict] | None:
    import pyarrow.parquet as pq

    try:
        handle = open(parquet, "rb")
    except OSError:                                  # absent (or unreadable: as if absent)
        return None
    with handle:                                     # the metadata and the table of one file
        try:
            metadata = pq.read_schema(handle).metadata or {}
            info = json.loads(metadata[META_KEY]) if META_KEY in metadata else None
            if not isinstance(info, dict) or info.get("key") != key:
                return None
            if not table:
                return None, info
            handle.seek(0)
            return pd.read_parquet(handle), info
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
            _discard(parquet, f"illisible ({type(exc).__name__})")
            return None


def write(data_dir: str | Path, name: str, frame: pd.DataFrame, info: dict) -> pd.DataFrame:
    """Cache ``frame`` as ``name`` with ``info`` (which holds ``key``), in the first folder of
    :func:`folders` that can be written, else in memory.

    Returns the table as read back: a caller gets the same dtypes from a fresh computation as
    from the cache (Parquet reads text columns back as ``str``), so results never depend on
    whether a cache existed."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           META_KEY: json.dumps(info, ensure_ascii=False).encode("utf-8")})
    for n, folder in enumerate(folders(data_dir)):
        target = _write_file(folder, f"{name}.parquet", table)
        if target is not None:
            if n:
                _say_once(str(data_dir), f"le dossier de données {data_dir} n'est pas accessible en écriture : "
                                         f"ses tables intermédiaires sont gardées dans {folder}")
            (folder / f"{name}.json").unlink(missing_ok=True)           # a key file of an older version
            return pd.read_parquet(target)
    _say_once(str(data_dir), f"ni {data_dir} ni {user_folder(data_dir)} ne sont accessibles en écriture : les "
                             "tables intermédiaires de ce dossier de données sont gardées en mémoire, pour cette "
                             "commande seulement")
    back = table.to_pandas()
    _MEMORY[(str(Path(data_dir).resolve()), name)] = back, info
    return back


def _write_file(folder: Path, filename: str, table) -> Path | None:
    """``table`` written atomically as ``folder/filename``; None when the folder is read-only or
    not ours (any other error, a full disk first, is raised)."""
    import pyarrow.parquet as pq

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".tmp", dir=folder)
        os.fchmod(fd, atomic.MODE)                    # colleagues sharing the data folder read it
    except OSError as exc:
        if _cannot_write(exc):
            return None
        raise environment.problem(exc, folder) or exc from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            pq.write_table(table, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, folder / filename)
    except OSError as exc:                           # a full disk: said with the file pyarrow does not name
        found = environment.problem(exc, folder)
        if found is None:
            raise
        raise environment.EnvironmentProblem(found.errno, folder / filename, folder) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return folder / filename


def _cannot_write(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)


def _say_once(folder: str, text: str) -> None:
    if folder not in _SAID:
        _SAID.add(folder)
        log.warning(text)


def _discard(parquet: Path, why: str) -> None:
    log.warning("cache %s écarté : %s ; il est reconstruit.", parquet, why)
    try:
        parquet.unlink(missing_ok=True)
    except OSError:                                  # a read-only folder: rebuilt elsewhere
        pass
