"""Département-level contrasts of the ETIC answers, by the report's commune typology (with the
départements the report names as exceptions)."""

from __future__ import annotations

import numpy as np

from .geography import ILE_DE_FRANCE, geography


def _by_typo(values: dict[str, float], overrides: dict[str, float] | None = None) -> np.ndarray:
    geo = geography()
    out = np.array([values[t] for t in geo.typo], dtype=float)
    for code, value in (overrides or {}).items():
        out[geo.index(code)] = value
    return out


def ratio_multipliers(effects: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
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


def nonresponse_propensity(effect: np.ndarray) -> np.ndarray:
    """Relative non-response weight of each département from its rank.

    As in the report's completeness annexes: many départements answer almost completely, most
    miss between 5 % and 40 %, about one in eight misses more than half. The weight is
    -log(1 - q) for a nominal rate q; exact national counts then rescale it.
    """
    u = (np.argsort(np.argsort(effect)) + 0.5) / len(effect)
    q = np.where(u < 0.38, 0.003 + 0.04 * u / 0.38,
                 np.where(u < 0.87, 0.05 + 0.25 * (u - 0.38) / 0.49, 0.60 + 0.25 * (u - 0.87) / 0.13))
    return -np.log1p(-q)


def connectivity_effect(effects: dict[str, np.ndarray]) -> np.ndarray:
    shift = _by_typo({"M": 0.6, "G": 0.3, "V": 0.0, "R": -0.5, "D": -1.5})
    return (shift + 0.6 * effects["conn"]) / np.sqrt(1 + 0.36)


def tni_effect(effects: dict[str, np.ndarray]) -> np.ndarray:
    shift = _by_typo({"M": -0.2, "G": 0.0, "V": 0.0, "R": 0.6, "D": -0.4},
                     {code: -0.6 for code in ILE_DE_FRANCE})
    return (shift + 0.7 * effects["tni"]) / np.sqrt(1 + 0.49)
