"""French number formatting for everything the reader sees (charts, maps, report text).

Typographic choices (French usage, Imprimerie nationale / Lexique des règles typographiques):

- decimal separator: comma (``1 234,5``);
- thousands separator: NARROW NO-BREAK SPACE U+202F (``63 059``), applied from 1 000 up
  (four-digit numbers are grouped too, so that columns of figures align);
- between a number and its unit (``%``, ``points``, ``n.c.``): NO-BREAK SPACE U+00A0
  (``98 %``, ``+3 points``, ``27 % n.c.``). The two spaces are different on purpose: the narrow
  one sits *inside* a number, the full-width one separates the number from its unit. Both
  forbid a line break. Constants: :data:`THOUSANDS_SEP`, :data:`UNIT_SEP`;
- negative numbers use the MINUS SIGN U+2212 (``−2``), not the ASCII hyphen;
- rounding for display is *half up, away from zero* (``0,5 -> 1``, ``2,5 -> 3``,
  ``-2,5 -> −3``), as in a spreadsheet's ROUND, not Python's banker's rounding. The decision is
  taken on the shortest decimal representation of the float (``repr``), so ``2.675`` displays
  as ``2,68`` although its binary value is slightly below 2.675;
- missing values print as ``n.c.`` (non communiqué), ``s.`` (secret statistique), ``n.d.`` (non
  disponible: the source does not cover the year, or the level is not in that year's
  questionnaire) or ``–`` (sans objet);
- a no-break space also precedes the colon (``Source : ETIC 2018``), as French typography wants.

Percent inputs are *already in percent* (``98.2`` means 98,2 %), as in the indicator table
(``valeur`` and ``taux_nc`` columns).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Real

import numpy as np
import pandas as pd

__all__ = [
    "THOUSANDS_SEP",
    "UNIT_SEP",
    "MINUS",
    "NC",
    "SECRET",
    "ND",
    "EMPTY",
    "MISSING_MARKS",
    "MISSING_WORDS",
    "missing_reason",
    "round_half_up",
    "fmt_number",
    "fmt_pct",
    "fmt_ratio",
    "fmt_nc",
    "fmt_value",
    "fmt_change",
    "fmt_date",
    "fmt_missing",
    "fmt_source",
    "fmt_ordinal",
    "plural",
    "is_missing",
]

THOUSANDS_SEP = "\u202f"  # NARROW NO-BREAK SPACE, inside numbers
UNIT_SEP = "\u00a0"  # NO-BREAK SPACE, between a number and its unit
MINUS = "\u2212"  # MINUS SIGN
NC = "n.c."  # non communiqué
SECRET = "s."  # secret statistique
ND = "n.d."  # non disponible (the source does not cover the year)
EMPTY = "\u2013"  # EN DASH: sans objet (no establishment of that type)

_UNIT_ALIASES = {
    "%": "%",
    "pct": "%",
    "percent": "%",
    "pourcentage": "%",
    "ratio": "ratio",
    "count": "count",
    "nombre": "count",
    "effectif": "count",
    "n": "count",
}


def is_missing(x: object) -> bool:
    """True for None, NaN, ``pandas.NA`` and ``NaT``; False for any other scalar."""
    if x is None:
        return True
    try:
        result = pd.isna(x)
    except (TypeError, ValueError):
        return False
    return bool(result) if np.ndim(result) == 0 else False


def _to_decimal(x: Real | str | Decimal) -> Decimal:
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        return Decimal(int(x))
    if isinstance(x, int):
        return Decimal(x)
    try:
        # repr gives the shortest string that round-trips: 2.675 -> "2.675".
        return Decimal(repr(float(x)))
    except (InvalidOperation, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        raise TypeError(f"not a number: {x!r}") from exc


def round_half_up(x: Real, decimals: int = 0) -> Decimal:
    """Round ``x`` to ``decimals`` places, halves away from zero (0.5 -> 1, -2.5 -> -3)."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    quantum = Decimal(1).scaleb(-decimals)
    return _to_decimal(x).quantize(quantum, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    """Insert THOUSANDS_SEP every three digits from the right ("63059" -> "63 059")."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return THOUSANDS_SEP.join(parts)


MISSING_MARKS = {
    "nc": NC,  # non communiqué: establishments did not answer
    "secret": SECRET,  # secret statistique: too few respondents to publish
    "absent": ND,  # non disponible: the source does not cover this year
    "hors_questionnaire": ND,  # non disponible: a level (answer) the year's questionnaire does not have
    "vide": EMPTY,  # sans objet: no establishment of that type
}
MISSING_WORDS = {
    "nc": "non communiqué",
    "secret": "secret statistique",
    "absent": "non disponible",
    "hors_questionnaire": "modalité absente du questionnaire de l'année",
    "vide": "sans objet",
}
_REASON_ALIASES = {
    "secret": "secret", "s": "secret", "s.": "secret", "secret statistique": "secret",
    "absent": "absent", "nd": "absent", "n.d.": "absent", "non disponible": "absent",
    "hors_questionnaire": "hors_questionnaire",
    "vide": "vide", "sans objet": "vide", "so": "vide",
}


def missing_reason(reason: str | None) -> str:
    """Canonical reason of a missing value: "secret", "absent", "hors_questionnaire", "vide",
    else "nc"."""
    if reason is None or is_missing(reason):
        return "nc"
    return _REASON_ALIASES.get(str(reason).strip().lower(), "nc")


def fmt_missing(reason: str | None = None) -> str:
    """The mark of a missing value: ``"s."`` (secret statistique), ``"n.d."`` (non disponible:
    ``reason="absent"`` or ``"hors_questionnaire"``), ``"–"`` (sans objet: ``reason="vide"``), else
    ``"n.c."``."""
    return MISSING_MARKS[missing_reason(reason)]


def fmt_number(x: Real | None, decimals: int = 0, *, sign: bool = False, missing: str = NC) -> str:
    """French number: ``63059 -> "63 059"``, ``(1234.5, 1) -> "1 234,5"``, ``-2 -> "−2"``.

    ``sign=True`` prefixes positive numbers with ``+``. Missing values give ``missing``
    (``"n.c."`` by default). Infinite values give ``"∞"`` / ``"−∞"``.
    """
    if is_missing(x):
        return missing
    if isinstance(x, Real) and not isinstance(x, Decimal) and math.isinf(float(x)):
        if x > 0:
            return ("+" if sign else "") + "∞"
        return MINUS + "∞"
    d = round_half_up(x, decimals)
    negative = d < 0
    text = f"{abs(d):f}"
    int_part, _, frac_part = text.partition(".")
    out = _group(int_part)
    if decimals > 0:
        out += "," + frac_part.ljust(decimals, "0")[:decimals]
    if d == 0:
        negative = False  # never print "−0"
    if negative:
        return MINUS + out
    if sign and d > 0:
        return "+" + out
    return out


def fmt_pct(x: Real | None, decimals: int = 0, *, sign: bool = False, missing: str = NC) -> str:
    """Percentage already in percent: ``98.2 -> "98 %"``, ``(12.25, 1) -> "12,3 %"``."""
    if is_missing(x):
        return missing
    return fmt_number(x, decimals, sign=sign) + UNIT_SEP + "%"


def fmt_ratio(
    x: Real | None,
    decimals: int = 0,
    *,
    suffix: str | None = None,
    missing: str = NC,
) -> str:
    """A ratio such as élèves par terminal: ``(4.53, 1) -> "4,5"``.

    ``suffix`` (e.g. ``"élèves par terminal"``) is appended after a no-break space.
    """
    if is_missing(x):
        return missing
    out = fmt_number(x, decimals)
    return out + UNIT_SEP + suffix if suffix else out


def fmt_nc(taux_nc: Real | None, decimals: int = 0) -> str:
    """Share of non-respondents, in percent: ``27 -> "27 % n.c."``.

    A missing rate gives ``""`` (nothing to say).
    """
    if is_missing(taux_nc):
        return ""
    return fmt_pct(taux_nc, decimals) + UNIT_SEP + NC


def _canonical_unit(unit: str | None) -> str:
    if unit is None:
        return "count"
    key = str(unit).strip().lower()
    if key not in _UNIT_ALIASES:
        raise ValueError(f"unknown unit {unit!r}; expected '%', 'ratio' or 'count'")
    return _UNIT_ALIASES[key]


def fmt_value(
    valeur: Real | None,
    unit: str | None = "%",
    decimals: int | None = None,
    *,
    reason: str | None = None,
) -> str:
    """An indicator value as the report prints it, everywhere: sentences, chart labels, table
    cells, the index page and the edition cache key.

    Shares (``'%'``) have no decimal, except that a share that is neither 0 nor 100 never *reads*
    0 % or 100 % (``0.4 -> "0,4 %"``, ``99.6 -> "99,6 %"``); ratios have one decimal, counts none.
    ``decimals`` forces a precision. Missing -> ``"n.c."``, or the mark of ``reason`` (the
    ``statut`` column can be passed directly: ``reason=row.statut``): ``"s."`` for "secret",
    ``"n.d."`` for "absent", ``"–"`` for "vide"; any statut other than "ok" masks a stray value
    (secrecy wins).
    """
    u = _canonical_unit(unit)
    if reason is not None and not is_missing(reason) and str(reason).strip().lower() != "ok":
        return fmt_missing(reason)  # nc, secret, absent, vide: the value is never shown
    if is_missing(valeur):
        return fmt_missing(reason)
    if u == "%":
        if decimals is not None:
            return fmt_pct(valeur, decimals)
        shown = fmt_pct(valeur)
        v = float(valeur)
        if (shown.startswith("0" + UNIT_SEP) and v > 0) or (shown.startswith("100" + UNIT_SEP) and v < 100):
            return fmt_pct(v, 1)
        return shown
    if u == "ratio":
        return fmt_ratio(valeur, 1 if decimals is None else decimals)
    return fmt_number(valeur, 0 if decimals is None else decimals)


def fmt_change(delta: Real | None, unit: str | None = "%", decimals: int = 0) -> str:
    """Signed change between two editions.

    For '%' the change is in percentage points: ``3 -> "+3 points"``, ``-2 -> "−2 points"``,
    ``0.4 -> "stable"`` (a change that rounds to zero is "stable"). ``1 -> "+1 point"``.
    For 'ratio' and 'count' the signed number is returned (``"+1 234"``, ``"−0,5"``).
    Missing -> ``"n.c."``.
    """
    if is_missing(delta):
        return NC
    u = _canonical_unit(unit)
    if round_half_up(delta, decimals) == 0:
        return "stable"
    text = fmt_number(delta, decimals, sign=True)
    if u == "%":
        magnitude = abs(round_half_up(delta, decimals))
        word = plural(magnitude, "point", "points", with_number=False)
        return text + UNIT_SEP + word
    return text


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def fmt_date(iso: str) -> str:
    """A date in French: ``"2022-12-14"`` (or an ISO 8601 timestamp) -> ``"14 décembre 2022"``,
    ``"2018-09-01"`` -> ``"1er septembre 2018"``."""
    year, month, day = (int(part) for part in str(iso)[:10].split("-"))
    return f"{'1er' if day == 1 else day}{UNIT_SEP}{MONTHS[month - 1]} {year}"


def fmt_ordinal(n: int, *, feminine: bool = False) -> str:
    """French ordinal in figures: ``1 -> "1er"`` (``"1re"`` for a feminine noun), ``2 -> "2e"``."""
    n = int(n)
    if n == 1:
        return "1re" if feminine else "1er"
    return f"{fmt_number(n)}e"


def plural(n: Real, singular: str, plural_form: str, *, with_number: bool = True) -> str:
    """French agreement: singular for |n| < 2 (``0 établissement``, ``1,5 élève``), else plural.

    ``plural(63059, "établissement", "établissements") -> "63 059 établissements"``;
    ``with_number=False`` returns the word alone.
    """
    word = singular if abs(float(n)) < 2 else plural_form
    if not with_number:
        return word
    decimals = 0 if float(n) == int(float(n)) else 1
    return fmt_number(n, decimals) + UNIT_SEP + word


def fmt_source(source: str, taux_nc: Real | str | None = None) -> str:
    """The source line printed under a chart: ``("ETIC 2018", 27) -> "Source : ETIC 2018 (27 % n.c.)"``.

    ``source`` may already start with "Source" / "Sources" (kept as is). ``taux_nc`` is a rate in
    percent, or a ready-made French text (``"13 % n.c. pour les écoles, …"``), or missing (no
    parenthesis). A source that already mentions "n.c." is returned unchanged.
    """
    text = str(source).strip()
    if not text.lower().startswith("source"):
        text = "Source" + UNIT_SEP + ": " + text
    if "n.c." in text:
        return text
    if isinstance(taux_nc, str):
        return f"{text} ({taux_nc})" if taux_nc.strip() else text
    if is_missing(taux_nc):
        return text
    return f"{text} ({fmt_nc(taux_nc)})"
