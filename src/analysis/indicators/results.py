"""The indicator table of a millésime, cached in the data folder: what the report, the exports,
the index page and the command line read, so that they say the same thing of the same row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import cachefiles, digests, perimeters
from analysis.core.statuts import SECRET_THRESHOLD, UNCOVERED, Extent, Statut
from analysis.indicators.catalogue import catalogue
from analysis.indicators.compute import compute, with_evolution
from analysis.indicators.motifs import local_motifs

#: Columns added from :func:`analysis.harmonise.extent.extent_table`: how much of the row's
#: territory the indicator's source family covers, and in how many of its départements.
EXTENT_COLUMNS = ("couverture_donnees", "departements_avec_donnees", "departements_total")
#: What a row of the table has no value for, and why not (:func:`mark_uncovered`).
UNDEFINED_COLUMNS = ("valeur", "numerateur", "denominateur", "taux_nc", "valeur_precedente", "evolution")


def extents(results: pd.DataFrame) -> pd.DataFrame:
    """Per territory id: ``departements_avec_donnees`` (the best covered source) and
    ``departements_total``, the extent of the data over the territory."""
    return results.groupby("territoire")[list(EXTENT_COLUMNS[1:])].max()


def load(store=None, year: int = 2018, *, threshold: int = SECRET_THRESHOLD,
         refresh: bool = False) -> pd.DataFrame:
    """Every indicator for every territory of a millésime, with the change since the previous one.

    Cached in ``<data>/processed/indicateurs-<year>.parquet``, rebuilt when an input file, the
    catalogue or the code changes (a damaged cache is discarded with a notice). Adds a ``demo``
    column (True when built on demo data), the data extent of each row's territory for its
    source (:data:`EXTENT_COLUMNS`: complète, partielle or aucune) and ``motif``; a row of a
    territory the data do not cover is « n.d. » (:func:`mark_uncovered`).

    Raises :class:`~analysis.core.errors.MillesimeError` or
    :class:`~analysis.core.errors.MissingDataError` for a millésime without data, before any work.
    """
    from analysis.harmonise.millesimes import available_years, check_millesime
    from analysis.harmonise.table import etablissements_key, load_etablissements
    from analysis.sources.store import Store

    store = store or Store()
    year = check_millesime(store, year)
    declared = [p for p in perimeters.declared() if isinstance(p, perimeters.Perimeter)]
    key = digests.sha(etablissements_key(store), digests.stage_digest("indicators"), perimeters.digest(),
                      f"{year}:{threshold}")
    name = f"indicateurs-{year}"
    cached = None if refresh else cachefiles.read(store.data_dir, name, key)
    if cached is not None:
        return cached[0]
    table, _ = load_etablissements(store, year)
    current = compute(table, year=year, threshold=threshold, perimeters=declared)
    previous = None
    earlier = [y for y in available_years(store) if y < year]
    if earlier:
        prev_table, _ = load_etablissements(store, earlier[-1])
        previous = compute(prev_table, year=earlier[-1], threshold=threshold, perimeters=declared)
    results = with_evolution(current, previous)
    results["demo"] = store.is_demo()
    results = local_motifs(mark_uncovered(with_extent(results, table, year, declared)), store, year)
    return cachefiles.write(store.data_dir, name, results, {"key": key})


def with_extent(results: pd.DataFrame, table: pd.DataFrame, year: int, perimeters=()) -> pd.DataFrame:
    """Add :data:`EXTENT_COLUMNS` to the indicator rows (by territory and indicator source family)."""
    from analysis.harmonise.extent import extent_table

    extent = extent_table(table, year, perimeters).set_index(["territoire", "famille"])
    family = results["indicateur"].map({i: ind.extent_family for i, ind in catalogue().items()})
    index = pd.MultiIndex.from_arrays([results["territoire"], family])
    out = results.copy()
    for column in EXTENT_COLUMNS:
        out[column] = extent[column].reindex(index).to_numpy()
    return out


def mark_uncovered(results: pd.DataFrame) -> pd.DataFrame:
    """The table with every row of a territory the data do not cover read as « n.d. ».

    A row whose territory has no data from the indicator's source family (``couverture_donnees``
    aucune) while that indicator has establishments elsewhere is neither « sans objet », nor « non
    communiqué », nor a figure (0 % of the départements of an uncovered région, a level outside
    the questionnaire…): its data are missing. Whatever its kind and statut, it gets statut absent,
    ``motif`` :data:`~analysis.core.statuts.UNCOVERED` and no value, rate or change. A row already
    absent keeps its own reason (a source absent this millésime); a source absent everywhere keeps
    its rows as they are. Returns a copy with a ``motif`` column (empty elsewhere).
    """
    out = results.copy()
    if "motif" not in out:
        out["motif"] = pd.Series(pd.NA, index=out.index, dtype="object")
    if "couverture_donnees" not in out or out.empty:
        return out
    absent = out["statut"].eq(Statut.ABSENT)
    somewhere = ((out["univers"].fillna(0) > 0) & ~absent).groupby([out["indicateur"], out["type"]]).transform("any")
    uncovered = out["couverture_donnees"].eq(Extent.NONE) & ~absent & somewhere
    out.loc[uncovered, "statut"] = Statut.ABSENT.value
    out.loc[uncovered, "motif"] = UNCOVERED
    for column in [c for c in UNDEFINED_COLUMNS if c in out]:
        out.loc[uncovered, column] = np.nan
    if "non_communique" in out:
        out["non_communique"] = out["non_communique"].astype("Int64").mask(uncovered)
    return out
