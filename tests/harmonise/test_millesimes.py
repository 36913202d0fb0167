"""The millésimes of the data folder."""

from __future__ import annotations

from analysis.harmonise.millesimes import available_years


def test_years_available(occitanie_store):
    assert available_years(occitanie_store) == [2018, 2019]
