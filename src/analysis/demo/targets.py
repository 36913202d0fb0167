"""Calibration targets of the demo dataset: the 2018 national figures of the report.

Shares are fractions (0.71 = 71 %). ``KINDS`` orders per-kind values: écoles, collèges, lycées,
EREA (the report gives no EREA figure: EREA values are plausible guesses). Where the report gives
an *overall* figure only (e.g. ADSL 71 %), the second-degré values are set here and the écoles'
value is solved at generation time so that the overall share lands on the target.

Years after 2018 move by ``DELTA`` per year (the report has no 2019 figure: small plausible
changes, +2 to +5 points on equipment and ENT, slightly lower n.c.).
"""

from __future__ import annotations

import numpy as np

from analysis.core.vocabulary import BASE_TYPES

KINDS = BASE_TYPES
BASE_YEAR = 2018

# --- Annuaire (snapshot) ---------------------------------------------------------------------
TOTAL_ESTABLISHMENTS = 63_059
KIND_SHARES = {"college": 0.11, "lycee": 0.08}       # écoles = the rest (81 %)
EREA_COUNT = 79
# Lycées by nature code (the report: LEGT 25 %, techno 2 %, polyvalents 22 %, LP 29 %, hors tutelle
# MEN 11 %, climatiques 0.1 %; the 10.9 % the report's pie leaves out are given to 302, "lycée
# d'enseignement général", the only other lycée nature of the annuaire).
LYCEE_NATURES = {"300": 0.25, "302": 0.109, "301": 0.02, "306": 0.22, "320": 0.29, "307": 0.11,
                 "310": 0.001}
# Share of public establishments by nature (overall 86 % public).
PUBLIC_SHARE = {"ecole": 0.90, "340": 0.76, "300": 0.62, "302": 0.45, "301": 0.0, "306": 0.75,
                "320": 0.55, "307": 0.40, "310": 1.0, "370": 1.0}
MATERNELLE_SHARE = {"public": 0.30, "private": 0.04}
# Éducation prioritaire, shares of ALL écoles / collèges (public and private, as the report's
# chart); only public establishments are REP / REP+.
REP_SHARES = {"ecole": {"REP": 0.08, "REP+": 0.05}, "college": {"REP": 0.10, "REP+": 0.05}}
# Mean pupils (annuaire Nombre_d_eleves) before département and REP effects.
MEAN_PUPILS = {"101": 95, "151": 130, "340": 500, "300": 1050, "302": 950, "301": 550, "306": 950,
               "320": 420, "307": 320, "310": 220, "370": 160}
EXPERIMENTATIONS = {"colleges_lab": 47, "efran": 419, "efran_projects": 21, "profan": 91}

# --- ETIC ---------------------------------------------------------------------------------------
# Share of the public universe present in the file (the rest did not answer at all).
RESPONSE = {"ecole": 0.88, "college": 0.81, "lycee": 0.60, "erea": 0.70}
RESPONSE_DELTA = 0.02

# n.c. targets: share of the public universe without an answer to the question.
NC_OVERALL = {"acces": 0.27, "classes": 0.26, "wifi": 0.54, "maintenance": 0.20, "tni": 0.16,
              "impr3d": 0.41, "ressources": 0.46}
NC_BY_KIND = {
    "terminaux": {"ecole": 0.15, "college": 0.21, "lycee": 0.43, "erea": 0.25},
    "ent": {"ecole": 0.13, "college": 0.20, "lycee": 0.42, "erea": 0.25},
}
NC_DELTA = -0.03
# Small item non-response of the questions without a published n.c.
NC_OTHER = 0.03

# Shares among answers.
ACCES = {
    "aucun": {"ecole": 0.025, "college": 0.0, "lycee": 0.0, "erea": 0.0},
    "autres": {"ecole": 0.03, "college": 0.03, "lycee": 0.03, "erea": 0.03},
    "ne_sait_pas": {"ecole": 0.01, "college": 0.0, "lycee": 0.0, "erea": 0.0},
}
# Overall targets with the second-degré values fixed (écoles solved).
ACCES_OVERALL = {"fibre": 0.23, "adsl": 0.71, "rtc": 0.10}
ACCES_2D = {
    "fibre": {"college": 0.55, "lycee": 0.70, "erea": 0.50},
    "adsl": {"college": 0.55, "lycee": 0.45, "erea": 0.60},
    "rtc": {"college": 0.02, "lycee": 0.01, "erea": 0.02},
}
ACCES_DELTA = {"fibre": 0.05, "adsl": -0.03, "rtc": -0.015}
# Share of classes connected: [< 20 %, 20-50 %, >= 50 %].
CLASSES = {"ecole": [0.16, 0.10, 0.74], "college": [0.02, 0.03, 0.95], "lycee": [0.03, 0.04, 0.93],
           "erea": [0.04, 0.06, 0.90]}
CLASSES_DELTA = {"ecole": 0.03, "college": 0.01, "lycee": 0.02, "erea": 0.02}
WIFI_ABSENT = 0.17
WIFI_DELTA = -0.02

# Pupils per terminal (sum of pupils / sum of terminals) by kind and éducation prioritaire.
PUPILS_PER_TERMINAL = {
    "ecole": {"": 14.4, "REP": 24.0, "REP+": 30.0},
    "college": {"": 5.0, "REP": 4.2, "REP+": 4.0},
    "lycee": {"": 3.0},
    "erea": {"": 2.5},
}
PUPILS_PER_TERMINAL_FACTOR = 0.95        # per year
# Mobile terminals (tablettes + tablettes PC + portables) / terminaux.
MOBILE = {"ecole": 0.43, "college": 0.25, "lycee": 0.10, "erea": 0.20}
MOBILE_DELTA = 0.03
# Terminals less than 5 years old / terminaux.
RECENT = {
    "ecole": {"": 0.30, "REP": 0.37, "REP+": 0.35},
    "college": {"": 0.33, "REP": 0.41, "REP+": 0.46},
    "lycee": {"": 0.21},
    "erea": {"": 0.25},
}
RECENT_DELTA = 0.02
# Maintenance by the collectivité (its staff or a provider it mandates).
MAINTENANCE = {"ecole": 0.75, "college": 0.68, "lycee": 0.78, "erea": 0.70}
MAINTENANCE_DELTA = 0.01
TNI_OVERALL = 0.70
TNI_2D = {"college": 0.95, "lycee": 0.93, "erea": 0.85}
TNI_DELTA = 0.03
IMPR3D = {"ecole": 0.01, "college": 0.63, "lycee": 0.47, "erea": 0.30}
IMPR3D_DELTA = {"ecole": 0.01, "college": 0.04, "lycee": 0.04, "erea": 0.03}
ENT = {"ecole": 0.19, "college": 0.82, "lycee": 0.87, "erea": 0.60}
ENT_DELTA = {"ecole": 0.04, "college": 0.04, "lycee": 0.03, "erea": 0.05}
ENT_GENERALISED_DEPARTEMENTS = 39       # collèges: départements where every collège has an ENT
ENT_GENERALISED_REGIONS = 3             # lycées: régions where every lycée has an ENT
# Resource types: overall targets; second-degré values fixed, écoles solved. "aucune" is the
# share of answers ticking no type.
RESSOURCES = ("ResEntrainement", "LogiOutils", "Bdd", "OuvRef", "ManuelNum", "AnimScienLogiSimu",
              "Autres")
RESSOURCES_OVERALL = {"ResEntrainement": 0.49, "LogiOutils": 0.48, "Bdd": 0.45, "OuvRef": 0.27,
                      "ManuelNum": 0.26, "AnimScienLogiSimu": 0.25, "Autres": 0.23, "aucune": 0.15}
RESSOURCES_2D = {"ResEntrainement": 0.45, "LogiOutils": 0.90, "Bdd": 0.80, "OuvRef": 0.70,
                 "ManuelNum": 0.68, "AnimScienLogiSimu": 0.75, "Autres": 0.52}
RESSOURCES_DELTA = 0.02

# --- Coverage -------------------------------------------------------------------------------------
COVERAGE_NC = 0.04
COVERAGE_3G_NONE = 0.01
COVERAGE_4G_NONE = 0.02
THD_DELTA = 0.03


def years_after(year: int) -> int:
    return int(year) - BASE_YEAR


def moved(value: float, delta: float, year: int, lo: float = 0.0, hi: float = 1.0) -> float:
    """``value`` moved by ``delta`` per year after 2018, clipped to [lo, hi]."""
    return float(np.clip(value + delta * years_after(year), lo, hi))
