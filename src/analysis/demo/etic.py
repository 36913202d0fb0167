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

Modules: :mod:`.etic_millesime` (universe, respondents, item non-response, latent scores),
the question blocks :mod:`.etic_connectivity`, :mod:`.etic_equipment`, :mod:`.etic_services`,
:mod:`.etic_levels` (questions of one file only, and each file in its layout), with
:mod:`.etic_questionnaire`, :mod:`.etic_contrasts` and :mod:`.etic_values` (how answers are written).
"""

from __future__ import annotations

import pandas as pd

from analysis.sources import layouts

from .etic_connectivity import acces, classes, wifi
from .etic_equipment import impr3d, maintenance, terminaux, tni
from .etic_levels import premier_degre_extras, second_degre_extras, survey_frame
from .etic_millesime import MillesimeAnswers
from .etic_questionnaire import unasked_columns
from .etic_services import ent, ressources


def _draw(m: MillesimeAnswers) -> None:
    """Every question block; ``classes`` reads what ``acces`` drew."""
    asked_2d = set(layouts.ETIC_2D) - unasked_columns("etic_2d", m.year)
    acces(m)
    classes(m)
    wifi(m)
    terminaux(m, asked_2d)
    maintenance(m)
    tni(m)
    impr3d(m)
    ent(m)
    ressources(m)
    second_degre_extras(m)
    premier_degre_extras(m)


def etic_frames(est: pd.DataFrame, seed: int, years: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    """ETIC 2d and 1d frames (one row per establishment and millésime, all millésimes)."""
    frames: dict[str, list[pd.DataFrame]] = {"etic_2d": [], "etic_1d": []}
    for year in years:
        answers = MillesimeAnswers(est, seed, year)
        _draw(answers)
        for name in frames:
            frames[name].append(survey_frame(answers, name))
    return {name: pd.concat(parts, ignore_index=True) for name, parts in frames.items()}
