"""The indicators of the état des lieux, for every territory x millésime x type, in one pass.

For each indicator of the catalogue (:mod:`analysis.indicators.catalogue`) this module derives
four per-establishment quantities, then sums them by territory and type with one ``groupby`` per
territorial level:

- ``U`` the establishment is in the indicator's universe,
- ``A`` it answered (for shares: the declared ``answered`` rule, and a known weight when weighted;
  for ratios: every term known and denominator > 0),
- ``N`` its contribution to the numerator, ``D`` to the denominator.

Every result carries ``valeur, numerateur, denominateur, non_communique (= U - A), univers,
taux_nc`` and a :class:`~analysis.core.statuts.Statut`: ok; secret (fewer respondents than the
threshold: value kept missing, never 0); nc (nobody answered); vide (no establishment of that
type); absent (the source has no data for the millésime); hors_questionnaire (a level the
millésime's questionnaire does not have, e.g. « moins de 20 % » of the connected classes in 2019:
never 0 %, and no change computed against another millésime). A territory the data folder does not
cover is read as absent afterwards, with the extent (:func:`analysis.indicators.results.load`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import territories
from analysis.core.statuts import PRECEDENCE, SECRET_THRESHOLD, Statut
from analysis.core.territories import LEVELS
from analysis.core.vocabulary import COMBINED, TYPES
from analysis.indicators.catalogue import OUTPUT_COLUMNS, Indicator, catalogue, source_labels
from analysis.indicators.declarations import answered_rule
from analysis.sources.questionnaires import levels_in_year


# ------------------------------------------------------------------------- per establishment
def _known(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table:
        return np.zeros(len(table), dtype=bool)
    return table[column].notna().to_numpy()


def _true(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table:
        return np.zeros(len(table), dtype=bool)
    values = table[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.zeros(len(table), dtype=bool)
    return values.fillna(False).astype(bool).to_numpy()


def _number(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[column], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _condition(table: pd.DataFrame, condition: dict) -> tuple[np.ndarray, list[str]]:
    """Boolean array of the numerator condition, and the columns it reads."""
    if "any_true" in condition:
        columns = list(condition["any_true"])
        return np.logical_or.reduce([_true(table, c) for c in columns]), columns
    if "is_true" in condition:
        column = condition["is_true"]
        return _true(table, column), [column]
    if "category" in condition:
        column = condition["category"]["column"]
        allowed = [str(v) for v in condition["category"]["in"]]
        values = table[column].astype("object") if column in table else pd.Series(None, index=table.index)
        return values.isin(allowed).to_numpy(), [column]
    if "at_least" in condition:
        column = condition["at_least"]["column"]
        values = _number(table, column)
        return np.nan_to_num(values, nan=-np.inf) >= condition["at_least"]["min"], [column]
    raise ValueError(f"Unknown condition {condition}")


def _answered(table: pd.DataFrame, answered) -> np.ndarray | bool:
    """Who answered a share's question (see ``answered`` in the header of ``indicators.yml``): a
    list, or ``{any: [...]}``, is the boxes of one question (at least one known); ``{all: [...]}``
    is several questions, each of which must be known; an empty list: everybody."""
    how, columns = answered_rule(answered)
    if not columns:
        return True
    known = [_known(table, c) for c in columns]
    return np.logical_and.reduce(known) if how == "all" else np.logical_or.reduce(known)


def local_group(indicator: Indicator) -> str | None:
    """The local source group whose coverage is the indicator's universe, if any."""
    return indicator.universe.get("source") if isinstance(indicator.universe, dict) else None


def _universe(table: pd.DataFrame, indicator: Indicator) -> np.ndarray:
    group = local_group(indicator)
    if group is not None:
        column = f"couvert_{group}"
        mask = (table[column].fillna(False).astype(bool).to_numpy().copy() if column in table
                else np.zeros(len(table), dtype=bool))
    elif indicator.universe == "etic":
        mask = table["champ_etic"].fillna(False).astype(bool).to_numpy().copy()
    elif indicator.universe == "perimetre":
        mask = np.ones(len(table), dtype=bool)
    else:
        raise ValueError(f"{indicator.id}: unknown universe {indicator.universe}")
    for column, value in (indicator.spec.get("filter") or {}).items():
        allowed = value if isinstance(value, list) else [value]
        # a column of a local source whose registry is not declared here: nobody qualifies
        mask &= table[column].isin(allowed).to_numpy() if column in table else False
    return mask


def contributions(table: pd.DataFrame, indicator: Indicator) -> tuple[np.ndarray, ...]:
    """U, A, N, D arrays of one indicator (see module docstring)."""
    spec = indicator.spec
    U = _universe(table, indicator)
    if indicator.kind == "ratio":
        terms_n = [c for c in spec["numerator"] if c in table and table.loc[U, c].notna().any()]
        terms_d = list(spec["denominator"])
        n = np.add.reduce([np.nan_to_num(_number(table, c)) for c in terms_n]) if terms_n else np.zeros(len(table))
        d = np.add.reduce([np.nan_to_num(_number(table, c)) for c in terms_d])
        known = np.logical_and.reduce([_known(table, c) for c in terms_n + terms_d])
        A = U & known & (d > 0)
        return U, A, np.where(A, n, 0.0), np.where(A, d, 0.0)
    if indicator.kind in ("share", "count"):
        cond, read = _condition(table, spec["condition"]) if "condition" in spec else (np.ones(len(table), bool), [])
        if indicator.kind == "count":
            N = (U & cond).astype(float)
            return U, U, N, U.astype(float)
        A = U & _answered(table, spec.get("answered", read))
        weight = spec.get("weight")
        if weight:
            w = _number(table, weight)
            A &= ~np.isnan(w)
            w = np.nan_to_num(w)
        else:
            w = np.ones(len(table))
        return U, A, np.where(A & cond, w, 0.0), np.where(A, w, 0.0)
    raise ValueError(f"{indicator.id}: kind {indicator.kind} has no per-establishment contribution")


# ------------------------------------------------------------------------- aggregation
def _groupings(table: pd.DataFrame, levels, vintage: str, perimeters) -> list[tuple[str, pd.Series, list[str]]]:
    """(level, territory code of each row or NA, codes of the editions) for every aggregation:
    one per administrative level, one per custom perimeter (perimeters may overlap)."""
    out = []
    for level in levels:
        keys = pd.Series("FR", index=table.index) if level == "france" else table[level]
        editions = ["FR"] if level == "france" else [t.code for t in territories.list_territories(level, vintage)]
        out.append((level, keys, editions))
    for perimeter in perimeters:
        keys = pd.Series(np.where(perimeter.mask(table), perimeter.code, None), index=table.index)
        out.append((territories.PERIMETRE, keys, [perimeter.code]))
    return out


def compute(table: pd.DataFrame, *, year: int | None = None, levels=LEVELS,
            threshold: int = SECRET_THRESHOLD, indicators: list[str] | None = None,
            perimeters=()) -> pd.DataFrame:
    """All indicators for every territory of the given levels (editions only) and for the
    custom ``perimeters`` (:class:`analysis.core.perimeters.Perimeter`), in one pass."""
    year = int(year if year is not None else table["annee"].iloc[0])
    vintage = territories.vintage_for_year(year)
    cat = catalogue()
    wanted = [cat[i] for i in (indicators or cat)]
    simple = [i for i in wanted if i.kind in ("share", "ratio", "count")]
    blocks = {}
    for ind in simple:
        U, A, N, D = contributions(table, ind)
        blocks[(ind.id, "U")] = U.astype(float)
        blocks[(ind.id, "A")] = A.astype(float)
        blocks[(ind.id, "N")] = N
        blocks[(ind.id, "D")] = D
    matrix = pd.DataFrame(blocks, index=table.index)
    matrix.columns = pd.MultiIndex.from_tuples(matrix.columns)
    types = table["type"]
    frames = []
    names = _names(vintage, perimeters)
    groupings = _groupings(table, levels, vintage, perimeters)
    for level, keys, editions in groupings:
        sums = matrix.groupby([keys.rename("code"), types.rename("type")]).sum()
        sums = sums[sums.index.get_level_values("code").isin(editions)]
        combined = [sums]
        for name, members in COMBINED.items():
            part = sums[sums.index.get_level_values("type").isin(members)].groupby(level="code").sum()
            part.index = pd.MultiIndex.from_arrays([part.index, [name] * len(part)], names=["code", "type"])
            combined.append(part)
        sums = pd.concat(combined)
        # territories with no establishment of a type still get a row (statut vide)
        full = pd.MultiIndex.from_product([sorted(editions), TYPES], names=["code", "type"])
        sums = sums.reindex(full, fill_value=0.0)
        long = sums.stack(level=0, future_stack=True)
        long.index.names = ["code", "type", "indicateur"]
        long = long.reset_index()
        long["niveau"] = level
        frames.append(long)
    result = pd.concat(frames, ignore_index=True)
    result = _finish(result, cat, year, threshold, table, names)
    extra = [_distinct(table, ind, year, groupings, names) for ind in wanted if ind.kind == "distinct"]
    result = pd.concat([result] + [e for e in extra if len(e)], ignore_index=True)
    sub = [_subterritories(result, ind, vintage) for ind in wanted if ind.kind == "subterritories"]
    result = pd.concat([result] + [s for s in sub if len(s)], ignore_index=True)
    return result[OUTPUT_COLUMNS].sort_values(["niveau", "code", "indicateur", "type"], ignore_index=True)


def _names(vintage: str, perimeters=()) -> dict[tuple[str, str], tuple[str, str]]:
    names = {("france", "FR"): ("france", "France")}
    for level in ("region", "academie", "departement"):
        for t in territories.list_territories(level, vintage):
            names[(level, t.code)] = (t.id, t.label)
    for p in perimeters:
        names[(territories.PERIMETRE, p.code)] = (f"{territories.PERIMETRE}:{p.code}", p.nom)
    return names


def _available_types(table: pd.DataFrame) -> set[str]:
    respondents = table[table["repondant_etic"].fillna(False).astype(bool)]
    return set(respondents["type"].dropna())


def _finish(long: pd.DataFrame, cat: dict[str, Indicator], year: int, threshold: int,
            table: pd.DataFrame, names) -> pd.DataFrame:
    meta = pd.DataFrame([{"indicateur": i.id, "titre": i.title if not i.level_label else f"{i.title} : {i.level_label}",
                          "theme": i.theme, "unite": i.unit, "kind": i.kind, "source_key": i.source,
                          "base": i.base or i.id, "modalite": i.level, "types_publies": i.types,
                          "local": i.local}
                         for i in cat.values()])
    long = long.merge(meta, on="indicateur", how="left")
    keep = [t in types for t, types in zip(long["type"], long["types_publies"])]
    long = long[keep].copy()
    U, A, N, D = long["U"], long["A"], long["N"], long["D"]
    ratio = long["kind"].eq("ratio")
    share = long["kind"].eq("share")
    count = long["kind"].eq("count")
    percent = long["indicateur"].map(lambda i: bool(cat[i].spec.get("percent")))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(share, 100 * N / D, np.where(ratio, N / D * np.where(percent, 100, 1), N))
        long["taux_nc"] = np.where(U > 0, 100 * (U - A) / U, np.nan)
    long["valeur"] = value
    long["numerateur"] = N
    long["denominateur"] = np.where(count, U, D)
    long["non_communique"] = (U - A).astype(int)
    long["univers"] = U.astype(int)
    long.loc[count, "taux_nc"] = np.where(U[count] > 0, 0.0, np.nan)
    # statut: the first condition that holds, in the order of PRECEDENCE, else ok
    available = _available_types(table)
    type_available = long["type"].map(
        lambda t: any(m in available for m in COMBINED.get(t, (t,))))
    source_present = pd.Series(True, index=long.index)
    etic = long["source_key"].eq("etic")
    source_present[etic] = type_available[etic]
    if "couverture_disponible" in table and not table["couverture_disponible"].any():
        source_present[long["source_key"].eq("couverture")] = False
    if "colleges_lab" in table and table["colleges_lab"].isna().all():
        source_present[long["source_key"].eq("experimentations")] = False
    # A local source covers part of France: where it covers nothing, its figures are "n.d.".
    source_present &= ~(long["local"].astype(bool) & (U == 0))
    outside = long["indicateur"].isin(outside_questionnaire(cat, year))
    conditions = {Statut.ABSENT: ~source_present, Statut.HORS_QUESTIONNAIRE: outside, Statut.VIDE: U == 0,
                  Statut.NC: (A == 0) & ~count, Statut.SECRET: (A < threshold) & ~count}
    long["statut"] = np.select([conditions[s] for s in PRECEDENCE], [s.value for s in PRECEDENCE],
                               default=Statut.OK.value)
    long.loc[long["statut"] != Statut.OK, "valeur"] = np.nan
    undefined = long["statut"].isin([Statut.ABSENT, Statut.HORS_QUESTIONNAIRE])
    long.loc[undefined, ["numerateur", "denominateur", "taux_nc"]] = np.nan
    long["non_communique"] = long["non_communique"].astype("Int64").mask(undefined)
    long["annee"] = year
    key = list(zip(long["niveau"], long["code"]))
    long["territoire"] = [names[k][0] for k in key]
    long["nom"] = [names[k][1] for k in key]
    long["source"] = long["source_key"].map(source_labels()) + f" {year}"
    return long


def outside_questionnaire(cat: dict[str, Indicator], year: int) -> set[str]:
    """Shares on a category (the levels of a distribution among them) none of whose levels the
    millésime's questionnaires have (:func:`analysis.sources.questionnaires.levels_in_year`)."""
    out = set()
    for ind in cat.values():
        category = (ind.spec.get("condition") or {}).get("category") if ind.kind == "share" else None
        if not category:
            continue
        levels = levels_in_year(category["column"], year)
        if levels is not None and not {str(v) for v in category["in"]} & levels:
            out.add(ind.id)
    return out


def _distinct(table, ind: Indicator, year, groupings, names) -> pd.DataFrame:
    rows = []
    column = ind.spec["column"]
    present = table[column].notna().any() if column in table else False
    for level, keys, editions in groupings:
        counts = table[column].groupby(keys).nunique() if present else pd.Series(dtype=float)
        for code in editions:
            n = float(counts.get(code, 0))
            rows.append({"territoire": names[(level, code)][0], "niveau": level, "code": code,
                         "nom": names[(level, code)][1], "annee": year, "type": "ensemble",
                         "indicateur": ind.id, "titre": ind.title, "theme": ind.theme, "unite": ind.unit,
                         "valeur": n if present else np.nan, "numerateur": n if present else np.nan,
                         "denominateur": np.nan, "non_communique": 0, "univers": int(n),
                         "taux_nc": 0.0 if present else np.nan,
                         "statut": Statut.OK.value if present else Statut.ABSENT.value,
                         "source": f"{source_labels()[ind.source]} {year}", "base": ind.id, "modalite": None})
    return pd.DataFrame(rows)


def _subterritories(result: pd.DataFrame, ind: Indicator, vintage: str) -> pd.DataFrame:
    spec = ind.spec
    base = result[(result["indicateur"] == spec["of"]) & (result["niveau"] == spec["level"])
                  & (result["type"] == spec["type"])].set_index("code")
    rows = []
    for (level, _code), group in result[result["indicateur"] == spec["of"]].groupby(["niveau", "code"]):
        if level in (spec["level"], territories.PERIMETRE) or (group["type"] != spec["type"]).all():
            continue
        first = group.iloc[0]
        territory = territories.parse_territory(first["territoire"], vintage)
        members = [c.code for c in territories.children(territory, spec["level"])] \
            if level != "france" else list(base.index)
        values = base.reindex(members)
        known = values[values["statut"] == Statut.OK]
        absent = (values["statut"] == Statut.ABSENT).all()
        n = float((known["valeur"] >= spec["at_least"] - 1e-9).sum())
        rows.append({**{k: first[k] for k in ("territoire", "niveau", "code", "nom", "annee")},
                     "type": "ensemble", "indicateur": ind.id, "titre": ind.title, "theme": ind.theme,
                     "unite": ind.unit, "valeur": np.nan if absent else n, "numerateur": np.nan if absent else n,
                     "denominateur": float(len(known)), "non_communique": int(len(values) - len(known)),
                     "univers": int(len(values)),
                     "taux_nc": 100 * (len(values) - len(known)) / len(values) if len(values) else np.nan,
                     "statut": (Statut.ABSENT if absent else Statut.OK).value, "source": first["source"],
                     "base": ind.id, "modalite": None})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------- several millésimes
def with_evolution(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Add the previous millésime's value and the change (points for %, units otherwise)."""
    out = current.copy()
    if previous is None or previous.empty:
        out["valeur_precedente"] = np.nan
        out["evolution"] = np.nan
        out["comparable"] = pd.NA
        return out
    prev = previous.set_index(["territoire", "type", "indicateur"])["valeur"]
    key = pd.MultiIndex.from_frame(out[["territoire", "type", "indicateur"]])
    out["valeur_precedente"] = prev.reindex(key).to_numpy()
    # a level one of the two questionnaires does not have has no previous value to compare with
    out.loc[out["statut"] == Statut.HORS_QUESTIONNAIRE, "valeur_precedente"] = np.nan
    prev_year = int(previous["annee"].iloc[0])
    since = out["indicateur"].map({i: ind.comparable_since for i, ind in catalogue().items()})
    out["comparable"] = [bool(pd.isna(s) or prev_year >= s) for s in since]
    out["evolution"] = np.where(out["comparable"], out["valeur"] - out["valeur_precedente"], np.nan)
    return out


def for_territory(results: pd.DataFrame, territory: territories.Territory | str,
                  *, with_parents: bool = False) -> pd.DataFrame:
    """Rows of one territory (and, optionally, its parents up to France, nearest first)."""
    t = territory if isinstance(territory, territories.Territory) else territories.parse_territory(territory)
    ids = [t.id] + ([p.id for p in territories.parents(t)] if with_parents else [])
    rows = results[results["territoire"].isin(ids)].copy()
    rows["rang"] = rows["territoire"].map({i: n for n, i in enumerate(ids)})
    return rows.sort_values(["rang", "indicateur", "type"]).drop(columns="rang")
