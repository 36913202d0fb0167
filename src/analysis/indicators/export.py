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
    demo = bool(rows.get("demo", pd.Series([False])).any())
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        notice = [[f"{TITLE} — indicateurs"],
                  [DEMO_BANNER if demo else
                   "Données ouvertes officielles (voir la provenance dans le rapport)"],
                  [statuts_notice(threshold)]]
        pd.DataFrame(notice).to_excel(writer, sheet_name="Lisez-moi", index=False, header=False)
        definitions = pd.DataFrame([{"Indicateur (code)": i.id, "Indicateur": i.title, "Thème": themes().get(i.theme),
                                     "Définition": i.definition} for i in indicators.catalogue().values()])
        definitions.to_excel(writer, sheet_name="Définitions", index=False)
        for theme, label in themes().items():
            part = rows[rows["theme"] == theme].drop(columns=["theme"]).rename(columns=HEADERS)
            if len(part):
                part.to_excel(writer, sheet_name=label[:31], index=False)
                sheet = writer.sheets[label[:31]]
                for column in sheet.columns:
                    width = max(len(str(c.value or "")) for c in column[:200])
                    sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
                sheet.freeze_panes = "A2"
