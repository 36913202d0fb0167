"""The indicator table of a millésime, cached in the data folder (what chapters and exports read)."""

from __future__ import annotations

import pandas as pd

from analysis.core import digests, perimeters
from analysis.indicators.catalogue import SECRET_THRESHOLD
from analysis.indicators.compute import compute, with_evolution


def load(store=None, year: int = 2018, *, threshold: int = SECRET_THRESHOLD,
         refresh: bool = False) -> pd.DataFrame:
    """Every indicator for every territory of a millésime, with the change since the previous one.

    Cached in ``<data>/processed/indicateurs-<year>.parquet``, rebuilt when an input file, the
    catalogue or the code changes. Adds a ``demo`` column (True when built on demo data).
    """
    import json

    from analysis.harmonise.table import _cache_key, available_years, load_etablissements
    from analysis.sources.store import Store

    store = store or Store()
    declared = [p for p in perimeters.declared() if isinstance(p, perimeters.Perimeter)]
    key = digests.sha(_cache_key(store), digests.stage_digest("indicators"), perimeters.digest(),
                      f"{year}:{threshold}")
    folder = store.data_dir / "processed"
    parquet, meta = folder / f"indicateurs-{year}.parquet", folder / f"indicateurs-{year}.json"
    if not refresh and parquet.exists() and meta.exists() \
            and json.loads(meta.read_text()).get("key") == key:
        return pd.read_parquet(parquet)
    table, _ = load_etablissements(store, year)
    current = compute(table, year=year, threshold=threshold, perimeters=declared)
    previous = None
    earlier = [y for y in available_years(store) if y < year]
    if earlier:
        prev_table, _ = load_etablissements(store, earlier[-1])
        previous = compute(prev_table, year=earlier[-1], threshold=threshold, perimeters=declared)
    results = with_evolution(current, previous)
    results["demo"] = store.is_demo()
    folder.mkdir(parents=True, exist_ok=True)
    results.to_parquet(parquet, index=False)
    meta.write_text(json.dumps({"key": key}), encoding="utf-8")
    return results
