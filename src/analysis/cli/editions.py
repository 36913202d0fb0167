"""``etat-des-lieux build`` and ``quickstart``: editions of the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli.app import DataDir, app, console, out
from analysis.cli.data import activate, data_demo


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


@app.command("quickstart")
def quickstart_cmd(year: Annotated[int, typer.Option(help="Millésime.")] = 2018,
                   output: Annotated[Path, typer.Option("-o", "--output", help="Reports folder.")] = Path("reports")):
    """Produce the national report: real data when available or downloadable, else the marked demo."""
    from analysis.core import config
    from analysis.core.errors import AnalysisError, OfflineError
    from analysis.harmonise.table import available_years
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
    build_cmd("france", year=year, formats="html,pdf", output=out_dir, threshold=5, data_dir=data_dir)
