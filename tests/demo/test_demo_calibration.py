"""The demo dataset, through the real import + indicator code, lands near the 2018 published figures."""

from __future__ import annotations

import csv

import pytest

from analysis import indicators
from tests.conftest import SHARED_RAW

REFERENCE = SHARED_RAW.parent.parent / "reference" / "figures-2018-national.csv"
TOLERANCE = {"%": 3.0, "ratio": 1.5}


def _published():
    if not REFERENCE.exists():
        pytest.skip(f"published figures not found at {REFERENCE}")
    return list(csv.DictReader(REFERENCE.open(encoding="utf-8")))


@pytest.fixture(scope="module")
def national(demo_store):
    results = indicators.load(demo_store, 2018)
    return results[results["territoire"] == "france"].set_index(["indicateur", "type"])


def _pairs():
    by_figure = {}
    for ind in indicators.catalogue().values():
        if ind.report_2018 and ind.kind in ("share", "ratio"):
            by_figure[ind.report_2018] = ind.id
    return by_figure


def test_demo_is_marked(national, demo_store):
    assert demo_store.is_demo()
    assert national["demo"].all()
    assert all(r.demo and r.method == "demo" for r in demo_store.records())


def test_calibrated_indicators_near_published_values(national):
    pairs = _pairs()
    checked, misses = 0, []
    for row in _published():
        ident = pairs.get(row["figure"])
        if not ident or row["unit"] not in TOLERANCE:
            continue
        value = national.loc[(ident, row["type"]), "valeur"]
        target = float(row["value"])
        checked += 1
        if not abs(value - target) <= TOLERANCE[row["unit"]]:
            misses.append(f"{ident} {row['type']}: {value:.1f} vs {target}")
    assert checked >= 40, checked
    assert not misses, misses


def test_nc_rates_of_the_same_order(national):
    """The report gives one n.c. rate per figure (repeated on each type row) or, for ENT, one per type."""
    pairs = _pairs()
    by_figure: dict[str, list[dict]] = {}
    for row in _published():
        coverage = row["source_in_report"].startswith(("Arcep", "Observatoire"))
        if pairs.get(row["figure"]) and row["taux_nc"] and not coverage:
            by_figure.setdefault(row["figure"], []).append(row)
    checked = 0
    for figure, rows in by_figure.items():
        ident = pairs[figure]
        per_type = len({r["taux_nc"] for r in rows}) > 1
        for row in rows if per_type else rows[:1]:
            kind = row["type"] if per_type else "ensemble"
            if (ident, kind) not in national.index:
                kind = row["type"]
            rate = national.loc[(ident, kind), "taux_nc"]
            checked += 1
            assert abs(rate - float(row["taux_nc"])) <= 6, (ident, kind, rate, row["taux_nc"])
    assert checked >= 15, checked


def test_perimeter_counts(national):
    key = ("perimetre.etablissements", "tous")
    total = national.loc[key, "valeur"] if key in national.index \
        else national.loc[("perimetre.etablissements", "ensemble"), "valeur"]
    assert 60_000 <= total <= 66_000
    assert national.loc[("perimetre.part_type.ecole", "tous"), "valeur"] == pytest.approx(81, abs=1)
    assert national.loc[("perimetre.part_public", "ensemble"), "valeur"] == pytest.approx(86, abs=1.5)
