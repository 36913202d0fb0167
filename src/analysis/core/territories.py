"""Territories reference: France, régions académiques, académies, départements.

The reference tables (``analysis/resources/territories/*.csv``, read and matched by
:mod:`analysis.core.territory_tables`, whose functions this module re-exports) exist in two
*vintages* of the académie map:

- ``"2016"``: map in force 2016-2019 (30 académies, Caen and Rouen separate, 17 régions
  académiques; Mayotte is a vice-rectorat, neither an académie nor a région académique);
- ``"2020"``: map in force from 1 January 2020 (académie de Normandie replaces Caen and Rouen;
  Mayotte becomes an académie and a région académique).

Use :func:`vintage_for_year` to pick the map matching a school year / survey year.

Codes: régions use INSEE codes ("76", "04"), académies are identified by a slug ("toulouse",
"aix-marseille") and carry the MENJ 2-character code ("16", "02"), départements use the COG code
("01".."95", "2A", "2B", "971".."976"). The six collectivités d'outre-mer (COM: 975, 977, 978,
986, 987, 988) are in the département table with ``statut == "com"``: they are covered by the
France edition only, never by a région académique, and are attached to their vice-rectorat /
académie where one exists (977 and 978 to the académie de Guadeloupe).

Missing values in the tables are empty strings (e.g. the région of a COM).

Custom perimeters (``perimetre:<name>``, declared in ``params/perimetres/<name>.yml``, see
:mod:`analysis.core.perimeters`) are territories too: they have a label, parents (their declared
parent, then its parents) and départements, but no sub-territory and no place in :data:`LEVELS`.

Collectivités (``collectivite:departement:31``, ``collectivite:region:76``,
``collectivite:commune:31555``, ``collectivite:paris``…, see :mod:`analysis.core.collectivites`)
are territories of the level ``collectivite`` restricted to the public établissements of their
competence (:attr:`Territory.types`); they are compared with their base territory's parents
*restricted* to the same types: ``academie:toulouse~college`` is the académie de Toulouse's public
collèges (:func:`restricted`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from analysis.core import collectivites, perimeters
from analysis.core.errors import TerritoryError
from analysis.core.territory_tables import (  # noqa: F401 - the tables are part of this module's API
    DEFAULT_VINTAGE,
    VINTAGES,
    _check_vintage,
    _without_article,
    academie_from_name,
    academies,
    departement_from_name,
    departements,
    entry,
    hierarchy,
    name_key,
    normalise_departement_code,
    regions,
    vintage_for_year,
)

__all__ = [
    "DEFAULT_VINTAGE",
    "LEVELS",
    "VINTAGES",
    "Territory",
    "TerritoryError",
    "academie_from_name",
    "academies",
    "children",
    "departement_codes",
    "departement_from_name",
    "departements",
    "france",
    "hierarchy",
    "list_territories",
    "normalise_departement_code",
    "parents",
    "parse_territory",
    "regions",
    "restricted",
    "vintage_for_year",
]

Level = Literal["france", "region", "academie", "departement", "perimetre", "collectivite"]

#: Levels from the largest to the smallest.
LEVELS: tuple[str, ...] = ("france", "region", "academie", "departement")
#: The level of the custom perimeters (outside the administrative hierarchy).
PERIMETRE = "perimetre"
#: The level of the collectivités territoriales (:mod:`analysis.core.collectivites`).
COLLECTIVITE = collectivites.LEVEL
#: Separates a territory from the types it is restricted to: ``academie:toulouse~college``.
RESTRICT = "~"
LIST_HINT = "etat-des-lieux territories --level {level}"

_LEVEL_ALIASES = {
    "france": "france",
    "national": "france",
    "nation": "france",
    "fr": "france",
    "region": "region",
    "reg": "region",
    "region-academique": "region",
    "academie": "academie",
    "aca": "academie",
    "ac": "academie",
    "departement": "departement",
    "dep": "departement",
    "dept": "departement",
    "perimetre": PERIMETRE,
    "perimeter": PERIMETRE,
    "collectivite": COLLECTIVITE,
    "collectivites": COLLECTIVITE,
    "ct": COLLECTIVITE,
}
# Académies whose French name takes the article "la" ("Académie de la Guadeloupe").
_ACADEMIE_ARTICLE = {"guadeloupe": "de la ", "martinique": "de la ", "guyane": "de la "}
_VOWELS = tuple("AEIOUYÂÊÎÔÛÉÈËÏÜ")


# --------------------------------------------------------------------------------------------
# Territory
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    """One edition territory.

    ``code`` is ``"FR"`` for France, the INSEE code for a région, the slug for an académie and
    the COG code for a département.
    """

    level: Level
    code: str
    nom: str
    vintage: str = DEFAULT_VINTAGE
    #: The types of public établissements the territory is restricted to (a collectivité, or a
    #: parent it is compared with); () for every établissement.
    types: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Stable identifier: ``france``, ``region:76``, ``academie:toulouse``, ``departement:31``,
        ``collectivite:departement:31``, ``academie:toulouse~college``."""
        base = "france" if self.level == "france" else f"{self.level}:{self.code}"
        if self.types and self.level != COLLECTIVITE:
            return f"{base}{RESTRICT}{'+'.join(self.types)}"
        return base

    @property
    def slug(self) -> str:
        """File-name friendly identifier: ``france``, ``region-76``, ``academie-toulouse``,
        ``collectivite-departement-31``."""
        return re.sub(r"[:~+]", "-", self.id)

    @property
    def is_restricted(self) -> bool:
        """An administrative territory restricted to some public types (not a collectivité)."""
        return bool(self.types) and self.level != COLLECTIVITE

    @property
    def label(self) -> str:
        """French label: "France", "Région académique Occitanie", "Académie d'Amiens", "Haute-Garonne (31)",
        "Conseil départemental de la Haute-Garonne" (a collectivité: its name)."""
        if self.level == "france":
            return "France"
        if self.level == COLLECTIVITE:
            return self.nom
        if self.level == "region":
            return f"Région académique {self.nom}"
        if self.level == "academie":
            return f"Académie {_de(self.nom, self.code)}"
        if self.level == PERIMETRE:
            return self.nom
        return f"{self.nom} ({self.code})"

    def __str__(self) -> str:
        return self.label


def _de(nom: str, slug: str) -> str:
    """French preposition before a name: "de Toulouse", "d'Amiens", "de la Guyane"."""
    if slug in _ACADEMIE_ARTICLE:
        return _ACADEMIE_ARTICLE[slug] + nom
    return f"d'{nom}" if nom[:1].upper() in _VOWELS else f"de {nom}"


def france(vintage: str = DEFAULT_VINTAGE) -> Territory:
    """The national territory."""
    return Territory("france", "FR", "France", _check_vintage(vintage))


# --------------------------------------------------------------------------------------------
# Territories
# --------------------------------------------------------------------------------------------


def _territory(level: str, code: str, vintage: str) -> Territory:
    if level == "france":
        return france(vintage)
    if level == "region":
        return Territory("region", code, entry("regions", code, vintage)["region_nom"], vintage)
    if level == "academie":
        return Territory("academie", code, entry("academies", code, vintage)["academie_nom"], vintage)
    return Territory("departement", code, entry("departements", code, vintage)["departement_nom"], vintage)


def list_territories(level: str, vintage: str = DEFAULT_VINTAGE) -> list[Territory]:
    """Editions of ``level``, sorted by code.

    "region": régions académiques only; "academie": académies only (no vice-rectorat);
    "departement": the 101 départements (no COM); "france": France.
    """
    level = parse_level(level)
    if level == PERIMETRE:
        return [Territory(PERIMETRE, p.code, p.nom, _check_vintage(vintage)) for p in perimeters.all_perimeters()]
    if level == COLLECTIVITE:
        return [_collectivite_territory(c, vintage) for c in collectivity_list(_check_vintage(vintage))]
    return list(_editions(level, _check_vintage(vintage)))


# --------------------------------------------------------------------------------------------
# Collectivités
# --------------------------------------------------------------------------------------------


def collectivity_list(vintage: str = DEFAULT_VINTAGE) -> list[collectivites.Collectivite]:
    """Every collectivité of ``build --all --level collectivite``: the conseils départementaux and
    régionaux of the editions' map, but those a special collectivité stands for, then the special
    ones (no commune: a commune is built on demand)."""
    vintage = _check_vintage(vintage)
    taken = collectivites.replaced()
    out = [collectivity(level, t.code, vintage) for level in ("departement", "region")
           for t in _editions(level, vintage) if f"{level}:{t.code}" not in taken]
    return out + collectivites.specials()


def collectivity(level: str, code: str, vintage: str = DEFAULT_VINTAGE, nom: str = "") -> collectivites.Collectivite:
    """The collectivité of a common edition (``collectivity("departement", "31")``), or the special
    one that stands for it (``departement:75`` → Ville de Paris)."""
    taken = collectivites.replaced().get(f"{level}:{code}")
    if taken:
        found = collectivites.special(taken)
        assert found is not None
        return found
    if level == "commune":
        return collectivites.common("commune", code, nom or code)
    territory = _territory(level, code, vintage)
    return collectivites.common(level, code, territory.nom, tuple(departement_codes(territory)))


def _collectivite_territory(found: collectivites.Collectivite, vintage: str) -> Territory:
    return Territory(COLLECTIVITE, found.code, found.nom, vintage, found.types)


def collectivity_of(territory: Territory) -> collectivites.Collectivite:
    """The collectivité of a territory of level ``collectivite``."""
    kind, _, code = territory.code.partition(":")
    if not code:
        found = collectivites.special(kind)
        if found is None:
            raise TerritoryError(f"collectivite:{kind} : aucune collectivité de ce nom.")
        return found
    return collectivity(kind, code, territory.vintage, territory.nom.removeprefix("Commune de "))


def restricted(territory: Territory, types: tuple[str, ...]) -> Territory:
    """``territory`` restricted to the public établissements of ``types`` (its id ends with
    ``~college``): what a collectivité is compared with."""
    return replace(territory, types=tuple(types))


def _parse_collectivite(value: str, vintage: str) -> Territory:
    kinds = ", ".join(f"collectivite:{k}:<code>" for k in collectivites.KINDS)
    names = ", ".join(f"collectivite:{c.code}" for c in collectivites.specials())
    kind, sep, code = (part.strip() for part in value.partition(":"))
    if not sep:
        found = collectivites.special(kind)
        if found is None:
            raise TerritoryError(f"collectivite:{value} : collectivité inconnue.\n  → écrivez {kinds}, "
                                 f"ou l'une des collectivités à statut particulier : {names}")
        return _collectivite_territory(found, vintage)
    key = name_key(kind)
    level = "commune" if key in ("commune", "com") else _LEVEL_ALIASES.get(key)
    if level not in collectivites.KINDS:
        close = difflib.get_close_matches(key, collectivites.KINDS, n=1, cutoff=0.6)
        asked = f"vouliez-vous dire collectivite:{close[0]}:{code} ? " if close else ""
        raise TerritoryError(f"collectivite:{value} : niveau de collectivité inconnu : « {kind} » (départements, "
                             f"régions et communes seulement).\n  → {asked}écrivez {kinds}, ou {names}")
    if level == "commune":
        code = collectivites.check_commune(code)
        return _collectivite_territory(collectivity("commune", code, vintage), vintage)
    try:
        base = parse_territory(f"{level}:{code}", vintage)
    except TerritoryError as exc:
        raise TerritoryError(f"collectivite:{value} : {str(exc).replace(f'{level}:', f'collectivite:{level}:')}") \
            from None
    return _collectivite_territory(collectivity(level, base.code, vintage), vintage)


@cache
def _editions(level: str, vintage: str) -> tuple[Territory, ...]:
    if level == "france":
        return (france(vintage),)
    if level == "region":
        table = regions(vintage)
        rows = table.loc[table["statut"] == "region-academique", ["region", "region_nom"]]
    elif level == "academie":
        table = academies(vintage)
        rows = table.loc[table["statut"] == "academie", ["academie", "academie_nom"]]
    else:
        table = departements(vintage)
        rows = table.loc[table["statut"] == "departement", ["departement", "departement_nom"]]
    territories = (Territory(level, code, nom, vintage) for code, nom in rows.itertuples(index=False))  # type: ignore[arg-type]
    return tuple(sorted(territories, key=lambda t: t.code))


def _is_edition(level: str, code: str, vintage: str) -> bool:
    return any(t.code == code for t in _editions(level, vintage))


def parse_level(level: str) -> str:
    key = name_key(level)
    if key not in _LEVEL_ALIASES:
        raise TerritoryError(
            f"Niveau de territoire inconnu : {level!r}.\n  → niveaux : {', '.join(LEVELS + (PERIMETRE, COLLECTIVITE))}"
        )
    return _LEVEL_ALIASES[key]


@cache
def _candidates(level: str, vintage: str) -> dict[str, str]:
    """Matching keys -> code for every entry of ``level`` (editions or not) in ``vintage``."""
    keys: dict[str, str] = {}
    if level == "region":
        for code, nom, slug in regions(vintage)[["region", "region_nom", "region_slug"]].itertuples(index=False):
            for key in (code, slug, name_key(nom)):
                keys.setdefault(key, code)
    elif level == "academie":
        columns = ["academie", "academie_code", "academie_nom"]
        for slug, code, nom in academies(vintage)[columns].itertuples(index=False):
            for key in (slug, code, name_key(nom), _without_article(name_key(nom))):
                keys.setdefault(key, slug)
    else:
        for code, nom in departements(vintage)[["departement", "departement_nom"]].itertuples(index=False):
            for key in (code.lower(), name_key(nom), _without_article(name_key(nom))):
                keys.setdefault(key, code)
    return keys


def _lookup(level: str, value: str, vintage: str) -> str | None:
    keys = _candidates(level, vintage)
    raw = value.strip()
    if level == "departement":
        try:
            return keys.get(normalise_departement_code(raw).lower()) or None
        except ValueError:
            pass
    elif level in ("region", "academie") and raw.isdigit() and len(raw) <= 2:
        return keys.get(raw.zfill(2))
    key = name_key(raw)
    return keys.get(key) or keys.get(_without_article(key))


#: Below this similarity (difflib ratio of the matching keys), a name is no suggestion.
SUGGEST_CUTOFF = 0.75
#: A name of which the value is a whole word ("corse" in "haute-corse", "marseille" in "aix-marseille").
_WORD_SCORE = 0.9


def _scored(level: str, value: str, vintage: str) -> dict[str, float]:
    """Editions of ``level`` that ``value`` may mean, with a score: 1 for a name or code written
    otherwise, 0.9 for a name of which ``value`` is a whole word, else the similarity of the
    spelling when at least :data:`SUGGEST_CUTOFF`."""
    editions = {t.code for t in list_territories(level, vintage)}
    keys = {k: c for k, c in _candidates(level, vintage).items() if c in editions}
    wanted = name_key(value)
    bare = _without_article(wanted)
    word = re.compile(rf"(^|-){re.escape(bare)}(-|$)") if len(bare) >= 3 else None
    found: dict[str, float] = {}
    for key, code in keys.items():
        if key in (wanted, bare):
            score = 1.0
        elif word and word.search(key):
            score = _WORD_SCORE
        else:
            score = difflib.SequenceMatcher(None, wanted, key).ratio()
            if score < SUGGEST_CUTOFF:
                continue
        spec = f"{level}:{code}"
        found[spec] = max(found.get(spec, 0.0), score)
    return found


def _suggest(level: str | tuple[str, ...], value: str, vintage: str, n: int = 5) -> list[str]:
    """Plausible editions for ``value`` at ``level`` (or several levels): the exact names when
    there are some (``toulouse`` → academie:toulouse, not the Vaucluse), else the best scored and
    those nearly as good."""
    levels = (level,) if isinstance(level, str) else level
    scored: dict[str, float] = {}
    for one in levels:
        scored.update(_scored(one, value, vintage))
    if not scored:
        return []
    best = max(scored.values())
    floor = 1.0 if best == 1.0 else min(best - 0.05, _WORD_SCORE)
    ranked = sorted(scored.items(), key=lambda item: -item[1])          # stable: levels in map order
    return [spec for spec, score in ranked if score >= floor][:n]


def _successors(level: str, code: str, from_vintage: str, to_vintage: str) -> list[str]:
    """Editions of ``to_vintage`` covering the départements of ``level:code`` in ``from_vintage``."""
    source = hierarchy(from_vintage)
    codes = set(source.loc[source[level] == code, "departement"])
    target = hierarchy(to_vintage)
    found = sorted(set(target.loc[target["departement"].isin(codes), level]))
    return [f"{level}:{c}" for c in found if _is_edition(level, c, to_vintage)]


_NONE = {"region": "aucune région académique", "academie": "aucune académie", "departement": "aucun département"}
_MAPS = {"2016": "millésimes jusqu'à 2019", "2020": "millésimes à partir de 2020"}


def _error(message: str, level: str, suggestions: list[str], vintage: str) -> TerritoryError:
    hint = LIST_HINT.format(level=level if level in LEVELS else "academie")
    shown = []
    for spec in suggestions:                  # numeric codes get their name: departement:2A (Corse-du-Sud)
        other, code = spec.split(":", 1)
        shown.append(spec if other == "academie" else f"{spec} ({_territory(other, code, vintage).nom})")
    asked = f"vouliez-vous dire {', '.join(shown)} ? " if shown else ""
    return TerritoryError(f"{message}\n  → {asked}Liste des territoires : `{hint}`")


def _parse_types(text: str, spec: str) -> tuple[str, ...]:
    from analysis.core.vocabulary import BASE_TYPES

    types = tuple(t.strip() for t in text.split("+") if t.strip())
    wrong = [t for t in types if t not in BASE_TYPES]
    if not types or wrong:
        raise TerritoryError(f"{spec} : types d'établissement inconnus après « {RESTRICT} » : {text!r}.\n"
                             f"  → types : {', '.join(BASE_TYPES)} (joints par +, par exemple "
                             f"academie:toulouse{RESTRICT}college)")
    return types


def parse_territory(spec: str | Territory, vintage: str | None = None) -> Territory:
    """Territory from a specification such as ``"academie:toulouse"``.

    Accepted forms: ``france`` / ``FR`` / ``national``; ``region:76`` or ``region:occitanie``
    (code, slug or name); ``academie:toulouse`` or ``academie:16`` (slug, MENJ code or name);
    ``departement:31``, ``departement:031``, ``departement:2A`` or ``departement:haute-garonne``.
    Case, accents, spaces and hyphens do not matter. Only editions are accepted: a région that
    is not a région académique, a vice-rectorat or a COM raise :class:`TerritoryError`, in French
    (the command line's language), with plausible suggestions (:func:`_suggest`).
    ``vintage`` defaults to the vintage of ``spec`` when it is a Territory, else to
    :data:`DEFAULT_VINTAGE` (the map of the 2018 report).
    """
    if isinstance(spec, Territory):
        vintage = vintage or spec.vintage
        spec = spec.id
    vintage = _check_vintage(vintage or DEFAULT_VINTAGE)
    text = str(spec).strip()
    if RESTRICT in text and not text.lower().startswith(COLLECTIVITE):
        base, _, types = text.partition(RESTRICT)
        return restricted(parse_territory(base, vintage), _parse_types(types, text))
    if name_key(text) in ("france", "fr", "national", "nation"):
        return france(vintage)
    if ":" not in text:
        given = f"« {text} » : niveau manquant" if text else "Aucun territoire donné"
        raise _error(
            f"{given} ; écrivez niveau:code, par exemple academie:toulouse, region:76, departement:31, "
            "ou france.",
            "academie",
            _suggest(LEVELS[1:], text, vintage) if text else [],
            vintage,
        )
    level_text, value = (part.strip() for part in text.split(":", 1))
    level = parse_level(level_text)
    if level == "france":
        return france(vintage)
    if level == PERIMETRE:
        found = perimeters.get(value.strip())
        return Territory(PERIMETRE, found.code, found.nom, vintage)
    if level == COLLECTIVITE:
        return _parse_collectivite(value, vintage)
    code = _lookup(level, value, vintage)
    if code is None:
        other = VINTAGES[1 - VINTAGES.index(vintage)]
        other_code = _lookup(level, value, other)
        message = (f"{level}:{value} : {_NONE[level]} de ce nom ou de ce code dans la carte {vintage} "
                   f"({_MAPS[vintage]}).")
        suggestions = _suggest(level, value, vintage)
        if level == "departement" and value.strip().lstrip("0") == "20":
            message = f"{level}:{value} : la Corse n'a plus de code 20 depuis 1976, elle compte deux départements."
            suggestions = ["departement:2A", "departement:2B"]
        elif other_code is not None:
            message = (f"{level}:{other_code} n'existe que dans la carte {other} ({_MAPS[other]}), pas dans la "
                       f"carte {vintage} ({_MAPS[vintage]}).")
            suggestions = _successors(level, other_code, other, vintage) or suggestions
        raise _error(message, level, suggestions, vintage)
    territory = _territory(level, code, vintage)
    if not _is_edition(level, code, vintage):
        reason = {
            "region": "n'est pas une région académique",
            "academie": "est un vice-rectorat, pas une académie (pas d'édition académique)",
            "departement": "est une collectivité d'outre-mer, pas un département (seulement dans l'édition France)",
        }[level]
        message = f"Carte {vintage} ({_MAPS[vintage]}) : {territory.nom} ({level}:{code}) {reason}."
        if code in ("mayotte", "06") and vintage == "2016":
            message += (" Mayotte est devenue une académie et une région académique le 1er janvier 2020 "
                        "(carte 2020).")
        raise _error(message, level, [], vintage)
    return territory


def parents(territory: Territory) -> list[Territory]:
    """Enclosing editions, nearest first, up to France (vice-rectorats and non-académique régions skipped)."""
    vintage = territory.vintage
    if territory.types:
        return [restricted(p, territory.types) for p in _collectivity_parents(territory)] \
            if territory.level == COLLECTIVITE else \
            [restricted(p, territory.types) for p in parents(restricted(territory, ()))]
    if territory.level == "france":
        return []
    if territory.level == PERIMETRE:
        parent = perimeters.get(territory.code).parent
        if parent is None:
            return [france(vintage)]
        outer = parse_territory(parent, vintage)
        return [outer] + parents(outer)
    result: list[Territory] = []
    if territory.level == "departement":
        row = entry("departements", territory.code, vintage)
        academie, region = row["academie"], row["region"]
        if academie and _is_edition("academie", academie, vintage):
            result.append(_territory("academie", academie, vintage))
    elif territory.level == "academie":
        region = entry("academies", territory.code, vintage)["region"]
    else:
        region = ""
    if region and _is_edition("region", region, vintage):
        result.append(_territory("region", region, vintage))
    result.append(france(vintage))
    return result


def _collectivity_parents(territory: Territory) -> list[Territory]:
    """A collectivité's base territory when it covers part of it only (a commune, the Métropole
    de Lyon), then the base's parents."""
    found = collectivity_of(territory)
    base = parse_territory(found.base, territory.vintage)
    return ([base] if found.communes or found.hors_communes else []) + parents(base)


def children(territory: Territory, level: str) -> list[Territory]:
    """Editions of ``level`` inside ``territory`` (e.g. the départements of an académie), sorted by code."""
    level = parse_level(level)
    if territory.level in (PERIMETRE, COLLECTIVITE) or territory.types:
        return []
    if level == PERIMETRE or LEVELS.index(level) <= LEVELS.index(territory.level):
        raise TerritoryError(f"{level} is not a sub-level of {territory.level}.")
    vintage = territory.vintage
    candidates = list_territories(level, vintage)
    if territory.level == "france":
        return candidates
    table = hierarchy(vintage)
    column = "region" if territory.level == "region" else "academie"
    inside = set(table.loc[table[column] == territory.code, level])
    return [t for t in candidates if t.code in inside]


def departement_codes(territory: Territory) -> list[str]:
    """Département / COM codes covered by ``territory`` (France: all, COM included)."""
    if territory.level == COLLECTIVITE:
        return sorted(collectivity_of(territory).departements)
    if territory.level == PERIMETRE:
        found = perimeters.get(territory.code)
        if found.by_etablissement:      # the département of a UAI is its prefix
            from analysis.core.uai import departement_from_uai

            return sorted({d for d in map(departement_from_uai, found.etablissements) if d})
        return sorted(found.departements)
    table = hierarchy(territory.vintage)
    if territory.level == "france":
        codes = table["departement"]
    elif territory.level == "departement":
        return [territory.code]
    else:
        codes = table.loc[table[territory.level] == territory.code, "departement"]
    return sorted(codes)
