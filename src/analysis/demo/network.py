"""Synthetic network coverage (THD potential, 3G/4G: the ``couverture`` source) and PIA experimentations files.

Coverage: one row per establishment of the annuaire (every sector) and millésime. THD = potential
bandwidth ``debit_max_potentiel`` >= 30 Mbit/s; the share per département is drawn exactly from
the département's target (22 départements at 90 % or more in 2018, none below 65 %). 4 % of rows
are n.c. (every débit empty). Débits are in Mbit/s; a technology without coverage is written 0.

Experimentations: collèges lab (public collèges), e-FRAN (21 projects, écoles, collèges and lycées
of one or two neighbouring départements each) and ProFan (public lycées professionnels). The same
rows are written for every millésime.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.core import territories
from analysis.sources import layouts

from . import targets as T
from .annuaire import departement_effects, object_frame
from .geography import geography
from .sampling import allocate, mix, pick, rng_for, share_count, top_k


@lru_cache(maxsize=8)
def _decimal_table(size: int, digits: int) -> np.ndarray:
    scale = 10**digits
    return np.array([""] + [f"{i / scale:.{digits}f}".rstrip("0").rstrip(".") if digits else str(i)
                            for i in range(size)], dtype=object)


def _decimal(values: np.ndarray, answered: np.ndarray, digits: int) -> np.ndarray:
    """Numbers with at most ``digits`` decimals ("12.5", "1000"), empty when not answered."""
    steps = np.rint(np.asarray(values, dtype=float) * 10**digits).astype(np.int64)
    size = 1 << max(10, int(steps.max()).bit_length())
    return _decimal_table(size, digits)[np.where(answered, steps + 1, 0)]


def couverture_frame(est: pd.DataFrame, seed: int, years: tuple[int, ...]) -> pd.DataFrame:
    geo = geography()
    effects = departement_effects(seed)
    dep = est["dep_idx"].to_numpy()
    n = len(est)
    urban = np.isin(geo.typo, ["M", "G"])[dep]
    frames = []
    for year in years:
        rng = rng_for(seed, "couverture", year)
        nc = pick(rng, np.where(urban, 1.0, 1.4), share_count(T.COVERAGE_NC, n))
        score = mix(rng, (est["z_conn"].to_numpy(), 0.8), (effects["thd"][dep], 0.2))
        thd = np.zeros(n, dtype=bool)
        for d in range(len(geo)):
            rows = np.flatnonzero((dep == d) & ~nc)
            target = T.moved(geo.thd[d], T.THD_DELTA, year, 0.0, max(0.995, geo.thd[d]))
            thd[rows[top_k(score[rows], share_count(target, len(rows)))]] = True
        u = rng.random((6, n))
        ftth = thd & (u[0] < np.where(urban, 0.6, 0.4))
        cable = thd & ~ftth & (u[1] < np.where(urban, 0.35, 0.1))
        vdsl = thd & ~ftth & ~cable
        ftth_max = np.where(ftth, rng.choice([100, 300, 500, 1000], n, p=[0.1, 0.2, 0.1, 0.6]), 0)
        ftth_min = np.where(ftth, np.minimum(ftth_max, rng.choice([30, 100, 300], n)), 0)
        cable_max = np.where(cable, rng.choice([100, 400, 1000], n, p=[0.3, 0.4, 0.3]), 0)
        cable_min = np.where(cable, np.minimum(cable_max, rng.choice([30, 100], n)), 0)
        dsl_max = np.where(vdsl, rng.uniform(30, 95, n), 29.9 * u[2] ** 1.5 + 0.5)
        dsl_max = np.where(thd & ~vdsl, np.where(u[3] < 0.5, rng.uniform(30, 95, n), rng.uniform(2, 29.9, n)), dsl_max)
        dsl_min = dsl_max * rng.uniform(0.05, 0.9, n)
        debit = np.maximum.reduce([dsl_max, ftth_max.astype(float), cable_max.astype(float)])
        ok = ~nc
        # Mobile coverage ("bonne couverture" outdoor): rural addresses have fewer operators.
        mobile_score = mix(rng, (est["z_conn"].to_numpy(), 0.5), (np.where(urban, 0.8, -0.4), 1.0))
        no_3g = top_k(-mobile_score, share_count(T.COVERAGE_3G_NONE, n))
        no_4g = no_3g | pick(rng, np.exp(-mobile_score) * ~no_3g, share_count(T.COVERAGE_4G_NONE, n) - int(no_3g.sum()))
        ops_3g = np.where(no_3g, 0, np.clip(np.rint(2.8 + 0.8 * mobile_score + 0.6 * rng.standard_normal(n)), 1, 4))
        ops_4g = np.where(no_4g, 0, np.clip(ops_3g - (u[4] < 0.3), 1, 4))
        always = np.ones(n, dtype=bool)
        frames.append(object_frame({
            "uai": est["uai"].to_numpy().astype(object),
            "millesime": np.full(n, str(year), dtype=object),
            "dsl_min": _decimal(dsl_min, ok, 1), "dsl_max": _decimal(dsl_max, ok, 1),
            "ftth_min": _decimal(ftth_min, ok, 0), "ftth_max": _decimal(ftth_max, ok, 0),
            "cable_min": _decimal(cable_min, ok, 0), "cable_max": _decimal(cable_max, ok, 0),
            "debit_max_potentiel": _decimal(debit, ok, 1),
            "nb_operateurs_3g": _decimal(ops_3g, always, 0), "nb_operateurs_4g": _decimal(ops_4g, always, 0),
        }, layouts.COUVERTURE, n))
    return pd.concat(frames, ignore_index=True)


def experimentations_frame(est: pd.DataFrame, seed: int, years: tuple[int, ...]) -> pd.DataFrame:
    geo = geography()
    rng = rng_for(seed, "experimentations")
    dep = est["dep_idx"].to_numpy()
    public = est["public"].to_numpy()
    nature = est["nature"].to_numpy()
    uai = est["uai"].to_numpy()
    rows: list[tuple[str, str, str]] = []
    colleges = np.flatnonzero(public & (nature == "340"))
    lab = colleges[pick(rng, np.ones(len(colleges)), T.EXPERIMENTATIONS["colleges_lab"])]
    rows += [(u, "colleges_lab", "Collèges lab") for u in sorted(uai[lab])]
    lps = np.flatnonzero(public & (nature == "320"))
    profan = lps[pick(rng, np.ones(len(lps)), T.EXPERIMENTATIONS["profan"])]
    rows += [(u, "profan", "ProFan") for u in sorted(uai[profan])]
    # e-FRAN: 21 projects in 21 distinct metropolitan départements (plus a neighbour sometimes).
    n_projects = T.EXPERIMENTATIONS["efran_projects"]
    sizes = allocate(T.EXPERIMENTATIONS["efran"] - 5 * n_projects, rng.gamma(1.5, 1.0, n_projects), 0) + 5
    mainland = np.flatnonzero(~np.isin(geo.codes, ["971", "972", "973", "974", "976"]))
    chosen = mainland[pick(rng, geo.pop[mainland] ** 0.5, n_projects)]
    academie = territories.hierarchy("2016").set_index("departement")["academie"].reindex(geo.codes).to_numpy()
    taken = np.zeros(len(est), dtype=bool)
    eligible = public & np.isin(nature, ["101", "151", "340", "300", "302", "306", "320"])
    for p, (d, size) in enumerate(zip(chosen, sizes), start=1):
        same_academie = np.isin(dep, np.flatnonzero(academie == academie[d]))
        weights = np.where(dep == d, 1.0, 0.15) * same_academie * eligible * ~taken
        weights = weights * np.where(nature == "340", 3.0, np.where(np.isin(nature, ["101", "151"]), 1.0, 2.0))
        members = pick(rng, weights, int(size))
        taken |= members
        name = f"e-FRAN démo {p:02d}"
        rows += [(u, "efran", name) for u in sorted(uai[members])]
    base = np.array(rows, dtype=object)
    frames = []
    for year in years:
        m = len(base)
        frames.append(object_frame({
            "uai": base[:, 0], "millesime": np.full(m, str(year), dtype=object),
            "programme": base[:, 1], "projet": base[:, 2], "url": np.full(m, "", dtype=object),
        }, layouts.EXPERIMENTATIONS, m))
    return pd.concat(frames, ignore_index=True)
