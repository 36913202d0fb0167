"""A file checked against its source before it enters the store: the whole schema for tables, the
structure for GeoJSON. The error names the user's own file (:class:`InputError`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.errors import InputError
from analysis.sources import forms
from analysis.sources.registry import Source


@dataclass
class Checked:
    """A file that passed its source's whole validation: its form, millésimes, decoded text."""

    form: forms.FileForm
    millesimes: list[int]
    text: str | None = None


def validated(path: Path, source: Source) -> Checked:
    """Run a source's whole validation on a file (the schema for tables, the structure for
    GeoJSON). Raises :class:`InputError` naming ``path``."""
    path = Path(path)
    if source.format == "geojson":
        return Checked(_check_geojson(path, source), [])
    from analysis.sources.schemas import read_checked  # pandera: imported only when files are read

    table = read_checked(path, source)
    column = source.millesime_column
    years: list[int] = []
    if column:
        values = pd.to_numeric(table.frame[column].str.replace(r"\.0*$", "", regex=True), errors="coerce")
        years = sorted(int(y) for y in values.dropna().unique())
    return Checked(table.form, years, table.text)


def _check_geojson(path: Path, source: Source) -> forms.FileForm:
    form = forms.sniff(path)
    if form.format != "geojson":
        raise InputError(path, f"is a {forms.NAMES.get(form.format, form.format)} file, not GeoJSON",
                         hint=f"Download {source.filename} again ({source.page}).")
    try:
        with open(path, encoding="utf-8-sig") as f:
            doc = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"is not valid GeoJSON ({exc}): cut short?",
                         row=getattr(exc, "lineno", None),
                         hint=f"Download {source.filename} again ({source.page}).") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise InputError(path, "has no features (expected a GeoJSON FeatureCollection)",
                         hint=f"Download {source.filename} again ({source.page}).")
    for n, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        absent = [c for c in source.header if c not in properties]
        if absent or not (feature or {}).get("geometry"):
            raise InputError(path, f"feature {n} lacks " + (f"the properties {', '.join(absent)}"
                                                             if absent else "a geometry"),
                             hint=f"Is this {source.title}? Download {source.filename} again ({source.page}).")
    return form


_MILLESIMES: dict[tuple, list[int]] = {}


def read_millesimes(path: Path, source: Source) -> list[int]:
    """The millésimes of a stored file, read from the file (imports record them in the
    provenance); once per file version and process."""
    stat = Path(path).stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, source.key)
    if key not in _MILLESIMES:
        _MILLESIMES[key] = validated(path, source).millesimes
    return _MILLESIMES[key]
