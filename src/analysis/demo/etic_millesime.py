"""The answers of one ETIC millésime: its universe, who responds, item non-response, and the
latent scores every question block draws from.

The universe is the annuaire's public establishments of the natures ETIC surveys (both files).
Non-respondents are drawn with a département effect and an establishment propensity that persists
across millésimes; each question block then gets its own item non-response, sized on the
report's n.c. rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.vocabulary import ENSEMBLE_TYPES

from . import targets as T
from .annuaire import departement_effects
from .etic_contrasts import nonresponse_propensity
from .geography import geography
from .sampling import mix, pick, rng_for, share_count, top_k

ETIC_2D_NATURES = {"340": ("Collège", "C"), "300": ("LEGT", "G"), "302": ("LEGT", "G"),
                   "306": ("Lycées Polyvalents", "G"), "320": ("LP", "P"), "370": ("EREA", "EREA")}
# UNVERIFIED (no ETIC 1d file seen): labels of the écoles' natures.
ETIC_1D_NATURES = {"101": ("Ecole maternelle", ""), "151": ("Ecole élémentaire", "")}
ETIC_NATURES = {**ETIC_2D_NATURES, **ETIC_1D_NATURES}
REPORT_KINDS = ENSEMBLE_TYPES     # the report's "ensemble" (EREA excluded)


class MillesimeAnswers:
    """The answers of one millésime, built block by block (arrays aligned with respondents).

    The question blocks (:mod:`.etic_connectivity`, :mod:`.etic_equipment`, :mod:`.etic_services`,
    :mod:`.etic_levels`) fill ``cols`` with the raw columns; ``acces`` also sets ``no_access``
    (read by ``classes``) and ``ent`` sets ``ent_values`` (written under the millésime's ENT column).
    """

    def __init__(self, est: pd.DataFrame, seed: int, year: int):
        self.seed = seed
        self.year = int(year)
        self.rng = rng_for(seed, "etic", year)
        self.effects = departement_effects(seed)
        universe = est[est["public"] & est["nature"].isin(list(ETIC_NATURES))]
        self.universe_kind = universe["kind"].to_numpy().astype(str)
        respond = self._respondents(universe)
        self.r = universe[respond].reset_index(drop=True)
        self.n = len(self.r)
        self.kind = self.r["kind"].to_numpy().astype(str)
        self.dep = self.r["dep_idx"].to_numpy()
        self.rep = self.r["rep"].to_numpy().astype(str)
        self.cols: dict[str, np.ndarray] = {}
        years = T.years_after(year)
        noise = self.rng.standard_normal(self.n)
        self.pupils = np.maximum(5, np.rint(self.r["pupils"].to_numpy() * np.exp(0.03 * noise) *
                                            (1 + 0.004 * years))).astype(np.int64)
        self.n_classes = np.maximum(1, np.rint(self.pupils / np.where(self.kind == "ecole",
                                                                    self.rng.uniform(20, 26, self.n),
                                                                    self.rng.uniform(22, 27, self.n)))).astype(np.int64)

    # -- presence and item non-response ---------------------------------------------------------

    def _respondents(self, universe: pd.DataFrame) -> np.ndarray:
        """Respondents: exact count per kind; non-response concentrated in some départements."""
        kind = universe["kind"].to_numpy().astype(str)
        dep = universe["dep_idx"].to_numpy()
        propensity = nonresponse_propensity(self.effects["nc"])[dep]
        individual = np.exp(0.6 * universe["z_resp"].to_numpy() + 0.3 * self.rng.standard_normal(len(universe)))
        respond = np.ones(len(universe), dtype=bool)
        for k in T.KINDS:
            rows = np.flatnonzero(kind == k)
            rate = T.moved(T.RESPONSE[k], T.RESPONSE_DELTA, self.year, 0.0, 0.99)
            # Lycées: non-response is high everywhere (the report: 30-50 % in almost every région).
            weight = propensity[rows] ** (1.0 if k in ("ecole", "college") else 0.3) * individual[rows]
            absent = pick(self.rng, weight, len(rows) - share_count(rate, len(rows)))
            respond[rows[absent]] = False
        return respond

    def answered(self, block: str) -> np.ndarray:
        """Respondents answering a question block (n.c. calibrated on the report's figure)."""
        if block in T.NC_BY_KIND:
            nc = {k: T.NC_BY_KIND[block][k] for k in T.KINDS}
        elif block in T.NC_OVERALL:
            universe = np.isin(self.universe_kind, REPORT_KINDS).sum()
            respondents = np.isin(self.kind, REPORT_KINDS).sum()
            missing = 1.0 - (1.0 - T.moved(T.NC_OVERALL[block], T.NC_DELTA, self.year)) * universe / respondents
            nc = {k: None for k in T.KINDS}
            item = {k: max(0.0, missing) for k in T.KINDS}
        else:
            nc = {k: None for k in T.KINDS}
            item = {k: T.NC_OTHER for k in T.KINDS}
        rng = rng_for(self.seed, "etic-item", self.year, block)
        dep_effect = rng_for(self.seed, "item-departement", block).standard_normal(len(geography()))
        score = 0.9 * dep_effect[self.dep] + 0.7 * self.r["z_lazy"].to_numpy() + 0.6 * rng.standard_normal(self.n)
        ok = np.ones(self.n, dtype=bool)
        for k in T.KINDS:
            rows = np.flatnonzero(self.kind == k)
            universe = int((self.universe_kind == k).sum())
            if nc[k] is not None:
                target = T.moved(nc[k], T.NC_DELTA, self.year)
                n_missing = len(rows) - share_count(1.0 - target, universe)
            else:
                n_missing = share_count(item[k], len(rows))
            n_missing = int(min(max(n_missing, 0), len(rows)))
            ok[rows[pick(rng, np.exp(score[rows]), n_missing)]] = False
        return ok

    def extra_missing(self, answered: np.ndarray, share: float, key: str) -> np.ndarray:
        rng = rng_for(self.seed, "etic-extra", self.year, key)
        return answered & (rng.random(self.n) >= share)

    # -- helpers ----------------------------------------------------------------------------------

    def z(self, *parts: tuple[np.ndarray | float, float], key: str) -> np.ndarray:
        return mix(rng_for(self.seed, "etic-z", self.year, key), *parts)

    def persistent(self, name: str) -> np.ndarray:
        return self.r[f"z_{name}"].to_numpy()

    def dep_effect(self, name: str) -> np.ndarray:
        return self.effects[name][self.dep]

    def solve_ecole(self, overall: float, fixed: dict[str, float], answered: np.ndarray) -> float:
        """Écoles' share such that the share over écoles, collèges and lycées is ``overall``."""
        counts = {k: int((answered & (self.kind == k)).sum()) for k in REPORT_KINDS}
        total = sum(counts.values())
        rest = sum(fixed[k] * counts[k] for k in REPORT_KINDS if k != "ecole")
        return float(np.clip((overall * total - rest) / max(counts["ecole"], 1), 0.0, 1.0))

    def by_kind_top(self, score: np.ndarray, answered: np.ndarray, share: dict[str, float]) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for k in T.KINDS:
            rows = np.flatnonzero(answered & (self.kind == k))
            out[rows[top_k(score[rows], share_count(share[k], len(rows)))]] = True
        return out
