"""Synthetic ETIC answers (second degré: fr-en-etic_2d; premier degré: fr-en-etic_1d).

The universe is the annuaire's public establishments that ETIC surveys: écoles (101, 151) for
ETIC 1d; collèges (340), LEGT (300, 302), lycées polyvalents (306), LP (320) and EREA (370) for
ETIC 2d. Private establishments, agricultural lycées and the other natures are never in the files.

For each millésime:

1. non-respondents are drawn (absent from the file), with a département effect and an
   establishment propensity that persists across millésimes;
2. among respondents, each question block gets its own item non-response, sized so that the
   n.c. rate (universe without an answer / universe) lands on the report's figure;
3. values are drawn among the answers from latent scores (département effect + persistent
   establishment effect + yearly noise) and assigned by rank, so that national shares land exactly
   on the targets while territorial contrasts remain.

Which columns a millésime asks, and the answer codes, are read from the questionnaire YAML
(``since`` / ``until`` / ``codes``): questions not asked are written empty.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import yaml

from analysis.core import config, territories
from analysis.core.vocabulary import ENSEMBLE_TYPES
from analysis.sources import layouts

from . import targets as T
from .annuaire import departement_effects, object_frame
from .geography import ILE_DE_FRANCE, geography
from .sampling import mix, ordinal, pick, rng_for, share_count, sigmoid, solve_intercept, top_k

ETIC_2D_NATURES = {"340": ("Collège", "C"), "300": ("LEGT", "G"), "302": ("LEGT", "G"),
                   "306": ("Lycées Polyvalents", "G"), "320": ("LP", "P"), "370": ("EREA", "EREA")}
# UNVERIFIED (no ETIC 1d file seen): labels of the écoles' natures.
ETIC_1D_NATURES = {"101": ("Ecole maternelle", ""), "151": ("Ecole élémentaire", "")}
ETIC_NATURES = {**ETIC_2D_NATURES, **ETIC_1D_NATURES}
REPORT_KINDS = ENSEMBLE_TYPES     # the report's "ensemble" (EREA excluded)

# Raw column names that differ between ETIC 2d and ETIC 1d.
RENAME_1D = {"Maint_PersonnelEducNatHsEtab": "Maint_PersonnelEducNatHsEcole",
             "Maint_PersonnelEtab": "Maint_PersonnelEcole"}


# ------------------------------------------------------------------------------------------------
# Questionnaire (YAML) helpers
# ------------------------------------------------------------------------------------------------


@cache
def questionnaire(name: str) -> dict:
    path = config.RESOURCES / "questionnaires" / f"{name}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _applicable(mapping: dict, year: int):
    """Entry of a {first millésime: value} mapping in force in ``year``."""
    keys = sorted(int(k) for k in mapping)
    eligible = [k for k in keys if k <= year] or keys[:1]
    return mapping[eligible[-1]] if eligible[-1] in mapping else mapping[str(eligible[-1])]


def unasked_columns(name: str, year: int) -> set[str]:
    """Raw columns of the questions not asked in ``year`` (``since`` / ``until``)."""
    columns = set()
    for spec in questionnaire(name)["variables"].values():
        if isinstance(spec["column"], dict):
            continue
        since, until = spec.get("since"), spec.get("until")
        if (since is not None and year < int(since)) or (until is not None and year > int(until)):
            columns.add(spec["column"])
    return columns


def ent_column(name: str, year: int) -> str:
    return _applicable(questionnaire(name)["variables"]["ent"]["column"], year)


def ordered_codes(name: str, variable: str, year: int) -> list[str]:
    """Raw codes of a category variable in ``year``, from the lowest level to the highest."""
    spec = questionnaire(name)["variables"][variable]
    codes = _applicable(spec["codes"], year)
    levels = spec["levels"]
    return sorted(codes, key=lambda code: levels.index(codes[code]))


# ------------------------------------------------------------------------------------------------
# Formatting helpers
# ------------------------------------------------------------------------------------------------

EMPTY = ""


_YES_NO = np.array([EMPTY, "non", "oui"], dtype=object)


def _yes_no(values: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """"oui" / "non", empty when not answered."""
    return _YES_NO[np.asarray(answered, dtype=np.int8) * (1 + np.asarray(values, dtype=np.int8))]


@lru_cache(maxsize=8)
def _count_table(size: int) -> np.ndarray:
    return np.array([EMPTY] + [f"{i}.0" for i in range(size)], dtype=object)


def _count(values: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Counts written like the real file ("311.0"), empty when not answered."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) == 0:
        return np.zeros(0, dtype=object)
    size = 1 << max(10, int(values.max()).bit_length())
    return _count_table(size)[np.where(answered, values + 1, 0)]


def _code(index: np.ndarray, codes: list[str], answered: np.ndarray) -> np.ndarray:
    table = np.array(codes, dtype=object)
    return np.where(answered, table[np.clip(index, 0, len(codes) - 1)], EMPTY).astype(object)


def _ascii_upper(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw from a (n, k) matrix of probabilities."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    return (rng.random((len(probs), 1)) > cum).sum(axis=1)


# ------------------------------------------------------------------------------------------------
# Département-level contrasts (by the report's commune typology)
# ------------------------------------------------------------------------------------------------


def _by_typo(values: dict[str, float], overrides: dict[str, float] | None = None) -> np.ndarray:
    geo = geography()
    out = np.array([values[t] for t in geo.typo], dtype=float)
    for code, value in (overrides or {}).items():
        out[geo.index(code)] = value
    return out


def _ratio_multipliers(effects: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Relative pupils-per-terminal by département and kind (>1 = fewer terminals)."""
    idf = {code: 1.75 for code in ILE_DE_FRANCE}
    ecole = _by_typo({"M": 1.25, "G": 1.0, "V": 1.1, "R": 0.62, "D": 1.3},
                     {**idf, "13": 1.6, "01": 0.55, "15": 0.3, "48": 0.3, "32": 1.8, "53": 1.8,
                      "16": 1.5})
    college = _by_typo({"M": 1.1, "G": 1.0, "V": 0.95, "R": 0.65, "D": 1.7},
                       {c: 0.5 for c in ("09", "43", "39", "40", "48", "55", "56", "88")})
    lycee = _by_typo({"M": 1.05, "G": 1.0, "V": 1.0, "R": 0.9, "D": 1.4})
    e = effects["equip"]
    return {"ecole": ecole * np.exp(-0.15 * e), "college": college * np.exp(-0.22 * e),
            "lycee": lycee * np.exp(-0.15 * e), "erea": lycee * np.exp(-0.2 * e)}


def _nonresponse_propensity(effect: np.ndarray) -> np.ndarray:
    """Relative non-response weight of each département from its rank.

    As in the report's completeness annexes: many départements answer almost completely, most
    miss between 5 % and 40 %, about one in eight misses more than half. The weight is
    -log(1 - q) for a nominal rate q; exact national counts then rescale it.
    """
    u = (np.argsort(np.argsort(effect)) + 0.5) / len(effect)
    q = np.where(u < 0.38, 0.003 + 0.04 * u / 0.38,
                 np.where(u < 0.87, 0.05 + 0.25 * (u - 0.38) / 0.49, 0.60 + 0.25 * (u - 0.87) / 0.13))
    return -np.log1p(-q)


def _connectivity_effect(effects: dict[str, np.ndarray]) -> np.ndarray:
    shift = _by_typo({"M": 0.6, "G": 0.3, "V": 0.0, "R": -0.5, "D": -1.5})
    return (shift + 0.6 * effects["conn"]) / np.sqrt(1 + 0.36)


def _tni_effect(effects: dict[str, np.ndarray]) -> np.ndarray:
    shift = _by_typo({"M": -0.2, "G": 0.0, "V": 0.0, "R": 0.6, "D": -0.4},
                     {code: -0.6 for code in ILE_DE_FRANCE})
    return (shift + 0.7 * effects["tni"]) / np.sqrt(1 + 0.49)


# ------------------------------------------------------------------------------------------------
# One millésime
# ------------------------------------------------------------------------------------------------


class _Year:
    """The answers of one millésime, built block by block (arrays aligned with respondents)."""

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
        propensity = _nonresponse_propensity(self.effects["nc"])[dep]
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

    # -- blocks -----------------------------------------------------------------------------------

    def acces(self) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-acces", self.year)
        ok = self.answered("acces")
        z = self.z((_connectivity_effect(self.effects)[self.dep], 0.55), (self.persistent("conn"), 0.6), key="conn")
        shares = {}
        for tech in ("fibre", "adsl", "rtc"):
            fixed = {k: T.moved(v, T.ACCES_DELTA[tech], y) for k, v in T.ACCES_2D[tech].items()}
            overall = T.moved(T.ACCES_OVERALL[tech], T.ACCES_DELTA[tech], y)
            shares[tech] = {**fixed, "ecole": self.solve_ecole(overall, fixed, ok)}
        aucun = np.zeros(self.n, dtype=bool)
        fibre = np.zeros(self.n, dtype=bool)
        adsl = np.zeros(self.n, dtype=bool)
        rtc = np.zeros(self.n, dtype=bool)
        autres = np.zeros(self.n, dtype=bool)
        nsp = np.zeros(self.n, dtype=bool)
        for k in T.KINDS:
            rows = np.flatnonzero(ok & (self.kind == k))
            n = len(rows)
            zk = z[rows]
            a = top_k(-zk, share_count(T.moved(T.ACCES["aucun"][k], -0.005, y), n))
            acc = np.flatnonzero(~a)
            f = np.zeros(n, dtype=bool)
            f[acc[top_k(zk[acc], share_count(shares["fibre"][k], n))]] = True
            d = np.zeros(n, dtype=bool)
            weights = np.where(f[acc], 0.12, 1.0) * np.exp(-0.3 * zk[acc])
            d[acc[pick(rng, weights, share_count(shares["adsl"][k], n))]] = True
            neither = ~a & ~f & ~d
            u = rng.random(n)
            r = neither & (u < 0.40)
            o = neither & (u >= 0.40) & (u < 0.85)
            s = neither & (u >= 0.85)
            extra_rtc = share_count(shares["rtc"][k], n) - int(r.sum())
            if extra_rtc > 0:
                candidates = np.flatnonzero(~a & ~r)
                r[candidates[pick(rng, np.exp(-zk[candidates]), extra_rtc)]] = True
            extra_o = share_count(T.ACCES["autres"][k], n) - int(o.sum())
            if extra_o > 0:
                candidates = np.flatnonzero(~a & ~o)
                o[candidates[pick(rng, np.ones(len(candidates)), extra_o)]] = True
            aucun[rows], fibre[rows], adsl[rows], rtc[rows], autres[rows], nsp[rows] = a, f, d, r, o, s
        self.no_access = aucun & ok
        c = self.cols
        c["AccWeb_RTC"] = _yes_no(rtc, ok)
        c["AccWeb_CableFibreOptique"] = _yes_no(fibre, ok)
        c["AccWeb_ADSL"] = _yes_no(adsl, ok)
        c["AccWeb_AutresHautDebit"] = _yes_no(autres, ok)
        c["AccWeb_NeSaitPas"] = _yes_no(nsp, ok)
        c["AccWeb_Aucun"] = _yes_no(aucun, ok)
        # Declared bandwidth, from the access technology.
        probs = np.zeros((self.n, 5))
        fibre_probs = np.where((self.kind == "ecole")[:, None], [[0, 0.05, 0.45, 0.25, 0.25]],
                               [[0, 0.03, 0.32, 0.25, 0.40]])
        probs[:] = [0.1, 0.5, 0.4, 0, 0]                       # other high-speed access
        probs[adsl & ~fibre] = [0.12, 0.58, 0.30, 0, 0]
        probs[rtc & ~fibre & ~adsl & ~autres] = [1, 0, 0, 0, 0]
        probs[fibre] = fibre_probs[fibre]
        index = _categorical(rng, probs)
        debit_ok = self.extra_missing(ok & ~aucun & ~(nsp & ~fibre & ~adsl & ~rtc & ~autres), 0.04, "debit")
        c["DebitWeb"] = _code(index, ordered_codes("etic_2d", "debit_web", y), debit_ok)

    def classes(self) -> None:
        y = self.year
        ok = self.answered("classes")
        z = self.z((_connectivity_effect(self.effects)[self.dep], 0.45), (self.persistent("conn"), 0.3),
                   (self.persistent("classes"), 0.45), key="classes")
        codes = ordered_codes("etic_2d", "classes_internet", y)
        index = np.zeros(self.n, dtype=np.int64)
        for k in T.KINDS:
            rows = np.flatnonzero(ok & (self.kind == k))
            low, mid, high = T.CLASSES[k]
            high_y = T.moved(high, T.CLASSES_DELTA[k], y, 0, 0.995)
            scale = (1 - high_y) / (low + mid)
            probs = [low * scale, mid * scale, high_y] if len(codes) == 3 else [1 - high_y, high_y]
            # Establishments without internet access fill the lowest class first.
            forced = self.no_access[rows]
            wanted = np.floor(np.cumsum(probs) * len(rows) + 0.5).astype(np.int64)
            counts = np.diff(np.concatenate([[0], wanted]))
            counts[0] -= forced.sum()
            for c in range(len(counts) - 1):
                if counts[c] < 0:
                    counts[c + 1] += counts[c]
                    counts[c] = 0
            free = rows[~forced]
            if len(free):
                index[free] = ordinal(z[free], np.maximum(counts, 0) + 1e-12)
                self.cols["SalleInternet"] = _code(index, codes, ok)

    def wifi(self) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-wifi", self.year)
        ok = self.answered("wifi")
        z = self.z((self.dep_effect("wifi"), 0.5), (self.persistent("wifi"), 0.6), key="wifi")
        absent_share = T.moved(T.WIFI_ABSENT, T.WIFI_DELTA, y)
        absent = self.by_kind_top(-z, ok, {k: absent_share for k in T.KINDS})
        index = np.where(absent, 0, np.where(rng.random(self.n) < 0.52, 1, 2))
        self.cols["SiWifi"] = _code(index, ordered_codes("etic_2d", "wifi", y), ok)

    def terminaux(self, asked: set[str]) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-terminaux", self.year)
        ok = self.answered("terminaux")
        multipliers = _ratio_multipliers(self.effects)
        mult = np.empty(self.n)
        for k in T.KINDS:
            rows = self.kind == k
            mult[rows] = multipliers[k][self.dep[rows]]
        equip = self.z((self.persistent("equip"), 0.85), key="equip")
        sigma = np.where(self.kind == "ecole", 0.5, 0.35)
        raw = self.pupils / (mult * np.exp(-sigma * equip))
        zero = (self.kind == "ecole") & (rng.random(self.n) < 0.003)
        terminals = np.zeros(self.n, dtype=np.int64)
        factor = T.PUPILS_PER_TERMINAL_FACTOR ** T.years_after(y)
        for k, groups in T.PUPILS_PER_TERMINAL.items():
            for group, ratio in groups.items():
                rows = np.flatnonzero((self.kind == k) & ~zero & ((self.rep == group) | (len(groups) == 1)))
                answers = ok[rows]          # calibrated on the answers, applied to every row
                target = ratio * factor
                pupils_sum = self.pupils[rows][answers].sum()
                scale = pupils_sum / (target * raw[rows][answers].sum())
                for _ in range(5):          # rounding moves the ratio: rescale and round again
                    rounded = np.maximum(1, np.rint(raw[rows] * scale)).astype(np.int64)
                    achieved = pupils_sum / rounded[answers].sum()
                    if abs(achieved / target - 1) < 0.001:
                        break
                    scale *= achieved / target
                terminals[rows] = rounded
        # Mobile terminals and recent terminals: aggregate shares solved per kind (and REP group).
        mobile_score = self.z((self.persistent("mobile"), 0.7), (self.dep_effect("mobile"), 0.4), key="mobile")
        recent_score = self.z((self.persistent("recent"), 0.6), (self.dep_effect("recent"), 0.4), key="recent")
        mobile = np.zeros(self.n, dtype=np.int64)
        recent = np.zeros(self.n, dtype=np.int64)
        base = ok & (terminals > 0)
        for k in T.KINDS:
            rows = np.flatnonzero(base & (self.kind == k))
            share = T.moved(T.MOBILE[k], T.MOBILE_DELTA, y)
            mobile[rows] = self._aggregate_share(mobile_score[rows], terminals[rows], share, 1.0)
            for group, value in T.RECENT[k].items():
                sub = rows[(self.rep[rows] == group) | (len(T.RECENT[k]) == 1)]
                share = T.moved(value, T.RECENT_DELTA, y)
                recent[sub] = self._aggregate_share(recent_score[sub], terminals[sub], share, 0.8)
        split = {"ecole": (0.55, 0.05), "college": (0.45, 0.10), "lycee": (0.30, 0.10), "erea": (0.40, 0.10)}
        a = np.clip(np.array([split[k][0] for k in self.kind]) + 0.15 * rng.standard_normal(self.n), 0, 1)
        b = np.clip(np.array([split[k][1] for k in self.kind]) * np.exp(0.5 * rng.standard_normal(self.n)), 0, 0.9)
        tablets = np.rint(mobile * a).astype(np.int64)
        tablet_pcs = np.rint((mobile - tablets) * np.minimum(1.0, b / np.maximum(1e-9, 1 - a))).astype(np.int64)
        if "NbTablettePC" not in asked:
            tablets, tablet_pcs = tablets + tablet_pcs, np.zeros(self.n, dtype=np.int64)
        laptops = mobile - tablets - tablet_pcs
        c = self.cols
        c["NbTerminaux"] = _count(terminals, ok)
        # A zero is sometimes left blank, as in real answers. Blank stays "no answer" downstream
        # (never 0), so the mobile share is computed on complete answers: keep this rare.
        c["NbTablette"] = _count(tablets, ok & ~((tablets == 0) & (rng.random(self.n) < 0.04)))
        c["NbTablettePC"] = _count(tablet_pcs, ok & ~((tablet_pcs == 0) & (rng.random(self.n) < 0.06)))
        c["NbMicroPortable"] = _count(laptops, ok & ~((laptops == 0) & (rng.random(self.n) < 0.02)))
        c["NbMicroMoins5"] = _count(recent, self.extra_missing(ok, 0.01, "recent"))
        pupils_laptops = np.where(rng.random(self.n) < 0.45, np.rint(laptops * rng.uniform(0, 0.6, self.n)), 0)
        pupils_laptops = pupils_laptops.astype(np.int64)
        teacher_laptops = np.minimum(laptops - pupils_laptops, rng.poisson(6, self.n))
        c["NbPortAffEl"] = _count(pupils_laptops, self.extra_missing(ok, 0.02, "portel"))
        c["NbPortAffEns"] = _count(teacher_laptops, self.extra_missing(ok, 0.02, "portens"))
        outside = np.minimum(terminals, np.rint(self.pupils * rng.uniform(0, 0.06, self.n))).astype(np.int64)
        c["PostesInfoElvHorsCours"] = _count(outside, self.extra_missing(ok, 0.02, "horscours"))

    @staticmethod
    def _aggregate_share(score: np.ndarray, terminals: np.ndarray, share: float, spread: float) -> np.ndarray:
        """Counts <= terminals whose sum is ``share`` of the terminals, more where ``score`` is high."""
        if len(score) == 0:
            return np.zeros(0, dtype=np.int64)
        total = terminals.sum()
        a = solve_intercept(lambda x: (sigmoid(x + spread * score) * terminals).sum() / total, share)
        return np.minimum(terminals, np.rint(sigmoid(a + spread * score) * terminals)).astype(np.int64)

    def maintenance(self) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-maintenance", self.year)
        ok = self.answered("maintenance")
        z = self.z((self.dep_effect("maint"), 0.6), (self.persistent("maint"), 0.5), key="maint")
        share = {k: T.moved(T.MAINTENANCE[k], T.MAINTENANCE_DELTA, y) for k in T.KINDS}
        collectivite = self.by_kind_top(z, ok, share)
        u = rng.random((6, self.n))
        staff_p = np.where(self.kind == "ecole", 0.8, np.where(self.kind == "college", 0.85, 0.75))
        pers_collect = collectivite & (u[0] < staff_p)
        presta = collectivite & (~pers_collect | (u[1] < 0.1))
        ecole = self.kind == "ecole"
        educnat = u[2] < np.where(collectivite, 0.08, 0.35)
        own_staff = u[3] < np.where(collectivite, np.where(ecole, 0.35, 0.75), np.where(ecole, 0.55, 0.85))
        other = u[4] < np.where(collectivite, 0.02, 0.10)
        nobody = ~collectivite & ~educnat & ~own_staff & ~other
        c = self.cols
        c["Maint_PersCollect"] = _yes_no(pers_collect, ok)
        c["Maint_PrestaExt"] = _yes_no(presta, ok)
        c["Maint_PersonnelEducNatHsEtab"] = _yes_no(educnat, ok)
        c["Maint_PersonnelEtab"] = _yes_no(own_staff, ok)
        c["Maint_AutreNeSaitPas"] = _yes_no(other, ok)
        c["Maint_Personne"] = _yes_no(nobody, ok)

    def tni(self) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-tni", self.year)
        ok = self.answered("tni")
        z = self.z((_tni_effect(self.effects)[self.dep], 0.55), (self.persistent("tni"), 0.5),
                   (self.persistent("equip"), 0.2), key="tni")
        fixed = {k: T.moved(v, T.TNI_DELTA, y, 0, 0.99) for k, v in T.TNI_2D.items()}
        share = {**fixed, "ecole": self.solve_ecole(T.moved(T.TNI_OVERALL, T.TNI_DELTA, y), fixed, ok)}
        has = self.by_kind_top(z, ok, share)
        rate = 0.25 * np.exp(0.4 * rng.standard_normal(self.n))
        count = np.where(has, 1 + rng.poisson(self.n_classes * rate), 0)
        ratio = count / self.n_classes
        index = np.where(ratio < 0.2, 0, np.where(ratio < 0.5, 1, 2))
        c = self.cols
        c["NbTBI"] = _count(count, ok)
        c["propClassesAvecTBI"] = _code(index, ordered_codes("etic_2d", "classes_tni", y),
                                        self.extra_missing(ok, 0.10, "proptbi"))
        videoproj = np.rint(self.n_classes * np.where(self.kind == "ecole", rng.uniform(0.1, 0.8, self.n),
                                                    rng.uniform(0.3, 1.1, self.n)))
        c["NbVideoProj"] = _count(videoproj, self.extra_missing(ok, 0.01, "videoproj"))
        c["NbClassMobile"] = _count(rng.poisson(np.where(self.kind == "ecole", 0.3, 1.2)),
                                    self.extra_missing(ok, 0.02, "classmobile"))
        c["NbLecteurMpx"] = _count(np.where(rng.random(self.n) < 0.7, 0, rng.poisson(20, self.n)),
                                   self.extra_missing(ok, 0.03, "mpx"))

    def impr3d(self) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-impr3d", self.year)
        ok = self.answered("impr3d")
        z = self.z((self.dep_effect("impr3d"), 0.4), (self.persistent("impr3d"), 0.6), key="impr3d")
        share = {k: T.moved(T.IMPR3D[k], T.IMPR3D_DELTA[k], y) for k in T.KINDS}
        has = self.by_kind_top(z, ok, share)
        count = np.where(has, 1 + rng.poisson(np.where(self.kind == "lycee", 0.6, 0.35)), 0)
        self.cols["NbImpr3D"] = _count(count, ok)

    def ent(self) -> None:
        y, rng = self.year, rng_for(self.seed, "etic-ent", self.year)
        ok = self.answered("ent")
        geo = geography()
        years = T.years_after(y)
        effect = self.effects["ent"]
        # Collèges: départements where the ENT is generalised (every collège has it).
        n_general = min(len(geo), T.ENT_GENERALISED_DEPARTEMENTS + 6 * years)
        general_dep = np.zeros(len(geo), dtype=bool)
        general_dep[np.argsort(-effect, kind="stable")[:n_general]] = True
        # Lycées: régions where the ENT is generalised.
        hierarchy = territories.hierarchy(territories.vintage_for_year(y)).set_index("departement")
        region = hierarchy["region"].reindex(geo.codes).to_numpy()
        metro_regions = sorted({r for r, d in zip(region, geo.codes) if d not in ("971", "972", "973", "974", "976")})
        order = rng_for(self.seed, "ent-regions").permutation(len(metro_regions))
        general_regions = {metro_regions[i] for i in order[: T.ENT_GENERALISED_REGIONS + years]}
        general_reg = np.isin(region, list(general_regions))
        z_general = self.z((effect[self.dep], 0.55), (self.persistent("ent"), 0.5), key="ent")
        ecole_effect = rng_for(self.seed, "ent-ecole-departement").standard_normal(len(geo))
        z_ecole = self.z((ecole_effect[self.dep], 0.75), (self.persistent("ent"), 0.4), key="ent-ecole")
        score = np.where(self.kind == "ecole", z_ecole, z_general)
        score = np.where((self.kind == "college") & general_dep[self.dep], 100 + score, score)
        score = np.where((self.kind == "lycee") & general_reg[self.dep], 100 + score, score)
        # Outside the generalised units, at least one answer is "non": their count stays exact.
        for k, unit, general in (("college", self.dep, general_dep[self.dep]),
                                 ("lycee", region[self.dep], general_reg[self.dep])):
            rows = np.flatnonzero(ok & (self.kind == k) & ~general)
            frame = pd.DataFrame({"unit": unit[rows], "score": score[rows], "row": rows})
            lowest = frame.sort_values("score", kind="stable").drop_duplicates("unit")["row"].to_numpy()
            score[lowest] = -100.0
        share = {k: T.moved(T.ENT[k], T.ENT_DELTA[k], y, 0, 0.995) for k in T.KINDS}
        has = self.by_kind_top(score, ok, share)
        self.ent_values = _yes_no(has, ok)
        integrated = rng.random(self.n) < np.where(has, 0.95, 0.3)
        self.cols["SiProjEtabIntegreENT"] = _yes_no(integrated, self.extra_missing(ok, 0.01, "integre"))

    def ressources(self) -> None:
        y = self.year
        rng = rng_for(self.seed, "etic-ressources", self.year)
        ok = self.answered("ressources")
        common = self.z((self.dep_effect("res"), 0.5), (self.persistent("res"), 0.6), key="res")
        noise = rng.standard_normal((len(T.RESSOURCES), self.n))
        items = np.zeros((len(T.RESSOURCES), self.n), dtype=bool)
        second = ok & (self.kind != "ecole")
        fixed = {item: T.moved(T.RESSOURCES_2D[item], T.RESSOURCES_DELTA, y, 0, 0.99) for item in T.RESSOURCES}

        def draw(rows: np.ndarray, shares: dict[str, float], loading: float) -> np.ndarray:
            out = np.zeros((len(T.RESSOURCES), len(rows)), dtype=bool)
            for i, item in enumerate(T.RESSOURCES):
                score = loading * common[rows] + (1 - loading**2) ** 0.5 * noise[i, rows]
                out[i] = top_k(score, share_count(shares[item], len(rows)))
            return out

        rows_2d = np.flatnonzero(second)
        items[:, rows_2d] = draw(rows_2d, fixed, 0.5)
        rows_e = np.flatnonzero(ok & (self.kind == "ecole"))
        counts = {k: int((ok & (self.kind == k)).sum()) for k in REPORT_KINDS}
        report_2d = ok & np.isin(self.kind, ["college", "lycee"])
        none_2d = int((~items[:, report_2d].any(axis=0)).sum())
        total = sum(counts.values())
        aucune_target = T.moved(T.RESSOURCES_OVERALL["aucune"], -T.RESSOURCES_DELTA, y)
        aucune_e = (aucune_target * total - none_2d) / max(counts["ecole"], 1)
        shares_e = {}
        for item in T.RESSOURCES:
            overall = T.moved(T.RESSOURCES_OVERALL[item], T.RESSOURCES_DELTA, y)
            shares_e[item] = self.solve_ecole(overall, {k: fixed[item] for k in REPORT_KINDS}, ok)
        if len(rows_e):
            loading = solve_intercept(lambda lam: (~draw(rows_e, shares_e, lam).any(axis=0)).mean(),
                                      aucune_e, lo=0.0, hi=0.99, steps=14)
            items[:, rows_e] = draw(rows_e, shares_e, loading)
        aucune = ~items.any(axis=0)
        c = self.cols
        for i, item in enumerate(T.RESSOURCES):
            c[f"TpRess_{item}"] = _yes_no(items[i], ok)
        c["TpRess_aucune"] = _yes_no(aucune, ok)
        codes = ordered_codes("etic_2d", "nb_ressources_editoriales", y)
        index = np.zeros(self.n, dtype=np.int64)
        for k in T.KINDS:
            rows = np.flatnonzero(self.kind == k)
            probs = [0.06, 0.55, 0.22, 0.11, 0.06] if k == "ecole" else [0.03, 0.42, 0.24, 0.19, 0.12]
            index[rows] = ordinal(common[rows], probs)
        index = np.where(aucune, np.where(rng.random(self.n) < 0.7, 0, 1), index)
        c["NbRessourceEdit"] = _code(index, codes, self.extra_missing(ok, 0.08, "nbress"))

    def second_degre_extras(self) -> None:
        rng = rng_for(self.seed, "etic-2d-extras", self.year)
        n = self.n
        c = self.cols
        other = lambda key, share=T.NC_OTHER: self.extra_missing(np.ones(n, dtype=bool), share, key)  # noqa: E731
        c["NbEnseignant"] = _count(np.rint(self.pupils / rng.uniform(11, 14, n)), np.ones(n, dtype=bool))
        c["SiEtabCentreRessource"] = _yes_no(rng.random(n) < 0.23, other("centre", 0.01))
        c["SiProjetNumEcole"] = _yes_no(rng.random(n) < 0.97, other("projet", 0.01))
        serv_ok = other("servint", 0.01)
        rates = {"NoteElev": 0.99, "AbsElev": 0.95, "EdtElevCls": 0.99, "CahierTxt": 0.995,
                 "DocRessPeda": 0.98, "AgdActuEtab": 0.97, "PlatApp": 0.23, "Autres": 0.5}
        any_service = np.zeros(n, dtype=bool)
        for item, p in rates.items():
            value = rng.random(n) < p
            any_service |= value
            c[f"ServInt_{item}"] = _yes_no(value, serv_ok)
        c["ServInt_aucun"] = _yes_no(~any_service, serv_ok)
        ash = rng.poisson(1.7, n)
        ash_ok = other("ash", 0.04)
        c["NbEleveEqASH"] = _count(ash, ash_ok)
        c["NbPosteEqASH"] = _count(rng.poisson(1.0, n), other("posteash", 0.07))
        c["SiPareFeuEtab"] = _yes_no(rng.random(n) < 0.99, other("parefeu", 0.01))
        c["SiOuifiltrageWeb"] = _yes_no(rng.random(n) < 0.99, other("filtrage", 0.01))
        c["ControlePosteriori"] = _yes_no(rng.random(n) < 0.86, other("controle", 0.07))
        charte = rng.random(n) < 0.98
        charte_ok = other("charte", 0.01)
        c["SiCharteUsageWeb"] = _yes_no(charte, charte_ok)
        diff_ok = charte_ok & charte & other("diffch", 0.02)
        for item, p in (("AnnexeeRI", 0.98), ("DossierRentreeEnseignants", 0.27), ("CRConseilAdmin", 0.09),
                        ("DiffusionParents", 0.25), ("Autres", 0.09)):
            c[f"Diffch_{item}"] = _yes_no(rng.random(n) < p, diff_ok)
        parents = _categorical(rng, np.tile([0.5, 0.26, 0.24], (n, 1)))
        c["AccesParentCharte"] = _code(parents, ordered_codes("etic_2d", "acces_parents_charte", self.year),
                                       other("parents", 0.05))
        auth = _categorical(rng, np.tile([0.98, 0.01, 0.01], (n, 1)))   # tous, certains, aucun
        c["ElvAuthentif"] = _code(auth, ordered_codes("etic_2d", "authentification_eleves", self.year),
                                  other("auth", 0.01))
        c["SiVisioConferenc"] = _yes_no(rng.random(n) < 0.31, other("visio", 0.04))
        # Equipment for pupils with disabilities: answered by some of the establishments having some.
        handi_ok = ash_ok & (ash > 0) & (rng.random(n) < 0.3)
        for item, p in (("Tablette", 0.14), ("OrdiPort", 0.85), ("LogApp", 0.32), ("Autre", 0.14)):
            c[f"TypeMatHandi_{item}"] = _yes_no(rng.random(n) < p, handi_ok)

    def premier_degre_extras(self) -> None:
        rng = rng_for(self.seed, "etic-1d-extras", self.year)
        c = self.cols
        c["NbClasse"] = _count(self.n_classes, np.ones(self.n, dtype=bool))
        c["SiEnseignantReferent"] = _yes_no(rng.random(self.n) < 0.55,
                                            self.extra_missing(np.ones(self.n, dtype=bool), 0.05, "referent"))

    # -- assembly ---------------------------------------------------------------------------------

    def build(self) -> None:
        asked_2d = set(layouts.ETIC_2D) - unasked_columns("etic_2d", self.year)
        self.acces()
        self.classes()
        self.wifi()
        self.terminaux(asked_2d)
        self.maintenance()
        self.tni()
        self.impr3d()
        self.ent()
        self.ressources()
        self.second_degre_extras()
        self.premier_degre_extras()

    def frame(self, name: str) -> pd.DataFrame:
        layout = layouts.ETIC_2D if name == "etic_2d" else layouts.ETIC_1D
        natures = ETIC_2D_NATURES if name == "etic_2d" else ETIC_1D_NATURES
        rows = np.flatnonzero(self.r["nature"].isin(list(natures)).to_numpy())
        n = len(rows)
        vintage = territories.vintage_for_year(self.year)
        hier = territories.hierarchy(vintage).set_index("departement").reindex(geography().codes)
        dep = self.dep[rows]
        nature = self.r["nature"].to_numpy()[rows]
        cols: dict[str, np.ndarray] = {}
        empty = np.full(n, EMPTY, dtype=object)
        rename = RENAME_1D if name == "etic_1d" else {}
        for column, values in self.cols.items():
            cols[rename.get(column, column)] = np.asarray(values, dtype=object)[rows]
        cols[ent_column(name, self.year)] = self.ent_values[rows]
        cols["Code_UAI"] = self.r["uai"].to_numpy().astype(object)[rows]
        cols["Millesime"] = np.full(n, str(self.year), dtype=object)
        cols["Code_nature"] = nature.astype(object)
        cols["nature_uai"] = np.array([natures[c][0] for c in nature], dtype=object)
        cols["typ_etab"] = np.array([natures[c][1] for c in nature], dtype=object)
        upper = np.vectorize(_ascii_upper, otypes=[object])
        cols["Academie"] = upper(hier["academie_nom"].to_numpy().astype(str))[dep]
        cols["Departement"] = upper(hier["departement_nom"].to_numpy().astype(str))[dep]
        cols["Code_region"] = hier["region"].to_numpy().astype(object)[dep]
        cols["Libelle_region"] = hier["region_nom"].to_numpy().astype(object)[dep]
        cols["NbEleve"] = _count(self.pupils[rows], np.ones(n, dtype=bool))
        for column in unasked_columns(name, self.year):
            cols[column] = empty
        for column in layout:
            cols.setdefault(column, empty)
        return object_frame(cols, layout, n)


def etic_frames(est: pd.DataFrame, seed: int, years: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    """ETIC 2d and 1d frames (one row per establishment and millésime, all millésimes)."""
    frames: dict[str, list[pd.DataFrame]] = {"etic_2d": [], "etic_1d": []}
    for year in years:
        answers = _Year(est, seed, year)
        answers.build()
        for name in frames:
            frames[name].append(answers.frame(name))
    return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
