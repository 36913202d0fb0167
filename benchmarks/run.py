"""Run the benchmarks one after the other (``make bench``); prints, asserts nothing.

    .venv/bin/python benchmarks/run.py [--data-dir DATA] [--full] [--batch-only]

Without ``--data-dir``, the benchmarks run on the national demo dataset, generated and imported
into a temporary folder (``etat-des-lieux data demo``). The batch benchmark runs on the 16 editions of
région académique 76 (about 2 minutes); ``--full`` runs it on all 149 editions of 2018 with
every scenario (about 20 minutes; the numbers of ``benchmarks/README.md``). It ends with the
batch's cold and warm times beside those recorded in ``benchmarks/recorded.json`` (the numbers of
``benchmarks/README.md``) and their ratio; ``--batch-only`` runs the batch and that comparison only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The batch's times recorded in benchmarks/README.md, by selection: what `make bench` compares with.
RECORDED = HERE / "recorded.json"


def step(title: str, script: str, *args: str) -> None:
    print(f"\n=== {title} ===", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)
    print(f"--- {script}: {time.perf_counter() - start:.1f} s", flush=True)


def guard(numbers: dict, selection: str) -> None:
    """The batch's cold and warm times beside those recorded, and their ratio: a feature that
    costs 60 % shows the day it lands."""
    recorded = json.loads(RECORDED.read_text(encoding="utf-8")).get(selection) if RECORDED.exists() else None
    phases = numbers.get("cold_timings") or {}
    if phases:   # where the cold run's time went, step by step of the main process (the tail: index)
        print("\ncold run, by step: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()))
    print(f"\n=== against {RECORDED.name} ({selection}) ===")
    if recorded is None:
        print(f"nothing recorded for {selection}: add its numbers to {RECORDED} and benchmarks/README.md")
        return
    print(f"recorded {recorded['measured']} on {recorded['machine']}")
    for name in ("cold_s", "cold_cpu_s", "warm_s"):
        if name in recorded and name in numbers:
            ratio = numbers[name] / recorded[name]
            flag = "  <-- slower by more than 20 %" if ratio > 1.2 else ""
            print(f"  {name:11} recorded {recorded[name]:7.1f} s   now {numbers[name]:7.1f} s"
                  f"   ratio {ratio:4.2f}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a data folder (default: a fresh demo dataset)")
    parser.add_argument("--full", action="store_true", help="batch of all 149 editions, every scenario")
    parser.add_argument("--batch-only", action="store_true", help="the batch and the guard only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        data = args.data_dir
        if not args.batch_only:
            step("national demo dataset (generation, calibration)", "demo_bench.py", "--repeat", "1")
        if data is None:
            data = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "analysis", "data", "demo", "--data-dir", str(data)],
                           check=True, stdout=subprocess.DEVNULL)
        if not args.batch_only:
            step("import of a national-size annuaire, every export form", "import_bench.py", str(data))
            step("renderer (synthetic book)", "render_bench.py")
            step("harmonised table and indicators", "indicators_bench.py", str(data))
            step("report layer (charts, maps, one chapter)", "report_bench.py", str(data))
            step("one edition (France 2018)", "edition_bench.py", "france", "2018", str(data))
            step("explorer of the index page (maps, search)", "explorer_bench.py", "--data-dir", str(data))
            step("fiches établissement (63 059 pages, PDF, bundle, export)", "fiches_bench.py", str(data))
        numbers = Path(tmp) / "batch.json"
        batch = ["--data-dir", str(data), "--jobs", "2", "--json", str(numbers)]
        # The guard times the cold and warm batch only (the naive baseline alone takes minutes).
        batch += ["--naive", "0"] if args.batch_only else \
            ["--naive", "3", "--change", "--chapter", "05-experimentations.ipynb"]
        if not args.full:
            batch += ["--within", "region:76"]
        step("build --all" + ("" if args.full else " --within region:76"), "batch_bench.py", *batch)
        guard(json.loads(numbers.read_text(encoding="utf-8")), "demo-2018-all" if args.full else "demo-2018-region-76")


if __name__ == "__main__":
    main()
