"""What a chapter reads: the territory, its parents and sub-territories, and their indicator rows.

:class:`ChapterContext` loads the store, the cached indicator table of the millésime
(:func:`analysis.indicators.load`: nothing is recomputed), the territory, its parents (nearest
first, up to France) and its sub-territories (départements, none for a département edition).
Its reading methods return rows of that table, a synthetic ``absent`` row when the table has
none, so that sentences, figures and tables never meet a missing key.

Data coverage: when the data folder holds only part of France (e.g. the Occitanie files), a
parent whose data are exactly those of the territory (France = Occitanie) is left out of the
comparisons (:attr:`~ChapterContext.compared_parents`). A territory the data do not cover at all
(Paris with the Occitanie files) has no establishment in the table: its rows are read as « n.d. »
(statut ``absent``) with the reason in ``motif``, not as « sans objet » (:func:`mark_uncovered`);
so are the rows of a local source that does not cover it (:meth:`ChapterContext.absence_reason`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from analysis import indicators
from analysis.core import territories
from analysis.core.formatting import MISSING_MARKS, MISSING_WORDS, UNIT_SEP, fmt_pct, fmt_source, is_missing
from analysis.core.vocabulary import ENSEMBLE_TYPES, LEVEL_NOUNS, TYPE_ORDER, type_label
from analysis.report import narrative
from analysis.report.chart_parts import nc_text
from analysis.sources.store import Store

__all__ = ["ChapterContext", "SUBLEVEL", "UNCOVERED", "mark_uncovered"]

#: The level of the sub-territories of an edition (mapped, ranked, tabulated): départements.
SUBLEVEL = {"france": "departement", "region": "departement", "academie": "departement",
            "departement": None, territories.PERIMETRE: None}

#: Why a row has no value when the data folder does not cover its territory (its ``motif``).
UNCOVERED = "les fichiers de données ne couvrent pas ce territoire"


def mark_uncovered(results: pd.DataFrame) -> pd.DataFrame:
    """The indicator table with the rows of territories the data do not cover read as « n.d. ».

    A row without value (statut ``vide`` or ``absent``) whose territory the data do not cover
    (``couverture_donnees`` "aucune") while the indicator has establishments elsewhere is not
    « sans objet »: its data are missing. It gets statut ``absent`` and ``motif`` :data:`UNCOVERED`.
    A source absent everywhere (no establishment anywhere) keeps its rows as they are. Returns a
    copy with a ``motif`` column (empty elsewhere).
    """
    out = results.copy()
    if "motif" not in out:
        out["motif"] = pd.Series(pd.NA, index=out.index, dtype="object")
    if "couverture_donnees" not in out or out.empty:
        return out
    somewhere = ((out["univers"].fillna(0) > 0) & out["statut"].ne("absent")) \
        .groupby([out["indicateur"], out["type"]]).transform("any")
    uncovered = out["statut"].isin(["vide", "absent"]) & out["couverture_donnees"].eq("aucune") & somewhere
    out.loc[uncovered, "statut"] = "absent"
    out.loc[uncovered, "motif"] = UNCOVERED
    return out


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
        self.results = mark_uncovered(results if results is not None else indicators.load(
            self.store, self.year, threshold=self.threshold))
        ids = [self.territory.id] + [p.id for p in self.parents] + [c.id for c in self.children]
        data = self.results[self.results["territoire"].isin(ids)]
        self._index = {key: i for i, key in enumerate(zip(data["territoire"], data["indicateur"], data["type"]))}
        self.data = data.reset_index(drop=True)
        self.demo = bool(self.results["demo"].any()) if "demo" in self.results else self.store.is_demo()
        self.previous_year = self._previous_year()
        self.etic_types = self._etic_types()
        self.coverage = self._covered_departements()  # codes of the départements with data

    # ------------------------------------------------------------------ the edition
    def _previous_year(self) -> int | None:
        if "valeur_precedente" not in self.results or self.results["valeur_precedente"].isna().all():
            return None
        from analysis.harmonise.millesimes import available_years

        earlier = [y for y in available_years(self.store) if y < self.year]
        return earlier[-1] if earlier else None

    def _etic_types(self) -> tuple[str, ...]:
        rows = self.results[(self.results["territoire"] == "france")
                            & (self.results["indicateur"] == "perimetre.champ_etic")]
        present = set(rows.loc[rows["statut"] != "absent", "type"])
        return tuple(t for t in ENSEMBLE_TYPES if t in present)

    def _covered_departements(self) -> set[str]:
        rows = self.results[(self.results["niveau"] == "departement")
                            & (self.results["indicateur"] == "perimetre.etablissements")
                            & (self.results["type"] == "ensemble")]
        return set(rows.loc[rows["univers"] > 0, "code"])

    def departements(self, territory: territories.Territory | None = None) -> set[str]:
        """Codes of the edition départements inside a territory (France: the 101)."""
        t = territory or self.territory
        editions = {d.code for d in territories.list_territories("departement", self.vintage)}
        return set(territories.departement_codes(t)) & editions

    def covered(self, territory: territories.Territory | None = None) -> set[str]:
        """Départements of a territory that have data in the data folder."""
        return self.departements(territory) & self.coverage

    @cached_property
    def compared_parents(self) -> list[territories.Territory]:
        """Parents whose data differ from the territory's (others would repeat its figures). A
        custom perimeter always differs from its first parent, even within the same départements."""
        kept, last = [], None if self.is_perimeter else self.covered()
        for p in self.parents:
            mine = self.covered(p)
            if mine != last:
                kept.append(p)
                last = mine
        return kept

    def coverage_of(self, ind: str, type_: str, territory) -> str:
        """How much of ``territory`` the data behind an indicator cover: "complète", "partielle"
        or "aucune" (the indicator table's ``couverture_donnees``; for a local source, the
        départements of the territory where it covers some establishment)."""
        cat = indicators.catalogue().get(ind)
        if cat is not None and cat.local:
            rows = self.results[(self.results["niveau"] == "departement") & (self.results["indicateur"] == ind)
                                & (self.results["type"] == type_)]
            inside = self.departements(territory if isinstance(territory, territories.Territory)
                                       else territories.parse_territory(territory, self.vintage))
            covered = len(inside & set(rows.loc[rows["univers"] > 0, "code"]))
            return "complète" if inside and covered == len(inside) else "partielle" if covered else "aucune"
        status = self.row(ind, type_, territory).get("couverture_donnees")
        return status if isinstance(status, str) else "complète"

    def local_source_applies(self, group: str) -> bool:
        """Whether a local source group (``params/sources/``, e.g. ``label_numerique``) covers some
        establishment of the territory this millésime: its indicators have a row that is not
        « absent ». An edition says nothing of a local source that does not apply to it."""
        ids = [i.id for i in indicators.catalogue().values() if i.local and i.coverage_family == group]
        rows = self.results[(self.results["territoire"] == self.territory.id) & self.results["indicateur"].isin(ids)]
        return bool((rows["statut"] != "absent").any())

    def comparable_parents(self, ind: str, type_: str = "ensemble") -> list[territories.Territory]:
        """The compared parents whose data cover them entirely for this indicator: a « France »
        made of the Occitanie files, or a région of which a local source covers one académie, is
        no point of comparison (:func:`analysis.report.text.notes` says so)."""
        return [p for p in self.compared_parents if self.coverage_of(ind, type_, p) == "complète"]

    @property
    def key_figure_specs(self) -> tuple[tuple[str, str], ...]:
        """(indicator, type) of the key figures, as declared in ``indicators.yml``."""
        return indicators.key_figures()

    @property
    def is_perimeter(self) -> bool:
        """A custom perimeter (``params/perimetres/``) rather than an administrative territory."""
        return self.territory.level == territories.PERIMETRE

    @property
    def label(self) -> str:
        return self.territory.label

    @cached_property
    def harmonisation(self):
        """The harmonisation report of the millésime (read from the cache)."""
        from analysis.harmonise.table import load_etablissements

        return load_etablissements(self.store, self.year)[1]

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
        return narrative.subject(type_, public=public, ensemble=self.ensemble_for({"source": "ETIC"}))

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
        """The row of an indicator; a synthetic ``absent`` row when the table has none. A row of a
        local source that has no value here says why in its ``motif`` (:meth:`absence_reason`)."""
        tid = self._tid(territory)
        i = self._index.get((tid, ind, type_))
        if i is None and territory is not None and tid not in self._ids:
            rows = self.results[(self.results["territoire"] == tid) & (self.results["indicateur"] == ind)
                                & (self.results["type"] == type_)]
            found = rows.iloc[0] if len(rows) else self._absent_row(ind, type_, tid)
        else:
            found = self._absent_row(ind, type_, tid) if i is None else self.data.iloc[i]
        if found["statut"] == "absent":         # a local source says which of its files is missing here
            reason = self.absence_reason(ind, type_, tid)
            if reason:
                found = found.copy()
                found["motif"] = reason
        return found

    def absence_reason(self, ind: str, type_: str = "ensemble", territory=None) -> str:
        """Why a local source (``params/sources/``) gives no value for a type in a territory, in
        French ("la source « Label numérique des collèges (académie de Montpellier) » ne couvre pas
        le département …"); "" for the other indicators. The files of the source's group that
        could cover the type are looked at in turn: absent from the data folder, undated, declared
        for other départements, académies or régions, or without the millésime."""
        cat = indicators.catalogue().get(ind)
        if cat is None or not cat.local:
            return ""
        key = (cat.coverage_family, type_, self._tid(territory))
        if key not in self._absence_reasons:
            self._absence_reasons[key] = self._local_absence(cat.coverage_family, type_, key[2])
        return self._absence_reasons[key]

    @cached_property
    def _absence_reasons(self) -> dict:
        return {}

    def _local_absence(self, group: str, type_: str, tid: str) -> str:
        from analysis.core.vocabulary import COMBINED, the_territory

        wanted = set(COMBINED.get(type_, (type_,)))
        files = [s for s in self.store.registry.values() if (s.extra.get("join") or {}).get("group") == group]
        relevant = [s for s in files if not s.extra["join"].get("coverage", {}).get("types")
                    or wanted & set(s.extra["join"]["coverage"]["types"])]
        if not relevant:
            label = indicators.source_labels().get(group, group)
            return f"aucune source «{UNIT_SEP}{label}{UNIT_SEP}» ne couvre les {self.subject(type_)}"
        territory = territories.parse_territory(tid, self.vintage)
        mine = self.departements(territory)
        held = {r.source: r for r in self.store.records()}
        hierarchy = territories.hierarchy(self.vintage)
        reasons = []
        for source in relevant:
            name = f"la source «{UNIT_SEP}{source.title}{UNIT_SEP}»"
            coverage = source.extra["join"].get("coverage") or {}
            places = set()
            for level, column in (("departements", "departement"), ("academies", "academie"), ("regions", "region")):
                codes = {str(c) for c in coverage.get(level, ())}
                if level == "departements":
                    codes = {territories.normalise_departement_code(c) for c in codes}
                places |= set(hierarchy.loc[hierarchy[column].astype(str).isin(codes), "departement"])
            if source.key not in held:
                reasons.append(f"{name} est absente du dossier de données")
            elif source.millesime_column is None:
                reasons.append(f"{name}, non datée, n'est rattachée à aucun millésime")
            elif places and not places & mine:
                reasons.append(f"{name} ne couvre pas {the_territory(territory.label, territory.level)}")
            elif self.year not in held[source.key].millesimes:
                reasons.append(f"{name} ne couvre pas le millésime {self.year}")
        return narrative.join(list(dict.fromkeys(reasons)))

    @cached_property
    def _ids(self) -> set[str]:
        return set(self.data["territoire"])

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
                          "statut": "absent", "source": f"{source} {self.year}".strip(),
                          "base": (cat.base or ind) if cat else ind, "modalite": cat.level if cat else None,
                          "non_communique": pd.NA, "univers": 0, "motif": pd.NA})

    def value(self, ind: str, type_: str = "ensemble", territory=None) -> float:
        """The value (NaN unless statut is ok), as in ``indicators.load``."""
        row = self.row(ind, type_, territory)
        return float(row["valeur"]) if row["statut"] == "ok" and not is_missing(row["valeur"]) else float("nan")

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
            frame = frame[~frame["statut"].isin(["absent", "vide"])].reset_index(drop=True)
        frame["libelle"] = [type_label(t) for t in frame["type"]]
        return frame

    def has_data(self, frame_or_ind, type_: str = "ensemble") -> bool:
        """True when at least one row has a value (statut ok)."""
        if isinstance(frame_or_ind, str):
            return self.row(frame_or_ind, type_)["statut"] == "ok"
        return bool(len(frame_or_ind)) and bool((frame_or_ind["statut"] == "ok").any())

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
        ids = [i.id for i in cat]
        rows = self.results[(self.results["territoire"] == self.territory.id)
                            & self.results["indicateur"].isin(ids)]
        used = set(rows.loc[rows["numerateur"].fillna(0) > 0, "indicateur"])
        if not used:
            france = self.results[(self.results["territoire"] == "france") & self.results["indicateur"].isin(ids)]
            used = set(france.loc[france["numerateur"].fillna(0) > 0, "indicateur"])
        chosen = [(i.id, i.level_label or i.level) for i in cat if i.id in used]
        return chosen or [(i.id, i.level_label or i.level) for i in cat]

    def levels_outside_questionnaire(self, base: str) -> dict[str, str]:
        """Indicator id -> French label of a distribution's levels that the millésime's
        questionnaire does not have (statut ``hors_questionnaire``: « n.d. », never 0 %)."""
        rows = self.results[(self.results["territoire"] == self.territory.id)
                            & (self.results["statut"] == indicators.OUTSIDE_QUESTIONNAIRE)]
        outside = set(rows["indicateur"])
        return {i.id: i.level_label or i.level for i in indicators.members(base) if i.id in outside}

    def levels_note(self, base: str) -> str | None:
        """"n.d. : moins de 20 %, de 20 à 50 % (modalités absentes du questionnaire de l'année)",
        under a distribution drawn without them; None when the questionnaire has every level."""
        labels = list(self.levels_outside_questionnaire(base).values())
        if not labels:
            return None
        words = MISSING_WORDS[indicators.OUTSIDE_QUESTIONNAIRE]
        if len(labels) > 1:
            words = words.replace("modalité absente", "modalités absentes", 1)
        return f"{MISSING_MARKS[indicators.OUTSIDE_QUESTIONNAIRE]}{UNIT_SEP}: {', '.join(labels)} ({words})"

    # ------------------------------------------------------------------ sources
    def source_line(self, ind: str, type_: str | Sequence[str] = "ensemble", territory=None) -> str:
        """"Source : ETIC 2018 (27 % n.c.)"; for several types, one rate per type when they
        differ ("13 % n.c. pour les écoles, 20 % n.c. pour les collèges"). No rate for counts,
        absent sources and the exhaustive annuaire (0 % n.c.)."""
        if isinstance(type_, str):
            row = self.row(ind, type_, territory)
            return fmt_source(str(row["source"]), narrative.nc_paren(row)[1:-1] or None)
        frame = self.rows(ind, type_, territory)
        if frame.empty:
            return fmt_source(str(self.row(ind, type_[0], territory)["source"]))
        return self.source_of(frame)

    def source_of(self, frame: pd.DataFrame, *, by: str | None = "type") -> str:
        """The source line of some rows, with their n.c. rates (one per type when they differ)."""
        sources = list(dict.fromkeys(frame["source"].astype(str)))
        rated = [bool(narrative.nc_paren(r)) for _, r in frame.iterrows()]
        rates = frame[rated]
        text = nc_text(rates, by=by) if len(rates) else None
        return fmt_source(" ; ".join(sources), text)

    def short_name(self, territory) -> str:
        """How a territory is named in a list of rates: "Haute-Garonne", "académie de Toulouse",
        "France", "périmètre" (the edition's custom perimeter)."""
        t = territory if isinstance(territory, territories.Territory) else \
            territories.parse_territory(str(territory), self.vintage)
        if t.level == "departement":
            return t.nom
        if t.level == territories.PERIMETRE:
            return "périmètre"
        return t.label if t.level == "france" else t.label[:1].lower() + t.label[1:]

    def compared_nc(self, frame: pd.DataFrame) -> str | None:
        """The n.c. rate of each territory of ``frame`` (rows of several territories, nearest
        first), for the source line of a figure that compares them: "n.c. : Haute-Garonne 12 %,
        académie de Toulouse 20 %"; "12 % n.c." for one territory; None when none has a rate."""
        rated = [(r["territoire"], r["taux_nc"]) for _, r in frame.iterrows() if narrative.nc_paren(r)]
        if not rated:
            return None
        if len(rated) == 1:
            return narrative.nc_paren(frame[frame["territoire"] == rated[0][0]].iloc[0])[1:-1]
        return f"n.c.{UNIT_SEP}: " + ", ".join(f"{self.short_name(t)} {fmt_pct(rate)}" for t, rate in rated)

    def comparison_source(self, frame: pd.DataFrame) -> str:
        """The source line of a comparison of territories, with the n.c. rate of each one."""
        sources = list(dict.fromkeys(frame["source"].astype(str)))
        return fmt_source(" ; ".join(sources), self.compared_nc(frame))

    def sublevel_source(self, ind: str, type_: str = "ensemble") -> str:
        """The source line of a figure of the sub-territories: the n.c. rate of the territory and
        the spread of those of its départements ("25 % n.c. ; de 5 à 40 % n.c. selon les
        départements")."""
        row = self.row(ind, type_)
        parts = [narrative.nc_paren(row)[1:-1]]
        kids = self.sublevel_values(ind, type_)
        rates = [float(r["taux_nc"]) for _, r in kids.iterrows() if narrative.nc_paren(r)] if len(kids) else []
        if rates and self.sublevel:
            noun = LEVEL_NOUNS[self.sublevel]
            lo, hi = fmt_pct(min(rates)), fmt_pct(max(rates))
            if lo != hi:
                parts.append(f"de {lo.split(UNIT_SEP)[0]} à {hi}{UNIT_SEP}n.c. selon les {noun.plural}")
            elif parts[0] == f"{lo}{UNIT_SEP}n.c.":
                parts[0] += f" dans chaque {noun.singular}"
            else:
                parts.append(f"{lo}{UNIT_SEP}n.c. dans chaque {noun.singular}")
        return fmt_source(str(row["source"]), f"{UNIT_SEP}; ".join(p for p in parts if p) or None)

    def no_data(self, ind: str, types: Sequence[str] | None = None) -> str:
        """Why there is nothing to draw for an indicator ("*Accès à internet : secret…*")."""
        type_ = (list(types) if types else ["ensemble"])[0]
        row = self.row(ind, type_)
        reason = narrative.missing_reason(row, threshold=self.threshold) or "aucune valeur publiable"
        return f"*{narrative.capitalize(str(row['titre']))}{UNIT_SEP}: {reason}.*"
