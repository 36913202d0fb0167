"""Figures keyed on what they show, drawn once: a store of their SVG shared by the editions of a
batch and by later builds.

A chart or map function decorated with :func:`stored` computes a key from what it is given (its
name, the rows it draws, its title, source line and options) and from the code that draws it
(the report stage's digest and matplotlib's version). When the build names a store
(:data:`ENV`, a folder: ``reports/<year>/.figures/``), a figure already drawn under that key is
read back instead of drawn; otherwise it is drawn, saved as SVG once, and kept. The same SVG
serves the HTML and the PDF. Without a store (JupyterLab, the tests), the functions return their
matplotlib figure as they always did.

The key covers every input of the drawing, so a stored figure is byte for byte the one that
would be drawn (tested); a change of code, data, wording or option is another key. Files are
written atomically under a name of their own, so that two kernels drawing the same figure at
once both end with a whole file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.digests import sha, stage_digest

__all__ = ["ENV", "FOLDER", "LIMIT", "StoredFigure", "figure_key", "layer", "prune", "stored"]

#: The environment variable naming the store's folder (set by the build for its chapters).
ENV = "ETAT_DES_LIEUX_FIGURES"
#: The store's folder in a millésime's reports folder.
FOLDER = ".figures"
#: Figures kept in a store: about 50 batches of 149 editions' own figures (~30 kB each, ~250 MB);
#: beyond it, those read or drawn least recently go first (:func:`prune`).
LIMIT = 8000


@dataclass
class StoredFigure:
    """A figure as the report shows it: its SVG, its alt text and its width in pixels, with the
    source and footer lines (what a chapter reads of a figure)."""

    svg: str
    alt_text: str
    width_px: int
    source_text: str = ""
    footer_text: str = ""
    title_text: str = ""
    data: dict = field(default_factory=dict)      # its values, as ``table_record`` keeps them
    extra: dict = field(default_factory=dict)     # what its layers need (:mod:`.svg_layers`)

    @property
    def data_table(self) -> pd.DataFrame:
        """The values the figure draws (« Données du graphique »), a table of French text."""
        return pd.DataFrame(self.data.get("rows", []), columns=self.data.get("columns", []))

    @classmethod
    def of(cls, fig) -> StoredFigure:
        """A figure drawn: its SVG, and ``fig.layout()`` read after the drawing when it has one
        (where the axes ended up, for the layers drawn over it)."""
        from analysis.report.style import figure_bytes

        svg = figure_bytes(fig, "svg").decode("utf-8")
        extra = fig.layout() if callable(getattr(fig, "layout", None)) else {}
        return cls(svg=svg, alt_text=getattr(fig, "alt_text", "") or "", width_px=int(fig.get_figwidth() * 96),
                   source_text=getattr(fig, "source_text", "") or "",
                   footer_text=getattr(fig, "footer_text", "") or "", title_text=getattr(fig, "title_text", "") or "",
                   data=table_record(getattr(fig, "data_table", None)), extra=extra)


def table_record(table: pd.DataFrame | None) -> dict:
    """A figure's table of values as the store keeps it (columns and rows of text)."""
    if table is None or table.empty:
        return {}
    return {"columns": [str(c) for c in table.columns], "rows": table.astype(object).values.tolist()}


def store_folder() -> Path | None:
    """The store's folder when the build named one, else None (no store)."""
    named = os.environ.get(ENV)
    return Path(named) if named else None


@cache
def _code_digest() -> str:
    """The code a figure depends on: the report stage (and the stages and resources before it)
    and matplotlib; computed once per process."""
    import matplotlib

    return sha(stage_digest("report"), matplotlib.__version__)


#: Cell values whose ``repr`` is exact and the same in every process.
_EXACT = (str, int, float, bool, type(None), np.generic, pd.Timestamp, pd.Timedelta, type(pd.NA), type(pd.NaT))


def _cell(value) -> str:
    """A stable text of one cell of an object column: its ``repr`` when exact; a shape by the
    digest of its WKB (a shape's ``repr`` is cut short); refused for a container, whose text may
    be cut short too."""
    if isinstance(value, _EXACT):
        return repr(value)
    wkb = getattr(value, "wkb", None)                          # a shapely geometry
    if isinstance(wkb, bytes):
        return "wkb:" + hashlib.sha256(wkb).hexdigest()
    if isinstance(value, np.ndarray | pd.Series | pd.DataFrame | list | tuple | dict | set):
        raise TypeError(f"a figure's table holds a {type(value).__name__} in a cell: no stable key for it")
    return f"{type(value).__qualname__}:{value}"


def _part(value) -> str:
    """A stable text of one input of a figure function: the same in every process for the same
    content (a frame's columns, dtypes, index and each value as text: ~0.8 ms for a chart's rows,
    where ``hash_pandas_object`` over their 29 columns took 4 ms)."""
    if isinstance(value, pd.DataFrame):
        frame = value
        geometry = getattr(value, "geometry", None) if hasattr(value, "crs") else None
        if geometry is not None:                       # shapes by their WKB, an empty one as None
            frame = pd.DataFrame(value.drop(columns=value.geometry.name))
            frame["__wkb"] = pd.Series(list(geometry), index=frame.index, dtype=object)
        return "frame:" + sha(repr(list(frame.columns)), repr(list(frame.dtypes.astype(str))),
                              repr(frame.index.tolist()),
                              repr([[_cell(v) for v in row] for row in frame.to_numpy(dtype=object).tolist()]))
    if isinstance(value, pd.Series):
        return "series:" + sha(repr(value.name), str(value.dtype), repr(value.index.tolist()),
                               repr([_cell(v) for v in value.tolist()]))
    if is_dataclass(value) and not isinstance(value, type):
        return f"{type(value).__name__}:" + _part({f.name: getattr(value, f.name) for f in fields(value)})
    if isinstance(value, dict):
        return "{" + ",".join(f"{_part(k)}:{_part(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_part(v) for v in value) + "]"
    return repr(value)


def figure_key(name: str, args: tuple, kwargs: dict) -> str:
    """The key of a figure: the function, its inputs and the code that draws it."""
    return sha(name, _code_digest(), *(_part(a) for a in args),
               *(f"{k}={_part(v)}" for k, v in sorted(kwargs.items())))


def _read(path: Path) -> StoredFigure | None:
    try:
        found = StoredFigure(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None                                  # absent or damaged: drawn again
    try:
        os.utime(path)                               # used now: kept by :func:`prune`
    except OSError:
        pass                                         # a read-only store is still read
    return found


def prune(folder: Path, limit: int = LIMIT) -> int:
    """Delete the figures of ``folder`` beyond the ``limit`` used last (by the time a build last
    read or wrote them); the number deleted. A store grows with every change of data or code: the
    figures of older states are never read again."""
    paths = [(path.stat().st_mtime_ns, path) for path in Path(folder).glob("*/*.json")]
    if len(paths) <= limit:
        return 0
    paths.sort(reverse=True)
    for _, path in paths[limit:]:
        path.unlink(missing_ok=True)
    return len(paths) - limit


def _write(path: Path, figure: StoredFigure) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(figure), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


#: Groups' figures drawn in this process when the build names no store (JupyterLab): key -> figure.
_DRAWN: dict[str, StoredFigure] = {}


def layer(draw, *args, **kwargs) -> StoredFigure:
    """The figure ``draw`` makes of these inputs, drawn once: from the store when there is one,
    else from this process's memory. What the layers of :mod:`.svg_layers` are drawn over."""
    key = figure_key(f"{draw.__module__}.{draw.__qualname__}", args, kwargs)
    folder = store_folder()
    found = _read(folder / key[:2] / f"{key}.json") if folder is not None else _DRAWN.get(key)
    if found is None:
        found = StoredFigure.of(draw(*args, **kwargs))
        if folder is not None:
            _write(folder / key[:2] / f"{key}.json", found)
        else:
            if len(_DRAWN) > 64:                   # a kernel's life is a batch: a few groups at a time
                _DRAWN.clear()
            _DRAWN[key] = found
    return found


def stored(draw):
    """Decorate a function that returns a figure: with a store, its figures are read from it or
    drawn and kept (:class:`StoredFigure`); without, it returns its matplotlib figure."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        folder = store_folder()
        if folder is None:
            return draw(*args, **kwargs)
        key = figure_key(f"{draw.__module__}.{draw.__qualname__}", args, kwargs)
        path = folder / key[:2] / f"{key}.json"
        found = _read(path)
        if found is None:
            found = StoredFigure.of(draw(*args, **kwargs))
            _write(path, found)
        return found

    return wrapper
