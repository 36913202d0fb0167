"""What ``build`` says while it builds and when it is done: the summary whose counts agree, each
failure worded from its fields as before they were fields, the log lines and the progress bar."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from analysis.build.outcomes import BatchReport, EditionOutcome
from analysis.build.tasks import BuildFailure
from analysis.cli import build_report
from analysis.core.errors import BuildError


def report_of(statuses: dict[str, int], *, action: str = "execute", interrupted: bool = False) -> BatchReport:
    report = BatchReport(2018, interrupted=interrupted)
    for status, n in statuses.items():
        report.outcomes += [EditionOutcome(f"departement:{status}{i}", "T", "t", action, "", status=status)
                            for i in range(n)]
    report.timings["total"] = 12.34
    return report


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_summary_counts_every_edition_once():
    report = report_of({"built": 2, "rendered": 1, "skipped": 3, "failed": 1, "nodata": 2})
    text = flat(build_report.summary(report))
    assert text == ("9 éditions 2018 : 2 construites, 1 remise en page, 3 à jour (cache), 1 en échec, "
                    "2 sans données (non construites) — 12,3 s")
    assert sum(report.counts().values()) == len(report.outcomes) == 9


def test_the_summary_of_an_interrupted_build_and_of_a_dry_run():
    stopped = report_of({"built": 1, "interrupted": 1}, interrupted=True)
    assert flat(build_report.summary(stopped)).startswith(
        "2 éditions 2018 : 1 construite, 0 remise en page, 0 à jour (cache), 0 en échec, 1 interrompue — ")
    planned = report_of({"planned": 3, "skipped": 1, "failed": 1})
    planned.outcomes[0].action = "render"
    assert flat(build_report.summary(planned)) == ("5 éditions 2018 (simulation) : 2 à exécuter, 1 à remettre en page, "
                                             "1 à jour (cache), 1 impossible")


HERAULT = dict(edition="departement:34", label="Hérault (34)")


def test_a_cell_failure_is_worded_as_the_chapter_error_it_was():
    kept = Path("/r/2018/departement-34/notebooks/02-fin.ipynb")
    failure = BuildFailure(**HERAULT, stage="cell", exception="RuntimeError", message="échec voulu",
                           chapter="02-fin.ipynb", cell=4, execution_count=3, log=kept)
    error = BuildError("02-fin.ipynb", 4, "RuntimeError", "échec voulu", execution_count=3, kept=kept)
    assert build_report.failure_text(failure) == f"Hérault (34) (departement:34) : {error}"
    assert build_report.failure_text(failure) == (
        "Hérault (34) (departement:34) : chapter 02-fin.ipynb failed in cell 4 (execution count 3): "
        f"RuntimeError: échec voulu\n  → the executed notebook, with the traceback, is kept at {kept}")


@pytest.mark.parametrize("failure, expected", [
    (BuildFailure(**HERAULT, stage="run", exception="DeadKernelError", message="Kernel died",
                  location="kernels.py:120", log=Path("/r/.build.log"), attempts=2),
     "Hérault (34) (departement:34) : DeadKernelError: Kernel died (kernels.py:120) (2 essais) — "
     "journal : /r/.build.log"),
    (BuildFailure(**HERAULT, stage="worker", exception="BrokenProcessPool", message="a child died"),
     "Hérault (34) (departement:34) : worker: BrokenProcessPool: a child died"),
    (BuildFailure(**HERAULT, stage="data", exception="", message="aucune ligne dans les indicateurs 2018"),
     "Hérault (34) : aucune ligne dans les indicateurs 2018"),
])
def test_other_failures_keep_their_wording(failure, expected):
    assert build_report.failure_text(failure) == expected


def test_the_report_lists_each_failure(capsys):
    report = report_of({"built": 1})
    failed = EditionOutcome("departement:34", "Hérault (34)", "departement-34", "execute", "")
    failed.fail(BuildFailure(**HERAULT, stage="worker", exception="BrokenProcessPool", message="[boum]"))
    report.outcomes.append(failed)
    assert build_report.show_report(report, single=False) == 1
    err = flat(capsys.readouterr().err)
    assert "2 éditions 2018 : 1 construite, 0 remise en page, 0 à jour (cache), 1 en échec" in err
    assert "1 édition en échec : ✗ Hérault (34) (departement:34) : worker: BrokenProcessPool: [boum]" in err


def test_the_renderers_warnings_are_shown_at_the_end(capsys):
    """Quarto prints them among its progress, in a worker: the build shows them where they are read."""
    report = report_of({"built": 1, "skipped": 1})
    report.renderer = "quarto 1.10.18"
    report.outcomes[0].label = "Hérault (34)"
    report.outcomes[0].warnings = ("WARN: Unknown option 'x'", "[WARNING] Could not fetch resource a.svg")
    assert build_report.render_warnings(report) == ["Hérault (34) : WARN: Unknown option 'x'",
                                                    "Hérault (34) : [WARNING] Could not fetch resource a.svg"]
    assert build_report.show_report(report, single=False) == 0          # warned, not failed
    err = flat(capsys.readouterr().err)
    assert ("2 avertissements du rendu (quarto 1.10.18) : ! Hérault (34) : WARN: Unknown option 'x' "
            "! Hérault (34) : [WARNING] Could not fetch resource a.svg") in err
    assert build_report.render_warnings(report_of({"built": 2})) == []


def test_the_observer_logs_the_plan_and_draws_a_bar_only_while_editions_build():
    console = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=120, log_path=False)
    observer = build_report.ConsoleObserver(console, progress=True)
    observer.say("indicateurs 2018 (tous territoires)")
    observer.on_start(5, 2)
    assert observer.bar is not None and observer.bar.progress.tasks[0].completed == 3
    observer.on_edition(EditionOutcome("departement:48", "Lozère (48)", "departement-48", "execute", ""))
    assert observer.bar.progress.tasks[0].completed == 4
    observer.on_end()
    assert observer.bar is None
    text = flat(console.file.getvalue())
    assert "indicateurs 2018 (tous territoires)" in text and "5 éditions : 2 à construire, 3 à jour ou en échec" in text
    quiet = build_report.ConsoleObserver(console, progress=False)          # a dry run: no bar
    quiet.on_start(1, 1)
    assert quiet.bar is None
    quiet.on_end()
    nothing = build_report.ConsoleObserver(console, progress=True)         # all up to date: no bar
    nothing.on_start(3, 0)
    assert nothing.bar is None


def test_off_a_terminal_no_bar_and_every_line_whole_and_literal():
    """A log file or a pipe (`build … 2>&1 | cat`): no progress bar, no line cut, names as written."""
    console = Console(file=io.StringIO(), force_terminal=False, width=80, log_path=False, emoji=False)
    observer = build_report.ConsoleObserver(console, progress=True)
    observer.on_start(3, 2)
    assert observer.bar is None
    long = "/srv/partage/" + "dossier-aux-rapports/" * 8 + ".jupyter_cache"
    observer.say(f"cache des chapitres {long} indisponible ([red]verrou[/] :x:)")
    lines = console.file.getvalue().splitlines()
    assert f"cache des chapitres {long} indisponible ([red]verrou[/] :x:)" in lines


def test_a_machine_problem_is_the_users_to_fix_said_once_exit_status_2(capsys):
    from analysis.core import environment

    report = report_of({"built": 1})
    problem = str(environment.problem(OSError(28, "No space left on device", "/r/2018/departement-34/x.pdf")))
    for code in ("34", "31"):
        failed = EditionOutcome(f"departement:{code}", f"D ({code})", f"departement-{code}", "execute", "")
        failed.fail(BuildFailure(f"departement:{code}", f"D ({code})", "environment", "OSError", problem))
        report.outcomes.append(failed)
    assert build_report.show_report(report, single=False) == 2
    err = capsys.readouterr().err
    assert flat(err).count("libérez de la place") == 1                 # the fix, once
    assert "✗ D (34) (departement:34) : disque plein : écriture impossible dans /r/2018/departement-34" in flat(err)
    assert "erreur interne" not in err
