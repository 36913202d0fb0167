"""``etablissement:<UAI>``: the établissement a user names, checked, with suggestions.

A UAI is checked by its form and its check letter (:mod:`analysis.core.uai`), then looked up in
the harmonised table of the millésime (the annuaire and the respondents of the surveys). Each
mistake is a :class:`~analysis.core.errors.TerritoryError` in French (exit status 2) that says
what is wrong and suggests UAIs of the data folder: the right check letter, the nearest codes of
the same département, or names that match.
"""

from __future__ import annotations

import difflib

import pandas as pd

from analysis.core.errors import TerritoryError
from analysis.core.uai import check_letter

PREFIX = "etablissement"
ALIASES = ("etablissement", "établissement", "uai", "etab")


def is_spec(spec: str | None) -> bool:
    """Does ``spec`` name an établissement (``etablissement:0310001H``)?"""
    return bool(spec) and str(spec).split(":", 1)[0].strip().lower() in ALIASES and ":" in str(spec)


def _shown(table: pd.DataFrame, uais: list[str]) -> str:
    names = table.set_index("uai")["nom"]
    return ", ".join(f"{PREFIX}:{u} ({names.get(u, '')})" for u in uais)


def _near(table: pd.DataFrame, text: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """UAIs of the table close to ``text``: same first three characters (the département) first."""
    uais = table["uai"].astype(str)
    pool = uais[uais.str[:3] == text[:3]].tolist() or uais.tolist()
    return difflib.get_close_matches(text, pool, n=n, cutoff=cutoff)


def _by_name(table: pd.DataFrame, text: str, n: int = 3) -> list[str]:
    found = table[table["nom"].astype(str).str.contains(text, case=False, regex=False, na=False)]
    return found["uai"].head(n).tolist()


def find(spec: str, table: pd.DataFrame, year: int) -> str:
    """The UAI of ``spec`` (``etablissement:0310001h`` → ``0310001H``), present in ``table``."""
    text = str(spec).split(":", 1)[1].strip().upper()
    given = f"{PREFIX}:{text}"
    hint = "  → un UAI a 7 chiffres et une lettre de contrôle, par exemple etablissement:0310001H"
    if not text:
        raise TerritoryError(f"{PREFIX}: : quel établissement ? Donnez son UAI.\n{hint}")
    known = set(table["uai"])
    if text in known:
        return text
    if len(text) != 8 or not text[:7].isdigit() or not text[7].isalpha():
        names = _by_name(table, str(spec).split(":", 1)[1].strip())
        asked = f"  → vouliez-vous dire {_shown(table, names)} ?\n" if names else ""
        raise TerritoryError(f"{given} : ce n'est pas un UAI (7 chiffres puis une lettre).\n{asked}{hint}")
    expected = check_letter(text[:7])
    if text[7] != expected:
        fixed = text[:7] + expected
        there = fixed in known
        suggestion = [fixed] if there else _near(table, fixed)
        asked = (f"vouliez-vous dire {_shown(table, suggestion)} ?" if suggestion
                 else "vérifiez le code sur l'annuaire de l'éducation.")
        raise TerritoryError(f"{given} : la lettre de contrôle de {text[:7]} est {expected}, pas {text[7]} "
                             f"({fixed}{'' if there else ', absent du dossier de données'}).\n  → {asked}")
    near = _near(table, text) or _near(table, text, cutoff=0.3)
    asked = (f"vouliez-vous dire {_shown(table, near)} ?" if near
             else "vérifiez le code, ou le millésime (--year), ou importez l'annuaire : `etat-des-lieux data status`")
    raise TerritoryError(f"{given} : aucun établissement de ce code dans l'annuaire ni dans les réponses du "
                         f"millésime {year} du dossier de données.\n  → {asked}")
