"""What the data cover (their extent), said by ``build`` and ``quickstart``.

A data folder may hold part of France only (the Occitanie files). The report says so chapter by
chapter; the command line says it once, where the user looks:

- an edition whose territory the data do not cover at all (``build departement:75`` with the
  Occitanie files) is refused before any work, naming the départements the data cover and the
  editions to build instead (:func:`refuse_uncovered`, exit status 2);
- an edition they cover in part (the « France » of the Occitanie files) is built, and a warning
  at the end names the territories they cover in full (:func:`partial_warning`); likewise
  ``build --all`` when some of its editions have no data or part of it.

Everything comes from the coverage columns of the indicator table (``couverture_donnees``,
``departements_avec_donnees``, ``departements_total``; :mod:`analysis.harmonise.extent`): a
territory's extent is the most any source covers of it (a département with only the annuaire
has data, if little).
"""

from __future__ import annotations

import pandas as pd

from analysis.core import territories
from analysis.core.errors import MissingDataError
from analysis.core.formatting import plural
from analysis.indicators.results import extents

COLUMNS = ["departements_avec_donnees", "departements_total"]


def extent(results: pd.DataFrame, territory_id: str) -> tuple[int, int]:
    """``(départements with data, départements)`` of one territory; ``(0, 0)`` when it has no row."""
    table = extents(results)
    if territory_id not in table.index:
        return 0, 0
    row = table.loc[territory_id]
    return int(row.iloc[0]), int(row.iloc[1])


def covered_departements(results: pd.DataFrame) -> list[str]:
    """Codes of the départements the data cover (any source)."""
    rows = results[(results["niveau"] == "departement") & (results["departements_avec_donnees"] > 0)]
    return sorted(set(rows["code"].astype(str)))


def covered_editions(results: pd.DataFrame, year: int) -> list[territories.Territory]:
    """The largest editions the data cover in full: France, else the régions académiques, else the
    académies, else the départements covered."""
    table = extents(results)
    full = table[(table[COLUMNS[0]] == table[COLUMNS[1]]) & (table[COLUMNS[1]] > 0)].index
    vintage = territories.vintage_for_year(year)
    for level in territories.LEVELS:
        ids = [i for i in full if i.split(":")[0] == level and territories.RESTRICT not in i]
        if ids:
            return [territories.parse_territory(i, vintage) for i in ids]
    return []


def _instead(editions: list[territories.Territory], command: str) -> str:
    """``command`` with the first covered edition, its label, and the others' ids."""
    first, others = editions[0], [t.id for t in editions[1:4]]
    more = (f" ; aussi : {', '.join(others)}" + (", …" if len(editions) > 4 else "")) if others else ""
    return f"`{command.format(first.id)}` ({first.label}{more})"


def _count(n: int, word: str, words: str) -> str:
    """``que 13 départements``, ``qu'un département``."""
    return f"qu'un {word}" if n == 1 else f"que {plural(n, word, words)}"


def _departements(codes: list[str], limit: int = 15) -> str:
    if not codes:
        return "ne couvrent aucun département"
    shown = ", ".join(codes[:limit]) + (", …" if len(codes) > limit else "")
    return f"ne couvrent {_count(len(codes), 'département', 'départements')} ({shown})"


def refuse_uncovered(results: pd.DataFrame, territory: territories.Territory, year: int, raw) -> None:
    """Raise :class:`MissingDataError` when no source of the data folder covers any département of
    ``territory`` (its report would say « aucune donnée » everywhere)."""
    with_data, _ = extent(results, territory.id)
    if with_data:
        return
    instead = covered_editions(results, year)
    todo = (f"construisez une édition qu'ils couvrent, par exemple "
            f"{_instead(instead, 'etat-des-lieux build {} --year ' + str(year))}, ou importez"
            if instead else "importez")
    raise MissingDataError(
        f"Aucune donnée pour {territory.nom} ({territory.id}) en {year} : les fichiers de {raw} "
        f"{_departements(covered_departements(results))}.\n"
        f"  → {todo} les fichiers officiels qui couvrent {territory.nom} (`etat-des-lieux data import "
        f"CHEMIN`) ; `etat-des-lieux data status` dit ce que contient le dossier de données")


def partial_warning(results: pd.DataFrame, ids: list[str], year: int, *, batch: bool) -> str | None:
    """The warning for editions the data cover in part or not at all (None when all are covered)."""
    table = extents(results).reindex(ids).fillna(0)
    partial = table[(table[COLUMNS[0]] > 0) & (table[COLUMNS[0]] < table[COLUMNS[1]])]
    empty = table[table[COLUMNS[0]] == 0]
    if partial.empty and (empty.empty or not batch):
        return None
    instead = covered_editions(results, year)
    if not batch:
        territory = territories.parse_territory(partial.index[0], territories.vintage_for_year(year))
        with_data, total = (int(v) for v in partial.iloc[0])
        text = (f"l'édition « {territory.label} » est partielle : les données ne couvrent "
                f"{_count(with_data, 'département', 'départements')} sur {total}"
                + (" (ses chiffres « France » sont ceux de ces départements)" if territory.level == "france"
                   else " de son territoire"))
        if instead:
            text += (".\n  → construisez plutôt l'édition d'un territoire couvert en entier : "
                     + _instead(instead, "etat-des-lieux build {} --year " + str(year)))
        return text
    covered = covered_departements(results)
    head = (f"les données ne couvrent {_count(len(covered), 'département', 'départements')} sur "
            f"{extent(results, 'france')[1]}" if covered else "les données ne couvrent aucun département")
    parts = []
    if not empty.empty:
        verb = plural(len(empty), "n'a", "n'ont", with_number=False)
        parts.append(f"{plural(len(empty), 'édition', 'éditions')} sur {len(table)} {verb} aucune donnée "
                     f"({plural(len(empty), 'non construite', 'non construites', with_number=False)})")
    if not partial.empty:
        parts.append(f"{plural(len(partial), 'édition est partielle', 'éditions sont partielles')} "
                     f"({_labels(partial.index, year)})")
    if instead and instead[0].level != "departement":
        todo = ("limitez la construction aux territoires couverts : "
                + _instead(instead, "etat-des-lieux build --all --within {} --year " + str(year)))
    else:
        todo = "construisez les départements couverts un à un : `etat-des-lieux build departement:CODE`"
    return f"{head} : {' ; '.join(parts)}.\n  → {todo}"


def _labels(ids, year: int, limit: int = 3) -> str:
    vintage = territories.vintage_for_year(year)
    shown = [territories.parse_territory(i, vintage).label for i in list(ids)[:limit]]
    return ", ".join(shown) + (", …" if len(ids) > limit else "")
