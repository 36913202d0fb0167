"""The source registry as typed objects: ``params/sources.yml`` (the sources of the national
report) and the files of ``params/sources/`` (sources a region or an office adds, in the same
format; their layout may be declared in the entry itself, :mod:`analysis.sources.declared`)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from analysis.core import config
from analysis.core.errors import RegistryError


@dataclass(frozen=True)
class Licence:
    key: str
    name: str
    url: str | None


@dataclass(frozen=True)
class Source:
    key: str
    dataset_id: str
    title: str
    producer: str
    page: str | None
    urls: tuple[str, ...]
    url_verified: bool
    layout_verified: bool
    licence: Licence
    format: str
    filename: str
    patterns: tuple[str, ...]
    header: tuple[str, ...]
    schema: str
    millesime: str
    role: str
    separator: str = ";"
    encoding: str = "utf-8-sig"
    questionnaire: str | None = None
    sha256: str | None = None        # expected sha256 of a download (a fixed file), when known
    max_size_mb: float | None = None  # the largest file accepted (analysis.sources.limits)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def millesime_column(self) -> str | None:
        """Name of the column holding the millésime, for multi-year files."""
        if self.millesime.startswith("column "):
            return self.millesime.split(" ", 1)[1]
        return None

    @property
    def is_geo(self) -> bool:
        return self.format == "geojson"

    @cached_property
    def join(self):
        """How the harmonised table takes this local source (:class:`analysis.sources.declared.LocalJoin`),
        None for the national sources."""
        from analysis.sources import declared

        entry = self.extra.get("join") if self.schema == declared.SCHEMA else None
        return declared.LocalJoin.from_entry(entry) if entry else None

    def matches_name(self, name: str) -> int | None:
        """Priority (0 = best) of the first pattern matching a file name, else None."""
        for i, pattern in enumerate(self.patterns):
            if fnmatch.fnmatch(name.lower(), pattern.lower()):
                return i
        return None

    def matches_header(self, columns: list[str]) -> bool:
        """The header has this source's identifying columns (labels or field names)."""
        from analysis.sources.layouts import missing

        return bool(self.header) and not missing(columns, self.header, self.schema)


_REQUIRED = ("dataset_id", "title", "licence", "format", "filename", "patterns", "schema", "millesime")


LOCAL_FOLDER = "sources"


def registry_files(path: str | Path | None = None) -> list[Path]:
    """``params/sources.yml`` then the local registry files beside it (``params/sources/*.yml``)."""
    path = Path(path) if path else config.sources_file()
    local = path.parent / LOCAL_FOLDER
    return [path] + (sorted(local.glob("*.yml")) if local.is_dir() else [])


def load_registry(path: str | Path | None = None) -> dict[str, Source]:
    files = registry_files(path)
    stamp = tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0) for f in files)
    return dict(_load_registry(stamp))


@lru_cache(maxsize=4)
def _load_registry(stamp: tuple[tuple[str, int], ...]) -> tuple[tuple[str, Source], ...]:
    docs = []
    for path, _ in stamp:
        try:
            docs.append((path, yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}))
        except FileNotFoundError:
            raise RegistryError(f"registre des sources introuvable : {path}.\n  → lancez la commande depuis "
                                "la racine du projet, ou donnez-la dans ETAT_DES_LIEUX_ROOT.") from None
        except yaml.YAMLError as exc:
            raise RegistryError(f"{path} : YAML invalide : {exc}") from None
    licences = {
        key: Licence(key, value["name"], value.get("url"))
        for _, doc in docs for key, value in (doc.get("licences") or {}).items()
    }
    out, seen = [], {}
    for path, doc in docs:
        for key, entry in (doc.get("sources") or {}).items():
            if key in seen:
                raise RegistryError(f"{path} : la source « {key} » est déjà déclarée dans {seen[key]}")
            seen[key] = path
            out.append((key, _source(key, entry, Path(path), licences)))
    return tuple(out)


def _source(key: str, entry: dict, path: Path, licences: dict[str, Licence]) -> Source:
    """One registry entry as a :class:`Source` (errors name the file and the source)."""
    from analysis.sources import declared

    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise RegistryError(f"{path} : il manque à la source « {key} » : {', '.join(missing)}")
    if entry["licence"] not in licences:
        raise RegistryError(f"{path} : la source « {key} » nomme une licence inconnue, « {entry['licence']} »")
    if entry["schema"] == declared.SCHEMA:
        declared.check_entry(key, entry, path)
    known = set(Source.__dataclass_fields__)
    return Source(
        key=key,
        dataset_id=entry["dataset_id"],
        title=entry["title"],
        producer=entry.get("producer", ""),
        page=entry.get("page"),
        urls=tuple(entry.get("urls") or ()),
        url_verified=bool(entry.get("url_verified", False)),
        layout_verified=bool(entry.get("layout_verified", False)),
        licence=licences[entry["licence"]],
        format=entry["format"],
        filename=entry["filename"],
        patterns=tuple(entry["patterns"]),
        header=tuple(entry.get("header") or ()),
        schema=entry["schema"],
        millesime=str(entry["millesime"]),
        role=entry.get("role", ""),
        separator=entry.get("separator", ";"),
        encoding=entry.get("encoding", "utf-8-sig"),
        questionnaire=entry.get("questionnaire"),
        sha256=entry.get("sha256"),
        max_size_mb=_positive(entry.get("max_size_mb"), key, path),
        extra={k: v for k, v in entry.items() if k not in known},
    )


def _positive(value, key: str, path: Path) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise RegistryError(f"{path} : source « {key} », max_size_mb doit être un nombre positif de Mo "
                            f"(lu : {value!r})")
    return float(value)


def get_source(key: str, registry: dict[str, Source] | None = None) -> Source:
    registry = registry or load_registry()
    try:
        return registry[key]
    except KeyError:
        raise RegistryError(
            f"source inconnue : « {key} ».\n  → sources connues : {', '.join(sorted(registry))}."
        ) from None
