"""``etat-des-lieux territories`` and ``indicators``: the territorial map and the indicator table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from analysis.cli.app import Command, DataDir, Year, app, console, data_lock, open_store, out, year_option
from analysis.core.errors import UsageError
from analysis.core.formatting import plural
from analysis.core.statuts import SECRET_THRESHOLD

LEVEL_NAMES = {"region": "régions académiques", "academie": "académies", "departement": "départements",
               "perimetre": "périmètres sur mesure", "collectivite": "collectivités territoriales", "france": "France"}


@app.command("territories", cls=Command,
             short_help="Lister les territoires d'un niveau et leur rattachement.",
             help="Les territoires de la carte d'un millésime (régions académiques, académies, départements, "
                  "périmètres sur mesure) et leur rattachement.")
def territories_cmd(level: Annotated[str, typer.Option(
                        help="region, academie, departement, perimetre ou collectivite.")] = "academie",
                    year: Annotated[int, year_option("Millésime : il choisit la carte des académies.")] = 2018):
    """The territorial hierarchy of a millésime's map (régions académiques, académies, départements)."""
    from analysis.core import territories as t

    vintage = t.vintage_for_year(year)
    items = t.list_territories(level, vintage)
    chosen = items[0].level if items else level
    table = Table(title=f"{LEVEL_NAMES.get(chosen, chosen)} — carte {vintage} (millésime {year})")
    for column in ("code", "nom", "identifiant", "rattachement"):
        table.add_column(column)
    for item in items:
        parent = t.parents(item)
        table.add_row(item.code, item.nom, item.id, parent[0].label if parent else "")
    out.print(table)
    console.print(plural(len(items), "territoire", "territoires"))


FORMATS = ("csv", "json", "xlsx")
Territory = Annotated[str, typer.Argument(help="france, region:76, academie:toulouse, departement:31, "
                                               "perimetre:<nom>, collectivite:departement:31, "
                                               "academie:toulouse~college…", metavar="TERRITOIRE",
                                          show_default=False)]
LevelBelow = Annotated[bool, typer.Option("--level-below", help="Aussi les territoires du niveau inférieur.")]
FormatOption = Annotated[str, typer.Option("--format", help="csv, json ou xlsx.")]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="Fichier (par défaut : la sortie standard, "
                                                                     "pour csv et json).")]
Threshold = Annotated[int, typer.Option(help="Secret statistique : en dessous de ce nombre de répondants, "
                                             "aucune valeur n'est publiée (au moins 1).")]


def check_threshold(threshold: int) -> int:
    if threshold < 1:
        raise UsageError(f"--threshold {threshold} : le seuil du secret statistique est un nombre de répondants, "
                         f"au moins 1.\n  → par exemple --threshold {SECRET_THRESHOLD} (la valeur par défaut) : "
                         "moins de répondants, aucune valeur publiée")
    return threshold


@app.command("indicators", cls=Command,
             short_help="Exporter les indicateurs d'un territoire (csv, json, xlsx).",
             help="Tous les indicateurs d'un territoire pour un millésime, avec leur taux de non-communication (n.c.) "
                  "et la couverture des données du territoire (colonne couverture_donnees : complète, partielle ou "
                  "aucune).")
def indicators_cmd(territory: Territory, year: Year = 2018,
                   level_below: LevelBelow = False, fmt: FormatOption = "csv", output: Output = None,
                   threshold: Threshold = SECRET_THRESHOLD, data_dir: DataDir = None):
    """Every indicator of a territory and millésime, with its n.c. rate and the data coverage of
    the territory (column couverture_donnees)."""
    from analysis import indicators
    from analysis.cli import checks
    from analysis.core import territories
    from analysis.harmonise.millesimes import check_millesime
    from analysis.indicators import export

    fmt = str(fmt).strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt} : format inconnu.\n  → choisissez csv, json ou xlsx")
    check_threshold(threshold)
    if output is None and fmt == "xlsx":
        raise UsageError("--format xlsx écrit un fichier.\n  → donnez-le avec -o FICHIER.xlsx")
    if output is not None:
        checks.output_file(output)
    store = open_store(data_dir)
    t = territories.parse_territory(territory, territories.vintage_for_year(year))
    with data_lock(store.data_dir, "shared"):       # one state of the data, never half an import
        check_millesime(store, year)
        results = indicators.load(store, year, threshold=threshold, also=[t])
    rows = export.select(results, t, level_below=level_below)
    export.write(rows, output, fmt, threshold=threshold)
    if output is None:
        return
    console.print(f"{plural(len(rows), 'ligne', 'lignes')} → {escape(str(output))}", highlight=False)
