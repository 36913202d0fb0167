"""The one build path: ``etat-des-lieux build SPEC`` (one edition) and ``build --all``.

Both go through :func:`build_editions`:

1. The indicators of every territory are computed once (:func:`analysis.indicators.load`, cached
   in the data folder) *before* any worker starts, together with the cache keys of the editions
   (:mod:`analysis.build.keys`).
2. An edition whose keys match its manifest (:mod:`analysis.build.manifest`) and whose outputs
   are intact is skipped; one whose render key alone changed is rendered again; the others are
   executed by worker processes (:mod:`analysis.build.workers`), each running all its chapters
   and editions in its own IPython shell, reset before every chapter
   (:mod:`analysis.build.in_process`; :class:`analysis.build.execution.Execution`, CLI
   ``--execution``: in a kernel kept by each worker, :mod:`analysis.build.kernels`, or a fresh
   kernel per chapter). A single
   edition to execute has its chapters spread over the workers, then is rendered. Within an
   edition to execute, a chapter already executed with the same inputs is taken from
   jupyter-cache (:mod:`analysis.build.chapter_cache`; not with ``force``); only the main
   process reads and writes that store (SQLite: one writer). Every finished edition writes its
   manifest at once, so that a single ``build`` and a later ``build --all`` share the work, and
   Ctrl-C loses only the editions being built.
3. A failing edition does not stop the others: failures are collected and reported at the end,
   field by field (:class:`analysis.build.tasks.BuildFailure`: edition, chapter notebook, cell,
   exception). An error outside a notebook cell (kernel start or death, renderer) gets a second
   try first. The kernels' messages go to
   ``<edition>/.build.log`` and ``<year>/.noyaux/`` (the last run's only).
4. The index of the millésime (``reports/<year>/index.html``) and the exports of the indicators
   of all territories (``indicateurs-<year>.csv`` / ``.xlsx``) are written at the end
   (:mod:`analysis.build.site_index`).
5. One state of the data, one build per reports folder: the build holds the data folder's lock
   shared and the reports folder's lock alone (:mod:`analysis.core.locks`), and checks, as each
   edition finishes, that the data files are those it started with; if not (changed by hand), it
   stops, removes the editions being built and raises
   :class:`~analysis.core.errors.DataChangedError`.

What the batch is asked is a :class:`analysis.build.options.BuildOptions`; how it goes is told to
a :class:`analysis.build.options.BuildObserver` (the command line shows it); what a worker is
given and answers are :class:`analysis.build.tasks.EditionTask` and ``EditionAnswer``; what
became of each edition is an :class:`analysis.build.outcomes.EditionOutcome` in the returned
:class:`analysis.build.outcomes.BatchReport`.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.build import chapter_cache as chapter_cache_mod
from analysis.build import editions, editorial, kernels, keys, workers
from analysis.build import manifest as cache
from analysis.build.execution import Execution
from analysis.build.options import BuildObserver, BuildOptions, QuietObserver
from analysis.build.outcomes import BatchReport, EditionOutcome
from analysis.build.tasks import BuildFailure, EditionAnswer, EditionTask
from analysis.core import config, environment, locks, perimeters, territories
from analysis.core.errors import DataChangedError, InputError, TerritoryError
from analysis.render import quarto
from analysis.render.renderers import Renderer
from analysis.report import figure_store
from analysis.report.figure_store import FOLDER as FIGURES

if TYPE_CHECKING:
    from analysis.sources.store import Store

DEFAULT_LEVELS = ("france", "region", "academie", "departement")
LOG = workers.LOG


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
    return tuple(level for level in territories.LEVELS + OUTSIDE if level in wanted)


#: The levels outside the administrative hierarchy: built by ``--all`` only when asked.
OUTSIDE = (territories.PERIMETRE, territories.COLLECTIVITE)


def select_editions(year: int, levels: Iterable[str] | None = None,
                    within: str | None = None) -> list[territories.Territory]:
    """Editions of the chosen levels (largest first), optionally only those inside ``within``.

    ``within`` itself is included when its level is among the chosen ones.
    """
    vintage = territories.vintage_for_year(year)
    chosen = parse_levels(levels)
    perimeters = territories.list_territories(territories.PERIMETRE, vintage) \
        if territories.PERIMETRE in chosen else []
    collectivites = territories.list_territories(territories.COLLECTIVITE, vintage) \
        if territories.COLLECTIVITE in chosen else []
    if within is None:
        return [t for level in chosen if level not in OUTSIDE
                for t in territories.list_territories(level, vintage)] + perimeters + collectivites
    outer = territories.parse_territory(within, vintage)
    selected = [outer] if outer.level in chosen else []
    depth = territories.LEVELS.index(outer.level)
    for level in chosen:
        if level not in OUTSIDE and territories.LEVELS.index(level) > depth:
            selected += territories.children(outer, level)
    # custom perimeters inside ``within``: those it encloses (through their declared parent);
    # collectivités: those whose départements it holds
    inside = set(territories.departement_codes(outer))
    return (selected + [p for p in perimeters if outer in territories.parents(p)]
            + [c for c in collectivites if set(territories.departement_codes(c)) <= inside])


def build(spec: str, year: int, options: BuildOptions, *, observer: BuildObserver | None = None) -> BatchReport:
    """One edition (``build SPEC``), through the same path, caches and manifest as the batch.

    The index page and the CSV export are written as after a batch; the xlsx workbook of all
    territories (seconds of work) is left to ``build --all`` unless ``options.index_xlsx``.
    """
    if options.index_xlsx is None:
        options = replace(options, index_xlsx=False)
    territory = territories.parse_territory(spec, territories.vintage_for_year(year))
    if territory.level == territories.PERIMETRE:
        problem = perimeter_problem(territory, year, options.data_dir)
        if problem:
            raise InputError(perimeters.get(territory.code).path, problem,
                             hint="Remove them from the list, or import the annuaire that lists them.")
    return build_editions([territory], year, options, observer=observer)


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


def build_all(year: int, options: BuildOptions, *, levels: Iterable[str] | None = None,
              within: str | None = None, observer: BuildObserver | None = None) -> BatchReport:
    """Every selected edition of ``year`` (``build --all``; see the module docstring)."""
    return build_editions(select_editions(year, levels, within), year, options, observer=observer)


# ----------------------------------------------------------------------------- the path
@dataclass
class _Run:
    """What every edition of one run shares (computed once, before any edition)."""

    year: int
    options: BuildOptions
    renderer: Renderer
    out_dir: Path                                   # the reports folder, absolute
    store: Store
    results: pd.DataFrame                           # the indicators of every territory
    notebooks: list[Path]                           # the chapters and appendices of the book
    context: keys.RunContext
    present: set[str]                               # the territories with rows in the indicators
    # the départements with data of each territory (the best covered source): an edition with none
    # would say « Aucune donnée » on every page (the Occitanie files and the other 88 départements)
    with_data: pd.Series
    snapshot: dict[str, str] = field(default_factory=dict)     # the data files read, and their sha256

    @property
    def year_dir(self) -> Path:
        return self.out_dir / str(self.year)


@dataclass
class _Planned:
    """One edition to build: what the report says of it, what a worker does, its input digests."""

    outcome: EditionOutcome
    edition: editions.Edition
    task: EditionTask
    inputs: dict[str, str]


def build_editions(selected: list[territories.Territory], year: int, options: BuildOptions, *,
                   observer: BuildObserver | None = None) -> BatchReport:
    """Build the editions ``selected`` of ``year``. Returns a report (``interrupted`` on Ctrl-C).

    ``observer`` is told the steps, the plan, and each edition as it finishes (default: nobody).
    Raises :class:`~analysis.core.errors.DataChangedError` when the data files change during the
    build (the editions being built are not kept).
    """
    from analysis.sources.store import Store

    observer = observer or QuietObserver()
    store = Store(options.data_dir)
    # One state of the data for the whole build (an import waits for its end); one build per
    # reports folder (the command line took both already: locks are re-entrant).
    with locks.holding(store.data_dir, "shared", what="le dossier de données", on_wait=observer.say), \
            locks.holding(options.reports_dir(), "exclusive", what="le dossier des rapports", on_wait=observer.say):
        return _build_locked(selected, year, options, observer, store)


def _build_locked(selected: list[territories.Territory], year: int, options: BuildOptions,
                  observer: BuildObserver, store: Store) -> BatchReport:
    start = time.perf_counter()
    renderer = options.chosen_renderer()
    report = BatchReport(year, renderer=renderer.label)
    pool = _warm_pool(selected, year, options)
    try:
        return _build_run(selected, year, options, observer, store, start, renderer, report, pool)
    except KeyboardInterrupt:
        # Ctrl-C (or SIGTERM, SIGHUP) outside the editions' run, which reports its own: while the
        # indicators and keys are read, or the index written. The same summary and resume hint.
        return _interrupted(report, selected)
    finally:
        if pool is not None:
            workers.stop(pool)                  # given to the run, it is shut down already: no-op


def _interrupted(report: BatchReport, selected: list[territories.Territory]) -> BatchReport:
    """The report of a build stopped before or after its editions' run: every edition not
    finished is « interrupted » (built again by the same command)."""
    report.interrupted = True
    known = {o.territory for o in report.outcomes}
    report.outcomes += [EditionOutcome(t.id, t.label, t.slug, "execute", "arrêtée avant de commencer")
                        for t in selected if t.id not in known]
    for outcome in report.outcomes:
        if outcome.status == "pending":
            outcome.status = "interrupted"
    return report


def _warm_pool(selected: list[territories.Territory], year: int, options: BuildOptions):
    """For one edition never built (or forced), the workers started now and their shells set up
    (or kernels started), while the indicators and keys are read: ~1.3 s of its ~12 s. None for a
    batch (its editions dwarf the start), a dry run, fresh kernels, or an edition built before,
    most likely up to date (workers started for nothing would cost it ~0.6 s)."""
    if len(selected) != 1 or options.dry_run or options.execution is Execution.FRESH_KERNELS:
        return None
    try:
        built = cache.read_manifest(editions.Edition(selected[0], year, options.reports_dir()).folder)
    except TerritoryError:
        return None                             # refused below, with its message
    if built is not None and not options.force:
        return None
    year_dir = options.reports_dir() / str(year)
    shutil.rmtree(year_dir / kernels.LOG_DIR, ignore_errors=True)       # last run's only
    main, _ = editions.chapters()
    processors = options.jobs or os.cpu_count() or 1
    return workers.start(max(1, min(processors, len(main))), workers.WarmUp(
        main[0].parent, year_dir / kernels.LOG_DIR, year_dir / FIGURES if options.figure_store else None,
        options.execution))


def _build_run(selected: list[territories.Territory], year: int, options: BuildOptions, observer: BuildObserver,
               store: Store, start: float, renderer: Renderer, report: BatchReport, pool) -> BatchReport:
    from analysis import indicators

    snapshot = data_snapshot(store)
    observer.say(f"indicateurs {year} (tous territoires)")
    with _timed(report, "indicateurs"):
        # the collectivités of the index page built earlier keep their rows (computed on demand)
        built = _built_collectivities(options.reports_dir() / str(year), selected)
        try:
            results = indicators.load(store, year, threshold=options.threshold, also=[*selected, *built])
        except TerritoryError:
            if not built:
                raise
            # a commune built earlier that the data no longer have: the index lines say « n.d. »
            results = indicators.load(store, year, threshold=options.threshold, also=selected)
    selected = [indicators.named(t, results) for t in selected]         # a commune: its name
    with _timed(report, "cles"):
        run = _prepare(year, options, renderer, store, results)
        run.snapshot = snapshot
        todo = [p for p in (_plan(run, t, report) for t in selected) if p is not None]
    observer.on_start(len(report.outcomes), len(todo))
    try:
        if options.dry_run:                    # what would be done and why; no edition built
            for planned in todo:
                planned.outcome.status = "planned"
        else:
            with _timed(report, "cache_chapitres"):
                chapters_store = _restore_chapters(run, todo, observer)
            with _timed(report, "editions"):
                _execute(run, report, todo, chapters_store, observer, pool)
            if options.figure_store:
                figure_store.prune(run.year_dir / FIGURES)
    finally:
        observer.on_end()
    if options.write_index and not options.dry_run and not report.interrupted:
        from analysis.build import site_index as index

        with _timed(report, "index"):
            report.index = index.write_all(run.year_dir, run.results, year, xlsx=options.index_xlsx is not False,
                                           threshold=options.threshold, store=run.store)
    report.timings["total"] = time.perf_counter() - start
    return report


def _built_collectivities(year_dir: Path, selected: list[territories.Territory]) -> list[str]:
    """The collectivités of the millésime's index page (built earlier) that this run does not build."""
    from analysis.build.site_index import built_editions

    asked = {t.id for t in selected}
    return [m["territoire"] for m in built_editions(year_dir)
            if m["territoire"].startswith(f"{territories.COLLECTIVITE}:") and m["territoire"] not in asked]


@contextmanager
def _timed(report: BatchReport, step: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        report.timings[step] = time.perf_counter() - start


def _prepare(year: int, options: BuildOptions, renderer: Renderer, store: Store, results: pd.DataFrame) -> _Run:
    """What the editions share: the book (its editorial files checked), the run's keys, the data extents."""
    from analysis.indicators.results import extents

    book = editions.load_book()
    main, appendices = editions.chapters(book)
    editorial.check([nb.stem for nb in main + appendices])       # before any work: names the bad file
    editorial.say_dropped(year)                                   # what the safe subset left out
    context = keys.RunContext.build(store, year, options.threshold, results, book, config.project_root(),
                                    renderer=renderer.label)
    with_data = extents(results)["departements_avec_donnees"] if "departements_avec_donnees" in results \
        else pd.Series(dtype=int)
    return _Run(year, options, renderer, options.reports_dir(), store, results, main + appendices, context,
                set(results["territoire"]), with_data)


def _plan(run: _Run, territory: territories.Territory, report: BatchReport) -> _Planned | None:
    """Decide what to do with one edition (its outcome joins ``report``); the edition to build,
    or None when there is nothing to do (up to date, no data, refused)."""
    present = territory.id in run.present
    if present and run.with_data.get(territory.id, 1) == 0:
        report.outcomes.append(EditionOutcome(territory.id, territory.label, territory.slug, "skip",
                                              "les données ne couvrent pas ce territoire", status="nodata"))
        return None
    edition = editions.Edition(territory, run.year, run.out_dir)
    meta = editions.render_meta(edition, run.store)
    included = editions.included_chapters(run.notebooks, territory.id, run.results)
    inputs = run.context.inputs(territory, meta, included)
    executed = [edition.notebooks_dir / name for name in included]
    action, reason = cache.decide(edition.folder, inputs, run.options.formats, executed, force=run.options.force)
    outcome = EditionOutcome(territory.id, territory.label, territory.slug, action, reason)
    report.outcomes.append(outcome)
    problem = (f"aucune ligne dans les indicateurs {run.year}" if not present else
               perimeter_problem(territory, run.year, run.store.data_dir)
               if territory.level == territories.PERIMETRE else None)
    if problem:
        outcome.fail(BuildFailure(territory.id, territory.label, "data", "", problem))
        return None
    if action == "skip":
        outcome.status = "skipped"
        recorded = (cache.read_manifest(edition.folder) or {}).get("outputs", {})
        outcome.outputs = {fmt: str(edition.folder / recorded[fmt]["file"])
                           for fmt in run.options.formats if fmt in recorded}
        return None
    task = EditionTask(territory.id, territory.label, run.year, run.out_dir, run.store.data_dir,
                       run.options.threshold, run.options.formats, meta, run.renderer, tuple(included),
                       chapters=tuple(included) if action == "execute" else (),
                       execution=run.options.execution,
                       figures=run.year_dir / FIGURES if run.options.figure_store else None)
    return _Planned(outcome, edition, task, inputs)


def _restore_chapters(run: _Run, todo: list[_Planned], observer: BuildObserver):
    """Chapters already executed with the same inputs come from jupyter-cache (not with
    ``force``); each task keeps the chapters still to run. Returns the store (None: not used)."""
    to_execute = [p for p in todo if p.outcome.action == "execute"]
    reads = {nb: editions.chapter_reads(nb) for nb in run.notebooks}
    store = _chapter_store(run.out_dir, observer) if run.options.chapter_cache and to_execute else None
    for planned in to_execute:
        mine = [nb for nb in run.notebooks if nb.name in planned.task.included]
        params = editions.parameters(planned.edition, run.store.data_dir, run.options.threshold)
        digests = {nb: chapter_cache_mod.inputs_digest(planned.inputs, kernels.KERNEL, reads[nb]) for nb in mine}
        targets = {nb: planned.edition.notebooks_dir / nb.name for nb in mine}
        restored, to_run = chapter_cache_mod.plan(store, targets.items(), params, digests,
                                                  kernels.KERNEL, reuse=not run.options.force)
        planned.task = replace(planned.task, chapters=tuple(nb.name for nb in to_run),
                               cache_targets=tuple((targets[nb], digests[nb]) for nb in to_run))
        if restored:
            planned.outcome.reason += f" ; {len(restored)}/{len(targets)} chapitres repris du cache"
    for problem in store.problems if store else []:
        observer.say(f"jupyter-cache illisible, chapitre exécuté : {problem}")
    return store


def _chapter_store(out_dir: Path, observer: BuildObserver):
    """The store of executed chapters; None (every chapter executed) when another process holds
    its database (a damaged one is rebuilt by the store itself)."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    folder = out_dir / chapter_cache_mod.FOLDER
    try:
        return chapter_cache_mod.ExecutedChapters(folder)
    except (sqlite3.Error, SQLAlchemyError, RuntimeError) as exc:   # jupyter-cache wraps sqlite's errors
        found = environment.problem(exc, folder)
        if found is not None:                   # a full disk: the build cannot go on either
            raise found from exc
        observer.say(f"cache des chapitres {folder} indisponible ({type(exc).__name__} : {exc}) : "
                     "chapitres exécutés sans lui")
        return None


def _execute(run: _Run, report: BatchReport, todo: list[_Planned], chapters_store,
             observer: BuildObserver, pool=None) -> None:
    """Run the editions to build on worker processes (those of ``pool`` when started earlier);
    record each as it finishes."""
    if not todo:
        if pool is not None:                  # up to date: the kernels started for nothing end now
            workers.stop(pool)
        return
    processors = run.options.jobs or os.cpu_count() or 1
    workers_count = max(1, min(processors, len(todo)))
    plans = {p.outcome.territory: p for p in todo}
    job_list = []
    for planned in todo:
        folder = run.year_dir / planned.outcome.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LOG).write_text("", encoding="utf-8")          # the last build's messages only
        job = workers.Job(planned.outcome.territory, planned.task)
        # One edition to execute alone: its chapters are spread over the workers.
        if len(todo) == 1 and len(planned.task.chapters) > 1 and processors > 1:
            job.split = planned.task.chapters
            workers_count = min(processors, len(job.split))
        job_list.append(job)

    def done(job: workers.Job, answer: EditionAnswer) -> None:
        planned = plans[job.key]
        check_snapshot(run.store, run.snapshot)            # an edition of two states is not kept
        _finish(planned, answer, run.year_dir / planned.outcome.slug)
        if chapters_store is not None and planned.outcome.status == "built":
            _keep_chapters(chapters_store, planned)
        observer.on_edition(planned.outcome)

    if pool is None:
        shutil.rmtree(run.year_dir / kernels.LOG_DIR, ignore_errors=True)       # last run's only
    try:
        workers.run(job_list, workers_count, done, on_progress=observer.say if len(todo) == 1 else None,
                    pool=pool)
    except workers.Interrupted as stop:
        report.interrupted = True
        for job in stop.unfinished:
            outcome = plans[job.key].outcome
            outcome.status = "interrupted"
            # Its notebooks or outputs may be half rewritten: built again next time.
            cache.remove_manifest(run.year_dir / outcome.slug)
    except DataChangedError:
        for planned in todo:                  # built, wholly or in part, from the new files: not kept
            if planned.outcome.status == "pending":
                _discard(planned.edition)
        raise
    finally:
        if chapters_store is not None and not report.interrupted:    # interrupted: the next run does it
            _keep_to_limit(chapters_store, observer)


def _keep_to_limit(chapters_store, observer: BuildObserver) -> None:
    """The store of executed chapters back to its limit, once the run's chapters are in it."""
    try:
        chapters_store.truncate()
    except Exception as exc:  # noqa: BLE001 - the editions are built; the store is only larger for a while
        observer.say(f"cache des chapitres : nettoyage reporté ({type(exc).__name__} : {exc})")


def _discard(edition: editions.Edition) -> None:
    """An edition that must not be published: no manifest (built again next time), no output."""
    cache.remove_manifest(edition.folder)
    for suffix in (".html", ".pdf"):
        (edition.folder / f"{edition.basename}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(edition.folder / quarto.OUTPUT_DIR, ignore_errors=True)


def data_snapshot(store: Store) -> dict[str, str]:
    """Every file of the data folder (source/name) and its sha256 as it is now."""
    return {f"{s.key}/{s.path.name}": s.sha256 for s in store.verify()}


def check_snapshot(store: Store, before: dict[str, str]) -> None:
    """Raise :class:`DataChangedError` when the data files are no longer those of ``before``."""
    now = data_snapshot(store)
    if now == before:
        return
    changed = sorted(name for name in before.keys() | now.keys() if before.get(name) != now.get(name))
    shown = ", ".join(changed[:3]) + (", …" if len(changed) > 3 else "")
    raise DataChangedError(
        f"les fichiers du dossier de données {store.data_dir} ont changé pendant la construction ({shown}) : "
        "les éditions en cours sont retirées, pour ne publier aucun chiffre mêlant deux états des données.\n"
        "  → relancez la même commande : elle refait, avec les données actuelles, ce qu'elles changent")


def _keep_chapters(chapters_store, planned: _Planned) -> None:
    """Store the chapters this edition executed (main process only: one SQLite writer)."""
    start = time.perf_counter()
    outcome = planned.outcome
    for target, digest in planned.task.cache_targets:
        try:
            chapters_store.store(target, digest, uri=f"{planned.task.year}/{outcome.slug}/{target.name}")
        except Exception as exc:  # noqa: BLE001 - the edition is built; only reuse is lost
            outcome.reason += f" ; non mis en cache ({target.name} : {exc})"
    outcome.timings["mise_en_cache"] = time.perf_counter() - start


def _finish(planned: _Planned, answer: EditionAnswer, folder: Path) -> None:
    """Record what a worker did: the outcome, and the edition's manifest (removed on failure)."""
    outcome, inputs = planned.outcome, planned.inputs
    if answer.failure is not None:
        outcome.fail(answer.failure)
        cache.remove_manifest(folder)          # retried next run; not listed in the index
        return
    outcome.status = "built" if outcome.action == "execute" else "rendered"
    outcome.timings = dict(answer.timings)
    outcome.outputs = {fmt: str(p) for fmt, p in answer.outputs.items()}
    outcome.warnings = answer.warnings
    record = cache.outputs_record(folder, answer.outputs)
    old = cache.read_manifest(folder)
    if old and old.get("render_key") == keys.render_key(inputs):
        for fmt, entry in old.get("outputs", {}).items():     # other formats still valid
            if fmt not in record and cache.outputs_intact(folder, old, [fmt]):
                record[fmt] = entry
    cache.write_manifest(folder, {
        "territoire": outcome.territory, "libelle": outcome.label, "slug": outcome.slug,
        "execution_key": keys.execution_key(inputs), "render_key": keys.render_key(inputs),
        "renderer": planned.task.renderer.label, "inputs": inputs, "timings": outcome.timings,
        "outputs": record, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "last_action": outcome.action,
    })
