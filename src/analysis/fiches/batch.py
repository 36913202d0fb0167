"""Write the fiches of a millésime: all of them, those of a territory, or one.

Everything the fiches read is computed once (:func:`analysis.fiches.fiche.prepare`); each page
is then a few string joins. A page is written to ``.<UAI>.html.tmp`` beside its place, then
renamed (a reader never sees half a page), and only when its content changed. The key of what
the fiches of a millésime were built from — the cache keys of the data (every millésime's
harmonised table reads the same files), the code up to the indicators and of the fiches, the
perimeters, the secret threshold — is kept in :data:`KEY_FILE`: when it is unchanged and every
fiche is there, ``build --all --fiches`` has nothing to do.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis.core import digests, perimeters
from analysis.core.statuts import SECRET_THRESHOLD
from analysis.fiches import html, listing
from analysis.fiches.fiche import Millesime, fiche, prepare

KEY_FILE = ".fiches.json"


@dataclass
class Written:
    """What a run of the fiches did: where, how many written, unchanged, and whether skipped."""

    folder: Path
    total: int = 0
    written: int = 0
    unchanged: int = 0
    skipped: bool = False
    paths: tuple[Path, ...] = ()
    millesime: Millesime | None = None          # what the fiches read, when computed by the run


def key(store, year: int, threshold: int) -> str:
    """What the fiches of ``year`` are built from (see the module docstring)."""
    from analysis.harmonise.table import etablissements_key

    return digests.sha(etablissements_key(store), digests.stage_digest("indicators"),
                       digests.folder_digest("fiches"), perimeters.digest(), f"{year}:{threshold}")


def write_page(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through ``.<name>.tmp`` and a rename, unless it is already there.
    True when written."""
    data = text.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return True


def _read_key(folder: Path) -> dict:
    try:
        return json.loads((folder / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


#: From this many fiches on, they are written by :data:`PROCESSES` forked processes (each its share).
PARALLEL_FROM = 5000
PROCESSES = 2
# The millésime the forked processes read (inherited, never pickled): set just before the fork.
_SHARED: dict[str, object] = {}


def _write_share(share: tuple[str, list[str]]) -> tuple[int, int]:
    """In a forked process: write the fiches of ``share`` (year folder, UAIs); (written, unchanged)."""
    year_dir, uais = share
    m = _SHARED["millesime"]
    written = sum(write_page(listing.fiche_path(Path(year_dir), u), html.page(fiche(m, u))) for u in uais)
    return written, len(uais) - written


def write_fiches(m: Millesime, year_dir: Path, uais: Iterable[str] | None = None, *,
                 progress: Callable[[int], None] | None = None, processes: int | None = None) -> Written:
    """The HTML fiches of ``uais`` (default: every établissement of the millésime). Many fiches
    are shared out among forked processes (where the system forks), each writing its part."""
    folder = Path(year_dir) / listing.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    html.write_css(folder)
    chosen = m.uais if uais is None else list(uais)
    done = Written(folder, total=len(chosen))
    done.paths = tuple(listing.fiche_path(year_dir, uai) for uai in chosen)
    workers = processes or min(PROCESSES, os.cpu_count() or 1)
    if workers > 1 and len(chosen) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        size = -(-len(chosen) // (workers * 8))             # small shares: progress, and an even load
        shares = [(str(year_dir), chosen[n:n + size]) for n in range(0, len(chosen), size)]
        _SHARED["millesime"] = m
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for written, unchanged in pool.imap_unordered(_write_share, shares):
                    done.written += written
                    done.unchanged += unchanged
                    if progress:
                        progress(done.written + done.unchanged)
        finally:
            _SHARED.clear()
        return done
    for n, uai in enumerate(chosen, 1):
        if write_page(done.paths[n - 1], html.page(fiche(m, uai))):
            done.written += 1
        else:
            done.unchanged += 1
        if progress and n % 1000 == 0:
            progress(n)
    return done


def up_to_date(store, year: int, year_dir: Path, threshold: int = SECRET_THRESHOLD, wanted: str | None = None) -> bool:
    """The fiches of ``year_dir`` were built from the same inputs and are all there."""
    folder = Path(year_dir) / listing.FOLDER
    kept = _read_key(folder)
    if kept.get("key") != (wanted or key(store, year, threshold)):
        return False
    expected = set(kept.get("uais", []))
    return bool(expected) and expected <= listing.present(year_dir) and (folder / html.CSS_NAME).exists()


def build_all(store, year: int, year_dir: Path, *, threshold: int = SECRET_THRESHOLD, force: bool = False,
              results=None, say: Callable[[str], None] | None = None) -> Written:
    """Every HTML fiche of ``year`` in ``year_dir/etablissements/``; nothing to do when the key of
    the last run is the same and every fiche is there (``force``: write them all again)."""
    folder = Path(year_dir) / listing.FOLDER
    wanted = key(store, year, threshold)
    if not force and up_to_date(store, year, year_dir, threshold, wanted):
        count = len(_read_key(folder).get("uais", []))
        return Written(folder, total=count, unchanged=count, skipped=True)
    if say:
        say(f"fiches {year} : calcul des réponses et des valeurs des territoires…")
    m = prepare(store, year, threshold, results)
    done = write_fiches(m, year_dir, progress=(lambda n: say(f"fiches {year} : {n} / {len(m.uais)}")) if say else None)
    from analysis.core.atomic import write_text

    write_text(folder / KEY_FILE, json.dumps({"key": wanted, "uais": m.uais}))
    done.millesime = m
    return done


def build_some(store, year: int, year_dir: Path, uais: Iterable[str], *, threshold: int = SECRET_THRESHOLD,
               results=None) -> Written:
    """The HTML fiches of some établissements (one, or those of a territory): only their
    départements are read (a quarter is a place in the département)."""
    uais = list(uais)
    m = prepare(store, year, threshold, results, only=uais)
    return write_fiches(m, year_dir, uais)
