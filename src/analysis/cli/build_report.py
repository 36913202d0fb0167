"""What ``build`` says while it builds and when it is done, in French.

While it builds: :class:`ConsoleObserver` (the batch's :class:`analysis.build.options.BuildObserver`)
logs its steps and draws one progress bar. When it is done: :func:`show_report` prints the
outputs, each edition built, the one-line :func:`summary`, the renderer's warnings
(:func:`render_warnings`), the failures (:func:`failure_text`, field by field from
:class:`analysis.build.tasks.BuildFailure`) and how to resume after Ctrl-C.
"""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING

from rich.markup import escape

from analysis.cli import signals
from analysis.cli.app import console, out
from analysis.core.errors import chapter_failure
from analysis.core.formatting import fmt_number, plural

if TYPE_CHECKING:
    from analysis.build.outcomes import BatchReport, EditionOutcome
    from analysis.build.tasks import BuildFailure

#: What became of an edition (``EditionOutcome.status``) and what a dry run would do (``action``).
STATUS = {"built": "construite", "rendered": "remise en page", "skipped": "à jour"}
ACTION = {"execute": "exécuter", "render": "remettre en page", "skip": "à jour"}


# ----------------------------------------------------------------------------- while it builds
class ProgressBar:
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
        if n:                                   # an edition's name is text, never markup
            self.progress.update(self.task, advance=n, description=escape(description) if description
                                 else self.progress.tasks[0].description)

    def close(self) -> None:
        self.progress.stop()


class ConsoleObserver:
    """The build's steps as log lines on ``console``; with ``progress``, a bar while editions build."""

    def __init__(self, console, *, progress: bool = True):
        self.console = console
        self.progress = progress and console.is_terminal      # a bar is for eyes, not for a log file
        self.bar: ProgressBar | None = None

    def say(self, text: str) -> None:
        """A step, as plain text (names and paths in it are never read as markup): a log line with
        its time on a terminal, one whole line otherwise."""
        if self.console.is_terminal:
            self.console.log(escape(text))
        else:
            self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def on_start(self, total: int, to_build: int) -> None:
        self.say(f"{plural(total, 'édition', 'éditions')} : {to_build} à construire, "
                 f"{total - to_build} à jour ou en échec")
        if self.progress and to_build:
            self.bar = ProgressBar(self.console, total)
            self.bar.advance(total - to_build)

    def on_edition(self, outcome: EditionOutcome) -> None:
        if self.bar:
            self.bar.advance(1, outcome.label)

    def on_end(self) -> None:
        if self.bar:
            self.bar.close()
            self.bar = None


# ----------------------------------------------------------------------------- when it is done
def summary(report: BatchReport) -> str:
    """One line in French, counts agreed: ``13 éditions 2018 : 12 construites, 1 à jour (cache)…``."""
    counts = report.counts()
    editions = f"{plural(len(report.outcomes), 'édition', 'éditions')} {report.year}"
    if counts["planned"]:
        to_run = report.by_status("planned")
        return (f"{editions} (simulation) : {sum(o.action == 'execute' for o in to_run)} à exécuter, "
                f"{sum(o.action == 'render' for o in to_run)} à remettre en page, "
                f"{counts['skipped']} à jour (cache), "
                f"{plural(counts['failed'], 'impossible', 'impossibles')}" + _nodata(counts))
    text = (f"{editions} : {plural(counts['built'], 'construite', 'construites')}, "
            f"{plural(counts['rendered'], 'remise en page', 'remises en page')}, "
            f"{counts['skipped']} à jour (cache), {counts['failed']} en échec")
    text += _nodata(counts)
    if report.interrupted:
        text += f", {plural(counts['interrupted'], 'interrompue', 'interrompues')}"
    return text + f" — {fmt_number(report.timings.get('total', 0), 1)} s"


def _nodata(counts: dict[str, int]) -> str:
    n = counts["nodata"]
    return f", {n} sans données ({plural(n, 'non construite', 'non construites', with_number=False)})" if n else ""


def failure_text(failure: BuildFailure) -> str:
    """Why an edition failed, as one entry of the list of failures."""
    if failure.stage == "data":                 # refused before any work
        return f"{failure.label} : {failure.message}"
    head = f"{failure.label} ({failure.edition}) : "
    if failure.stage == "cell":
        return head + chapter_failure(failure.chapter, failure.cell, failure.exception, failure.message,
                                      failure.execution_count, failure.log)
    if failure.stage == "worker":
        return head + f"worker: {failure.exception}: {failure.message}"
    if failure.stage == "environment":          # the fix is said once, after the list
        return head + failure.message.splitlines()[0]
    at = f" ({failure.location})" if failure.location else ""
    return (head + f"{failure.exception}: {failure.message}{at} ({failure.attempts} essais) — "
            f"journal : {failure.log}")


def render_warnings(report: BatchReport) -> list[str]:
    """What the renderer warned of while it rendered the editions of this build, one line each:
    « Haute-Garonne (31) : WARN: … » (Quarto prints them as it renders; the build shows them at
    its end, where they are read)."""
    return [f"{outcome.label} : {warning}" for outcome in report.outcomes for warning in outcome.warnings]


def show_report(report: BatchReport, *, single: bool) -> int:
    """Print what was built (paths on standard output), failures, how to resume. Exit code."""
    for outcome in report.outcomes:
        if outcome.status in ("built", "rendered", "skipped") and single:
            for fmt, path in outcome.outputs.items():
                out.print(f"{fmt}: {escape(str(path))}", highlight=False)
        if outcome.status in ("built", "rendered"):
            console.print(f"  [green]{STATUS[outcome.status]:14}[/] {escape(outcome.label)} — "
                          f"{escape(outcome.reason)}", highlight=False)
        elif outcome.status == "planned":
            out.print(f"  {ACTION.get(outcome.action, outcome.action):16} {outcome.territory:16} "
                      f"{escape(outcome.label)} — {escape(outcome.reason)}", highlight=False)
    for name, path in sorted(report.index.items(), key=lambda item: item[0] != "index"):  # then csv (, xlsx)
        out.print(f"{name}: {escape(str(path))}", highlight=False)
    console.print(escape(summary(report)), highlight=False)
    warned = render_warnings(report)
    if warned:
        console.print(f"[yellow]{plural(len(warned), 'avertissement', 'avertissements')} du rendu "
                      f"({report.renderer}) :[/]", highlight=False)
        for line in warned:
            console.print(f"  [yellow]![/] {escape(line)}", highlight=False)
    if report.failures:
        console.print(f"[red]{plural(len(report.failures), 'édition en échec', 'éditions en échec')} :[/]",
                      highlight=False)
        for outcome in report.failures:
            console.print(f"  [red]✗[/] {escape(failure_text(outcome.failure))}", highlight=False)
    machine = [o.failure for o in report.failures if o.failure.stage == "environment"]
    if machine:                                 # the machine's to fix: what to do, once; exit status 2
        console.print(f"[red]erreur :[/] {escape(machine[0].message)}", highlight=False, soft_wrap=True)
    if report.interrupted:
        _resume(report)
        return signals.exit_status()
    return 2 if machine else 1 if report.failures else 0


def _resume(report: BatchReport) -> None:
    """After Ctrl-C (or SIGTERM, SIGHUP): what was kept, and the command that resumes."""
    finished = len(report.by_status("built")) + len(report.by_status("rendered"))
    unfinished = len(report.by_status("interrupted"))
    command = " ".join(shlex.quote(a) for a in ["etat-des-lieux", *sys.argv[1:]])
    console.print(f"[yellow]interrompu[/] ({signals.cause()}) : "
                  f"{plural(finished, 'édition terminée', 'éditions terminées')} pendant ce lancement "
                  f"{plural(finished, 'est enregistrée', 'sont enregistrées', with_number=False)}, "
                  f"{plural(unfinished, 'non terminée', 'non terminées')}.\n"
                  f"  → pour reprendre, relancez la même commande : {escape(command)}\n"
                  f"    (les éditions terminées ne sont pas refaites)", highlight=False, soft_wrap=True)
