"""French sentences written from the rows of the indicator table (never typed by hand).

Every function takes rows of the table built by :mod:`analysis.indicators` (a ``pandas.Series``
or a mapping with ``indicateur, type, titre, unite, valeur, taux_nc, statut, source`` and, for
the change since the previous millésime, ``evolution, comparable``) and returns French text in
the typography of :mod:`analysis.core.formatting` (no-break spaces before units, ``%`` and ``:``).

- :func:`statement` — the headline clause: "98 % des collèges et lycées publics déclarent un
  accès à internet (27 % n.c.)" (the rate as :mod:`analysis.core.nc` prints it); a missing value
  is *said*, never printed as ``nan`` or ``0 %``: secret statistique, non communiqué, source
  absente, sans objet (the statut, :class:`analysis.core.statuts.Statut`);
- :func:`comparison` — "contre 95 % (20 % n.c.) dans l'académie de Toulouse et 98 % (30 % n.c.)
  en France";
- :func:`evolution` — "+3 points depuis 2018", or why there is no change to give;
- :func:`sentence` — the three together, capitalised, with a final full stop;
- :func:`sub_range` — the spread over the sub-territories ("de 85 % (Lozère) à 100 % (Gers)");
- :func:`distribution` — the shares of a distribution ("50 % ou plus : 97 % ; …").

The wording of each indicator (its clause, short form, count forms, counted noun, unit words) is
declared beside it in ``resources/indicators.yml`` (:class:`analysis.indicators.catalogue.Wording`);
values are printed by :func:`analysis.core.formatting.fmt_value`, as in the charts and tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from analysis import indicators
from analysis.core import nc
from analysis.core.formatting import UNIT_SEP, fmt_change, fmt_number, fmt_value, is_missing, plural
from analysis.core.statuts import SECRET_THRESHOLD, Statut
from analysis.core.vocabulary import (
    ENSEMBLE_TYPES,
    LEVEL_NOUNS,
    PUBLIC,
    SURVEY_NAMES,
    SURVEY_OF_TYPE,
    in_territory,
    join,
    subject,
)
from analysis.core.vocabulary import gender_of as _gender
from analysis.indicators.catalogue import Wording

__all__ = [
    "absent_reason",
    "absent_sentence",
    "capitalize",
    "comparison",
    "distribution",
    "evolution",
    "indicator_label",
    "join",
    "missing_reason",
    "sentence",
    "source_name",
    "statement",
    "sub_range",
    "subject",
    "wording",
]

COLON = UNIT_SEP + ":"


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


def _members(type_: str, ensemble: Sequence[str]) -> list[str]:
    if type_ in ("ensemble", "tous"):
        return [t for t in ENSEMBLE_TYPES if t in ensemble] or list(ENSEMBLE_TYPES)
    return [type_]


def source_name(row) -> str:
    """Source without its millésime ("ETIC 2018" -> "ETIC"), qualified by degree for ETIC."""
    source = str(_get(row, "source", "") or "")
    name = re.sub(r"\s+\d{4}$", "", source).strip() or "de ces données"
    if name == "ETIC" and _get(row, "type") in SURVEY_OF_TYPE:
        name = SURVEY_NAMES[SURVEY_OF_TYPE[_get(row, "type")]]
    return name


def missing_reason(row, *, threshold: int = SECRET_THRESHOLD) -> str:
    """Why a row has no value, in French; "" for a row with a value (statut ok)."""
    statut = Statut.parse(_get(row, "statut", Statut.NC))
    if statut is Statut.OK and _get(row, "valeur") is not None:
        return ""
    if statut is Statut.SECRET:
        return f"{statut.words} (moins de {threshold}{UNIT_SEP}répondants)"
    if statut is Statut.ABSENT:
        return f"donnée non disponible{UNIT_SEP}; {absent_reason(row)}"  # the reason may hold parentheses
    if statut is Statut.HORS_QUESTIONNAIRE:
        return f"donnée non disponible{UNIT_SEP}; {statut.words}"
    if statut is Statut.VIDE:
        return f"{statut.words} (aucun établissement concerné dans ce territoire)"
    universe = _get(row, "univers")
    if universe:
        return (f"non communiqué (aucun des {fmt_number(universe)} établissements "
                "concernés n'a répondu)" if universe > 1 else
                "non communiqué (l'établissement concerné n'a pas répondu)")
    return "non communiqué"


def absent_reason(row) -> str:
    """Why a row with statut absent has no value: its ``motif`` (the data do not cover the
    territory, a local source does not cover it…), else the source is absent this millésime."""
    motif = _get(row, "motif")
    if motif:
        return str(motif)
    return f"la source « {source_name(row)} » n'est pas disponible pour ce millésime"


# ------------------------------------------------------------------------------- clauses
def wording(row) -> Wording:
    """How the indicator of a row is said (a default wording for an undeclared indicator)."""
    ind = indicators.catalogue().get(str(_get(row, "indicateur", "")))
    return ind.wording if ind else Wording()


def _ensemble_for(row, ensemble: Sequence[str], present: Sequence[str] | None = None) -> Sequence[str]:
    """The types "ensemble" covers: those of the ETIC surveys available, for ETIC rows only
    (the annuaire and the coverage files cover écoles, collèges and lycées alike); of those,
    the types the territory has (``present``: a perimeter of collèges and lycées has no école)."""
    base = ensemble if str(_get(row, "source", "ETIC")).startswith("ETIC") else ENSEMBLE_TYPES
    return [t for t in base if t in present] or base if present else base


def indicator_label(row, *, ensemble: Sequence[str] = ENSEMBLE_TYPES,
                    present: Sequence[str] | None = None) -> str:
    """"Accès à internet (collèges et lycées publics)": what a row is about, said where it has no
    value or where its spread over the sub-territories is given."""
    title = re.sub(r"\s*\([^()]*\)$", "", str(_get(row, "titre", _get(row, "indicateur", "Indicateur"))))
    words = wording(row)
    type_ = _get(row, "type")
    if type_ is None or type_ == "tous" or (words.counts and words.counted):
        return title  # a count of other things (départements, projets) is not about a type
    public = words.public or "{sujet} {publics}" in (words.sentence or "")  # "des {sujet} {publics} couverts…"
    return f"{title} ({subject(type_, public=public, ensemble=_ensemble_for(row, ensemble, present))})"


def _shown_below_two(shown: str) -> bool:
    """French agreement follows the number as printed: "1,9 élève", "2,0 élèves"."""
    number = shown.split(UNIT_SEP)[0].replace("\u202f", "").replace(",", ".").replace("\u2212", "-")
    try:
        return abs(float(number)) < 2
    except ValueError:
        return False


def statement(row, *, ensemble: Sequence[str] = ENSEMBLE_TYPES, threshold: int = SECRET_THRESHOLD,
              with_nc: bool = True, short: bool = False, present: Sequence[str] | None = None) -> str:
    """The headline clause of a row, not capitalised, no final stop.

    ok: "98 % des écoles publiques déclarent un accès à internet (27 % n.c.)";
    otherwise the indicator, its subject and the reason: "accès à internet (écoles
    publiques) : secret statistique : moins de 5 répondants".
    """
    reason = missing_reason(row, threshold=threshold)
    if reason:
        return f"{indicator_label(row, ensemble=ensemble, present=present)}{COLON} {reason}"
    value = float(_get(row, "valeur"))
    unit = str(_get(row, "unite", "%"))
    type_ = str(_get(row, "type", "ensemble"))
    ensemble = _ensemble_for(row, ensemble, present)
    words = wording(row)
    members = _members(type_, ensemble)
    gender = words.counted.gender if words.counted else _gender(members)
    fields = {
        "sujet": subject(type_, public=words.public, ensemble=ensemble),
        "s": "es" if gender == "f" else "s",
        "e": "e" if gender == "f" else "",
        "publics": PUBLIC[gender][1],
        "nbsp": UNIT_SEP,
    }
    if words.counts or unit == "count":
        if words.counted:
            singular_noun, plural_noun = words.counted.singular, words.counted.plural
        else:
            singular_noun = (subject(type_, public=words.public, ensemble=ensemble, singular=True)
                             if len(members) == 1 else "établissement")
            plural_noun = subject(type_, public=words.public, ensemble=ensemble)
        if not words.counts:
            return f"{_get(row, 'titre', '')}{COLON} {fmt_value(value, 'count')}"
        form = "zero" if value == 0 else "one" if value < 2 else "many"
        return words.counts[form].format(n=plural(value, singular_noun, plural_noun), **fields)
    shown = fmt_value(value, unit)
    if words.unit_words:
        shown = shown + UNIT_SEP + words.unit_words[0 if _shown_below_two(shown) else 1]
    if short and words.short:
        text = words.short.format(v=shown, **fields)
    elif words.sentence:
        text = words.sentence.format(v=shown, **fields)
    else:
        title = str(_get(row, "titre", ""))
        text = f"{title} ({fields['sujet']}){COLON} {shown}"
    if with_nc:
        text = with_nc_rate(text, nc.of_row(row))
    return text


def with_nc_rate(text: str, rate: str) -> str:
    """``text`` followed by its n.c. rate in parentheses, merged into a parenthesis that ends it:
    "… (RTC)" + "12 % n.c." -> "… (RTC ; 12 % n.c.)", never "(RTC) (12 % n.c.)"."""
    if not rate:
        return text
    if text.endswith(")") and _closing_paren_opens_at(text) is not None:
        return f"{text[:-1]}{UNIT_SEP}; {rate})"
    return f"{text} ({rate})"


def _closing_paren_opens_at(text: str) -> int | None:
    """Where the parenthesis closed by the last character of ``text`` opens (None if unbalanced)."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return None


def comparison(row, others: Iterable[tuple[str, object]]) -> str:
    """"contre 95 % (20 % n.c.) dans l'académie de Toulouse et 98 % (30 % n.c.) en France".

    ``others``: (locative phrase or territory label, row) pairs, nearest first, each with its
    own n.c. rate (every compared figure states it). Rows without a value are left out (their
    reason is not the point of this sentence); "" when none is left or when ``row`` itself has no
    value.
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
        # the rate beside the value: a place may end with a parenthesis ("Hérault (34)")
        parts.append(" ".join(x for x in (fmt_value(_get(other, 'valeur'), unit), nc.paren(other), where) if x))
    return "contre " + join(parts) if parts else ""


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
    if unit == "%":
        change = fmt_change(delta, "%")
    elif unit == "ratio":
        change = fmt_change(delta, "ratio", 1)
        unit_words = wording(row).unit_words
        if change != "stable" and unit_words:
            change += UNIT_SEP + unit_words[0 if _shown_below_two(change.lstrip("+")) else 1]
    else:
        change = fmt_change(delta, "count")
    return f"{change} depuis {previous_year}"


def sentence(row, *, others: Iterable[tuple[str, object]] = (), previous_year: int | None = None,
             ensemble: Sequence[str] = ENSEMBLE_TYPES, threshold: int = SECRET_THRESHOLD, short: bool = False,
             present: Sequence[str] | None = None) -> str:
    """A full French sentence: statement, comparison, change; capitalised, final full stop.

    "98 % des collèges et lycées publics déclarent un accès à internet (27 % n.c.), contre 97 %
    (20 % n.c.) dans l'académie de Toulouse et 98 % (30 % n.c.) en France ; +3 points depuis 2018."
    """
    text = statement(row, ensemble=ensemble, threshold=threshold, short=short, present=present)
    versus = comparison(row, others)
    if versus:
        text += ", " + versus
    change = evolution(row, previous_year)
    if change:
        text += " ; " + change
    return capitalize(text) + "."


def absent_sentence(rows, *, ensemble: Sequence[str] = ENSEMBLE_TYPES, present: Sequence[str] | None = None) -> str:
    """One sentence for several rows without value for the same reason (:func:`absent_reason`):
    "Donnée non disponible pour : couverture 3G…, couverture 4G… : la source « … » n'est pas
    disponible pour ce millésime."; rows of one type and several indicators name the type
    ("Donnée non disponible pour les collèges publics : …"). "" when there is no row."""
    rows = list(rows)
    if not rows:
        return ""
    if len(rows) == 1:
        return capitalize(statement(rows[0], ensemble=ensemble, present=present)) + "."
    reason = absent_reason(rows[0])
    ensemble = _ensemble_for(rows[0], ensemble, present)
    types = {str(_get(r, "type", "ensemble")) for r in rows}
    if len(types) == 1 and not types & {"ensemble", "tous"}:
        words = wording(rows[0])
        return (f"Donnée non disponible pour les {subject(types.pop(), public=words.public, ensemble=ensemble)}"
                f"{COLON} {reason}.")
    names = [re.sub(r"\s*\([^()]*\)$", "", str(_get(r, "titre", ""))) for r in rows]
    if len(set(names)) == 1:               # one indicator, several types
        words = wording(rows[0])
        types = [str(_get(r, "type", "ensemble")) for r in rows]
        if "ensemble" in types:            # the types are part of their ensemble: name it alone
            types = ["ensemble"]
        whom = join([subject(t, public=words.public, ensemble=ensemble) for t in types])
        return f"{capitalize(names[0])} ({whom}){COLON} donnée non disponible{UNIT_SEP}; {reason}."
    names = [n[:1].lower() + n[1:] for n in dict.fromkeys(names)]
    return f"Donnée non disponible pour{COLON} {join(names)}{COLON} {reason}."


def sub_range(rows, *, level: str = "departement", name_col: str = "nom", what: str = "") -> str:
    """The spread of an indicator over sub-territories, as one sentence.

    "Selon les départements, la valeur va de 85 % (Lozère) à 100 % (Gers, Lot et 2 autres) ;
    non communiqué pour 1 département." With ``what``, the indicator and the establishments it
    is about (:func:`indicator_label`): "Accès à un ENT (collèges publics) : selon les
    départements, de 85 % (Lozère) à 100 % (…)". Rows with statut absent or vide are ignored;
    "" when fewer than two sub-territories have a value.
    """
    import pandas as pd

    frame = pd.DataFrame(rows)
    if frame.empty:
        return ""
    frame = frame[~frame["statut"].map(lambda s: Statut.parse(s).not_available)]
    ok = frame[(frame["statut"] == Statut.OK) & frame["valeur"].notna()]
    singular, plural_word = LEVEL_NOUNS[level].singular, LEVEL_NOUNS[level].plural
    if len(ok) < 2:
        return ""
    unit = str(ok["unite"].iloc[0]) if "unite" in ok else "%"
    lo, hi = ok["valeur"].min(), ok["valeur"].max()

    def names(value) -> str:
        hit = sorted(ok.loc[ok["valeur"] == value, name_col].astype(str))
        return join(hit) if len(hit) <= 2 else f"{hit[0]}, {hit[1]} et {len(hit) - 2} autre" + (
            "s" if len(hit) > 3 else "")

    if fmt_value(lo, unit) == fmt_value(hi, unit):
        text = f"même valeur dans les {len(ok)} {plural_word} ({fmt_value(hi, unit)})"
    elif what:
        text = (f"selon les {plural_word}, de {fmt_value(lo, unit)} ({names(lo)}) "
                f"à {fmt_value(hi, unit)} ({names(hi)})")
    else:
        text = (f"selon les {plural_word}, la valeur va de {fmt_value(lo, unit)} ({names(lo)}) "
                f"à {fmt_value(hi, unit)} ({names(hi)})")
    text = f"{what}{COLON} {text}" if what else capitalize(text)
    missing = [f"{s.words} pour {plural(n, singular, plural_word)}"
               for s in (Statut.NC, Statut.SECRET) if (n := int((frame["statut"] == s).sum()))]
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
        shown = fmt_value(_get(row, "valeur"), str(_get(row, "unite", "%"))) if not reason \
            else reason.split(COLON)[0]
        parts.append(f"{name}{COLON} {shown}")
    return " ; ".join(parts)


def _iter_rows(rows):
    if hasattr(rows, "iterrows"):
        return rows.iterrows()
    return enumerate(rows)
