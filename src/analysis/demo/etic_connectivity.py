"""ETIC question blocks on connectivity: internet access and declared bandwidth, classrooms with
internet, Wi-Fi."""

from __future__ import annotations

import numpy as np

from . import targets as T
from .etic_contrasts import connectivity_effect
from .etic_millesime import MillesimeAnswers
from .etic_questionnaire import ordered_codes
from .etic_values import as_code, as_yes_no
from .sampling import categorical, ordinal, pick, rng_for, share_count, top_k


def acces(m: MillesimeAnswers) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-acces", m.year)
    ok = m.answered("acces")
    z = m.z((connectivity_effect(m.effects)[m.dep], 0.55), (m.persistent("conn"), 0.6), key="conn")
    shares = {}
    for tech in ("fibre", "adsl", "rtc"):
        fixed = {k: T.moved(v, T.ACCES_DELTA[tech], y) for k, v in T.ACCES_2D[tech].items()}
        overall = T.moved(T.ACCES_OVERALL[tech], T.ACCES_DELTA[tech], y)
        shares[tech] = {**fixed, "ecole": m.solve_ecole(overall, fixed, ok)}
    aucun = np.zeros(m.n, dtype=bool)
    fibre = np.zeros(m.n, dtype=bool)
    adsl = np.zeros(m.n, dtype=bool)
    rtc = np.zeros(m.n, dtype=bool)
    autres = np.zeros(m.n, dtype=bool)
    nsp = np.zeros(m.n, dtype=bool)
    for k in T.KINDS:
        rows = np.flatnonzero(ok & (m.kind == k))
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
    m.no_access = aucun & ok
    c = m.cols
    c["AccWeb_RTC"] = as_yes_no(rtc, ok)
    c["AccWeb_CableFibreOptique"] = as_yes_no(fibre, ok)
    c["AccWeb_ADSL"] = as_yes_no(adsl, ok)
    c["AccWeb_AutresHautDebit"] = as_yes_no(autres, ok)
    c["AccWeb_NeSaitPas"] = as_yes_no(nsp, ok)
    c["AccWeb_Aucun"] = as_yes_no(aucun, ok)
    # Declared bandwidth, from the access technology.
    probs = np.zeros((m.n, 5))
    fibre_probs = np.where((m.kind == "ecole")[:, None], [[0, 0.05, 0.45, 0.25, 0.25]],
                           [[0, 0.03, 0.32, 0.25, 0.40]])
    probs[:] = [0.1, 0.5, 0.4, 0, 0]                       # other high-speed access
    probs[adsl & ~fibre] = [0.12, 0.58, 0.30, 0, 0]
    probs[rtc & ~fibre & ~adsl & ~autres] = [1, 0, 0, 0, 0]
    probs[fibre] = fibre_probs[fibre]
    index = categorical(rng, probs)
    debit_ok = m.extra_missing(ok & ~aucun & ~(nsp & ~fibre & ~adsl & ~rtc & ~autres), 0.04, "debit")
    c["DebitWeb"] = as_code(index, ordered_codes("etic_2d", "debit_web", y), debit_ok)


def classes(m: MillesimeAnswers) -> None:
    y = m.year
    ok = m.answered("classes")
    z = m.z((connectivity_effect(m.effects)[m.dep], 0.45), (m.persistent("conn"), 0.3),
            (m.persistent("classes"), 0.45), key="classes")
    codes = ordered_codes("etic_2d", "classes_internet", y)
    index = np.zeros(m.n, dtype=np.int64)
    for k in T.KINDS:
        rows = np.flatnonzero(ok & (m.kind == k))
        low, mid, high = T.CLASSES[k]
        high_y = T.moved(high, T.CLASSES_DELTA[k], y, 0, 0.995)
        scale = (1 - high_y) / (low + mid)
        probs = [low * scale, mid * scale, high_y] if len(codes) == 3 else [1 - high_y, high_y]
        # Establishments without internet access fill the lowest class first.
        forced = m.no_access[rows]
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
            m.cols["SalleInternet"] = as_code(index, codes, ok)


def wifi(m: MillesimeAnswers) -> None:
    y, rng = m.year, rng_for(m.seed, "etic-wifi", m.year)
    ok = m.answered("wifi")
    z = m.z((m.dep_effect("wifi"), 0.5), (m.persistent("wifi"), 0.6), key="wifi")
    absent_share = T.moved(T.WIFI_ABSENT, T.WIFI_DELTA, y)
    absent = m.by_kind_top(-z, ok, {k: absent_share for k in T.KINDS})
    index = np.where(absent, 0, np.where(rng.random(m.n) < 0.52, 1, 2))
    m.cols["SiWifi"] = as_code(index, ordered_codes("etic_2d", "wifi", y), ok)
