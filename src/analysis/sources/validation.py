"""A file checked against its source before it enters the store: the whole schema for tables, the
structure for GeoJSON. The error names the user's own file (:class:`InputError`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.core.errors import InputError
from analysis.sources import forms, row_keys
from analysis.sources.registry import Source


@dataclass
class Checked:
    """A file that passed its source's whole validation: its form, millésimes, decoded text, the
    keys of its rows (:mod:`analysis.sources.row_keys`) and the lines of the empty rows ignored."""

    form: forms.FileForm
    millesimes: list[int]
    text: str | None = None
    keys: pd.DataFrame | None = None
    empty_lines: list[int] = field(default_factory=list)


def validated(path: Path, source: Source) -> Checked:
    """Run a source's whole validation on a file (the schema for tables, the structure for
    GeoJSON). Raises :class:`InputError` naming ``path``."""
    path = Path(path)
    if source.format == "geojson":
        form, doc = _check_geojson(path, source)
        return Checked(form, [], keys=row_keys.geo_keys(doc, source))
    from analysis.sources.schemas import read_checked  # pandera: imported only when files are read

    table = read_checked(path, source)
    column = source.millesime_column
    years: list[int] = []
    if column:
        values = pd.to_numeric(table.frame[column].str.replace(r"\.0*$", "", regex=True), errors="coerce")
        years = sorted(int(y) for y in values.dropna().unique())
    return Checked(table.form, years, table.text, keys=row_keys.table_keys(table.frame, source),
                   empty_lines=table.empty_lines or [])


def _check_geojson(path: Path, source: Source) -> tuple[forms.FileForm, dict]:
    form = forms.sniff(path)
    if form.format != "geojson":
        raise InputError(path, f"est un fichier {forms.NAMES.get(form.format, form.format)}, pas un GeoJSON",
                         hint=f"Téléchargez à nouveau {source.filename} ({source.page}).")
    try:
        with open(path, encoding="utf-8-sig") as f:
            doc = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"n'est pas un GeoJSON valide ({exc}) : coupé ?",
                         row=getattr(exc, "lineno", None),
                         hint=f"Téléchargez à nouveau {source.filename} ({source.page}).") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError(path, "n'a aucun objet (attendu : une FeatureCollection GeoJSON)",
                         hint=f"Téléchargez à nouveau {source.filename} ({source.page}).")
    for n, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        absent = [c for c in source.header if c not in properties]
        if absent or not (feature or {}).get("geometry"):
            raise InputError(path, f"il manque à l'objet {n} " + (f"les propriétés {', '.join(absent)}"
                                                                   if absent else "une géométrie"),
                             hint=f"Est-ce bien « {source.title} » ? Téléchargez à nouveau {source.filename} "
                                  f"({source.page}).")
    return form, doc


_MILLESIMES: dict[tuple, list[int]] = {}


def read_millesimes(path: Path, source: Source) -> list[int]:
    """The millésimes of a stored file, read from the file (imports record them in the
    provenance); once per file version and process."""
    stat = Path(path).stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, source.key)
    if key not in _MILLESIMES:
        _MILLESIMES[key] = validated(path, source).millesimes
    return _MILLESIMES[key]
