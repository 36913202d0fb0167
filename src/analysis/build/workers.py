"""Worker processes that build editions, and how a run stops on Ctrl-C.

Each worker (``spawn``: a forked child would share the parent's zmq state) builds the editions it
is given (:class:`analysis.build.tasks.EditionTask`) with
:func:`analysis.build.editions.build_edition`, running their chapters in its own IPython shell
(:mod:`analysis.build.in_process`; or in one kernel kept for all of them,
:mod:`analysis.build.kernels`), and answers an :class:`analysis.build.tasks.EditionAnswer`: the
outputs, or why it failed (:class:`analysis.build.tasks.BuildFailure`). An edition to execute
when there is only one (``build SPEC``) is split: its chapters run on every worker, then one
worker renders it; its workers set up their shells (or start their kernels) first (:func:`start`,
:class:`WarmUp`), while the main process reads the indicators and the keys.

Ctrl-C. The terminal sends SIGINT to the main process *and* its workers; a worker interrupted in
the middle of nbclient's event loop took ~40 s to unwind. So workers ignore SIGINT and the main
process decides: it cancels what has not started, sends SIGTERM to the workers, whose handler
kills their kernel and exits at once. What finished before is kept by the caller (:func:`run`'s
``on_done``). The command line turns SIGTERM and SIGHUP of the main process into the same stop
(:mod:`analysis.cli.signals`).

Nothing outlives the build. Workers are in the build's process group (``kill -- -PGID`` reaches
them) and end their kernels on SIGTERM and SIGHUP. When the main process dies without a word
(``kill -9``, a crash), each worker learns it at once (Linux: the parent-death signal, SIGTERM)
or within :data:`WATCH_SECONDS` (its parent changes) and ends, killing its kernel first: no
chapter is written into the reports after the build is gone. A kernel runs in a session of its
own (jupyter_client kills a kernel by killing its process group, which must not be the build's)
and ends within a second when its worker dies (ipykernel's parent poller).
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from analysis.build import in_process, kernels
from analysis.build.execution import Execution
from analysis.build.tasks import BuildFailure, EditionAnswer, EditionTask
from analysis.core import environment
from analysis.core.errors import BuildError
from analysis.report import figure_store

LOG = ".build.log"


@dataclass
class Job:
    """One edition's work: ``task`` is what a worker needs (pickled to it)."""

    key: str                                    # the territory id
    task: EditionTask
    split: tuple[str, ...] = ()                 # chapters run on separate workers first
    answers: list[EditionAnswer] = field(default_factory=list)
    futures: set[Future] = field(default_factory=set)
    rendering: bool = False


#: How often a worker checks that the build that started it is still there.
WATCH_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1                            # linux/prctl.h


def _init_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_now)
    signal.signal(signal.SIGHUP, _stop_now)
    _die_with(parent)


def _stop_now(signum, frame) -> None:            # noqa: ARG001 - signal handler signature
    kernels.kill_kernels()
    os._exit(128 + signum)


def _die_with(parent: int) -> None:
    """End this worker (and its kernel) when the build process ``parent`` is gone."""
    import ctypes
    import threading
    import time

    try:                                         # Linux: SIGTERM as soon as the parent dies
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):            # elsewhere: the watch below only
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        kernels.kill_kernels()
        os._exit(128 + signal.SIGTERM)

    if os.getppid() != parent:                   # it died before the signal was asked for
        _stop_now(signal.SIGTERM, None)
    threading.Thread(target=watch, name="build-watch", daemon=True).start()


@dataclass(frozen=True)
class WarmUp:
    """What a worker needs to set up its shell or start its kernel before it is given an edition
    (:func:`start`): the chapters' folder (the kernel's working folder), the folder of the kernels'
    logs, the figure store the chapters read (a kernel's environment is set when it starts), and
    where the chapters run."""

    notebooks: Path
    log_dir: Path
    figures: Path | None
    execution: Execution = Execution.DEFAULT

    def __post_init__(self) -> None:
        object.__setattr__(self, "execution", Execution(self.execution))   # "processus" as well


def _chapters_environment(figures: Path | None) -> None:
    os.environ.pop("MPLBACKEND", None)
    if figures is not None:                      # read by the chapters (a kernel inherits it)
        os.environ[figure_store.ENV] = str(figures)
    else:
        os.environ.pop(figure_store.ENV, None)


def warm(task: WarmUp) -> None:
    """Set up this worker's shell (:func:`analysis.build.in_process.worker_shell`: the imports of
    the chapters) or start its kernel (:func:`analysis.build.kernels.worker_kernel`) ahead of its
    first edition. Never raises: what fails here is tried again by :func:`work`."""
    _chapters_environment(task.figures)
    try:
        _runner(task.execution, task.notebooks, task.log_dir)
    except Exception:  # noqa: BLE001 - the edition's own try says what went wrong
        kernels.stop_worker_kernel()


def _runner(execution: Execution, notebooks: Path, log_dir: Path):
    """What runs this worker's chapters: its shell, its kept kernel, or None (a fresh kernel for
    each chapter)."""
    if execution is Execution.IN_PROCESS:
        return in_process.worker_shell()
    if execution is Execution.KEPT_KERNEL:
        return kernels.worker_kernel(notebooks, log_dir)
    return None


def work(task: EditionTask) -> EditionAnswer:
    """Build (part of) one edition in a worker process: execute ``task.chapters``, then render when
    ``task.render``. Never raises: the answer holds the outputs or the failure."""
    from analysis.build import editions

    _chapters_environment(task.figures)
    edition = editions.edition_for(task.territory, task.year, task.out_dir)
    edition.folder.mkdir(parents=True, exist_ok=True)
    with _output_into(edition.folder / LOG):
        return _try_twice(task, edition)


@contextmanager
def _output_into(path: Path) -> Iterator[None]:
    """What the worker and its kernel write to their descriptors (stdout and stderr, inherited:
    the renderer's and libraries' chatter, a traceback, what a chapter's C library prints) goes to
    the edition's log, not through the progress bar."""
    log = open(path, "a", encoding="utf-8")
    saved = [os.dup(fd) for fd in (1, 2)]
    for fd in (1, 2):
        os.dup2(log.fileno(), fd)
    try:
        yield
    finally:
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)
        log.close()


def _try_twice(task: EditionTask, edition) -> EditionAnswer:
    """A chapter's own error fails at once; any other (a shell not set up, a kernel's start or
    death, the renderer) gets a second try (with a new kernel, when kernels run the chapters)."""
    first: BuildFailure | None = None
    for _attempt in (1, 2):
        try:
            result = _build(task, edition)
        except Exception as exc:  # noqa: BLE001 - sorted below
            machine = environment.problem(exc, edition.folder)
            if machine is not None:              # a full disk, a read-only folder: the user's to fix
                traceback.print_exc()
                return EditionAnswer(failure=replace(run_failure(task, exc, edition.folder / LOG),
                                                     stage="environment", message=str(machine)))
            if isinstance(exc, BuildError):
                return EditionAnswer(failure=cell_failure(task, exc, attempts=2 if first else 1))
            # kernel start or death, renderer: one more try
            first = first or run_failure(task, exc, edition.folder / LOG)
            traceback.print_exc()                # into the edition's log
            kernels.stop_worker_kernel()
            continue
        timings = dict(result.timings, **({"nouvel_essai": 1.0} if first else {}))
        return EditionAnswer(outputs=dict(result.outputs), timings=timings, warnings=tuple(result.warnings))
    return EditionAnswer(failure=replace(first, attempts=2))


def _build(task: EditionTask, edition):
    from analysis.build import editions

    runner = None
    if task.chapters:
        main, _ = editions.chapters()
        runner = _runner(task.execution, main[0].parent, task.out_dir / str(task.year) / kernels.LOG_DIR)
    return editions.build_edition(edition, task.data_dir, threshold=task.threshold, formats=task.formats,
                                  meta=task.meta, execute=task.chapters, render=task.render,
                                  renderer=task.renderer, runner=runner, included=task.included)


def cell_failure(task: EditionTask, exc: BuildError, attempts: int = 1) -> BuildFailure:
    """A chapter's cell raised (papermill's error, as :class:`BuildError`)."""
    return BuildFailure(task.territory, task.label, "cell", exc.ename, exc.evalue, chapter=exc.notebook,
                        cell=exc.cell, execution_count=exc.execution_count, log=exc.kept, attempts=attempts)


def run_failure(task: EditionTask, exc: Exception, log: Path) -> BuildFailure:
    """An error outside a cell, located at the line that raised it."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    return BuildFailure(task.territory, task.label, "run", type(exc).__name__, str(exc),
                        location=f"{Path(where.filename).name}:{where.lineno}" if where else None, log=log)


def merge(answers: list[EditionAnswer]) -> EditionAnswer:
    """One answer from the answers of a split edition's parts (the first failure wins)."""
    failures = [a.failure for a in answers if a.failure is not None]
    if failures:
        return EditionAnswer(failure=failures[0])
    outputs: dict[str, Path] = {}
    timings: dict[str, float] = {}
    warnings: list[str] = []
    for answer in answers:
        outputs.update(answer.outputs)
        warnings += answer.warnings
        for name, seconds in answer.timings.items():
            timings[name] = max(seconds, timings.get(name, 0.0)) if name in ("notebooks", "nouvel_essai") \
                else seconds
    return EditionAnswer(outputs, timings, warnings=tuple(dict.fromkeys(warnings)))


class Interrupted(Exception):
    """Ctrl-C during :func:`run`: ``unfinished`` lists the jobs that did not finish."""

    def __init__(self, unfinished: list[Job]):
        super().__init__(f"{len(unfinished)} unfinished")
        self.unfinished = unfinished


def start(workers: int, warm_up: WarmUp | None = None) -> ProcessPoolExecutor:
    """``workers`` worker processes; with ``warm_up``, each sets up its shell (or starts its kernel)
    at once, while this process still prepares the run (the package's import, and a kernel's start,
    take ~1.5–2.5 s, most of a single edition's wait). :func:`stop` them when :func:`run` is not
    given them."""
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(os.getpid(),))
    if warm_up is not None:
        for _ in range(workers):                 # one each: a set-up takes longer than a worker's start
            pool.submit(warm, warm_up)
    return pool


def run(jobs: list[Job], workers: int, on_done: Callable[[Job, EditionAnswer], None],
        on_progress: Callable[[str], None] | None = None, pool: ProcessPoolExecutor | None = None) -> None:
    """Run ``jobs`` on ``workers`` processes (those of ``pool``, started earlier by :func:`start`,
    when given); ``on_done(job, answer)`` as each edition finishes (in this process). Raises
    :class:`Interrupted` on Ctrl-C, after stopping the workers."""
    pool = pool or start(workers)
    owner: dict[Future, Job] = {}
    pending: list[Job] = []
    try:
        for job in jobs:
            pending.append(job)
            try:
                for task in ([replace(job.task, chapters=(name,), render=False) for name in job.split]
                             if job.split else [job.task]):
                    _submit(pool, owner, job, task)
            except BrokenProcessPool as exc:         # a worker died already (while it warmed up)
                if not job.futures:
                    pending.remove(job)
                    on_done(job, _worker_failure(job, exc))
        while owner:
            done, _ = wait(list(owner), return_when=FIRST_COMPLETED)
            for future in done:
                job = owner.pop(future)
                job.futures.discard(future)
                job.answers.append(_answer(job, future))
                if job.futures:
                    continue
                answer = merge(job.answers)
                if job.split and not job.rendering and answer.failure is None:
                    job.rendering = True         # every chapter ran: render on one worker
                    if on_progress:
                        on_progress(f"{job.task.territory} : chapitres exécutés, mise en page")
                    try:
                        _submit(pool, owner, job, replace(job.task, chapters=(), render=True))
                        continue
                    except BrokenProcessPool as exc:     # a worker died meanwhile
                        answer = _worker_failure(job, exc)
                pending.remove(job)
                on_done(job, answer)
    except KeyboardInterrupt:
        stop(pool)
        raise Interrupted(pending) from None
    except BaseException:                   # the caller stops the run (data changed, a bug): workers end
        stop(pool)
        raise
    pool.shutdown(wait=True)


#: What the editions not finished say when a worker died (the pool stops with it).
WORKER_DIED = ("un processus de travail s'est arrêté net (un chapitre a fait tomber l'interpréteur, ou la "
               "mémoire est épuisée) ; relancer la même commande reprend les éditions non construites")
#: And when the chapters ran in the workers themselves.
IN_PROCESS_HINT = " ; avec --execution noyau, un chapitre qui fait tomber l'interpréteur n'emporte que son noyau"


def _answer(job: Job, future: Future) -> EditionAnswer:
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a crashed worker
        return _worker_failure(job, exc)


def _worker_failure(job: Job, exc: Exception) -> EditionAnswer:
    message = str(exc)
    if isinstance(exc, BrokenProcessPool):
        message = WORKER_DIED + (IN_PROCESS_HINT if job.task.execution is Execution.IN_PROCESS else "")
    return EditionAnswer(failure=BuildFailure(job.task.territory, job.task.label, "worker",
                                              type(exc).__name__, message))


def _submit(pool, owner: dict, job: Job, task: EditionTask) -> None:
    future = pool.submit(work, task)
    owner[future] = job
    job.futures.add(future)


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started, end the workers now (they kill their kernels, if any)."""
    # The pool keeps its processes in a private mapping (emptied by shutdown); there is no
    # public way to end them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():                  # deaf to SIGTERM (stuck): killed
            process.kill()
            process.join(timeout=5)
