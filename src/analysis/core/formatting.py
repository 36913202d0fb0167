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
- a missing value prints as the mark of its statut (:class:`analysis.core.statuts.Statut`:
  ``n.c.``, ``s.``, ``n.d.``, ``–``); the n.c. rate and the source line are :mod:`analysis.core.nc`;
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

from analysis.core.statuts import NC, Statut

__all__ = [
    "THOUSANDS_SEP",
    "UNIT_SEP",
    "MINUS",
    "round_half_up",
    "fmt_number",
    "fmt_pct",
    "fmt_ratio",
    "fmt_value",
    "fmt_change",
    "fmt_date",
    "fmt_ordinal",
    "plural",
    "is_missing",
]

THOUSANDS_SEP = "\u202f"  # NARROW NO-BREAK SPACE, inside numbers
UNIT_SEP = "\u00a0"  # NO-BREAK SPACE, between a number and its unit
MINUS = "\u2212"  # MINUS SIGN

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
    if type(x) is float:       # the common case, without pandas: formatting runs over whole tables
        return x != x
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
    ``decimals`` forces a precision. ``reason``: the row's statut (``reason=row.statut``); any
    statut but ok prints its mark (:attr:`analysis.core.statuts.Statut.mark`) and masks a stray
    value (secrecy wins). A missing value without a statut is « n.c. ».
    """
    u = _canonical_unit(unit)
    statut = None if reason is None or is_missing(reason) else Statut.parse(reason)
    if statut not in (None, Statut.OK):
        return statut.mark  # nc, secret, absent, hors_questionnaire, vide: the value is never shown
    if is_missing(valeur):
        return NC
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
