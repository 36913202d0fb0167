"""One fiche as printed text: the identity of its établissement and its lines by theme.

:func:`prepare` computes once per millésime what every fiche reads (answers of every millésime,
quarters, the values of the territories), vectorised; :func:`fiche` then only picks the cells of
one établissement. The HTML and the PDF (:mod:`.html`, :mod:`.pdf`) print the same
:class:`Fiche`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analysis.core import perimeters, territories
from analysis.core.formatting import UNIT_SEP
from analysis.core.publication import DEMO_BANNER
from analysis.core.statuts import BREAK_MARK, EMPTY, PARTIAL_MARK, SECRET, SECRET_THRESHOLD, Statut
from analysis.core.vocabulary import TYPE_NOUNS
from analysis.fiches import rows
from analysis.indicators.catalogue import catalogue, source_labels, themes

SECTEURS = {"public": "public", "prive": "privé"}
QUARTER_HEADING = "Place dans le département"


@dataclass
class Fiche:
    """What a fiche shows, as printed text (escaped by the printer, not here)."""

    uai: str
    nom: str
    year: int
    demo: bool
    identity: list[tuple[str, str]]
    identity_source: str
    headings: list[str]
    sections: list[tuple[str, list[list[str]]]]
    caption: str
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.nom} ({self.uai})"

    @property
    def banner(self) -> str | None:
        return DEMO_BANNER if self.demo else None


@dataclass
class Millesime:
    """What every fiche of a millésime reads, computed once (:func:`prepare`)."""

    year: int
    threshold: int
    demo: bool
    table: pd.DataFrame
    questions: list[rows.Question]
    years: list[int]
    printed: dict[int, pd.DataFrame]
    quarters: pd.DataFrame
    peers: dict[tuple[str, str, str], str]
    breaks: dict[str, int]
    names: dict[str, str]
    member_of: dict[str, list[str]]
    answers: rows.Answers
    position: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.position = {u: n for n, u in enumerate(self.table["uai"])}
        qs = self.questions
        self._cells = self.printed[self.year].to_numpy(dtype=object)
        self._history_years = [y for y in self.years if y != self.year]
        self._history = {y: self.printed[y].reindex(self.table["uai"]).to_numpy(dtype=object)
                         for y in self._history_years}
        self._quarters = self.quarters.to_numpy(dtype=object)
        where = {q: n for n, q in enumerate(self.quarters.columns)}
        self._quarter_column = {n: where[q.id] for n, q in enumerate(qs) if q.id in where}
        mark = f"{UNIT_SEP}{BREAK_MARK}"
        self._titles = [q.title + (mark if self.breaks.get(q.id) == self.year else "") for q in qs]
        self._break_at = {(n, y) for n, q in enumerate(qs) for y in self._history_years if self.breaks.get(q.id) == y}
        self._members = [q.members[0].id for q in qs]
        self._levels = {n: self.answers.value[q.id].to_numpy() for n, q in enumerate(qs) if q.kind == rows.LEVEL}
        self._sources = [", ".join([rows.source_label(q, self.year)] + [str(y) for y in self._history_years])
                         for q in qs]
        titles = themes()
        self._themes = [titles.get(q.theme, q.theme) for q in qs]
        labels = source_labels()
        self._identity_source = f"Source : {labels['annuaire']} ; {labels['etic']} {self.year}"
        self._notes = notes(self)
        self._records = self.table[["uai", "nom", "type", "secteur", "commune", "commune_code", "departement",
                                    "academie", "education_prioritaire", "repondant_etic", "champ_etic"]
                                   ].to_dict("records")

    @property
    def uais(self) -> list[str]:
        return list(self.table["uai"])


def prepare(store, year: int, threshold: int = SECRET_THRESHOLD, results: pd.DataFrame | None = None,
            only: list[str] | None = None) -> Millesime:
    """Everything the fiches of ``year`` read from the data folder of ``store``; with ``only``, the
    fiches of those UAIs (the établissements of their départements are read, for the quarters)."""
    from analysis import indicators
    from analysis.harmonise.millesimes import available_years
    from analysis.harmonise.table import load_etablissements

    results = indicators.load(store, year, threshold=threshold) if results is None else results
    whole, _ = load_etablissements(store, year)
    table = whole if only is None else _around(whole, only)
    qs = rows.questions()
    years = [y for y in available_years(store)]
    if year not in years:
        years.append(year)
    years.sort()
    printed, main = {}, None
    for y in years:
        full = whole if y == year else load_etablissements(store, y)[0]
        frame = full if only is None else full[full["uai"].isin(table["uai"])]
        found = rows.answers(frame, y, qs, whole=full)
        if y == year:
            main = found
        printed[y] = rows.printed(found, qs)
    vintage = territories.vintage_for_year(year)
    names = {t.id: t.label for level in rows.PEER_LEVELS for t in territories.list_territories(level, vintage)}
    member_of: dict[str, list[str]] = {}
    for perimeter in perimeters.declared():
        if isinstance(perimeter, perimeters.Perimeter) and perimeter.by_etablissement:
            for uai in table.loc[perimeter.mask(table), "uai"]:
                member_of.setdefault(uai, []).append(f"{perimeter.nom} ({territories.PERIMETRE}:{perimeter.code})")
    demo = bool(results["demo"].any()) if "demo" in results else store.is_demo()
    return Millesime(year, threshold, demo, table, qs, years, printed, rows.quarters(table, main, qs, threshold),
                     rows.peer_cells(results, qs), rows.breaks(qs, years), names, member_of, main)


def _around(table: pd.DataFrame, uais: list[str]) -> pd.DataFrame:
    """The rows of ``uais`` and of the other établissements of their départements."""
    listed = table["uai"].isin(uais)
    departements = set(table.loc[listed, "departement"].dropna())
    return table[listed | table["departement"].isin(departements)].reset_index(drop=True)


@lru_cache(maxsize=1)
def _priority_labels() -> dict[str, str]:
    cat = catalogue()
    return {i.level: i.level_label for i in cat.values() if i.base == "perimetre.education_prioritaire"}


def fiche(m: Millesime, uai: str) -> Fiche:
    """The fiche of ``uai`` (a UAI of ``m.table``)."""
    n = m.position[uai]
    rec = m._records[n]
    type_ = rec["type"] if isinstance(rec["type"], str) else None
    noun = TYPE_NOUNS.get(type_)
    departement = f"departement:{rec['departement']}" if isinstance(rec["departement"], str) else None
    academie = f"academie:{rec['academie']}" if isinstance(rec["academie"], str) else None
    secteur = SECTEURS.get(rec["secteur"], rec["secteur"] if isinstance(rec["secteur"], str) else Statut.ABSENT.mark)
    priority = _priority_labels().get(rec["education_prioritaire"], EMPTY) if type_ in ("ecole", "college") else EMPTY
    commune = rec["commune"] if isinstance(rec["commune"], str) else Statut.ABSENT.mark
    if isinstance(rec["commune_code"], str) and rec["commune_code"]:
        commune = f"{commune} ({rec['commune_code']})"
    answered = "oui" if rec["repondant_etic"] else ("non" if rec["champ_etic"] else "hors du champ de l'enquête")
    identity = [("UAI", uai), ("Type", noun.singular if noun else Statut.ABSENT.mark), ("Secteur", secteur),
                ("Commune", commune),
                ("Département", m.names.get(departement, Statut.ABSENT.mark)),
                ("Académie", m.names.get(academie, Statut.ABSENT.mark)),
                ("Éducation prioritaire", priority),
                (f"Répondant ETIC {m.year}", answered)]
    if uai in m.member_of:
        identity.append(("Périmètres", " ; ".join(m.member_of[uai])))
    history = m._history_years
    headings = ([f"Réponse {m.year}"] + [f"Réponse {y}" for y in history]
                + [m.names.get(departement, "Département"), m.names.get(academie, "Académie"), "France",
                   QUARTER_HEADING, "Source"])
    sections: dict[str, list[list[str]]] = {}
    cells = m._cells[n]
    quarters = m._quarters[n]
    published = type_ is not None
    for column, q in enumerate(m.questions):
        line = [m._titles[column], cells[column]]
        for y in history:
            line.append(m._history[y][n][column] or Statut.ABSENT.mark)
            if (column, y) in m._break_at:
                line[-1] = f"{line[-1]}{UNIT_SEP}{BREAK_MARK}"
        member = m._members[column]
        if column in m._levels:
            level = m._levels[column][n]
            member = q.members[int(level)].id if level == level else None
        if member is None or not published or type_ not in q.types:
            line += [EMPTY, EMPTY, EMPTY]
        else:
            line += [m.peers.get((departement, type_, member), Statut.ABSENT.mark),
                     m.peers.get((academie, type_, member), Statut.ABSENT.mark),
                     m.peers.get(("france", type_, member), Statut.ABSENT.mark)]
        quarter = quarters[m._quarter_column[column]] if column in m._quarter_column else ""
        line.append(quarter or EMPTY)
        line.append(m._sources[column])
        sections.setdefault(m._themes[column], []).append(line)
    ordered = list(sections.items())
    of_type = noun.plural if noun else "établissements"
    caption = (f"Réponses de l'établissement ; à côté, la valeur des {of_type} de son département, de son "
               f"académie et de France (taux de non-communication entre parenthèses).")
    return Fiche(uai, rec["nom"] if isinstance(rec["nom"], str) else uai, m.year, m.demo, identity,
                 m._identity_source, headings, ordered, caption, m._notes)


def notes(m: Millesime) -> list[str]:
    """The legend under every fiche of the millésime."""
    out = [f"« {rows.NOT_ANSWERED} » : l'établissement n'a pas répondu à cette question ; « {EMPTY} » : sans objet "
           "(hors du champ de la question) ; « {nd} » : non disponible (source absente pour ce millésime, ou "
           "modalité absente du questionnaire) ; « {s} » : secret statistique (moins de {t} répondants)."
           .format(nd=Statut.ABSENT.mark, s=SECRET, t=m.threshold),
           f"{QUARTER_HEADING} : parmi les établissements du même type de son département ayant répondu, le quart "
           "où se situe sa valeur (1er quart : les valeurs les plus basses).",
           "Les valeurs des territoires sont celles du rapport : calculées sur les établissements du champ de "
           "chaque question ayant répondu ; ETIC est publié par établissement en données ouvertes."]
    from analysis.report.tables import PARTIAL_NOTE  # matplotlib comes with it: only when written

    if any(PARTIAL_MARK in value for value in m.peers.values()):
        out.append(PARTIAL_NOTE)
    if m.breaks:
        years = sorted(set(m.breaks.values()))
        out.append(f"{BREAK_MARK} rupture de comparabilité : la question a changé en {', '.join(map(str, years))} ; "
                   "les réponses d'avant ne se comparent pas.")
    if m.demo:
        out.insert(0, DEMO_BANNER)
    return out


