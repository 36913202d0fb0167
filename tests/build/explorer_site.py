"""A millésime folder for the explorer's tests (no kernel): fake editions with manifests, fake
fiches made where :mod:`analysis.fiches.listing` says fiches live, and the index with its
explorer, from the small dataset (``small_store``)."""

from __future__ import annotations

from pathlib import Path

from analysis.build import manifest
from analysis.fiches import listing
from analysis.report.map_geometry import DROM_CODES, tilegrid

EDITIONS = {
    "france": "France",
    "academie:montpellier": "Académie de Montpellier",
    "departement:31": "Haute-Garonne (31)",
    "departement:34": "Hérault (34)",
}


def fake_edition(year_dir: Path, ident: str, label: str) -> Path:
    """An edition folder as the batch leaves it: its HTML and its manifest."""
    folder = Path(year_dir) / ident.replace(":", "-")
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"etat-des-lieux-2018-{folder.name}.html"
    page.write_text(f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{label}</title></head>"
                    f"<body><main><h1>{label}</h1></main></body></html>", encoding="utf-8")
    manifest.write_manifest(folder, {"territoire": ident, "libelle": label, "slug": folder.name,
                                     "outputs": manifest.outputs_record(folder, {"html": page})})
    return page


def fake_fiche(year_dir: Path, uai: str) -> Path:
    """A built fiche, where the fiches stage writes it."""
    path = listing.fiche_path(year_dir, uai)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Fiche {uai}</title></head>"
                    f"<body><main><h1>Fiche {uai}</h1></main></body></html>", encoding="utf-8")
    return path


def make_site(year_dir: Path, store, results, *, editions=EDITIONS, fiches=()) -> Path:
    """The editions and fiches, then the index (``site_index.write_all``): returns the index."""
    from analysis.build import site_index

    for ident, label in editions.items():
        fake_edition(year_dir, ident, label)
    for uai in fiches:
        fake_fiche(year_dir, uai)
    return site_index.write_all(year_dir, results, 2018, xlsx=False, store=store)["index"]


#: Where each DROM is (lon, lat): its fake boundary is a small square there.
DROM_AT = {"971": (-61.5, 16.2), "972": (-61.0, 14.6), "973": (-53.0, 4.0), "974": (55.5, -21.1),
           "976": (45.1, -12.8)}
#: The Hérault's box (lon, lat), where the small dataset's établissements are.
HERAULT = (2.9, 43.2, 4.2, 44.0)


def fake_boundaries():
    """A rectangle per département of the tile grid (WGS84): mainland ones side by side over
    France, the Hérault where it lies, the DROM where they are."""
    import geopandas as gpd
    import shapely

    grid = tilegrid()
    geoms = []
    for code, col, row in zip(grid["code"], grid["col"], grid["row"], strict=True):
        if code in DROM_CODES:
            lon, lat = DROM_AT[code]
            geoms.append(shapely.box(lon, lat, lon + 0.3, lat + 0.3))
        elif code == "34":
            geoms.append(shapely.box(*HERAULT))
        else:
            lon, lat = -4.5 + col * 0.9, 50.8 - row * 0.6
            geoms.append(shapely.box(lon, lat, lon + 0.9, lat + 0.6))
    return gpd.GeoDataFrame({"code": grid["code"], "nom": grid["label"]}, geometry=geoms, crs=4326)
