"""Indicators: declared in ``resources/indicators.yml``, computed for every territory in one pass, cached.

For researchers: ``from analysis import indicators; indicators.load(year=2018)`` returns every
indicator for every territory of a millésime (tidy table, one row per territory x type x
indicator, with its n.c. rate and status).
"""

from analysis.indicators.catalogue import (
                                           DEFAULT_TYPES,
                                           SECRET_THRESHOLD,
                                           THEMES,
                                           Indicator,
                                           catalogue,
                                           source_labels,
                                           unavailable,
)
from analysis.indicators.compute import compute, contributions, for_territory, with_evolution
from analysis.indicators.results import load

__all__ = ["DEFAULT_TYPES", "SECRET_THRESHOLD", "THEMES", "Indicator", "catalogue", "compute",
           "contributions", "for_territory", "load", "source_labels", "unavailable", "with_evolution"]
