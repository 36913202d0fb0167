"""What identifies a row of a source's table (an établissement, for a millésime…), and the keys
of a file's rows, read from a checked table or from a stored copy.

Two files of one source must never hold the same key: the harmonised table would count an
établissement twice, or keep one of two answers by the order of the files. The keys are also
what a new copy of a source is compared on with the copy it replaces
(:mod:`analysis.sources.replacement`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.core.errors import InputError

#: The columns that identify a row of each schema (unique within a file); the first is the UAI.
KEYS = {"etic_2d": ("Code_UAI", "Millesime"), "etic_1d": ("Code_UAI", "Millesime"),
        "annuaire": ("Identifiant_de_l_etablissement",), "geolocalisation": ("numero_uai",),
        "couverture": ("uai", "millesime"), "experimentations": ("uai", "millesime", "programme")}
DECLARED = "declared"          # analysis.sources.declared.SCHEMA (not imported: pandera)


def key_columns(source) -> tuple[str, ...]:
    """The key columns of a source's table: :data:`KEYS`, or for a local source its ``uai`` and
    millésime columns; for a boundary file, its first declared property."""
    if source.is_geo:
        return source.header[:1]
    if source.schema == DECLARED:
        return ("uai",) + ((source.millesime_column,) if source.millesime_column else ())
    return KEYS[source.schema]


def table_keys(frame: pd.DataFrame, source) -> pd.DataFrame:
    """The keys of a table's rows as text: the UAI in capitals, a millésime without ``.0``."""
    columns = key_columns(source)
    keys = frame[list(columns)].astype(str).apply(lambda c: c.str.strip())
    keys[columns[0]] = keys[columns[0]].str.upper()
    for column in columns[1:]:
        keys[column] = keys[column].str.replace(r"\.0*$", "", regex=True)
    return keys.reset_index(drop=True)


def geo_keys(doc: dict, source) -> pd.DataFrame:
    """The keys of a GeoJSON's features: the value of the source's first declared property."""
    column = key_columns(source)[0]
    values = [str(((f or {}).get("properties") or {}).get(column, "")) for f in doc.get("features") or []]
    return pd.DataFrame({column: values})


def stored_keys(path: Path, source) -> pd.DataFrame | None:
    """The keys of a stored copy, read as it is now; None when it can no longer be read."""
    from analysis.sources import forms

    try:
        if source.is_geo:
            with open(path, encoding="utf-8-sig") as f:
                return geo_keys(json.load(f), source)
        frame = forms.read_table(path, source.schema).frame
        if source.schema == DECLARED:
            from analysis.sources import declared

            frame = declared.rename(frame, source)
        return table_keys(frame, source)
    except (InputError, OSError, ValueError, KeyError):
        return None
