"""Boundary files (GeoJSON, WGS84) from the store, keyed by territory code.

Départements come from the `departements_geo` source (its declared file, with DROM:
:func:`analysis.sources.used_files.used_files`); académies
and régions are built by dissolving départements with the territories reference of the vintage,
which works for both académie maps (2016 and 2020) without another file.
"""

from __future__ import annotations

import geopandas as gpd

from analysis.core import territories
from analysis.core.errors import InputError
from analysis.sources.store import Store
from analysis.sources.used_files import used_files


def departements(store: Store) -> gpd.GeoDataFrame | None:
    """Département polygons with a `code` column (COG code), or None when no file is available."""
    files = used_files(store, "departements_geo").used
    if not files:
        return None
    frame = gpd.read_file(files[0])
    if "code" not in frame.columns:
        raise InputError(files[0], "les objets du fichier n'ont pas de propriété « code »",
                         hint="Importez le fichier de contours que déclare params/sources.yml "
                              "(departements-avec-outre-mer.geojson).")
    frame["code"] = frame["code"].astype(str).map(territories.normalise_departement_code)
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame[["code", "geometry"]]


def for_level(store: Store, level: str, vintage: str) -> gpd.GeoDataFrame | None:
    """Polygons of every territory of a level ("departement", "academie", "region")."""
    base = departements(store)
    if base is None or level == "departement":
        return base
    mapping = territories.hierarchy(vintage).set_index("departement")[level]
    base = base.assign(code=base["code"].map(mapping))
    base = base[base["code"].fillna("") != ""]
    return base.dissolve(by="code", as_index=False)[["code", "geometry"]]
