"""The classes of a map: thresholds rounded to the display precision, closed on the left, with
their French legend ("moins de 10 %", "de 10 à 20 %", "20 % et plus"), so that every value falls
in the class its legend names. Memberships come from mapclassify (quantiles, Fisher-Jenks natural
breaks, equal intervals) or fixed thresholds.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from analysis.core.formatting import fmt_number, fmt_pct, round_half_up

__all__ = ["SCHEMES", "classify", "nice_threshold"]

SCHEMES = {"quantiles", "natural_breaks", "fixed", "equal_interval"}


def _fmt_bound(x: float, unit: str, with_unit: bool = True) -> str:
    d = _decimals_of(x)
    return fmt_pct(x, d) if (unit == "%" and with_unit) else fmt_number(x, d)


def _class_labels(thresholds: Sequence[float], unit: str, vmin: float, vmax: float) -> list[str]:
    """French labels: "moins de 10 %", "de 10 à 20 %", "20 % et plus" (k-1 thresholds)."""
    f = lambda x: _fmt_bound(x, unit)  # noqa: E731
    n = lambda x: _fmt_bound(x, unit, with_unit=False)  # noqa: E731
    if not thresholds:
        lo, hi = round(vmin, 2), round(vmax, 2)
        return [f(lo) if lo == hi else f"de {n(lo)} à {f(hi)}"]
    labels = [f"moins de {f(thresholds[0])}"]
    for lo, hi in zip(thresholds[:-1], thresholds[1:], strict=True):
        labels.append(f"de {n(lo)} à {f(hi)}")
    labels.append(f"{f(thresholds[-1])} et plus")
    return labels


def _decimals_of(x: float) -> int:
    """Decimals needed to print ``x`` exactly (at most 3)."""
    text = repr(round(float(x), 6))
    if "e" in text:
        return 3
    return min(len(text.partition(".")[2].rstrip("0")), 3)


def _display_step(x: np.ndarray, unit: str) -> float:
    """Precision of the class thresholds: whole numbers, tenths when the values are close."""
    spread = float(x.max() - x.min())
    if unit == "ratio":
        return 0.1 if spread < 20 else 1.0
    if unit == "%":
        return 0.1 if spread < 5 else 1.0
    return 1.0


def nice_threshold(low: float, high: float, min_step: float = 0.001) -> float | None:
    """The roundest number t with ``low < t <= high``: a multiple of the largest power of ten
    that fits, else of 5, 2 or 1 times the next one down (``(41.3, 58.7] -> 50``,
    ``(0.2, 0.8] -> 0.5``), or None when the interval is narrower than ``min_step``.
    A threshold there keeps every value ≤ low below it and every value ≥ high above it."""
    if not high > low:
        return None
    top = max(abs(low), abs(high), min_step)
    exp = int(np.floor(np.log10(top))) + 1
    while 10.0**exp >= min_step * 0.999:
        step = 10.0**exp
        for mult in (5, 2, 1):  # 10^(exp+1) was tried before; then 5, 2, 1 × 10^exp
            unit = step * mult
            t = (np.floor(low / unit + 1e-9) + 1) * unit
            t = round(float(t), 10)
            if low < t <= high:
                return t
        exp -= 1
    return None


def classify(
    values: Sequence[float] | np.ndarray,
    *,
    scheme: str = "quantiles",
    k: int = 4,
    bins: Sequence[float] | None = None,
    unit: str = "%",
) -> tuple[list[float], list[str], np.ndarray]:
    """Classes for the finite ``values``: returns (thresholds, French labels, class index per
    value, -1 for NaN). ``thresholds`` are the k-1 boundaries between classes; classes are closed
    on the left: a value equal to a threshold is in the upper class ("20 % et plus" includes 20).

    ``scheme``: "quantiles", "natural_breaks" (Fisher-Jenks, deterministic) or "equal_interval"
    (class memberships from mapclassify), or "fixed" with ``bins`` = the thresholds. For the
    data-driven schemes each threshold is the roundest number between the largest value of a
    class and the smallest of the next one (:func:`nice_threshold`), at the display precision
    (whole numbers; tenths for close values): memberships are mapclassify's, and legends read
    "de 40 à 60 %" rather than "de 41,3 à 58,7 %". When no such number exists the boundary moves
    to the nearest one, shifting as few values as possible.

    Values are classified as the reader sees them, rounded half up to the precision of the
    thresholds (2,96 élèves par terminal reads "3,0" and is in "de 3 à 4", not "moins de 3").
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    idx = np.full(v.shape, -1, dtype=int)
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {sorted(SCHEMES)}")
    if not ok.any():
        return [], [], idx
    if scheme == "fixed":
        if bins is None or len(bins) == 0:
            raise ValueError("scheme='fixed' needs bins (the thresholds between classes)")
        thresholds = list(dict.fromkeys(sorted(float(b) for b in bins)))
        step = min([0.1 if unit == "ratio" else 1.0] + [10.0 ** -_decimals_of(t) for t in thresholds])
    else:
        step = _display_step(v[ok], unit)
    # classify the values as the reader sees them: rounded half up to the thresholds' precision
    x = np.array([float(round_half_up(val, _decimals_of(step))) for val in v[ok]])
    vmin, vmax = float(x.min()), float(x.max())
    if scheme != "fixed":
        kk = max(1, min(k, len(np.unique(x))))
        thresholds = []
        if kk > 1:
            import mapclassify  # imported on first use: it pulls scipy and sklearn (~0.9 s)

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if scheme == "quantiles":
                    clf = mapclassify.Quantiles(x, k=kk)
                elif scheme == "natural_breaks":
                    clf = mapclassify.FisherJenks(x, k=kk)
                else:
                    clf = mapclassify.EqualInterval(x, k=kk)
            for b in clf.bins[:-1]:
                below, above = x[x <= b], x[x > b]
                if not len(below) or not len(above):
                    continue
                low, high = float(below.max()), float(above.min())
                t = nice_threshold(low, high, min_step=step)
                if t is None:
                    # no round number between the two classes at the display precision: move
                    # the boundary to the nearer multiple of the step, shifting the fewest values
                    t_down = float(np.floor(low / step + 1e-9) * step)
                    t_up = t_down + step
                    moved_down = int(((x >= t_down) & (x <= low)).sum())
                    moved_up = int(((x >= high) & (x < t_up)).sum())
                    t = round(t_down if moved_down <= moved_up else t_up, 10)
                if vmin < t <= vmax and (not thresholds or t > thresholds[-1]):
                    thresholds.append(t)
    idx[ok] = np.searchsorted(np.asarray(thresholds, dtype=float), x, side="right")
    return thresholds, _class_labels(thresholds, unit, vmin, vmax), idx
