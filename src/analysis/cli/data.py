"""``etat-des-lieux data …``: bring in, check and describe the source files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from analysis.cli.app import DataDir, console, data_app, open_store, out


@data_app.command("import")
def data_import(paths: Annotated[list[Path], typer.Argument(help="Files or folders of official files.")],
                data_dir: DataDir = None,
                demo: Annotated[bool, typer.Option(help="Mark the files as synthetic demo data.")] = False):
    """Take local copies of official files (recognised by name or header) into the data folder."""
    store = open_store(data_dir)

    def show(path, source, state):
        console.print(f"  [green]{state:9}[/] {source.key:17} ← {path}")

    report = store.import_paths(paths, demo=demo, progress=show)
    for path in report.ignored:
        console.print(f"  [yellow]ignored[/]   not a known source: {path}")
    console.print(f"{len(report.added)} added, {len(report.replaced)} replaced, "
                  f"{len(report.unchanged)} unchanged, {len(report.ignored)} ignored → {store.raw}")


@data_app.command("fetch")
def data_fetch(sources: Annotated[list[str] | None, typer.Argument(help="Source keys (default: all with a URL).")] = None,
               data_dir: DataDir = None,
               force: Annotated[bool, typer.Option(help="Download again even if present.")] = False):
    """Download sources from the official portals (progress, resume, sha256, provenance)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from analysis.sources.fetch import fetch_source
    from analysis.sources.registry import get_source

    store = open_store(data_dir)
    keys = sources or [k for k, s in store.registry.items() if s.urls]
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), console=console) as progress:
        for key in keys:
            source = get_source(key, store.registry)
            task = progress.add_task(key, total=None)
            record = fetch_source(store, source, force=force,
                                  progress=lambda done, total: progress.update(task, completed=done, total=total))
            progress.update(task, description=f"{key} ✓ {record.sha256[:12]}")


@data_app.command("status")
def data_status(data_dir: DataDir = None):
    """What is available, for which millésimes, from where."""
    store = open_store(data_dir)
    status = store.status()
    table = Table(title=f"Données dans {store.raw}")
    for column in ("source", "fichier", "millésimes", "origine", "date", "sha256", "licence"):
        table.add_column(column, overflow="fold")
    for row in status.itertuples():
        if not row.disponible:
            table.add_row(row.source, "[dim]absent[/]", "", "", "", "", "")
            continue
        origin = ("[magenta]DÉMO[/] " if row.demo else "") + f"{row.methode}: {row.origine}"
        table.add_row(row.source, row.fichier, row.millesimes, origin, row.date[:10],
                      row.sha256[:12], row.licence)
    out.print(table)


@data_app.command("demo")
def data_demo(data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Data folder of the demo (default: data/demo).")] = None,
              seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 2018,
              year: Annotated[list[int] | None, typer.Option("--year", help="Millésime(s) (default 2018 and 2019).")] = None):
    """Write the synthetic national demo dataset in the official layouts and import it (marked demo)."""
    from analysis.core import config
    from analysis.demo import write_demo_files
    from analysis.sources.store import Store

    target = Path(data_dir) if data_dir else config.data_dir() / "demo"
    files = target / "generated"
    with console.status("génération des données de démonstration…"):
        write_demo_files(files, seed=seed, years=tuple(year or (2018, 2019)))
    report = Store(target).import_paths([files], demo=True)
    console.print(f"[magenta]DÉMO[/] {len(report.stored)} fichiers synthétiques importés → {target / 'raw'} "
                  f"(seed {seed}); utilisez --data-dir {target}")
