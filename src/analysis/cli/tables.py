"""``etat-des-lieux territories`` and ``indicators``: the territorial map and the indicator table."""

from __future__ import annotations

import sys
from enum import StrEnum
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


class Format(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


Territory = Annotated[str, typer.Argument(help="france, region:76, academie:toulouse, departement:31…")]
LevelBelow = Annotated[bool, typer.Option("--level-below", help="Also the territories one level below.")]
FormatOption = Annotated[Format, typer.Option("--format", case_sensitive=False, help="csv | json | xlsx")]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="File (default: standard output for csv/json).")]
Threshold = Annotated[int, typer.Option(min=1, help="Secret statistique: fewer respondents than this (at least 1).")]


@app.command("indicators")
def indicators_cmd(territory: Territory, year: Annotated[int, typer.Option(help="Millésime.")] = 2018,
                   level_below: LevelBelow = False, fmt: FormatOption = Format.csv, output: Output = None,
                   threshold: Threshold = 5, data_dir: DataDir = None):
    """Every indicator of a territory and millésime, with its n.c. rate and the data coverage of
    the territory (``couverture_donnees``: complète, partielle, aucune)."""
    from analysis import indicators
    from analysis.cli import checks
    from analysis.core import territories
    from analysis.core.errors import UsageError
    from analysis.harmonise.millesimes import check_millesime
    from analysis.indicators import export

    fmt = Format(fmt).value
    if output is None and fmt == "xlsx":
        raise UsageError("--format xlsx writes a file: give it with -o FILE.xlsx.")
    if output is not None:
        checks.output_file(output)
    store = open_store(data_dir)
    t = territories.parse_territory(territory, territories.vintage_for_year(year))
    check_millesime(store, year)
    rows = export.select(indicators.load(store, year, threshold=threshold), t, level_below=level_below)
    if output is None:
        sys.stdout.write(rows.to_csv(index=False) if fmt == "csv"
                         else rows.to_json(orient="records", force_ascii=False, indent=1))
        return
    export.write(rows, output, fmt)
    console.print(f"{len(rows)} lignes → {output}")
