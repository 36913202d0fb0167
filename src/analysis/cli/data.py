"""``etat-des-lieux data …``: bring in, check and describe the source files.

Without ``--data-dir``, ``data import`` and ``data fetch`` fill the home data folder (real
files), ``data demo`` its ``demo/`` folder, and each makes the folder it filled the *active* one
(:mod:`analysis.core.config`): the commands and the notebooks then read it with no option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from analysis.cli.app import Command, DataDir, console, data_app, data_lock, open_store, out
from analysis.cli.status import describe_form, show_status, years_text
from analysis.core.errors import AnalysisError, UsageError
from analysis.core.formatting import plural

#: What ``data import`` did with a file: the word shown, its colour, and the count's agreement.
STATES = {"added": ("ajouté", "green", "ajoutés"), "replaced": ("remplacé", "green", "remplacés"),
          "unchanged": ("inchangé", "dim", "inchangés"), "refused": ("refusé", "red", "refusés"),
          "ignored": ("ignoré", "yellow", "ignorés")}


def activate(folder: Path, explicit: bool) -> None:
    """Make ``folder`` the active data folder, unless the user named it for this command only."""
    from analysis.core import config

    if explicit:
        return
    if config.active_data_dir().path != Path(folder).resolve():
        config.set_active_data_dir(folder)
        console.print(f"dossier de données actif : {escape(str(folder))}", highlight=False)


def _files(paths) -> str:
    return ", ".join(str(p) for p in paths)


@data_app.command("import", cls=Command,
                  short_help="Importer des copies locales de fichiers officiels.",
                  help="Copier dans le dossier de données des fichiers officiels (reconnus par leur nom ou leur "
                       "en-tête ; exports CSV, JSON ou Parquet, libellés ou noms de champs), chacun vérifié en entier "
                       "avant d'entrer.")
def data_import(paths: Annotated[list[Path], typer.Argument(help="Fichiers ou dossiers de fichiers officiels.",
                                                            metavar="CHEMIN")],
                data_dir: DataDir = None,
                demo: Annotated[bool, typer.Option(help="Marquer les fichiers comme données de démonstration "
                                                        "synthétiques.")] = False,
                accept_fewer: AcceptFewer = False):
    """Take local copies of official files into the data folder, each checked whole before it enters."""
    from analysis.core import config
    from analysis.sources.replacement import FewerRowsError

    target = data_dir or (config.demo_data_dir() if demo else config.home_data_dir())
    store = open_store(target)

    def show(path, source, state, detail):
        word, colour, _ = STATES[state]
        key = source.key if source else ""
        console.print(f"  [{colour}]{word:9}[/] {key:17} ← {escape(str(path))}", highlight=False, soft_wrap=True)
        if detail:
            console.print("      " + escape(detail.removeprefix(f"fichier {path}, ").removeprefix(
                f"fichier {path}\u00a0: ")).replace("\n", "\n      "), highlight=False, soft_wrap=True)

    with data_lock(store.data_dir, "exclusive"):    # no build reads the folder while files change
        report = store.import_paths(paths, demo=demo, progress=show, accept_fewer=accept_fewer)
    for record in report.added + report.replaced:
        if record.form:
            console.print(f"    {escape(record.file)} : {escape(describe_form(record.form))}"
                          + (f" ; millésimes {years_text(record.millesimes)}" if record.millesimes else ""),
                          highlight=False, soft_wrap=True)
    counts = [plural(len(getattr(report, state)), word, words)
              for state, (word, _, words) in STATES.items() if getattr(report, state)]
    console.print(f"Fichiers : {', '.join(counts) or 'aucun'} → {escape(str(store.raw))}", highlight=False)
    if report.stored:
        activate(store.data_dir, explicit=data_dir is not None)
    if report.failed:
        unknown = [i.path for i in report.ignored if i.explicit]
        parts = []
        if report.refused:
            parts.append(f"refusé (invalide, non importé) : {_files(r.path for r in report.refused)}")
        if unknown:
            parts.append(f"pas une source du rapport : {_files(unknown)}")
        others = ""
        if report.stored:
            n = len(report.stored)
            others = (" ; l'autre fichier a été importé" if n == 1 else
                      f" ; les {plural(n, 'autre fichier', 'autres fichiers')} ont été importés")
        shorter = any(isinstance(e, FewerRowsError) for e in report.errors)
        raise AnalysisError("; ".join(parts) + others + ".\n  → corrigez ou téléchargez à nouveau les "
                            "fichiers nommés ci-dessus (la raison est donnée pour chacun), puis importez-les "
                            "à nouveau" + (" ; un fichier plus court voulu s'importe avec --accept-fewer" if shorter
                                           else "") + ".")


AcceptFewer = Annotated[bool, typer.Option(
    "--accept-fewer", help="Accepter qu'un fichier remplace une copie qui avait plus de lignes ou "
                           "d'établissements (des établissements fermés, un périmètre plus petit).")]
SourceKeys = Annotated[list[str] | None, typer.Argument(
    help="Sources (clés de params/sources.yml ; par défaut : toutes celles qui ont une URL).",
    metavar="SOURCE")]
Url = Annotated[str | None, typer.Option("--url", help="Télécharger la source (une seule) depuis cette URL : "
                                                        "un miroir, le portail d'une académie.")]
Force = Annotated[bool, typer.Option(help="Télécharger à nouveau même si le fichier est présent.")]
DemoDir = Annotated[Path | None, typer.Option("--data-dir", help="Dossier des données de démonstration "
                                                                 "(par défaut : data/demo).")]
Seed = Annotated[int, typer.Option(help="Graine aléatoire : même graine, mêmes fichiers.")]
Years = Annotated[list[int] | None, typer.Option("--year", help="Millésime(s) (par défaut 2018 et 2019).")]


@data_app.command("fetch", cls=Command,
                  short_help="Télécharger les sources depuis les portails officiels.",
                  help="Télécharger les sources depuis les portails officiels (progression, reprise, vérifications, "
                       "sha256, provenance).")
def data_fetch(sources: SourceKeys = None, data_dir: DataDir = None, url: Url = None, force: Force = False,
               accept_fewer: AcceptFewer = False):
    """Download sources from the official portals (progress, resume, checks, sha256, provenance)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from analysis.core import config
    from analysis.sources.fetch import check_fetchable, fetch_source
    from analysis.sources.registry import get_source

    store = open_store(data_dir or config.home_data_dir())
    keys = sources or [k for k, s in store.registry.items() if s.urls]
    if url and len(keys) != 1:
        given = plural(len(keys), "source donnée", "sources données") if sources else "aucune source donnée"
        raise UsageError(f"--url télécharge une seule source ({given}).\n  → nommez-la, par exemple "
                         f"`etat-des-lieux data fetch etic_2d --url {url}`")
    if url and not url.startswith(("http://", "https://")):
        raise UsageError(f"--url {url} : ce n'est pas une URL http(s).\n  → pour un fichier local, utilisez "
                         f"`etat-des-lieux data import {url}`")
    chosen = [get_source(key, store.registry) for key in keys]     # unknown keys fail before any download
    for source in chosen:
        check_fetchable(source, url)
    fetched = 0
    bar = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                   TransferSpeedColumn(), console=console)
    with data_lock(store.data_dir, "exclusive"), bar as progress:
        for source in chosen:
            if store.files(source.key) and not force:
                progress.console.print(f"{source.key} : déjà présent ({escape(store.files(source.key)[0].name)}) ; "
                                       "--force le télécharge à nouveau", highlight=False)
                continue
            task = progress.add_task(source.key, total=None)
            def show(done, total, task=task):
                progress.update(task, completed=done, total=total)

            record = fetch_source(store, source, force=force, url=url, progress=show, accept_fewer=accept_fewer)
            progress.update(task, description=f"{source.key} ✓ {record.sha256[:12]}")
            fetched += 1
    if fetched or store.records():
        activate(store.data_dir, explicit=data_dir is not None)


Details = Annotated[bool, typer.Option("--details", help="Un bloc par fichier : forme, origine complète, "
                                                         "date, sha256.")]


@data_app.command("status", cls=Command,
                  short_help="Dire quel dossier de données est actif et ce qu'il contient.",
                  help="Le dossier de données actif (et s'il s'agit de la démonstration), ce qu'il contient, pour "
                       "quels millésimes, d'où, et si chaque fichier est encore celui qui a été importé.")
def data_status(data_dir: DataDir = None, details: Details = False):
    """Which data folder is active (and whether it is demo), what it holds, for which millésimes,
    from where, and whether each file is still the one imported (readable at 80 columns)."""
    if data_dir is not None and not Path(data_dir).exists():
        raise UsageError(f"--data-dir {data_dir} : ce dossier n'existe pas.\n  → vérifiez le chemin ; "
                         f"`etat-des-lieux data status` sans --data-dir décrit le dossier actif, et "
                         f"`etat-des-lieux data import CHEMIN --data-dir {data_dir}` crée et remplit ce dossier")
    store = open_store(data_dir)
    with data_lock(store.data_dir, "shared"):
        show_status(store, data_dir is not None, out, console, details=details)


def make_demo(target: Path, seed: int = 2018, years=(2018, 2019)):
    """Write the demo dataset into ``target/generated`` and import it (marked demo). Returns the report."""
    from analysis.demo import write_demo_files
    from analysis.sources.store import Store

    files = Path(target) / "generated"
    with console.status("génération des données de démonstration…"):
        write_demo_files(files, seed=seed, years=tuple(years))
    with data_lock(target, "exclusive"):
        report = Store(target).import_paths([files], demo=True).check()
    files = plural(len(report.stored), "fichier synthétique importé", "fichiers synthétiques importés")
    console.print(f"[magenta]DÉMO[/] {files} → {escape(str(Path(target) / 'raw'))} (graine {seed})",
                  highlight=False)
    return report


@data_app.command("demo", cls=Command,
                  short_help="Créer et importer les données de démonstration (synthétiques).",
                  help="Écrire le jeu de données national de démonstration (synthétique, dans la forme des fichiers "
                       "officiels) et l'importer, marqué « démonstration ».")
def data_demo(data_dir: DemoDir = None, seed: Seed = 2018, year: Years = None):
    """Write the synthetic national demo dataset in the official layouts and import it (marked demo)."""
    from analysis.cli.app import check_year
    from analysis.core import config
    from analysis.sources.questionnaires import check_year as modelled

    years = tuple(modelled(check_year(y)) for y in (year or (2018, 2019)))
    target = Path(data_dir) if data_dir else config.demo_data_dir()
    make_demo(target, seed, years)
    if data_dir is None:
        activate(target, explicit=False)
    else:
        console.print(f"dossier non activé (--data-dir) : les autres commandes le lisent avec "
                      f"--data-dir {escape(str(target))}", highlight=False)
