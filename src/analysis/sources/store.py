"""The raw data store: copies of official files, each validated and with its provenance record.

Layout: ``<data>/raw/<source key>/<file name>`` and ``<file name>.provenance.json`` beside it.
Files come in three ways, all recorded the same way: ``data fetch`` (download), ``data import``
(local copies of official files, recognised by name or header) and ``data demo`` (synthetic).

A file enters the store only whole and valid (:meth:`Store.add`): the complete schema runs on
the user's own file first (:mod:`.validation`: errors name *their* path), then the copy is
written beside its target and renamed into place; a good copy is never replaced by a bad one. A
CSV in cp1252, latin-1 or UTF-16 is stored transcoded to UTF-8, its original encoding and sha256
recorded. What an import did, file by file: :mod:`.import_report`.

Nothing stale: :meth:`Store.verify` compares every stored file with its record (size and mtime,
then the sha256 when they moved), so that a file edited in place under ``raw/`` is reported as
"modified since import" by ``data status`` *and* changes :meth:`Store.fingerprint`, the data
part of every cache key: the harmonised table and the indicators are rebuilt from what is on disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core import config, digests
from analysis.core.errors import InputError, MissingDataError, UsageError
from analysis.sources import forms
from analysis.sources.import_report import ImportReport, Refusal
from analysis.sources.provenance import SUFFIX, Provenance, now_utc
from analysis.sources.registry import Source, load_registry
from analysis.sources.validation import Checked, read_millesimes, validated

DEMO_LICENCE = "Données synthétiques de démonstration (aucune valeur officielle)"
#: Suffixes of the store's own bookkeeping files, never data.
_BOOKKEEPING = (SUFFIX, ".part", ".tmp", ".part.json")
#: Extensions a local copy of a table may have (the portals' CSV, JSON and Parquet exports).
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".json", ".parquet")
#: The extension of a file by its form (a download is named after the form it came in).
SUFFIX_OF = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "geojson": ".geojson"}
UNRECORDED = "unrecorded"


@dataclass(frozen=True)
class FileState:
    """A stored file checked against its provenance record."""

    key: str
    path: Path
    record: Provenance
    sha256: str              # of the file as it is now
    state: str               # ok | modified | unrecorded

    @property
    def label(self) -> str:
        return {"ok": "ok", "modified": "modified since import",
                UNRECORDED: "no provenance record (copied by hand?)"}[self.state]


class Store:
    def __init__(self, data_dir: str | Path | None = None, registry: dict[str, Source] | None = None):
        self.data_dir = config.data_dir(data_dir)
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise UsageError(f"data folder {self.data_dir} is a file, not a folder.\n"
                             "  → Give a folder with --data-dir (it is created when missing).")
        self.raw = self.data_dir / "raw"
        self.registry = registry or load_registry()

    # ----------------------------------------------------------------- reading
    def files(self, key: str) -> list[Path]:
        """Raw files of a source, best name-pattern first (the one readers prefer)."""
        folder = self.raw / key
        if not folder.is_dir():
            return []
        source = self.registry[key]
        found = [p for p in folder.iterdir() if p.is_file() and not p.name.endswith(_BOOKKEEPING)
                 and not p.name.startswith(".")]
        return sorted(found, key=lambda p: (source.matches_name(p.name) or 0, p.name))

    def require(self, key: str) -> list[Path]:
        files = self.files(key)
        if not files:
            source = self.registry[key]
            raise MissingDataError(
                f"No file for source '{key}' ({source.dataset_id}) in {self.raw}. "
                f"Run `etat-des-lieux data fetch {key}` (needs internet), "
                f"`etat-des-lieux data import PATH` with a downloaded copy, "
                f"or `etat-des-lieux data demo` for the synthetic demo dataset."
            )
        return files

    def verify(self, key: str | None = None) -> list[FileState]:
        """Every stored file of a source (or of all), checked against its record."""
        keys = [key] if key else list(self.registry)
        return [self._state(k, path) for k in keys for path in self.files(k)]

    def _state(self, key: str, path: Path) -> FileState:
        stat = path.stat()
        try:
            record = Provenance.read(path)
        except (OSError, ValueError, TypeError):       # absent or unreadable record
            sha = digests.file_sha256(path)
            return FileState(key, path, self._unrecorded(key, path, sha, stat.st_size), sha, UNRECORDED)
        if record.mtime_ns == stat.st_mtime_ns and record.size == stat.st_size:
            return FileState(key, path, record, record.sha256, "ok")
        sha = digests.file_sha256(path)      # once per (size, mtime): a touched file costs one hash
        return FileState(key, path, record, sha, "ok" if sha == record.sha256 else "modified")

    def _unrecorded(self, key: str, path: Path, sha: str, size: int) -> Provenance:
        source = self.registry[key]
        return Provenance(
            source=key, dataset_id=source.dataset_id, file=path.name, method="inconnue",
            origin="(no provenance record: copied into the data folder by hand?)", retrieved_at="",
            size=size, sha256=sha, licence=source.licence.name, licence_url=source.licence.url,
            url_verified=source.url_verified, layout_verified=source.layout_verified,
            note="Import it with `etat-des-lieux data import PATH` to check it and record its origin.")

    def records(self, key: str | None = None) -> list[Provenance]:
        return [state.record for state in self.verify(key)]

    def millesimes(self, key: str) -> list[int]:
        """The millésimes a source's files hold: from the records, read again from the file when
        it has no record or changed since import (the record would be stale)."""
        years: set[int] = set()
        for state in self.verify(key):
            if state.state == "ok":
                years.update(state.record.millesimes)
            else:
                years.update(read_millesimes(state.path, self.registry[key]))
        return sorted(years)

    def is_demo(self, keys: list[str] | None = None) -> bool:
        return any(r.demo for r in self.records() if keys is None or r.source in keys)

    def fingerprint(self, keys: list[str] | None = None) -> str:
        """Digest of the *content* of the input files (as they are now, not as recorded): changes
        when a file is added, removed, replaced or edited in place."""
        parts = []
        for key in sorted(keys or self.registry):
            parts += [f"{key}/{s.path.name}:{s.sha256}:{s.record.demo}" for s in self.verify(key)]
        return digests.sha(*parts)

    def status(self) -> pd.DataFrame:
        rows = []
        for key, source in self.registry.items():
            states = self.verify(key)
            if not states:
                rows.append({"source": key, "dataset_id": source.dataset_id, "fichier": None,
                             "millesimes": "", "methode": None, "origine": None, "date": None,
                             "taille": None, "sha256": None, "licence": source.licence.key,
                             "demo": False, "disponible": False, "etat": "absent", "forme": ""})
            for s in states:
                r = s.record
                rows.append({"source": key, "dataset_id": r.dataset_id, "fichier": r.file,
                             "millesimes": ", ".join(map(str, r.millesimes)), "methode": r.method,
                             "origine": r.origin, "date": r.retrieved_at, "taille": r.size,
                             "sha256": s.sha256, "licence": r.licence, "demo": r.demo,
                             "disponible": True, "etat": s.label,
                             "forme": forms.FileForm.from_dict(r.form).describe() if r.form else ""})
        return pd.DataFrame(rows)

    # ----------------------------------------------------------------- writing
    def recognise(self, path: Path) -> Source | None:
        """The source a local file is a copy of: by file name first, then by header."""
        source, _ = self.identify(path)
        return source

    def identify(self, path: Path) -> tuple[Source | None, str]:
        """The source of a local file, or None and why it is not one."""
        path = Path(path)
        best: tuple[int, Source] | None = None
        for source in self.registry.values():
            priority = source.matches_name(path.name)
            if priority is not None and (best is None or priority < best[0]):
                best = (priority, source)
        if best:
            return best[1], ""
        if path.suffix.lower() not in TABLE_SUFFIXES:
            return None, "not a known source (neither its name nor its type is one of params/sources.yml)"
        try:
            columns, form = forms.header_columns(path)
        except InputError as err:
            return None, err.message
        for source in self.registry.values():
            if source.format == "csv" and source.matches_header(columns):
                return source, ""
        return None, (f"not a known source: its header ({form.describe()}; "
                      f"{', '.join(columns[:4])}{'…' if len(columns) > 4 else ''}) is none of params/sources.yml")

    def add(self, path: Path, source: Source, *, method: str, origin: str, demo: bool = False,
            note: str = "", target_name: str | None = None,
            checked: Checked | None = None) -> tuple[Provenance, str]:
        """Validate a file (unless ``checked`` says it was), then copy it into the store with its
        provenance.

        Returns (record, added|replaced|unchanged). Raises :class:`InputError` (naming ``path``)
        when the file fails, leaving the store as it was.
        """
        path = Path(path)
        self._check_demo_mix(demo)
        checked = checked or validated(path, source)
        sha = digests.file_sha256(path)
        folder = self.raw / source.key
        name = target_name or path.name
        target = folder / name
        state = "added"
        if target.exists():
            try:
                old = Provenance.read(target)
            except (OSError, ValueError, TypeError):
                old = None
            if old and old.same_content(sha) and old.demo == demo \
                    and digests.file_sha256(target) == old.sha256:
                return old, "unchanged"
            state = "replaced"
            if old:
                note = (note + " " if note else "") + f"Replaces a copy with sha256 {old.sha256[:12]}…"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.tmp"
        transcoded = checked.text is not None and not checked.form.is_utf8
        try:
            if transcoded:
                with open(tmp, "w", encoding="utf-8", newline="") as f:
                    f.write(checked.text)
                note = (note + " " if note else "") + (
                    f"Transcoded from {checked.form.encoding} to UTF-8 (sha256 of the file as received: "
                    f"{sha}).")
            elif path.resolve() != target.resolve():
                _copy(path, tmp)
            else:
                tmp = None
            if tmp is not None:
                tmp.replace(target)
        finally:
            if tmp is not None and tmp.exists():
                tmp.unlink()
        stat = target.stat()
        record = Provenance(
            source=source.key, dataset_id=source.dataset_id, file=target.name, method=method,
            origin=origin, retrieved_at=now_utc(), size=stat.st_size,
            sha256=digests.file_sha256(target) if transcoded else sha,
            licence=source.licence.name if not demo else DEMO_LICENCE,
            licence_url=source.licence.url if not demo else None,
            url_verified=source.url_verified, layout_verified=source.layout_verified, demo=demo,
            millesimes=checked.millesimes, note=note,
            form={**checked.form.to_dict(), **({"encoding": "utf-8", "transcoded_from": checked.form.encoding}
                                               if transcoded else {})},
            original_sha256=sha if transcoded else None, mtime_ns=stat.st_mtime_ns,
        )
        record.write(target)
        return record, state

    def _check_demo_mix(self, demo: bool) -> None:
        held = {s.record.demo for key in self.registry for s in self.verify(key)
                if s.state != UNRECORDED}
        if held and held != {demo}:
            what = "the synthetic demo dataset" if not demo else "real files"
            raise UsageError(
                f"{self.data_dir} holds {what}: demo and real files are never mixed in one data folder.\n"
                f"  → Import real files into {config.home_data_dir()} (the default, without "
                f"--data-dir), the demo into {config.demo_data_dir()} (`etat-des-lieux data demo`).")

    def import_paths(self, paths: list[str | Path], *, demo: bool = False, progress=None) -> ImportReport:
        """Import files and folders of files; per file: added, replaced, unchanged, refused, ignored.

        ``progress(path, source, state, detail)`` is called for each file (``detail``: why it was
        refused or ignored).

        Every path must exist (else :class:`InputError` before anything is imported). A refused
        file does not stop the others; :meth:`ImportReport.check` raises the first refusal.
        """
        report = ImportReport()
        paths = [Path(p) for p in paths]
        for p in paths:
            if not p.exists():
                raise InputError(p, "no such file or folder",
                                 hint="Give the path of an official file downloaded from the portal, "
                                      "or of a folder of them.")
        candidates: list[tuple[Path, bool]] = []
        for p in paths:
            if p.is_dir():
                candidates += [(x, False) for x in sorted(p.rglob("*")) if x.is_file()]
            else:
                candidates.append((p, True))
        for path, explicit in candidates:
            if not explicit and (path.name.endswith(_BOOKKEEPING) or path.name.startswith(".")
                                 or path.suffix.lower() == ".md"):
                continue
            source, why = self.identify(path)
            if source is None:
                report.ignored.append(Refusal(path, why, explicit))
                if progress:
                    progress(path, None, "ignored", why)
                continue
            note = ""
            if (path.parent / "SOURCE.md").exists():
                note = f"Local copy; see {path.parent / 'SOURCE.md'} for its origin."
            try:
                record, state = self.add(path, source, method="demo" if demo else "import",
                                         origin=str(path.resolve()), demo=demo, note=note)
            except InputError as err:
                report.refused.append(Refusal(path, str(err), explicit))
                report.errors.append(err)
                if progress:
                    progress(path, source, "refused", str(err))
                continue
            getattr(report, state).append(record)
            if progress:
                progress(path, source, state, "")
        return report


def _copy(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
