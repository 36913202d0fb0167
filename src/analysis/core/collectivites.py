"""Collectivités territoriales: the public établissements each one has in charge.

A collectivité edition (``collectivite:<level>:<code>``) is about the établissements of one
collectivité's competence, public sector only:

- ``collectivite:departement:31``: the public collèges of the département (its conseil
  départemental);
- ``collectivite:region:76``: the public lycées of the région (its conseil régional; a région and
  a région académique are the same territory in the report's map, only their names differ);
- ``collectivite:commune:31555``: the public écoles of the commune (INSEE code; on demand);
- ``collectivite:<name>``: the special cases of ``params/collectivites.yml`` (Métropole de Lyon,
  Rhône, Ville de Paris, Collectivité de Corse, Collectivité européenne d'Alsace, Guyane,
  Martinique, Mayotte), declared once, with the common editions they stand for (``remplace``).

A collectivité is compared with the parents of its ``base`` territory restricted to the same
types and sector (``academie:toulouse~college``: see :func:`analysis.core.territories.restricted`).
Its universe is a row mask over the harmonised table (:meth:`Collectivite.mask`), as a custom
perimeter's is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from analysis.core import config
from analysis.core.digests import file_sha256, sha
from analysis.core.errors import InputError, TerritoryError
from analysis.core.territory_tables import departement_of, name_key, normalise_departement_code
from analysis.core.vocabulary import BASE_TYPES, subject

FILE = "collectivites.yml"
#: The level of the collectivités (``collectivite:…``).
LEVEL = "collectivite"
#: The common competences: the type a collectivité of each level has in charge.
COMPETENCES = {"departement": ("college",), "region": ("lycee",), "commune": ("ecole",)}
#: The levels of ``collectivite:<level>:<code>``; the special ones are ``collectivite:<name>``.
KINDS = tuple(COMPETENCES)
#: A commune's INSEE code: département (2 digits, 2A, 2B, or 97x) and 3 digits.
COMMUNE = re.compile(r"(?:\d{2}|2[AB])\d{3}")
_NOUNS = {"departement": "Conseil départemental", "region": "Conseil régional", "commune": "Commune"}


@dataclass(frozen=True)
class Collectivite:
    """A collectivité and its universe: public établissements of ``types`` in ``departements``
    (only ``communes``, or all but ``hors_communes``, when given)."""

    code: str                               # "departement:31", "region:76", "commune:31555", "paris"
    nom: str                                # "Conseil départemental de la Haute-Garonne"
    types: tuple[str, ...]
    base: str                               # "departement:31": compared with its parents
    departements: tuple[str, ...]
    communes: tuple[str, ...] = ()
    hors_communes: tuple[str, ...] = ()
    note: str = ""
    special: bool = False

    @property
    def id(self) -> str:
        return f"{LEVEL}:{self.code}"

    @property
    def title(self) -> str:
        """« Conseil départemental de la Haute-Garonne — collèges publics »."""
        return f"{self.nom} — {self.subject}"

    @property
    def subject(self) -> str:
        """The établissements it has: « collèges publics », « écoles et collèges publics »."""
        return subject_of(self.types)

    def mask(self, table) -> np.ndarray:
        """Rows of the harmonised table in its universe (boolean array)."""
        inside = (table["secteur"].eq("public") & table["type"].isin(self.types)
                  & table["departement"].isin(self.departements))
        commune = table["commune_code"].astype("object") if "commune_code" in table else None
        if self.communes:
            inside &= commune.isin(self.communes) if commune is not None else False
        if self.hors_communes and commune is not None:
            inside &= ~commune.isin(self.hors_communes)
        return inside.fillna(False).to_numpy(dtype=bool)


def subject_of(types: tuple[str, ...]) -> str:
    """The public établissements of ``types``: « collèges publics », « écoles et collèges publics »."""
    return subject("ensemble", ensemble=types) if len(types) > 1 else subject(types[0])


def path() -> Path:
    return config.params_dir() / FILE


def digest() -> str:
    """Digest of the declarations (a cache key part)."""
    found = path()
    return sha(str(found), file_sha256(found) if found.exists() else "")


def _declarations() -> dict:
    found = path()
    return _read(found, found.stat().st_mtime_ns if found.exists() else 0)


@cache
def _read(found: Path, _mtime: int) -> dict:
    if not found.exists():
        return {"speciales": {}, "de_region": {}}
    try:
        doc = yaml.safe_load(found.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(found, f"not valid YAML: {exc}") from None
    specials = {}
    for name, entry in (doc.get("speciales") or {}).items():
        unknown = sorted(set(entry) - {"nom", "types", "base", "departements", "communes", "hors_communes",
                                       "remplace", "note"})
        if unknown:
            raise InputError(found, f"speciales.{name}: unknown key(s) {', '.join(unknown)}", column=unknown[0])
        types = tuple(entry.get("types") or ())
        if not types or set(types) - set(BASE_TYPES):
            raise InputError(found, f"speciales.{name}: types must be among {', '.join(BASE_TYPES)}", column="types")
        specials[str(name)] = {
            "collectivite": Collectivite(
                code=str(name), nom=str(entry["nom"]).strip(), types=types, base=str(entry["base"]),
                departements=tuple(normalise_departement_code(str(d)) for d in entry.get("departements") or ()),
                communes=tuple(str(c) for c in entry.get("communes") or ()),
                hors_communes=tuple(str(c) for c in entry.get("hors_communes") or ()),
                note=" ".join(str(entry.get("note", "")).split()), special=True),
            "remplace": tuple(str(r) for r in entry.get("remplace") or ()),
        }
    return {"speciales": specials, "de_region": {str(k): str(v) for k, v in (doc.get("de_region") or {}).items()}}


def specials() -> list[Collectivite]:
    """The special collectivités, in the file's order."""
    return [s["collectivite"] for s in _declarations()["speciales"].values()]


def replaced() -> dict[str, str]:
    """Common spec (``departement:75``) -> the special collectivité that stands for it (``paris``)."""
    return {spec: name for name, s in _declarations()["speciales"].items() for spec in s["remplace"]}


def _of_region(code: str, nom: str) -> str:
    found = _declarations()["de_region"].get(code)
    if found:
        return found
    return f"d'{nom}" if nom[:1].upper() in "AEIOUYÎÉ" else f"de {nom}"


def common(level: str, code: str, nom: str, departements: tuple[str, ...] = ()) -> Collectivite:
    """The collectivité of a common edition: ``common("departement", "31", "Haute-Garonne")``;
    a région's ``departements`` are given by the caller. A commune's ``nom`` is its name when
    known (else its code)."""
    if level == "departement":
        of = departement_of(code) or f"de {nom}"
        return Collectivite(f"{level}:{code}", f"{_NOUNS[level]} {of}", COMPETENCES[level], f"departement:{code}",
                            (code,))
    if level == "region":
        return Collectivite(f"{level}:{code}", f"{_NOUNS[level]} {_of_region(code, nom)}", COMPETENCES[level],
                            f"region:{code}", tuple(departements))
    departement = commune_departement(code)
    named = f"de {nom}" if nom and nom != code else code
    return Collectivite(f"commune:{code}", f"Commune {named}", COMPETENCES["commune"], f"departement:{departement}",
                        (departement,), communes=commune_codes(code))


def commune_departement(code: str) -> str:
    """The département of a commune's INSEE code (``97`` + one digit overseas)."""
    return code[:3] if code.startswith("97") else code[:2]


def commune_codes(code: str) -> tuple[str, ...]:
    """The codes the annuaire may give the établissements of a commune: Paris, Lyon and Marseille
    are coded by arrondissement."""
    arrondissements = {"75056": range(75101, 75121), "69123": range(69381, 69390), "13055": range(13201, 13217)}
    return (code,) + tuple(str(c) for c in arrondissements.get(code, ()))


def check_commune(value: str) -> str:
    """The INSEE code ``value`` when it has the form of one (``31555``, ``2A004``, ``97411``)."""
    code = value.strip().upper()
    if not COMMUNE.fullmatch(code):
        raise TerritoryError(
            f"collectivite:commune:{value} : « {value} » n'est pas un code de commune (code INSEE à 5 caractères, "
            "par exemple 31555 pour Toulouse, 2A004 pour Ajaccio).\n"
            "  → une commune s'écrit collectivite:commune:<code INSEE>")
    return code


def special(name: str) -> Collectivite | None:
    """The special collectivité ``name`` (``paris``), matched without case nor accents."""
    wanted = name_key(name)
    for found in specials():
        if name_key(found.code) == wanted or name_key(found.nom) == wanted:
            return found
    return None
