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
from rich.table import Table

from analysis.cli.app import DataDir, console, data_app, open_store, out
from analysis.core.errors import AnalysisError, UsageError

STATE_STYLE = {"added": "green", "replaced": "green", "unchanged": "dim", "refused": "red", "ignored": "yellow"}


def activate(folder: Path, explicit: bool) -> None:
    """Make ``folder`` the active data folder, unless the user named it for this command only."""
    from analysis.core import config

    if explicit:
        return
    if config.active_data_dir().path != Path(folder).resolve():
        config.set_active_data_dir(folder)
        console.print(f"active data folder: {folder}")


@data_app.command("import")
def data_import(paths: Annotated[list[Path], typer.Argument(help="Files or folders of official files.")],
                data_dir: DataDir = None,
                demo: Annotated[bool, typer.Option(help="Mark the files as synthetic demo data.")] = False):
    """Take local copies of official files (recognised by name or header; CSV, JSON or Parquet
    exports, labels or field names) into the data folder, each checked whole before it enters."""
    from analysis.core import config
    from analysis.sources.forms import FileForm

    target = data_dir or (config.demo_data_dir() if demo else config.home_data_dir())
    store = open_store(target)

    def show(path, source, state, detail):
        key = source.key if source else ""
        console.print(f"  [{STATE_STYLE[state]}]{state:9}[/] {key:17} ← {escape(str(path))}",
                      highlight=False, soft_wrap=True)
        if detail:
            console.print("      " + escape(detail.removeprefix(f"file {path}: ")).replace("\n", "\n      "),
                          highlight=False, soft_wrap=True)

    report = store.import_paths(paths, demo=demo, progress=show)
    for record in report.added + report.replaced:
        if record.form:
            console.print(f"    {record.file}: {FileForm.from_dict(record.form).describe()}"
                          + (f"; millésimes {', '.join(map(str, record.millesimes))}" if record.millesimes else ""),
                          highlight=False, soft_wrap=True)
    console.print(f"{len(report.added)} added, {len(report.replaced)} replaced, {len(report.unchanged)} "
                  f"unchanged, {len(report.refused)} refused, {len(report.ignored)} ignored → {store.raw}",
                  highlight=False)
    if report.stored:
        activate(store.data_dir, explicit=data_dir is not None)
    if report.failed:
        unknown = [str(i.path) for i in report.ignored if i.explicit]
        parts = []
        if report.refused:
            parts.append(f"refused (invalid, not imported): {', '.join(str(r.path) for r in report.refused)}")
        if unknown:
            parts.append(f"not a source of the report: {', '.join(unknown)}")
        others = f"; the {len(report.stored)} other file(s) were imported" if report.stored else ""
        raise AnalysisError("; ".join(parts) + others + ".\n  → Fix or download again the files named above "
                            "(the reason is given for each), then import them again.")


SourceKeys = Annotated[list[str] | None, typer.Argument(help="Source keys (default: all with a URL).")]
Url = Annotated[str | None, typer.Option("--url", help="Download the (one) SOURCE from this URL: a mirror, "
                                                        "an académie's portal.")]
Force = Annotated[bool, typer.Option(help="Download again even if present.")]
DemoDir = Annotated[Path | None, typer.Option("--data-dir", help="Data folder of the demo (default: data/demo).")]
Seed = Annotated[int, typer.Option(help="Random seed: same seed, same files.")]
Years = Annotated[list[int] | None, typer.Option("--year", help="Millésime(s) (default 2018 and 2019).")]


@data_app.command("fetch")
def data_fetch(sources: SourceKeys = None, data_dir: DataDir = None, url: Url = None, force: Force = False):
    """Download sources from the official portals (progress, resume, checks, sha256, provenance)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from analysis.core import config
    from analysis.sources.fetch import check_fetchable, fetch_source
    from analysis.sources.registry import get_source

    store = open_store(data_dir or config.home_data_dir())
    keys = sources or [k for k, s in store.registry.items() if s.urls]
    if url and len(keys) != 1:
        raise UsageError(f"--url downloads one source: name it, e.g. `etat-des-lieux data fetch etic_2d "
                         f"--url {url}` (got {len(keys) if sources else 'no'} source(s)).")
    if url and not url.startswith(("http://", "https://")):
        raise UsageError(f"--url {url}: not an http(s) URL. For a local file, use `etat-des-lieux data import {url}`.")
    chosen = [get_source(key, store.registry) for key in keys]     # unknown keys fail before any download
    for source in chosen:
        check_fetchable(source, url)
    fetched = 0
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=console) as progress:
        for source in chosen:
            if store.files(source.key) and not force:
                progress.console.print(f"{source.key}: already present ({store.files(source.key)[0].name}); "
                                       "--force downloads it again", highlight=False)
                continue
            task = progress.add_task(source.key, total=None)
            def show(done, total, task=task):
                progress.update(task, completed=done, total=total)

            record = fetch_source(store, source, force=force, url=url, progress=show)
            progress.update(task, description=f"{source.key} ✓ {record.sha256[:12]}")
            fetched += 1
    if fetched or store.records():
        activate(store.data_dir, explicit=data_dir is not None)


@data_app.command("status")
def data_status(data_dir: DataDir = None):
    """Which data folder is active (and whether it is demo), what it holds, for which millésimes,
    from where, and whether each file is still the one imported."""
    from analysis.core import config

    store = open_store(data_dir)
    active = config.active_data_dir()
    status = store.status()
    demo = store.is_demo()
    chosen = "given by --data-dir" if data_dir else f"active data folder ({active.why})"
    out.print(f"Dossier de données : {store.data_dir} — {chosen}"
              + (" — [magenta]DONNÉES DE DÉMONSTRATION[/]" if demo else ""), highlight=False)
    table = Table(title=f"Données dans {store.raw}")
    for column in ("source", "fichier", "millésimes", "forme", "origine", "date", "sha256", "état"):
        table.add_column(column, overflow="fold")
    for row in status.itertuples():
        if not row.disponible:
            table.add_row(row.source, "[dim]absent[/]", "", "", "", "", "", "")
            continue
        origin = ("[magenta]DÉMO[/] " if row.demo else "") + f"{row.methode}: {escape(str(row.origine))}"
        state = row.etat if row.etat == "ok" else f"[red]{row.etat}[/]"
        table.add_row(row.source, escape(row.fichier), row.millesimes, row.forme, origin,
                      (row.date or "")[:10], row.sha256[:12], state)
    out.print(table)
    stale = status[status["disponible"] & (status["etat"] != "ok")]
    for row in stale.itertuples():
        console.print(f"[red]{row.etat}[/]: {store.raw / row.source / row.fichier} — the indicators are "
                      "computed from the file as it is now; import the official file again "
                      "(`etat-des-lieux data import PATH`) to check it and record its origin.",
                      highlight=False, soft_wrap=True)


@data_app.command("demo")
def data_demo(data_dir: DemoDir = None, seed: Seed = 2018, year: Years = None):
    """Write the synthetic national demo dataset in the official layouts and import it (marked demo)."""
    from analysis.core import config
    from analysis.demo import write_demo_files
    from analysis.sources.questionnaires import check_year
    from analysis.sources.store import Store

    years = tuple(check_year(y) for y in (year or (2018, 2019)))
    target = Path(data_dir) if data_dir else config.demo_data_dir()
    files = target / "generated"
    with console.status("génération des données de démonstration…"):
        write_demo_files(files, seed=seed, years=years)
    report = Store(target).import_paths([files], demo=True).check()
    console.print(f"[magenta]DÉMO[/] {len(report.stored)} fichiers synthétiques importés → {target / 'raw'} "
                  f"(seed {seed})", highlight=False)
    if data_dir is None:
        activate(target, explicit=False)
    else:
        console.print(f"utilisez --data-dir {target}", highlight=False)
