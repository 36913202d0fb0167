"""The words of the report for what it counts: the types of establishment and the territorial levels.

Declared once here and read by every stage: which types exist and how they combine (indicators),
their nouns, gender and labels (sentences, charts, tables), the names of the levels (maps, the
index page) and the phrases that place a territory in a sentence ("dans l'académie de Toulouse").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.core import territory_tables

__all__ = [
    "BASE_TYPES",
    "COMBINED",
    "DEFAULT_TYPES",
    "ENSEMBLE_TYPES",
    "LEVEL_NOUNS",
    "LEVEL_TITLES",
    "Noun",
    "PUBLIC",
    "SURVEY_NAMES",
    "SURVEY_OF_TYPE",
    "TYPES",
    "TYPE_LABELS",
    "TYPE_NOUNS",
    "TYPE_ORDER",
    "gender_of",
    "in_territory",
    "join",
    "of_territory",
    "the_territory",
    "subject",
    "the_types",
    "type_label",
]


@dataclass(frozen=True)
class Noun:
    """A French noun: singular, plural and gender ("m" or "f", for the agreement of adjectives)."""

    singular: str
    plural: str
    gender: str = "m"


# ------------------------------------------------------------------------- types of establishment
#: The types an establishment can have, in reading order.
BASE_TYPES = ("ecole", "college", "lycee", "erea")
#: Types made of several: "ensemble" leaves the EREA out, as the 2018 report did; "tous" keeps them.
COMBINED = {"ensemble": ("ecole", "college", "lycee"), "tous": BASE_TYPES}
ENSEMBLE_TYPES = COMBINED["ensemble"]
#: Every type an indicator is computed for.
TYPES = ("ensemble", "ecole", "college", "lycee", "tous")
#: The types an indicator is published for unless its declaration says otherwise.
DEFAULT_TYPES = ("ensemble", "ecole", "college", "lycee")
#: The order of the types in charts and tables: each type, then their ensemble.
TYPE_ORDER = ("ecole", "college", "lycee", "ensemble")

TYPE_NOUNS = {
    "ecole": Noun("école", "écoles", "f"),
    "college": Noun("collège", "collèges"),
    "lycee": Noun("lycée", "lycées"),
    "erea": Noun("EREA", "EREA"),
}
#: The adjective of public establishments, by gender: singular, plural.
PUBLIC = {"m": ("public", "publics"), "f": ("publique", "publiques")}
#: Labels of the types as headings of charts and tables ("Écoles", "Ensemble").
TYPE_LABELS = {
    **{t: noun.plural[:1].upper() + noun.plural[1:] for t, noun in TYPE_NOUNS.items()},
    "ensemble": "Ensemble",
    "tous": "Tous (EREA compris)",
}


def join(items, last: str = "et") -> str:
    """"a, b et c" (empty items dropped)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def subject(type_: str, *, public: bool = True, ensemble: tuple[str, ...] | list[str] = ENSEMBLE_TYPES,
            singular: bool = False) -> str:
    """The establishments a row is about, plural, without article.

    ``subject("ecole") -> "écoles publiques"``; ``subject("ensemble", ensemble=("college",
    "lycee")) -> "collèges et lycées publics"`` (the types the source covers this millésime);
    ``public=False`` for the annuaire ("écoles, collèges et lycées").
    """
    if type_ in ("ensemble", "tous"):
        members = [t for t in ENSEMBLE_TYPES if t in ensemble] or list(ENSEMBLE_TYPES)
        if type_ == "tous":
            members = members + ["erea"]
    else:
        members = [type_]
    one = singular and len(members) == 1
    nouns = [(TYPE_NOUNS[t].singular if one else TYPE_NOUNS[t].plural) if t in TYPE_NOUNS else t for t in members]
    gender = gender_of(members)
    text = join(nouns)
    if public:
        text += " " + PUBLIC[gender][0 if one else 1]
    return text


def gender_of(members: tuple[str, ...] | list[str]) -> str:
    return "f" if all(t in TYPE_NOUNS and TYPE_NOUNS[t].gender == "f" for t in members) else "m"


def type_label(type_: str) -> str:
    """The heading of a type ("Collèges"); an unknown code is returned as is."""
    return TYPE_LABELS.get(type_, type_)


def the_types(type_: str) -> str:
    """A type with its article, as in "13 % n.c. pour les écoles" ("l'ensemble")."""
    if type_ in TYPE_NOUNS:
        return "les " + TYPE_NOUNS[type_].plural
    return "l'ensemble" if type_ == "ensemble" else type_


#: The ETIC survey that asks each type of establishment, and the name the text gives each survey.
SURVEY_OF_TYPE = {"ecole": "etic_1d", "college": "etic_2d", "lycee": "etic_2d", "erea": "etic_2d"}
SURVEY_NAMES = {"etic_1d": "ETIC premier degré", "etic_2d": "ETIC second degré"}


# ------------------------------------------------------------------------- territorial levels
#: The levels below France, as nouns ("département", "régions académiques").
LEVEL_NOUNS = {
    "region": Noun("région académique", "régions académiques", "f"),
    "academie": Noun("académie", "académies", "f"),
    "departement": Noun("département", "départements"),
    "perimetre": Noun("périmètre", "périmètres"),   # custom perimeters (params/perimetres/)
    "collectivite": Noun("collectivité", "collectivités", "f"),   # params/collectivites.yml
}
#: Headings of the levels, France first (the index page groups its editions so).
LEVEL_TITLES = {"france": "France",
                **{level: noun.plural[:1].upper() + noun.plural[1:] for level, noun in LEVEL_NOUNS.items()}}


def _level_of(label: str) -> str:
    lowered = label.lower()
    return ("france" if lowered == "france" else "region" if lowered.startswith("région")
            else "academie" if lowered.startswith("académie") else "departement")


def in_territory(label: str, level: str | None = None) -> str:
    """Locative phrase of a territory label: "en France", "dans l'académie de Toulouse",
    "dans la région académique Occitanie", "dans le département de la Haute-Garonne (31)". Without
    ``level`` it is read from the label."""
    level = level or _level_of(label)
    if level == "france":
        return "en France"
    if level == "collectivite":           # not a place: "dans les établissements de la Ville de Paris"
        return "dans les établissements " + of_territory(label, level)
    return "dans " + the_territory(label, level)


def the_territory(label: str, level: str) -> str:
    """With its article: "la France", "la région académique Occitanie", "l'académie de
    Toulouse", "le département de la Haute-Garonne (31)", "la collectivité de Saint-Martin (978)",
    "le périmètre « TNE de l'Hérault »"."""
    if level == "france":
        return "la France"
    if level == "region":
        return "la " + label[0].lower() + label[1:]
    if level == "academie":
        return "l'" + label[0].lower() + label[1:]
    if level == "perimetre":
        return f"le périmètre « {label} »"
    if level == "collectivite":           # "le Conseil départemental de…", "la Ville de Paris"
        return ("le " if label.startswith(("Conseil", "Département")) else "la ") + label
    named = re.fullmatch(r"(.+) \((\w+)\)", label)
    of = territory_tables.departement_of(named[2]) if named else None
    if of is None:
        return f"le département {label}"
    noun = "la collectivité" if territory_tables.departement_statut(named[2]) == "com" else "le département"
    return f"{noun} {of} ({named[2]})"


def of_territory(label: str, level: str) -> str:
    """"de la France", "de la région académique Occitanie", "de l'académie de Toulouse",
    "du département de la Haute-Garonne (31)", "de la collectivité de Saint-Martin (978)"."""
    the = the_territory(label, level)
    return "du " + the[3:] if the.startswith("le ") else "de " + the
