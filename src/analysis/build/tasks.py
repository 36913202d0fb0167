"""What crosses the process boundary of a batch: the task a worker is given (:class:`EditionTask`),
its answer (:class:`EditionAnswer`) and, when it failed, why (:class:`BuildFailure`).

All three are frozen dataclasses of plain values, pickled between the main process
(:mod:`analysis.build.batch`) and its workers (:mod:`analysis.build.workers`, ``spawn``
processes): a worker reads fields, never a key with a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from analysis.build.execution import Execution
from analysis.render.renderers import Renderer

#: Where a build failed:
#: ``data``: refused by the batch before any work (the data have nothing of the territory);
#: ``cell``: a cell of a chapter raised (no second try: it would raise again);
#: ``run``: outside a cell (kernel start or death, renderer), in both tries;
#: ``worker``: the worker process itself died;
#: ``environment``: the machine's (a full disk, a read-only folder): ``message`` says where and
#: what to do (:mod:`analysis.core.environment`); no second try.
Stage = Literal["data", "cell", "run", "worker", "environment"]


@dataclass(frozen=True)
class BuildFailure:
    """Why one edition was not built, field by field (the command line words it:
    :func:`analysis.cli.build_report.failure_text`)."""

    edition: str                            # territory id: "departement:34"
    label: str                              # "Hérault (34)"
    stage: Stage
    exception: str                          # the exception's class name ("" for ``data``)
    message: str                            # its message (for ``data``: why the edition is refused)
    chapter: str | None = None              # the chapter notebook's file name (``cell``)
    cell: int | None = None                 # index of the failing cell in that notebook
    execution_count: int | None = None
    location: str | None = None             # "editions.py:212": the line that raised (``run``)
    log: Path | None = None                 # the executed notebook with its traceback (``cell``) or the
                                            # edition's build log (``run``)
    attempts: int = 1


@dataclass(frozen=True)
class EditionTask:
    """One edition's work for a worker: execute some chapters, then render (either may be skipped)."""

    territory: str                          # territory id
    label: str
    year: int
    out_dir: Path                           # the reports folder
    data_dir: Path
    threshold: int
    formats: tuple[str, ...]
    meta: dict                              # the edition's cover (:func:`analysis.build.editions.render_meta`)
    renderer: Renderer
    included: tuple[str, ...]               # file names of the chapters the edition has
    chapters: tuple[str, ...] = ()          # file names of the chapters to execute; empty: none
    render: bool = True                     # render the edition after them
    execution: Execution = Execution.DEFAULT       # where the chapters' cells run
    figures: Path | None = None             # the figure store the chapters read and fill (report.figure_store)
    # (executed notebook, inputs digest) of the chapters to keep in jupyter-cache once built: read
    # by the main process only (:mod:`analysis.build.chapter_cache`).
    cache_targets: tuple[tuple[Path, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "execution", Execution(self.execution))   # "processus" as well


@dataclass(frozen=True)
class EditionAnswer:
    """What a worker did with an :class:`EditionTask`: outputs and timings, or a failure."""

    outputs: dict[str, Path] = field(default_factory=dict)      # format -> file
    timings: dict[str, float] = field(default_factory=dict)     # step -> seconds
    failure: BuildFailure | None = None
    warnings: tuple[str, ...] = ()                              # the renderer's, shown at the end
