"""Indicators: declared in ``resources/indicators.yml``, computed for every territory in one pass, cached.

For researchers: ``from analysis import indicators; indicators.load(year=2018)`` returns every
indicator for every territory of a millésime (tidy table, one row per territory x type x
indicator, with its n.c. rate and status).
"""

from analysis.core.statuts import SECRET_THRESHOLD
from analysis.core.vocabulary import DEFAULT_TYPES
from analysis.indicators.catalogue import (
    THEMES,
    Indicator,
    catalogue,
    completeness_columns,
    index_figures,
    key_figures,
    members,
    source_labels,
    unavailable,
)
from analysis.indicators.collectivites import named
from analysis.indicators.compute import (
    compute,
    contributions,
    for_territory,
    with_evolution,
)
from analysis.indicators.results import load

__all__ = ["DEFAULT_TYPES", "SECRET_THRESHOLD", "THEMES", "Indicator", "catalogue",
           "completeness_columns", "compute", "contributions", "for_territory", "index_figures", "key_figures",
           "load", "members", "named", "source_labels", "unavailable", "with_evolution"]
