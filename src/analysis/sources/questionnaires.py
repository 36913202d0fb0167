"""The questionnaires of the surveys (``resources/questionnaires/*.yml``): the millésimes they
model, the reference date of each millésime's universe, the column mapping and codes.

A millésime exists for the tool only when a questionnaire models it: data of another year are
refused at import, and ``--year`` is checked against :func:`modelled_years` before any work.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import yaml

from analysis.core import config
from analysis.core.errors import InputError, MillesimeError, french_spaces

FOLDER = config.RESOURCES / "questionnaires"
#: The surveys, and the questionnaire of each (also named by ``questionnaire:`` in sources.yml).
SURVEYS = ("etic_2d", "etic_1d")


@cache
def questionnaire(name: str) -> dict:
    path = FOLDER / f"{name}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def years_of(name: str) -> list[int]:
    """The millésimes one questionnaire models."""
    return sorted(int(y) for y in questionnaire(name).get("millesimes") or {})


def modelled_years() -> list[int]:
    """Every millésime some questionnaire models."""
    return sorted({y for name in SURVEYS for y in years_of(name)})


def reference_date(name: str, year: int) -> dt.date | None:
    """The date closing a millésime's universe for one survey (None when not declared)."""
    entry = (questionnaire(name).get("millesimes") or {}).get(int(year)) or {}
    value = entry.get("reference_date")
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def for_year(mapping: dict, year: int):
    """The entry of {first millésime: value} that applies to a millésime (a column that moved,
    codes that changed): the one with the greatest key <= ``year``, else the first."""
    keys = sorted(int(k) for k in mapping)
    applicable = [k for k in keys if k <= year] or keys[:1]
    return mapping[applicable[-1]] if applicable[-1] in mapping else mapping[str(applicable[-1])]


def levels_in_year(variable: str, year: int) -> set[str] | None:
    """The levels a category variable can take in a millésime: the codes its questionnaires use
    that year (``codes``, and none when the question was not asked: ``since``, ``until``), over the
    surveys that model the variable. None when no questionnaire has it as a category (a column of
    the annuaire or of a local source: every level exists every year)."""
    found: set[str] | None = None
    for name in SURVEYS:
        spec = (questionnaire(name).get("variables") or {}).get(variable)
        if not spec or spec.get("kind") != "category" or "codes" not in spec:
            continue
        found = found if found is not None else set()
        if spec.get("since", 0) <= int(year) <= spec.get("until", 9999):
            found |= {str(level) for level in for_year(spec["codes"], int(year)).values()}
    return found


def fix_for(year: int, name: str | None = None) -> str:
    """What to do when a millésime is not modelled (said by every error about it)."""
    files = f"{FOLDER / (name + '.yml')}" if name else f"{FOLDER}/etic_*.yml"
    return (f"Si l'enquête a vraiment un millésime {year}, ajoutez un questionnaire pour {year} : une entrée "
            f"sous `millesimes:` (sa date de référence) dans {files}, et les colonnes ou les codes qui ont "
            f"changé cette année-là (`column: {{{year}: …}}`, `codes: {{{year}: …}}`).")


def check_year(year: int) -> int:
    """``year`` when a questionnaire models it, else :class:`MillesimeError` naming those that do."""
    years = modelled_years()
    if int(year) not in years:
        raise MillesimeError(french_spaces(f"le millésime {year} n'est modélisé par aucun questionnaire "
                                           f"(millésimes modélisés : {', '.join(map(str, years))}).\n"
                                           f"  → {fix_for(year)}"))
    return int(year)


def unknown_code(path, year: int, codes, column: str, line: int, value) -> InputError:
    """The error of an answer code the millésime's questionnaire does not use."""
    return InputError(path, f"code absent du questionnaire {year} (codes possibles : {', '.join(codes)})",
                      column=column, row=line, value=value,
                      hint="Si le questionnaire a changé, ajoutez les nouveaux codes dans "
                           "src/analysis/resources/questionnaires/.")
