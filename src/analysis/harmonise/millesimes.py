"""The millésimes of the data folder: those its survey files hold, and the check run before any
work that a requested millésime is both modelled and there."""

from __future__ import annotations

from analysis.core.errors import MissingDataError, french_spaces
from analysis.harmonise.inputs import ETIC_SOURCES
from analysis.sources import questionnaires
from analysis.sources.store import Store


def available_years(store: Store) -> list[int]:
    """The millésimes the survey files of the data folder hold."""
    return sorted({y for key in ETIC_SOURCES for y in store.millesimes(key)})


def check_millesime(store: Store, year: int) -> int:
    """``year`` when the questionnaires model it and the data folder has survey answers for it.

    Raises :class:`~analysis.core.errors.MillesimeError` for a millésime no questionnaire models
    (naming the fix), :class:`~analysis.core.errors.MissingDataError` naming the millésimes and
    files that are there otherwise. Cheap (provenance records): run it before any work.
    """
    held = {key: store.millesimes(key) for key in ETIC_SOURCES}
    if any(int(year) in years for years in held.values()):
        return questionnaires.check_year(year)
    present = ", ".join(f"{key}: {', '.join(map(str, years))}" for key, years in held.items() if years)
    others = [key for key in store.registry if key not in ETIC_SOURCES and store.files(key)]
    if present:
        there = f"le dossier de données a les millésimes {', '.join(map(str, available_years(store)))} ({present})"
        todo = (f"choisissez l'un d'eux avec --year, ou importez les fichiers ETIC de {year} "
                f"(`etat-des-lieux data import CHEMIN`).")
    else:
        there = ("le dossier de données n'a aucune réponse ETIC"
                 + (f" (seulement : {', '.join(others)})" if others else " (il est vide)"))
        todo = ("importez les fichiers ETIC (`etat-des-lieux data import CHEMIN` ou `data fetch etic_2d`), "
                "ou créez le jeu de démonstration, marqué comme tel, avec `etat-des-lieux data demo`.")
    modelled = questionnaires.modelled_years()
    if int(year) not in modelled:
        there += (f" ; aucun questionnaire ne modélise d'ailleurs {year} (millésimes modélisés : "
                  f"{', '.join(map(str, modelled))})")
    raise MissingDataError(french_spaces(f"aucune réponse ETIC pour le millésime {year} dans {store.raw} : "
                                         f"{there}.\n  → {todo}"))
