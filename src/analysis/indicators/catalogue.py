"""The indicator catalogue (``resources/indicators.yml``): what each indicator is, in one declaration.

Read once per process. Distributions expand to one share per level (``<id>.<level>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from analysis.core import config
from analysis.core.vocabulary import DEFAULT_TYPES

SECRET_THRESHOLD = 5
# The report's themes, in chapter order, with their French titles.
THEMES = {"perimetre": "Périmètre", "connectivite": "Connectivité", "equipement": "Équipement",
          "services": "Services et ressources", "experimentations": "Expérimentations"}
SURVEY_TYPES = {"ecole": "etic_1d", "college": "etic_2d", "lycee": "etic_2d", "erea": "etic_2d"}

OUTPUT_COLUMNS = [
    "territoire", "niveau", "code", "nom", "annee", "type", "indicateur", "titre", "theme",
    "unite", "valeur", "numerateur", "denominateur", "non_communique", "univers", "taux_nc",
    "statut", "source", "base", "modalite",
]


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    theme: str
    kind: str
    unit: str
    source: str
    definition: str
    universe: str = "etic"
    types: tuple[str, ...] = DEFAULT_TYPES
    spec: dict = field(default_factory=dict, compare=False, hash=False)
    base: str | None = None          # for a distribution level: the distribution's id
    level: str | None = None         # ... and its level
    level_label: str | None = None
    comparable_since: int | None = None
    report_2018: str | None = None


@lru_cache(maxsize=1)
def _document() -> dict:
    return yaml.safe_load((config.RESOURCES / "indicators.yml").read_text(encoding="utf-8"))


def source_labels() -> dict[str, str]:
    return dict(_document()["sources"])


def unavailable() -> dict[str, str]:
    return dict(_document().get("unavailable", {}))


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Indicator]:
    """Every indicator by id; distributions expand to one share per level (``<id>.<level>``)."""
    out: dict[str, Indicator] = {}
    for ident, spec in _document()["indicators"].items():
        common = dict(title=spec["title"], theme=spec["theme"], unit=spec["unit"],
                      source=spec["source"], definition=spec["definition"],
                      universe=spec.get("universe", "etic"),
                      types=tuple(spec.get("types", DEFAULT_TYPES)),
                      comparable_since=spec.get("comparable_since"),
                      report_2018=spec.get("report_2018"))
        if spec["kind"] == "distribution":
            labels = spec.get("level_labels", {})
            for level in spec["levels"]:
                level = str(level)
                sub = {"kind": "share", "condition": {"category": {"column": spec["column"], "in": [level]}},
                       "answered": [spec["column"]]}
                out[f"{ident}.{level}"] = Indicator(
                    id=f"{ident}.{level}", kind="share", spec=sub, base=ident, level=level,
                    level_label=labels.get(level, level), **common)
        else:
            out[ident] = Indicator(id=ident, kind=spec["kind"], spec=spec, **common)
    return out


def get(ident: str) -> Indicator:
    try:
        return catalogue()[ident]
    except KeyError:
        raise KeyError(f"Unknown indicator '{ident}'. See src/analysis/resources/indicators.yml.") from None
