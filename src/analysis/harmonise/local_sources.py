"""Local sources (declared in ``params/sources/*.yml``, :mod:`analysis.sources.declared`) joined to
the harmonised table: one group of files gives a few columns per establishment and millésime.

For a group (e.g. ``label_numerique``, three files: collèges, lycées, écoles):

- each file fills the table's columns named in its ``join.columns`` for the establishments of
  its ``join.coverage`` (types of establishment, and départements, académies or régions), from
  its rows of the millésime; a covered establishment the file does not list gets
  ``join.absent`` (e.g. "0": not labelled), so that the file speaks for its whole coverage;
- ``couvert_<group>`` tells the establishments some file of the group covers this millésime:
  the universe of the group's indicators (``universe: {source: <group>}``); outside it a
  figure is "n.d." (the source does not cover the territory), never 0;
- an undated file (``millesime: sans date``) cannot be placed in a millésime: it is left out
  and said so; rows whose UAI is not in the table are counted.
"""

from __future__ import annotations

import pandas as pd

from analysis.core import territories
from analysis.core.formatting import UNIT_SEP, plural
from analysis.sources import declared

COVERED = "couvert_{group}"
COLON = UNIT_SEP + ":"


def _listed(uais: list[str], shown: int = 5) -> str:
    """The first UAIs of a list, "…" when there are more (as the other notes of the report)."""
    return ", ".join(uais[:shown]) + (", …" if len(uais) > shown else "")


def groups(registry) -> dict[str, list]:
    """Declared sources with a ``join``, by group (registry order)."""
    out: dict[str, list] = {}
    for source in registry.values():
        if source.join is not None:
            out.setdefault(source.join.group, []).append(source)
    return out


def coverage_mask(table: pd.DataFrame, coverage: declared.Extent, vintage: str) -> pd.Series:
    """The establishments of the table inside a file's declared coverage."""
    mask = pd.Series(True, index=table.index)
    if coverage.types:
        mask &= table["type"].isin(coverage.types)
    if coverage.secteur:
        mask &= table["secteur"].eq(coverage.secteur)
    places = coverage.departement_codes(vintage)
    if places is not None:
        mask &= table["departement"].isin(places)
    return mask


def join(table: pd.DataFrame, year: int, registry, read, report) -> None:
    """Add the columns of every local group to ``table`` (see the module docstring).

    ``read(source)``: the source's files read and validated (list of frames, declared names).
    """
    vintage = territories.vintage_for_year(year)
    for group, sources in groups(registry).items():
        covered = pd.Series(False, index=table.index)
        for source in sources:
            spec = source.join
            for _, name in spec.columns:
                if name not in table:
                    table[name] = pd.Series(pd.NA, index=table.index, dtype="object")
            frames = read(source)
            if not frames:
                continue
            column = source.millesime_column
            if column is None:
                lines = sum(len(f) for f in frames)
                report.notes.append(f"{source.title}{COLON} fichier non daté, qui n'est rattaché à aucun "
                                    f"millésime ({plural(lines, 'ligne écartée', 'lignes écartées')}).")
                continue
            rows = pd.concat(frames, ignore_index=True)
            years = pd.to_numeric(rows[column].str.replace(r"\.0*$", "", regex=True), errors="coerce")
            rows = rows[years == year]
            if rows.empty:
                continue
            rows = rows.assign(uai=rows["uai"].str.strip().str.upper()).drop_duplicates("uai").set_index("uai")
            inside = coverage_mask(table, spec.coverage, vintage)
            unmatched = sorted(rows.index[~rows.index.isin(table["uai"])])
            if unmatched:
                report.notes.append(f"{source.title} {year}{COLON} {plural(len(unmatched), 'ligne', 'lignes')} "
                                    f"sans établissement correspondant dans le périmètre du millésime "
                                    f"({_listed(unmatched)}).")
            outside = sorted(rows.index[~rows.index.isin(table.loc[inside, "uai"]) & rows.index.isin(table["uai"])])
            if outside:
                kept = plural(len(outside), "non retenu", "non retenus", with_number=False)
                report.notes.append(f"{source.title} {year}{COLON} "
                                    f"{plural(len(outside), 'établissement', 'établissements')} hors de la "
                                    f"couverture déclarée de la source, {kept} ({_listed(outside)}).")
            for raw, name in spec.columns:
                values = table.loc[inside, "uai"].map(rows[raw].replace("", None))
                if spec.absent is not None:
                    values = values.fillna(spec.absent)
                table.loc[inside, name] = values
            covered |= inside
        table[COVERED.format(group=group)] = covered.to_numpy()
