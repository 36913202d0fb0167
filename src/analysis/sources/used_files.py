"""Which stored files of a source are read, and why the others are not.

Tables (annuaire, ETIC, local lists) are read whole: every file of their folder. A boundary file
(GeoJSON) is one file per source, **the declared one**: the file of ``params/sources.yml`` whose
sha256 is the declared ``sha256``, else the one whose name is the declared ``filename`` (or matches
its ``patterns``, best first). Other files in its folder (e.g. ``departements.geojson`` or
``departements-version-simplifiee.geojson``, stored before the registry accepted only
``departements-avec-outre-mer.geojson``) are not read: :func:`used_files` says which and why, and the
report's annex describes the file used and lists the others as not used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analysis.sources.provenance import Provenance
from analysis.sources.store import Store

#: Why a stored file is not read (the report words them in French).
NOT_DECLARED = "not_declared"      # its name is not the declared file's
OTHER_SHA256 = "other_sha256"      # the declared name, but another copy has the declared sha256
OTHER_COPY = "other_copy"          # another copy of the declared file is read (e.g. two downloads)


@dataclass
class UsedFiles:
    """The files of a source that are read, in reading order, and the others with a reason."""

    used: list[Path] = field(default_factory=list)
    unused: dict[Path, str] = field(default_factory=dict)
    #: files read whose sha256 is not the one the registry declares (no copy of the declared file)
    unexpected: list[Path] = field(default_factory=list)


def used_files(store: Store, key: str) -> UsedFiles:
    """The files of source ``key`` that the tool reads, and those it leaves aside (with why)."""
    files = store.files(key)
    source = store.registry[key]
    records = {path: _record(path) for path in files}
    if not source.is_geo or len(files) <= 1:
        unexpected = [p for p in files if source.sha256 and records[p] is not None
                      and not records[p].same_content(source.sha256)]
        return UsedFiles(list(files), {}, unexpected)
    by_sha = [p for p in files if source.sha256 and records[p] is not None and records[p].same_content(source.sha256)]
    by_name = sorted((p for p in files if source.matches_name(p.name) is not None),
                     key=lambda p: (p.name != source.filename, source.matches_name(p.name), p.name))
    chosen = (by_sha or by_name or files)[0]
    unused = {}
    for path in files:
        if path == chosen:
            continue
        if source.matches_name(path.name) is None:
            unused[path] = NOT_DECLARED
        elif by_sha and path not in by_sha:
            unused[path] = OTHER_SHA256
        else:
            unused[path] = OTHER_COPY
    unexpected = [chosen] if source.sha256 and not by_sha else []
    return UsedFiles([chosen], unused, unexpected)


def _record(path: Path) -> Provenance | None:
    try:
        return Provenance.read(path)
    except (OSError, ValueError, TypeError):
        return None
