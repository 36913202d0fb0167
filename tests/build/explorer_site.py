"""A millésime folder for the explorer's tests (no kernel): fake editions with manifests, fake
fiches made where :mod:`analysis.fiches.listing` says fiches live, and the index with its
explorer, from the small dataset (``small_store``)."""

from __future__ import annotations

from pathlib import Path

from analysis.build import manifest
from analysis.fiches import listing

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
