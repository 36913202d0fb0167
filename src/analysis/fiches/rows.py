"""What a fiche says of its établissement, computed for every établissement at once.

A fiche's lines are the questions of the indicator catalogue (:func:`questions`): a share or a
count is a yes/no answer of the établissement (« oui », « non »), a ratio its own number, a
distribution the level it chose. They are read from the same per-establishment contributions as
the indicator table (:func:`analysis.indicators.compute.contributions`), so that an answer and
the value of its territories are the same question:

- ``U`` the établissement is in the question's universe (else the line is « – », sans objet:
  a private école is outside ETIC),
- ``A`` it answered (else « non renseigné »),
- ``N``, ``D`` its numerator and denominator (its answer: ``N > 0``, or the ratio ``N / D``).

Beside each answer, the value of its département, its académie and France for its type comes
from the indicator table as it is (:func:`peer_cells`): its statut is the report's, so a value
with fewer respondents than the threshold is « s. » there as in the report. Its place among the
établissements of its type in its département (:func:`quarters`) is given for numbers only, and
only where at least as many établissements as the secret threshold answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core import nc
from analysis.core.formatting import fmt_ordinal, fmt_value
from analysis.core.statuts import EMPTY, PARTIAL_MARK, SECRET, SECRET_THRESHOLD, Extent, Statut
from analysis.indicators.catalogue import Indicator, catalogue, source_labels, themes
from analysis.indicators.compute import contributions, outside_questionnaire

#: Kinds of question: a yes/no answer, a number of the établissement, a level of a distribution.
YES_NO, NUMBER, LEVEL = "oui_non", "nombre", "modalite"
#: What a fiche prints where the établissement did not answer a question of its universe.
NOT_ANSWERED = "non renseigné"
YES, NO = "oui", "non"
#: Codes of :attr:`Answers.state`: outside the universe, not answered, answered, not available.
OUTSIDE, MISSING, ANSWERED, UNAVAILABLE = 0, 1, 2, 3
#: The territories a fiche compares its établissement with, nearest first (harmonised columns).
PEER_LEVELS = ("departement", "academie")


@dataclass(frozen=True)
class Question:
    """One line of a fiche: an indicator of the catalogue, or a distribution with its levels."""

    id: str
    title: str
    theme: str
    source: str
    kind: str
    unit: str
    members: tuple[Indicator, ...]
    comparable_since: int | None = None

    @property
    def types(self) -> tuple[str, ...]:
        return self.members[0].types

    def level_labels(self) -> list[str]:
        return [m.level_label or m.level or "" for m in self.members]


def questions() -> list[Question]:
    """The lines of a fiche, by theme in the report's order: every share, ratio and count of the
    catalogue on the établissements, but the périmètre (the identity says it) and the indicators
    restricted to part of the universe (``filter``: the same question on fewer établissements)."""
    cat = catalogue()
    found: dict[str, Question] = {}
    for ind in cat.values():
        if ind.theme == "perimetre" or ind.spec.get("filter") or ind.kind not in ("share", "ratio", "count"):
            continue
        if ind.base and ind.base != ind.id:
            if ind.base in found:
                previous = found[ind.base]
                found[ind.base] = Question(previous.id, previous.title, previous.theme, previous.source, LEVEL,
                                           previous.unit, previous.members + (ind,), previous.comparable_since)
            else:
                found[ind.base] = Question(ind.base, ind.title, ind.theme, ind.source, LEVEL, ind.unit, (ind,),
                                           ind.comparable_since)
            continue
        kind = NUMBER if ind.kind == "ratio" else YES_NO
        found[ind.id] = Question(ind.id, ind.title, ind.theme, ind.source, kind, ind.unit, (ind,),
                                 ind.comparable_since)
    order = {theme: n for n, theme in enumerate(themes())}
    return sorted(found.values(), key=lambda q: order.get(q.theme, len(order)))


def source_label(question: Question, year: int) -> str:
    """« ETIC 2018 »: the source and millésime of a line."""
    return f"{source_labels().get(question.source, question.source)} {year}"


@dataclass
class Answers:
    """Every établissement's answer to every question, for one millésime (index: the UAIs).

    ``state`` holds one of :data:`OUTSIDE`, :data:`MISSING`, :data:`ANSWERED`,
    :data:`UNAVAILABLE` per établissement and question; ``value`` the answer where answered
    (1/0 for yes/no, the number, or the position of the level among the question's members)."""

    year: int
    state: pd.DataFrame
    value: pd.DataFrame


def _available(table: pd.DataFrame, question: Question, year: int, outside: set[str],
               whole: pd.DataFrame) -> np.ndarray:
    """Per établissement of ``table``: does its type's source hold data for the millésime at all
    (read on ``whole``, the millésime's whole table: ``table`` may be a part of it)?"""
    if all(m.id in outside for m in question.members):
        return np.zeros(len(table), dtype=bool)
    if question.source == "etic":
        respondents = whole["repondant_etic"].fillna(False).astype(bool)
        present = set(whole.loc[respondents, "type"].dropna())
        return table["type"].isin(present).to_numpy()
    if question.source == "couverture":
        on = bool(whole["couverture_disponible"].any()) if "couverture_disponible" in whole else False
        return np.full(len(table), on)
    if question.source == "experimentations":
        on = bool(whole["colleges_lab"].notna().any()) if "colleges_lab" in whole else False
        return np.full(len(table), on)
    return np.ones(len(table), dtype=bool)


def answers(table: pd.DataFrame, year: int, qs: list[Question] | None = None,
            whole: pd.DataFrame | None = None) -> Answers:
    """The answers of every établissement of the harmonised ``table`` of ``year`` (``whole``: the
    millésime's whole table, when ``table`` is a part of it)."""
    qs = questions() if qs is None else qs
    whole = table if whole is None else whole
    outside = outside_questionnaire(catalogue(), year)
    states, values = {}, {}
    for q in qs:
        available = _available(table, q, year, outside, whole)
        if q.kind == LEVEL:
            universe = np.zeros(len(table), dtype=bool)
            answered = np.zeros(len(table), dtype=bool)
            value = np.full(len(table), np.nan)
            for position, member in enumerate(q.members):
                U, A, N, _ = contributions(table, member)
                universe |= U
                answered |= A
                value[(N > 0) & np.isnan(value)] = position
            answered &= ~np.isnan(value)
        else:
            U, A, N, D = contributions(table, q.members[0])
            universe, answered = U, A
            if q.kind == NUMBER:
                with np.errstate(divide="ignore", invalid="ignore"):
                    value = N / D * (100 if q.members[0].spec.get("percent") else 1)
            else:
                value = (N > 0).astype(float)
            value = np.where(answered, value, np.nan)
        state = np.where(universe, np.where(answered, ANSWERED, MISSING), OUTSIDE)
        states[q.id] = np.where(available | (state == OUTSIDE), state, UNAVAILABLE).astype(np.int8)
        values[q.id] = value
    index = pd.Index(table["uai"], name="uai")
    return Answers(year, pd.DataFrame(states, index=index), pd.DataFrame(values, index=index))


def printed(found: Answers, qs: list[Question]) -> pd.DataFrame:
    """The answers as a fiche prints them (« oui », « 4,5 », « de 2 à 10 Mbit/s »,
    « non renseigné », « – », « n.d. »), one column per question."""
    out = {}
    for q in qs:
        state = found.state[q.id].to_numpy()
        value = found.value[q.id]
        if q.kind == YES_NO:
            shown = np.where(value.to_numpy() > 0, YES, NO)
        elif q.kind == LEVEL:
            labels = np.array(q.level_labels() + [""], dtype=object)
            shown = labels[value.fillna(len(labels) - 1).astype(int).to_numpy()]
        else:
            unique = value.dropna().unique()
            texts = {v: fmt_value(v, q.unit) for v in unique}
            shown = value.map(texts).to_numpy(dtype=object)
        out[q.id] = np.select([state == ANSWERED, state == MISSING, state == OUTSIDE],
                              [shown, NOT_ANSWERED, EMPTY], default=Statut.ABSENT.mark)
    return pd.DataFrame(out, index=found.state.index)


def quarters(table: pd.DataFrame, found: Answers, qs: list[Question],
             threshold: int = SECRET_THRESHOLD) -> pd.DataFrame:
    """The place of each établissement among those of its type in its département that answered
    a number question: « 1er quart » (the lowest quarter of values) to « 4e quart »; « s. » when
    fewer than ``threshold`` answered; empty for questions that are not numbers or not answered."""
    groups = [table["departement"].to_numpy(), table["type"].to_numpy()]
    out = {}
    for q in qs:
        if q.kind != NUMBER:
            continue
        value = pd.Series(found.value[q.id].to_numpy(), index=table.index)
        rank = value.groupby(groups, dropna=False).rank(pct=True, method="average")
        count = value.groupby(groups, dropna=False).transform("count")
        quarter = np.ceil(rank.to_numpy() * 4).clip(1, 4)
        labels = np.array(["", *(f"{fmt_ordinal(n)} quart" for n in range(1, 5))], dtype=object)
        shown = labels[np.nan_to_num(quarter, nan=0).astype(int)]
        shown = np.where(value.notna() & (count < threshold), SECRET, shown)
        out[q.id] = shown
    return pd.DataFrame(out, index=found.state.index)


def peer_cells(results: pd.DataFrame, qs: list[Question]) -> dict[tuple[str, str, str], str]:
    """The value of every territory of the levels a fiche compares with, for every type and
    indicator of the questions, as the report prints it with its n.c. rate (« 98 % (27 % n.c.) »,
    « s. », « n.d. »; « 98 %‡ » for a territory the data cover in part), keyed by (territory id,
    type, indicator id)."""
    ids = {m.id for q in qs for m in q.members}
    rows = results[results["niveau"].isin(("france",) + PEER_LEVELS) & results["indicateur"].isin(ids)]
    if "couverture_donnees" not in rows:
        rows = rows.assign(couverture_donnees=None)
    out = {}
    for row in rows.itertuples(index=False):
        value = fmt_value(row.valeur, row.unite, reason=row.statut)
        if row.couverture_donnees == Extent.PARTIAL and Statut.parse(row.statut) is Statut.OK:
            value += PARTIAL_MARK                    # the value of the covered part only, as in the report
        paren = nc.paren({"taux_nc": row.taux_nc, "unite": row.unite, "theme": row.theme, "indicateur": row.indicateur})
        if paren and Statut.parse(row.statut) in (Statut.OK, Statut.SECRET):
            value = f"{value} {paren}"
        out[(row.territoire, row.type, row.indicateur)] = value
    return out


def breaks(qs: list[Question], years: list[int]) -> dict[str, int]:
    """The questions whose comparability breaks within ``years``: the first millésime of the new
    question (shown with :data:`~analysis.core.statuts.BREAK_MARK`), when an earlier millésime is shown too."""
    out = {}
    for q in qs:
        since = q.comparable_since
        if since and any(y < since for y in years) and any(y >= since for y in years):
            out[q.id] = min(y for y in years if y >= since)
    return out
