"""Nature of establishments: the annuaire's and ETIC's nature codes mapped to the report's typology.

The 2018 report counts écoles, collèges, lycées (LEGT, technologiques, polyvalents, professionnels,
hors tutelle du MEN, climatiques) and EREA. Other annuaire entries (services, CIO, médico-social,
sections of lycées such as SEP 334 and SEGT 335, STS/CPGE-only schools 400) are outside the
perimeter: they are counted and reported, never dropped silently.
"""

from __future__ import annotations

import pandas as pd

# nature -> type of establishment in the report ("lycee" = every kind of lycée).
TYPES = {
    "ecole": "ecole",
    "college": "college",
    "lycee_gt": "lycee",
    "lycee_techno": "lycee",
    "lycee_polyvalent": "lycee",
    "lycee_pro": "lycee",
    "lycee_hors_men": "lycee",
    "lycee_climatique": "lycee",
    "erea": "erea",
}

NATURE_LABELS = {
    "ecole": "École",
    "college": "Collège",
    "lycee_gt": "Lycée d'enseignement général et technologique",
    "lycee_techno": "Lycée d'enseignement technologique",
    "lycee_polyvalent": "Lycée polyvalent",
    "lycee_pro": "Lycée professionnel",
    "lycee_hors_men": "Lycée hors tutelle du ministère de l'Éducation nationale",
    "lycee_climatique": "Lycée climatique",
    "erea": "EREA",
}

# The natures the ETIC surveys cover (public establishments under the ministry's tutelle).
ETIC_2D_NATURES = ("college", "lycee_gt", "lycee_techno", "lycee_polyvalent", "lycee_pro", "erea")
ETIC_1D_NATURES = ("ecole",)

_COLLEGES = {"340", "350", "352"}
_LYCEES = {"300": "lycee_gt", "302": "lycee_gt", "301": "lycee_techno", "306": "lycee_polyvalent",
           "320": "lycee_pro", "307": "lycee_hors_men", "310": "lycee_climatique"}


def nature_from_code(codes: pd.Series, tutelle: pd.Series | None = None) -> pd.Series:
    """Map 3-digit nature codes to natures; None outside the perimeter.

    Lycées under another ministry's tutelle (agriculture, mer, armées…) are "lycee_hors_men"
    whatever their code, as in the 2018 report.
    """
    codes = codes.fillna("").astype(str).str.strip()
    out = pd.Series(None, index=codes.index, dtype="object")
    is_ecole = codes.str.match(r"^1\d\d$")
    out[is_ecole] = "ecole"
    out[codes.isin(_COLLEGES)] = "college"
    for code, nature in _LYCEES.items():
        out[codes == code] = nature
    out[codes == "370"] = "erea"
    if tutelle is not None:
        other = tutelle.fillna("").str.strip().ne("") & ~tutelle.fillna("").str.upper().str.contains(
            "EDUCATION NATIONALE", regex=False)
        out[other & out.map(lambda n: TYPES.get(n) == "lycee")] = "lycee_hors_men"
    return out


def type_from_nature(natures: pd.Series) -> pd.Series:
    return natures.map(TYPES)
