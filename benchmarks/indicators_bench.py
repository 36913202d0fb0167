"""Time the harmonised table and the indicators for every territory of France (prints; not a test).

Usage: python benchmarks/indicators_bench.py [DATA_DIR]   (default: the active data folder)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from analysis import indicators
from analysis.core import config
from analysis.harmonise.millesimes import available_years
from analysis.harmonise.table import build_etablissements
from analysis.sources.store import Store


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else config.data_dir()
    store = Store(data)
    years = available_years(store)
    print(f"data: {store.data_dir} (demo: {store.is_demo()}), millésimes {years}")
    total = 0.0
    for year in years:
        start = time.perf_counter()
        table, _ = build_etablissements(store, year)
        harmonise = time.perf_counter() - start
        start = time.perf_counter()
        results = indicators.compute(table, year=year)
        compute = time.perf_counter() - start
        total += compute
        print(f"{year}: {len(table):>6} établissements | harmonisation {harmonise:5.2f} s | "
              f"indicateurs {compute:5.2f} s → {results['territoire'].nunique()} territoires, "
              f"{len(results)} lignes")
    print(f"indicateurs, tous territoires x {len(years)} millésimes : {total:.2f} s")


if __name__ == "__main__":
    main()
