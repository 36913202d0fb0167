"""Benchmark of ``build --all`` (not a test): cold batch, warm batch, naive baseline.

    .venv/bin/python benchmarks/batch_bench.py --data-dir DATA [--within region:76]
        [--level ...] [--year 2018] [--jobs 2] [--format html,pdf] [--naive 3] [--out DIR]

1. **cold**: ``batch.build_all(force=True)`` of the selection into a fresh reports folder
   (indicators from the data folder's cache, keys, every edition executed and rendered by
   ``--jobs`` worker processes, index and exports);
2. **warm**: the same command again, nothing changed (every edition skipped by the cache);
3. **one département changed**: the answer of one collège of the first département of the
   selection flipped in a copy of the data folder (only that edition and, if selected, its
   parents whose printed headline values move, are rebuilt) — with ``--change``;
   ``--peer-change N``: N answers of the first département flipped on a question whose printed
   share moves (resources for training): its peers' editions (the other départements rank it)
   run their synthèse again, the other chapters from jupyter-cache;
4. ``--fresh``: the cold batch again with a fresh kernel per chapter (``--fresh-kernels``);
   ``--chapter NAME``: the code of one chapter edited (a comment added): every edition runs
   that chapter again and takes the others from jupyter-cache;
5. **naive baseline**: ``--naive`` editions spread evenly over the selection, built one after
   the other, no cache, no parallelism: papermill with its defaults on each chapter (a fresh
   kernel, the notebook saved at every cell) then the renderer (what a shell loop over
   ``papermill`` + ``quarto render`` does); extrapolated to the whole selection.

Runs on a snapshot of the project's package, chapters and ``_quarto.yml`` (copied at start).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def snapshot(target: Path) -> Path:
    """Copy the package, the chapters, _quarto.yml and params: teammates edit the checkout
    while the benchmark runs, and any change of code would (rightly) rebuild every edition."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "src" / "analysis", target / "src" / "analysis", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", target / "notebooks", ignore=ignore)
    shutil.copytree(ROOT / "params", target / "params", ignore=ignore)
    shutil.copy2(ROOT / "_quarto.yml", target / "_quarto.yml")
    os.environ["ETAT_DES_LIEUX_ROOT"] = str(target)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target / "src"), os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, str(target / "src"))
    return target


WORK = Path()
if __name__ == "__main__":               # not in the spawned workers (they import this file)
    WORK = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    snapshot(WORK / "projet")

from rich.console import Console  # noqa: E402

from analysis import indicators  # noqa: E402
from analysis.build import batch  # noqa: E402
from analysis.build import editions as pipeline  # noqa: E402
from analysis.build.execution import Execution  # noqa: E402
from analysis.build.options import BuildOptions  # noqa: E402
from analysis.cli.build_report import ConsoleObserver, failure_text, summary  # noqa: E402
from analysis.sources.store import Store  # noqa: E402


def naive(specs: list[str], year: int, data_dir: Path, out_dir: Path, formats) -> list[float]:
    """papermill then render, one edition after another, no cache: seconds per edition."""
    import papermill as pm

    from analysis.render import render_book

    store = Store(data_dir)
    book = pipeline.load_book()
    main, appendices = pipeline.chapters(book)
    times = []
    for spec in specs:
        start = time.perf_counter()
        edition = pipeline.edition_for(spec, year, out_dir)
        params = pipeline.parameters(edition, store.data_dir, 5)
        targets = {nb: edition.notebooks_dir / nb.name for nb in main + appendices}
        for nb, target in targets.items():       # papermill's defaults: fresh kernel, saves
            target.parent.mkdir(parents=True, exist_ok=True)
            pm.execute_notebook(str(nb), str(target), parameters=params, kernel_name="python3",
                                cwd=str(nb.parent), progress_bar=False)
        render_book([targets[nb] for nb in main], edition.folder, edition.basename, formats=formats,
                    appendices=[targets[nb] for nb in appendices],
                    meta=pipeline.render_meta(edition, store), book=book)
        times.append(time.perf_counter() - start)
        print(f"  naive {spec}: {times[-1]:.1f} s", flush=True)
    return times


def change_first_departement(data_dir: Path, workdir: Path, selection, column: str = "SiVisioConferenc",
                             count: int = 1) -> str | None:
    """Flip ``count`` oui/non answers to ``column`` of collèges of the first département (with
    answers) selected (the default question feeds no indicator: only the département's data move)."""
    deps = [t for t in selection if t.level == "departement"]
    if not deps:
        return None
    from analysis.core.territories import name_key  # noqa: PLC0415 - same matching as the importer

    store = Store(data_dir)
    source = store.files("etic_2d")[0]
    lines = source.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(";")
    at = {name: i for i, name in enumerate(header)}
    found, flipped = None, 0
    for dep in deps:                                  # the first one with ETIC answers
        for n, line in enumerate(lines[1:], start=1):
            fields = line.rstrip("\r\n").split(";")
            if name_key(fields[at["Departement"]]) == name_key(dep.nom) and fields[at["Code_nature"]] == "340" \
                    and fields[at[column]] == "oui":
                fields[at[column]] = "non"
                lines[n] = ";".join(fields) + line[len(line.rstrip("\r\n")):]
                found, flipped = dep, flipped + 1
                if flipped == count:
                    break
        if found:
            break
    if not found:
        return None
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / source.name).write_text("".join(lines), encoding="utf-8")
    store.import_paths([workdir / source.name], demo=store.is_demo()).check()
    return found.id


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its children that ended: the workers, and
    through them their kernels. Less sensitive than wall time to a machine shared with others."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def edit_chapter(path: Path) -> str:
    """Add a comment to the last code cell of a chapter: its code changed, its output did not."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    cell.source += "\n# modifié pour le banc d'essai"
    nbformat.write(nb, str(path))
    return path.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--level", action="append")
    parser.add_argument("--within")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--format", default="html,pdf")
    parser.add_argument("--naive", type=int, default=3, help="editions of the naive baseline")
    parser.add_argument("--change", action="store_true", help="also time a one-département change")
    parser.add_argument("--peer-change", type=int, default=0,
                        help="also time N answers of one département changed where its printed values move")
    parser.add_argument("--out", type=Path, help="reports folder (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the numbers there")
    parser.add_argument("--chapter", help="also time an edit of this chapter's code (e.g. 05-experimentations.ipynb)")
    parser.add_argument("--renderer", default="builtin", help="builtin (default here: comparable runs) or quarto")
    parser.add_argument("--fresh", action="store_true",
                        help="also time the cold batch with a fresh kernel per chapter")
    args = parser.parse_args()

    formats = tuple(f.strip() for f in args.format.split(","))
    work = WORK
    out = args.out or work / "reports"
    data_dir = work / "data"
    shutil.copytree(args.data_dir, data_dir)           # a copy: --change edits it
    selection = batch.select_editions(args.year, args.level, args.within)
    print(f"{len(selection)} editions, {args.jobs} jobs, formats {formats}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, root {pipeline.config.project_root()}")
    start = time.perf_counter()
    indicators.load(Store(data_dir), args.year)
    numbers = {"editions": len(selection), "jobs": args.jobs, "cpus": os.cpu_count(),
               "formats": list(formats), "indicators_first_load_s": time.perf_counter() - start}

    options = BuildOptions(formats=formats, out_dir=out, data_dir=data_dir, jobs=args.jobs, renderer=args.renderer)
    common = dict(levels=args.level, within=args.within, observer=ConsoleObserver(Console(stderr=True)))
    cpu = cpu_seconds()
    cold = batch.build_all(args.year, replace(options, force=True), **common)
    numbers["cold_cpu_s"] = cpu_seconds() - cpu         # every process of the build, kernels included
    print("cold:", summary(cold), f"— CPU {numbers['cold_cpu_s']:.0f} s", flush=True)
    if args.fresh:
        fresh = batch.build_all(args.year, replace(options, force=True, execution=Execution.FRESH_KERNELS), **common)
        print("cold, fresh kernels:", summary(fresh), flush=True)
        numbers.update(cold_fresh_kernels_s=fresh.timings["total"])
    warm = batch.build_all(args.year, options, **common)
    print("warm:", summary(warm), flush=True)
    numbers.update(cold_s=cold.timings["total"], cold_failed=len(cold.failures),
                   cold_timings=cold.timings, warm_s=warm.timings["total"], warm_timings=warm.timings,
                   failures=[failure_text(o.failure) for o in cold.failures])
    built = [o for o in cold.outcomes if o.status == "built"]
    if built:
        numbers["per_edition_in_worker_s"] = sum(o.timings.get("notebooks", 0) + o.timings.get("rendu", 0)
                                                 for o in built) / len(built)
    if args.change:
        changed = change_first_departement(data_dir, work / "modifie", selection)
        after = batch.build_all(args.year, options, **common)
        rebuilt = [o.territory for o in after.outcomes if o.status in ("built", "rendered")]
        print(f"one département changed ({changed}):", summary(after), "rebuilt:", rebuilt, flush=True)
        numbers.update(change_s=after.timings["total"], change_departement=changed, change_rebuilt=rebuilt,
                       change_failures=[failure_text(o.failure) for o in after.failures])
        for o in after.failures:
            print("  FAILED", failure_text(o.failure), flush=True)

    if args.peer_change:
        changed = change_first_departement(data_dir, work / "modifie-pairs", selection,
                                           column="TpRess_ResEntrainement", count=args.peer_change)
        after = batch.build_all(args.year, options, **common)
        rebuilt = [o for o in after.outcomes if o.status in ("built", "rendered")]
        executed = sum(1 for o in rebuilt for k in o.timings if k.startswith("chapitre "))
        print(f"{args.peer_change} answers of {changed} changed (its peers rank it):", summary(after),
              f"— {len(rebuilt)} editions rebuilt, {executed} chapters executed", flush=True)
        numbers.update(peer_change_s=after.timings["total"], peer_change_departement=changed,
                       peer_change_rebuilt=len(rebuilt), peer_change_chapters_executed=executed,
                       peer_change_failures=[failure_text(o.failure) for o in after.failures])

    if args.chapter:
        edited = edit_chapter(work / "projet" / "notebooks" / args.chapter)
        after = batch.build_all(args.year, options, **common)
        executed = sum(1 for o in after.outcomes for k in o.timings if k.startswith("chapitre "))
        print(f"one chapter changed ({edited}):", summary(after), f"chapters executed: {executed}", flush=True)
        numbers.update(chapter_s=after.timings["total"], chapter_edited=edited, chapter_executed=executed,
                       chapter_timings=after.timings,
                       chapter_failures=[failure_text(o.failure) for o in after.failures])

    if args.naive:
        step = max(1, len(selection) // args.naive)          # evenly spread over the levels
        specs = [t.id for t in selection[step // 2::step][:args.naive]]
        times = naive(specs, args.year, data_dir, work / "naive", formats)
        per = sum(times) / len(times)
        numbers.update(naive_editions=specs, naive_per_edition_s=per,
                       naive_extrapolated_s=per * len(selection),
                       speedup_cold=per * len(selection) / numbers["cold_s"],
                       speedup_cold_fresh_kernels=per * len(selection)
                       / numbers.get("cold_fresh_kernels_s", float("nan")),
                       speedup_warm=per * len(selection) / numbers["warm_s"])
    print(json.dumps({k: v for k, v in numbers.items() if not k.endswith("timings")}, indent=1,
                     ensure_ascii=False, default=str))
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=1, ensure_ascii=False, default=str))
    if not args.out:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
