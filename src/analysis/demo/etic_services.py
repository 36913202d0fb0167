"""ETIC question blocks on services: the ENT (generalised by département for collèges, by région
for lycées) and the digital resources used."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import territories

from . import targets as T
from .etic_millesime import REPORT_KINDS, MillesimeAnswers
from .etic_questionnaire import ordered_codes
from .etic_values import as_code, as_yes_no
from .geography import geography
from .sampling import ordinal, rng_for, share_count, solve_intercept, top_k


def ent(m: MillesimeAnswers) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-ent", m.year)
    ok = m.answered("ent")
    geo = geography()
    years = T.years_after(y)
    effect = m.effects["ent"]
    # Collèges: départements where the ENT is generalised (every collège has it).
    n_general = min(len(geo), T.ENT_GENERALISED_DEPARTEMENTS + 6 * years)
    general_dep = np.zeros(len(geo), dtype=bool)
    general_dep[np.argsort(-effect, kind="stable")[:n_general]] = True
    # Lycées: régions where the ENT is generalised.
    hierarchy = territories.hierarchy(territories.vintage_for_year(y)).set_index("departement")
    region = hierarchy["region"].reindex(geo.codes).to_numpy()
    metro_regions = sorted({r for r, d in zip(region, geo.codes) if d not in ("971", "972", "973", "974", "976")})
    order = rng_for(m.seed, "ent-regions").permutation(len(metro_regions))
    general_regions = {metro_regions[i] for i in order[: T.ENT_GENERALISED_REGIONS + years]}
    general_reg = np.isin(region, list(general_regions))
    z_general = m.z((effect[m.dep], 0.55), (m.persistent("ent"), 0.5), key="ent")
    ecole_effect = rng_for(m.seed, "ent-ecole-departement").standard_normal(len(geo))
    z_ecole = m.z((ecole_effect[m.dep], 0.75), (m.persistent("ent"), 0.4), key="ent-ecole")
    score = np.where(m.kind == "ecole", z_ecole, z_general)
    score = np.where((m.kind == "college") & general_dep[m.dep], 100 + score, score)
    score = np.where((m.kind == "lycee") & general_reg[m.dep], 100 + score, score)
    # Outside the generalised units, at least one answer is "non": their count stays exact.
    for k, unit, general in (("college", m.dep, general_dep[m.dep]),
                             ("lycee", region[m.dep], general_reg[m.dep])):
        rows = np.flatnonzero(ok & (m.kind == k) & ~general)
        frame = pd.DataFrame({"unit": unit[rows], "score": score[rows], "row": rows})
        lowest = frame.sort_values("score", kind="stable").drop_duplicates("unit")["row"].to_numpy()
        score[lowest] = -100.0
    share = {k: T.moved(T.ENT[k], T.ENT_DELTA[k], y, 0, 0.995) for k in T.KINDS}
    has = m.by_kind_top(score, ok, share)
    m.ent_values = as_yes_no(has, ok)
    integrated = rng.random(m.n) < np.where(has, 0.95, 0.3)
    m.cols["SiProjEtabIntegreENT"] = as_yes_no(integrated, m.extra_missing(ok, 0.01, "integre"))


def ressources(m: MillesimeAnswers) -> None:
    y = m.year
    rng = rng_for(m.seed, "etic-ressources", m.year)
    ok = m.answered("ressources")
    common = m.z((m.dep_effect("res"), 0.5), (m.persistent("res"), 0.6), key="res")
    noise = rng.standard_normal((len(T.RESSOURCES), m.n))
    items = np.zeros((len(T.RESSOURCES), m.n), dtype=bool)
    second = ok & (m.kind != "ecole")
    fixed = {item: T.moved(T.RESSOURCES_2D[item], T.RESSOURCES_DELTA, y, 0, 0.99) for item in T.RESSOURCES}

    def draw(rows: np.ndarray, shares: dict[str, float], loading: float) -> np.ndarray:
        out = np.zeros((len(T.RESSOURCES), len(rows)), dtype=bool)
        for i, item in enumerate(T.RESSOURCES):
            score = loading * common[rows] + (1 - loading**2) ** 0.5 * noise[i, rows]
            out[i] = top_k(score, share_count(shares[item], len(rows)))
        return out

    rows_2d = np.flatnonzero(second)
    items[:, rows_2d] = draw(rows_2d, fixed, 0.5)
    rows_e = np.flatnonzero(ok & (m.kind == "ecole"))
    counts = {k: int((ok & (m.kind == k)).sum()) for k in REPORT_KINDS}
    report_2d = ok & np.isin(m.kind, ["college", "lycee"])
    none_2d = int((~items[:, report_2d].any(axis=0)).sum())
    total = sum(counts.values())
    aucune_target = T.moved(T.RESSOURCES_OVERALL["aucune"], -T.RESSOURCES_DELTA, y)
    aucune_e = (aucune_target * total - none_2d) / max(counts["ecole"], 1)
    shares_e = {}
    for item in T.RESSOURCES:
        overall = T.moved(T.RESSOURCES_OVERALL[item], T.RESSOURCES_DELTA, y)
        shares_e[item] = m.solve_ecole(overall, {k: fixed[item] for k in REPORT_KINDS}, ok)
    if len(rows_e):
        loading = solve_intercept(lambda lam: (~draw(rows_e, shares_e, lam).any(axis=0)).mean(),
                                  aucune_e, lo=0.0, hi=0.99, steps=14)
        items[:, rows_e] = draw(rows_e, shares_e, loading)
    aucune = ~items.any(axis=0)
    c = m.cols
    for i, item in enumerate(T.RESSOURCES):
        c[f"TpRess_{item}"] = as_yes_no(items[i], ok)
    c["TpRess_aucune"] = as_yes_no(aucune, ok)
    codes = ordered_codes("etic_2d", "nb_ressources_editoriales", y)
    index = np.zeros(m.n, dtype=np.int64)
    for k in T.KINDS:
        rows = np.flatnonzero(m.kind == k)
        probs = [0.06, 0.55, 0.22, 0.11, 0.06] if k == "ecole" else [0.03, 0.42, 0.24, 0.19, 0.12]
        index[rows] = ordinal(common[rows], probs)
    index = np.where(aucune, np.where(rng.random(m.n) < 0.7, 0, 1), index)
    c["NbRessourceEdit"] = as_code(index, codes, m.extra_missing(ok, 0.08, "nbress"))
