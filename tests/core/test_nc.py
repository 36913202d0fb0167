"""The n.c. rate in every form, and the source line: one printer for every output."""

from __future__ import annotations

import pandas as pd

from analysis.core import nc

NBSP = "\u00a0"


def rate(value):
    return f"{value}{NBSP}%{NBSP}n.c."


def test_one_rate_and_after_a_value():
    assert nc.rate(27) == rate(27) and nc.rate(26.5) == rate(27) and nc.rate(0) == rate(0)
    assert nc.rate(float("nan")) == "" and nc.rate(None) == ""
    row = {"taux_nc": 12.4, "unite": "%", "indicateur": "services.ent", "theme": "services"}
    assert nc.of_row(row) == rate(12) and nc.paren(row) == f"({rate(12)})"


def test_rows_that_state_no_rate():
    assert nc.stated_rate({"taux_nc": 3.0, "unite": "count"}) is None                  # a count
    assert nc.stated_rate({"taux_nc": float("nan"), "unite": "%"}) is None             # undefined (absent)
    annuaire = {"taux_nc": 0.0, "unite": "%", "indicateur": "perimetre.part_public", "theme": "perimetre"}
    assert nc.stated_rate(annuaire) is None and nc.paren(annuaire) == ""               # exhaustive
    assert nc.stated_rate({**annuaire, "taux_nc": 12.0}) == 12.0                       # a rate of the survey


def test_one_form_of_the_range():
    assert nc.spread([3.2, 41]) == f"de 3 à 41{NBSP}%{NBSP}n.c."
    assert nc.spread([12.2, 11.9]) == rate(12)                  # they print alike: one rate
    assert nc.percent_range([3.2, 41]) == f"3 à 41{NBSP}%" and nc.percent_range([5, 5.1]) == f"5{NBSP}%"
    assert nc.spread([]) == "" and nc.percent_range([float("nan")]) == ""


def test_several_rows_by_type_aggregate_or_range():
    frame = pd.DataFrame({"type": ["college", "ecole", "ensemble"], "taux_nc": [20.0, 13.0, 15.0],
                          "non_communique": [20, 13, 33], "univers": [100, 100, 200]})
    assert nc.of_rows(frame, by="type") == (f"{rate(13)} pour les écoles, {rate(20)} pour les collèges, "
                                            f"{rate(15)} pour l'ensemble")
    assert nc.of_rows(frame) == f"de 13 à 20{NBSP}%{NBSP}n.c."
    assert nc.of_rows(frame.iloc[:2], aggregate=True) == rate(17)
    assert nc.of_rows(frame.assign(taux_nc=20.2)) == rate(20)
    assert nc.of_rows(frame.drop(columns="taux_nc")) is None


def test_compared_territories_and_table_cells():
    assert nc.compared([("Haute-Garonne", 12), ("académie de Toulouse", 20)]) == \
        f"n.c.{NBSP}: Haute-Garonne 12{NBSP}%, académie de Toulouse 20{NBSP}%"
    assert nc.compared([("Lot", 12)]) == rate(12) and nc.compared([]) is None
    rows = [{"taux_nc": 12, "unite": "%"}, {"taux_nc": None, "unite": "%"}, {"taux_nc": 25, "unite": "%"}]
    assert nc.cell(rows) == f"12{NBSP}% / \u2013 / 25{NBSP}%"
    assert nc.cell(rows[:1] + [{"taux_nc": None}]) == f"12{NBSP}%"


def test_the_source_line():
    assert nc.source_line("ETIC 2018", rate(27)) == f"Source{NBSP}: ETIC 2018 ({rate(27)})"
    assert nc.source_line("ETIC 2018") == f"Source{NBSP}: ETIC 2018"
    assert nc.source_line(["ETIC 2018", "Arcep 2018", "ETIC 2018"]) == \
        f"Sources{NBSP}: ETIC 2018{NBSP}; Arcep 2018"
    done = f"Source{NBSP}: ETIC 2018 ({rate(27)})"
    assert nc.source_line(done) == done                          # a finished line is kept as it is
