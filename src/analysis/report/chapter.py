"""The context of one chapter notebook, so that each figure, table or sentence is a few lines.

A notebook does::

    ch = Chapter(territoire, annee, data_dir, seuil_secret)
    ch.say(ch.sentence("connectivite.acces_internet"))
    ch.show_figure(ch.chart_by_type("equipement.eleves_par_terminal"))
    ch.show_figure(ch.map("services.ent", "college"))

:class:`Chapter` loads the store, the cached indicator table of the millésime
(:func:`analysis.indicators.load`: nothing is recomputed), the territory, its parents (nearest
first, up to France) and its sub-territories (départements, none for a département edition).

Reading: :meth:`~Chapter.row`, :meth:`~Chapter.value`, :meth:`~Chapter.rows`,
:meth:`~Chapter.comparison`, :meth:`~Chapter.sublevel_values`, :meth:`~Chapter.source_line`.
Writing: :meth:`~Chapter.sentence` (via :mod:`analysis.report.narrative`), :meth:`~Chapter.say`.
Figures: ``chart_*`` and :meth:`~Chapter.map` return a matplotlib figure, or a :class:`NoFigure`
holding the French reason why there is nothing to draw; :meth:`~Chapter.show_figure` displays
either. Tables: the ``*_table`` methods return DataFrames of French text, :meth:`~Chapter.table`
displays one as HTML with its source line.

Data coverage: when the data folder holds only part of France (e.g. the Occitanie files), a
parent whose data are exactly those of the territory (France = Occitanie) is left out of the
comparisons, and :meth:`~Chapter.header` says so.
"""

from __future__ import annotations

import base64
import html as html_lib
import io
from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from analysis import indicators
from analysis.core import territories
from analysis.core.formatting import UNIT_SEP, fmt_number, fmt_pct, fmt_source, fmt_value, is_missing
from analysis.core.vocabulary import (
    ENSEMBLE_TYPES,
    LEVEL_NOUNS,
    TYPE_LABELS,
    TYPE_ORDER,
    in_territory,
    of_territory,
    the_territory,
)
from analysis.indicators import THEMES
from analysis.report import narrative
from analysis.sources.store import Store

__all__ = ["Chapter", "NoFigure", "DEMO_WARNING", "cell_text"]

DEMO_WARNING = "Données de démonstration : chiffres synthétiques, non officiels"
SUBLEVEL = {"france": "departement", "region": "departement", "academie": "departement",
            "departement": None}
TABLE_NOTE = (f"n.c.{UNIT_SEP}: non communiqué{UNIT_SEP}; s.{UNIT_SEP}: secret statistique{UNIT_SEP}; "
              f"n.d.{UNIT_SEP}: source non disponible pour ce millésime{UNIT_SEP}; "
              f"–{UNIT_SEP}: sans objet")
PNG_DPI = 150


def cell_text(row, decimals: int | None = None) -> str:
    """A value for a table cell: the number, or "s.", "n.c.", "n.d." (absent), "–" (vide)."""
    return fmt_value(row.get("valeur"), str(row.get("unite", "%")), decimals, reason=str(row.get("statut", "nc")))


class NoFigure:
    """Nothing to draw, and why (French Markdown); shown in place of the figure."""

    def __init__(self, text: str = ""):
        self.text = text

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"NoFigure({self.text!r})"

    def _repr_markdown_(self) -> str:
        return self.text


class Chapter:
    """Everything a chapter notebook needs for one territory and millésime."""

    #: The legend of the marks of a table (``ch.table(..., note=ch.TABLE_NOTE)``).
    TABLE_NOTE = TABLE_NOTE

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
        self.results = results if results is not None else indicators.load(
            self.store, self.year, threshold=self.threshold)
        ids = [self.territory.id] + [p.id for p in self.parents] + [c.id for c in self.children]
        data = self.results[self.results["territoire"].isin(ids)]
        self._index = {key: i for i, key in enumerate(zip(data["territoire"], data["indicateur"], data["type"]))}
        self.data = data.reset_index(drop=True)
        self.demo = bool(self.results["demo"].any()) if "demo" in self.results else self.store.is_demo()
        self.previous_year = self._previous_year()
        self.etic_types = self._etic_types()
        self._coverage = self._covered_departements()

    # ------------------------------------------------------------------ context
    def _previous_year(self) -> int | None:
        if "valeur_precedente" not in self.results or self.results["valeur_precedente"].isna().all():
            return None
        from analysis.harmonise.table import available_years

        earlier = [y for y in available_years(self.store) if y < self.year]
        return earlier[-1] if earlier else None

    def _etic_types(self) -> tuple[str, ...]:
        rows = self.results[(self.results["territoire"] == "france")
                            & (self.results["indicateur"] == "perimetre.champ_etic")]
        present = set(rows.loc[rows["statut"] != "absent", "type"])
        return tuple(t for t in ("ecole", "college", "lycee") if t in present)

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
        return self.departements(territory) & self._coverage

    @cached_property
    def compared_parents(self) -> list[territories.Territory]:
        """Parents whose data differ from the territory's (others would repeat its figures)."""
        kept, last = [], self.covered()
        for p in self.parents:
            mine = self.covered(p)
            if mine != last:
                kept.append(p)
                last = mine
        return kept

    @property
    def label(self) -> str:
        return self.territory.label

    def subject(self, type_: str = "ensemble", *, public: bool = True) -> str:
        return narrative.subject(type_, public=public, ensemble=self.etic_types)

    def title(self, text: str) -> str:
        """A figure title naming the territory and the millésime."""
        return f"{text} — {self.label}, {self.year}"

    # ------------------------------------------------------------------ reading
    def row(self, ind: str, type_: str = "ensemble", territory=None) -> pd.Series:
        """The row of an indicator; a synthetic ``absent`` row when the table has none."""
        tid = self._tid(territory)
        i = self._index.get((tid, ind, type_))
        if i is None and territory is not None and tid not in self._ids:
            rows = self.results[(self.results["territoire"] == tid) & (self.results["indicateur"] == ind)
                                & (self.results["type"] == type_)]
            if len(rows):
                return rows.iloc[0]
        if i is None:
            return self._absent_row(ind, type_, tid)
        return self.data.iloc[i]

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
                          "non_communique": pd.NA, "univers": 0})

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
        frame["libelle"] = [TYPE_LABELS.get(t, t) for t in frame["type"]]
        return frame

    def has_data(self, frame_or_ind, type_: str = "ensemble") -> bool:
        """True when at least one row has a value (statut ok)."""
        if isinstance(frame_or_ind, str):
            return self.row(frame_or_ind, type_)["statut"] == "ok"
        return bool(len(frame_or_ind)) and bool((frame_or_ind["statut"] == "ok").any())

    def comparison(self, ind: str, type_: str = "ensemble", *, all_parents: bool = False) -> pd.DataFrame:
        """The territory then its parents (nearest first) for one indicator, with ``libelle``."""
        chain = [self.territory] + (self.parents if all_parents else self.compared_parents)
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
        """(indicator id, French label) of a distribution's levels used this millésime."""
        cat = [i for i in indicators.catalogue().values() if i.base == base]
        ids = [i.id for i in cat]
        rows = self.results[(self.results["territoire"] == self.territory.id)
                            & self.results["indicateur"].isin(ids)]
        used = set(rows.loc[rows["numerateur"].fillna(0) > 0, "indicateur"])
        if not used:
            france = self.results[(self.results["territoire"] == "france") & self.results["indicateur"].isin(ids)]
            used = set(france.loc[france["numerateur"].fillna(0) > 0, "indicateur"])
        chosen = [(i.id, i.level_label or i.level) for i in cat if i.id in used]
        return chosen or [(i.id, i.level_label or i.level) for i in cat]

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
        return self._source_of(frame)

    def _source_of(self, frame: pd.DataFrame, *, by: str | None = "type") -> str:
        from analysis.report.charts import nc_text

        sources = list(dict.fromkeys(frame["source"].astype(str)))
        rated = [bool(narrative.nc_paren(r)) for _, r in frame.iterrows()]
        rates = frame[rated]
        text = nc_text(rates, by=by) if len(rates) else None
        return fmt_source(" ; ".join(sources), text)

    # ------------------------------------------------------------------ text
    def sentence(self, ind: str, type_: str = "ensemble", *, compare: bool = True,
                 evolution: bool = True, short: bool = False) -> str:
        """The French sentence of a figure, with its comparisons and its change."""
        row = self.row(ind, type_)
        others = [(in_territory(p.label, p.level), self.row(ind, type_, p))
                  for p in self.compared_parents] if compare else []
        return narrative.sentence(row, others=others, previous_year=self.previous_year if evolution else None,
                                  ensemble=self.etic_types, threshold=self.threshold, short=short)

    def sentences(self, specs: Sequence[tuple[str, str] | str], **kwargs) -> list[str]:
        """Sentences of several figures; those whose source is absent are said once per source."""
        out, absent = [], {}
        for spec in specs:
            ind, type_ = (spec, "ensemble") if isinstance(spec, str) else spec
            row = self.row(ind, type_)
            if row["statut"] == "absent":
                key = narrative._source_name(row)
                if key not in absent:
                    absent[key] = []
                    out.append(key)  # placeholder, keeps the order
                absent[key].append(row)
            else:
                out.append(self.sentence(ind, type_, **kwargs))
        return [narrative.absent_sentence(absent[s], ensemble=self.etic_types) if s in absent else s for s in out]

    def sub_range(self, ind: str, type_: str = "ensemble") -> str:
        """Spread over the sub-territories ("Selon les départements, … de 85 % (Lozère) à …")."""
        if not self.children:
            return ""
        return narrative.sub_range(self.sublevel_values(ind, type_), level=self.sublevel)

    def say(self, *paragraphs: str, bullets: Sequence[str] = ()) -> None:
        """Display French text (Markdown paragraphs, then an optional bullet list)."""
        parts = [p for p in paragraphs if p]
        if bullets:
            parts.append(narrative.bullets(bullets))
        if parts:
            _display_markdown("\n\n".join(parts))

    def question_change(self, ind: str) -> str:
        """Why an indicator's question changed between millésimes ("" when it did not)."""
        return narrative.question_change(ind)

    def harmonisation_lines(self) -> list[str]:
        """The harmonisation report of the millésime, one French line per fact."""
        return narrative.harmonisation_lines(self.harmonisation)

    def check_values(self, specs: Sequence[tuple[str, str]]) -> None:
        """Assert that the chapter's values and sentences are those of the indicator table
        (:func:`analysis.indicators.load`, read again): run by the notebooks' ``key-values``
        cells, silent when everything agrees."""
        reference = indicators.load(self.store, self.year, threshold=self.threshold)
        reference = reference[reference["territoire"] == self.territory.id].set_index(["indicateur", "type"])
        for ind, type_ in specs:
            row = reference.loc[(ind, type_)]
            mine, said = self.value(ind, type_), self.sentence(ind, type_)
            if row["statut"] == "ok":
                assert abs(mine - row["valeur"]) < 1e-9, (ind, type_, mine, row["valeur"])
                if row["unite"] == "count" and row["valeur"] == 0:
                    assert "ucun" in said, (ind, said)      # "Aucun établissement…", not "0 établissement"
                else:
                    assert fmt_value(row["valeur"], row["unite"]) in said, (ind, type_, said)
            else:
                assert mine != mine, (ind, type_, mine)      # NaN: never a number for a missing value
                assert "nan" not in said, (ind, said)

    def notes(self) -> list[str]:
        """Warnings about the data of this edition (demo, coverage), French Markdown."""
        out = []
        mine, total = self.covered(), self.departements()
        if not mine:
            out.append(f"Aucune donnée pour {self.label} dans le dossier de données{UNIT_SEP}: "
                       "les chiffres de ce rapport sont indisponibles.")
        elif mine != total:
            out.append(f"Les fichiers disponibles ne couvrent que {len(mine)} des {len(total)} "
                       f"départements de ce territoire{UNIT_SEP}: les chiffres portent sur ces seuls "
                       "départements.")
        if mine:
            last = self.territory
            for p in self.parents:
                if p in self.compared_parents:
                    last = p
                    continue
                out.append(f"Pas de comparaison avec {the_territory(p.label, p.level)}{UNIT_SEP}: "
                           f"les données disponibles pour {the_territory(p.label, p.level)} se "
                           f"limitent à celles {of_territory(last.label, last.level)}.")
        return out

    def sources_status(self) -> tuple[list[str], list[str]]:
        """(available, missing) French names of the sources for this millésime."""
        checks = [("ETIC premier degré (écoles)", "perimetre.champ_etic", "ecole"),
                  ("ETIC second degré (collèges, lycées)", "perimetre.champ_etic", "college"),
                  ("annuaire de l'Éducation nationale", "perimetre.etablissements", "ensemble"),
                  ("couverture très haut débit et mobile", "connectivite.thd", "ensemble"),
                  ("expérimentations (collèges lab, e-FRAN, ProFan)", "experimentations.colleges_lab", "ensemble")]
        available, missing = [], []
        for name, ind, type_ in checks:
            row = self.row(ind, type_, "france")
            (missing if row["statut"] == "absent" else available).append(name)
        return available, missing

    def intro(self) -> list[str]:
        """Opening paragraphs: what the report covers, on which data."""
        where = in_territory(self.label, self.territory.level)
        first = (f"Cet état des lieux décrit le numérique éducatif {where} pour le millésime "
                 f"{self.year}, à partir des données ouvertes disponibles. Tous les chiffres, phrases, "
                 "graphiques et cartes sont calculés à partir de ces données.")
        n = self.row("perimetre.etablissements", "ensemble")
        champ = self.row("perimetre.champ_etic", "ensemble")
        rate = self.row("perimetre.taux_reponse_etic", "ensemble")
        facts = []
        if n["statut"] == "ok":
            facts.append(f"Le périmètre compte {narrative.plural(n['valeur'], 'école, collège ou lycée', 'écoles, collèges et lycées')} "
                         "publics et privés sous contrat recensés dans l'annuaire de l'Éducation nationale")
        if champ["statut"] == "ok":
            text = (f"l'enquête ETIC porte sur les {fmt_number(champ['valeur'])} "
                    f"{self.subject('ensemble')} de son champ")
            if rate["statut"] == "ok":
                text += f", dont {fmt_value(rate['valeur'], '%')} ont répondu"
            facts.append(text)
        second = narrative.capitalize(" ; ".join(facts)) + "." if facts else ""
        available, missing = self.sources_status()
        third = f"Sources disponibles pour ce millésime{UNIT_SEP}: {', '.join(available)}."
        if missing:
            third += (f" Sources absentes du dossier de données{UNIT_SEP}: {', '.join(missing)}{UNIT_SEP}; les "
                      "indicateurs qui en dépendent sont signalés « donnée non disponible ».")
        return [first, second, third]

    def header(self) -> None:
        """The chapter's opening warnings: demo data (always visible), data coverage."""
        if self.demo:
            _display_callout(DEMO_WARNING + ".", "warning", "Données de démonstration")
        notes = self.notes()
        if notes:
            _display_callout(" ".join(notes), "note", "Périmètre des données")

    # ------------------------------------------------------------------ figures
    def chart_by_type(self, ind: str, title: str | None = None, *, types: Sequence[str] | None = None,
                      **kwargs):
        """Bars by type of establishment (types whose source is absent are left out)."""
        from analysis.report import charts

        frame = self.rows(ind, types)
        if not self.has_data(frame):
            return NoFigure(self._no_data(ind, types))
        row = frame.iloc[0]
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.bar_by_type(frame, self.title(title or str(row["titre"])), self._source_of(frame),
                                  unit=str(row["unite"]), **kwargs)

    def chart_comparison(self, ind: str, type_: str = "ensemble", title: str | None = None, **kwargs):
        """The territory against its parents and France (nothing for France itself)."""
        from analysis.report import charts

        frame = self.comparison(ind, type_)
        if len(frame) < 2 or frame["statut"].eq("absent").all():
            return NoFigure("")  # France has no parent; an absent source is said by the text
        if not self.has_data(frame):
            return NoFigure(self._no_data(ind, [type_]))
        row = frame.iloc[0]
        subject = narrative.subject(type_, public=self._public(ind), ensemble=self._ensemble(row))
        text = title or f"{row['titre']} — {subject}, {self.year}"
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.bar_comparison(frame, text, self.source_line(ind, type_), unit=str(row["unite"]),
                                     highlight=self.territory.id, label_col="libelle", **kwargs)

    def chart_distribution(self, base: str, title: str | None = None, *, types: Sequence[str] | None = None,
                           by: str = "type", reverse: bool = False, labels: Mapping[str, str] | None = None,
                           **kwargs):
        """100 % stacked bars of a distribution (one bar per type, or per territory with
        ``by="territoire"``: the territory and its parents)."""
        from analysis.report import charts

        levels = [(i, (labels or {}).get(i.rsplit(".", 1)[-1], lab)) for i, lab in self.levels(base)]
        if reverse:
            levels = levels[::-1]
        ids = [i for i, _ in levels]
        if by == "territoire":
            type_ = (types or self.published_types(ids[0]))[0]
            chain = [self.territory] + self.compared_parents
            frame = pd.DataFrame([self.row(i, type_, t) for t in chain for i in ids]).reset_index(drop=True)
            bar_labels = {t.id: t.label for t in chain}
            order = [t.id for t in chain]
        else:
            types = types or self.published_types(ids[0])
            frame = pd.concat([self.rows(i, types) for i in ids], ignore_index=True)
            bar_labels, order = None, [t for t in TYPE_ORDER if t in set(frame["type"])] if len(frame) else None
        frame = frame[~frame["statut"].isin(["absent", "vide"])]
        if not self.has_data(frame):
            return NoFigure(self._no_data(ids[0], types))
        cat = indicators.catalogue()[ids[0]]
        bar_by = "territoire" if by == "territoire" else "type"
        if bar_by == "type" and len(ids) > 3 and "figsize" not in kwargs:
            kwargs["figsize"] = (6.4, 4.2)  # room for the legend of many levels
        source = self._source_of(frame[frame["indicateur"] == ids[0]], by=bar_by if bar_by == "type" else None)
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.stacked_distribution(frame, ids, [lab for _, lab in levels],
                                           self.title(title or cat.title), source, by=bar_by,
                                           order=order, bar_labels=bar_labels, **kwargs)

    def chart_yes_no(self, ind: str, yes: str, no: str, title: str | None = None, *,
                     types: Sequence[str] | None = None, **kwargs):
        """A share and its complement as 100 % stacked bars by type (e.g. public / privé)."""
        from analysis.report import charts

        frame = self.rows(ind, types)
        if not self.has_data(frame):
            return NoFigure(self._no_data(ind, types))
        wide = frame.copy()
        wide["oui"] = wide["valeur"]
        wide["non"] = 100 - wide["valeur"]
        row = frame.iloc[0]
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.stacked_distribution(wide, ["oui", "non"], [yes, no], self.title(title or str(row["titre"])),
                                           self._source_of(frame), by="type", **kwargs)

    def chart_grouped(self, inds: Mapping[str, str], title: str, *, types: Sequence[str] | None = None, **kwargs):
        """Bars grouped by type, one colour per indicator (e.g. hors REP / REP / REP+)."""
        from analysis.report import charts

        frames = []
        for ind in inds:
            ts = [t for t in (types or self.published_types(ind)) if t in self.published_types(ind)]
            frames.append(self.rows(ind, ts))
        frame = pd.concat(frames, ignore_index=True)
        if not self.has_data(frame):
            return NoFigure(self._no_data(next(iter(inds)), types))
        present = [i for i in inds if i in set(frame["indicateur"])]
        if "figsize" not in kwargs:  # never wider than the text: many bars get thinner, not smaller text
            bars = frame["type"].nunique() * len(present)
            kwargs["figsize"] = (min(6.4, max(4.8, 1.4 + 0.55 * bars)), 3.8)
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.grouped_bars(frame, "type", "indicateur", self.title(title), self._source_of(frame),
                                   unit=str(frame["unite"].iloc[0]), hue_order=present,
                                   hue_labels=dict(inds), **kwargs)

    def chart_ranked(self, inds: Sequence[str] | Mapping[str, str], title: str, type_: str = "ensemble", **kwargs):
        """Several shares of one type, ranked (e.g. the types of digital resources)."""
        from analysis.report import charts

        labels = dict(inds) if isinstance(inds, Mapping) else {i: indicators.catalogue()[i].title for i in inds}
        frame = pd.DataFrame([self.row(i, type_) for i in labels]).reset_index(drop=True)
        frame = frame[~frame["statut"].isin(["absent", "vide"])]
        if not self.has_data(frame):
            return NoFigure(self._no_data(next(iter(labels)), [type_]))
        source = self._source_of(frame, by=None)
        frame = frame.assign(libelle=frame["indicateur"].map(labels), indicateur="ensemble_des_modalites")
        frame = frame.drop(columns=["territoire"])
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.ranked_bars(frame, self.title(title), source, unit=str(frame["unite"].iloc[0]),
                                  label_col="libelle", **kwargs)

    def chart_sublevel(self, ind: str, type_: str = "ensemble", title: str | None = None, **kwargs):
        """Sub-territories ranked, with the territory's value as a reference line."""
        from analysis.report import charts

        frame = self.sublevel_values(ind, type_)
        if frame.empty:
            return NoFigure("")
        frame = frame[~frame["statut"].isin(["absent", "vide"])]
        if not self.has_data(frame):
            return NoFigure(self._no_data(ind, [type_]))
        row = self.row(ind, type_)
        reference = (self.territory.nom if self.territory.level != "france" else "France",
                     float(row["valeur"])) if row["statut"] == "ok" else None
        subject = narrative.subject(type_, public=self._public(ind), ensemble=self._ensemble(row))
        text = title or f"{row['titre']} — {subject}, par {LEVEL_NOUNS[self.sublevel].singular}"
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return charts.ranked_bars(frame, self.title(text), self.source_line(ind, type_),
                                  unit=str(row["unite"]), label_col="nom", reference=reference, **kwargs)

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

    def map(self, ind: str, type_: str = "ensemble", title: str | None = None, **kwargs):
        """Choropleth of the sub-territories (départements), or why there is none."""
        if not self.children:
            text = (f"Pas de carte pour une édition départementale{UNIT_SEP}: le département n'a pas de "
                    "sous-territoire dans ce rapport.")
            if self.compared_parents:
                names = narrative._join([the_territory(p.label, p.level) for p in self.compared_parents])
                text += f" La comparaison avec {names} en tient lieu."
            return NoFigure(text)
        frame = self.sublevel_values(ind, type_)
        if frame["statut"].eq("absent").all():
            return NoFigure(f"Pas de carte{UNIT_SEP}: "
                            + narrative.missing_reason(self.row(ind, type_), threshold=self.threshold) + ".")
        if not (frame["statut"] == "ok").any():
            return NoFigure(f"Pas de carte{UNIT_SEP}: aucun {LEVEL_NOUNS[self.sublevel].singular} n'a de valeur publiable.")
        from analysis.report import maps

        row = self.row(ind, type_)
        values = frame.assign(statut=frame["statut"].where(frame["statut"].isin(["ok", "secret"]), "nc"))
        geometries = self.geometries
        source = self.source_line(ind, type_)
        if geometries is not None:
            registry = self.store.registry
            producer = registry["departements_geo"].producer if "departements_geo" in registry else ""
            source += f"{UNIT_SEP}; fond de carte{UNIT_SEP}: {producer.split(',')[0].strip() or 'IGN'}"
        subject = narrative.subject(type_, public=self._public(ind), ensemble=self._ensemble(row))
        text = title or f"{row['titre']} — {subject}, par {LEVEL_NOUNS[self.sublevel].singular}"
        kwargs.setdefault("taux_nc", "")  # the source line already states the n.c. rate
        return maps.choropleth(values, geometries, level=self.sublevel, title=self.title(text), source=source,
                               unit=str(row["unite"]), vintage=self.vintage, **kwargs)

    def _public(self, ind: str) -> bool:
        phrase = narrative.PHRASES.get(ind)
        return phrase.public if phrase else True

    def _ensemble(self, row) -> tuple[str, ...]:
        return self.etic_types if str(row.get("source", "")).startswith("ETIC") else ENSEMBLE_TYPES

    def _no_data(self, ind: str, types: Sequence[str] | None = None) -> str:
        type_ = (list(types) if types else ["ensemble"])[0]
        row = self.row(ind, type_)
        reason = narrative.missing_reason(row, threshold=self.threshold) or "aucune valeur publiable"
        return f"*{narrative.capitalize(str(row['titre']))}{UNIT_SEP}: {reason}.*"

    def show_figure(self, fig) -> None:
        """Display a figure as PNG (image/png, with its alt text as text/plain), or the reason
        a :class:`NoFigure` carries."""
        if fig is None:
            return
        if isinstance(fig, NoFigure):
            if fig.text:
                _display_markdown(fig.text)
            return
        from IPython.display import display

        png = figure_png(fig)
        alt = getattr(fig, "alt_text", "") or "Graphique"
        width = int(fig.get_figwidth() * 96)
        display({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, raw=True,
                metadata={"image/png": {"width": width, "alt": alt}})

    # ------------------------------------------------------------------ tables
    def table(self, df: pd.DataFrame, *, source: str | None = None, note: str | None = None) -> None:
        """Display a table of French text as HTML, with its source line and a note (nothing
        for an empty table: the text around it says why)."""
        from IPython.display import display

        if df is None or df.empty:
            return
        display({"text/html": table_html(df, source=source, note=note),
                 "text/plain": df.to_string(index=False)}, raw=True)

    def key_figures(self, specs: Sequence[tuple[str, str]]) -> pd.DataFrame:
        """The headline figures: one row per (indicator, type) with the establishments it is
        about, the territory then its compared parents, the n.c. rate and the source."""
        chain = [self.territory] + self.compared_parents
        records, last_theme = [], None
        for ind, type_ in specs:
            row = self.row(ind, type_)
            cat = indicators.catalogue().get(ind)
            theme = THEMES.get(cat.theme if cat else "", "")
            record = {"Thème": theme if theme != last_theme else "",
                      "Indicateur": str(row["titre"]), "Établissements": _scope(row, self._ensemble(row))}
            last_theme = theme
            for t in chain:
                record[t.label] = cell_text(self.row(ind, type_, t))
            record["n.c."] = narrative.nc_paren(row)[1:-1].replace(UNIT_SEP + "n.c.", "")
            record["Source"] = str(row["source"])
            records.append(record)
        return pd.DataFrame(records)

    def territories_table(self) -> pd.DataFrame:
        """The territories of the edition with their hierarchy (région > académie > département)."""
        h = territories.hierarchy(self.vintage)
        h = h[h["statut"] == "departement"]
        if self.territory.level == "region":
            h = h[h["region"] == self.territory.code]
        elif self.territory.level == "academie":
            h = h[h["academie"] == self.territory.code]
        elif self.territory.level == "departement":
            h = h[h["departement"] == self.territory.code]
        covered = self._coverage
        out = pd.DataFrame({
            "Région académique": h["region_nom"].where(h["region_statut"] == "region-academique", "—"),
            "Académie": h["academie_nom"].where(h["academie_statut"] == "academie", h["academie_nom"] + " (vice-rectorat)"),
            "Département": h["departement_nom"] + " (" + h["departement"] + ")",
            "Données": np.where(h["departement"].isin(covered), "oui", "non"),
        })
        return out.sort_values(["Région académique", "Académie", "Département"]).reset_index(drop=True)

    def dictionary_table(self) -> pd.DataFrame:
        """Data dictionary: every indicator of the catalogue (distributions as one entry)."""
        records, seen = [], set()
        units = {"%": "part (%)", "ratio": "ratio", "count": "nombre"}
        labels = indicators.source_labels()
        for ind in indicators.catalogue().values():
            key = ind.base or ind.id
            if key in seen:
                continue
            seen.add(key)
            records.append({"Thème": THEMES.get(ind.theme, ind.theme), "Indicateur": key,
                            "Intitulé": ind.title, "Unité": units.get(ind.unit, ind.unit),
                            "Source": labels.get(ind.source, ind.source),
                            "Types publiés": ", ".join(TYPE_LABELS.get(t, t).lower() for t in ind.types),
                            "Définition": ind.definition})
        return pd.DataFrame(records)

    def dictionary_markdown(self) -> str:
        """The data dictionary as Markdown: one list per theme."""
        frame = self.dictionary_table()
        parts = []
        for theme, group in frame.groupby("Thème", sort=False):
            items = [f"**{r['Intitulé']}**{UNIT_SEP}: {r['Définition']} "
                     f"*{narrative.capitalize(r['Unité'])}{UNIT_SEP}; source{UNIT_SEP}: {r['Source']}{UNIT_SEP}; "
                     f"publié pour{UNIT_SEP}: {r['Types publiés']}{UNIT_SEP}; code{UNIT_SEP}:* `{r['Indicateur']}`."
                     for _, r in group.iterrows()]
            parts.append(f"**{theme}**\n\n" + narrative.bullets(items))
        return "\n\n".join(parts)

    def completeness_by_theme(self) -> pd.DataFrame:
        """n.c. rates of the territory by family of indicators (theme) and type: min–max."""
        rows = self.data[(self.data["territoire"] == self.territory.id)
                         & self.data["type"].isin(TYPE_ORDER) & (self.data["unite"] != "count")
                         & ~self.data["theme"].isin(["perimetre"])]
        records = []
        for theme, group in rows.groupby("theme", sort=False):
            record = {"Famille": THEMES.get(theme, theme),
                      "Indicateurs": str(group["base"].nunique())}
            for t in TYPE_ORDER:
                sub = group[(group["type"] == t) & (group["statut"] != "absent")]
                rates = sub["taux_nc"].dropna()
                if group[group["type"] == t].empty:
                    record[TYPE_LABELS[t]] = "–"
                elif rates.empty:
                    record[TYPE_LABELS[t]] = "n.d."
                else:
                    lo, hi = fmt_pct(rates.min()), fmt_pct(rates.max())
                    record[TYPE_LABELS[t]] = lo if lo == hi else f"{lo} à {hi}"
            records.append(record)
        order = list(THEMES.values())
        out = pd.DataFrame(records)
        if len(out):
            out = out.sort_values("Famille", key=lambda s: s.map(order.index)).reset_index(drop=True)
        return out

    COMPLETENESS_INDICATORS = {
        "connectivite.acces_internet": "Internet",
        "connectivite.wifi": "Wifi",
        "equipement.eleves_par_terminal": "Terminaux",
        "equipement.imprimante_3d_au_moins_une": "Impr. 3D",
        "services.ent": "ENT",
        "services.ressources_entrainement": "Ressources",
    }

    def completeness_by_subterritory(self) -> pd.DataFrame:
        """Response rate and n.c. rate of the main indicators, per sub-territory (ensemble)."""
        chain = self.children or [self.territory]
        if self.children:
            chain = chain + [self.territory]
        records = []
        cat = indicators.catalogue()
        for t in chain:
            record = {"Territoire": f"{t.nom} ({t.code})" if t.level == "departement" else t.label}
            record["Établ."] = cell_text(self.row("perimetre.etablissements", "ensemble", t))
            record["Champ ETIC"] = cell_text(self.row("perimetre.champ_etic", "ensemble", t))
            record["Réponse"] = cell_text(self.row("perimetre.taux_reponse_etic", "ensemble", t))
            for ind, label in self.COMPLETENESS_INDICATORS.items():
                ident = ind if ind in cat else next(i.id for i in cat.values() if i.base == ind)
                row = self.row(ident, "ensemble", t)
                record[label] = (
                    fmt_pct(row["taux_nc"]) if row["statut"] not in ("absent", "vide")
                    and not is_missing(row["taux_nc"]) else cell_text(row))
            records.append(record)
        return pd.DataFrame(records)

    def sources_table(self) -> pd.DataFrame:
        """The registry of sources, what the data folder holds and what was verified."""
        records = []
        by_source: dict[str, list] = {}
        for r in self.store.records():
            by_source.setdefault(r.source, []).append(r)
        for key, source in self.store.registry.items():
            held = by_source.get(key, [])
            years = sorted({y for r in held for y in r.millesimes})
            records.append({
                "Source": f"{source.title} — {source.producer}" if source.producer else source.title,
                "Fichiers présents": ", ".join(r.file for r in held) if held else "aucun",
                "Millésimes": ", ".join(map(str, years)) if years else "–",
                "Adresse vérifiée": "oui" if source.url_verified else "non",
                "Format vérifié": "oui" if source.layout_verified else "non",
            })
        return pd.DataFrame(records)

    def licences_text(self) -> str:
        """The licences of the sources, said once when they are all the same."""
        names = list(dict.fromkeys(s.licence.name for s in self.store.registry.values()))
        if len(names) == 1:
            return f"Toutes les sources sont publiées sous {names[0]}."
        return "Licences" + UNIT_SEP + ": " + "; ".join(
            f"{s.title}{UNIT_SEP}: {s.licence.name}" for s in self.store.registry.values()) + "."

    def unverified_sources(self) -> tuple[list[str], list[str]]:
        """Titles of the sources whose download URL / column layout were not verified."""
        reg = self.store.registry.values()
        return ([s.title for s in reg if not s.url_verified], [s.title for s in reg if not s.layout_verified])

    def provenance_table(self) -> pd.DataFrame:
        """Every input file: source, file, origin (URL or local copy), date, sha256, licence."""
        records = []
        for r in self.store.records():
            records.append({"Source": r.source, "Fichier": r.file, "Méthode": _METHODS.get(r.method, r.method),
                            "Origine": r.origin, "Date": r.retrieved_at[:10], "Taille": _size(r.size),
                            "sha256": r.sha256, "Licence": r.licence, "Démo": "oui" if r.demo else "non"})
        return pd.DataFrame(records)

    def provenance_markdown(self) -> str:
        """The provenance records as a Markdown list (long hashes and paths read better so)."""
        items = []
        for r in self.store.records():
            title = self.store.registry[r.source].title if r.source in self.store.registry else r.source
            what = _METHODS.get(r.method, r.method)
            text = (f"**{r.file}** ({title}){UNIT_SEP}: {what} de {r.origin}, le {r.retrieved_at[:10]}, "
                    f"{_size(r.size)}{UNIT_SEP}; licence{UNIT_SEP}: {r.licence}"
                    + (f"{UNIT_SEP}; millésimes{UNIT_SEP}: {', '.join(map(str, r.millesimes))}" if r.millesimes else "")
                    + (f"{UNIT_SEP}; **données de démonstration**" if r.demo else "")
                    + f".  \n  sha256{UNIT_SEP}: `{r.sha256}`")
            items.append(text)
        return narrative.bullets(items) if items else "Aucun fichier dans le dossier de données."

    def unavailable_table(self) -> pd.DataFrame:
        """Figures of the 2018 report the open data cannot give, and why."""
        return pd.DataFrame([{"Figure du rapport 2018": UNAVAILABLE_LABELS.get(k, k.split(".")[-1].replace("_", " ")),
                              "Pourquoi elle n'est pas reproduite": v}
                             for k, v in indicators.unavailable().items()])

    def experimentations_table(self) -> pd.DataFrame:
        """Counts of the experimentation programmes by sub-territory (empty when absent)."""
        inds = {"experimentations.colleges_lab": "Collèges lab", "experimentations.efran": "Établissements e-FRAN",
                "experimentations.efran_projets": "Projets e-FRAN", "experimentations.profan": "Lycées ProFan"}
        if all(self.row(i)["statut"] == "absent" for i in inds):
            return pd.DataFrame()
        chain = self.children + [self.territory]
        records = []
        for t in chain:
            record = {"Territoire": f"{t.nom} ({t.code})" if t.level == "departement" else t.label}
            for ind, label in inds.items():
                record[label] = cell_text(self.row(ind, "ensemble", t))
            records.append(record)
        return pd.DataFrame(records)

    def experimentations_note(self) -> str:
        """Why there is no territorial breakdown of the experimentations, or what follows."""
        row = self.row("experimentations.colleges_lab")
        if row["statut"] == "absent":
            return ("Pas de répartition territoriale" + UNIT_SEP + ": "
                    + narrative.missing_reason(row, threshold=self.threshold) + ".")
        if not self.children:
            return ""
        return f"Nombre d'établissements engagés par {LEVEL_NOUNS[self.sublevel].singular}{UNIT_SEP}:"

    def verification_text(self) -> str:
        """Which sources have an unverified download address or column layout."""
        urls, layouts = self.unverified_sources()
        held = {r.source for r in self.store.records()}
        parts = []
        if urls:
            parts.append(f"Adresses de téléchargement non vérifiées{UNIT_SEP}: {(UNIT_SEP + '; ').join(urls)}.")
        if layouts:
            parts.append(f"Format des colonnes non vérifié sur un fichier officiel{UNIT_SEP}: {(UNIT_SEP + '; ').join(layouts)}.")
        used = []
        for key, source in self.store.registry.items():
            if key in held and not (source.url_verified and source.layout_verified):
                what = ("adresse et format non vérifiés" if not (source.url_verified or source.layout_verified)
                        else "adresse non vérifiée" if not source.url_verified else "format non vérifié")
                used.append(f"{source.title} ({what})")
        if used:
            parts.append(f"Fichiers présents concernés{UNIT_SEP}: {(UNIT_SEP + '; ').join(used)}.")
        if self.demo:
            parts.append("Le dossier de données contient des fichiers synthétiques de démonstration.")
        return " ".join(parts)

    def distribution_text(self, base: str, type_: str) -> str:
        """"Écoles : hors REP 93 %, REP 4 %, REP+ 3 %" for one type."""
        rows = [self.row(i, type_) for i, _ in self.levels(base)]
        if all(r["statut"] != "ok" for r in rows):
            return ""
        parts = [f"{label} {cell_text(r)}" for (_, label), r in zip(self.levels(base), rows)]
        return f"{TYPE_LABELS.get(type_, type_)}{UNIT_SEP}: {', '.join(parts)} {narrative.nc_paren(rows[0])}".rstrip()

    def secret_text(self) -> str:
        """The secrecy threshold and how many values of the territory it hides."""
        rows = self.data[(self.data["territoire"] == self.territory.id) & self.data["type"].isin(TYPE_ORDER)]
        n_secret = int((rows["statut"] == "secret").sum())
        n_nc = int((rows["statut"] == "nc").sum())
        the = the_territory(self.label, self.territory.level)
        text = f"Seuil du secret statistique{UNIT_SEP}: {narrative.plural(self.threshold, 'répondant', 'répondants')}. "
        if n_secret:
            text += (f"Pour {the}, {narrative.plural(n_secret, 'valeur', 'valeurs')} (indicateur et type "
                     f"d'établissement) {'est couverte' if n_secret < 2 else 'sont couvertes'} par le secret statistique")
        else:
            text += f"Pour {the}, aucune valeur n'est couverte par le secret statistique"
        if n_nc:
            text += (f" et {narrative.plural(n_nc, 'valeur est', 'valeurs sont')} non "
                     f"{'communiquée' if n_nc < 2 else 'communiquées'}, faute de répondant.")
        else:
            text += " et aucune n'est non communiquée faute de répondant."
        return text

    def top_resources(self, inds: Sequence[str], n: int = 3) -> str:
        """"Les types de ressources les plus utilisés sont … (28 % n.c.)."""
        rows = [self.row(i) for i in inds if i != "services.ressources_aucune"]
        ok = sorted([r for r in rows if r["statut"] == "ok"], key=lambda r: -float(r["valeur"]))
        if not ok:
            return narrative.capitalize(narrative.statement(self.row(inds[0]), threshold=self.threshold)) + "."
        items = [f"{str(r['titre'])[0].lower()}{str(r['titre'])[1:]} ({fmt_value(r['valeur'], '%')})"
                 for r in ok[:n]]
        text = (f"Les types de ressources numériques les plus utilisés par les {self.subject()} sont{UNIT_SEP}: "
                f"{narrative._join(items)} {narrative.nc_paren(ok[0])}".rstrip() + ".")
        none = self.row("services.ressources_aucune")
        if none["statut"] == "ok":
            text += " " + narrative.capitalize(narrative.statement(none, ensemble=self.etic_types, with_nc=False)) + "."
        return text

    def completeness_intro(self) -> str:
        """What the completeness table by territory shows."""
        scope = (f"l'ensemble des {self.subject()}" if self.etic_types else "les établissements publics")
        if self.children:
            where = (f"chaque {LEVEL_NOUNS[self.sublevel].singular} "
                     + (of_territory(self.label, self.territory.level) if self.territory.level != "france"
                        else "de France") + " puis pour le territoire entier")
        else:
            where = the_territory(self.label, self.territory.level)
        return (f"Le tableau suivant donne, pour {where}, le nombre d'établissements, le champ et le taux "
                "de réponse de l'enquête ETIC, puis le taux de non-réponse (n.c.) des principaux "
                f"indicateurs, pour {scope}.")

    @cached_property
    def harmonisation(self):
        """The harmonisation report of the millésime (read from the cache)."""
        from analysis.harmonise.table import load_etablissements

        return load_etablissements(self.store, self.year)[1]


# ---------------------------------------------------------------------------------- helpers
_METHODS = {"fetch": "téléchargé", "import": "copie locale", "demo": "fichier de démonstration"}
UNAVAILABLE_LABELS = {
    "equipement.eleves_par_terminal_par_typologie_commune": "Élèves par terminal dans les écoles selon la typologie de commune",
    "equipement.equipement_par_taille": "Niveau et âge des équipements selon la taille des établissements (annexe)",
    "connectivite.debit_effectif": "Débit internet effectif",
    "services.regions_100pct_lycees_ent": "Régions dont 100 % des lycées utilisent un ENT",
}


def _size(size: int) -> str:
    if size >= 100_000:
        return f"{fmt_number(size / 1e6, 1)}{UNIT_SEP}Mo"
    return f"{fmt_number(max(size / 1e3, 1), 0)}{UNIT_SEP}ko"


def _scope(row, ensemble) -> str:
    """The establishments a row is about ("collèges et lycées publics"), or "–" for counts of
    other things (départements, projets)."""
    if str(row.get("indicateur")) in narrative._COUNT_NOUNS:
        return narrative._COUNT_NOUNS[str(row.get("indicateur"))][1]
    phrase = narrative.PHRASES.get(str(row.get("indicateur")))
    public = phrase.public if phrase else True
    return narrative.subject(str(row.get("type", "ensemble")), public=public, ensemble=ensemble)


def figure_png(fig, dpi: int = PNG_DPI) -> bytes:
    """PNG bytes of a figure, reproducibly (no software metadata)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    buf = io.BytesIO()
    tight = not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None},
                bbox_inches="tight" if tight else None, pad_inches=0.1, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def table_html(df: pd.DataFrame, *, source: str | None = None, note: str | None = None) -> str:
    """A plain HTML table (escaped), then the source line and a note as small paragraphs."""
    head = "".join(f"<th>{html_lib.escape(str(c))}</th>" for c in df.columns)
    body = []
    for values in df.astype(object).itertuples(index=False):
        cells = "".join(f"<td>{html_lib.escape('' if is_missing(v) else str(v))}</td>" for v in values)
        body.append(f"<tr>{cells}</tr>")
    parts = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"]
    for text in (source, note):
        if text:
            parts.append(f"<p><small>{html_lib.escape(text)}</small></p>")
    return "\n".join(parts)


def _display_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def _display_callout(text: str, kind: str, title: str) -> None:
    """A callout for the book (text/markdown) that also reads well in JupyterLab (text/html)."""
    from IPython.display import display

    html = (f'<div style="border-left:4px solid #E69F00;background:#fdf6e9;padding:.5em 1em">'
            f"<strong>{html_lib.escape(title)}</strong><br>{html_lib.escape(text)}</div>")
    display({"text/markdown": narrative.callout(text, kind, title), "text/html": html,
             "text/plain": f"{title} : {text}"}, raw=True)
