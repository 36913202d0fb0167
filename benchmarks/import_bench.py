"""Time the import of a national-size annuaire in each export form (prints; not a test).

The whole validation runs at import (header matching, field counts of every row, the schema,
the millésimes and codes), before the file enters the data folder. This times it on the national
demo annuaire (63 059 rows x 69 columns, about the size of the real national export), written in
the forms the portals produce, against a plain ``pandas.read_csv`` of the same file.

Usage: python benchmarks/import_bench.py [DATA_DIR]   (default: the active data folder, whose
       annuaire is used when it has one; else the demo annuaire is generated in a temporary folder)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.core import config
from analysis.sources.schemas import read_checked
from analysis.sources.store import Store

REPEAT = 3


def best_of(fn) -> tuple[float, float]:
    """Best wall and CPU times of REPEAT runs (CPU time: stable on a machine shared with others)."""
    wall, cpu = [], []
    for _ in range(REPEAT):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def annuaire_file(tmp: Path) -> Path:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else config.data_dir()
    found = Store(data).files("annuaire") if (data / "raw").exists() else []
    if found:
        return found[0]
    from analysis.demo import write_demo_files

    write_demo_files(tmp / "demo", seed=2018, years=(2018,))
    return tmp / "demo" / "fr-en-annuaire-education.csv"


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.portal import field_names, typed  # the portal's forms, as the tests build them

    with tempfile.TemporaryDirectory(prefix="import-bench-") as name:
        tmp = Path(name)
        source_file = annuaire_file(tmp)
        labelled = pd.read_csv(source_file, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        rows, mb = len(labelled), source_file.stat().st_size / 1e6
        print(f"annuaire: {source_file} — {rows} rows x {labelled.shape[1]} columns, {mb:.1f} MB")
        forms = {"CSV, labels (use_labels=true)": tmp / "labels.csv"}
        labelled.to_csv(forms["CSV, labels (use_labels=true)"], sep=";", index=False, encoding="utf-8")
        fields = field_names(labelled, "annuaire")
        forms["CSV, field names, CRLF"] = tmp / "fields.csv"
        fields.to_csv(forms["CSV, field names, CRLF"], sep=";", index=False, encoding="utf-8", lineterminator="\r\n")
        forms["CSV, cp1252, comma (spreadsheet)"] = tmp / "cp1252.csv"
        labelled.to_csv(forms["CSV, cp1252, comma (spreadsheet)"], sep=",", index=False, encoding="cp1252",
                        errors="replace")
        forms["JSON export (typed)"] = tmp / "export.json"
        typed(fields).to_json(forms["JSON export (typed)"], orient="records", force_ascii=False)
        forms["Parquet export (typed)"] = tmp / "export.parquet"
        typed(fields).to_parquet(forms["Parquet export (typed)"], index=False)

        registry = Store(tmp / "data").registry
        wall0, cpu0 = best_of(lambda: pd.read_csv(forms["CSV, labels (use_labels=true)"], sep=";", dtype=object,
                                                  keep_default_na=False))
        print(f"\n{'form':36} {'wall':>8} {'CPU':>8} {'CPU x read_csv':>15}")
        print(f"{'pandas.read_csv alone (reference)':36} {wall0:6.2f} s {cpu0:6.2f} s {1:14.1f}")
        for label, path in forms.items():
            wall, cpu = best_of(lambda path=path: read_checked(path, registry["annuaire"]))
            print(f"{label:36} {wall:6.2f} s {cpu:6.2f} s {cpu / cpu0:14.1f}")
        store = Store(tmp / "store")
        start = time.perf_counter()
        store.import_paths([forms["CSV, labels (use_labels=true)"]]).check()
        print(f"\n`data import` of the labelled CSV (validate, copy, sha256, provenance): "
              f"{time.perf_counter() - start:.2f} s ({REPEAT} runs above: best of; this one: once)")


if __name__ == "__main__":
    main()
