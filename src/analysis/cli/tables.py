"""``etat-des-lieux territories`` and ``indicators``: the territorial map and the indicator table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from analysis.cli.app import DataDir, app, console, open_store, out


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

    store = open_store(data_dir)
    t = territories.parse_territory(territory, territories.vintage_for_year(year))
    rows = export.select(indicators.load(store, year, threshold=threshold), t, level_below=level_below)
    if output is None:
        if fmt == "xlsx":
            raise typer.BadParameter("xlsx needs -o FILE")
        sys.stdout.write(rows.to_csv(index=False) if fmt == "csv" else rows.to_json(orient="records", force_ascii=False, indent=1))
        return
    export.write(rows, output, fmt)
    console.print(f"{len(rows)} lignes → {output}")
