"""The parts of every chart: statuts (never a missing value drawn as zero), the n.c. rate of the
source line, French ticks, the table behind stacked bars, the note on the marks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.formatting import UNIT_SEP
from analysis.report import chart_parts as parts

NB = UNIT_SEP


def test_a_missing_value_is_never_ok_and_secrecy_wins():
    df = pd.DataFrame({"valeur": [12.0, np.nan, 40.0, 3.0], "statut": ["ok", "ok", "secret", "bogus"]})
    prepared = parts.prepare(df)
    assert list(prepared["statut"]) == ["ok", "nc", "secret", "ok"]
    assert np.isnan(prepared.loc[2, "valeur"])  # a secret value is never drawn


def test_a_statut_is_read_as_written_and_a_row_without_one_is_ok_when_it_has_a_value():
    df = pd.DataFrame({"valeur": [1.0, np.nan, "12", "x", None, 5.0, 6.0],
                       "statut": [" NC ", None, "", "ok", "OK", "hors_questionnaire", np.nan]},
                      index=[7, 3, 5, 1, 0, 2, 4])
    found = parts.statut_of(df)
    assert list(found) == ["nc", "nc", "ok", "nc", "nc", "hors_questionnaire", "ok"]
    assert list(found.index) == [7, 3, 5, 1, 0, 2, 4] and found.dtype == pd.Series(["ok"], dtype=str).dtype
    assert list(parts.statut_of(df[["valeur"]])) == ["ok", "nc", "ok", "nc", "nc", "ok", "ok"]


def test_nc_rate_of_the_source_line():
    df = pd.DataFrame({"type": ["college", "ecole"], "taux_nc": [20.0, 13.0],
                       "non_communique": [20, 13], "univers": [100, 100]})
    assert parts.nc_text(df, by="type") == f"13{NB}%{NB}n.c. pour les écoles, 20{NB}%{NB}n.c. pour les collèges"
    assert parts.nc_text(df, aggregate=True) == f"17{NB}%{NB}n.c."  # 33 of 200
    assert parts.nc_text(df.assign(taux_nc=[20.2, 19.8])) == f"20{NB}%{NB}n.c."  # one rate once rounded
    assert parts.nc_text(df) == f"de 13 à 20{NB}%{NB}n.c."           # one form of the range (core.nc)
    assert parts.nc_text(df.drop(columns="taux_nc")) is None


def test_french_ticks_and_marks_note():
    assert parts.french_tick_formatter("%")(40.0) == f"40{NB}%"
    assert parts.french_tick_formatter("ratio")(2.5) == "2,5"
    assert parts.french_tick_formatter("count")(1000.0) == "1\u202f000"
    # every tick of an axis with the same decimals, the fewest that print each one exactly
    assert parts.FrenchTicks("%").format_ticks([99.6, 99.8, 100.0]) == [f"99,6{NB}%", f"99,8{NB}%", f"100,0{NB}%"]
    assert parts.FrenchTicks("ratio").format_ticks([0.0, 0.25, 0.5]) == ["0,00", "0,25", "0,50"]
    assert parts.FrenchTicks("%").format_ticks([0.0, 50.0, 100.0]) == [f"0{NB}%", f"50{NB}%", f"100{NB}%"]
    assert parts.marks_note(["ok"]) is None
    assert parts.marks_note(["ok", "secret", "vide"]) == f"{parts.NC_NOTE}{NB}; –{NB}: sans objet"


def test_shares_table_of_stacked_bars():
    tidy = pd.DataFrame({"type": ["lycee", "lycee", "ecole", "ecole"], "indicateur": ["oui", "non"] * 2,
                         "valeur": [70.0, 30.0, np.nan, np.nan], "statut": ["ok", "ok", "secret", "secret"]})
    table, statut = parts.shares_table(tidy, ["oui", "non"], "type", None)
    assert list(table.index) == ["ecole", "lycee"]  # the type order
    assert list(table.loc["lycee"]) == [70.0, 30.0] and list(statut) == ["secret", "ok"]
    wide = pd.DataFrame({"territoire": ["a", "b"], "oui": [60.0, 55.0], "non": [40.0, 45.0]})
    table, statut = parts.shares_table(wide, ["oui", "non"], "territoire", ["b", "a"])
    assert list(table.index) == ["b", "a"] and list(statut) == ["ok", "ok"]
