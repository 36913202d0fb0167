"""What a chapter reads: the territory, its parents and sub-territories, and their indicator rows.

:class:`ChapterContext` loads the store, the cached indicator table of the millésime
(:func:`analysis.indicators.load`: nothing is recomputed), the territory, its parents (nearest
first, up to France) and its sub-territories (départements, none for a département edition).
Its reading methods return rows of that table, a synthetic ``absent`` row when the table has
none, so that sentences, figures and tables never meet a missing key. It reads; it does not word:
the sentences, source lines and reasons are :mod:`.narrative`, :mod:`.source_lines` and
:mod:`.text`, and a row's statut and ``motif`` come from the table as they are (a territory the data
do not cover is already « n.d. » there, :func:`analysis.indicators.results.mark_uncovered`).

Data extent: when the data folder holds only part of France (e.g. the Occitanie files), a parent
whose data are exactly those of the territory (France = Occitanie) is left out of the comparisons
(:attr:`~ChapterContext.compared_parents`), and so is a parent the data cover in part
(:meth:`~ChapterContext.comparable_parents`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis import indicators
from analysis.core import territories
from analysis.core.formatting import is_missing
from analysis.core.statuts import Extent, Statut
from analysis.core.vocabulary import ENSEMBLE_TYPES, TYPE_ORDER, subject, type_label
from analysis.indicators.results import identity
from analysis.sources.store import Store

__all__ = ["ChapterContext", "SUBLEVEL"]

#: The level of the sub-territories of an edition (mapped, ranked, tabulated): départements.
SUBLEVEL = {"france": "departement", "region": "departement", "academie": "departement",
            "departement": None, territories.PERIMETRE: None, territories.COLLECTIVITE: None}


class _TableFacts(NamedTuple):
    etic_types: frozenset[str]                 # the types France has ETIC answers for
    departements_with_data: frozenset[str]     # the départements where the annuaire lists some establishment
    demo: bool | None                          # built on demo data (None: the table does not say)
    has_previous: bool                         # some row has a previous millésime's value


# Every chapter of every edition a kernel runs reads the same indicator table: what it says of the
# whole of France is found once per loaded table (keyed on its cache key, :func:`identity`; any
# other frame, a copy or a changed one, is read again).
_FACTS: dict[str, _TableFacts] = {}


def _table_facts(results: pd.DataFrame) -> _TableFacts:
    ident = identity(results)
    if ident is not None and ident in _FACTS:
        return _FACTS[ident]
    rows = results[(results["territoire"] == "france") & (results["indicateur"] == "perimetre.champ_etic")]
    deps = results[(results["niveau"] == "departement") & (results["indicateur"] == "perimetre.etablissements")
                   & (results["type"] == "ensemble")]
    facts = _TableFacts(frozenset(rows.loc[rows["statut"] != Statut.ABSENT, "type"]),
                        frozenset(deps.loc[deps["univers"] > 0, "code"]),
                        bool(results["demo"].any()) if "demo" in results else None,
                        "valeur_precedente" in results and not results["valeur_precedente"].isna().all())
    if ident is not None:
        _FACTS[ident] = facts
    return facts


# The rows of an edition's territories, selected once for the eight chapters of its edition (a
# scan of the whole table each), and the place of each (territory, indicator, type) among them.
_CHAPTER_ROWS: dict[tuple, tuple[pd.DataFrame, dict[tuple[str, str, str], int], dict[int, pd.Series]]] = {}


def _chapter_rows(results: pd.DataFrame, ids: list[str]
                  ) -> tuple[pd.DataFrame, dict[tuple[str, str, str], int], dict[int, pd.Series]]:
    """The rows of the territories ``ids`` (numbered from 0), their index, and the rows read so far
    as Series (:meth:`ChapterContext._row_at` hands out copies), kept for the chapters of an
    edition; each chapter's ``data`` is its own shallow copy (a change it makes stays its own)."""
    ident = identity(results)
    key = (ident, id(results), tuple(ids))             # this very table (another of the same key: read again)
    found = _CHAPTER_ROWS.get(key) if ident is not None else None
    if found is None:
        data = results[results["territoire"].isin(ids)]
        index = {row: i for i, row in enumerate(zip(data["territoire"], data["indicateur"], data["type"]))}
        found = (data.reset_index(drop=True), index, {})
        if ident is not None:
            if len(_CHAPTER_ROWS) >= 4:               # a worker builds one edition at a time
                _CHAPTER_ROWS.clear()
            _CHAPTER_ROWS[key] = found
    return found


class ChapterContext:
    """The data of one chapter: a territory and millésime, its parents and sub-territories."""

    def __init__(self, territoire: str = "france", annee: int = 2018, data_dir=None,
                 seuil_secret: int = indicators.SECRET_THRESHOLD, *, store: Store | None = None,
                 results: pd.DataFrame | None = None):
        self.store = store or Store(data_dir)
        self.year = int(annee)
        self.vintage = territories.vintage_for_year(self.year)
        self.territory = territories.parse_territory(territoire, self.vintage)
        self.threshold = int(seuil_secret)
        self.parents = territories.parents(self.territory)
        self.sublevel = SUBLEVEL[self.territory.level]
        self.children = territories.children(self.territory, self.sublevel) if self.sublevel else []
        self.results = results if results is not None else indicators.load(self.store, self.year,
                                                                           threshold=self.threshold,
                                                                           also=[self.territory])
        self.territory = indicators.named(self.territory, self.results)      # a commune: its name
        ids = [self.territory.id] + [p.id for p in self.parents] + [c.id for c in self.children]
        self._edition_rows, self._index, self._rows = _chapter_rows(self.results, ids)
        self.data = self._edition_rows.copy(deep=False)
        self._facts = _table_facts(self.results)
        self._counted_by: dict[str, frozenset[str]] = {}    # :meth:`_counted`, by territory
        demo = self._facts.demo
        self.demo = demo if demo is not None else self.store.is_demo()
        self.previous_year = self._previous_year()
        self.etic_types = self._etic_types()
        self.departements_with_data = self._departements_with_data()

    # ------------------------------------------------------------------ the edition
    def _previous_year(self) -> int | None:
        if not self._facts.has_previous:
            return None
        from analysis.harmonise.millesimes import available_years

        earlier = [y for y in available_years(self.store) if y < self.year]
        return earlier[-1] if earlier else None

    def _etic_types(self) -> tuple[str, ...]:
        present = self._facts.etic_types
        mine = self.territory.types or ENSEMBLE_TYPES          # a collectivité: its types only
        return tuple(t for t in ENSEMBLE_TYPES if t in present and t in mine)

    def _departements_with_data(self) -> set[str]:
        """Codes of the départements where the annuaire lists some establishment."""
        return set(self._facts.departements_with_data)

    def departements(self, territory: territories.Territory | None = None) -> set[str]:
        """Codes of the edition départements inside a territory (France: the 101)."""
        t = territory or self.territory
        editions = {d.code for d in territories.list_territories("departement", self.vintage)}
        return set(territories.departement_codes(t)) & editions

    def covered(self, territory: territories.Territory | None = None) -> set[str]:
        """Départements of a territory that have data in the data folder."""
        return self.departements(territory) & self.departements_with_data

    @cached_property
    def compared_parents(self) -> list[territories.Territory]:
        """Parents whose data differ from the territory's (others would repeat its figures). A
        custom perimeter always differs from its first parent, even within the same départements."""
        kept, last = [], None if self.is_perimeter or self.is_partial_collectivity else self.covered()
        for p in self.parents:
            mine = self.covered(p)
            if mine != last:
                kept.append(p)
                last = mine
        return kept

    def extent_of(self, ind: str, type_: str, territory) -> Extent:
        """How much of ``territory`` the data behind an indicator cover (the indicator table's
        ``couverture_donnees``; for a local source, the départements of the territory where it
        covers some establishment)."""
        cat = indicators.catalogue().get(ind)
        if cat is not None and cat.local:
            rows = self.results[(self.results["niveau"] == "departement") & (self.results["indicateur"] == ind)
                                & (self.results["type"] == type_)]
            inside = self.departements(territory if isinstance(territory, territories.Territory)
                                       else territories.parse_territory(territory, self.vintage))
            covered = len(inside & set(rows.loc[rows["univers"] > 0, "code"]))
            return Extent.COMPLETE if inside and covered == len(inside) else Extent.PARTIAL if covered \
                else Extent.NONE
        status = self.row(ind, type_, territory).get("couverture_donnees")
        return Extent(status) if isinstance(status, str) else Extent.COMPLETE

    def local_source_applies(self, group: str) -> bool:
        """Whether a local source group (``params/sources/``, e.g. ``label_numerique``) covers some
        establishment of the territory this millésime: its indicators have a row that is not
        « absent ». An edition says nothing of a local source that does not apply to it."""
        ids = [i.id for i in indicators.catalogue().values() if i.local and i.extent_family == group]
        rows = self._rows_of(self.territory.id)
        rows = rows[rows["indicateur"].isin(ids)]
        return bool((rows["statut"] != Statut.ABSENT).any())

    def comparable_parents(self, ind: str, type_: str = "ensemble") -> list[territories.Territory]:
        """The compared parents whose data cover them entirely for this indicator: a « France »
        made of the Occitanie files, or a région of which a local source covers one académie, is
        no point of comparison (:func:`analysis.report.text.notes` says so)."""
        return [p for p in self.compared_parents if self.extent_of(ind, type_, p) == Extent.COMPLETE]

    @property
    def key_figure_specs(self) -> tuple[tuple[str, str], ...]:
        """(indicator, type) of the key figures, as declared in ``indicators.yml``; a collectivité's,
        of its types only."""
        return tuple((i, t) for i, t in indicators.key_figures() if self.in_universe(t) and self.about_universe(i))

    def about_universe(self, ind: str) -> bool:
        """Whether an indicator is about some type of the edition: one published for lycées only
        (« lycées engagés dans ProFan ») is not about a collectivité of collèges."""
        cat = indicators.catalogue().get(ind)
        named = [t for t in (cat.types if cat else ()) if t not in ("ensemble", "tous")]
        return not self.territory.types or not named or any(t in self.territory.types for t in named)

    def in_universe(self, type_: str) -> bool:
        """Whether the edition can have établissements of ``type_``: every type but for a
        collectivité, which has its own types (and their ensemble)."""
        return not self.territory.types or type_ in self.territory.types + ("ensemble", "tous")

    @property
    def is_perimeter(self) -> bool:
        """A custom perimeter (``params/perimetres/``) rather than an administrative territory."""
        return self.territory.level == territories.PERIMETRE

    @property
    def is_collectivity(self) -> bool:
        """A collectivité territoriale's edition (``collectivite:…``): its public établissements only."""
        return self.territory.level == territories.COLLECTIVITE

    @cached_property
    def collectivity(self):
        """The collectivité of the edition (:class:`analysis.core.collectivites.Collectivite`), or None."""
        return territories.collectivity_of(self.territory) if self.is_collectivity else None

    @property
    def is_partial_collectivity(self) -> bool:
        """A collectivité that has part of a département's établissements (a commune, the Métropole
        de Lyon, the Rhône): always compared with that département."""
        found = self.collectivity
        return found is not None and bool(found.communes or found.hors_communes)

    @property
    def label(self) -> str:
        return self.territory.label

    @cached_property
    def harmonisation(self):
        """The harmonisation report of the millésime (read from the cache's metadata)."""
        from analysis.harmonise.table import harmonisation_report

        return harmonisation_report(self.store, self.year)

    @cached_property
    def geometries(self):
        """Boundaries of the sub-territories (départements) only, read once per chapter: the
        maps project and simplify just those. None: the maps use the tile grid."""
        from analysis.harmonise import boundaries

        try:
            frame = boundaries.for_level(self.store, "departement", self.vintage)
        except Exception:  # noqa: BLE001 - an unreadable boundary file falls back to the tile grid
            return None
        if frame is None:
            return None
        codes = {c.code for c in self.children}
        frame = frame[frame["code"].isin(codes)].reset_index(drop=True)
        return frame if set(frame["code"]) == codes else None  # a missing polygon: tile grid

    def subject(self, type_: str = "ensemble", *, public: bool = True) -> str:
        """The establishments of the ETIC surveys the territory has ("collèges et lycées publics")."""
        return subject(type_, public=public, ensemble=self.ensemble_for({"source": "ETIC"}))

    @cached_property
    def present_types(self) -> tuple[str, ...]:
        """The types of establishment the territory has in the annuaire (a perimeter of collèges
        and lycées has no école); every type when it has none (no data)."""
        have = tuple(t for t in ENSEMBLE_TYPES if self.value("perimetre.etablissements", t) > 0)
        return have or ENSEMBLE_TYPES

    def title(self, text: str) -> str:
        """A figure title naming the territory and the millésime."""
        return f"{text} — {self.label}, {self.year}"

    def public(self, ind: str) -> bool:
        """Whether the indicator is about public establishments only (the ETIC universe)."""
        cat = indicators.catalogue().get(ind)       # a sentence may say "des {sujet} {publics} …" itself
        return (cat.wording.public or "{sujet} {publics}" in (cat.wording.sentence or "")) if cat else True

    def ensemble_for(self, row) -> tuple[str, ...]:
        """The types "ensemble" covers for a row: those of the ETIC surveys available, for ETIC;
        of those, the types the territory has (:attr:`present_types`)."""
        base = self.etic_types if str(row.get("source", "")).startswith("ETIC") else ENSEMBLE_TYPES
        return tuple(t for t in base if t in self.present_types) or base

    # ------------------------------------------------------------------ rows
    def row(self, ind: str, type_: str = "ensemble", territory=None) -> pd.Series:
        """The row of an indicator, as the table has it (statut and ``motif`` included); a
        synthetic absent row when the table has none."""
        tid = self._tid(territory)
        i = self._index.get((tid, ind, type_))
        if i is None and territory is not None and tid not in self._ids:
            rows = self.results[(self.results["territoire"] == tid) & (self.results["indicateur"] == ind)
                                & (self.results["type"] == type_)]
            return rows.iloc[0] if len(rows) else self._absent_row(ind, type_, tid)
        return self._absent_row(ind, type_, tid) if i is None else self._row_at(i)

    def _row_at(self, i: int) -> pd.Series:
        """Row ``i`` of the edition's rows as the table has them (:attr:`data` is the chapter's own
        copy: a notebook may change it, the readings of this context do not follow), a new Series
        for each caller (who may change it): a chapter reads the same rows again and again, and a
        copy costs a tenth of ``iloc``."""
        found = self._rows.get(i)
        if found is None:
            found = self._rows[i] = self._edition_rows.iloc[i]
        return found.copy()

    @cached_property
    def _ids(self) -> set[str]:
        return set(self._edition_rows["territoire"])

    def _rows_of(self, tid: str) -> pd.DataFrame:
        """The rows of one territory: from the edition's rows when it is among them (a fraction of
        the whole table, which every such selection would scan)."""
        table = self._edition_rows if tid in self._ids else self.results
        return table[table["territoire"] == tid]

    def _tid(self, territory) -> str:
        if territory is None:
            return self.territory.id
        if isinstance(territory, territories.Territory):
            return territory.id
        return territories.parse_territory(territory, self.vintage).id

    def _absent_row(self, ind: str, type_: str, tid: str) -> pd.Series:
        cat = indicators.catalogue().get(ind)
        source = indicators.source_labels().get(cat.source, cat.source) if cat else ""
        return pd.Series({"territoire": tid, "annee": self.year, "type": type_, "indicateur": ind,
                          "titre": cat.title if cat else ind, "theme": cat.theme if cat else "",
                          "unite": cat.unit if cat else "%", "valeur": np.nan, "taux_nc": np.nan,
                          "statut": Statut.ABSENT.value, "source": f"{source} {self.year}".strip(),
                          "base": (cat.base or ind) if cat else ind, "modalite": cat.level if cat else None,
                          "non_communique": pd.NA, "univers": 0, "motif": pd.NA})

    def value(self, ind: str, type_: str = "ensemble", territory=None) -> float:
        """The value (NaN unless statut is ok), as in ``indicators.load``."""
        row = self.row(ind, type_, territory)
        return float(row["valeur"]) if row["statut"] == Statut.OK and not is_missing(row["valeur"]) else float("nan")

    def published_types(self, ind: str) -> tuple[str, ...]:
        cat = indicators.catalogue().get(ind)
        types = cat.types if cat else indicators.DEFAULT_TYPES
        return tuple(t for t in TYPE_ORDER if t in types) + tuple(t for t in types if t not in TYPE_ORDER)

    def rows(self, ind: str, types: Sequence[str] | None = None, territory=None, *,
             available_only: bool = True) -> pd.DataFrame:
        """Rows of one indicator by type (écoles, collèges, lycées, ensemble), for charts.

        ``available_only`` drops the types whose source is absent or that have no
        establishment (statut absent / vide); rows keep their statut (secret, nc).
        """
        types = list(types or self.published_types(ind))
        frame = pd.DataFrame([self.row(ind, t, territory) for t in types]).reset_index(drop=True)
        if available_only:
            frame = frame[~frame["statut"].map(lambda s: Statut.parse(s).not_available)].reset_index(drop=True)
        frame["libelle"] = [type_label(t) for t in frame["type"]]
        return frame

    def has_data(self, frame_or_ind, type_: str = "ensemble") -> bool:
        """True when at least one row has a value (statut ok)."""
        if isinstance(frame_or_ind, str):
            return self.row(frame_or_ind, type_)["statut"] == Statut.OK
        return bool(len(frame_or_ind)) and bool((frame_or_ind["statut"] == Statut.OK).any())

    def comparison(self, ind: str, type_: str = "ensemble", *, all_parents: bool = False) -> pd.DataFrame:
        """The territory then its parents (nearest first) for one indicator, with ``libelle``."""
        chain = [self.territory] + (self.parents if all_parents else self.comparable_parents(ind, type_))
        frame = pd.DataFrame([self.row(ind, type_, t) for t in chain]).reset_index(drop=True)
        frame["libelle"] = [t.label for t in chain]
        frame["niveau"] = [t.level for t in chain]
        return frame

    def sublevel_values(self, ind: str, type_: str = "ensemble") -> pd.DataFrame:
        """One row per sub-territory (code, nom, libelle, valeur, statut, n.c.…); empty for a
        département edition."""
        if not self.children:
            return pd.DataFrame(columns=["territoire", "code", "nom", "libelle", "valeur", "statut"])
        frame = pd.DataFrame([self.row(ind, type_, c) for c in self.children]).reset_index(drop=True)
        frame["code"] = [c.code for c in self.children]
        frame["nom"] = [c.nom for c in self.children]
        frame["libelle"] = [f"{c.nom} ({c.code})" for c in self.children]
        return frame

    def levels(self, base: str) -> list[tuple[str, str]]:
        """(indicator id, French label) of a distribution's levels used this millésime; never a
        level the millésime's questionnaire does not have (:meth:`levels_outside_questionnaire`)."""
        outside = set(self.levels_outside_questionnaire(base))
        cat = [i for i in indicators.members(base) if i.id not in outside]
        ids = {i.id for i in cat}
        used = self._counted(self.territory.id) & ids or self._counted("france") & ids
        chosen = [(i.id, i.level_label or i.level) for i in cat if i.id in used]
        return chosen or [(i.id, i.level_label or i.level) for i in cat]

    def _counted(self, tid: str) -> frozenset[str]:
        """The indicators of a territory with some establishment counted (numerator > 0)."""
        if tid not in self._counted_by:
            rows = self._rows_of(tid)
            self._counted_by[tid] = frozenset(rows.loc[rows["numerateur"].fillna(0) > 0, "indicateur"])
        return self._counted_by[tid]

    @cached_property
    def _outside_questionnaire(self) -> frozenset[str]:
        """The indicators of the territory that the millésime's questionnaire does not have."""
        rows = self._rows_of(self.territory.id)
        return frozenset(rows.loc[rows["statut"] == Statut.HORS_QUESTIONNAIRE, "indicateur"])

    def levels_outside_questionnaire(self, base: str) -> dict[str, str]:
        """Indicator id -> French label of a distribution's levels that the millésime's
        questionnaire does not have (statut ``hors_questionnaire``: « n.d. », never 0 %)."""
        outside = self._outside_questionnaire
        return {i.id: i.level_label or i.level for i in indicators.members(base) if i.id in outside}
