"""The fiches of a territory: their établissements, their HTML pages, their PDF in one file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core import perimeters, territories
from analysis.fiches import listing, pdf
from analysis.fiches.fiche import Millesime, fiche


def members(table: pd.DataFrame, territory: territories.Territory) -> list[str]:
    """The UAIs of the établissements of ``territory`` in the harmonised ``table``, in UAI order."""
    if territory.level == "france":
        mask = pd.Series(True, index=table.index)
    elif territory.level == territories.PERIMETRE:
        mask = perimeters.get(territory.code).mask(table)
    else:
        mask = table[territory.level].eq(territory.code)
    return sorted(table.loc[mask, "uai"])


def write_bundle(m: Millesime, territory: territories.Territory, year_dir: Path,
                 uais: list[str] | None = None) -> Path:
    """One PDF of every fiche of ``territory``: ``etablissements/fiches-<slug>.pdf``."""
    chosen = members(m.table, territory) if uais is None else uais
    title = f"Fiches établissement {m.year} — {territory.label}"
    return pdf.write_pdf([fiche(m, u) for u in chosen], listing.bundle_path(year_dir, territory.slug), title)
