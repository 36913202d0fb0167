"""Exports of the indicator table: CSV, JSON and a readable xlsx (one sheet per theme).

The rows are those of the indicator table as loaded (:func:`analysis.indicators.load`), statut
and ``motif`` included: an export says « absent » with its reason exactly where the report says
« n.d. ». :func:`rows` is the one selection, for ``etat-des-lieux indicators`` and for the exports
of every territory beside the index page (:mod:`analysis.build.site_index`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import indicators
from analysis.core import territories
from analysis.core.publication import DEMO_BANNER, TITLE
from analysis.core.statuts import SECRET_THRESHOLD, Statut
from analysis.core.vocabulary import TYPES
from analysis.indicators.catalogue import themes

COLUMNS = ["territoire", "nom", "annee", "type", "indicateur", "titre", "theme", "unite", "valeur",
           "numerateur", "denominateur", "non_communique", "univers", "taux_nc", "statut", "motif",
           "valeur_precedente", "evolution", "couverture_donnees", "departements_avec_donnees",
           "departements_total", "demo"]
NEXT_LEVEL = {"france": "region", "region": "academie", "academie": "departement"}
HEADERS = {"territoire": "Territoire (code)", "nom": "Territoire", "annee": "Millésime",
           "type": "Type d'établissement", "indicateur": "Indicateur (code)", "titre": "Indicateur",
           "unite": "Unité", "valeur": "Valeur", "numerateur": "Numérateur",
           "denominateur": "Dénominateur", "non_communique": "Non communiqué (établissements)",
           "univers": "Univers (établissements)", "taux_nc": "Taux de n.c. (%)", "statut": "Statut",
           "motif": "Motif (valeur non disponible)",
           "valeur_precedente": "Valeur du millésime précédent", "evolution": "Évolution",
           "couverture_donnees": "Couverture des données (départements du territoire)",
           "departements_avec_donnees": "Départements avec données", "departements_total": "Départements",
           "demo": "Données de démonstration"}


def rows(results: pd.DataFrame, territory_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The published rows of the indicator table, every statut: of ``territory_ids`` in that order
    (default: every territory, France, régions académiques, académies, départements, perimeters),
    then by indicator and type; the columns of :data:`COLUMNS`."""
    kept = results[results["type"].isin(TYPES)]
    if territory_ids is not None:
        kept = kept[kept["territoire"].isin(territory_ids)]
        order = kept["territoire"].map({i: n for n, i in enumerate(territory_ids)})
        kept = kept.assign(_o=order).sort_values(["_o", "indicateur", "type"], kind="stable")
    else:
        order = territories.LEVELS + (territories.PERIMETRE, territories.COLLECTIVITE)
        levels = {level: n for n, level in enumerate(order)}
        kept = kept.assign(_o=kept["niveau"].map(levels)).sort_values(["_o", "code", "indicateur", "type"],
                                                                      kind="stable")
    return kept[[c for c in COLUMNS if c in kept]].reset_index(drop=True)


def select(results: pd.DataFrame, territory: territories.Territory, *, level_below: bool = False) -> pd.DataFrame:
    """The rows of one territory (and of the territories one level below it)."""
    ids = [territory.id]
    if level_below and territory.level in NEXT_LEVEL:
        ids += [c.id for c in territories.children(territory, NEXT_LEVEL[territory.level])]
    return rows(results, ids)


def write(table: pd.DataFrame, path: Path | None, fmt: str, *, threshold: int = SECRET_THRESHOLD) -> Path | None:
    """Write ``table`` (rows of :func:`rows`) as csv, json or xlsx; ``path`` None: csv or json on
    standard output. ``threshold``: the secret threshold the table was computed with (said in
    the workbook's notice)."""
    if path is None:
        sys.stdout.write(table.to_csv(index=False) if fmt == "csv"
                         else table.to_json(orient="records", force_ascii=False, indent=1))
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        table.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "json":
        table.to_json(path, orient="records", force_ascii=False, indent=1)
    elif fmt == "xlsx":
        _xlsx(table, path, threshold)
    else:
        raise ValueError(f"Unknown format '{fmt}': use csv, json or xlsx.")
    return path


def statuts_notice(threshold: int = SECRET_THRESHOLD) -> str:
    """What an empty value means in an export, statut by statut (French)."""
    why = {Statut.SECRET: f"moins de {threshold} répondants",
           Statut.NC: "aucun répondant",
           Statut.ABSENT: "source indisponible pour le millésime ou données ne couvrant pas le territoire : "
                          "voir la colonne motif",
           Statut.HORS_QUESTIONNAIRE: Statut.HORS_QUESTIONNAIRE.words,
           Statut.VIDE: "aucun établissement de ce type"}
    listed = ", ".join(f"{s.value} ({s.mark}, {s.words} : {why[s]})" for s in why)
    return ("Parts en %, calculées sur les établissements ayant répondu ; taux de n.c. = non-répondants / "
            f"univers. Valeur vide selon le statut : {listed}.")


def _xlsx(rows: pd.DataFrame, path: Path, threshold: int) -> None:
    """The workbook, streamed (openpyxl's write-only mode: the national table, ~750 000 cells, in
    half the time pandas' writer took): a notice, the definitions, one sheet per theme with its
    header frozen and its columns as wide as their first 200 values."""
    from openpyxl import Workbook

    demo = bool(rows.get("demo", pd.Series([False])).any())
    book = Workbook(write_only=True)
    notice = book.create_sheet("Lisez-moi")
    for line in (f"{TITLE} — indicateurs",
                 DEMO_BANNER if demo else "Données ouvertes officielles (voir la provenance dans le rapport)",
                 statuts_notice(threshold)):
        notice.append([line])
    append_frame(book.create_sheet("Définitions"), pd.DataFrame(
        [{"Indicateur (code)": i.id, "Indicateur": i.title, "Thème": themes().get(i.theme),
          "Définition": i.definition} for i in indicators.catalogue().values()]))
    for theme, label in themes().items():
        part = rows[rows["theme"] == theme].drop(columns=["theme"]).rename(columns=HEADERS)
        if len(part):
            sheet = book.create_sheet(label[:31])
            _fit_columns(sheet, part)
            sheet.freeze_panes = "A2"
            append_frame(sheet, part)
    book.save(path)


def _fit_columns(sheet, frame: pd.DataFrame, rows: int = 200) -> None:
    """Columns as wide as their header and first values (10 to 60 characters); set before any row
    of a write-only sheet."""
    from openpyxl.utils import get_column_letter

    head = frame.head(rows - 1)
    for n, column in enumerate(frame.columns):
        width = max(len(str(v or "")) for v in [column, *_cells(head[column])])
        sheet.column_dimensions[get_column_letter(n + 1)].width = min(60, max(10, width + 2))


def append_frame(sheet, frame: pd.DataFrame) -> None:
    """Append ``frame`` to a write-only openpyxl sheet: its header, then its rows, a missing value
    as an empty cell (as pandas' ``to_excel`` writes them)."""
    sheet.append([str(c) for c in frame.columns])
    for row in zip(*(_cells(frame[c]) for c in frame.columns)):
        sheet.append(row)


def _cells(column: pd.Series):
    """A column's values as a workbook's cells: Python objects, None where missing."""
    return column.astype(object).where(column.notna(), None).to_numpy()
