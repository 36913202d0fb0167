"""Sources declared entirely in project files: a region's own data, without touching the package.

A registry file ``params/sources/<name>.yml`` (same format as ``params/sources.yml``) declares
sources whose ``schema`` is ``declared``: their columns and checks are written in the entry
itself, and so is how the harmonised table takes them (``join``)::

    sources:
      label_numerique_colleges:
        dataset_id: fr-en-occitanie-label-numerique-college
        title: Label numérique des collèges (académie de Montpellier)
        licence: lo-2.0
        format: csv
        filename: fr-en-occitanie-label-numerique-college.csv
        patterns: ["fr-en-occitanie-label-numerique-college*.csv"]
        header: [RNE, Année, Label]           # identifies the file (labels as written)
        schema: declared
        millesime: column annee               # a column named as below (or `sans date`)
        columns:                              # column as written -> {as: name, check: …}
          RNE: {as: uai, check: uai}
          Année: {as: annee, check: year}
          Label: {as: niveau, check: {in: ["1", "2", "3"]}}
        join:                                 # read by analysis.harmonise.table
          group: label_numerique              # one family of files (one column set)
          columns: {niveau: label_niveau}     # file column -> column of the harmonised table
          absent: "0"                         # value of a covered establishment the file omits
          coverage: {types: [college], secteur: public, academies: [montpellier]}  # where it is complete
        quirks: >-
          What is odd about the file, in words.

Checks: ``uai`` (format and check letter), ``year`` (four digits, ``2018`` or ``2018.0``),
``count`` (a whole number), ``text`` (anything), ``{in: [...]}`` (one of the listed codes);
every value may be empty unless ``required: true``. Rows are unique per ``uai`` and millésime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.core import territories
from analysis.core.errors import InputError, RegistryError
from analysis.core.uai import check_uais
from analysis.sources.layouts import normalised

SCHEMA = "declared"
CHECKS = ("uai", "year", "count", "text")
JOIN_KEYS = {"group", "columns", "absent", "coverage"}
COVERAGE_KEYS = {"types", "secteur", "departements", "academies", "regions"}
UNDATED = "sans date"
#: The words of a UAI that fails its check, in every schema.
INVALID_UAI = "UAI invalide (7 caractères et une lettre clé)"


@dataclass(frozen=True)
class Extent:
    """Where a local file is complete (its ``join.coverage``): types of establishment, sector,
    and places (départements, académies, régions; none: everywhere)."""

    types: tuple[str, ...] = ()
    secteur: str | None = None
    departements: tuple[str, ...] = ()
    academies: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def places(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(level, codes) of the places declared, each level once."""
        return (("departement", self.departements), ("academie", self.academies), ("region", self.regions))

    def departement_codes(self, vintage: str) -> set[str] | None:
        """The départements of the places declared (codes of the vintage's map); None when no
        place is declared (the file speaks for all of France)."""
        if not any(codes for _, codes in self.places):
            return None
        hierarchy = territories.hierarchy(vintage)
        found: set[str] = set()
        for level, codes in self.places:
            wanted = {territories.normalise_departement_code(c) if level == "departement" else c for c in codes}
            found |= set(hierarchy.loc[hierarchy[level].astype(str).isin(wanted), "departement"])
        return found


@dataclass(frozen=True)
class LocalJoin:
    """How the harmonised table takes a local file (its ``join``): the ``group`` of files it
    belongs to, its columns (file name -> table name), the value of a covered establishment the
    file omits (``absent``), and where it is complete (``coverage``)."""

    group: str
    columns: tuple[tuple[str, str], ...]
    absent: str | None = None
    coverage: Extent = Extent()

    @classmethod
    def from_entry(cls, join: dict) -> LocalJoin:
        coverage = join.get("coverage") or {}
        return cls(group=str(join["group"]), columns=tuple((str(k), str(v)) for k, v in join["columns"].items()),
                   absent=None if join.get("absent") is None else str(join["absent"]),
                   coverage=Extent(types=tuple(coverage.get("types") or ()), secteur=coverage.get("secteur"),
                                   **{key: tuple(str(c) for c in coverage.get(key) or ())
                                      for key in ("departements", "academies", "regions")}))

    def covers_type(self, types) -> bool:
        """Whether the file may cover some of ``types`` (a file without declared types covers all)."""
        return not self.coverage.types or bool(set(types) & set(self.coverage.types))


def check_entry(key: str, entry: dict, path: Path) -> None:
    """A declared source's ``columns`` and ``join`` are well formed (else: file, source, key)."""
    columns = entry.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise RegistryError(f"{path} : la source « {key} » a « schema: declared » mais pas de liste « columns: »")
    names = []
    for raw, spec in columns.items():
        if not isinstance(spec, dict) or "as" not in spec:
            raise RegistryError(f"{path} : source « {key} », colonne « {raw} » : attendu {{as: nom, check: …}}")
        check = spec.get("check", "text")
        if not (check in CHECKS or (isinstance(check, dict) and set(check) == {"in"})):
            raise RegistryError(f"{path} : source « {key} », colonne « {raw} » : le contrôle {check!r} n'est "
                                f"aucun de {', '.join(CHECKS)}, {{in: [...]}}")
        names.append(spec["as"])
    if "uai" not in names:
        raise RegistryError(f"{path} : source « {key} » : une colonne doit être déclarée « as: uai »")
    millesime = str(entry.get("millesime", ""))
    if millesime != UNDATED and not (millesime.startswith("column ") and millesime.split(" ", 1)[1] in names):
        raise RegistryError(f"{path} : source « {key} » : millesime doit valoir « column <un nom déclaré> » "
                            f"ou « {UNDATED} » (lu : {millesime!r})")
    join = entry.get("join")
    if join is not None:
        unknown = set(join) - JOIN_KEYS
        if unknown or "group" not in join or not isinstance(join.get("columns"), dict):
            raise RegistryError(f"{path} : source « {key} », join : attendu group, columns et, au choix, "
                                f"absent et coverage (lu : {sorted(join)})")
        wrong = [c for c in join["columns"] if c not in names]
        if wrong:
            raise RegistryError(f"{path} : source « {key} », join.columns nomme des colonnes non déclarées : {wrong}")
        if set(join.get("coverage") or {}) - COVERAGE_KEYS:
            raise RegistryError(f"{path} : source « {key} », join.coverage : clés possibles {sorted(COVERAGE_KEYS)}")


def rename(frame: pd.DataFrame, source) -> pd.DataFrame:
    """The file's columns under their declared names (matched without case, accents or
    punctuation); undeclared columns are kept as written."""
    wanted = {normalised(raw): spec["as"] for raw, spec in source.extra["columns"].items()}
    return frame.rename(columns={c: wanted[normalised(c)] for c in frame.columns if normalised(c) in wanted})


def _column(spec: dict) -> pa.Column:
    check = spec.get("check", "text")
    nullable = not spec.get("required", False)
    checks = []
    if check == "uai":
        checks.append(pa.Check(lambda s: check_uais(s)["valid"].astype(bool), error=INVALID_UAI))
        nullable = False
    elif check == "year":
        checks.append(pa.Check.str_matches(r"^(\d{4}(\.0*)?)?$", error="n'est pas une année"))
    elif check == "count":
        checks.append(pa.Check.str_matches(r"^(\d+(\.0*)?)?$", error="n'est pas un nombre entier"))
    elif isinstance(check, dict):
        allowed = sorted({str(v) for v in check["in"]} | ({""} if nullable else set()))
        checks.append(pa.Check.isin(allowed, error=f"n'est pas l'un des codes {', '.join(map(repr, allowed))}"))
    if not nullable:
        checks.append(pa.Check(lambda s: s != "", error="est vide"))
    return pa.Column(checks=checks, nullable=False, coerce=False)


def schema(source) -> pa.DataFrameSchema:
    columns = {spec["as"]: _column(spec) for spec in source.extra["columns"].values()}
    column = source.millesime_column
    unique = ["uai"] + ([column] if column else [])
    return pa.DataFrameSchema(columns, strict=False, unique=unique, name=source.key)


def millesimes(frame: pd.DataFrame, source) -> list[int]:
    column = source.millesime_column
    if not column or column not in frame:
        return []
    years = pd.to_numeric(frame[column].str.replace(r"\.0*$", "", regex=True), errors="coerce")
    return sorted(int(y) for y in years.dropna().unique())


def missing_declared(frame: pd.DataFrame, source, path: Path) -> None:
    absent = [raw for raw, spec in source.extra["columns"].items() if spec["as"] not in frame]
    if absent:
        raise InputError(path, f"il manque au fichier la ou les colonnes déclarées : {', '.join(absent)}",
                         column=absent[0], row=1,
                         hint=f"Vérifiez « columns: » de la source « {source.key} » dans son fichier de registre.")
