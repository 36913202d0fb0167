"""The explorer of a millésime's index page: a map of France, a search, a map per département.

Written beside ``reports/<year>/index.html`` (:mod:`analysis.build.site_index`) by :func:`build`:

- a **map of France**, inline in the index (:mod:`analysis.build.explorer_pages`): each
  département coloured by a key figure chosen in a list (the index's key figures, classes by
  :func:`analysis.report.map_classes.classify` as the report's maps), with its legend and the
  départements' n.c. rates; each département with a built edition a link to it;
- a **search** over the territories with a built edition and every établissement of the annuaire
  (name, UAI, commune): ``explorateur/recherche-<year>.js``, loaded on first focus of the search
  box (a script, not a JSON request: the page works from a ``file://`` address); an
  établissement opens its fiche when it is built (:mod:`analysis.fiches.listing`), else its
  département's edition;
- a **map of the établissements of each département edition**,
  ``explorateur/departement-<code>.html``: a point per établissement with coordinates in the
  annuaire, a link to its fiche when there is one, and the list of them all.

Offline: no request leaves the millésime's folder; the script and style come from the package
(``build/static/``). Incremental: every file of ``explorateur/`` is written only when the digest
of its inputs changed (``reports/<year>/.explorateur-<year>.json``): a new edition writes its own
map and the search file, nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.build import explorer_map, explorer_pages
from analysis.core import digests, territories
from analysis.core.atomic import write_text
from analysis.fiches import listing

FOLDER = "explorateur"
STATIC = Path(__file__).resolve().parent / "static"
#: What an établissement row of the search file holds, in this order (type as a letter).
COLUMNS = ("uai", "nom", "commune", "type", "departement", "latitude", "longitude")
TYPE_LETTERS = {"ecole": "E", "college": "C", "lycee": "L", "erea": "R"}


def state_file(year_dir: Path, year: int) -> Path:
    return Path(year_dir) / f".explorateur-{year}.json"


def search_file(year: int) -> str:
    """The search file's path, relative to the millésime's folder."""
    return f"{FOLDER}/recherche-{year}.js"


def map_page(code: str) -> str:
    """The page of the établissements of département ``code``, relative to the millésime's folder."""
    return f"{FOLDER}/departement-{code}.html"


@dataclass
class Explorer:
    """What the index page shows of the explorer (:mod:`analysis.build.explorer_pages`) and what
    was written: ``maps``, territory id -> its établissements map (relative href); ``written``,
    the files written by this call (the others were up to date)."""

    head: str
    body: str
    maps: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def code_digest() -> str:
    """The explorer's code and assets, the index's printing of a value and the report's map code
    it reuses."""
    here = Path(__file__).resolve().parent
    files = [here / "explorer.py", here / "explorer_map.py", here / "explorer_pages.py", here / "site_index.py",
             *sorted(STATIC.iterdir())]
    return digests.sha(digests.stage_digest("report"), *(p.read_bytes() for p in files if p.is_file()))


def etablissements(store, year: int) -> pd.DataFrame:
    """The établissements of the millésime (:data:`COLUMNS`), sorted by UAI; empty without a data folder."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    if store is None:
        return empty
    from analysis.harmonise.table import load_etablissements

    table, _ = load_etablissements(store, year)
    if not len(table):
        return empty
    out = pd.DataFrame({c: table[c] if c in table else None for c in COLUMNS})
    out = out[out["uai"].notna()].drop_duplicates("uai").sort_values("uai").reset_index(drop=True)
    for c in ("uai", "nom", "commune", "type", "departement"):
        text = out[c].astype("string").fillna("").str.replace(r"[\t\n\r]+", " ", regex=True).str.strip()
        out[c] = text.astype(object)              # plain strings: isin and hashing 10x faster than arrow's
    out["nom"] = out["nom"].where(out["nom"] != "", out["uai"])
    for c in ("latitude", "longitude"):
        out[c] = pd.to_numeric(out[c], errors="coerce")
    return out


def _row_hashes(table: pd.DataFrame) -> np.ndarray:
    """One hash per établissement (every column of :data:`COLUMNS`), to digest a set of rows at once."""
    if not len(table):
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(table[list(COLUMNS)], index=False).to_numpy()


class _State:
    """The digests of the files of ``explorateur/``: a file is written when its digest changed."""

    def __init__(self, year_dir: Path, year: int):
        self.year_dir, self.path = Path(year_dir), state_file(year_dir, year)
        try:
            self.old = json.loads(self.path.read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError):
            self.old = {}
        self.new: dict[str, str] = {}
        self.written: list[Path] = []

    def fresh(self, name: str, digest: str) -> bool:
        """True when ``name`` is there with this digest (nothing to write); records the digest."""
        self.new[name] = digest
        return self.old.get(name) == digest and (self.year_dir / name).exists()

    def write(self, name: str, text: str) -> None:
        self.written.append(write_text(self.year_dir / name, text))

    def close(self) -> None:
        """Remove the files no longer made (an edition removed), then save the digests."""
        for name in set(self.old) - set(self.new):
            (self.year_dir / name).unlink(missing_ok=True)
        write_text(self.path, json.dumps({"files": self.new}, indent=1, sort_keys=True))


def edition_hrefs(editions: list[dict]) -> dict[str, tuple[str, str]]:
    """Territory id -> (label, href of its HTML, relative to the millésime's folder)."""
    out = {}
    for m in editions:
        entry = m.get("outputs", {}).get("html")
        if entry:
            out[m["territoire"]] = (m.get("libelle", m["territoire"]), f"{m['folder']}/{entry['file']}")
    return out


class _Boundaries:
    """The département boundaries of the data folder, read only when a drawing needs them."""

    def __init__(self, store):
        self.store, self._frame, self._read = store, None, False
        self.digest = "-"
        if store is not None and "departements_geo" in store.registry:
            self.digest = store.fingerprint(["departements_geo"])

    @property
    def frame(self):
        if not self._read and self.digest != "-":
            from analysis.harmonise import boundaries

            self._frame, self._read = boundaries.departements(self.store), True
        return self._frame


def build(year_dir: Path, results: pd.DataFrame, year: int, editions: list[dict], *, store=None) -> Explorer:
    """Write the explorer's files of ``year_dir`` that changed; return what the index shows.
    ``editions``: the manifests of the built editions (:func:`analysis.build.site_index.built_editions`);
    ``store``: the data folder of the établissements and boundaries (none without)."""
    year_dir = Path(year_dir)
    demo = bool(results["demo"].any()) if "demo" in results else False
    state, code = _State(year_dir, year), code_digest()
    hrefs = edition_hrefs(editions)
    table = etablissements(store, year)
    table["fiche"] = table["uai"].isin(listing.present(year_dir)).to_numpy(dtype=bool)
    table["hash"] = _row_hashes(table)
    bounds = _Boundaries(store)
    basemap = _basemap(state, bounds, code)
    _write_search(state, year, table, hrefs, code)
    maps = _write_departement_maps(state, year, table, hrefs, bounds, code, demo)
    figures = _map_figures(state, results, year, code)
    state.close()
    head, body = explorer_pages.index_fragment(basemap, figures, hrefs, year, searchable=search_file(year),
                                               fiche=fiche_template(), with_etablissements=len(table) > 0)
    return Explorer(head, body, maps, state.written)


def _map_figures(state: _State, results: pd.DataFrame, year: int, code: str) -> list[dict]:
    """The key figures of the map of France (:func:`explorer_pages.map_figures`), read back while
    the départements' rows are the same: their classes import mapclassify (scipy, scikit-learn:
    ~1.7 s), which a build of one edition would otherwise pay every time."""
    name = f"{FOLDER}/chiffres-carte.json"
    rows = explorer_pages.departement_rows(results)
    digest = digests.sha(code, str(year), pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
    if state.fresh(name, digest):
        try:
            return json.loads((state.year_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    figures = explorer_pages.map_figures(rows, year)
    state.write(name, json.dumps(figures, ensure_ascii=False, separators=(",", ":")))
    return figures


def fiche_template() -> str:
    """The href of a fiche from the index, ``{uai}`` standing for the UAI."""
    return listing.fiche_path(Path(), "{uai}").as_posix()


def _basemap(state: _State, bounds: _Boundaries, code: str) -> explorer_map.Basemap:
    name = f"{FOLDER}/fond-de-carte.json"
    if state.fresh(name, digests.sha(code, bounds.digest)):
        try:
            return explorer_map.Basemap.from_json(json.loads((state.year_dir / name).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    basemap = explorer_map.france_shapes(bounds.frame)
    state.write(name, json.dumps(basemap.to_json(), ensure_ascii=False, separators=(",", ":")))
    return basemap


def _write_search(state: _State, year: int, table: pd.DataFrame, hrefs: dict, code: str) -> None:
    name = search_file(year)
    digest = digests.sha(code, str(year), json.dumps(hrefs, sort_keys=True), _rows_digest(table))
    if not state.fresh(name, digest):
        state.write(name, search_text(year, table, hrefs, table["fiche"].to_numpy(dtype=bool)))


def _rows_digest(rows: pd.DataFrame) -> str:
    """Digest of rows of :func:`etablissements`: their columns and whether each has a fiche."""
    return digests.sha(rows["hash"].to_numpy(dtype=np.uint64).tobytes(),
                       np.packbits(rows["fiche"].to_numpy(dtype=bool)).tobytes())


def search_text(year: int, table: pd.DataFrame, hrefs: dict, with_fiche) -> str:
    """The search file: a script handing the data to the page (``explorateurRecherche``):
    territories with a built edition (label, id, href), the href of each département's edition,
    and one line per établissement, ``UAI \\t nom \\t commune \\t type \\t département \\t fiche``
    (type as a letter, fiche 1 when it is built)."""
    deps = {ident.partition(":")[2]: href for ident, (_, href) in hrefs.items() if ident.startswith("departement:")}
    order = {level: n for n, level in enumerate(territories.LEVELS)}
    terr = sorted(hrefs.items(), key=lambda kv: (order.get(kv[0].partition(":")[0], 9), kv[0]))
    lines = (table["uai"] + "\t" + table["nom"] + "\t" + table["commune"] + "\t"
             + table["type"].map(TYPE_LETTERS).fillna("") + "\t" + table["departement"] + "\t"
             + np.where(np.asarray(with_fiche, dtype=bool), "1", "")) if len(table) else pd.Series(dtype=str)
    data = {"annee": year, "territoires": [[label, ident, href] for ident, (label, href) in terr],
            "editionsDepartement": deps, "etablissements": "\n".join(lines)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.explorateurRecherche&&window.explorateurRecherche({text});\n"


def _write_departement_maps(state: _State, year: int, table: pd.DataFrame, hrefs: dict, bounds: _Boundaries,
                            code: str, demo: bool) -> dict[str, str]:
    """One page per département edition with établissements; returns territory id -> href."""
    maps = {}
    groups = dict(tuple(table.groupby("departement", sort=False))) if len(table) else {}
    for ident, (label, href) in hrefs.items():
        level, _, dep = ident.partition(":")
        if level != "departement" or dep not in groups:
            continue
        rows = groups[dep].reset_index(drop=True)
        name = map_page(dep)
        has_fiche = rows["fiche"].to_numpy(dtype=bool)
        digest = digests.sha(code, str(year), label, href, bounds.digest, str(demo), _rows_digest(rows))
        if not state.fresh(name, digest):
            points = explorer_map.departement_points(dep, rows["longitude"], rows["latitude"], bounds.frame)
            state.write(name, explorer_pages.departement_page(label, dep, year, href, rows, has_fiche, points,
                                                              fiche=fiche_template(), demo=demo))
        maps[ident] = name
    return maps
