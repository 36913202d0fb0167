"""The indicator table of a millésime, cached in the data folder (what chapters and exports read)."""

from __future__ import annotations

import pandas as pd

from analysis.core import cachefiles, digests, perimeters
from analysis.indicators.catalogue import SECRET_THRESHOLD, catalogue
from analysis.indicators.compute import compute, with_evolution

#: Columns added from :func:`analysis.harmonise.coverage.coverage_table`: how many of the row's
#: territory's départements have data from the indicator's source, and the resulting statut.
COVERAGE_COLUMNS = ("couverture_donnees", "departements_avec_donnees", "departements_total")


def extents(results: pd.DataFrame) -> pd.DataFrame:
    """Per territory id: ``departements_avec_donnees`` (the best covered source) and
    ``departements_total``, the extent of the data over the territory."""
    return results.groupby("territoire")[list(COVERAGE_COLUMNS[1:])].max()


def load(store=None, year: int = 2018, *, threshold: int = SECRET_THRESHOLD,
         refresh: bool = False) -> pd.DataFrame:
    """Every indicator for every territory of a millésime, with the change since the previous one.

    Cached in ``<data>/processed/indicateurs-<year>.parquet``, rebuilt when an input file, the
    catalogue or the code changes (a damaged cache is discarded with a notice). Adds a ``demo``
    column (True when built on demo data) and the data coverage of each row's territory for its
    source (:data:`COVERAGE_COLUMNS`: ``complète``, ``partielle`` or ``aucune``).

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
    folder = store.data_dir / "processed"
    parquet, meta = folder / f"indicateurs-{year}.parquet", folder / f"indicateurs-{year}.json"
    cached = None if refresh else cachefiles.read(parquet, meta, key)
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
    results = with_coverage(results, table, year, declared)
    return cachefiles.write(parquet, meta, results, {"key": key})


def with_coverage(results: pd.DataFrame, table: pd.DataFrame, year: int, perimeters=()) -> pd.DataFrame:
    """Add :data:`COVERAGE_COLUMNS` to the indicator rows (by territory and indicator source)."""
    from analysis.harmonise.coverage import coverage_table

    coverage = coverage_table(table, year, perimeters).set_index(["territoire", "famille"])
    family = results["indicateur"].map({i: ind.coverage_family for i, ind in catalogue().items()})
    index = pd.MultiIndex.from_arrays([results["territoire"], family])
    out = results.copy()
    for column in COVERAGE_COLUMNS:
        out[column] = coverage[column].reindex(index).to_numpy()
    return out
