"""Worker processes that build editions, and how a run stops on Ctrl-C.

Each worker (``spawn``: a forked child would share the parent's zmq state) builds the editions it
is given with :func:`analysis.build.editions.build_edition`, keeping one kernel for all of them
(:mod:`analysis.build.kernels`). An edition to execute when there is only one (``build SPEC``)
is split: its chapters run on every worker, then one worker renders it.

Ctrl-C. The terminal sends SIGINT to the main process *and* its workers; a worker interrupted in
the middle of nbclient's event loop took ~40 s to unwind. So workers ignore SIGINT and the main
process decides: it cancels what has not started, sends SIGTERM to the workers, whose handler
kills their kernel (a kernel runs in its own session, out of the terminal's reach) and exits at
once. What finished before is kept by the caller (:func:`run`'s ``on_done``).
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build import kernels

LOG = ".build.log"


@dataclass
class Job:
    """One edition's work: ``task`` is what a worker needs (plain data: it is pickled)."""

    key: str                                    # the territory id
    task: dict
    split: list[str] = field(default_factory=list)   # chapters run on separate workers first
    answers: list[dict] = field(default_factory=list)
    futures: set[Future] = field(default_factory=set)
    rendering: bool = False


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_now)


def _stop_now(signum, frame) -> None:            # noqa: ARG001 - signal handler signature
    kernels.kill_kernels()
    os._exit(128 + signal.SIGTERM)


def work(task: dict) -> dict:
    """Build (part of) one edition in a worker process. Never raises: returns outputs or the error.

    ``task["chapters"]``: chapter file names to execute (``True``: all); ``task["render"]``:
    render after them.
    """
    from analysis.build import editions

    os.environ.pop("MPLBACKEND", None)
    edition = editions.edition_for(task["territory"], task["year"], task["out_dir"])
    edition.folder.mkdir(parents=True, exist_ok=True)
    # The kernels' own chatter (stderr of the worker, inherited) goes to the edition's log,
    # not through the progress bar.
    log = open(edition.folder / LOG, "a", encoding="utf-8")
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        first = None
        for _attempt in (1, 2):
            try:
                run = task.get("chapters", True)
                kernel = None
                if task.get("reuse_kernel") and run:
                    main, _ = editions.chapters()
                    logs = Path(task["out_dir"]) / str(task["year"]) / kernels.LOG_DIR
                    kernel = kernels.worker_kernel(main[0].parent, logs)
                result = editions.build_edition(edition, task["data_dir"], threshold=task["threshold"],
                                                formats=task["formats"], meta=task["meta"], execute=run,
                                                render=task.get("render", True), renderer=task["renderer"],
                                                kernel=kernel, included=task.get("included"))
                timings = dict(result.timings, **({"nouvel_essai": 1.0} if first else {}))
                return {"outputs": {k: str(v) for k, v in result.outputs.items()}, "timings": timings}
            except editions.BuildError as exc:       # a chapter's own error: no second try
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


def merge(answers: list[dict]) -> dict:
    """One answer from the answers of a split edition's parts (the first error wins)."""
    errors = [a["error"] for a in answers if "error" in a]
    if errors:
        return {"error": errors[0]}
    merged: dict = {"outputs": {}, "timings": {}}
    for answer in answers:
        merged["outputs"].update(answer["outputs"])
        for name, seconds in answer["timings"].items():
            merged["timings"][name] = max(seconds, merged["timings"].get(name, 0.0)) \
                if name in ("notebooks", "nouvel_essai") else seconds
    return merged


class Interrupted(Exception):
    """Ctrl-C during :func:`run`: ``unfinished`` lists the jobs that did not finish."""

    def __init__(self, unfinished: list[Job]):
        super().__init__(f"{len(unfinished)} unfinished")
        self.unfinished = unfinished


def run(jobs: list[Job], workers: int, on_done: Callable[[Job, dict], None],
        on_progress: Callable[[str], None] | None = None) -> None:
    """Run ``jobs`` on ``workers`` processes; ``on_done(job, answer)`` as each edition finishes
    (in this process). Raises :class:`Interrupted` on Ctrl-C, after stopping the workers."""
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker)
    owner: dict[Future, Job] = {}
    pending: list[Job] = []
    try:
        for job in jobs:
            if job.split:
                for name in job.split:
                    _submit(pool, owner, job, dict(job.task, chapters=[name], render=False))
            else:
                _submit(pool, owner, job, job.task)
            pending.append(job)
        while owner:
            done, _ = wait(list(owner), return_when=FIRST_COMPLETED)
            for future in done:
                job = owner.pop(future)
                job.futures.discard(future)
                try:
                    job.answers.append(future.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker
                    job.answers.append({"error": f"worker: {type(exc).__name__}: {exc}"})
                if job.futures:
                    continue
                answer = merge(job.answers)
                if job.split and not job.rendering and "error" not in answer:
                    job.rendering = True         # every chapter ran: render on one worker
                    if on_progress:
                        on_progress(f"{job.task['territory']} : chapitres exécutés, mise en page")
                    _submit(pool, owner, job, dict(job.task, chapters=False, render=True))
                    continue
                pending.remove(job)
                on_done(job, answer)
    except KeyboardInterrupt:
        _stop(pool)
        raise Interrupted(pending) from None
    pool.shutdown(wait=True)


def _submit(pool, owner: dict, job: Job, task: dict) -> None:
    future = pool.submit(work, task)
    owner[future] = job
    job.futures.add(future)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started, end the workers now (they kill their kernels)."""
    # The pool keeps its processes in a private mapping (emptied by shutdown); there is no
    # public way to end them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
