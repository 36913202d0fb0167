"""The one build path: ``etat-des-lieux build SPEC`` (one edition) and ``build --all``.

Both go through :func:`build_editions`:

1. The indicators of every territory are computed once (:func:`analysis.indicators.load`, cached
   in the data folder) *before* any worker starts, together with the cache keys of the editions
   (:mod:`analysis.build.keys`).
2. An edition whose keys match its manifest (:mod:`analysis.build.manifest`) and whose outputs
   are intact is skipped; one whose render key alone changed is rendered again; the others are
   executed by worker processes (:mod:`analysis.build.workers`), each keeping ONE kernel for all
   its chapters and editions, reset before every chapter (:mod:`analysis.build.kernels`;
   ``reuse_kernel=False``, CLI ``--fresh-kernels``: a fresh kernel per chapter). A single
   edition to execute has its chapters spread over the workers, then is rendered. Within an
   edition to execute, a chapter already executed with the same inputs is taken from
   jupyter-cache (:mod:`analysis.build.chapter_cache`; not with ``force``); only the main
   process reads and writes that store (SQLite: one writer). Every finished edition writes its
   manifest at once, so that a single ``build`` and a later ``build --all`` share the work, and
   Ctrl-C loses only the editions being built.
3. A failing edition does not stop the others: failures are collected and reported at the end
   (edition, chapter notebook and cell). An error outside a notebook cell (kernel start or
   death, renderer) gets a second try first. The kernels' messages go to
   ``<edition>/.build.log`` and ``<year>/.noyaux/`` (the last run's only).
4. The index of the millésime (``reports/<year>/index.html``) and the exports of the indicators
   of all territories (``indicateurs-<year>.csv`` / ``.xlsx``) are written at the end
   (:mod:`analysis.build.site_index`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.build import chapter_cache as chapter_cache_mod
from analysis.build import editions, editorial, kernels, keys, workers
from analysis.build import manifest as cache
from analysis.core import config, perimeters, territories
from analysis.core.errors import InputError
from analysis.core.formatting import fmt_number, plural

DEFAULT_LEVELS = ("france", "region", "academie", "departement")
LOG = workers.LOG


@dataclass
class EditionOutcome:
    territory: str                  # id: "departement:31"
    label: str
    slug: str
    action: str                     # "skip" | "render" | "execute"
    reason: str
    status: str = "pending"         # "built" | "rendered" | "skipped" | "failed" | "planned" (dry run)
                                    # | "interrupted" | "nodata" (not built: the data do not cover it)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class BatchReport:
    year: int
    renderer: str = "builtin"
    outcomes: list[EditionOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    index: dict[str, Path] = field(default_factory=dict)
    interrupted: bool = False

    def by_status(self, status: str) -> list[EditionOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failures(self) -> list[EditionOutcome]:
        return self.by_status("failed")

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted

    @staticmethod
    def _nodata(counts: dict[str, int]) -> str:
        n = counts["nodata"]
        return f", {n} sans données (non construite{'s' if n > 1 else ''})" if n else ""

    def summary(self) -> str:
        """One line in French, counts agreed: ``13 éditions 2018 : 12 construites, 1 à jour (cache)…``."""
        counts = {s: len(self.by_status(s)) for s in
                  ("built", "rendered", "skipped", "failed", "planned", "interrupted", "nodata")}
        editions = f"{plural(len(self.outcomes), 'édition', 'éditions')} {self.year}"
        if counts["planned"]:
            to_run = self.by_status("planned")
            return (f"{editions} (simulation) : {sum(o.action == 'execute' for o in to_run)} à exécuter, "
                    f"{sum(o.action == 'render' for o in to_run)} à remettre en page, "
                    f"{counts['skipped']} à jour (cache), "
                    f"{plural(counts['failed'], 'impossible', 'impossibles')}" + self._nodata(counts))
        text = (f"{editions} : {plural(counts['built'], 'construite', 'construites')}, "
                f"{plural(counts['rendered'], 'remise en page', 'remises en page')}, "
                f"{counts['skipped']} à jour (cache), {counts['failed']} en échec")
        text += self._nodata(counts)
        if self.interrupted:
            text += f", {plural(counts['interrupted'], 'interrompue', 'interrompues')}"
        return text + f" — {fmt_number(self.timings.get('total', 0), 1)} s"


# ----------------------------------------------------------------------------- selection
def parse_levels(levels: Iterable[str] | None) -> tuple[str, ...]:
    """Levels from repeated and/or comma-separated values ("region,academie"), in map order."""
    if not levels:
        return DEFAULT_LEVELS
    wanted = set()
    for value in levels:
        for part in str(value).split(","):
            if part.strip():
                wanted.add(territories.parse_level(part.strip()))
    return tuple(level for level in territories.LEVELS + (territories.PERIMETRE,) if level in wanted)


def select_editions(year: int, levels: Iterable[str] | None = None,
                    within: str | None = None) -> list[territories.Territory]:
    """Editions of the chosen levels (largest first), optionally only those inside ``within``.

    ``within`` itself is included when its level is among the chosen ones.
    """
    vintage = territories.vintage_for_year(year)
    chosen = parse_levels(levels)
    perimeters = territories.list_territories(territories.PERIMETRE, vintage) \
        if territories.PERIMETRE in chosen else []
    if within is None:
        return [t for level in chosen if level != territories.PERIMETRE
                for t in territories.list_territories(level, vintage)] + perimeters
    outer = territories.parse_territory(within, vintage)
    selected = [outer] if outer.level in chosen else []
    depth = territories.LEVELS.index(outer.level)
    for level in chosen:
        if level != territories.PERIMETRE and territories.LEVELS.index(level) > depth:
            selected += territories.children(outer, level)
    # custom perimeters inside ``within``: those it encloses (through their declared parent)
    return selected + [p for p in perimeters if outer in territories.parents(p)]


def build(spec: str, year: int, **options) -> BatchReport:
    """One edition (``build SPEC``), through the same path, caches and manifest as the batch.

    The index page and the CSV export are written as after a batch; the xlsx workbook of all
    territories (seconds of work) is left to ``build --all`` unless ``index_xlsx=True``.
    """
    options.setdefault("index_xlsx", False)
    territory = territories.parse_territory(spec, territories.vintage_for_year(year))
    if territory.level == territories.PERIMETRE:
        problem = perimeter_problem(territory, year, options.get("data_dir"))
        if problem:
            raise InputError(perimeters.get(territory.code).path, problem,
                             hint="Remove them from the list, or import the annuaire that lists them.")
    return build_editions([territory], year, **options)


def perimeter_problem(territory: territories.Territory, year: int, data_dir) -> str | None:
    """Why a perimeter's edition cannot be built: établissements absent from the data (named)."""
    from analysis.harmonise.table import load_etablissements
    from analysis.sources.store import Store

    found = perimeters.get(territory.code)
    if not found.by_etablissement:
        return None
    missing = found.missing(load_etablissements(Store(data_dir), year)[0])
    if not missing:
        return None
    shown = ", ".join(missing[:10]) + (", …" if len(missing) > 10 else "")
    return (f"{len(missing)} of the {len(found.etablissements)} établissements of {territory.id} are not in the "
            f"data of {year}: {shown}")


def build_all(year: int, *, levels: Iterable[str] | None = None, within: str | None = None,
              **options) -> BatchReport:
    """Every selected edition of ``year`` (``build --all``; see the module docstring)."""
    return build_editions(select_editions(year, levels, within), year, **options)


# ----------------------------------------------------------------------------- the path
def build_editions(selected: list[territories.Territory], year: int, *, formats=("html", "pdf"),
                   out_dir: str | Path | None = None, data_dir: str | Path | None = None,
                   threshold: int = 5, force: bool = False, jobs: int | None = None,
                   progress: bool = True, console=None, write_index: bool = True,
                   index_xlsx: bool = True, reuse_kernel: bool = True, chapter_cache: bool = True,
                   dry_run: bool = False, renderer=None,
                   log: Callable[[str], None] | None = None) -> BatchReport:
    """Build the editions ``selected`` of ``year``. Returns a report (``interrupted`` on Ctrl-C).

    ``renderer``: ``"quarto"``, ``"builtin"``, a :class:`analysis.render.quarto.Renderer`, or
    None (Quarto when a recent one is installed, else builtin).
    """
    from analysis import indicators
    from analysis.indicators.results import extents
    from analysis.render import quarto
    from analysis.sources.store import Store

    say = log or (lambda message: None)
    start = time.perf_counter()
    choice = renderer if isinstance(renderer, quarto.Renderer) else quarto.choose(renderer)
    report = BatchReport(year, renderer=choice.label)
    out_dir = (Path(out_dir) if out_dir else config.project_root() / "reports").resolve()
    formats = tuple(dict.fromkeys("pdf" if f == "typst" else f for f in formats))
    store = Store(data_dir)

    say(f"indicateurs {year} (tous territoires)")
    step = time.perf_counter()
    results = indicators.load(store, year, threshold=threshold)
    report.timings["indicateurs"] = time.perf_counter() - step

    step = time.perf_counter()
    book = editions.load_book()
    main, appendices = editions.chapters(book)
    editorial.check([nb.stem for nb in main + appendices])       # before any work: names the bad file
    context = keys.RunContext.build(store, year, threshold, results, book, config.project_root(),
                                    renderer=choice.label)
    present = set(results["territoire"])
    # the départements with data of each territory (the best covered source): an edition with none
    # would say « Aucune donnée » on every page (the Occitanie files and the other 88 départements)
    with_data = extents(results)["departements_avec_donnees"] if "departements_avec_donnees" in results \
        else pd.Series(dtype=int)
    plans: list[tuple[EditionOutcome, dict, dict]] = []
    for territory in selected:
        if territory.id in present and with_data.get(territory.id, 1) == 0:
            outcome = EditionOutcome(territory.id, territory.label, territory.slug, "skip",
                                     "les données ne couvrent pas ce territoire")
            outcome.status = "nodata"
            report.outcomes.append(outcome)
            continue
        edition = editions.Edition(territory, year, out_dir)
        meta = editions.render_meta(edition, store)
        included = editions.included_chapters(main + appendices, territory.id, results)
        inputs = context.inputs(territory, meta, included)
        executed = [edition.notebooks_dir / name for name in included]
        action, reason = cache.decide(edition.folder, inputs, formats, executed, force=force)
        outcome = EditionOutcome(territory.id, territory.label, territory.slug, action, reason)
        problem = perimeter_problem(territory, year, store.data_dir) \
            if territory.level == territories.PERIMETRE else None
        if territory.id not in present:
            outcome.status, outcome.error = "failed", f"{territory.label}: aucune ligne dans les indicateurs {year}"
        elif problem:
            outcome.status, outcome.error = "failed", f"{territory.label} : {problem}"
        elif action == "skip":
            outcome.status = "skipped"
            recorded = (cache.read_manifest(edition.folder) or {}).get("outputs", {})
            outcome.outputs = {fmt: str(edition.folder / recorded[fmt]["file"]) for fmt in formats if fmt in recorded}
        report.outcomes.append(outcome)
        task = {"territory": territory.id, "year": year, "out_dir": str(out_dir),
                "data_dir": str(store.data_dir), "threshold": threshold, "formats": formats,
                "meta": meta, "chapters": action == "execute", "renderer": choice.name,
                "renderer_label": choice.label, "reuse_kernel": reuse_kernel, "included": included}
        plans.append((outcome, task, inputs))
    report.timings["cles"] = time.perf_counter() - step

    todo = [(o, t, i) for o, t, i in plans if o.status == "pending"]
    say(f"{plural(len(selected), 'édition', 'éditions')} : {len(todo)} à construire, "
        f"{len(selected) - len(todo)} à jour ou en échec")
    if dry_run:                    # what would be done and why; no edition built
        for outcome, _, _ in todo:
            outcome.status = "planned"
        report.timings["total"] = time.perf_counter() - start
        return report

    step = time.perf_counter()
    chapters_store = _restore_chapters(todo, main + appendices, store.data_dir, threshold,
                                       out_dir, force, chapter_cache, say)
    report.timings["cache_chapitres"] = time.perf_counter() - step

    step = time.perf_counter()
    _execute(report, todo, chapters_store, jobs, progress, console, say, out_dir / str(year))
    report.timings["editions"] = time.perf_counter() - step

    if write_index and not report.interrupted:
        from analysis.build import site_index as index

        step = time.perf_counter()
        report.index = index.write_all(out_dir / str(year), results, year, xlsx=index_xlsx)
        report.timings["index"] = time.perf_counter() - step
    report.timings["total"] = time.perf_counter() - start
    return report


def _restore_chapters(todo, notebooks: list[Path], data_dir: Path, threshold: int, out_dir: Path,
                      force: bool, enabled: bool, say):
    """Chapters already executed with the same inputs come from jupyter-cache (not with
    ``force``); each task keeps the list of the chapters still to run. Returns the store."""
    to_execute = [(o, t, i) for o, t, i in todo if o.action == "execute"]
    reads = {nb: editions.chapter_reads(nb) for nb in notebooks}
    store = (chapter_cache_mod.ExecutedChapters(out_dir / chapter_cache_mod.FOLDER)
             if enabled and to_execute else None)
    for outcome, task, inputs in to_execute:
        edition = editions.edition_for(task["territory"], task["year"], out_dir)
        mine = [nb for nb in notebooks if nb.name in task["included"]]
        params = editions.parameters(edition, data_dir, threshold)
        digests = {nb: chapter_cache_mod.inputs_digest(inputs, kernels.KERNEL, reads[nb]) for nb in mine}
        targets = {nb: edition.notebooks_dir / nb.name for nb in mine}
        restored, run = chapter_cache_mod.plan(store, targets.items(), params, digests,
                                               kernels.KERNEL, reuse=not force)
        task["chapters"] = [nb.name for nb in run]
        task["cache"] = {"targets": {str(targets[nb]): digests[nb] for nb in run}}
        if restored:
            outcome.reason += f" ; {len(restored)}/{len(targets)} chapitres repris du cache"
    for problem in store.problems if store else []:
        say(f"jupyter-cache illisible, chapitre exécuté : {problem}")
    return store


def _execute(report: BatchReport, todo, chapters_store, jobs, progress, console, say,
             year_dir: Path) -> None:
    """Run the editions to build on worker processes; record each as it finishes."""
    if not todo:
        return
    workers_count = max(1, min(jobs or os.cpu_count() or 1, max(len(todo), 1)))
    plans = {}
    job_list = []
    for outcome, task, inputs in todo:
        folder = year_dir / outcome.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LOG).write_text("", encoding="utf-8")          # the last build's messages only
        job = workers.Job(outcome.territory, task)
        run = task["chapters"] if isinstance(task["chapters"], list) else []
        # One edition to execute alone: its chapters are spread over the workers.
        if len(todo) == 1 and len(run) > 1 and (jobs or os.cpu_count() or 1) > 1:
            job.split = run
            workers_count = min(jobs or os.cpu_count() or 1, len(run))
        plans[outcome.territory] = (outcome, task, inputs)
        job_list.append(job)

    bar = _Bar(console, len(report.outcomes)) if progress else None
    if bar:
        bar.advance(len(report.outcomes) - len(todo))

    def done(job: workers.Job, answer: dict) -> None:
        outcome, task, inputs = plans[job.key]
        _finish(outcome, answer, inputs, task, year_dir / outcome.slug)
        if chapters_store is not None and outcome.status == "built":
            _keep_chapters(chapters_store, task, outcome)
        if bar:
            bar.advance(1, outcome.label)

    shutil.rmtree(year_dir / kernels.LOG_DIR, ignore_errors=True)       # last run's only
    try:
        workers.run(job_list, workers_count, done, on_progress=say if len(todo) == 1 else None)
    except workers.Interrupted as stop:
        report.interrupted = True
        for job in stop.unfinished:
            outcome = plans[job.key][0]
            outcome.status = "interrupted"
            # Its notebooks or outputs may be half rewritten: built again next time.
            cache.remove_manifest(year_dir / outcome.slug)
    finally:
        if bar:
            bar.close()


def _keep_chapters(chapters_store, task: dict, outcome: EditionOutcome) -> None:
    """Store the chapters this edition executed (main process only: one SQLite writer)."""
    start = time.perf_counter()
    for target, digest in task["cache"]["targets"].items():
        try:
            chapters_store.store(Path(target), digest,
                                 uri=f"{task['year']}/{outcome.slug}/{Path(target).name}")
        except Exception as exc:  # noqa: BLE001 - the edition is built; only reuse is lost
            outcome.reason += f" ; non mis en cache ({Path(target).name} : {exc})"
    outcome.timings["mise_en_cache"] = time.perf_counter() - start


def _finish(outcome: EditionOutcome, answer: dict, inputs: dict, task: dict, folder: Path) -> None:
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
        "renderer": task["renderer_label"], "inputs": inputs, "timings": outcome.timings,
        "outputs": record, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
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
