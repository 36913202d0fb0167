"""Every edition in one command: ``etat-des-lieux build --all``.

1. The indicators of every territory are computed once (:func:`analysis.indicators.load`, cached
   in the data folder) *before* any worker starts, together with the cache keys of the editions
   (:mod:`analysis.build.manifest`).
2. Editions whose key matches their manifest and whose outputs are intact are skipped; the
   others go to a pool of worker *processes* (``spawn``; each runs its edition's chapters one
   after the other with papermill, then renders the book). One progress bar counts the
   editions done. By default each worker keeps ONE kernel and client for all its chapters and
   editions, reset before every chapter (:mod:`analysis.build.kernels`): it saves a kernel start,
   the imports and a client handshake per chapter (byte-identical HTML and PDF);
   ``reuse_kernel=False`` (CLI ``--fresh-kernels``) starts a fresh kernel per chapter.
   Within an edition to execute, a chapter already executed with the same inputs is taken
   from jupyter-cache (:mod:`analysis.build.chapter_cache`; not with ``force``); only the main
   process reads and writes that store (SQLite: one writer), workers run the other chapters.
3. A failing edition does not stop the others: failures are collected and reported at the end
   (edition, chapter notebook and cell, as :class:`analysis.build.editions.BuildError` says). An
   error outside a notebook cell (kernel start or death, renderer) gets a second try first.
   The kernels' messages go to ``<edition>/.build.log`` and ``<year>/.noyaux/`` (the last
   run's only).
4. The index of the millésime (``reports/<year>/index.html``) and the exports of the indicators
   of all territories (``indicateurs-<year>.csv`` / ``.xlsx``) are written at the end
   (:mod:`analysis.build.site_index`).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build import chapter_cache as chapter_cache_mod
from analysis.build import kernels, keys
from analysis.build import manifest as cache
from analysis.core import config, territories

DEFAULT_LEVELS = ("france", "region", "academie", "departement")
LOG = ".build.log"


@dataclass
class EditionOutcome:
    territory: str                  # id: "departement:31"
    label: str
    slug: str
    action: str                     # "skip" | "render" | "execute"
    reason: str
    status: str = "pending"         # "built" | "rendered" | "skipped" | "failed" | "planned" (dry run)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class BatchReport:
    year: int
    outcomes: list[EditionOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    index: dict[str, Path] = field(default_factory=dict)

    def by_status(self, status: str) -> list[EditionOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failures(self) -> list[EditionOutcome]:
        return self.by_status("failed")

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        counts = {s: len(self.by_status(s)) for s in ("built", "rendered", "skipped", "failed", "planned")}
        if counts["planned"]:
            to_run = self.by_status("planned")
            return (f"{len(self.outcomes)} éditions {self.year} (simulation) : "
                    f"{sum(o.action == 'execute' for o in to_run)} à exécuter, "
                    f"{sum(o.action == 'render' for o in to_run)} à remettre en page, "
                    f"{counts['skipped']} à jour (cache), {counts['failed']} impossibles")
        return (f"{len(self.outcomes)} éditions {self.year} : {counts['built']} construites, "
                f"{counts['rendered']} remises en page, {counts['skipped']} à jour (cache), "
                f"{counts['failed']} en échec — {self.timings.get('total', 0):.1f} s")


# ----------------------------------------------------------------------------- selection
def parse_levels(levels: Iterable[str] | None) -> tuple[str, ...]:
    """Levels from repeated and/or comma-separated values ("region,academie"), in map order."""
    if not levels:
        return DEFAULT_LEVELS
    wanted = set()
    for value in levels:
        for part in str(value).split(","):
            if part.strip():
                wanted.add(territories._parse_level(part.strip()))
    return tuple(level for level in territories.LEVELS if level in wanted)


def select_editions(year: int, levels: Iterable[str] | None = None,
                    within: str | None = None) -> list[territories.Territory]:
    """Editions of the chosen levels (largest first), optionally only those inside ``within``.

    ``within`` itself is included when its level is among the chosen ones.
    """
    vintage = territories.vintage_for_year(year)
    chosen = parse_levels(levels)
    if within is None:
        return [t for level in chosen for t in territories.list_territories(level, vintage)]
    outer = territories.parse_territory(within, vintage)
    selected = [outer] if outer.level in chosen else []
    depth = territories.LEVELS.index(outer.level)
    for level in chosen:
        if territories.LEVELS.index(level) > depth:
            selected += territories.children(outer, level)
    return selected


# ----------------------------------------------------------------------------- worker
def _work(task: dict) -> dict:
    """Build one edition in a worker process. Never raises: returns outputs or the error."""
    from analysis.build import editions as pipeline

    os.environ.pop("MPLBACKEND", None)
    edition = pipeline.edition_for(task["territory"], task["year"], task["out_dir"])
    edition.folder.mkdir(parents=True, exist_ok=True)
    # The kernels' own chatter (stderr of the worker, inherited) goes to the edition's log,
    # not through the progress bar.
    log = open(edition.folder / LOG, "w", encoding="utf-8")
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        first = None
        for attempt in (1, 2):
            try:
                kernel = None
                run = task.get("chapters", True) if task["action"] == "execute" else False
                if task.get("reuse_kernel") and run:
                    main, _ = pipeline.chapters()
                    kernel = kernels.worker_kernel(main[0].parent, Path(task["out_dir"]) / str(task["year"]) / kernels.LOG_DIR)
                result = pipeline.build_edition(edition, task["data_dir"], threshold=task["threshold"],
                                                formats=task["formats"], meta=task["meta"],
                                                execute=run, kernel=kernel)
                timings = dict(result.timings, **({"nouvel_essai": 1.0} if first else {}))
                return {"outputs": {k: str(v) for k, v in result.outputs.items()}, "timings": timings}
            except pipeline.BuildError as exc:       # a chapter's own error: no second try
                return {"error": str(exc)}
            except Exception as exc:  # noqa: BLE001 - kernel start/death, render: one more try
                where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
                at = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
                first = first or f"{type(exc).__name__}: {exc}{at}"
                traceback.print_exc()                # into the edition's log
                kernels.stop_worker_kernel()
        return {"error": f"{first} (2 essais) — journal : {edition.folder / LOG}"}
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        log.close()


# ----------------------------------------------------------------------------- batch
def build_all(year: int, *, levels: Iterable[str] | None = None, within: str | None = None,
              formats=("html", "pdf"), out_dir: str | Path | None = None,
              data_dir: str | Path | None = None, threshold: int = 5, force: bool = False,
              jobs: int | None = None, progress: bool = True, console=None,
              write_index: bool = True, index_xlsx: bool = True, reuse_kernel: bool = True,
              chapter_cache: bool = True, dry_run: bool = False,
              log: Callable[[str], None] | None = None) -> BatchReport:
    """Build every selected edition of ``year`` (see the module docstring). Returns a report."""
    from analysis import indicators
    from analysis.build import editions as pipeline
    from analysis.sources.store import Store

    say = log or (lambda message: None)
    start = time.perf_counter()
    report = BatchReport(year)
    out_dir = Path(out_dir) if out_dir else config.project_root() / "reports"
    out_dir = out_dir.resolve()
    formats = tuple(dict.fromkeys("pdf" if f == "typst" else f for f in formats))
    store = Store(data_dir)
    selected = select_editions(year, levels, within)

    say(f"indicateurs {year} (tous territoires)")
    step = time.perf_counter()
    results = indicators.load(store, year, threshold=threshold)
    report.timings["indicateurs"] = time.perf_counter() - step

    step = time.perf_counter()
    book = pipeline.load_book()
    context = keys.RunContext.build(store, year, threshold, results, book, config.project_root())
    main, appendices = pipeline.chapters(book)
    present = set(results["territoire"])
    tasks: list[tuple[EditionOutcome, dict, dict]] = []
    editions: dict[str, pipeline.Edition] = {}
    for territory in selected:
        edition = editions[territory.id] = pipeline.Edition(territory, year, out_dir)
        meta = pipeline.render_meta(edition, store)
        inputs = context.inputs(territory, meta)
        executed = [edition.notebooks_dir / nb.name for nb in main + appendices]
        action, reason = cache.decide(edition.folder, inputs, formats, executed, force=force)
        outcome = EditionOutcome(territory.id, territory.label, territory.slug, action, reason)
        if territory.id not in present:
            outcome.status, outcome.error = "failed", f"{territory.label}: aucune ligne dans les indicateurs {year}"
        report.outcomes.append(outcome)
        task = {"territory": territory.id, "year": year, "out_dir": str(out_dir),
                "data_dir": str(store.data_dir), "threshold": threshold, "formats": formats,
                "meta": meta, "action": action, "reuse_kernel": reuse_kernel}
        tasks.append((outcome, task, inputs))
    report.timings["cles"] = time.perf_counter() - step

    todo = [(o, t, i) for o, t, i in tasks if o.action != "skip" and o.status != "failed"]
    for outcome, _, _ in tasks:
        if outcome.action == "skip" and outcome.status != "failed":
            outcome.status = "skipped"
    say(f"{len(selected)} éditions : {len(todo)} à construire, "
        f"{len(selected) - len(todo)} à jour ou en échec")
    if dry_run:                    # what would be done and why; no edition built
        for outcome, _, _ in todo:
            outcome.status = "planned"
        report.timings["total"] = time.perf_counter() - start
        return report

    # Chapters already executed with the same inputs come from jupyter-cache (not with --force).
    step = time.perf_counter()
    chapters_store = (chapter_cache_mod.ExecutedChapters(out_dir / chapter_cache_mod.FOLDER)
                      if chapter_cache and any(o.action == "execute" for o, _, _ in todo) else None)
    for outcome, task, inputs in todo:
        if outcome.action != "execute":
            continue
        edition = editions[outcome.territory]
        params = pipeline.parameters(edition, store.data_dir, threshold)
        digest = chapter_cache_mod.inputs_digest(inputs, pipeline.KERNEL)
        targets = {nb: edition.notebooks_dir / nb.name for nb in main + appendices}
        restored, run = chapter_cache_mod.plan(chapters_store, targets.items(), params, digest,
                                               pipeline.KERNEL, reuse=not force)
        task["chapters"] = [nb.name for nb in run]
        task["cache"] = {"digest": digest, "targets": [str(targets[nb]) for nb in run]}
        if restored:
            outcome.reason += f" ; {len(restored)}/{len(targets)} chapitres repris du cache"
    report.timings["cache_chapitres"] = time.perf_counter() - step
    for problem in chapters_store.problems if chapters_store else []:
        say(f"jupyter-cache illisible, chapitre exécuté : {problem}")

    step = time.perf_counter()
    bar = _progress(progress, console, len(selected))
    try:
        if bar:
            bar.advance(len(selected) - len(todo))
        if todo:
            shutil.rmtree(out_dir / str(year) / kernels.LOG_DIR, ignore_errors=True)   # last run's only
            workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
            context_mp = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context_mp) as pool:
                futures = {pool.submit(_work, task): (outcome, task, inputs) for outcome, task, inputs in todo}
                for future in as_completed(futures):
                    outcome, task, inputs = futures[future]
                    try:
                        answer = future.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker
                        answer = {"error": f"worker: {type(exc).__name__}: {exc}"}
                    _finish(outcome, answer, inputs, formats, out_dir / str(year) / outcome.slug)
                    if chapters_store is not None and outcome.status == "built":
                        _keep_chapters(chapters_store, task, outcome)
                    if bar:
                        bar.advance(1, outcome.label)
    finally:
        if bar:
            bar.close()
    report.timings["editions"] = time.perf_counter() - step

    if write_index:
        from analysis.build import site_index as index

        step = time.perf_counter()
        report.index = index.write_all(out_dir / str(year), results, year, xlsx=index_xlsx)
        report.timings["index"] = time.perf_counter() - step
    report.timings["total"] = time.perf_counter() - start
    return report


def _keep_chapters(chapters_store, task: dict, outcome: EditionOutcome) -> None:
    """Store the chapters this edition executed (main process only: one SQLite writer)."""
    start = time.perf_counter()
    for target in task["cache"]["targets"]:
        try:
            chapters_store.store(Path(target), task["cache"]["digest"],
                                 uri=f"{task['year']}/{outcome.slug}/{Path(target).name}")
        except Exception as exc:  # noqa: BLE001 - the edition is built; only reuse is lost
            outcome.reason += f" ; non mis en cache ({Path(target).name} : {exc})"
    outcome.timings["mise_en_cache"] = time.perf_counter() - start


def _finish(outcome: EditionOutcome, answer: dict, inputs: dict, formats, folder: Path) -> None:
    if "error" in answer:
        outcome.status = "failed"
        outcome.error = f"{outcome.label} ({outcome.territory}) : {answer['error']}"
        cache.remove_manifest(folder)          # retried next run; not listed in the index
        return
    outcome.status = "built" if outcome.action == "execute" else "rendered"
    outcome.timings = answer["timings"]
    outputs = {fmt: Path(p) for fmt, p in answer["outputs"].items()}
    outcome.outputs = {fmt: str(p) for fmt, p in outputs.items()}
    record = cache.outputs_record(folder, outputs)
    old = cache.read_manifest(folder)
    if old and old.get("render_key") == keys.render_key(inputs):
        for fmt, entry in old.get("outputs", {}).items():     # other formats still valid
            if fmt not in record and cache.outputs_intact(folder, old, [fmt]):
                record[fmt] = entry
    cache.write_manifest(folder, {
        "territoire": outcome.territory, "libelle": outcome.label, "slug": outcome.slug,
        "execution_key": keys.execution_key(inputs), "render_key": keys.render_key(inputs),
        "inputs": inputs, "timings": outcome.timings, "outputs": record,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "last_action": outcome.action,
    })


class _Bar:
    """One rich progress bar: editions done / total."""

    def __init__(self, console, total: int):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("[bold]éditions"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.description}"), console=console)
        self.progress.start()
        self.task = self.progress.add_task("", total=total)

    def advance(self, n: int, description: str | None = None) -> None:
        if n:
            self.progress.update(self.task, advance=n,
                                 description=description or self.progress.tasks[0].description)

    def close(self) -> None:
        self.progress.stop()


def _progress(enabled: bool, console, total: int):
    return _Bar(console, total) if enabled and total else None


def cli_build_all(year: int, *, levels=None, within=None, formats="html,pdf", out_dir=None,
                  data_dir=None, threshold: int = 5, force: bool = False, jobs: int | None = None,
                  reuse_kernel: bool = True, dry_run: bool = False, console=None, out=None) -> int:
    """``etat-des-lieux build --all``: run :func:`build_all`, print the summary; exit code."""
    from rich.console import Console

    console = console or Console(stderr=True)
    out = out or Console()
    fmts = tuple(f.strip() for f in str(formats).split(",") if f.strip())
    report = build_all(year, levels=levels, within=within, formats=fmts, out_dir=out_dir,
                       data_dir=data_dir, threshold=threshold, force=force, jobs=jobs,
                       reuse_kernel=reuse_kernel, progress=not dry_run, console=console,
                       log=console.log, dry_run=dry_run)
    for outcome in report.outcomes:
        if outcome.status in ("built", "rendered"):
            console.print(f"  [green]{outcome.status:9}[/] {outcome.label} — {outcome.reason}")
        elif outcome.status == "planned":
            out.print(f"  {outcome.action:8} {outcome.territory:24} {outcome.label} — {outcome.reason}",
                      highlight=False)
    if report.index:
        out.print(f"index: {report.index['index']}")
    console.print(report.summary())
    if report.failures:
        console.print(f"[red]{len(report.failures)} édition(s) en échec :[/]")
        for outcome in report.failures:
            console.print(f"  [red]✗[/] {outcome.error}", highlight=False)
        return 1
    return 0
