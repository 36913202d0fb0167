"""The data extent: which départements of a territory have data, per source family, for a
millésime: how much of a territory a figure really covers.

"Extent" here, never "coverage": the ``couverture`` source family is the THD/3G/4G *network*
coverage (Arcep, France THD). The columns written for the reader keep their French names
(``couverture_donnees``: complète, partielle, aucune).

A data folder may hold part of France only (the Occitanie files, an académie's portal): the
"France" of such a folder is Occitanie, and a comparison "contre 97 % en France" would be false.
:func:`extent_table` says, for every edition territory (France, régions académiques,
académies, départements) and every source family of the indicator catalogue, how many of its
départements have at least one row of that source:

========  ==========================================================================
family    a département is covered when it has
========  ==========================================================================
annuaire  an establishment of the annuaire (in the perimeter)
etic      a respondent of ETIC (1d or 2d) for the millésime
couverture  a network-coverage row (débit or operators known) for the millésime
experimentations  the file has rows for the millésime (it lists engaged establishments only:
          a département without one is not missing data)
<group>   an establishment a local source group covers for the millésime (``couvert_<group>``)
========  ==========================================================================

``couverture_donnees`` is :data:`COMPLETE` (every département), :data:`PARTIAL` or :data:`NONE`. A custom perimeter
(``perimetre:<name>``) is covered through its départements (those of its établissements).

:func:`indicators.load <analysis.indicators.results.load>` copies these columns onto every
indicator row (``couverture_donnees``, ``departements_avec_donnees``, ``departements_total``),
then reads a row of a territory the data do not cover at all as « n.d. »
(:func:`analysis.indicators.results.mark_uncovered`); a comparison territory whose extent is
not ``complète`` for the figure's source is partial (``‡``).
"""

from __future__ import annotations

import pandas as pd

from analysis.core import territories
from analysis.core.statuts import Extent

FAMILIES = ("annuaire", "etic", "couverture", "experimentations")
COMPLETE, PARTIAL, NONE = Extent.COMPLETE, Extent.PARTIAL, Extent.NONE
LEVELS = ("france", "region", "academie", "departement")
_NETWORK_COLUMNS = ("debit_max_potentiel", "nb_operateurs_3g", "nb_operateurs_4g")
#: The harmonised table's column of the establishments a local source group covers
#: (:mod:`analysis.harmonise.local_sources`): the group is a family of its own.
LOCAL_PREFIX = "couvert_"


def departements_with_data(table: pd.DataFrame) -> dict[str, set[str]]:
    """Per source family, the départements of the harmonised table that have data."""
    placed = table[table["departement"].notna()]
    codes = placed["departement"].astype(str)
    out = {
        "annuaire": set(codes[placed["dans_annuaire"].astype(bool)]),
        "etic": set(codes[placed["repondant_etic"].astype(bool)]),
    }
    known = [c for c in _NETWORK_COLUMNS if c in placed]
    out["couverture"] = set(codes[placed[known].notna().any(axis=1)]) if known else set()
    engaged = "colleges_lab" in placed and not placed["colleges_lab"].isna().all()
    out["experimentations"] = set(codes) if engaged else set()
    for column in [c for c in placed.columns if c.startswith(LOCAL_PREFIX)]:     # local sources
        out[column[len(LOCAL_PREFIX):]] = set(codes[placed[column].fillna(False).astype(bool)])
    return out


def extent_table(table: pd.DataFrame, year: int, perimeters=(), others=()) -> pd.DataFrame:
    """One row per edition territory (and custom perimeter, :class:`analysis.core.perimeters.Perimeter`,
    and each of ``others``, territories such as collectivités and restricted parents) and source
    family: its départements, how many have data, which do not (codes, comma-separated), and
    ``couverture_donnees``."""
    vintage = territories.vintage_for_year(year)
    editions = {d.code for d in territories.list_territories("departement", vintage)}
    have = departements_with_data(table)
    every = [t for level in LEVELS for t in territories.list_territories(level, vintage)]
    every += [territories.Territory(territories.PERIMETRE, p.code, p.nom, vintage) for p in perimeters]
    every += list(others)
    rows = []
    for t in every:
        inside = sorted(set(territories.departement_codes(t)) & editions)
        for family in have:
            covered = [d for d in inside if d in have[family]]
            missing = [d for d in inside if d not in have[family]]
            rows.append({"territoire": t.id, "niveau": t.level, "code": t.code, "famille": family,
                         "departements_total": len(inside), "departements_avec_donnees": len(covered),
                         "departements_sans_donnees": ", ".join(missing),
                         "couverture_donnees": _status(len(covered), len(inside))})
    return pd.DataFrame(rows)


def _status(covered: int, total: int) -> str:
    if total and covered == total:
        return COMPLETE
    return PARTIAL if covered else NONE


def of_territory(extent: pd.DataFrame, territory: territories.Territory | str, family: str = "etic") -> dict:
    """The extent row of one territory and family as a dict (see :func:`extent_table`)."""
    tid = territory.id if isinstance(territory, territories.Territory) else str(territory)
    rows = extent[(extent["territoire"] == tid) & (extent["famille"] == family)]
    if rows.empty:
        raise KeyError(f"no extent row for {tid} / {family}")
    return rows.iloc[0].to_dict()
