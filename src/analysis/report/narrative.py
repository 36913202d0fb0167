"""French sentences written from the figures of the indicator table (never typed by hand).

Every function takes rows of the table built by :mod:`analysis.indicators` (a ``pandas.Series``
or a mapping with ``indicateur, type, titre, unite, valeur, taux_nc, statut, source`` and, for
the change since the previous millésime, ``evolution, comparable``) and returns French text in
the typography of :mod:`analysis.core.formatting` (no-break spaces before units, ``%`` and ``:``).

- :func:`statement` — the headline clause: "98 % des collèges et lycées publics déclarent un
  accès à internet (27 % n.c.)"; a missing value is *said*, never printed as ``nan`` or
  ``0 %``: secret statistique, non communiqué, source absente, sans objet;
- :func:`comparison` — "contre 95 % dans l'académie de Toulouse et 98 % en France";
- :func:`evolution` — "+3 points depuis 2018", or why there is no change to give;
- :func:`sentence` — the three together, capitalised, with a final full stop;
- :func:`sub_range` — the spread over the sub-territories ("de 85 % (Lozère) à 100 % (Gers)");
- :func:`distribution` — the shares of a distribution ("50 % ou plus : 97 % ; …");
- :func:`bullets`, :func:`callout` — Markdown helpers.

Wording lives in :data:`PHRASES` (indicator id -> clause template). Placeholders: ``{v}`` the
formatted value, ``{sujet}`` the establishments ("collèges et lycées publics"), ``{s}`` the
plural agreement of a past participle with the subject ("s" or "es"); count templates use
``{n}`` (number + noun, agreed) and a dict of ``zero``/``one``/``many`` forms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analysis.core.formatting import (
    UNIT_SEP,
    fmt_change,
    fmt_nc,
    fmt_number,
    fmt_pct,
    fmt_ratio,
    is_missing,
    plural,
)

__all__ = [
    "PHRASES",
    "TYPE_NOUNS",
    "Phrase",
    "absent_sentence",
    "bullets",
    "callout",
    "capitalize",
    "comparison",
    "distribution",
    "evolution",
    "fmt_indicator",
    "in_territory",
    "harmonisation_lines",
    "missing_reason",
    "of_territory",
    "question_change",
    "the_territory",
    "nc_paren",
    "sentence",
    "statement",
    "sub_range",
    "subject",
]

COLON = UNIT_SEP + ":"
# Plural nouns of the types of establishment, their gender, and the public adjective.
TYPE_NOUNS = {
    "ecole": ("école", "écoles", "f"),
    "college": ("collège", "collèges", "m"),
    "lycee": ("lycée", "lycées", "m"),
    "erea": ("EREA", "EREA", "m"),
}
_PUBLIC = {"m": ("public", "publics"), "f": ("publique", "publiques")}
ENSEMBLE_TYPES = ("ecole", "college", "lycee")
UNIT_ELEVES = ("élève par terminal", "élèves par terminal")


# ------------------------------------------------------------------------------- phrases
@dataclass(frozen=True)
class Phrase:
    """How to say an indicator. ``template`` for shares and ratios; ``counts`` for counts
    (``zero``/``one``/``many`` forms); ``public``: the subject is the public establishments
    (ETIC universe) rather than every establishment of the annuaire; ``unit_words``: singular and
    plural of the unit of a ratio, used for changes ("+0,2 élève par terminal")."""

    template: str = ""
    counts: Mapping[str, str] = field(default_factory=dict)
    short: str = ""
    public: bool = True
    unit_words: tuple[str, str] | None = None


PHRASES: dict[str, Phrase] = {
    # périmètre
    "perimetre.etablissements": Phrase(counts={
        "zero": "aucun établissement n'est recensé dans l'annuaire",
        "one": "{n} est recensé{e} dans l'annuaire",
        "many": "{n} sont recensé{s} dans l'annuaire"}, public=False),
    "perimetre.part_public": Phrase("{v} des {sujet} sont {publics}", public=False),
    "perimetre.champ_etic": Phrase(counts={
        "zero": "aucun établissement ne relève du champ de l'enquête ETIC",
        "one": "{n} relève du champ de l'enquête ETIC",
        "many": "{n} relèvent du champ de l'enquête ETIC"}),
    "perimetre.taux_reponse_etic": Phrase("{v} des {sujet} du champ ont répondu à l'enquête ETIC"),
    # connectivité
    "connectivite.acces_internet": Phrase("{v} des {sujet} déclarent un accès à internet"),
    "connectivite.acces_adsl": Phrase("{v} des {sujet} déclarent un accès à internet par l'ADSL",
                                      short="{v} ont accès à internet par l'ADSL"),
    "connectivite.acces_fibre": Phrase(
        "{v} des {sujet} déclarent un accès à internet par la fibre optique ou le câble",
        short="{v} par la fibre optique ou le câble"),
    "connectivite.acces_rtc": Phrase(
        "{v} des {sujet} déclarent un accès à internet par le réseau téléphonique commuté (RTC)",
        short="{v} par le réseau téléphonique commuté (RTC)"),
    "connectivite.classes_internet_50_plus": Phrase(
        "{v} des {sujet} déclarent au moins 50{nbsp}% de leurs classes connectées à internet"),
    "connectivite.wifi_absent": Phrase("{v} des {sujet} déclarent ne pas avoir de wifi"),
    "connectivite.debit_inferieur_10": Phrase(
        "{v} des {sujet} déclarent un débit internet inférieur à 10{nbsp}Mbit/s"),
    "connectivite.thd": Phrase(
        "{v} des {sujet} sont couvert{s} en très haut débit (débit potentiel supérieur à "
        "30{nbsp}Mbit/s)", public=False),
    "connectivite.couverture_3g": Phrase(
        "{v} des {sujet} sont couvert{s} en 3G par au moins un opérateur", public=False),
    "connectivite.couverture_4g": Phrase(
        "{v} des {sujet} sont couvert{s} en 4G par au moins un opérateur", public=False),
    "connectivite.departements_thd_90_plus": Phrase(counts={
        "zero": "aucun département n'a 90{nbsp}% ou plus de ses établissements couverts en très haut débit",
        "one": "{n} a 90{nbsp}% ou plus de ses établissements couverts en très haut débit",
        "many": "{n} ont 90{nbsp}% ou plus de leurs établissements couverts en très haut débit"}),
    # équipement
    "equipement.eleves_par_terminal": Phrase(
        "{v} dans les {sujet}", unit_words=UNIT_ELEVES),
    "equipement.eleves_par_terminal_hors_rep": Phrase(
        "{v} dans les {sujet} hors éducation prioritaire", unit_words=UNIT_ELEVES),
    "equipement.eleves_par_terminal_rep": Phrase(
        "{v} dans les {sujet} en REP", unit_words=UNIT_ELEVES),
    "equipement.eleves_par_terminal_rep_plus": Phrase(
        "{v} dans les {sujet} en REP+", unit_words=UNIT_ELEVES),
    "equipement.part_terminaux_mobiles": Phrase(
        "{v} des terminaux des {sujet} sont mobiles"),
    "equipement.part_terminaux_moins_5_ans": Phrase("{v} des terminaux des {sujet} ont moins de 5{nbsp}ans"),
    "equipement.part_terminaux_moins_5_ans_hors_rep": Phrase(
        "{v} des terminaux des {sujet} hors éducation prioritaire ont moins de 5{nbsp}ans"),
    "equipement.part_terminaux_moins_5_ans_rep": Phrase(
        "{v} des terminaux des {sujet} en REP ont moins de 5{nbsp}ans"),
    "equipement.part_terminaux_moins_5_ans_rep_plus": Phrase(
        "{v} des terminaux des {sujet} en REP+ ont moins de 5{nbsp}ans"),
    "equipement.tni_au_moins_un": Phrase(
        "{v} des {sujet} déclarent au moins un tableau numérique interactif (TNI)"),
    "equipement.imprimante_3d_au_moins_une": Phrase("{v} des {sujet} déclarent au moins une imprimante 3D"),
    "equipement.maintenance_collectivite": Phrase(
        "{v} des {sujet} confient la maintenance de leurs équipements au personnel de la "
        "collectivité ou à un prestataire qu'elle mandate"),
    # services et ressources
    "services.ent": Phrase("{v} des {sujet} déclarent avoir accès à un espace numérique de travail"),
    "services.eleves_avec_ent": Phrase("{v} des élèves des {sujet} ont accès à un ENT"),
    "services.colleges_100pct_ent": Phrase(counts={
        "zero": "aucun département n'a 100{nbsp}% de ses collèges publics répondants équipés d'un ENT",
        "one": "{n} compte 100{nbsp}% de ses collèges publics répondants équipés d'un ENT",
        "many": "{n} comptent 100{nbsp}% de leurs collèges publics répondants équipés d'un ENT"}),
    "services.ressources_entrainement": Phrase("{v} des {sujet} utilisent des ressources pour s'entraîner"),
    "services.ressources_logiciels_outils": Phrase("{v} des {sujet} utilisent des logiciels outils"),
    "services.ressources_banques_documents": Phrase(
        "{v} des {sujet} utilisent des banques de documents multimédias"),
    "services.ressources_ouvrages_reference": Phrase(
        "{v} des {sujet} utilisent des ouvrages de référence interactifs"),
    "services.ressources_manuels_numeriques": Phrase(
        "{v} des {sujet} utilisent des manuels scolaires numériques"),
    "services.ressources_animations_simulation": Phrase(
        "{v} des {sujet} utilisent des animations scientifiques ou des logiciels de simulation"),
    "services.ressources_autres": Phrase("{v} des {sujet} utilisent d'autres ressources numériques"),
    "services.ressources_aucune": Phrase("{v} des {sujet} déclarent n'utiliser aucune ressource numérique"),
    # expérimentations
    "experimentations.colleges_lab": Phrase(counts={
        "zero": "aucun collège n'a lancé de projet « collège lab »",
        "one": "{n} a lancé un projet « collège lab »",
        "many": "{n} ont lancé un projet « collège lab »"}, public=False),
    "experimentations.efran": Phrase(counts={
        "zero": "aucun établissement n'est engagé dans un projet e-FRAN",
        "one": "{n} est engagé dans un projet e-FRAN",
        "many": "{n} sont engagés dans un projet e-FRAN"}, public=False),
    "experimentations.efran_projets": Phrase(counts={
        "zero": "aucun projet e-FRAN n'implique d'établissement du territoire",
        "one": "{n} implique au moins un établissement du territoire",
        "many": "{n} impliquent au moins un établissement du territoire"}, public=False),
    "experimentations.profan": Phrase(counts={
        "zero": "aucun lycée ne participe à l'expérimentation ProFan",
        "one": "{n} participe à l'expérimentation ProFan",
        "many": "{n} participent à l'expérimentation ProFan"}, public=False),
}
# Nouns counted by count indicators that are not establishments of the row's type.
_COUNT_NOUNS = {
    "connectivite.departements_thd_90_plus": ("département", "départements"),
    "services.colleges_100pct_ent": ("département", "départements"),
    "experimentations.colleges_lab": ("collège", "collèges"),
    "experimentations.efran_projets": ("projet e-FRAN", "projets e-FRAN"),
    "experimentations.profan": ("lycée", "lycées"),
    "experimentations.efran": ("établissement", "établissements"),
}


# ------------------------------------------------------------------------------- helpers
def _get(row, key, default=None):
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError):
        return default
    return default if is_missing(value) else value


def capitalize(text: str) -> str:
    """First letter in upper case, the rest untouched ("académie de Toulouse" -> "Académie …")."""
    return text[:1].upper() + text[1:] if text else text


def _join(items: Sequence[str], last: str = "et") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def subject(type_: str, *, public: bool = True, ensemble: Sequence[str] = ENSEMBLE_TYPES,
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
    nouns = [TYPE_NOUNS.get(t, (t, t, "m"))[0 if singular and len(members) == 1 else 1] for t in members]
    gender = _gender(members)
    text = _join(nouns)
    if public:
        text += " " + _PUBLIC[gender][0 if singular and len(members) == 1 else 1]
    return text


def _gender(members: Sequence[str]) -> str:
    return "f" if all(TYPE_NOUNS.get(t, ("", "", "m"))[2] == "f" for t in members) else "m"


def _members(type_: str, ensemble: Sequence[str]) -> list[str]:
    if type_ in ("ensemble", "tous"):
        return [t for t in ENSEMBLE_TYPES if t in ensemble] or list(ENSEMBLE_TYPES)
    return [type_]


def in_territory(label: str, level: str | None = None) -> str:
    """Locative phrase of a territory label: "en France", "dans l'académie de Toulouse",
    "dans la région académique Occitanie", "dans le département Haute-Garonne (31)"."""
    if level is None:
        lowered = label.lower()
        level = ("france" if lowered == "france" else "region" if lowered.startswith("région")
                 else "academie" if lowered.startswith("académie") else "departement")
    if level == "france":
        return "en France"
    if level == "region":
        return "dans la " + label[0].lower() + label[1:]
    if level == "academie":
        return "dans l'" + label[0].lower() + label[1:]
    return f"dans le département {label}"


def the_territory(label: str, level: str) -> str:
    """With its article: "la France", "la région académique Occitanie", "l'académie de
    Toulouse", "le département Haute-Garonne (31)"."""
    if level == "france":
        return "la France"
    if level == "region":
        return "la " + label[0].lower() + label[1:]
    if level == "academie":
        return "l'" + label[0].lower() + label[1:]
    return f"le département {label}"


def of_territory(label: str, level: str) -> str:
    """"de la France", "de la région académique Occitanie", "de l'académie de Toulouse",
    "du département Haute-Garonne (31)"."""
    the = the_territory(label, level)
    return "du " + the[3:] if the.startswith("le ") else "de " + the


def _is_share(unit: str) -> bool:
    return str(unit) == "%"


def fmt_indicator(value, unit: str) -> str:
    """A value as the text says it: shares with no decimal, except that a share that is not
    0 or 100 never *reads* 0 % or 100 % ("0,4 %", "99,6 %"); ratios with one decimal; counts
    as whole numbers. Missing -> "n.c."."""
    if is_missing(value):
        return "n.c."
    v = float(value)
    if _is_share(unit):
        shown = fmt_pct(v)
        if (shown.startswith("0" + UNIT_SEP) and v > 0) or (shown.startswith("100" + UNIT_SEP) and v < 100):
            return fmt_pct(v, 1)
        return shown
    if unit == "ratio":
        return fmt_ratio(v, 1)
    return fmt_number(v)


def nc_paren(row) -> str:
    """"(27 % n.c.)", or "" when there is no rate (counts, absent sources)."""
    rate = _get(row, "taux_nc")
    if rate is None or str(_get(row, "unite", "")) == "count":
        return ""
    if float(rate) == 0 and (str(_get(row, "theme", "")) == "perimetre"
                             or str(_get(row, "indicateur", "")).startswith("perimetre.")):
        return ""  # the annuaire is exhaustive; the response rate is its own completeness
    return f"({fmt_nc(rate)})"


def _source_name(row) -> str:
    """Source without its millésime ("ETIC 2018" -> "ETIC"), qualified by degree for ETIC."""
    source = str(_get(row, "source", "") or "")
    name = re.sub(r"\s+\d{4}$", "", source).strip() or "de ces données"
    if name == "ETIC":
        type_ = _get(row, "type")
        if type_ == "ecole":
            name = "ETIC premier degré"
        elif type_ in ("college", "lycee"):
            name = "ETIC second degré"
    return name


def missing_reason(row, *, threshold: int = 5) -> str:
    """Why a row has no value, in French; "" for a row with a value (statut ok)."""
    statut = str(_get(row, "statut", "nc"))
    if statut == "ok" and _get(row, "valeur") is not None:
        return ""
    if statut == "secret":
        return f"secret statistique (moins de {threshold}{UNIT_SEP}répondants)"
    if statut == "absent":
        return (f"donnée non disponible (la source « {_source_name(row)} » n'est pas "
                f"disponible pour ce millésime)")
    if statut == "vide":
        return "sans objet (aucun établissement concerné dans ce territoire)"
    universe = _get(row, "univers")
    if universe:
        return (f"non communiqué (aucun des {fmt_number(universe)} établissements "
                "concernés n'a répondu)" if universe > 1 else
                "non communiqué (l'établissement concerné n'a pas répondu)")
    return "non communiqué"


# ------------------------------------------------------------------------------- clauses
def _phrase(row) -> Phrase | None:
    return PHRASES.get(str(_get(row, "indicateur", "")))


def _ensemble_for(row, ensemble: Sequence[str]) -> Sequence[str]:
    """The types "ensemble" covers: those of the ETIC surveys available, for ETIC rows only
    (the annuaire and the coverage files cover écoles, collèges and lycées alike)."""
    return ensemble if str(_get(row, "source", "ETIC")).startswith("ETIC") else ENSEMBLE_TYPES


def _label(row, *, ensemble: Sequence[str]) -> str:
    """"Accès à internet (collèges et lycées publics)" — for rows without a value."""
    title = re.sub(r"\s*\([^()]*\)$", "", str(_get(row, "titre", _get(row, "indicateur", "Indicateur"))))
    phrase = _phrase(row)
    type_ = _get(row, "type")
    if type_ is None or type_ == "tous" or (phrase is not None and phrase.counts and
                                            str(_get(row, "indicateur")) in _COUNT_NOUNS):
        return title
    public = phrase.public if phrase else True
    return f"{title} ({subject(type_, public=public, ensemble=_ensemble_for(row, ensemble))})"


def _shown_below_two(shown: str) -> bool:
    """French agreement follows the number as printed: "1,9 élève", "2,0 élèves"."""
    number = shown.split(UNIT_SEP)[0].replace("\u202f", "").replace(",", ".").replace("\u2212", "-")
    try:
        return abs(float(number)) < 2
    except ValueError:
        return False


def statement(row, *, ensemble: Sequence[str] = ENSEMBLE_TYPES, threshold: int = 5,
              with_nc: bool = True, short: bool = False) -> str:
    """The headline clause of a row, not capitalised, no final stop.

    ok: "98 % des écoles publiques déclarent un accès à internet (27 % n.c.)";
    otherwise the indicator, its subject and the reason: "accès à internet (écoles
    publiques) : secret statistique : moins de 5 répondants".
    """
    reason = missing_reason(row, threshold=threshold)
    if reason:
        return f"{_label(row, ensemble=ensemble)}{COLON} {reason}"
    value = float(_get(row, "valeur"))
    unit = str(_get(row, "unite", "%"))
    type_ = str(_get(row, "type", "ensemble"))
    ensemble = _ensemble_for(row, ensemble)
    phrase = _phrase(row) or Phrase()
    members = _members(type_, ensemble)
    gender = _gender(members)
    fields = {
        "sujet": subject(type_, public=phrase.public, ensemble=ensemble),
        "s": "es" if gender == "f" else "s",
        "e": "e" if gender == "f" else "",
        "publics": _PUBLIC[gender][1],
        "nbsp": UNIT_SEP,
    }
    if phrase.counts or unit == "count":
        singular_noun, plural_noun = _COUNT_NOUNS.get(
            str(_get(row, "indicateur")),
            (subject(type_, public=phrase.public, ensemble=ensemble, singular=True)
             if len(members) == 1 else "établissement",
             subject(type_, public=phrase.public, ensemble=ensemble)))
        if not phrase.counts:
            text = f"{_get(row, 'titre', '')}{COLON} {fmt_number(value)}"
        else:
            form = "zero" if value == 0 else "one" if value < 2 else "many"
            text = phrase.counts[form].format(n=plural(value, singular_noun, plural_noun), **fields)
        return text
    shown = fmt_indicator(value, unit)
    if phrase.unit_words:
        shown = shown + UNIT_SEP + phrase.unit_words[0 if _shown_below_two(shown) else 1]
    if short and phrase.short:
        text = phrase.short.format(v=shown, **fields)
    elif phrase.template:
        text = phrase.template.format(v=shown, **fields)
    else:
        title = str(_get(row, "titre", ""))
        text = f"{title} ({fields['sujet']}){COLON} {shown}"
    if with_nc and nc_paren(row):
        text += " " + nc_paren(row)
    return text


def comparison(row, others: Iterable[tuple[str, object]]) -> str:
    """"contre 95 % dans l'académie de Toulouse et 98 % en France".

    ``others``: (locative phrase or territory label, row) pairs, nearest first. Rows without a
    value are left out (their reason is not the point of this sentence); "" when none is left
    or when ``row`` itself has no value.
    """
    if missing_reason(row):
        return ""
    unit = str(_get(row, "unite", "%"))
    if unit == "count":
        return ""  # counts depend on the size of the territory: no comparison
    parts = []
    for where, other in others:
        if missing_reason(other):
            continue
        if not where.startswith(("en ", "dans ", "au ", "aux ")):
            where = in_territory(where)
        parts.append(f"{fmt_indicator(_get(other, 'valeur'), unit)} {where}")
    return "contre " + _join(parts) if parts else ""


def evolution(row, previous_year: int | None) -> str:
    """"+3 points depuis 2018", "stable depuis 2018", "+0,2 élève par terminal depuis 2018",
    or, when the question changed, "la question a changé depuis 2018 : pas d'évolution
    comparable"; "" when there is no previous millésime or no previous value."""
    if previous_year is None or missing_reason(row):
        return ""
    if str(_get(row, "source", "")).startswith("Annuaire"):
        return ""  # one annuaire snapshot is the perimeter of every millésime: no change to tell
    comparable = _get(row, "comparable")
    if comparable is not None and not bool(comparable):
        return f"la question a changé depuis {previous_year}{COLON} l'évolution n'est pas comparable"
    delta = _get(row, "evolution")
    if delta is None or missing_reason(row):
        return ""
    unit = str(_get(row, "unite", "%"))
    if _is_share(unit):
        change = fmt_change(delta, "%")
    elif unit == "ratio":
        change = fmt_change(delta, "ratio", 1)
        phrase = _phrase(row)
        if change != "stable" and phrase and phrase.unit_words:
            change += UNIT_SEP + phrase.unit_words[0 if _shown_below_two(change.lstrip("+")) else 1]
    else:
        change = fmt_change(delta, "count")
    return f"{change} depuis {previous_year}"


def sentence(row, *, others: Iterable[tuple[str, object]] = (), previous_year: int | None = None,
             ensemble: Sequence[str] = ENSEMBLE_TYPES, threshold: int = 5, short: bool = False) -> str:
    """A full French sentence: statement, comparison, change; capitalised, final full stop.

    "98 % des collèges et lycées publics déclarent un accès à internet (27 % n.c.), contre 97 %
    dans l'académie de Toulouse et 98 % en France ; +3 points depuis 2018."
    """
    text = statement(row, ensemble=ensemble, threshold=threshold, short=short)
    versus = comparison(row, others)
    if versus:
        text += ", " + versus
    change = evolution(row, previous_year)
    if change:
        text += " ; " + change
    return capitalize(text) + "."


def absent_sentence(rows, *, ensemble: Sequence[str] = ENSEMBLE_TYPES) -> str:
    """One sentence for several rows whose source is absent (same source): "Donnée non
    disponible pour la couverture 3G…, la couverture 4G… : la source « … » n'est pas disponible
    pour ce millésime." "" when there is no row."""
    rows = list(rows)
    if not rows:
        return ""
    if len(rows) == 1:
        return capitalize(statement(rows[0], ensemble=ensemble)) + "."
    names = [re.sub(r"\s*\([^()]*\)$", "", str(_get(r, "titre", ""))) for r in rows]
    names = [n[:1].lower() + n[1:] for n in dict.fromkeys(names)]
    return (f"Donnée non disponible pour{COLON} {_join(names)}{COLON} la source « {_source_name(rows[0])} » "
            "n'est pas disponible pour ce millésime.")


def sub_range(rows, *, level_words: tuple[str, str] = ("département", "départements"),
              name_col: str = "nom") -> str:
    """The spread of an indicator over sub-territories, as one sentence.

    "Selon les départements, la valeur va de 85 % (Lozère) à 100 % (Gers, Lot et 2 autres) ;
    non communiqué pour 1 département." Rows with statut absent or vide are ignored; "" when
    fewer than two sub-territories have a value.
    """
    import pandas as pd

    frame = pd.DataFrame(rows)
    if frame.empty:
        return ""
    frame = frame[~frame["statut"].isin(["absent", "vide"])]
    ok = frame[(frame["statut"] == "ok") & frame["valeur"].notna()]
    singular, plural_word = level_words
    if len(ok) < 2:
        return ""
    unit = str(ok["unite"].iloc[0]) if "unite" in ok else "%"
    lo, hi = ok["valeur"].min(), ok["valeur"].max()

    def names(value) -> str:
        hit = sorted(ok.loc[ok["valeur"] == value, name_col].astype(str))
        return _join(hit) if len(hit) <= 2 else f"{hit[0]}, {hit[1]} et {len(hit) - 2} autre" + (
            "s" if len(hit) > 3 else "")

    if fmt_indicator(lo, unit) == fmt_indicator(hi, unit):
        text = f"Même valeur dans les {len(ok)} {plural_word} ({fmt_indicator(hi, unit)})"
    else:
        text = (f"Selon les {plural_word}, la valeur va de {fmt_indicator(lo, unit)} ({names(lo)}) "
                f"à {fmt_indicator(hi, unit)} ({names(hi)})")
    n_nc = int((frame["statut"] == "nc").sum())
    n_secret = int((frame["statut"] == "secret").sum())
    missing = []
    if n_nc:
        missing.append(f"non communiqué pour {plural(n_nc, singular, plural_word)}")
    if n_secret:
        missing.append(f"secret statistique pour {plural(n_secret, singular, plural_word)}")
    if missing:
        text += " ; " + " ; ".join(missing)
    return text + "."


def distribution(rows, labels: Mapping[str, str] | None = None, *, by: str = "modalite") -> str:
    """"50 % ou plus : 97 % ; de 20 à 50 % : 1 % ; moins de 20 % : 2 %" from the rows of one
    distribution (one territory, one type); levels without a value are said as such."""
    parts = []
    for _, row in _iter_rows(rows):
        level = str(_get(row, by, ""))
        name = (labels or {}).get(level) or str(_get(row, "titre", level)).split(" : ")[-1]
        reason = missing_reason(row)
        shown = fmt_indicator(_get(row, "valeur"), str(_get(row, "unite", "%"))) if not reason \
            else reason.split(COLON)[0]
        parts.append(f"{name}{COLON} {shown}")
    return " ; ".join(parts)


def _iter_rows(rows):
    if hasattr(rows, "iterrows"):
        return rows.iterrows()
    return enumerate(rows)


# ------------------------------------------------------------------------------- notes
QUESTION_CHANGES = {
    "services.ent": (
        f"En 2018, l'enquête ETIC demande si un ENT est *disponible* (SiEntDisponible){COLON} à partir "
        f"de 2019, s'il est *utilisé* (SiEntUtilise). La question ayant changé, les chiffres de 2018 "
        "et des millésimes suivants ne se comparent pas."),
    "connectivite.classes_internet": (
        f"En 2018, la part des classes connectées se répartit en trois tranches (50{UNIT_SEP}% ou plus, "
        f"de 20 à 50{UNIT_SEP}%, moins de 20{UNIT_SEP}%){COLON} à partir de 2019, le questionnaire ne "
        f"distingue plus que « 50{UNIT_SEP}% ou plus » et « moins de 50{UNIT_SEP}% ». Seule la part "
        f"des établissements ayant 50{UNIT_SEP}% ou plus de classes connectées se compare d'un "
        "millésime à l'autre."),
}


def question_change(ind: str) -> str:
    """Why an indicator's question changed between millésimes ("" when it did not)."""
    return QUESTION_CHANGES.get(ind, "")


def harmonisation_lines(report) -> list[str]:
    """The harmonisation report (``analysis.harmonise.table.HarmoniseReport``) in French, one line per
    fact: rows read, annuaire entries excluded, ETIC rows not matched, and so on."""
    lines = []
    if report.annuaire_rows:
        text = f"Annuaire{COLON} {fmt_number(report.annuaire_rows)} lignes lues"
        if report.annuaire_duplicate_lines:
            text += f", dont {fmt_number(report.annuaire_duplicate_lines)} en double (fusionnées)"
        lines.append(text + ".")
    if report.hors_perimetre:
        total = sum(report.hors_perimetre.values())
        top = sorted(report.hors_perimetre.items(), key=lambda kv: -kv[1])[:5]
        detail = ", ".join(f"« {k} »{COLON} {fmt_number(v)}" for k, v in top)
        more = f" et {len(report.hors_perimetre) - 5} autres natures" if len(report.hors_perimetre) > 5 else ""
        lines.append(f"Entrées de l'annuaire écartées car hors du périmètre (ni école, ni collège, ni "
                     f"lycée, ni EREA){COLON} {fmt_number(total)} ({detail}{more}).")
    names = {"etic_2d": "ETIC second degré", "etic_1d": "ETIC premier degré"}
    for key, n in report.etic_rows.items():
        lines.append(f"Réponses {names.get(key, key)} pour {report.annee}{COLON} {fmt_number(n)}.")
    if report.ouverts_apres_reference:
        when = " et ".join(_date_fr(d) for d in sorted(set(report.date_reference.values())))
        field = report.ouverts_apres_reference_champ
        lines.append(
            f"Établissements de l'annuaire ouverts après la date de référence de l'enquête ({when}), "
            f"hors de l'univers du millésime{COLON} {fmt_number(len(report.ouverts_apres_reference))}, dont "
            f"{fmt_number(len(field))} du champ de l'enquête qui auraient sinon été comptés comme non-répondants"
            + (f" ({', '.join(field[:5])}{', …' if len(field) > 5 else ''})" if field else "") + ".")

    def listed(items: Sequence[str]) -> str:
        head = ", ".join(items[:5])
        return f"{fmt_number(len(items))} ({head}{', …' if len(items) > 5 else ''})"

    facts = (
        ("Réponses ETIC sans correspondance dans l'annuaire (conservées, placées par le département "
         "déclaré dans ETIC)", report.etic_absent_annuaire),
        ("Réponses ETIC d'établissements classés hors périmètre dans l'annuaire (nature changée "
         "depuis ; la nature déclarée dans ETIC est retenue)", report.etic_hors_perimetre_annuaire),
        ("Réponses ETIC dont la nature diffère de celle de l'annuaire (celle d'ETIC est retenue)",
         report.etic_nature_differs),
        ("UAI dont le préfixe contredit le département de l'annuaire", report.uai_departement_mismatch),
        ("Établissements placés dans aucun département", report.unplaced),
        ("Réponses ignorées (question non posée ce millésime)", report.ignored_answers),
        ("Expérimentations sans établissement correspondant", report.experimentations_unmatched),
    )
    for label, items in facts:
        if items:
            lines.append(f"{label}{COLON} {listed(list(items))}.")
    if report.couverture_unmatched:
        lines.append(f"Lignes de couverture sans établissement correspondant{COLON} "
                     f"{fmt_number(report.couverture_unmatched)}.")
    for note in report.notes:
        lines.append(note.replace("etic_1d", "ETIC premier degré").replace("etic_2d", "ETIC second degré"))
    return lines


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


def _date_fr(iso: str) -> str:
    """``"2018-08-31"`` → ``"31 août 2018"``."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{'1er' if day == 1 else day}{UNIT_SEP}{_MONTHS[month - 1]} {year}"


# ------------------------------------------------------------------------------- Markdown
def bullets(items: Iterable[str]) -> str:
    """A Markdown bullet list (empty items dropped)."""
    return "\n".join(f"- {item}" for item in items if item)


def callout(text: str, kind: str = "note", title: str | None = None) -> str:
    """A Quarto callout block (``::: {.callout-warning}``), rendered by the book renderer."""
    attrs = f'.callout-{kind}' + (f' title="{title}"' if title else "")
    return f"::: {{{attrs}}}\n{text}\n:::"


def is_nan(value) -> bool:
    """True for NaN/None (helper for notebooks' checks)."""
    return value is None or (isinstance(value, float) and math.isnan(value))
