"""The data caches of ``<data>/processed/``: a Parquet table and a JSON file holding its key.

Written atomically (a temporary file renamed into place, the key last), so that an interrupted
write never leaves a table that its key vouches for. Read defensively: a cache that cannot be
read (truncated Parquet, damaged JSON) is discarded with a one-line notice and the caller
rebuilds it; a cache is never a reason to stop.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


def read(parquet: Path, meta: Path, key: str) -> tuple[pd.DataFrame, dict] | None:
    """The cached table and its metadata when both are readable and the key matches, else None."""
    if not parquet.exists() or not meta.exists():
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        _discard(meta, parquet, "its key file is damaged")
        return None
    if not isinstance(info, dict) or info.get("key") != key:
        return None
    try:
        return pd.read_parquet(parquet), info
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        _discard(meta, parquet, f"it cannot be read ({type(exc).__name__})")
        return None


def write(parquet: Path, meta: Path, frame: pd.DataFrame, info: dict) -> pd.DataFrame:
    """Write a table and its metadata (``info`` holds ``key``), each atomically, the key last.

    Returns the table as read back: a caller gets the same dtypes from a fresh computation as
    from the cache (Parquet reads text columns back as ``str``), so results never depend on
    whether a cache existed."""
    parquet.parent.mkdir(parents=True, exist_ok=True)
    tmp = parquet.with_name(f".{parquet.name}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(parquet)
    tmp = meta.with_name(f".{meta.name}.tmp")
    tmp.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(meta)
    return pd.read_parquet(parquet)


def _discard(meta: Path, parquet: Path, why: str) -> None:
    log.warning("cache %s discarded: %s; rebuilding it.", parquet, why)
    for path in (meta, parquet):
        path.unlink(missing_ok=True)
