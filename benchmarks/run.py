"""Run the benchmarks one after the other (``make bench``); prints, asserts nothing.

    .venv/bin/python benchmarks/run.py [--data-dir DATA] [--full]

Without ``--data-dir``, the benchmarks run on the national demo dataset, generated and imported
into a temporary folder (``etat-des-lieux data demo``). The batch benchmark runs on the 16 editions of
région académique 76 (about 2 minutes); ``--full`` runs it on all 149 editions of 2018 with
every scenario (about 20 minutes; the numbers of ``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def step(title: str, script: str, *args: str) -> None:
    print(f"\n=== {title} ===", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)
    print(f"--- {script}: {time.perf_counter() - start:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a data folder (default: a fresh demo dataset)")
    parser.add_argument("--full", action="store_true", help="batch of all 149 editions, every scenario")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        step("national demo dataset (generation, calibration)", "demo_bench.py", "--repeat", "1")
        data = args.data_dir
        if data is None:
            data = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "analysis", "data", "demo", "--data-dir", str(data)],
                           check=True, stdout=subprocess.DEVNULL)
        step("import of a national-size annuaire, every export form", "import_bench.py", str(data))
        step("renderer (synthetic book)", "render_bench.py")
        step("harmonised table and indicators", "indicators_bench.py", str(data))
        step("report layer (charts, maps, one chapter)", "report_bench.py", str(data))
        step("one edition (France 2018)", "edition_bench.py", "france", "2018", str(data))
        batch = ["--data-dir", str(data), "--jobs", "2", "--naive", "3", "--change",
                 "--chapter", "05-experimentations.ipynb"]
        if not args.full:
            batch += ["--within", "region:76"]
        step("build --all" + ("" if args.full else " --within region:76"), "batch_bench.py", *batch)


if __name__ == "__main__":
    main()
