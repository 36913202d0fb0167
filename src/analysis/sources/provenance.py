"""Provenance records: one JSON file beside every raw file (URL or origin, date, size, hash, licence).

Besides where a copy came from, the record says how the official file was written (``form``:
CSV/JSON/Parquet, encoding, delimiter, labels or field names as header) and, when the copy was
transcoded to UTF-8, converted from a workbook or unpacked from an archive, the sha256 of the file
as received (``original_sha256``). ``replaces``: the stored copies this one replaced. ``mtime_ns`` is
the stored copy's modification time when recorded: a copy whose size and mtime still match is
not hashed again to know it is unchanged (:meth:`analysis.sources.store.Store.verify`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

SUFFIX = ".provenance.json"


@dataclass
class Provenance:
    source: str
    dataset_id: str
    file: str
    method: str                    # fetch | import | demo
    origin: str                    # URL, or the local path the copy came from
    retrieved_at: str              # ISO 8601, UTC
    size: int
    sha256: str
    licence: str
    licence_url: str | None
    url_verified: bool
    layout_verified: bool
    demo: bool = False
    millesimes: list[int] = field(default_factory=list)
    note: str = ""
    form: dict = field(default_factory=dict)
    original_sha256: str | None = None
    mtime_ns: int | None = None
    replaces: list[dict] = field(default_factory=list)   # the copies it replaced: file, sha256
    rows: int | None = None                              # rows read (empty rows not counted)

    def write(self, raw_file: Path) -> Path:
        path = record_path(raw_file)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    def same_content(self, sha256: str) -> bool:
        """True when a file with this sha256 is the one this record describes (as received)."""
        return sha256 in (self.sha256, self.original_sha256)

    @classmethod
    def read(cls, raw_file: Path) -> Provenance:
        data = json.loads(record_path(raw_file).read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def record_path(raw_file: Path) -> Path:
    return raw_file.with_name(raw_file.name + SUFFIX)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
