"""Command line: `etat-des-lieux` (also `python -m analysis`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from analysis.core.errors import AnalysisError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="État des lieux du numérique éducatif: data, indicators and reports.")
data_app = typer.Typer(no_args_is_help=True, help="Bring in, check and describe the source files.")
app.add_typer(data_app, name="data")
console = Console(stderr=True)
out = Console()

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data folder (default: ./data or $ETAT_DES_LIEUX_DATA).")]


def _store(data_dir):
    from analysis.sources.store import Store

    return Store(data_dir)


@data_app.command("import")
def data_import(paths: Annotated[list[Path], typer.Argument(help="Files or folders of official files.")],
                data_dir: DataDir = None,
                demo: Annotated[bool, typer.Option(help="Mark the files as synthetic demo data.")] = False):
    """Take local copies of official files (recognised by name or header) into the data folder."""
    store = _store(data_dir)

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

    store = _store(data_dir)
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
    store = _store(data_dir)
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


@app.command("quickstart")
def quickstart_cmd(year: Annotated[int, typer.Option(help="Millésime.")] = 2018,
                   output: Annotated[Path, typer.Option("-o", "--output", help="Reports folder.")] = Path("reports")):
    """Produce the national report: real data when available or downloadable, else the marked demo."""
    from analysis.core import config
    from analysis.core.errors import OfflineError
    from analysis.harmonise.table import available_years
    from analysis.sources.fetch import fetch_source
    from analysis.sources.store import Store

    store = Store()
    data_dir, out_dir = store.data_dir, output
    if year not in available_years(store):
        try:
            for key in ("annuaire", "etic_2d", "etic_1d", "departements_geo"):
                console.log(f"téléchargement {key}…")
                fetch_source(store, store.registry[key])
        except (OfflineError, AnalysisError) as exc:
            console.print(f"[yellow]Données officielles indisponibles[/] ({str(exc).splitlines()[0]})")
            console.print("[magenta]→ édition nationale de DÉMONSTRATION[/] (données synthétiques marquées)")
            data_dir = config.data_dir() / "demo"
            demo_store = Store(data_dir)
            if year not in available_years(demo_store):
                data_demo(data_dir=data_dir, seed=2018, year=None)
            out_dir = output / "demo"
    build_cmd("france", year=year, formats="html,pdf", output=out_dir, threshold=5, data_dir=data_dir)


@app.command("territories")
def territories_cmd(level: Annotated[str, typer.Option(help="region | academie | departement")] = "academie",
                    year: Annotated[int, typer.Option(help="Millésime: chooses the académie map.")] = 2018):
    """The territorial hierarchy of a millésime's map (régions académiques, académies, départements)."""
    from analysis.core import territories as t

    vintage = t.vintage_for_year(year)
    table = Table(title=f"{level} — carte {vintage} (millésime {year})")
    for column in ("code", "nom", "identifiant", "rattachement"):
        table.add_column(column)
    items = t.list_territories(level, vintage)
    for item in items:
        parent = t.parents(item)
        table.add_row(item.code, item.nom, item.id, parent[0].label if parent else "")
    out.print(table)
    console.print(f"{len(items)} territoires")


@app.command("indicators")
def indicators_cmd(territory: Annotated[str, typer.Argument(help="france, region:76, academie:toulouse, departement:31…")],
                   year: Annotated[int, typer.Option(help="Millésime.")] = 2018,
                   level_below: Annotated[bool, typer.Option("--level-below", help="Also the territories one level below.")] = False,
                   fmt: Annotated[str, typer.Option("--format", help="csv | json | xlsx")] = "csv",
                   output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: standard output for csv/json).")] = None,
                   threshold: Annotated[int, typer.Option(help="Secret statistique: fewer respondents than this.")] = 5,
                   data_dir: DataDir = None):
    """Every indicator of a territory and millésime, with its n.c. rate."""
    from analysis import indicators
    from analysis.core import territories
    from analysis.indicators import export

    store = _store(data_dir)
    t = territories.parse_territory(territory, territories.vintage_for_year(year))
    rows = export.select(indicators.load(store, year, threshold=threshold), t, level_below=level_below)
    if output is None:
        if fmt == "xlsx":
            raise typer.BadParameter("xlsx needs -o FILE")
        sys.stdout.write(rows.to_csv(index=False) if fmt == "csv" else rows.to_json(orient="records", force_ascii=False, indent=1))
        return
    export.write(rows, output, fmt)
    console.print(f"{len(rows)} lignes → {output}")


@app.command("build")
def build_cmd(territory: Annotated[str, typer.Argument(help="france, region:76, academie:toulouse, departement:31…")] = "france",
              year: Annotated[int, typer.Option(help="Millésime.")] = 2018,
              formats: Annotated[str, typer.Option("--format", help="html,pdf")] = "html,pdf",
              output: Annotated[Path, typer.Option("-o", "--output", help="Reports folder.")] = Path("reports"),
              threshold: Annotated[int, typer.Option(help="Secret statistique threshold.")] = 5,
              data_dir: DataDir = None,
              all_: Annotated[bool, typer.Option("--all", help="Every edition of the chosen levels (cached, in parallel, with an index).")] = False,
              level: Annotated[list[str] | None, typer.Option("--level", help="With --all: france, region, academie, departement (repeat or comma-separate).")] = None,
              within: Annotated[str | None, typer.Option("--within", help="With --all: only the territories inside this one, e.g. region:76.")] = None,
              force: Annotated[bool, typer.Option("--force", help="With --all: rebuild even the editions whose inputs did not change.")] = False,
              jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="With --all: worker processes (default: number of CPUs).")] = None,
              fresh_kernels: Annotated[bool, typer.Option("--fresh-kernels", help="With --all: a new kernel per chapter instead of one reset kernel per worker.")] = False,
              dry_run: Annotated[bool, typer.Option("--dry-run", help="With --all: list what would be executed or re-rendered, and why; build nothing.")] = False):
    """Build one edition (execute the chapter notebooks, render HTML and PDF), or with --all every edition."""
    import time

    from analysis.build import editions as pipeline

    if all_ or level or within or dry_run:
        from analysis.build.batch import cli_build_all

        code = cli_build_all(year, levels=level, within=within, formats=formats, out_dir=output,
                             data_dir=data_dir, threshold=threshold, force=force, jobs=jobs,
                             reuse_kernel=not fresh_kernels, dry_run=dry_run, console=console, out=out)
        raise typer.Exit(code)
    start = time.perf_counter()
    with console.status("…") as status:
        result = pipeline.build(territory, year, formats=tuple(f.strip() for f in formats.split(",")),
                                out_dir=output, data_dir=data_dir, threshold=threshold,
                                progress=lambda message: (status.update(message), console.log(message)))
    for fmt, path in result.outputs.items():
        out.print(f"{fmt}: {path}")
    console.print(f"{result.edition.territory.label} {year} en {time.perf_counter() - start:.1f} s "
                  f"(notebooks : {result.edition.notebooks_dir})")


def main() -> None:
    try:
        app()
    except AnalysisError as exc:
        console.print(f"[red]error:[/] {exc}")
        sys.exit(2)
    except ValueError as exc:          # TerritoryError and friends carry a user-facing message
        if type(exc).__module__.startswith("analysis"):
            console.print(f"[red]error:[/] {exc}")
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
