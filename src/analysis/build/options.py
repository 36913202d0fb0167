"""What a build is asked to do (:class:`BuildOptions`) and whom it tells how it goes
(:class:`BuildObserver`): the two things the command line hands to :mod:`analysis.build.batch`.

The batch orchestrates only: it says what happens through the observer, and the command line
decides how to show it (:mod:`analysis.cli.build_report`: log lines, a progress bar).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from analysis.build.execution import Execution
from analysis.core import config
from analysis.indicators import SECRET_THRESHOLD
from analysis.render.formats import FORMATS, output_formats

if TYPE_CHECKING:
    from analysis.build.outcomes import EditionOutcome
    from analysis.render.renderers import Renderer


@dataclass(frozen=True)
class BuildOptions:
    """How to build the editions of one run (the same for ``build SPEC`` and ``build --all``)."""

    formats: tuple[str, ...] = FORMATS
    out_dir: Path | None = None             # the reports folder; None: <project>/reports
    data_dir: Path | None = None            # None: the active data folder
    threshold: int = SECRET_THRESHOLD       # the secret statistique: fewer respondents, no value
    force: bool = False                     # execute even the editions whose inputs did not change
    jobs: int | None = None                 # worker processes; None: one per processor
    execution: Execution = Execution.DEFAULT      # where the chapters' cells run
    chapter_cache: bool = True              # take unchanged chapters from jupyter-cache
    figure_store: bool = True               # draw a figure once (report.figure_store), not in every edition
    dry_run: bool = False                   # plan only: say what would be done, and why
    renderer: Renderer | str | None = None  # a renderer, "quarto", "builtin", or None: Quarto if usable
    write_index: bool = True                # the index page and the exports of the millésime
    index_xlsx: bool | None = None          # the xlsx export too; None: yes, but not for build SPEC

    def __post_init__(self) -> None:
        object.__setattr__(self, "formats", output_formats(self.formats))
        object.__setattr__(self, "execution", Execution(self.execution))
        for name in ("out_dir", "data_dir"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value))

    def chosen_renderer(self) -> Renderer:
        """The renderer itself (:func:`analysis.render.renderers.choose` when given by name)."""
        from analysis.render.renderers import choose

        return choose(self.renderer) if self.renderer is None or isinstance(self.renderer, str) else self.renderer

    def reports_dir(self) -> Path:
        """The reports folder, absolute (``reports/`` of the project by default)."""
        return (self.out_dir or config.project_root() / "reports").resolve()


class BuildObserver(Protocol):
    """Told how a build goes, in the main process (the command line shows it)."""

    def say(self, text: str) -> None:
        """A step of the build, in French (``indicateurs 2018 (tous territoires)``)."""

    def on_start(self, total: int, to_build: int) -> None:
        """The editions are planned: ``to_build`` of the ``total`` selected will be built (or, in a
        dry run, would be); the others are up to date, failed before any work, or have no data."""

    def on_edition(self, outcome: EditionOutcome) -> None:
        """One edition finished (built, rendered again, or failed)."""

    def on_end(self) -> None:
        """No edition is being built any more (all done, interrupted, or a dry run planned)."""


class QuietObserver:
    """Tells nobody (the default: tests, notebooks, scripts)."""

    def say(self, text: str) -> None:
        pass

    def on_start(self, total: int, to_build: int) -> None:
        pass

    def on_edition(self, outcome: EditionOutcome) -> None:
        pass

    def on_end(self) -> None:
        pass
