"""Why a row of the indicator table has no value, in French, where its statut alone does not say:
the ``motif`` column, written once where the table is made so that the report, the exports and
the command line give the same reason.

Two reasons are written here (the others follow from the statut, :mod:`analysis.core.statuts`):

- the data folder does not cover the row's territory at all (:data:`~analysis.core.statuts.UNCOVERED`,
  :func:`analysis.indicators.results.mark_uncovered`);
- a local source (``params/sources/``) gives nothing for the territory (:func:`local_motifs`): the
  files of its group that could cover the type are looked at in turn — absent from the data
  folder, undated, declared for other départements, académies or régions, or without the
  millésime.
"""

from __future__ import annotations

import pandas as pd

from analysis.core import territories
from analysis.core.formatting import UNIT_SEP
from analysis.core.statuts import Statut
from analysis.core.vocabulary import COMBINED, ENSEMBLE_TYPES, join, subject, the_territory
from analysis.indicators.catalogue import catalogue, source_labels


def local_motifs(results: pd.DataFrame, store, year: int) -> pd.DataFrame:
    """``results`` with the ``motif`` of the rows of local indicators without a source here."""
    cat = catalogue()
    local = results["indicateur"].map(lambda i: bool(cat[i].local) if i in cat else False)
    todo = results["statut"].eq(Statut.ABSENT) & results["motif"].isna() & local
    if not todo.any():
        return results
    out = results.copy()
    vintage = territories.vintage_for_year(year)
    why = LocalAbsence(store, year, vintage, _survey_types(results))
    keys = zip(out.loc[todo, "indicateur"].map(lambda i: cat[i].extent_family), out.loc[todo, "type"],
               out.loc[todo, "territoire"])
    out.loc[todo, "motif"] = [why(group, type_, tid) or pd.NA for group, type_, tid in keys]
    return out


def _survey_types(results: pd.DataFrame) -> tuple[str, ...]:
    """The types the ETIC surveys of the millésime ask (France's rows of the survey's field)."""
    rows = results[(results["territoire"] == "france") & (results["indicateur"] == "perimetre.champ_etic")]
    present = set(rows.loc[rows["statut"] != Statut.ABSENT, "type"])
    return tuple(t for t in ENSEMBLE_TYPES if t in present)


class LocalAbsence:
    """The reason of a local source group's absence for a type in a territory, once per key."""

    def __init__(self, store, year: int, vintage: str, survey_types: tuple[str, ...]):
        self.store, self.year, self.vintage, self.survey_types = store, year, vintage, survey_types
        self.held = {r.source: r for r in store.records()}
        self._done: dict[tuple[str, str, str], str] = {}

    def __call__(self, group: str, type_: str, territory_id: str) -> str:
        key = (group, type_, territory_id)
        if key not in self._done:
            self._done[key] = self._reason(group, type_, territory_id)
        return self._done[key]

    def _reason(self, group: str, type_: str, territory_id: str) -> str:
        files = [s for s in self.store.registry.values() if s.join is not None and s.join.group == group]
        relevant = [s for s in files if s.join.covers_type(COMBINED.get(type_, (type_,)))]
        if not relevant:
            label = source_labels().get(group, group)
            whom = subject(type_, ensemble=self.survey_types or ENSEMBLE_TYPES)
            return f"aucune source «{UNIT_SEP}{label}{UNIT_SEP}» ne couvre les {whom}"
        territory = territories.parse_territory(territory_id, self.vintage)
        mine = set(territories.departement_codes(territory))
        reasons = []
        for source in relevant:
            name = f"la source «{UNIT_SEP}{source.title}{UNIT_SEP}»"
            places = source.join.coverage.departement_codes(self.vintage) or set()
            if source.key not in self.held:
                reasons.append(f"{name} est absente du dossier de données")
            elif source.millesime_column is None:
                reasons.append(f"{name}, non datée, n'est rattachée à aucun millésime")
            elif places and not places & mine:
                reasons.append(f"{name} ne couvre pas {the_territory(territory.label, territory.level)}")
            elif self.year not in self.held[source.key].millesimes:
                reasons.append(f"{name} ne couvre pas le millésime {self.year}")
        return join(list(dict.fromkeys(reasons)))
