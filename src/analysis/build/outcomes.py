"""What became of the editions of a build: one :class:`EditionOutcome` each, in a
:class:`BatchReport` (what :func:`analysis.build.batch.build_editions` returns; the command line
words it: :mod:`analysis.cli.build_report`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analysis.build.tasks import BuildFailure

#: What became of an edition (``EditionOutcome.status``).
STATUSES = ("pending", "built", "rendered", "skipped", "failed", "planned", "interrupted", "nodata")


@dataclass
class EditionOutcome:
    territory: str                  # id: "departement:31"
    label: str
    slug: str
    action: str                     # "skip" | "render" | "execute"
    reason: str
    status: str = "pending"         # "built" | "rendered" | "skipped" | "failed" | "planned" (dry run)
                                    # | "interrupted" | "nodata" (not built: the data do not cover it)
    failure: BuildFailure | None = None
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()      # the renderer's (Quarto's), shown at the end of the build

    def fail(self, failure: BuildFailure) -> None:
        self.status, self.failure = "failed", failure


@dataclass
class BatchReport:
    year: int
    renderer: str = "builtin"       # the renderer's label
    outcomes: list[EditionOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    index: dict[str, Path] = field(default_factory=dict)
    interrupted: bool = False

    def by_status(self, status: str) -> list[EditionOutcome]:
        return [o for o in self.outcomes if o.status == status]

    def counts(self) -> dict[str, int]:
        """Editions by status, every status of :data:`STATUSES` but ``pending`` (0 when none)."""
        return {s: len(self.by_status(s)) for s in STATUSES if s != "pending"}

    @property
    def failures(self) -> list[EditionOutcome]:
        return self.by_status("failed")

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted
