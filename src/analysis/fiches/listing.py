"""Where the fiches of a millésime live, declared once for the fiches, the index and the explorer."""

from __future__ import annotations

from pathlib import Path

# reports/<year>/etablissements/<UAI>.html (and <UAI>.pdf when asked for)
FOLDER = "etablissements"


def fiche_path(year_dir: Path, uai: str, suffix: str = ".html") -> Path:
    """The fiche of ``uai`` in the millésime folder ``year_dir``."""
    return Path(year_dir) / FOLDER / f"{uai}{suffix}"


def present(year_dir: Path) -> set[str]:
    """The UAIs whose HTML fiche exists in ``year_dir`` (an empty set when none was built)."""
    folder = Path(year_dir) / FOLDER
    if not folder.is_dir():
        return set()
    return {path.stem for path in folder.glob("*.html")}


def bundle_path(year_dir: Path, slug: str) -> Path:
    """The PDF of the fiches of a territory (``departement-31``) in ``year_dir``."""
    return Path(year_dir) / FOLDER / f"fiches-{slug}.pdf"


def export_path(year_dir: Path, year: int, suffix: str = ".csv") -> Path:
    """The export « par établissement » of a millésime (``.csv`` or ``.xlsx``)."""
    return Path(year_dir) / f"etablissements-{year}{suffix}"
