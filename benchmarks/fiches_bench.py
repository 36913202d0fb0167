"""Time the fiches établissement on the national demo (63 059 établissements); prints, asserts nothing.

Run: .venv/bin/python benchmarks/fiches_bench.py [DATA_DIR] [--year 2018] [--bundle departement:48]
Without DATA_DIR, the national demo is generated and imported into a temporary folder
(``etat-des-lieux data demo``). The data caches (harmonised tables, indicator tables of 2018 and
2019) are computed first and timed apart: the fiches' cold time starts from warm data caches,
as after any build. Measured: every HTML fiche into an empty folder (cold), the same command
again (unchanged: the key says so), every fiche written again with the same content (``force``,
nothing rewritten), the command ``build --all --fiches`` on the fiches already there (its first run writes the export
« par établissement ») and again (unchanged), the largest page, one fiche's PDF, a territory's
bundle, the export (CSV and xlsx).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the forked writers, the command)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(rows: list, name: str, action):
    wall, cpu = time.perf_counter(), _cpu()
    result = action()
    rows.append((name, time.perf_counter() - wall, _cpu() - cpu))
    print(f"{name:45} wall {rows[-1][1]:7.2f} s   cpu {rows[-1][2]:7.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path)
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--bundle", default="departement:48", help="the territory of the PDF bundle")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fiches-bench-") as tmp:
        data = args.data_dir
        if data is None:
            data = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "analysis", "data", "demo", "--data-dir", str(data)], check=True,
                           stdout=subprocess.DEVNULL)
        from analysis import indicators
        from analysis.core import territories
        from analysis.fiches import batch, bundle, export, listing
        from analysis.fiches.fiche import fiche, prepare
        from analysis.fiches.pdf import write_pdf
        from analysis.harmonise.millesimes import available_years
        from analysis.sources.store import Store

        store = Store(data)
        rows: list = []
        timed(rows, "data caches (harmonised tables, indicators)",
              lambda: [indicators.load(store, y) for y in available_years(store)])
        year_dir = Path(tmp) / "reports" / str(args.year)
        cold = timed(rows, "every HTML fiche, cold", lambda: batch.build_all(store, args.year, year_dir))
        timed(rows, "every HTML fiche, unchanged", lambda: batch.build_all(store, args.year, year_dir))
        command = [sys.executable, "-m", "analysis", "build", "--all", "--fiches", "--year", str(args.year),
                   "-o", str(year_dir.parent), "--data-dir", str(data)]
        timed(rows, "`build --all --fiches` (+ export), first run", lambda: subprocess.run(
            command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        timed(rows, "`build --all --fiches`, unchanged (command)", lambda: subprocess.run(
            command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        again = timed(rows, "every HTML fiche again, same content (force)",
                      lambda: batch.build_all(store, args.year, year_dir, force=True))
        sizes = [p.stat().st_size for p in cold.folder.glob("*.html")]
        m = timed(rows, "prepare (what every fiche reads)", lambda: prepare(store, args.year))
        uai = m.uais[len(m.uais) // 2]
        timed(rows, "one fiche as PDF", lambda: write_pdf([fiche(m, uai)], Path(tmp) / "one.pdf", uai))
        territory = territories.parse_territory(args.bundle)
        members = bundle.members(m.table, territory)
        target = timed(rows, f"bundle {args.bundle} ({len(members)} fiches, PDF)",
                       lambda: bundle.write_bundle(m, territory, year_dir, members))
        for old in year_dir.glob(".etablissements-*.sha256"):
            old.unlink()                                  # the workbook written again, timed
        paths = timed(rows, "export par établissement (CSV + xlsx)", lambda: export.write(m, year_dir))
        print()
        print(f"fiches: {cold.total} written cold, {again.written} rewritten by the forced run")
        print(f"page size: max {max(sizes) / 1000:.1f} kB, mean {sum(sizes) / len(sizes) / 1000:.1f} kB "
              f"(+ {listing.FOLDER}/fiche.css {(cold.folder / 'fiche.css').stat().st_size / 1000:.1f} kB, shared)")
        print(f"bundle: {target.stat().st_size / 1e6:.1f} MB; export: csv {paths['csv'].stat().st_size / 1e6:.1f} MB, "
              f"xlsx {paths['xlsx'].stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
