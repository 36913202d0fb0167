"""Custom perimeters: territories declared by the user in ``params/perimetres/<name>.yml``.

A perimeter groups départements or établissements that no administrative level groups, e.g. the
établissements of a Territoire numérique éducatif (TNE). Its edition is built like any other
(``etat-des-lieux build perimetre:<name>``) and compared with its parent territories and France.

File format (YAML; French keys, as the rest of ``params/``)::

    nom: Territoire numérique éducatif de l'Hérault (second degré public)
    parent: departement:34            # optional: the territory it is compared with first
    source: Liste des établissements du TNE de l'Hérault (académie de Montpellier, 2022)
    departements: ["34", "30"]        # either départements (COG codes) …
    etablissements: [0341893Y, …]     # … or établissements (UAI), listed here
    etablissements:                   # … or read from a file (path relative to this YAML file)
      fichier: ../../data/tne-34.xlsx
      feuille: 2D                     # xlsx only; default: the first sheet
      colonne: UAI                    # the header cell of the UAI column (found in the first rows)

Every UAI is checked (format and check letter) when the file is read; an error names the file,
the entry and what to do. Whether the établissements are in the data is checked when the
perimeter's indicators are computed (:mod:`analysis.indicators.compute`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.core import config
from analysis.core.digests import file_sha256, sha
from analysis.core.errors import InputError, TerritoryError
from analysis.core.uai import uai_problem

FOLDER = "perimetres"
#: A perimeter's name (its file stem, ``perimetre:<name>``, the edition folder ``perimetre-<name>``):
#: lowercase letters, digits and hyphens, so that it names a file of ``params/perimetres/`` and a
#: folder of the reports, and never a path out of them (``perimetre:../../evil``).
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEYS = {"nom", "parent", "source", "departements", "etablissements"}
FILE_KEYS = {"fichier", "feuille", "colonne"}


@dataclass(frozen=True)
class Perimeter:
    """A declared perimeter: its name (the file stem), label and members."""

    code: str
    nom: str
    path: Path
    parent: str | None = None
    source: str = ""
    departements: tuple[str, ...] = ()
    etablissements: tuple[str, ...] = ()
    read_from: Path | None = None          # the list file the UAIs came from, if any

    @property
    def by_etablissement(self) -> bool:
        return bool(self.etablissements)

    def missing(self, table: pd.DataFrame) -> list[str]:
        """Listed établissements that are not in the harmonised table (none for départements)."""
        return sorted(set(self.etablissements) - set(table["uai"]))

    def mask(self, table: pd.DataFrame):
        """Rows of the harmonised table inside the perimeter (boolean array)."""
        if self.by_etablissement:
            return table["uai"].isin(self.etablissements).to_numpy()
        return table["departement"].isin(self.departements).to_numpy()


def folder() -> Path:
    return config.params_dir() / FOLDER


def names() -> list[str]:
    """The declared perimeters (file stems), sorted."""
    return sorted(p.stem for p in folder().glob("*.yml")) if folder().is_dir() else []


def check_name(name: str) -> str:
    """``name`` when it is a valid perimeter name (:data:`NAME`); else the error says the rule: a
    file of the folder to rename, or a name on the command line to correct (never looked up)."""
    if NAME.fullmatch(str(name)):
        return name
    rule = "lettres minuscules sans accent, chiffres et tirets seulement, par exemple tne-34"
    if name in names():
        raise InputError(folder() / f"{name}.yml", f"« {name} » n'est pas un nom de périmètre : {rule}",
                         hint="Renommez le fichier avec un tel nom ; ce nom est celui de `build perimetre:<nom>`.")
    raise TerritoryError(f"perimetre:{name} : « {name} » n'est pas un nom de périmètre ({rule}).\n"
                         f"  → périmètres déclarés : {', '.join(n for n in names() if NAME.fullmatch(n)) or 'aucun'} "
                         f"(fichiers {folder()}/<nom>.yml)")


def get(name: str) -> Perimeter:
    """The perimeter ``params/perimetres/<name>.yml``; an error lists the declared ones."""
    path = folder() / f"{check_name(str(name).strip())}.yml"
    if not path.exists():
        known = ", ".join(names()) or "none"
        raise InputError(path, f"no perimeter named {name!r} (declared: {known})",
                         hint=f"Create {path} (format: see the README, section « Périmètres sur mesure »).")
    return _read(path, path.stat().st_mtime_ns)


def all_perimeters() -> list[Perimeter]:
    """Every declared perimeter; the first that cannot be read raises its error."""
    return [get(name) for name in names()]


def declared() -> list[Perimeter | InputError]:
    """Every declared perimeter, or the error that keeps it from being read: computing the
    indicators of every territory must not fail for one bad perimeter file (its own edition
    fails, with that error)."""
    out: list[Perimeter | InputError] = []
    for name in names():
        try:
            out.append(get(name))
        except InputError as exc:
            out.append(exc)
    return out


def digest() -> str:
    """Digest of every perimeter definition and of the list files they read (a cache key part)."""
    parts = []
    for name, found in zip(names(), declared()):
        parts += [name, file_sha256(folder() / f"{name}.yml")]
        if isinstance(found, InputError):
            parts.append(str(found))
        elif found.read_from is not None:
            parts += [str(found.read_from), file_sha256(found.read_from)]
    return sha(*parts)


@cache
def _read(path: Path, _mtime: int) -> Perimeter:
    from analysis.core import territories

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError(path, "expected keys nom, parent, source, departements or etablissements")
    unknown = sorted(set(doc) - KEYS)
    if unknown:
        raise InputError(path, f"unknown key(s) {', '.join(unknown)}", column=unknown[0],
                         hint=f"Allowed keys: {', '.join(sorted(KEYS))}.")
    if not str(doc.get("nom", "")).strip():
        raise InputError(path, "the perimeter has no name", column="nom",
                         hint="Add a line such as: nom: Territoire numérique éducatif de l'Hérault")
    if bool(doc.get("departements")) == bool(doc.get("etablissements")):
        raise InputError(path, "declare either departements (COG codes) or etablissements (UAI), not both "
                         "and not neither", column="departements")
    parent = doc.get("parent")
    if parent is not None:
        try:
            parent = territories.parse_territory(str(parent)).id
        except territories.TerritoryError as exc:
            raise InputError(path, f"parent: {exc}", column="parent") from None
    departements, read_from = (), None
    if doc.get("departements"):
        codes = []
        for n, code in enumerate(doc["departements"], start=1):
            try:
                codes.append(territories.normalise_departement_code(str(code)))
            except ValueError:
                raise InputError(path, f"entry {n} is not a département code", column="departements",
                                 value=code, hint="Use COG codes such as 34, 2A or 971.") from None
        departements = tuple(dict.fromkeys(codes))
        uais: tuple[str, ...] = ()
    else:
        listed = doc["etablissements"]
        if isinstance(listed, dict):
            uais, read_from = _uais_from_file(path, listed)
        else:
            uais = tuple(_checked_uais(path, [(f"entry {n}", v) for n, v in enumerate(listed, start=1)]))
    return Perimeter(code=path.stem, nom=str(doc["nom"]).strip(), path=path, parent=parent,
                     source=str(doc.get("source", "") or ""), departements=departements,
                     etablissements=tuple(dict.fromkeys(uais)), read_from=read_from)


def _checked_uais(path: Path, entries) -> list[str]:
    out = []
    for where, value in entries:
        text = str(value).strip().upper()
        problem = uai_problem(text)
        if problem:
            raise InputError(path, f"{where}: {problem}", column="etablissements", value=value,
                             hint="A UAI is 7 characters and a check letter, e.g. 0341893Y.")
        out.append(text)
    return out


def _uais_from_file(path: Path, spec: dict) -> tuple[tuple[str, ...], Path]:
    unknown = sorted(set(spec) - FILE_KEYS)
    if unknown or "fichier" not in spec:
        raise InputError(path, "etablissements: expected fichier, and optionally feuille and colonne",
                         column="etablissements")
    source = (path.parent / str(spec["fichier"])).resolve()
    if not source.exists():
        raise InputError(path, f"the list of établissements {source} does not exist", column="etablissements",
                         hint="Download the list, or write the UAIs under etablissements: in this file.")
    column = str(spec.get("colonne", "UAI")).strip().lower()
    if source.suffix.lower() in (".xlsx", ".xls"):
        sheet = spec.get("feuille", 0)
        grid = pd.read_excel(source, sheet_name=sheet if isinstance(sheet, int) else str(sheet), header=None,
                             dtype=str)
    else:
        text = source.read_text(encoding="utf-8-sig")
        delimiter = max((";", ",", "\t"), key=text.count)    # a list file may open with a title line
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
        width = max(map(len, rows), default=0)
        grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows])
    cells = grid.fillna("").map(lambda v: str(v).strip().lower())
    hits = [(r, c) for r in range(min(len(grid), 20)) for c in range(grid.shape[1]) if cells.iat[r, c] == column]
    if not hits:
        raise InputError(source, f"no column headed {column!r} in the first 20 rows", column=column,
                         hint=f"Set colonne: in {path} to the header of the UAI column.")
    row, col = hits[0]
    values = [(f"{source.name} row {r + 1}", grid.iat[r, col]) for r in range(row + 1, len(grid))
              if str(grid.iat[r, col]).strip() not in ("", "nan")]
    return tuple(_checked_uais(path, values)), source
