"""ETIC question blocks on equipment: terminals (mobile, recent, lent), who maintains them,
interactive whiteboards (TNI) and projectors, 3D printers."""

from __future__ import annotations

import numpy as np

from . import targets as T
from .etic_contrasts import ratio_multipliers, tni_effect
from .etic_millesime import MillesimeAnswers
from .etic_questionnaire import ordered_codes
from .etic_values import as_code, as_count, as_yes_no
from .sampling import rng_for, sigmoid, solve_intercept


def terminaux(m: MillesimeAnswers, asked: set[str]) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-terminaux", m.year)
    ok = m.answered("terminaux")
    multipliers = ratio_multipliers(m.effects)
    mult = np.empty(m.n)
    for k in T.KINDS:
        rows = m.kind == k
        mult[rows] = multipliers[k][m.dep[rows]]
    equip = m.z((m.persistent("equip"), 0.85), key="equip")
    sigma = np.where(m.kind == "ecole", 0.5, 0.35)
    raw = m.pupils / (mult * np.exp(-sigma * equip))
    zero = (m.kind == "ecole") & (rng.random(m.n) < 0.003)
    terminals = np.zeros(m.n, dtype=np.int64)
    factor = T.PUPILS_PER_TERMINAL_FACTOR ** T.years_after(y)
    for k, groups in T.PUPILS_PER_TERMINAL.items():
        for group, ratio in groups.items():
            rows = np.flatnonzero((m.kind == k) & ~zero & ((m.rep == group) | (len(groups) == 1)))
            answers = ok[rows]          # calibrated on the answers, applied to every row
            target = ratio * factor
            pupils_sum = m.pupils[rows][answers].sum()
            scale = pupils_sum / (target * raw[rows][answers].sum())
            for _ in range(5):          # rounding moves the ratio: rescale and round again
                rounded = np.maximum(1, np.rint(raw[rows] * scale)).astype(np.int64)
                achieved = pupils_sum / rounded[answers].sum()
                if abs(achieved / target - 1) < 0.001:
                    break
                scale *= achieved / target
            terminals[rows] = rounded
    # Mobile terminals and recent terminals: aggregate shares solved per kind (and REP group).
    mobile_score = m.z((m.persistent("mobile"), 0.7), (m.dep_effect("mobile"), 0.4), key="mobile")
    recent_score = m.z((m.persistent("recent"), 0.6), (m.dep_effect("recent"), 0.4), key="recent")
    mobile = np.zeros(m.n, dtype=np.int64)
    recent = np.zeros(m.n, dtype=np.int64)
    base = ok & (terminals > 0)
    for k in T.KINDS:
        rows = np.flatnonzero(base & (m.kind == k))
        share = T.moved(T.MOBILE[k], T.MOBILE_DELTA, y)
        mobile[rows] = _aggregate_share(mobile_score[rows], terminals[rows], share, 1.0)
        for group, value in T.RECENT[k].items():
            sub = rows[(m.rep[rows] == group) | (len(T.RECENT[k]) == 1)]
            share = T.moved(value, T.RECENT_DELTA, y)
            recent[sub] = _aggregate_share(recent_score[sub], terminals[sub], share, 0.8)
    split = {"ecole": (0.55, 0.05), "college": (0.45, 0.10), "lycee": (0.30, 0.10), "erea": (0.40, 0.10)}
    a = np.clip(np.array([split[k][0] for k in m.kind]) + 0.15 * rng.standard_normal(m.n), 0, 1)
    b = np.clip(np.array([split[k][1] for k in m.kind]) * np.exp(0.5 * rng.standard_normal(m.n)), 0, 0.9)
    tablets = np.rint(mobile * a).astype(np.int64)
    tablet_pcs = np.rint((mobile - tablets) * np.minimum(1.0, b / np.maximum(1e-9, 1 - a))).astype(np.int64)
    if "NbTablettePC" not in asked:
        tablets, tablet_pcs = tablets + tablet_pcs, np.zeros(m.n, dtype=np.int64)
    laptops = mobile - tablets - tablet_pcs
    c = m.cols
    c["NbTerminaux"] = as_count(terminals, ok)
    # A zero is sometimes left blank, as in real answers. Blank stays "no answer" downstream
    # (never 0), so the mobile share is computed on complete answers: keep this rare.
    c["NbTablette"] = as_count(tablets, ok & ~((tablets == 0) & (rng.random(m.n) < 0.04)))
    c["NbTablettePC"] = as_count(tablet_pcs, ok & ~((tablet_pcs == 0) & (rng.random(m.n) < 0.06)))
    c["NbMicroPortable"] = as_count(laptops, ok & ~((laptops == 0) & (rng.random(m.n) < 0.02)))
    c["NbMicroMoins5"] = as_count(recent, m.extra_missing(ok, 0.01, "recent"))
    pupils_laptops = np.where(rng.random(m.n) < 0.45, np.rint(laptops * rng.uniform(0, 0.6, m.n)), 0)
    pupils_laptops = pupils_laptops.astype(np.int64)
    teacher_laptops = np.minimum(laptops - pupils_laptops, rng.poisson(6, m.n))
    c["NbPortAffEl"] = as_count(pupils_laptops, m.extra_missing(ok, 0.02, "portel"))
    c["NbPortAffEns"] = as_count(teacher_laptops, m.extra_missing(ok, 0.02, "portens"))
    outside = np.minimum(terminals, np.rint(m.pupils * rng.uniform(0, 0.06, m.n))).astype(np.int64)
    c["PostesInfoElvHorsCours"] = as_count(outside, m.extra_missing(ok, 0.02, "horscours"))


def _aggregate_share(score: np.ndarray, terminals: np.ndarray, share: float, spread: float) -> np.ndarray:
    """Counts <= terminals whose sum is ``share`` of the terminals, more where ``score`` is high."""
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64)
    total = terminals.sum()
    a = solve_intercept(lambda x: (sigmoid(x + spread * score) * terminals).sum() / total, share)
    return np.minimum(terminals, np.rint(sigmoid(a + spread * score) * terminals)).astype(np.int64)


def maintenance(m: MillesimeAnswers) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-maintenance", m.year)
    ok = m.answered("maintenance")
    z = m.z((m.dep_effect("maint"), 0.6), (m.persistent("maint"), 0.5), key="maint")
    share = {k: T.moved(T.MAINTENANCE[k], T.MAINTENANCE_DELTA, y) for k in T.KINDS}
    collectivite = m.by_kind_top(z, ok, share)
    u = rng.random((6, m.n))
    staff_p = np.where(m.kind == "ecole", 0.8, np.where(m.kind == "college", 0.85, 0.75))
    pers_collect = collectivite & (u[0] < staff_p)
    presta = collectivite & (~pers_collect | (u[1] < 0.1))
    ecole = m.kind == "ecole"
    educnat = u[2] < np.where(collectivite, 0.08, 0.35)
    own_staff = u[3] < np.where(collectivite, np.where(ecole, 0.35, 0.75), np.where(ecole, 0.55, 0.85))
    other = u[4] < np.where(collectivite, 0.02, 0.10)
    nobody = ~collectivite & ~educnat & ~own_staff & ~other
    c = m.cols
    c["Maint_PersCollect"] = as_yes_no(pers_collect, ok)
    c["Maint_PrestaExt"] = as_yes_no(presta, ok)
    c["Maint_PersonnelEducNatHsEtab"] = as_yes_no(educnat, ok)
    c["Maint_PersonnelEtab"] = as_yes_no(own_staff, ok)
    c["Maint_AutreNeSaitPas"] = as_yes_no(other, ok)
    c["Maint_Personne"] = as_yes_no(nobody, ok)


def tni(m: MillesimeAnswers) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-tni", m.year)
    ok = m.answered("tni")
    z = m.z((tni_effect(m.effects)[m.dep], 0.55), (m.persistent("tni"), 0.5),
            (m.persistent("equip"), 0.2), key="tni")
    fixed = {k: T.moved(v, T.TNI_DELTA, y, 0, 0.99) for k, v in T.TNI_2D.items()}
    share = {**fixed, "ecole": m.solve_ecole(T.moved(T.TNI_OVERALL, T.TNI_DELTA, y), fixed, ok)}
    has = m.by_kind_top(z, ok, share)
    rate = 0.25 * np.exp(0.4 * rng.standard_normal(m.n))
    count = np.where(has, 1 + rng.poisson(m.n_classes * rate), 0)
    ratio = count / m.n_classes
    index = np.where(ratio < 0.2, 0, np.where(ratio < 0.5, 1, 2))
    c = m.cols
    c["NbTBI"] = as_count(count, ok)
    c["propClassesAvecTBI"] = as_code(index, ordered_codes("etic_2d", "classes_tni", y),
                                      m.extra_missing(ok, 0.10, "proptbi"))
    videoproj = np.rint(m.n_classes * np.where(m.kind == "ecole", rng.uniform(0.1, 0.8, m.n),
                                                rng.uniform(0.3, 1.1, m.n)))
    c["NbVideoProj"] = as_count(videoproj, m.extra_missing(ok, 0.01, "videoproj"))
    c["NbClassMobile"] = as_count(rng.poisson(np.where(m.kind == "ecole", 0.3, 1.2)),
                                  m.extra_missing(ok, 0.02, "classmobile"))
    c["NbLecteurMpx"] = as_count(np.where(rng.random(m.n) < 0.7, 0, rng.poisson(20, m.n)),
                                 m.extra_missing(ok, 0.03, "mpx"))


def impr3d(m: MillesimeAnswers) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-impr3d", m.year)
    ok = m.answered("impr3d")
    z = m.z((m.dep_effect("impr3d"), 0.4), (m.persistent("impr3d"), 0.6), key="impr3d")
    share = {k: T.moved(T.IMPR3D[k], T.IMPR3D_DELTA[k], y) for k in T.KINDS}
    has = m.by_kind_top(z, ok, share)
    count = np.where(has, 1 + rng.poisson(np.where(m.kind == "lycee", 0.6, 0.35)), 0)
    m.cols["NbImpr3D"] = as_count(count, ok)
