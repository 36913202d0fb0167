"""``etat-des-lieux build`` and ``quickstart``: editions of the report.

``build SPEC`` and ``build --all`` are one path (:mod:`analysis.build.batch`): the same caches,
the same edition manifests, the same renderer choice. Options are checked before any work
(:func:`check_options`): a mistake costs no indicator computation and no kernel.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli.app import DataDir, app, console, out
from analysis.cli.data import activate, data_demo
from analysis.core.errors import UsageError

FORMATS = ("html", "pdf")


def parse_formats(value: str) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; ``typst`` is the PDF. Anything else is refused."""
    wanted = [f.strip().lower() for f in str(value).split(",") if f.strip()]
    wanted = ["pdf" if f == "typst" else f for f in wanted]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UsageError(f"--format {value}: {', '.join(unknown) or 'empty'} is not an output of the "
                         f"report.\n  → choose among {', '.join(FORMATS)}, comma-separated (e.g. --format html,pdf)")
    return tuple(dict.fromkeys(wanted))


def check_output(folder: Path) -> Path:
    """The reports folder can be created and written (checked before building anything)."""
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: this is a file, not a folder.\n  → name a folder for the reports "
                         f"(it is created if needed), e.g. -o reports")
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"-o {folder}: {existing} is a file, so the folder cannot be created.\n"
                         f"  → name a folder whose parents are folders")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"-o {folder}: {existing} is not writable by you.\n"
                         f"  → choose a folder you can write to, or fix its permissions")
    return folder


def check_options(*, formats: str, threshold: int, output: Path, jobs: int | None, renderer: str | None):
    """Every option of ``build``, checked before any work. Returns (formats, output, renderer)."""
    from analysis.render import quarto

    fmts = parse_formats(formats)
    if threshold < 1:
        raise UsageError(f"--threshold {threshold}: the secret threshold is a number of respondents, at "
                         "least 1.\n  → e.g. --threshold 5 (the default): fewer respondents, no value published")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: at least 1 worker process.\n  → leave it out for one per CPU")
    return fmts, check_output(output), quarto.choose(renderer)


Territory = Annotated[str, typer.Argument(help="france, region:76, academie:toulouse, departement:31…")]
Year = Annotated[int, typer.Option(help="Millésime.")]
Output = Annotated[Path, typer.Option("-o", "--output", help="Reports folder.")]
Renderer = Annotated[str | None, typer.Option(
    "--renderer", help="quarto or builtin (default: Quarto ≥ 1.9.18 when on PATH or in $QUARTO_PATH, "
                       "else builtin: pandoc + typst).")]
Levels = Annotated[list[str] | None, typer.Option(
    "--level", help="With --all: france, region, academie, departement (repeat or comma-separate).")]
Within = Annotated[str | None, typer.Option(
    "--within", help="With --all: only the territories inside this one, e.g. region:76.")]

def _flag(name: str, text: str):
    return Annotated[bool, typer.Option(name, help=text)]


@app.command("build")
def build_cmd(territory: Territory = "france",
              year: Year = 2018,
              formats: Annotated[str, typer.Option("--format", help="html,pdf")] = "html,pdf",
              output: Output = Path("reports"),
              threshold: Annotated[int, typer.Option(help="Secret statistique threshold (at least 1).")] = 5,
              data_dir: DataDir = None,
              renderer: Renderer = None,
              all_: _flag("--all", "Every edition of the chosen levels (in parallel, with an index).") = False,
              level: Levels = None,
              within: Within = None,
              force: _flag("--force", "Rebuild even the editions whose inputs did not change.") = False,
              jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: CPUs)")] = None,
              fresh_kernels: _flag("--fresh-kernels", "A new kernel per chapter, not one per worker.") = False,
              dry_run: _flag("--dry-run", "List what would be executed or re-rendered, and why.") = False):
    """Build one edition (execute the chapter notebooks, render HTML and PDF), or with --all every edition.

    An edition whose inputs did not change is skipped, in both cases (its manifest says why).
    """
    from analysis.build import batch

    fmts, output, choice = check_options(formats=formats, threshold=threshold, output=output, jobs=jobs,
                                         renderer=renderer)
    shown = f"Quarto {choice.version}" if choice.name == "quarto" else "intégré (pandoc + typst)"
    console.print(f"rendu : {shown} — {choice.reason}", highlight=False)
    options = dict(formats=fmts, out_dir=output, data_dir=data_dir, threshold=threshold, force=force,
                   jobs=jobs, reuse_kernel=not fresh_kernels, progress=not dry_run, console=console,
                   log=console.log, dry_run=dry_run, renderer=choice)
    if all_ or level or within:
        report = batch.build_all(year, levels=level, within=within, **options)
    else:
        report = batch.build(territory, year, **options)
    raise typer.Exit(show_report(report, single=not (all_ or level or within)))


def show_report(report, *, single: bool) -> int:
    """Print what was built (paths on standard output), failures, how to resume. Exit code."""
    for outcome in report.outcomes:
        if outcome.status in ("built", "rendered", "skipped") and single:
            for fmt, path in outcome.outputs.items():
                out.print(f"{fmt}: {path}", highlight=False)
        if outcome.status in ("built", "rendered"):
            console.print(f"  [green]{outcome.status:9}[/] {outcome.label} — {outcome.reason}", highlight=False)
        elif outcome.status == "planned":
            out.print(f"  {outcome.action:8} {outcome.territory:24} {outcome.label} — {outcome.reason}",
                      highlight=False)
    if report.index:
        out.print(f"index: {report.index['index']}", highlight=False)
    console.print(report.summary(), highlight=False)
    if report.failures:
        console.print(f"[red]{len(report.failures)} édition(s) en échec :[/]")
        for outcome in report.failures:
            console.print(f"  [red]✗[/] {outcome.error}", highlight=False)
    if report.interrupted:
        finished = len(report.by_status("built")) + len(report.by_status("rendered"))
        command = " ".join(shlex.quote(a) for a in ["etat-des-lieux", *sys.argv[1:]])
        console.print(f"[yellow]interrompu[/] (Ctrl-C) : {finished} édition(s) terminée(s) pendant ce lancement "
                      f"sont enregistrées, {len(report.by_status('interrupted'))} non terminée(s).\n"
                      f"  → pour reprendre, relancez la même commande : {command}\n"
                      f"    (les éditions terminées ne sont pas refaites)", highlight=False)
        return 130
    return 1 if report.failures else 0


@app.command("quickstart")
def quickstart_cmd(year: Year = 2018, output: Output = Path("reports")):
    """Produce the national report: real data when available or downloadable, else the marked demo."""
    from analysis.core import config
    from analysis.core.errors import AnalysisError, OfflineError
    from analysis.harmonise.millesimes import available_years
    from analysis.sources.fetch import fetch_source
    from analysis.sources.store import Store

    store = Store(config.home_data_dir())             # real data live in the home folder
    data_dir, out_dir = store.data_dir, output
    if year not in available_years(store):
        try:
            for key in ("annuaire", "etic_2d", "etic_1d", "departements_geo"):
                console.log(f"téléchargement {key}…")
                fetch_source(store, store.registry[key])
        except (OfflineError, AnalysisError) as exc:
            console.print(f"[yellow]Données officielles indisponibles[/] ({str(exc).splitlines()[0]})")
            console.print("[magenta]→ édition nationale de DÉMONSTRATION[/] (données synthétiques marquées)")
            data_dir = config.demo_data_dir()
            demo_store = Store(data_dir)
            if year not in available_years(demo_store):
                data_demo(data_dir=data_dir, seed=2018, year=None)
            out_dir = output / "demo"
    activate(data_dir, explicit=False)                # the notebooks then find the same data
    build_cmd("france", year=year, formats="html,pdf", output=out_dir, threshold=5, data_dir=data_dir,
              renderer=None, all_=False, level=None, within=None, force=False, jobs=None,
              fresh_kernels=False, dry_run=False)
