"""The French text of a chapter: sentences about the territory, and the paragraphs around them.

Functions of a chapter ``ch`` (:class:`analysis.report.chapter.Chapter`, which exposes each one as
a method: ``ch.sentence(...)``); the row-level wording is :mod:`analysis.report.narrative`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis import indicators
from analysis.core import config, nc
from analysis.core.formatting import UNIT_SEP, fmt_value, plural
from analysis.core.markup import markdown_text
from analysis.core.statuts import Extent, Statut
from analysis.core.vocabulary import (
    LEVEL_NOUNS,
    PUBLIC,
    SURVEY_NAMES,
    TYPE_NOUNS,
    TYPE_ORDER,
    in_territory,
    of_territory,
    the_territory,
    type_label,
)
from analysis.report import narrative
from analysis.report.tables import cell_text
from analysis.sources.schemas import questionnaire

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

QUESTIONNAIRES = tuple(sorted(p.stem for p in Path(config.RESOURCES, "questionnaires").glob("*.yml")))


# ------------------------------------------------------------------ sentences of figures
def sentence(ch: Chapter, ind: str, type_: str = "ensemble", *, compare: bool = True,
             evolution: bool = True, short: bool = False) -> str:
    """The French sentence of a figure, with its comparisons and its change."""
    row = ch.row(ind, type_)
    others = [(in_territory(p.label, p.level), ch.row(ind, type_, p))
              for p in ch.comparable_parents(ind, type_)] if compare else []
    return narrative.sentence(row, others=others, previous_year=ch.previous_year if evolution else None,
                              ensemble=ch.etic_types, threshold=ch.threshold, short=short, present=ch.present_types)


def sentences(ch: Chapter, specs: Sequence[tuple[str, str] | str], **kwargs) -> list[str]:
    """Sentences of several figures; those without value for the same reason (a source absent
    this millésime, data that do not cover the territory) are said once per reason; a type the
    territory has no establishment of is left out (unless nothing else is left)."""
    out, absent = [], {}
    pairs = [((spec, "ensemble") if isinstance(spec, str) else tuple(spec)) for spec in specs]
    # a type the territory has none of (statut vide) is not worth a « sans objet » line
    kept = [(i, t) for i, t in pairs if t == "ensemble" or ch.row(i, t)["statut"] != Statut.VIDE]
    for ind, type_ in kept or pairs:
        row = ch.row(ind, type_)
        if row["statut"] == Statut.ABSENT:
            key = narrative.absent_reason(row)      # one sentence per reason
            if key not in absent:
                absent[key] = []
                out.append(key)  # placeholder, keeps the order
            absent[key].append(row)
        else:
            out.append(ch.sentence(ind, type_, **kwargs))
    return [narrative.absent_sentence(absent[s], ensemble=ch.etic_types, present=ch.present_types)
            if s in absent else s for s in out]


def sub_range(ch: Chapter, ind: str, type_: str = "ensemble") -> str:
    """Spread over the sub-territories, naming what varies: "Accès à un ENT (collèges publics) :
    selon les départements, de 85 % (Lozère) à 100 % (Gers)." Said before the map or chart of
    the sub-territories it describes (text, then figure, as in the 2018 report)."""
    if not ch.children:
        return ""
    what = narrative.indicator_label(ch.row(ind, type_), ensemble=ch.etic_types, present=ch.present_types)
    return narrative.sub_range(ch.sublevel_values(ind, type_), level=ch.sublevel, what=what)


def distribution_text(ch: Chapter, base: str, type_: str) -> str:
    """"Écoles : hors REP 93 %, REP 4 %, REP+ 3 %" for one type."""
    rows = [ch.row(i, type_) for i, _ in ch.levels(base)]
    if all(r["statut"] != Statut.OK for r in rows):  # no data is said; a type the territory has none of is not
        reason = narrative.missing_reason(rows[0], threshold=ch.threshold) if rows[0]["statut"] != Statut.VIDE else ""
        return f"{type_label(type_)}{UNIT_SEP}: {reason}" if reason else ""
    parts = [f"{label} {cell_text(r)}" for (_, label), r in zip(ch.levels(base), rows)]
    return f"{type_label(type_)}{UNIT_SEP}: {', '.join(parts)} {nc.paren(rows[0])}".rstrip()


def top_resources(ch: Chapter, inds: Sequence[str], n: int = 3) -> str:
    """"Les types de ressources numériques les plus utilisés par les collèges et lycées publics
    (28 % n.c.) sont : …", then the share that uses none, with its rate."""
    rows = [ch.row(i) for i in inds if i != "services.ressources_aucune"]
    ok = sorted([r for r in rows if r["statut"] == Statut.OK], key=lambda r: -float(r["valeur"]))
    if not ok:
        return narrative.capitalize(narrative.statement(ch.row(inds[0]), threshold=ch.threshold)) + "."
    items = [f"{str(r['titre'])[0].lower()}{str(r['titre'])[1:]} ({fmt_value(r['valeur'], '%')})" for r in ok[:n]]
    # the rate after the establishments it is about, not after the last item's parenthesis
    whom = f"{ch.subject()} {nc.paren(ok[0])}".rstrip()
    text = (f"Les types de ressources numériques les plus utilisés par les {whom} sont{UNIT_SEP}: "
            f"{narrative.join(items)}.")
    none = ch.row("services.ressources_aucune")
    if none["statut"] == Statut.OK:
        text += " " + narrative.capitalize(narrative.statement(none, ensemble=ch.etic_types,
                                                               present=ch.present_types)) + "."
    return text


def question_change(ind: str) -> str:
    """Why an indicator's question changed between millésimes ("" when it did not): the notes
    of the questionnaire variables it reads (``change_note`` in ``resources/questionnaires/``)."""
    variables = {v for i in indicators.members(ind) for v in i.variables}
    notes = [spec["change_note"].format(nbsp=UNIT_SEP) for name in QUESTIONNAIRES
             for var, spec in questionnaire(name)["variables"].items()
             if var in variables and "change_note" in spec]
    return " ".join(dict.fromkeys(notes))


# ------------------------------------------------------------------ paragraphs of the edition
def collectivity_note(ch: Chapter) -> str:
    """What a collectivité's edition covers, and what it is compared with (French Markdown)."""
    found = ch.collectivity
    text = (f"Édition de collectivité{UNIT_SEP}: {markdown_text(found.nom)}, ses {found.subject} seulement "
            "(les établissements dont elle a la charge).")
    if ch.compared_parents:
        text += (f" Ses chiffres sont comparés à ceux des {found.subject} "
                 f"{narrative.join([of_territory(p.label, p.level) for p in ch.compared_parents])}.")
    return text + (f" {markdown_text(found.note)}" if found.note else "")


def collectivity_method(ch: Chapter) -> list[str]:
    """The méthodologie's paragraphs on a collectivité's edition (none for another edition): what
    it covers, what it is compared with, and the collectivités whose competences differ from the
    common case (French Markdown)."""
    if not ch.is_collectivity:
        return []
    from analysis.core import collectivites

    found = ch.collectivity
    out = [f"Cette édition est celle d'une collectivité territoriale{UNIT_SEP}: elle ne porte que sur les "
           f"établissements dont {the_territory(markdown_text(found.nom), 'collectivite')} a la charge, "
           f"ses {found.subject}. Les "
           "établissements privés et ceux des autres types n'y figurent pas, ni dans ses chiffres ni dans "
           "ceux des territoires auxquels elle est comparée, qui portent sur les mêmes types "
           "d'établissements publics. Un département a les collèges publics, une région les lycées publics, "
           "une commune les écoles publiques. La région, collectivité territoriale, et la région académique "
           f"ont ici le même territoire{UNIT_SEP}: seuls leurs noms diffèrent."]
    specials = [f"{markdown_text(c.nom)} ({c.subject}){UNIT_SEP}: {markdown_text(c.note)}"
                for c in collectivites.specials() if c.note]
    if specials:
        out.append(f"Cas particuliers (carte des collectivités d'aujourd'hui, pour tous les millésimes){UNIT_SEP}:\n\n"
                   + "\n".join(f"- {line}" for line in specials))
    return out


def notes(ch: Chapter) -> list[str]:
    """Warnings about the data of this edition (demo, coverage), French Markdown."""
    out = []
    if ch.is_perimeter:               # what the custom perimeter is, and where its list comes from
        from analysis.core import perimeters

        found = perimeters.get(ch.territory.code)
        members = (plural(len(found.etablissements), "établissement", "établissements") if found.by_etablissement
                   else plural(len(found.departements), "département", "départements"))
        # the file's name and the declared source are the user's words: quoted as written
        listed = f", liste lue dans le fichier « {markdown_text(found.read_from.name)} »" if found.read_from else ""
        out.append(f"Périmètre sur mesure ({members}{listed})"
                   + (f"{UNIT_SEP}: {markdown_text(found.source.rstrip('.'))}." if found.source else "."))
    if ch.is_collectivity:
        out.append(collectivity_note(ch))
    mine, total = ch.covered(), ch.departements()
    if not mine:
        out.append(f"Aucune donnée pour {ch.label} dans le dossier de données{UNIT_SEP}: "
                   "les chiffres de ce rapport sont indisponibles.")
    elif mine != total:
        out.append(f"Les fichiers disponibles ne couvrent que {len(mine)} des {len(total)} "
                   f"départements de ce territoire{UNIT_SEP}: les chiffres portent sur ces seuls "
                   "départements.")
    if mine:
        last = ch.territory
        for p in ch.parents:
            if p in ch.compared_parents:
                last = p
                continue
            out.append(f"Pas de comparaison avec {the_territory(p.label, p.level)}{UNIT_SEP}: "
                       f"les données disponibles pour {the_territory(p.label, p.level)} se "
                       f"limitent à celles {of_territory(last.label, last.level)}.")
    for p in ch.compared_parents:        # partial for the survey: no point of comparison
        row = ch.row("perimetre.taux_reponse_etic", "ensemble", p)
        if ch.extent_of("perimetre.taux_reponse_etic", "ensemble", p) != Extent.COMPLETE:
            have, total = row.get("departements_avec_donnees"), row.get("departements_total")
            share = (f"ne couvrent que {int(have)} de ses {int(total)} départements"
                     if pd.notna(have) and pd.notna(total) else "ne la couvrent qu'en partie")
            out.append(f"Les données disponibles pour {the_territory(p.label, p.level)} {share}{UNIT_SEP}: "
                       "elle n'est pas un point de comparaison.")
    return out


def sources_status(ch: Chapter) -> tuple[list[str], list[str]]:
    """(available, missing) French names of the sources for this millésime."""
    checks = [(f"{SURVEY_NAMES['etic_1d']} (écoles)", "perimetre.champ_etic", "ecole"),
              (f"{SURVEY_NAMES['etic_2d']} (collèges, lycées)", "perimetre.champ_etic", "college"),
              ("annuaire de l'Éducation nationale", "perimetre.etablissements", "ensemble"),
              ("couverture très haut débit et mobile", "connectivite.thd", "ensemble"),
              ("expérimentations (collèges lab, e-FRAN, ProFan)", "experimentations.colleges_lab", "ensemble")]
    available, missing = [], []
    for name, ind, type_ in checks:
        row = ch.row(ind, type_, "france")
        (missing if row["statut"] == Statut.ABSENT else available).append(name)
    return available, missing


def _feminine(ch: Chapter) -> bool:
    return all(TYPE_NOUNS[t].gender == "f" for t in ch.present_types)


def establishments(ch: Chapter) -> str:
    """What the territory has, by type and sector as found in the annuaire: "1 069 écoles,
    collèges et lycées publics et privés sous contrat (860 écoles, 124 collèges et 85 lycées)",
    "37 collèges et lycées publics (21 collèges et 16 lycées)", "12 écoles publiques"."""
    types = ch.present_types
    total = ch.value("perimetre.etablissements", "ensemble")
    gender = "f" if _feminine(ch) else "m"
    nouns = [TYPE_NOUNS[t] for t in types]
    counted = plural(total, " ou ".join([", ".join(n.singular for n in nouns[:-1]), nouns[-1].singular]
                                        if len(nouns) > 1 else [nouns[0].singular]),
                     narrative.join([n.plural for n in nouns]))
    public = ch.value("perimetre.part_public", "ensemble")
    private = f"privé{'e' if gender == 'f' else ''}"
    if public == 100:
        sector = plural(total, *PUBLIC[gender], with_number=False)
    elif public == 0:
        sector = f"{plural(total, private, private + 's', with_number=False)} sous contrat"
    else:
        sector = f"{PUBLIC[gender][1]} et {private}s sous contrat"
    text = f"{counted} {sector}"
    if len(types) > 1:
        text += " (" + narrative.join([plural(ch.value("perimetre.etablissements", t), TYPE_NOUNS[t].singular,
                                              TYPE_NOUNS[t].plural) for t in types]) + ")"
    return text


def intro(ch: Chapter) -> list[str]:
    """Opening paragraphs: what the report covers, on which data."""
    where = in_territory(ch.label, ch.territory.level)
    first = (f"Cet état des lieux décrit le numérique éducatif {where} pour le millésime "
             f"{ch.year}, à partir des données ouvertes disponibles. Tous les chiffres, phrases, "
             "graphiques et cartes sont calculés à partir de ces données.")
    n = ch.row("perimetre.etablissements", "ensemble")
    champ = ch.row("perimetre.champ_etic", "ensemble")
    rate = ch.row("perimetre.taux_reponse_etic", "ensemble")
    facts = []
    if n["statut"] == Statut.OK:
        facts.append(f"Le périmètre compte {establishments(ch)} recensé{'e' if _feminine(ch) else ''}s dans "
                     "l'annuaire de l'Éducation nationale")
    if champ["statut"] == Statut.OK:
        field = f"{fmt_value(champ['valeur'], 'count')} {ch.subject('ensemble')}"
        text = f"l'enquête ETIC porte sur les {field} de son champ"
        if rate["statut"] == Statut.OK:
            text += f", dont {fmt_value(rate['valeur'], '%')} ont répondu"
        facts.append(text)
    second = narrative.capitalize(" ; ".join(facts)) + "." if facts else ""
    available, missing = ch.sources_status()
    third = f"Sources disponibles pour ce millésime{UNIT_SEP}: {', '.join(available)}."
    if missing:
        third += (f" Sources absentes du dossier de données{UNIT_SEP}: {', '.join(missing)}{UNIT_SEP}; les "
                  "indicateurs qui en dépendent sont signalés « donnée non disponible ».")
    return [first, second, third]


def secret_text(ch: Chapter) -> str:
    """The secrecy threshold and how many values of the territory it hides."""
    rows = ch.data[(ch.data["territoire"] == ch.territory.id) & ch.data["type"].isin(TYPE_ORDER)]
    n_secret = int((rows["statut"] == Statut.SECRET).sum())
    n_nc = int((rows["statut"] == Statut.NC).sum())
    the = the_territory(ch.label, ch.territory.level)
    text = f"Seuil du secret statistique{UNIT_SEP}: {plural(ch.threshold, 'répondant', 'répondants')}. "
    if n_secret:
        text += (f"Pour {the}, {plural(n_secret, 'valeur', 'valeurs')} (indicateur et type "
                 f"d'établissement) {plural(n_secret, 'est couverte', 'sont couvertes', with_number=False)} "
                 "par le secret statistique")
    else:
        text += f"Pour {the}, aucune valeur n'est couverte par le secret statistique"
    if n_nc:
        text += (f" et {plural(n_nc, 'valeur est', 'valeurs sont')} non "
                 f"{plural(n_nc, 'communiquée', 'communiquées', with_number=False)}, faute de répondant.")
    else:
        text += " et aucune n'est non communiquée faute de répondant."
    return text


def completeness_intro(ch: Chapter) -> str:
    """What the completeness table by territory shows."""
    scope = f"l'ensemble des {ch.subject()}" if ch.etic_types else "les établissements publics"
    if ch.children:
        where = (f"chaque {LEVEL_NOUNS[ch.sublevel].singular} "
                 + (of_territory(ch.label, ch.territory.level) if ch.territory.level != "france" else "de France")
                 + " puis pour le territoire entier")
    else:
        where = the_territory(ch.label, ch.territory.level)
    return (f"Le tableau suivant donne, pour {where}, le nombre d'établissements, le champ et le taux "
            "de réponse de l'enquête ETIC, puis le taux de non-réponse (n.c.) des principaux "
            f"indicateurs, pour {scope}.")


def experimentations_note(ch: Chapter) -> str:
    """Why there is no territorial breakdown of the experimentations, or what follows."""
    row = ch.row("experimentations.colleges_lab")
    if row["statut"] == Statut.ABSENT:
        return ("Pas de répartition territoriale" + UNIT_SEP + ": "
                + narrative.missing_reason(row, threshold=ch.threshold) + ".")
    if not ch.children:
        return ""
    return f"Nombre d'établissements engagés par {LEVEL_NOUNS[ch.sublevel].singular}{UNIT_SEP}:"
