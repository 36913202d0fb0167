"""The indicator table of a millésime, cached in the data folder: what the report, the exports,
the index page and the command line read, so that they say the same thing of the same row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import cachefiles, collectivites, digests, perimeters, territories
from analysis.core.statuts import SECRET_THRESHOLD, UNCOVERED, Extent, Statut
from analysis.indicators.catalogue import catalogue
from analysis.indicators.collectivites import commune, compute_collectivites
from analysis.indicators.compute import compute, with_evolution
from analysis.indicators.motifs import local_motifs

#: The types of a commune's edition: its parents restricted to them are computed with the first commune.
COMMUNE_TYPES = collectivites.COMPETENCES["commune"]

#: Columns added from :func:`analysis.harmonise.extent.extent_table`: how much of the row's
#: territory the indicator's source family covers, and in how many of its départements.
EXTENT_COLUMNS = ("couverture_donnees", "departements_avec_donnees", "departements_total")
#: What a row of the table has no value for, and why not (:func:`mark_uncovered`).
UNDEFINED_COLUMNS = ("valeur", "numerateur", "denominateur", "taux_nc", "valeur_precedente", "evolution")
# A worker's kernel reads the same table for every chapter of every edition of a batch: read once
# per process, keyed on the cache key and the file as it is on disk.
# (data folder, name, key) -> (the cached file as read, table).
_LOADED: dict[tuple[str, str, str], tuple[tuple[str, int, int] | None, pd.DataFrame]] = {}


def extents(results: pd.DataFrame) -> pd.DataFrame:
    """Per territory id: ``departements_avec_donnees`` (the best covered source) and
    ``departements_total``, the extent of the data over the territory."""
    return results.groupby("territoire")[list(EXTENT_COLUMNS[1:])].max()


def load(store=None, year: int = 2018, *, threshold: int = SECRET_THRESHOLD,
         refresh: bool = False, also=()) -> pd.DataFrame:
    """Every indicator for every territory of a millésime, with the change since the previous one.

    Cached in ``<data>/processed/indicateurs-<year>.parquet``, rebuilt when an input file, the
    catalogue or the code changes (a damaged cache is discarded with a notice). Adds a ``demo``
    column (True when built on demo data), the data extent of each row's territory for its
    source (:data:`EXTENT_COLUMNS`: complète, partielle or aucune) and ``motif``; a row of a
    territory the data do not cover is « n.d. » (:func:`mark_uncovered`).

    ``also`` (territories or specs) asks for the rows of collectivités and of territories
    restricted to some types (:mod:`analysis.indicators.collectivites`), computed when first asked
    and cached apart: with any of them, every collectivité of ``build --all --level collectivite``
    and their restricted parents (``collectivites-<year>``); with a commune, the écoles of every
    territory (``collectivites-<year>-ecoles``) and that commune's rows
    (``collectivites-<year>-commune-<code>``).

    Raises :class:`~analysis.core.errors.MillesimeError` or
    :class:`~analysis.core.errors.MissingDataError` for a millésime without data, before any work.
    """
    from analysis.harmonise.millesimes import available_years, check_millesime
    from analysis.harmonise.table import etablissements_key, load_etablissements
    from analysis.sources.store import Store

    store = store or Store()
    year = check_millesime(store, year)
    vintage = territories.vintage_for_year(year)
    declared = [p for p in perimeters.declared() if isinstance(p, perimeters.Perimeter)]
    main_key = digests.sha(etablissements_key(store), digests.stage_digest("indicators"), perimeters.digest(),
                           f"{year}:{threshold}")
    local_key = digests.sha(main_key, collectivites.digest())
    wanted = _wanted(also, vintage)
    communes = [w for w in wanted if w.startswith(territories.COLLECTIVITE)]
    key = digests.sha(local_key, *wanted)
    name = f"indicateurs-{year}"
    kept = None if refresh else _LOADED.get((str(store.data_dir), name, key))
    if kept is not None and kept[0] == _cache_file(store.data_dir, name):
        return kept[1]
    names = {"main": name,
             **({"collectivites": f"collectivites-{year}"} if "collectivites" in wanted else {}),
             # the écoles of every territory (the parents of the communes), once for all the communes
             **({"ecoles": f"collectivites-{year}-ecoles"} if "ecoles" in wanted else {}),
             **{c: f"collectivites-{year}-commune-{c.partition(':')[2]}" for c in communes}}
    keys = {part: main_key if part == "main" else local_key for part in names}
    parts = {}
    for part, file in names.items():
        cached = None if refresh else cachefiles.read(store.data_dir, file, keys[part])
        if cached is not None:
            parts[part] = cached[0]
    if len(parts) < len(names):
        table, _ = load_etablissements(store, year)
        earlier = [y for y in available_years(store) if y < year]
        # the previous millésime as published (its own cache, computed once): its values, its n.d.
        previous = load(store, earlier[-1], threshold=threshold, refresh=refresh, also=also) if earlier else None
        for part in [p for p in names if p not in parts]:
            if part == "main":
                current = compute(table, year=year, threshold=threshold, perimeters=declared)
            elif part == "ecoles":
                current = compute_collectivites(table, [], year=year, threshold=threshold, universes=[COMMUNE_TYPES])
            else:
                items = (territories.collectivity_list(vintage) if part == "collectivites"
                         else [commune(table, territories.parse_territory(part, vintage))])
                current = compute_collectivites(table, items, year=year, threshold=threshold,
                                                levels=territories.LEVELS if part == "collectivites" else ())
            results = with_evolution(current, previous)
            results["demo"] = store.is_demo()
            others = [] if part == "main" else [territories.parse_territory(t, vintage)
                                                for t in results["territoire"].unique()]
            results = local_motifs(mark_uncovered(with_extent(results, table, year, declared if part == "main" else (),
                                                              others=others)), store, year)
            parts[part] = cachefiles.write(store.data_dir, names[part], results, {"key": keys[part]})
    combined = pd.concat([parts[p] for p in names], ignore_index=True) if len(names) > 1 else parts["main"]
    return _keep(store.data_dir, name, key, combined)


def _wanted(also, vintage: str) -> list[str]:
    """The parts of the table ``also`` (territories or specs) needs besides the main one, sorted:
    ``collectivites`` (a collectivité or a restricted territory), ``ecoles`` (a commune or a
    territory restricted to the écoles) and the id of each commune."""
    found = set()
    for spec in also or ():
        territory = territories.parse_territory(spec, vintage)
        commune = territory.level == territories.COLLECTIVITE and territory.code.startswith("commune:")
        if commune:
            found |= {territory.id, "ecoles"}
        elif territory.types == COMMUNE_TYPES:
            found.add("ecoles")
        elif territory.types:
            found.add("collectivites")
    return sorted(found)


def _cache_file(data_dir, name: str) -> tuple[str, int, int] | None:
    """The cached file reading would find first (path, modification time, size); None when the
    table is kept in memory only."""
    for folder in cachefiles.folders(data_dir):
        path = folder / f"{name}.parquet"
        if path.exists():
            found = path.stat()
            return str(path), found.st_mtime_ns, found.st_size
    return None


def _keep(data_dir, name: str, key: str, table: pd.DataFrame) -> pd.DataFrame:
    """The table as loaded, kept for the next load of this process (:func:`identity`). It is
    shared: read it, never change it in place (``assign``, ``copy``)."""
    _LOADED.clear()                  # one table per (data folder, millésime) at a time is plenty
    _LOADED[(str(data_dir), name, key)] = (_cache_file(data_dir, name), table)
    return table


def identity(results: pd.DataFrame) -> str | None:
    """The cache key of an indicator table as :func:`load` returned it (the very object), for the
    memos of the computations made again and again on it (:func:`by_indicator`); None for any
    other frame, a copy or a changed one included."""
    return next((key for (_, _, key), (_, table) in _LOADED.items() if table is results), None)


_BY_INDICATOR: dict[str, dict[tuple[str, str], pd.DataFrame]] = {}


def by_indicator(results: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The rows of each (indicator, type), indexed by territory id: one ``groupby`` per table
    (kept for the process when the table is a loaded one), where a boolean mask over the whole
    table per question would cost a full scan each time."""
    ident = identity(results)
    if ident is not None and ident in _BY_INDICATOR:
        return _BY_INDICATOR[ident]
    found = {key: rows.drop_duplicates("territoire").set_index("territoire", drop=False)
             for key, rows in results.groupby(["indicateur", "type"], sort=False)}
    if ident is not None:
        _BY_INDICATOR.clear()
        _BY_INDICATOR[ident] = found
    return found


def with_extent(results: pd.DataFrame, table: pd.DataFrame, year: int, perimeters=(), *, others=()) -> pd.DataFrame:
    """Add :data:`EXTENT_COLUMNS` to the indicator rows (by territory and indicator source family)."""
    from analysis.harmonise.extent import extent_table

    extent = extent_table(table, year, perimeters, others).set_index(["territoire", "famille"])
    family = results["indicateur"].map({i: ind.extent_family for i, ind in catalogue().items()})
    index = pd.MultiIndex.from_arrays([results["territoire"], family])
    out = results.copy()
    for column in EXTENT_COLUMNS:
        out[column] = extent[column].reindex(index).to_numpy()
    return out


def mark_uncovered(results: pd.DataFrame) -> pd.DataFrame:
    """The table with every row of a territory the data do not cover read as « n.d. ».

    A row whose territory has no data from the indicator's source family (``couverture_donnees``
    aucune) while that indicator has establishments elsewhere is neither « sans objet », nor « non
    communiqué », nor a figure (0 % of the départements of an uncovered région, a level outside
    the questionnaire…): its data are missing. Whatever its kind and statut, it gets statut absent,
    ``motif`` :data:`~analysis.core.statuts.UNCOVERED` and no value, rate or change. A row already
    absent keeps its own reason (a source absent this millésime); a source absent everywhere keeps
    its rows as they are. Returns a copy with a ``motif`` column (empty elsewhere).
    """
    out = results.copy()
    if "motif" not in out:
        out["motif"] = pd.Series(pd.NA, index=out.index, dtype="object")
    if "couverture_donnees" not in out or out.empty:
        return out
    absent = out["statut"].eq(Statut.ABSENT)
    somewhere = ((out["univers"].fillna(0) > 0) & ~absent).groupby([out["indicateur"], out["type"]]).transform("any")
    uncovered = out["couverture_donnees"].eq(Extent.NONE) & ~absent & somewhere
    out.loc[uncovered, "statut"] = Statut.ABSENT.value
    out.loc[uncovered, "motif"] = UNCOVERED
    for column in [c for c in UNDEFINED_COLUMNS if c in out]:
        out.loc[uncovered, column] = np.nan
    if "non_communique" in out:
        out["non_communique"] = out["non_communique"].astype("Int64").mask(uncovered)
    return out
