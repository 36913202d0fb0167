"""The taux de non-communication (n.c.) as every output prints it, and the source line it ends.

Every figure states its source and its n.c. rate: the share of the establishments of the
indicator's universe that did not answer (``taux_nc`` of the indicator table, in percent). One
form per use, the same in sentences, charts, maps, tables, the index page and the fiches:

=====================================  ===================================================
use                                    form
=====================================  ===================================================
one rate (:func:`rate`)                « 27 % n.c. »
after a value (:func:`paren`)          « 98 % (27 % n.c.) »
a range (:func:`spread`)               « de 3 à 41 % n.c. » (the unit after the second number)
a range in a table cell                « 3 à 41 % » (:func:`percent_range`)
one rate per type (:func:`of_rows`)    « 13 % n.c. pour les écoles, 20 % n.c. pour les collèges »
compared territories (:func:`compared`)  « n.c. : Haute-Garonne 12 %, académie de Toulouse 20 % »
rates in a table cell (:func:`cell`)   « 12 % / 20 % / – »
source line (:func:`source_line`)      « Source : ETIC 2018 (27 % n.c.) »
=====================================  ===================================================

A row states no rate (:func:`stated_rate` is None) when it is a count, when its statut leaves the
rate undefined (the source is absent), or when it comes from the exhaustive annuaire (0 % n.c.:
the response rate is its own completeness).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from analysis.core.formatting import UNIT_SEP, fmt_pct, is_missing
from analysis.core.statuts import NC
from analysis.core.vocabulary import TYPE_ORDER, the_types

__all__ = ["cell", "compared", "of_row", "of_rows", "paren", "percent_range", "rate", "source_line",
           "spread", "stated_rate"]

SEP = f"{UNIT_SEP}; "        # between two parts of a source line, French typography


def _get(row, key, default=None):
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError):
        return default
    return default if is_missing(value) else value


def stated_rate(row) -> float | None:
    """The n.c. rate the report states for a row of the indicator table, or None (see the module
    docstring: counts, undefined rates, the exhaustive annuaire)."""
    value = _get(row, "taux_nc")
    if value is None or str(_get(row, "unite", "")) == "count":
        return None
    if float(value) == 0 and (str(_get(row, "theme", "")) == "perimetre"
                              or str(_get(row, "indicateur", "")).startswith("perimetre.")):
        return None
    return float(value)


def rate(value) -> str:
    """« 27 % n.c. » for a rate in percent; "" when it is missing (nothing to say)."""
    if is_missing(value):
        return ""
    return f"{fmt_pct(value)}{UNIT_SEP}{NC}"


def of_row(row) -> str:
    """« 27 % n.c. », the rate a row states, or ""."""
    return rate(stated_rate(row))


def paren(row) -> str:
    """« (27 % n.c.) », to follow a row's value, or ""."""
    text = of_row(row)
    return f"({text})" if text else ""


def percent_range(rates: Iterable[float]) -> str:
    """« 27 % » when the rates print alike, else « 3 à 41 % » (a table cell); "" without rates."""
    rates = [float(r) for r in rates if not is_missing(r)]
    if not rates:
        return ""
    lo, hi = fmt_pct(min(rates)), fmt_pct(max(rates))
    return lo if lo == hi else f"{lo.split(UNIT_SEP)[0]} à {hi}"


def spread(rates: Iterable[float]) -> str:
    """« 27 % n.c. » when the rates print alike, else « de 3 à 41 % n.c. »; "" without rates."""
    text = percent_range(rates)
    if not text:
        return ""
    return f"{'de ' if ' à ' in text else ''}{text}{UNIT_SEP}{NC}"


def _aggregate(frame: pd.DataFrame) -> float | None:
    """Σ non_communique / Σ univers, when the rows partition one population."""
    if not {"non_communique", "univers"} <= set(frame.columns):
        return None
    nc = pd.to_numeric(frame["non_communique"], errors="coerce")
    universe = pd.to_numeric(frame["univers"], errors="coerce")
    known = nc.notna() & universe.notna()
    if not known.any() or universe[known].sum() <= 0:
        return None
    return float(100 * nc[known].sum() / universe[known].sum())


def of_rows(frame: pd.DataFrame, *, by: str | None = None, aggregate: bool = False,
            name: Callable[[str], str] | None = None) -> str | None:
    """The n.c. text of several rows, for the source line of the figure that draws them, or None.

    ``aggregate``: the rows partition one population: one rate, Σ non-respondents / Σ universe.
    Otherwise their ``taux_nc``: one rate when they all print alike; else one rate per value of
    ``by`` (« 13 % n.c. pour les écoles, 20 % n.c. pour les collèges »; ``name`` says a value,
    « les écoles » for a type by default) when each of those has one; else the range.
    """
    if aggregate:
        total = _aggregate(frame)
        if total is not None:
            return rate(total)
    if "taux_nc" not in frame.columns:
        return None
    rates = pd.to_numeric(frame["taux_nc"], errors="coerce")
    if rates.notna().sum() == 0:
        return None
    shown = {rate(r) for r in rates.dropna()}
    if len(shown) == 1:
        return shown.pop()
    if by is not None and by in frame.columns:
        grouped = dict(tuple(frame.assign(_r=rates).dropna(subset=["_r"]).groupby(by, sort=False)))
        keys = list(grouped)
        if by == "type":
            keys = [t for t in TYPE_ORDER if t in grouped] + [k for k in keys if k not in TYPE_ORDER]
        say = name or (the_types if by == "type" else str)
        return ", ".join(f"{rate(grouped[key]['_r'].iloc[0])} pour {say(str(key))}" for key in keys)
    return spread(rates.dropna())


def compared(pairs: Sequence[tuple[str, float]]) -> str | None:
    """The rate of each compared territory, nearest first: « n.c. : Haute-Garonne 12 %, académie
    de Toulouse 20 % »; « 12 % n.c. » for one; None for none. ``pairs``: (short name, rate)."""
    if not pairs:
        return None
    if len(pairs) == 1:
        return rate(pairs[0][1])
    return f"{NC}{UNIT_SEP}: " + ", ".join(f"{who} {fmt_pct(value)}" for who, value in pairs)


def cell(rows: Sequence) -> str:
    """The rates of the territories a table row compares, in their order, for its n.c. column:
    « 12 % », « 12 % / 20 % / – » (– for a territory without a rate); "" when none has one."""
    rates = [stated_rate(r) for r in rows]
    shown = ["" if r is None else fmt_pct(r) for r in rates]
    if not any(shown[1:]):
        return shown[0] if shown else ""
    return " / ".join(text or "\u2013" for text in shown)


def source_line(sources: str | Sequence[str], nc: str | None = None) -> str:
    """« Source : ETIC 2018 (27 % n.c.) », the line under a figure or a table.

    ``sources``: one name (a text already starting with « Source » is kept as it is) or several
    (« Sources : ETIC 2018 ; Arcep 2018 », duplicates dropped); ``nc``: the finished n.c. text
    (:func:`rate`, :func:`of_rows`, :func:`compared`…) or None.
    """
    if isinstance(sources, str):
        names = [sources.strip()]
    else:
        names = [s.strip() for s in dict.fromkeys(str(s) for s in sources) if s.strip()]
    if len(names) == 1 and names[0].lower().startswith("source"):
        text = names[0]
    else:
        text = f"Source{'s' if len(names) > 1 else ''}{UNIT_SEP}: " + SEP.join(names)
    return f"{text} ({nc})" if nc else text


def labelled(mapping: Mapping[str, str] | None) -> Callable[[str], str]:
    """A ``name`` for :func:`of_rows` from a mapping of codes to labels (codes kept otherwise)."""
    return lambda key: (mapping or {}).get(key, key)
