"""One edition of the report: execute the chapter notebooks with papermill, then render the book.

Indicators for every territory are computed (or read from cache) once, before any notebook runs;
the notebooks only read the cached tables and draw. Chapters run in worker processes, each
keeping one kernel reset between chapters (:mod:`analysis.build.kernels`; never shared between
threads).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build.kernels import KERNEL, LOG_DIR
from analysis.core import config, territories
from analysis.core.errors import BuildError


@dataclass
class Edition:
    territory: territories.Territory
    year: int
    out_dir: Path

    @property
    def basename(self) -> str:
        return f"etat-des-lieux-{self.year}-{self.territory.slug}"

    @property
    def folder(self) -> Path:
        return self.out_dir / str(self.year) / self.territory.slug

    @property
    def notebooks_dir(self) -> Path:
        return self.folder / "notebooks"

    def output(self, fmt: str) -> Path:
        return self.folder / f"{self.basename}.{fmt}"


@dataclass
class BuildResult:
    edition: Edition
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    skipped: bool = False


def edition_for(spec: str, year: int, out_dir: str | Path | None = None) -> Edition:
    vintage = territories.vintage_for_year(year)
    territory = territories.parse_territory(spec, vintage)
    return Edition(territory, year, Path(out_dir) if out_dir else config.project_root() / "reports")


def load_book():
    from analysis.render import load_book as _load

    return _load(config.project_root())


def chapters(book=None) -> tuple[list[Path], list[Path]]:
    book = book or load_book()
    root = config.project_root()
    return [root / p for p in book.chapters], [root / p for p in book.appendices]


def parameters(edition: Edition, data_dir: Path, threshold: int) -> dict:
    return {"territoire": edition.territory.id, "annee": edition.year, "data_dir": str(data_dir),
            "seuil_secret": threshold}


def execute_chapter(notebook: Path, output: Path, params: dict, kernel=None) -> float:
    """Run one chapter with papermill. Returns seconds.

    ``kernel``: a :class:`analysis.build.kernels.KeptKernel` to run in, reset first (the batch keeps
    one per worker); by default papermill starts a fresh kernel and shuts it down. Either way
    the executed notebook is written once, at the end (or at the failing cell).
    """
    import papermill as pm

    from analysis.build import kernels

    os.environ.pop("MPLBACKEND", None)          # agg would drop the figures of the notebooks
    start = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    if kernel is not None:
        kernel.reset()
        how = {"engine_name": kernels.engine(), "kernel": kernel}
    else:
        how = {"kernel_manager_class": kernels.ipc_kernel_manager_class()}
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL,
                            cwd=str(notebook.parent), progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False, **how)
    except pm.PapermillExecutionError as exc:
        raise BuildError(
            f"chapter {notebook.name} failed in cell {exc.cell_index} "
            f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}\n"
            f"  → the executed notebook, with the traceback, is kept at {output}"
        ) from None
    return time.perf_counter() - start


def _run_chapter(notebook: Path, output: Path, params: dict, log_dir: Path) -> float:
    """In a worker process: run one chapter in the worker's kept kernel (reset first)."""
    from analysis.build import kernels

    return execute_chapter(notebook, output, params,
                           kernel=kernels.worker_kernel(notebook.parent, log_dir))


def build(spec: str, year: int, *, formats=("html", "pdf"), out_dir: str | Path | None = None,
          data_dir: str | Path | None = None, threshold: int = 5, workers: int | None = None,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    from analysis import indicators
    from analysis.sources.store import Store

    say = progress or (lambda message: None)
    edition = edition_for(spec, year, out_dir)
    store = Store(data_dir)
    result = BuildResult(edition)
    start = time.perf_counter()
    say(f"indicateurs {year} (tous territoires)")
    results = indicators.load(store, year, threshold=threshold)
    if edition.territory.id not in set(results["territoire"]):
        raise BuildError(f"{edition.territory.label} has no row in the indicators of {year}.")
    result.timings["indicateurs"] = time.perf_counter() - start

    book = load_book()
    main, appendices = chapters(book)
    params = parameters(edition, store.data_dir, threshold)
    targets = {nb: edition.notebooks_dir / nb.name for nb in main + appendices}
    start = time.perf_counter()
    workers = min(workers or os.cpu_count() or 1, len(targets))
    # spawn: a forked child would share the parent's zmq state; each worker keeps one kernel.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        logs = edition.folder / LOG_DIR
        shutil.rmtree(logs, ignore_errors=True)             # the kernels' messages, last build only
        futures = {pool.submit(_run_chapter, nb, out, params, logs): nb
                   for nb, out in targets.items()}
        for future in as_completed(futures):
            nb = futures[future]
            result.timings[f"chapitre {nb.stem}"] = future.result()
            say(f"chapitre {nb.stem} exécuté")
    result.timings["notebooks"] = time.perf_counter() - start

    start = time.perf_counter()
    say("mise en page " + ", ".join(formats))
    from analysis.render import render_book

    result.outputs = render_book(
        [targets[nb] for nb in main], edition.folder, edition.basename, formats=formats,
        appendices=[targets[nb] for nb in appendices], meta=render_meta(edition, store), book=book)
    result.timings["rendu"] = time.perf_counter() - start
    return result


def build_edition(edition: Edition, data_dir: str | Path, *, threshold: int = 5,
                  formats=("html", "pdf"), book=None, meta: dict | None = None,
                  execute: bool | Collection[str] = True, kernel=None) -> BuildResult:
    """Build one edition whose indicators are already computed (``indicators.load`` done).

    Chapters run one after the other in this process, in ``kernel`` (a
    :class:`analysis.build.kernels.KeptKernel`, reset before each) or else each in a fresh papermill
    kernel: the batch (:mod:`analysis.build.batch`) parallelises across editions instead.
    ``execute=False`` re-renders the notebooks already executed in ``edition.notebooks_dir``; a
    collection of chapter file names executes those only (the others are already there, e.g.
    restored from :mod:`analysis.build.chapter_cache`). ``meta`` defaults to :func:`render_meta`.
    Returns outputs and timings (``chapitre <stem>``, ``notebooks``, ``rendu``); a failing
    chapter raises :class:`BuildError` naming the notebook and the cell.
    """
    from analysis.render import render_book
    from analysis.sources.store import Store

    book = book or load_book()
    main, appendices = chapters(book)
    params = parameters(edition, Path(data_dir), threshold)
    targets = {nb: edition.notebooks_dir / nb.name for nb in main + appendices}
    result = BuildResult(edition)
    start = time.perf_counter()
    if execute:
        for nb, out in targets.items():
            if execute is not True and nb.name not in execute:
                continue
            result.timings[f"chapitre {nb.stem}"] = execute_chapter(nb, out, params, kernel=kernel)
    result.timings["notebooks"] = time.perf_counter() - start
    start = time.perf_counter()
    result.outputs = render_book(
        [targets[nb] for nb in main], edition.folder, edition.basename, formats=tuple(formats),
        appendices=[targets[nb] for nb in appendices],
        meta=meta if meta is not None else render_meta(edition, Store(data_dir)), book=book)
    result.timings["rendu"] = time.perf_counter() - start
    return result


def render_meta(edition: Edition, store) -> dict:
    records = store.records()
    latest = max((r.retrieved_at[:10] for r in records), default="")
    demo = store.is_demo()
    return {
        "title": "État des lieux du numérique éducatif",
        "subtitle": f"{edition.territory.label} — millésime {edition.year}",
        "territory": edition.territory.label,
        "date": f"Données au {latest}" if latest else f"Millésime {edition.year}",
        "demo": demo,
        "source": ("Données synthétiques de démonstration" if demo else
                   "Sources : ministère de l'Éducation nationale (annuaire, ETIC), Arcep, France THD, "
                   "Banque des Territoires — données ouvertes"),
    }
