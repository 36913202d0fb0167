"""Time the synthetic national demo dataset and print its calibration (target vs achieved).

Run: .venv/bin/python benchmarks/demo_bench.py [--seed 2018] [--years 2018 2019] [--out DIR]
Prints wall-clock and CPU seconds (CPU time is the stable figure on a shared machine), then the
national figures recomputed from the written files with plain pandas.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--years", type=int, nargs="+", default=[2018, 2019])
    parser.add_argument("--out", type=Path, default=None, help="folder to keep the files (default: temporary)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    wall, cpu = time.perf_counter(), time.process_time()
    from analysis.demo import generate_demo, write_demo_files
    from analysis.demo.calibration import summary
    print(f"import                 wall {time.perf_counter() - wall:6.2f} s   cpu {time.process_time() - cpu:6.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        for run in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            data = generate_demo(args.seed, tuple(args.years))
            gen_wall, gen_cpu = time.perf_counter() - wall, time.process_time() - cpu
            wall, cpu = time.perf_counter(), time.process_time()
            files = write_demo_files(out, seed=args.seed, years=tuple(args.years))
            print(f"run {run + 1}: generate      wall {gen_wall:6.2f} s   cpu {gen_cpu:6.2f} s")
            print(f"run {run + 1}: generate+write wall {time.perf_counter() - wall:6.2f} s   "
                  f"cpu {time.process_time() - cpu:6.2f} s")
        for key, frame in data.frames.items():
            print(f"  {key:<17} {len(frame):>7} rows x {frame.shape[1]} columns")
        print(f"  {sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {len(files)} files")

        table = summary(out)
        with pd.option_context("display.max_rows", 500, "display.width", 160):
            print(table.to_string(index=False))


if __name__ == "__main__":
    main()
