"""The millésimes of the data folder: those its survey files hold, and the check run before any
work that a requested millésime is both modelled and there."""

from __future__ import annotations

from analysis.core.errors import MissingDataError
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
        there = f"the data folder has the millésimes {', '.join(map(str, available_years(store)))} ({present})"
        todo = (f"Choose one of them with --year, or import the ETIC files of {year} "
                f"(`etat-des-lieux data import PATH`).")
    else:
        there = ("the data folder has no ETIC answers at all"
                 + (f" (only: {', '.join(others)})" if others else " (it is empty)"))
        todo = ("Import the ETIC files (`etat-des-lieux data import PATH` or `data fetch etic_2d`), "
                "or build the marked demo dataset with `etat-des-lieux data demo`.")
    modelled = questionnaires.modelled_years()
    if int(year) not in modelled:
        there += (f"; no questionnaire models {year} either (modelled: {', '.join(map(str, modelled))})")
    raise MissingDataError(f"No ETIC answers for millésime {year} in {store.raw}: {there}.\n  → {todo}")
