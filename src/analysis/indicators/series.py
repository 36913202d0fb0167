"""An indicator over every millésime in the data folder, with its breaks in comparability.

A break sits between two consecutive millésimes when the question changed in between: the
catalogue's ``comparable_since`` (e.g. the ENT question, "disponible" in 2018, "utilisé" from
2019) is later than the earlier millésime and no later than the later one. The value of each
millésime is still given; only the change across a break is not meaningful.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.statuts import SECRET_THRESHOLD, Statut
from analysis.indicators.catalogue import catalogue

COLUMNS = ["territoire", "indicateur", "type", "annee", "valeur", "statut", "taux_nc", "unite", "rupture"]


def is_break(indicator: str, before: int, after: int) -> bool:
    """True when the change of ``indicator`` from millésime ``before`` to ``after`` is not comparable."""
    since = catalogue()[indicator].comparable_since
    return since is not None and before < since <= after


def series(tables: dict[int, pd.DataFrame], territory_id: str, specs) -> pd.DataFrame:
    """Values of ``specs`` ((indicator, type) pairs) for one territory in every millésime of
    ``tables`` (millésime -> indicator table, as :func:`analysis.indicators.load` returns);
    ``rupture`` is True on a millésime whose change from the previous one is not comparable."""
    years = sorted(tables)
    records = []
    for indicator, type_ in specs:
        for n, year in enumerate(years):
            table = tables[year]
            row = table[(table["territoire"] == territory_id) & (table["indicateur"] == indicator)
                        & (table["type"] == type_)]
            found = row.iloc[0] if len(row) else None
            records.append({
                "territoire": territory_id, "indicateur": indicator, "type": type_, "annee": year,
                "valeur": found["valeur"] if found is not None else float("nan"),
                "statut": found["statut"] if found is not None else Statut.ABSENT.value,
                "taux_nc": found["taux_nc"] if found is not None else float("nan"),
                "unite": found["unite"] if found is not None else catalogue()[indicator].unit,
                "rupture": bool(n and is_break(indicator, years[n - 1], year)),
            })
    return pd.DataFrame(records, columns=COLUMNS)


def load_series(store, territory_id: str, specs, *, threshold: int = SECRET_THRESHOLD) -> pd.DataFrame:
    """:func:`series` over every millésime with data in ``store``."""
    from analysis.harmonise.millesimes import available_years
    from analysis.indicators.results import load

    return series({year: load(store, year, threshold=threshold) for year in available_years(store)},
                  territory_id, specs)
