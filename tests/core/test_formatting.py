"""French number formatting: exact strings, with the exact Unicode spaces."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.core.formatting import (
    MINUS,
    THOUSANDS_SEP,
    UNIT_SEP,
    fmt_change,
    fmt_number,
    fmt_pct,
    fmt_ratio,
    fmt_value,
    plural,
    round_half_up,
)

NNBSP = "\u202f"  # NARROW NO-BREAK SPACE
NBSP = "\u00a0"  # NO-BREAK SPACE


def test_separator_constants_are_the_documented_code_points():
    assert THOUSANDS_SEP == NNBSP
    assert UNIT_SEP == NBSP
    assert MINUS == "\u2212"


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (63059, 0, f"63{NNBSP}059"),
        (1234.5, 1, f"1{NNBSP}234,5"),
        (1234567, 0, f"1{NNBSP}234{NNBSP}567"),
        (999, 0, "999"),
        (1000, 0, f"1{NNBSP}000"),
        (0, 0, "0"),
        (3.14159, 2, "3,14"),
        (2, 1, "2,0"),
        (0.05, 1, "0,1"),
        (np.int64(12345), 0, f"12{NNBSP}345"),
        (np.float64(98.6), 0, "99"),
    ],
)
def test_fmt_number(x, decimals, expected):
    assert fmt_number(x, decimals) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),  # banker's rounding would give 2
        (3.5, 0, "4"),
        (0.25, 1, "0,3"),  # banker's rounding would give 0,2
        (2.675, 2, "2,68"),  # binary float is 2.67499999…, display uses the decimal repr
        (1234.45, 1, f"1{NNBSP}234,5"),
        (-2.5, 0, f"{MINUS}3"),  # halves go away from zero
        (-0.5, 0, f"{MINUS}1"),
    ],
)
def test_rounding_is_half_up_not_bankers(x, decimals, expected):
    assert round(2.5) == 2  # the trap we avoid
    assert fmt_number(x, decimals) == expected


def test_round_half_up_returns_decimal_values():
    assert str(round_half_up(0.5)) == "1"
    assert str(round_half_up(2.345, 2)) == "2.35"
    with pytest.raises(ValueError):
        round_half_up(1.0, -1)


def test_negatives_use_the_minus_sign_and_never_minus_zero():
    assert fmt_number(-1234.5, 1) == f"{MINUS}1{NNBSP}234,5"
    assert fmt_number(-0.4) == "0"
    assert fmt_number(-0.04, 1) == "0,0"
    assert "-" not in fmt_number(-7)
    assert fmt_number(5, sign=True) == "+5"
    assert fmt_number(0, sign=True) == "0"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_print_nc(missing):
    assert fmt_number(missing) == "n.c."
    assert fmt_pct(missing) == "n.c."
    assert fmt_ratio(missing) == "n.c."
    assert fmt_value(missing, "%") == "n.c."
    assert fmt_value(missing, "count", reason="secret") == "s."
    assert fmt_change(missing) == "n.c."


def test_infinite():
    assert fmt_number(math.inf) == "∞"
    assert fmt_number(-math.inf) == f"{MINUS}∞"


def test_fmt_pct():
    assert fmt_pct(98) == f"98{NBSP}%"
    assert fmt_pct(98.2) == f"98{NBSP}%"
    assert fmt_pct(12.25, 1) == f"12,3{NBSP}%"
    assert fmt_pct(0.5) == f"1{NBSP}%"
    assert fmt_pct(-3, sign=False) == f"{MINUS}3{NBSP}%"
    assert fmt_pct(3, sign=True) == f"+3{NBSP}%"


def test_fmt_ratio():
    assert fmt_ratio(4.53, 1) == "4,5"
    assert fmt_ratio(4.55, 1) == "4,6"
    assert fmt_ratio(12.4) == "12"
    assert fmt_ratio(3.25, 1, suffix="élèves par terminal") == f"3,3{NBSP}élèves par terminal"


def test_fmt_value_never_reads_0_or_100_percent_for_a_share_that_is_not():
    assert fmt_value(99.6, "%") == f"99,6{NBSP}%"
    assert fmt_value(99.96, "%") == f"100,0{NBSP}%"   # one decimal is the most it adds
    assert fmt_value(0.4, "%") == f"0,4{NBSP}%"
    assert fmt_value(0.43, "%") == f"0,4{NBSP}%"
    assert fmt_value(100.0, "%") == f"100{NBSP}%" and fmt_value(0.0, "%") == f"0{NBSP}%"
    assert fmt_value(99.4, "%") == f"99{NBSP}%" and fmt_value(0.6, "%") == f"1{NBSP}%"
    assert fmt_value(99.6, "%", 0) == f"100{NBSP}%"     # an explicit precision wins
    assert fmt_value(12.0, "%", reason="nc") == "n.c."  # a non-ok statut masks a stray value


def test_fmt_value_dispatches_on_unit():
    assert fmt_value(97.6, "%") == f"98{NBSP}%"
    assert fmt_value(97.64, "%", 1) == f"97,6{NBSP}%"
    assert fmt_value(4.56, "ratio") == "4,6"
    assert fmt_value(63059, "count") == f"63{NNBSP}059"
    assert fmt_value(63059.4, "nombre") == f"63{NNBSP}059"
    assert fmt_value(float("nan"), "%", reason="nc") == "n.c."
    assert fmt_value(float("nan"), "%", reason="secret") == "s."
    assert fmt_value(12, "%", reason="secret") == "s."  # secrecy wins over a stray value
    assert fmt_value(12, "%", reason="ok") == f"12{NBSP}%"
    with pytest.raises(ValueError):
        fmt_value(1, "km")


def test_fmt_change():
    assert fmt_change(3) == f"+3{NBSP}points"
    assert fmt_change(-2) == f"{MINUS}2{NBSP}points"
    assert fmt_change(-2.5) == f"{MINUS}3{NBSP}points"
    assert fmt_change(0) == "stable"
    assert fmt_change(0.4) == "stable"
    assert fmt_change(-0.4) == "stable"
    assert fmt_change(0.5) == f"+1{NBSP}point"  # singular below 2 in French
    assert fmt_change(1.5, "%", 1) == f"+1,5{NBSP}point"
    assert fmt_change(12.34, "%", 1) == f"+12,3{NBSP}points"
    assert fmt_change(1234, "count") == f"+1{NNBSP}234"
    assert fmt_change(-0.5, "ratio", 1) == f"{MINUS}0,5"


def test_plural():
    assert plural(0, "établissement", "établissements") == f"0{NBSP}établissement"
    assert plural(1, "établissement", "établissements") == f"1{NBSP}établissement"
    assert plural(2, "établissement", "établissements") == f"2{NBSP}établissements"
    assert plural(63059, "établissement", "établissements") == f"63{NNBSP}059{NBSP}établissements"
    assert plural(1.5, "élève", "élèves") == f"1,5{NBSP}élève"
    assert plural(3, "école", "écoles", with_number=False) == "écoles"


def test_missing_marks_for_every_statut():
    assert fmt_value(12, "%", reason="absent") == "n.d."
    assert fmt_value(float("nan"), "%", reason="vide") == "\u2013"
    assert fmt_value(12, "%", reason="ok") == f"12{NBSP}%"
    assert fmt_value(float("nan"), "%", reason="ok") == "n.c."     # ok without a value: nothing to show
    assert fmt_value(12, "%", reason="n'importe quoi") == "n.c."    # never a value by mistake
    assert fmt_value(0.0, "%", reason="hors_questionnaire") == "n.d."


def test_dates_in_french():
    from analysis.core.formatting import fmt_date

    assert fmt_date("2022-12-14") == f"14{UNIT_SEP}décembre 2022"
    assert fmt_date("2026-11-29T20:41:26+00:00") == f"29{UNIT_SEP}novembre 2026"
    assert fmt_date("2018-09-01") == f"1er{UNIT_SEP}septembre 2018"
