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

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core import atomic, config, digests
from analysis.core.errors import InputError, MissingDataError, UsageError, french_spaces
from analysis.sources import archives, forms, limits, replacement, spreadsheets
from analysis.sources.import_report import ImportReport, Refusal
from analysis.sources.provenance import SUFFIX, Provenance, now_utc, record_path
from analysis.sources.registry import Source, load_registry
from analysis.sources.validation import Checked, read_millesimes, validated

DEMO_LICENCE = "Données synthétiques de démonstration (aucune valeur officielle)"
#: Suffixes of the store's own bookkeeping files, never data.
_BOOKKEEPING = (SUFFIX, ".part", ".tmp", ".part.json")
#: Extensions a local copy of a table may have (the portals' CSV, JSON and Parquet exports).
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".json", ".parquet", ".xlsx", ".xls", ".ods")
#: The extension of a file by its form (a download is named after the form it came in).
SUFFIX_OF = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "geojson": ".geojson", "xlsx": ".csv"}
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
            raise UsageError(french_spaces(f"le dossier de données {self.data_dir} est un fichier, pas un dossier.\n"
                                           "  → donnez un dossier avec --data-dir (il est créé s'il n'existe pas)."))
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
            raise MissingDataError(french_spaces(
                f"aucun fichier de la source « {key} » ({source.dataset_id}) dans {self.raw}.\n"
                f"  → lancez `etat-des-lieux data fetch {key}` (il faut internet), "
                f"`etat-des-lieux data import CHEMIN` avec une copie téléchargée, "
                f"ou `etat-des-lieux data demo` pour les données de démonstration synthétiques."
            ))
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
        """The source of a local file, or None and why it is not one. A workbook that cannot be read
        as it is raises its :class:`SpreadsheetError` (« exportez en CSV »)."""
        path = Path(path)
        named = self._by_name(path.name)
        if named:
            return named, ""
        if path.suffix.lower() not in TABLE_SUFFIXES:
            return None, ("pas une source connue (ni son nom ni son type ne sont ceux d'une source de "
                          "params/sources.yml)")
        try:
            columns, form = forms.header_columns(path)
        except spreadsheets.SpreadsheetError:
            guess = self._by_name(path.with_suffix(".csv").name)    # its read says « exportez en CSV »
            if guess:
                return guess, ""
            raise                 # a workbook not read as it is: refused (import_paths), not ignored
        except InputError as err:
            return None, err.detail
        for source in self.registry.values():
            if source.format == "csv" and source.matches_header(columns):
                return source, ""
        return None, french_spaces(
            f"pas une source connue : son en-tête ({form.describe()} ; {', '.join(columns[:4])}"
            f"{'…' if len(columns) > 4 else ''}) n'est celui d'aucune source de params/sources.yml")

    def _by_name(self, name: str) -> Source | None:
        """The source whose file name patterns match ``name`` best, if any."""
        best: tuple[int, Source] | None = None
        for source in self.registry.values():
            priority = source.matches_name(name)
            if priority is not None and (best is None or priority < best[0]):
                best = (priority, source)
        return best[1] if best else None

    def add(self, path: Path, source: Source, *, method: str, origin: str, demo: bool = False,
            note: str = "", target_name: str | None = None, checked: Checked | None = None,
            packing: archives.Packing | None = None, accept_fewer: bool = False) -> tuple[Provenance, str]:
        """Validate a file (unless ``checked`` says it was), then copy it into the store with its
        provenance, in place of the copies it replaces (:mod:`analysis.sources.replacement`).

        Returns (record, added|replaced|unchanged); an unchanged file (the same content as a
        stored copy, under any name) returns that copy's record. Raises :class:`InputError`
        (naming ``path``) when the file fails, and :class:`FewerRowsError` when it has fewer rows or
        établissements than what it replaces and ``accept_fewer`` is not given, leaving the store
        as it was. ``packing``: the archive ``path`` was unpacked from.
        """
        path = Path(path)
        self._check_demo_mix(demo)
        checked = checked or validated(path, source)
        sha = digests.file_sha256(path)
        received = packing.sha256 if packing else sha          # the file as the user gave it
        kept = hashlib.sha256(checked.text.encode("utf-8")).hexdigest() if checked.form.stored_as_text else sha
        same = self._same_copy(source.key, (received, kept), demo)
        if same is not None:
            return same, "unchanged"
        target = self.raw / source.key / stored_name(target_name or path.name, checked.form)
        plan = replacement.plan(self.files(source.key), source, checked.keys, target)
        if plan.fewer and not accept_fewer:
            raise replacement.fewer_error(path, plan, source)
        replaced = [_replaced(p) for p in plan.replaced]     # read before the new copy takes the name
        _write(path, target, checked)
        stat = target.stat()
        form = checked.form.to_dict()
        if checked.form.format == "csv" and checked.form.stored_as_text:
            form |= {"encoding": "utf-8", "transcoded_from": checked.form.encoding}
        if packing:
            form |= {"container": packing.container, "member": packing.member}
        as_received = checked.form.stored_as_text or packing is not None
        record = Provenance(
            source=source.key, dataset_id=source.dataset_id, file=target.name, method=method,
            origin=origin, retrieved_at=now_utc(), size=stat.st_size, sha256=kept,
            licence=source.licence.name if not demo else DEMO_LICENCE,
            licence_url=source.licence.url if not demo else None,
            url_verified=source.url_verified, layout_verified=source.layout_verified, demo=demo,
            millesimes=checked.millesimes, note=note, form=form,
            original_sha256=received if as_received else None, mtime_ns=stat.st_mtime_ns,
            replaces=replaced, rows=len(checked.keys) if checked.keys is not None else None,
        )
        record.write(target)
        for old in plan.replaced:
            if old != target:
                old.unlink(missing_ok=True)
                record_path(old).unlink(missing_ok=True)
        return record, "replaced" if plan.replaced else "added"

    def _same_copy(self, key: str, shas: tuple[str, str], demo: bool) -> Provenance | None:
        """The record of a stored copy of ``key`` that is the file, as received or as it would be
        stored (``shas``), if any."""
        received, kept = shas
        for state in self.verify(key):
            record = state.record
            if state.state == "ok" and record.demo == demo and (record.same_content(received)
                                                                or record.sha256 == kept):
                return record
        return None

    def _check_demo_mix(self, demo: bool) -> None:
        held = {s.record.demo for key in self.registry for s in self.verify(key)
                if s.state != UNRECORDED}
        if held and held != {demo}:
            what = "les données de démonstration synthétiques" if not demo else "des fichiers réels"
            raise UsageError(french_spaces(
                f"{self.data_dir} contient {what} : démonstration et fichiers réels ne sont jamais mêlés "
                f"dans un dossier de données.\n"
                f"  → importez les fichiers réels dans {config.home_data_dir()} (le dossier par défaut, sans "
                f"--data-dir), la démonstration dans {config.demo_data_dir()} (`etat-des-lieux data demo`)."))

    def import_paths(self, paths: list[str | Path], *, demo: bool = False, progress=None,
                     accept_fewer: bool = False) -> ImportReport:
        """Import files and folders of files; per file: added, replaced, unchanged, refused, ignored.

        ``progress(path, source, state, detail)`` is called for each file (``detail``: why it was
        refused or ignored, what it replaces or is the same as). A ZIP or gzip file is read as the
        one file it holds (:mod:`analysis.sources.archives`).

        Every path must exist (else :class:`InputError` before anything is imported). A refused
        file does not stop the others; :meth:`ImportReport.check` raises the first refusal.
        """
        report = ImportReport()
        paths = [Path(p) for p in paths]
        for p in paths:
            if not p.exists():
                raise InputError(p, "ce fichier ou ce dossier n'existe pas",
                                 hint="Donnez le chemin d'un fichier officiel téléchargé depuis le portail, "
                                      "ou d'un dossier de tels fichiers.")
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
            try:
                with archives.unpacked(path, self.data_dir, self.unpack_limit,
                                       TABLE_SUFFIXES + (".geojson",)) as (inner, packing):
                    self._import_one(path, inner, packing, explicit, report, progress,
                                     demo=demo, accept_fewer=accept_fewer)
            except InputError as err:              # the archive or workbook itself: its format, its contents
                _tell(report, progress, "refused" if explicit else "ignored", path, None, err, explicit)
        return report

    @property
    def unpack_limit(self) -> int:
        """The largest file an archive may hold: the largest a source accepts."""
        return max(limits.max_bytes(s) for s in self.registry.values())

    def _import_one(self, path: Path, inner: Path, packing, explicit: bool, report: ImportReport, progress, *,
                    demo: bool, accept_fewer: bool) -> None:
        source, why = self.identify(inner)
        if source is None:
            shown = f"{packing.container} contenant {inner.name} : {why}" if packing else why
            _tell(report, progress, "ignored", path, None, shown, explicit)
            return
        note = ""
        if (path.parent / "SOURCE.md").exists():
            note = f"Local copy; see {path.parent / 'SOURCE.md'} for its origin."
        try:
            record, state = self.add(inner, source, method="demo" if demo else "import",
                                     origin=str(path.resolve()), demo=demo, note=note, packing=packing,
                                     accept_fewer=accept_fewer)
        except InputError as err:
            _tell(report, progress, "refused", path, source, err.naming(path) if inner != path else err, explicit)
            return
        getattr(report, state).append(record)
        if progress:
            progress(path, source, state, _what_it_did(state, record, inner))


def _tell(report: ImportReport, progress, state: str, path: Path, source, why, explicit: bool) -> None:
    """Record a file refused (recognised, invalid) or ignored (no source of the report)."""
    reason = str(why)
    if state == "refused":
        report.refused.append(Refusal(path, reason, explicit))
        report.errors.append(why if isinstance(why, InputError) else InputError(path, reason))
    else:
        report.ignored.append(Refusal(path, reason, explicit))
    if progress:
        progress(path, source, state, reason)


def _what_it_did(state: str, record: Provenance, given: Path) -> str:
    """The detail of an import: the copies it replaced, or the copy it is the same as."""
    if state == "replaced":
        others = [r["file"] for r in record.replaces if r["file"] != record.file]
        return f"remplace {', '.join(others)}" if others else ""
    if state == "unchanged" and record.file != given.name:
        return f"même contenu que {record.file}, déjà importé"
    return ""


def stored_name(name: str, form: forms.FileForm) -> str:
    """The name a file is stored under: its own, a workbook's as the CSV it is stored as."""
    return str(Path(name).with_suffix(".csv")) if form.format == "xlsx" else name


def _replaced(path: Path) -> dict:
    """What the record of a new copy says of a file it replaces."""
    try:
        return {"file": path.name, "sha256": Provenance.read(path).sha256}
    except (OSError, ValueError, TypeError):
        return {"file": path.name, "sha256": None}


def _write(path: Path, target: Path, checked: Checked) -> None:
    """Put a file (or the text it was read as) at ``target`` through a temporary file of a
    unique name, so that a reader never sees half a file."""
    if not checked.form.stored_as_text and path.resolve() == target.resolve():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.fchmod(handle, atomic.MODE)                    # as readable as a file copied by hand
    tmp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            if checked.form.stored_as_text:
                out.write(checked.text.encode("utf-8"))
            else:
                with open(path, "rb") as src:
                    while block := src.read(1 << 20):
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
