"""Executed chapters kept in a jupyter-cache store: a chapter whose inputs did not change is not
run again, even when its edition must be rebuilt because another chapter changed.

The edition manifest (:mod:`analysis.build.manifest`) decides per *edition* (skip, render or
execute). For an edition to execute, this store decides per *chapter*: after an edit of
``03-equipement.ipynb``, every edition executes that chapter again and takes the six others
from here.

The key. jupyter-cache hashes a notebook's code cells (their source) and the notebook metadata
keys it is told to compare. The notebook hashed here is the chapter *as papermill runs it*, with
its injected parameters cell (territory, millésime, data folder, secret threshold), plus one
metadata entry, ``etat_des_lieux.entrees``: the digest of what jupyter-cache does not see — the
package code, the edition's slice of the data, the printed values of its parents, the other
source files and the demo flag (:data:`INPUT_PARTS`, computed by
:class:`analysis.build.manifest.RunContext`). Cell metadata is compared on ``tags`` only:
papermill's timings differ at every run.

One writer. jupyter-cache keeps its records in SQLite, which locks under parallel writers (and
reading a cached notebook updates its access time): only the batch's main process opens the
store; worker processes never see it.
"""

from __future__ import annotations

import copy
import logging
import shutil
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from analysis.core.digests import sha as _sha

log = logging.getLogger(__name__)

#: Execution inputs of an edition that jupyter-cache does not see (the chapter's own code and
#: parameters are in the notebook it hashes).
INPUT_PARTS = ("code", "donnees", "comparaisons", "autres_sources")
META_KEY = "etat_des_lieux"
FOLDER = ".jupyter_cache"
#: jupyter-cache's database in the store's folder.
DATABASE = "global.db"
#: Executed chapters kept (least recently used dropped first): 149 editions x 7 chapters is
#: ~1 050 notebooks of ~0.25 MB per millésime; 3 000 keep about three full runs.
CACHE_LIMIT = 3000


#: The input part of an extra read a chapter declares (:data:`analysis.build.editions.CHAPTER_READS`):
#: only the chapters that read their peers run again when a peer's printed values change.
READ_PARTS = {"peers": "pairs"}


def inputs_digest(inputs: dict[str, str], kernel: str, reads=()) -> str:
    parts = INPUT_PARTS + tuple(READ_PARTS[r] for r in reads)
    return _sha(kernel, *(f"{k}={inputs[k]}" for k in parts))


def _cache_class():
    from jupyter_cache.cache.main import JupyterCacheBase

    class ChapterCache(JupyterCacheBase):
        """jupyter-cache comparing our metadata entry and cell tags (see the module doc), and
        keeping to its limit once per run (:meth:`ExecutedChapters.truncate`), not after each
        chapter stored: each truncation lists every record (up to :data:`CACHE_LIMIT`), which made
        a batch's ~1 000 stores quadratic."""

        def create_hashed_notebook(self, nb, nb_metadata=(META_KEY,), cell_metadata=("tags",)):
            return super().create_hashed_notebook(nb, nb_metadata=(META_KEY,), cell_metadata=("tags",))

        def truncate_caches(self):
            """Deferred to the end of the run (:meth:`ExecutedChapters.truncate`)."""

        def truncate_now(self):
            super().truncate_caches()

    return ChapterCache


class ExecutedChapters:
    """The store, in ``<reports>/.jupyter_cache`` (one per reports folder, all millésimes).

    A store whose database is damaged (a disk that filled up, a copy cut short) is rebuilt empty,
    with a notice, like the data caches: its chapters are executed again, and later builds use
    it as before."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        problem = damage(self.folder)
        if problem:
            log.warning("cache des chapitres %s illisible (%s) : il est reconstruit, ses chapitres seront "
                        "exécutés à nouveau.", self.folder, problem)
            shutil.rmtree(self.folder)
            self.folder.mkdir(parents=True)
        self.cache = _cache_class()(str(self.folder))
        if self.cache.get_cache_limit() != CACHE_LIMIT:
            self.cache.change_cache_limit(CACHE_LIMIT)
        self._sources: dict[Path, object] = {}
        self.problems: list[str] = []        # cached chapters that could not be read

    def keyed(self, notebook: Path, params: dict, digest: str, kernel: str):
        """The chapter as papermill will run it, with the inputs digest in its metadata."""
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        source = self._sources.get(notebook)
        if source is None:            # read as papermill reads it (every cell gets its tags list)
            source = self._sources[notebook] = load_notebook_node(str(notebook))
        nb = parameterize_notebook(copy.deepcopy(source), params, kernel_name=kernel)
        return mark(nb, digest)

    def restore(self, keyed_nb, target: Path) -> bool:
        """Write the cached execution of ``keyed_nb`` to ``target``; False if there is none."""
        import nbformat
        from sqlalchemy.exc import SQLAlchemyError

        try:
            _, merged = self.cache.merge_match_into_notebook(keyed_nb, nb_meta=None, cell_meta=("tags",))
        except KeyError:
            return False
        except (SQLAlchemyError, OSError, ValueError) as exc:
            # A store locked by another run, or a damaged cached file: run the chapter instead.
            self.problems.append(f"{target.name}: {type(exc).__name__}: {exc}")
            return False
        merged.metadata = copy.deepcopy(keyed_nb.metadata)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(merged, str(target))
        return True

    def store(self, executed: Path, digest: str, uri: str) -> None:
        """Keep an executed chapter (its inputs digest added to its metadata)."""
        import nbformat
        from jupyter_cache.base import CacheBundleIn

        nb = mark(nbformat.read(str(executed), as_version=4), digest)
        self.cache.cache_notebook_bundle(CacheBundleIn(nb, uri, data={"fichier": str(executed)}),
                                         check_validity=True, overwrite=True)

    def truncate(self) -> None:
        """Drop the chapters used least recently beyond :data:`CACHE_LIMIT` (once a run, after its
        chapters are stored)."""
        self.cache.truncate_now()

    def __len__(self) -> int:
        return len(self.cache.list_cache_records())


def damage(folder: Path) -> str | None:
    """Why the store's SQLite database is damaged (sqlite's own check), or None when it is sound
    or absent. A database another process holds locked is not damaged (raised as it is)."""
    import sqlite3

    database = Path(folder) / DATABASE
    if not database.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        return str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if verdict == "ok" else verdict


def mark(nb, digest: str):
    nb.metadata[META_KEY] = {"entrees": digest}
    return nb


def plan(store: ExecutedChapters | None, chapters: Iterable[tuple[Path, Path]], params: dict,
         digests: dict[Path, str], kernel: str, *, reuse: bool) -> tuple[list[Path], list[Path]]:
    """Split an edition's chapters (``(source, executed target)`` pairs) into those restored
    from the store (written to their target) and those to execute; ``digests``: the inputs
    digest of each source chapter (:func:`inputs_digest`)."""
    restored, run = [], []
    for source, target in chapters:
        keyed = store.keyed(source, params, digests[source], kernel) if store is not None and reuse else None
        if keyed is not None and store.restore(keyed, target):
            restored.append(source)
        else:
            run.append(source)
    return restored, run

