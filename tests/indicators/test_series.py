"""Series over millésimes: one value per millésime, breaks where the question changed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.indicators.series import is_break, load_series, series


def frame(year: int, value: float, statut: str = "ok") -> pd.DataFrame:
    return pd.DataFrame([{"territoire": "region:76", "indicateur": ind, "type": "college", "annee": year,
                          "valeur": value if statut == "ok" else np.nan, "statut": statut, "taux_nc": 10.0,
                          "unite": "%"} for ind in ("services.ent", "connectivite.acces_internet")])


def test_breaks_follow_comparable_since():
    assert is_break("services.ent", 2018, 2019)                  # SiEntDisponible -> SiEntUtilise
    assert not is_break("services.ent", 2019, 2020)
    assert not is_break("connectivite.acces_internet", 2018, 2019)


def test_series_marks_the_break_and_keeps_every_millesime():
    tables = {2019: frame(2019, 91.0), 2018: frame(2018, 80.0), 2020: frame(2020, 0, "secret")}
    out = series(tables, "region:76", [("services.ent", "college"), ("connectivite.acces_internet", "college")])
    ent = out[out["indicateur"] == "services.ent"]
    assert list(ent["annee"]) == [2018, 2019, 2020]
    assert list(ent["rupture"]) == [False, True, False]
    assert list(ent["statut"]) == ["ok", "ok", "secret"] and np.isnan(ent["valeur"].iloc[2])
    assert not out[out["indicateur"] == "connectivite.acces_internet"]["rupture"].any()
    missing = series(tables, "departement:31", [("services.ent", "college")])
    assert set(missing["statut"]) == {"absent"}               # no row: said absent, never 0


def test_load_series_on_the_demo_data(small_store):
    out = load_series(small_store, "france", [("services.ent", "college")])
    assert list(out["annee"]) == [2018, 2019] and list(out["rupture"]) == [False, True]
    assert (out["statut"] == "ok").all()
