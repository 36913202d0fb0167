"""Exports of the indicator table: CSV, JSON and a readable xlsx (one sheet per theme)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import indicators
from analysis.core import territories
from analysis.core.publication import DEMO_BANNER, TITLE
from analysis.core.vocabulary import TYPES
from analysis.indicators.catalogue import themes

COLUMNS = ["territoire", "nom", "annee", "type", "indicateur", "titre", "theme", "unite", "valeur",
           "numerateur", "denominateur", "non_communique", "univers", "taux_nc", "statut",
           "valeur_precedente", "evolution", "couverture_donnees", "departements_avec_donnees",
           "departements_total", "demo"]
NEXT_LEVEL = {"france": "region", "region": "academie", "academie": "departement"}
HEADERS = {"territoire": "Territoire (code)", "nom": "Territoire", "annee": "Millésime",
           "type": "Type d'établissement", "indicateur": "Indicateur (code)", "titre": "Indicateur",
           "unite": "Unité", "valeur": "Valeur", "numerateur": "Numérateur",
           "denominateur": "Dénominateur", "non_communique": "Non communiqué (établissements)",
           "univers": "Univers (établissements)", "taux_nc": "Taux de n.c. (%)", "statut": "Statut",
           "valeur_precedente": "Valeur du millésime précédent", "evolution": "Évolution",
           "couverture_donnees": "Couverture des données (départements du territoire)",
           "departements_avec_donnees": "Départements avec données", "departements_total": "Départements",
           "demo": "Données de démonstration"}


def select(results: pd.DataFrame, territory: territories.Territory, *, level_below: bool = False) -> pd.DataFrame:
    ids = [territory.id]
    if level_below and territory.level in NEXT_LEVEL:
        ids += [c.id for c in territories.children(territory, NEXT_LEVEL[territory.level])]
    rows = results[results["territoire"].isin(ids) & results["type"].isin(TYPES)]
    rows = rows[rows["statut"] != "vide"] if level_below else rows
    order = {i: n for n, i in enumerate(ids)}
    rows = rows.assign(_o=rows["territoire"].map(order)).sort_values(["_o", "indicateur", "type"])
    return rows[[c for c in COLUMNS if c in rows]].reset_index(drop=True)


def write(rows: pd.DataFrame, path: Path, fmt: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        rows.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "json":
        rows.to_json(path, orient="records", force_ascii=False, indent=1)
    elif fmt == "xlsx":
        _xlsx(rows, path)
    else:
        raise ValueError(f"Unknown format '{fmt}': use csv, json or xlsx.")
    return path


def _xlsx(rows: pd.DataFrame, path: Path) -> None:
    demo = bool(rows.get("demo", pd.Series([False])).any())
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        notice = [[f"{TITLE} — indicateurs"],
                  [DEMO_BANNER if demo else
                   "Données ouvertes officielles (voir la provenance dans le rapport)"],
                  ["Parts en %, calculées sur les établissements ayant répondu ; taux de n.c. = "
                   "non-répondants / univers. Valeur vide : statut secret (moins de 5 répondants), "
                   "nc, absent (source indisponible), hors_questionnaire (modalité absente du "
                   "questionnaire de l'année) ou vide (aucun établissement)."]]
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
