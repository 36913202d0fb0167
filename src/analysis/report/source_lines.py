"""The source line of a chapter's figures and tables, with its n.c. rates, and the lines said where
there is nothing to draw.

Functions of a chapter ``ch`` (:class:`analysis.report.chapter.Chapter` exposes each as a method:
``ch.source_line(...)``). The n.c. forms are those of :mod:`analysis.core.nc`; a chart is given
the finished line (it prints it as it is).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analysis.core import nc, territories
from analysis.core.formatting import UNIT_SEP
from analysis.core.statuts import Statut
from analysis.core.vocabulary import LEVEL_NOUNS
from analysis.report import narrative

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter


def source_line(ch: Chapter, ind: str, type_: str | Sequence[str] = "ensemble", territory=None) -> str:
    """« Source : ETIC 2018 (27 % n.c.) »; for several types, one rate per type when they differ
    (« 13 % n.c. pour les écoles, 20 % n.c. pour les collèges »). No rate for counts, absent
    sources and the exhaustive annuaire (:func:`analysis.core.nc.stated_rate`)."""
    if isinstance(type_, str):
        row = ch.row(ind, type_, territory)
        return nc.source_line(str(row["source"]), nc.of_row(row) or None)
    frame = ch.rows(ind, type_, territory)
    if frame.empty:
        return nc.source_line(str(ch.row(ind, type_[0], territory)["source"]))
    return source_of(ch, frame)


def source_of(ch: Chapter, frame: pd.DataFrame, *, by: str | None = "type") -> str:  # noqa: ARG001 - a chapter method
    """The source line of some rows, with the rates they state (one per type when they differ)."""
    stated = frame[[nc.stated_rate(r) is not None for _, r in frame.iterrows()]]
    return nc.source_line(list(frame["source"].astype(str)), nc.of_rows(stated, by=by) if len(stated) else None)


def short_name(ch: Chapter, territory) -> str:
    """How a territory is named in a list of rates: "Haute-Garonne", "académie de Toulouse",
    "France", "périmètre" (the edition's custom perimeter)."""
    t = territory if isinstance(territory, territories.Territory) else \
        territories.parse_territory(str(territory), ch.vintage)
    if t.level == "departement":
        return t.nom
    if t.level == territories.PERIMETRE:
        return "périmètre"
    if t.level == territories.COLLECTIVITE:
        return t.label
    return t.label if t.level == "france" else t.label[:1].lower() + t.label[1:]


def comparison_source(ch: Chapter, frame: pd.DataFrame) -> str:
    """The source line of a comparison of territories (rows of several territories, nearest
    first), with the rate of each: « n.c. : Haute-Garonne 12 %, académie de Toulouse 20 % »."""
    rated = [(short_name(ch, r["territoire"]), nc.stated_rate(r)) for _, r in frame.iterrows()]
    return nc.source_line(list(frame["source"].astype(str)),
                          nc.compared([(who, rate) for who, rate in rated if rate is not None]))


def sublevel_source(ch: Chapter, ind: str, type_: str = "ensemble") -> str:
    """The source line of a figure of the sub-territories: the territory's rate and the spread of
    its départements' (« 25 % n.c. ; de 5 à 40 % n.c. selon les départements »)."""
    row = ch.row(ind, type_)
    parts = [nc.of_row(row)]
    kids = ch.sublevel_values(ind, type_)
    rates = [nc.stated_rate(r) for _, r in kids.iterrows()] if len(kids) else []
    rates = [r for r in rates if r is not None]
    if rates and ch.sublevel:
        noun = LEVEL_NOUNS[ch.sublevel]
        spread = nc.spread(rates)
        if spread.startswith("de "):
            parts.append(f"{spread} selon les {noun.plural}")
        elif parts[0] == spread:
            parts[0] += f" dans chaque {noun.singular}"
        else:
            parts.append(f"{spread} dans chaque {noun.singular}")
    return nc.source_line(str(row["source"]), nc.SEP.join(p for p in parts if p) or None)


def no_data(ch: Chapter, ind: str, types: Sequence[str] | None = None) -> str:
    """Why there is nothing to draw for an indicator (« *Accès à internet : secret…* »)."""
    type_ = (list(types) if types else ["ensemble"])[0]
    row = ch.row(ind, type_)
    reason = narrative.missing_reason(row, threshold=ch.threshold) or "aucune valeur publiable"
    return f"*{narrative.capitalize(str(row['titre']))}{UNIT_SEP}: {reason}.*"


def levels_note(ch: Chapter, base: str) -> str | None:
    """« n.d. : moins de 20 %, de 20 à 50 % (modalités absentes du questionnaire de l'année) »,
    under a distribution drawn without them; None when the questionnaire has every level."""
    labels = list(ch.levels_outside_questionnaire(base).values())
    if not labels:
        return None
    outside = Statut.HORS_QUESTIONNAIRE
    words = outside.words if len(labels) < 2 else outside.words.replace("modalité absente", "modalités absentes", 1)
    return f"{outside.mark}{UNIT_SEP}: {', '.join(labels)} ({words})"
