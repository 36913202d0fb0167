"""The indicator catalogue (``resources/indicators.yml``, and the local declarations of
``params/indicateurs/*.yml``): what each indicator is, in one declaration.

One entry says what an indicator computes (read by :mod:`analysis.indicators.compute`) and how
the report says and draws it: its wording, chart label, and whether it is a key figure or a
column of the completeness table (read by :mod:`analysis.report`). The file is read and checked
once per process (:mod:`analysis.indicators.declarations`). Distributions expand to one share
per level (``<id>.<level>``).

A local declaration file (a region's own indicators, on a local source) has the same format, plus
``themes`` (its themes, e.g. ``{label: "Label numérique"}``); its ``universe`` may be
``{source: <group>}``, the establishments a local source covers (:mod:`analysis.harmonise.local_sources`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.core import config
from analysis.core.vocabulary import DEFAULT_TYPES, Noun
from analysis.indicators.declarations import check_document, condition_columns

# The report's themes, in chapter order, with their French titles.
THEMES = {"perimetre": "Périmètre", "connectivite": "Connectivité", "equipement": "Équipement",
          "services": "Services et ressources", "experimentations": "Expérimentations"}
PATH = config.RESOURCES / "indicators.yml"
LOCAL_FOLDER = "indicateurs"

OUTPUT_COLUMNS = [
    "territoire", "niveau", "code", "nom", "annee", "type", "indicateur", "titre", "theme",
    "unite", "valeur", "numerateur", "denominateur", "non_communique", "univers", "taux_nc",
    "statut", "source", "base", "modalite",
]


@dataclass(frozen=True)
class Wording:
    """How the report says an indicator (see the header of ``indicators.yml``). ``public``: the
    subject is the public establishments of the ETIC universe ("collèges publics"), not every
    establishment of the annuaire."""

    sentence: str = ""
    short: str = ""
    counts: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    counted: Noun | None = None
    unit_words: tuple[str, str] | None = None
    public: bool = True


@dataclass(frozen=True)
class Unavailable:
    """A figure of the 2018 report that the open data cannot give."""

    label: str
    reason: str


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
    wording: Wording = Wording()
    chart_label: str = ""            # its name as one bar among others
    key_figure: tuple[str, ...] = ()  # types for which it is a row of the key figures table
    index_figure: tuple[tuple[str, str], ...] = ()  # (type, heading) on the index page
    completeness_column: str | None = None
    local: bool = False              # declared in params/indicateurs/ (on a local source)
    coverage: str | None = None      # the source family whose data extent it follows (default: its own)
    rank_order: str = "descending"   # among peers, rank 1 = the highest value (or the lowest: ascending)

    @property
    def extent_family(self) -> str:
        """The source family of :mod:`analysis.harmonise.extent` whose data extent its rows follow: the
        declared ``coverage``, else the local group of its universe, else its source."""
        if self.coverage:
            return self.coverage
        if isinstance(self.universe, dict):
            return self.universe["source"]
        return self.source

    @property
    def variables(self) -> tuple[str, ...]:
        """The harmonised columns whose values it counts (its condition, numerator and
        denominator, distribution column, weight); not those that only tell who answered."""
        spec = self.spec
        found = condition_columns(spec.get("condition") or {})
        for key in ("numerator", "denominator"):
            found += list(spec.get(key, []))
        found += [spec[key] for key in ("column", "weight") if key in spec]
        return tuple(dict.fromkeys(found))


def local_files(params: str | None = None) -> list:
    folder = (Path(params) if params else config.params_dir()) / LOCAL_FOLDER
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []


def _document() -> dict:
    """The package's declarations, then the local ones of the project (``params/indicateurs/``)."""
    return _read_documents(str(config.params_dir()))


@lru_cache(maxsize=4)
def _read_documents(params: str) -> dict:
    """The package's declarations, then the local ones merged in (each file checked on its own)."""
    document = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    check_document(document, PATH, themes=THEMES)
    document["themes"] = dict(THEMES)
    for path in local_files(params):
        local = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        local_themes = dict(local.pop("themes", None) or {})
        known = {**document["themes"], **local_themes}
        sources = {**document["sources"], **(local.get("sources") or {})}
        check_document({**local, "sources": sources}, path, themes=known)
        clash = sorted(set(local["indicators"]) & set(document["indicators"]))
        if clash:
            from analysis.core.errors import InputError

            raise InputError(path, f"indicator '{clash[0]}' is already declared", column=clash[0],
                             hint="Give local indicators their own prefix (e.g. label.…).")
        document["themes"] = known
        document["sources"] = sources
        document["indicators"] = {**document["indicators"], **local["indicators"]}
        document.setdefault("local", []).extend(local["indicators"])
        document.setdefault("unavailable", {}).update(local.get("unavailable") or {})
    return document


def themes() -> dict[str, str]:
    """Theme id -> French title, in report order: the package's, then the local ones."""
    return dict(_document()["themes"])


def source_labels() -> dict[str, str]:
    return dict(_document()["sources"])


def unavailable() -> dict[str, Unavailable]:
    """Figures of the 2018 report the open data cannot give, by key: their label and why."""
    return {key: Unavailable(**entry) for key, entry in _document().get("unavailable", {}).items()}


def _wording(spec: dict) -> Wording:
    words = spec.get("wording", {})
    counted = words.get("counted")
    unit_words = words.get("unit_words")
    return Wording(sentence=words.get("sentence", ""), short=words.get("short", ""),
                   counts=dict(words.get("counts", {})), counted=Noun(**counted) if counted else None,
                   unit_words=tuple(unit_words) if unit_words else None,
                   public=spec.get("universe", "etic") == "etic")


def catalogue() -> dict[str, Indicator]:
    """Every indicator by id; distributions expand to one share per level (``<id>.<level>``)."""
    return _catalogue(str(config.params_dir()))


@lru_cache(maxsize=4)
def _catalogue(params: str) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for ident, spec in _document()["indicators"].items():
        common = dict(title=spec["title"], theme=spec["theme"], unit=spec["unit"],
                      local=ident in _document().get("local", ()), coverage=spec.get("coverage"),
                      source=spec["source"], definition=spec["definition"],
                      universe=spec.get("universe", "etic"),
                      types=tuple(spec.get("types", DEFAULT_TYPES)),
                      comparable_since=spec.get("comparable_since"),
                      report_2018=spec.get("report_2018"),
                      wording=_wording(spec),
                      key_figure=tuple(spec.get("key_figure", ())),
                      index_figure=tuple(spec.get("index_figure", {}).items()),
                      completeness_column=spec.get("completeness_column"),
                      rank_order=spec.get("rank_order", "descending"))
        if spec["kind"] == "distribution":
            labels = spec.get("level_labels", {})
            chart_labels = spec.get("chart_labels", {})
            for level in spec["levels"]:
                level = str(level)
                sub = {"kind": "share", "condition": {"category": {"column": spec["column"], "in": [level]}},
                       "answered": [spec["column"]]}
                label = labels.get(level, level)
                out[f"{ident}.{level}"] = Indicator(
                    id=f"{ident}.{level}", kind="share", spec=sub, base=ident, level=level,
                    level_label=label, chart_label=chart_labels.get(level, label), **common)
        else:
            out[ident] = Indicator(id=ident, kind=spec["kind"], spec=spec,
                                   chart_label=spec.get("chart_label", spec["title"]), **common)
    return out


def members(ident: str) -> list[Indicator]:
    """The indicator ``ident``, or the levels of the distribution ``ident``."""
    cat = catalogue()
    return [cat[ident]] if ident in cat else [i for i in cat.values() if i.base == ident]


def key_figures() -> tuple[tuple[str, str], ...]:
    """(indicator, type) of the key figures table, in catalogue order."""
    return tuple((i.id, t) for i in catalogue().values() for t in i.key_figure)


def index_figures() -> tuple[tuple[str, str, str], ...]:
    """(indicator, type, heading) of the key figures of the index page, in catalogue order."""
    return tuple((i.id, t, heading) for i in catalogue().values() for t, heading in i.index_figure)


def completeness_columns() -> dict[str, str]:
    """Heading -> indicator of the columns of the completeness table (a distribution's first level)."""
    out: dict[str, str] = {}
    for ind in catalogue().values():
        if ind.completeness_column:
            out.setdefault(ind.completeness_column, ind.id)
    return out
