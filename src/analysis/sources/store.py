"""The raw data store: immutable copies of official files, each with its provenance record.

Layout: ``<data>/raw/<source key>/<file name>`` and ``<file name>.provenance.json`` beside it.
Files come in three ways, all recorded the same way: ``data fetch`` (download), ``data import``
(local copies of official files, recognised by name or header) and ``data demo`` (synthetic).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.core import config
from analysis.core.errors import InputError, MissingDataError
from analysis.sources.provenance import SUFFIX, Provenance, now_utc, sha256_file
from analysis.sources.registry import Source, load_registry

DEMO_LICENCE = "Données synthétiques de démonstration (aucune valeur officielle)"


@dataclass
class ImportReport:
    added: list[Provenance] = field(default_factory=list)
    replaced: list[Provenance] = field(default_factory=list)
    unchanged: list[Provenance] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)

    @property
    def stored(self) -> list[Provenance]:
        return self.added + self.replaced + self.unchanged


class Store:
    def __init__(self, data_dir: str | Path | None = None, registry: dict[str, Source] | None = None):
        self.data_dir = config.data_dir(data_dir)
        self.raw = self.data_dir / "raw"
        self.registry = registry or load_registry()

    # ----------------------------------------------------------------- reading
    def files(self, key: str) -> list[Path]:
        """Raw files of a source, best name-pattern first (the one readers prefer)."""
        folder = self.raw / key
        if not folder.is_dir():
            return []
        source = self.registry[key]
        found = [p for p in folder.iterdir() if p.is_file() and not p.name.endswith(SUFFIX)
                 and not p.name.endswith(".part")]
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

    def records(self, key: str | None = None) -> list[Provenance]:
        keys = [key] if key else list(self.registry)
        return [Provenance.read(path) for k in keys for path in self.files(k)]

    def is_demo(self, keys: list[str] | None = None) -> bool:
        return any(r.demo for r in self.records() if keys is None or r.source in keys)

    def fingerprint(self, keys: list[str] | None = None) -> str:
        """Hash of the hashes of the input files: changes when any input changes."""
        digest = hashlib.sha256()
        for key in sorted(keys or self.registry):
            for record in self.records(key):
                digest.update(f"{key}/{record.file}:{record.sha256}\n".encode())
        return digest.hexdigest()

    def status(self) -> pd.DataFrame:
        rows = []
        for key, source in self.registry.items():
            records = self.records(key)
            if not records:
                rows.append({"source": key, "dataset_id": source.dataset_id, "fichier": None,
                             "millesimes": "", "methode": None, "origine": None, "date": None,
                             "taille": None, "sha256": None, "licence": source.licence.key,
                             "demo": False, "disponible": False})
            for r in records:
                rows.append({"source": key, "dataset_id": r.dataset_id, "fichier": r.file,
                             "millesimes": ", ".join(map(str, r.millesimes)), "methode": r.method,
                             "origine": r.origin, "date": r.retrieved_at, "taille": r.size,
                             "sha256": r.sha256, "licence": r.licence, "demo": r.demo,
                             "disponible": True})
        return pd.DataFrame(rows)

    # ----------------------------------------------------------------- writing
    def recognise(self, path: Path) -> Source | None:
        """The source a local file is a copy of: by file name first, then by header."""
        best: tuple[int, Source] | None = None
        for source in self.registry.values():
            priority = source.matches_name(path.name)
            if priority is not None and (best is None or priority < best[0]):
                best = (priority, source)
        if best:
            return best[1]
        if path.suffix.lower() in (".csv", ".txt"):
            columns = _header(path, None)
            for source in self.registry.values():
                if source.format == "csv" and source.matches_header(columns):
                    return source
        return None

    def add(self, path: Path, source: Source, *, method: str, origin: str, demo: bool = False,
            note: str = "", target_name: str | None = None) -> tuple[Provenance, str]:
        """Copy a file into the store with its provenance. Returns (record, added|replaced|unchanged)."""
        path = Path(path)
        if source.format == "csv":
            check_header(path, source)
        sha = sha256_file(path)
        folder = self.raw / source.key
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (target_name or path.name)
        state = "added"
        if target.exists():
            old = Provenance.read(target) if (target.parent / (target.name + SUFFIX)).exists() else None
            if old and old.sha256 == sha and old.demo == demo:
                return old, "unchanged"
            state = "replaced"
            if old:
                note = (note + " " if note else "") + f"Replaces a copy with sha256 {old.sha256[:12]}…"
        if path.resolve() != target.resolve():
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        record = Provenance(
            source=source.key, dataset_id=source.dataset_id, file=target.name, method=method,
            origin=origin, retrieved_at=now_utc(), size=target.stat().st_size, sha256=sha,
            licence=source.licence.name if not demo else DEMO_LICENCE,
            licence_url=source.licence.url if not demo else None,
            url_verified=source.url_verified, layout_verified=source.layout_verified, demo=demo,
            millesimes=read_millesimes(target, source), note=note,
        )
        record.write(target)
        return record, state

    def import_paths(self, paths: list[str | Path], *, demo: bool = False,
                     progress=None) -> ImportReport:
        report = ImportReport()
        candidates: list[Path] = []
        for p in map(Path, paths):
            if not p.exists():
                raise InputError(p, "no such file or folder",
                                 hint="Give the path of an official file downloaded from the portal, or of a folder of them.")
            candidates.extend(sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p])
        for path in candidates:
            if path.name.endswith(SUFFIX) or path.suffix.lower() in (".md", ".part"):
                continue
            source = self.recognise(path)
            if source is None:
                report.ignored.append(path)
                continue
            note = ""
            if (path.parent / "SOURCE.md").exists():
                note = f"Local copy; see {path.parent / 'SOURCE.md'} for its origin."
            record, state = self.add(path, source, method="demo" if demo else "import",
                                     origin=str(path.resolve()), demo=demo, note=note)
            getattr(report, state).append(record)
            if progress:
                progress(path, source, state)
        return report


def _header(path: Path, separator: str | None) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        first = f.readline().rstrip("\r\n")
    if separator:
        return first.split(separator)
    for sep in (";", ",", "\t"):
        if sep in first:
            return first.split(sep)
    return [first]


def check_header(path: Path, source: Source) -> list[str]:
    """Fail early, with a hint, when a file named like a source does not look like it."""
    columns = _header(path, source.separator)
    missing = [c for c in source.header if c not in columns]
    if missing:
        hint = "Is this the right file?"
        for sep in (",", "\t", ";"):
            if sep != source.separator and set(source.header) <= set(_header(path, sep)):
                hint = (f"The file is separated by {sep!r}, the official export by "
                        f"{source.separator!r}: download it again with the official separator.")
        raise InputError(path, f"header lacks the {source.key} column(s) {', '.join(missing)} "
                         f"(expected a {source.separator!r}-separated {source.dataset_id} file)",
                         column=missing[0], row=1, hint=hint)
    return columns


def read_millesimes(path: Path, source: Source) -> list[int]:
    column = source.millesime_column
    if not column:
        return []
    values = pd.read_csv(path, sep=source.separator, encoding=source.encoding, usecols=[column],
                         dtype=str, keep_default_na=False)[column]
    years = sorted({int(float(v)) for v in values if v.strip().replace(".", "", 1).isdigit()})
    return years
