"""``etat-des-lieux build`` and ``quickstart``: editions of the report.

``build SPEC`` and ``build --all`` are one path (:mod:`analysis.build.batch`): the same caches,
the same edition manifests, the same renderer choice. Everything the user gave is checked before
any work (:func:`check_options`, :func:`check_request`): options, the territory (required: a
build never falls back on France silently), the millésime, and that the data cover the
territory at all (:mod:`analysis.cli.extent`). Only then is the renderer said, once, and the
build started; a warning at the end says when the data cover an edition in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from analysis.build.execution import Execution
from analysis.cli import checks, extent
from analysis.cli.app import Command, DataDir, Year, app, console, data_lock, open_store, reports_lock
from analysis.cli.build_report import ConsoleObserver, show_report
from analysis.cli.data import activate, make_demo
from analysis.core.errors import UsageError
from analysis.core.statuts import SECRET_THRESHOLD


def parse_formats(value: str) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; ``typst`` is the PDF. Anything else is refused."""
    from analysis.render.formats import FORMAT_ALIASES, FORMATS, output_formats

    wanted = [f.strip().lower() for f in str(value).split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS and f not in FORMAT_ALIASES]
    if unknown or not wanted:
        raise UsageError(f"--format {value} : {', '.join(unknown) or 'aucun format'} n'est pas une sortie du "
                         f"rapport.\n  → choisissez parmi {', '.join(FORMATS)}, séparés par des virgules "
                         "(par exemple --format html,pdf)")
    return output_formats(wanted)


def check_options(*, formats: str, threshold: int, output: Path, jobs: int | None, renderer: str | None):
    """Every option of ``build``, checked before any work. Returns (formats, output, renderer)."""
    from analysis.cli.tables import check_threshold
    from analysis.render import renderers

    fmts = parse_formats(formats)
    check_threshold(threshold)
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs} : au moins 1 processus.\n  → omettez l'option pour un processus par "
                         "processeur")
    return fmts, checks.output_folder(Path(output).expanduser(), "-o"), renderers.choose(renderer)


@dataclass
class Request:
    """What ``build`` was asked for, checked: one territory, or ``--all`` (levels, within)."""

    year: int
    territory: object = None          # Territory (one edition) or None (--all)
    levels: list[str] | None = None
    within: str | None = None
    results: object = None            # the indicator table of the millésime (extent columns)

    @property
    def batch(self) -> bool:
        return self.territory is None


def check_request(territory: str | None, year: int, *, all_: bool, level, within, data_dir,
                  threshold: int) -> Request:
    """The territory or the selection, the millésime and the data, before any work (exit status 2)."""
    from analysis import indicators
    from analysis.build import batch
    from analysis.core import territories
    from analysis.harmonise.millesimes import check_millesime
    from analysis.sources.store import Store

    vintage = territories.vintage_for_year(year)
    if all_ or level or within:
        if territory:
            raise UsageError(f"build {territory} --all : --all (ou --level, --within) construit toutes les "
                             "éditions d'un niveau, sans territoire.\n  → pour les éditions à l'intérieur de "
                             f"{territory} : `etat-des-lieux build --all --within {territory}` ; pour "
                             f"l'édition {territory} seule : `etat-des-lieux build {territory}`")
        batch.select_editions(year, level, within)          # unknown level or --within: refused now
        request = Request(year, None, level, within)
    elif territory is None:
        raise UsageError("quel territoire ? `build` construit l'édition d'un territoire que vous nommez.\n"
                         "  → par exemple `etat-des-lieux build france`, `build region:76`, "
                         "`build academie:toulouse`, `build departement:31`, `build perimetre:tne-34`, ou "
                         "toutes les éditions : `build --all` ; la liste : `etat-des-lieux territories`")
    else:
        request = Request(year, territories.parse_territory(territory, vintage))
    store = Store(data_dir)
    check_millesime(store, year)
    with console.status(f"indicateurs {year}…"):
        request.results = indicators.load(store, year, threshold=threshold,
                                          also=[] if request.batch else [request.territory])
    if not request.batch:
        extent.refuse_uncovered(request.results, request.territory, year, store.raw)
    return request


def renderer_line(choice) -> str:
    """The renderer a build uses, and why, said once where the build starts."""
    return f"rendu : {choice.title} — {choice.reason}"


Territory = Annotated[str | None, typer.Argument(
    help="france, region:76, academie:toulouse, departement:31, perimetre:<nom>, collectivite:departement:31 "
         "ou etablissement:<UAI> (sa fiche) ; sans territoire : --all.",
    metavar="TERRITOIRE", show_default=False)]
Output = Annotated[Path, typer.Option("-o", "--output", help="Dossier des rapports.")]
Renderer = Annotated[str | None, typer.Option(
    "--renderer", help="quarto ou builtin (par défaut : Quarto ≥ 1.9.18 s'il est sur le PATH ou dans "
                       "$QUARTO_PATH, sinon builtin : pandoc + typst).")]
Levels = Annotated[list[str] | None, typer.Option(
    "--level", help="Avec --all : france, region, academie, departement, perimetre, collectivite (option répétée ou "
                    "valeurs séparées par des virgules).")]
Fiches = Annotated[str | None, typer.Option(
    "--fiches", help="Les fiches établissement : html (par défaut) ou pdf. Avec --all : toutes les fiches du "
                     "millésime ; avec un territoire : son édition et ses fiches (pdf : en un seul fichier).",
    show_default=False)]
Within = Annotated[str | None, typer.Option(
    "--within", help="Avec --all : seulement les territoires à l'intérieur de celui-ci, par exemple region:76.")]


def _flag(name: str, text: str):
    return Annotated[bool, typer.Option(name, help=text)]


@app.command("build", cls=Command,
             short_help="Construire l'édition d'un territoire, ou toutes (--all).",
             help="Construire l'édition d'un territoire (exécuter les notebooks des chapitres, produire HTML et PDF), "
                  "ou avec --all toutes les éditions. Une édition dont les entrées n'ont pas changé n'est pas refaite "
                  "(son manifeste dit pourquoi).")
def build_cmd(territory: Territory = None,
              year: Year = 2018,
              formats: Annotated[str, typer.Option("--format", help="html, pdf ou html,pdf.")] = "html,pdf",
              output: Output = Path("reports"),
              threshold: Annotated[int, typer.Option(help="Seuil du secret statistique (au moins 1 "
                                                          "répondant).")] = SECRET_THRESHOLD,
              data_dir: DataDir = None,
              renderer: Renderer = None,
              all_: _flag("--all", "Toutes les éditions des niveaux choisis (en parallèle, avec une page "
                                   "d'index).") = False,
              level: Levels = None,
              within: Within = None,
              force: _flag("--force", "Refaire même les éditions dont les entrées n'ont pas changé.") = False,
              jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Processus de travail (par défaut : "
                                                                            "un par processeur).")] = None,
              execution: Annotated[Execution, typer.Option(
                  "--execution", help="Où s'exécutent les chapitres : processus (l'interpréteur IPython de "
                                      "chaque processus de travail, le plus rapide), noyau (un noyau Jupyter "
                                      "gardé par processus : un chapitre qui fait tomber l'interpréteur n'emporte "
                                      "que son noyau) ou noyaux-neufs (un nouveau noyau par chapitre).",
                  case_sensitive=False)] = Execution.DEFAULT,
              fresh_kernels: Annotated[bool, typer.Option("--fresh-kernels", hidden=True,
                                                          help="Ancien nom de --execution noyaux-neufs.")] = False,
              dry_run: _flag("--dry-run", "Dire ce qui serait exécuté ou remis en page, et pourquoi, sans "
                                          "rien construire.") = False,
              fiches: Fiches = None):
    """Build one edition (execute the chapter notebooks, render HTML and PDF), or with --all every
    edition; an edition whose inputs did not change is skipped (its manifest says why). With
    ``etablissement:UAI`` or ``--fiches``: the fiches établissement (:mod:`analysis.cli.fiches`)."""
    from analysis.build import batch
    from analysis.build.options import BuildOptions
    from analysis.cli import fiches as fiche_commands

    fiche_format = fiche_commands.check_format(fiches)
    if fiche_commands.names_etablissement(territory) or (fiche_format and all_):
        raise typer.Exit(fiche_commands.build_fiches(
            territory, year, fiche_format or "html", output=output, threshold=threshold, data_dir=data_dir,
            force=force, all_=all_, level=level, within=within, dry_run=dry_run))

    fmts, output, choice = check_options(formats=formats, threshold=threshold, output=output, jobs=jobs,
                                         renderer=renderer)
    options = BuildOptions(formats=fmts, out_dir=output, data_dir=data_dir, threshold=threshold, force=force,
                           jobs=jobs, dry_run=dry_run, renderer=choice,
                           execution=Execution.FRESH_KERNELS if fresh_kernels else execution)
    written_fiches = None
    # One state of the data from the first check to the last chapter; one build per reports folder
    # (taken once the request is checked: a refused one creates nothing).
    with data_lock(open_store(data_dir).data_dir, "shared"):
        request = check_request(territory, year, all_=all_, level=level, within=within, data_dir=data_dir,
                                threshold=threshold)
        with reports_lock(options.reports_dir()):
            console.print(renderer_line(choice), highlight=False)
            observer = ConsoleObserver(console, progress=not dry_run)
            if request.batch:
                report = batch.build_all(year, options, levels=level, within=within, observer=observer)
            else:
                report = batch.build(request.territory.id, year, options, observer=observer)
                if fiche_format and not dry_run:
                    written_fiches = fiche_commands.territory_fiches(
                        request.territory, year, fiche_format, year_dir=options.reports_dir() / str(year),
                        threshold=threshold, data_dir=data_dir, results=request.results)
    code = show_report(report, single=not request.batch)
    if written_fiches:
        fiche_commands.show(written_fiches)
    warning = extent.partial_warning(request.results, [o.territory for o in report.outcomes], year,
                                       batch=request.batch)
    if warning:
        console.print(f"[yellow]attention :[/] {escape(warning)}", highlight=False)
    raise typer.Exit(code)


@app.command("quickstart", cls=Command,
             short_help="Produire le rapport national (données réelles, sinon démonstration).",
             help="Produire le rapport national : avec les données réelles quand elles sont là ou téléchargeables, "
                  "sinon avec les données de démonstration (marquées).")
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
            with data_lock(store.data_dir, "exclusive"):
                for key in ("annuaire", "etic_2d", "etic_1d", "departements_geo"):
                    console.log(f"téléchargement {key}…")
                    fetch_source(store, store.registry[key])
        except (OfflineError, AnalysisError) as exc:
            console.print(f"[yellow]Données officielles indisponibles[/] ({escape(str(exc).splitlines()[0])})",
                          highlight=False)
            console.print("[magenta]→ édition nationale de DÉMONSTRATION[/] (données synthétiques marquées)")
            data_dir = config.demo_data_dir()
            if year not in available_years(Store(data_dir)):
                make_demo(data_dir)
            out_dir = output / "demo"
    activate(data_dir, explicit=False)                # the notebooks then find the same data
    build_cmd("france", year=year, formats="html,pdf", output=out_dir, threshold=SECRET_THRESHOLD, data_dir=data_dir,
              renderer=None, all_=False, level=None, within=None, force=False, jobs=None,
              execution=Execution.DEFAULT, fresh_kernels=False, dry_run=False, fiches=None)
