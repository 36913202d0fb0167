"""Pandera schemas of the raw files, and the reader that applies them.

Raw files are read as text (``dtype=str``, empty cells kept as ""), validated here, then typed by
``harmonise``. A file that fails gets an ``InputError`` naming the file, the column, the line
(header = line 1) and the value, with the number of other failures.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from analysis.core import config
from analysis.core.errors import InputError
from analysis.core.uai import check_uais
from analysis.sources import layouts
from analysis.sources.registry import Source

COUNT = r"^(\d+(\.0*)?)?$"                 # "311.0", "12", or empty (no answer)
DECIMAL = r"^(-?\d+([.,]\d+)?)?$"
YEAR = r"^\d{4}(\.0*)?$"
DEPARTEMENT_3 = r"^(\d{3}|02[AB]|2[AB])$"
PROGRAMMES = ("colleges_lab", "efran", "profan")


BOOL_VALUES = ["", "oui", "non", "Oui", "Non", "OUI", "NON"]


def _is_count(series: pd.Series) -> pd.Series:
    """Empty, or a non-negative whole number written like "311" or "311.0" (vectorised)."""
    numbers = pd.to_numeric(series.where(series != ""), errors="coerce")
    text_ok = ~series.str.contains(r"[^0-9.]", regex=True, na=False)
    return (series == "") | (numbers.notna() & (numbers >= 0) & (numbers % 1 == 0) & text_ok)


def _count_column() -> pa.Column:
    return pa.Column(checks=[pa.Check(_is_count, error="not a count (expected a number like 311.0, or empty)")],
                     nullable=False)


def _uai_check() -> pa.Check:
    return pa.Check(lambda s: check_uais(s)["valid"].astype(bool), element_wise=False,
                    error="invalid UAI (7 characters + check letter)")


def _text(pattern: str | None = None, *, isin=None, nullable: bool = True, error: str = "") -> pa.Column:
    checks = []
    if pattern:
        checks.append(pa.Check.str_matches(pattern, error=error or f"does not match {pattern}"))
    if isin is not None:
        allowed = sorted(set(isin) | ({""} if nullable else set()))
        checks.append(pa.Check.isin(allowed, error=f"not one of {allowed}"))
    return pa.Column(checks=checks, required=True, nullable=False, coerce=False)


@cache
def questionnaire(name: str) -> dict:
    path = config.RESOURCES / "questionnaires" / f"{name}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _etic_columns(name: str, layout: tuple[str, ...]) -> dict[str, pa.Column]:
    q = questionnaire(name)
    columns = {c: _text() for c in layout}
    columns[q["keys"]["uai"]] = pa.Column(checks=[_uai_check()], nullable=False)
    columns[q["keys"]["annee"]] = _text(YEAR, nullable=False, error="millésime is not a year")
    columns["Code_nature"] = _text(r"^\d{3}$", error="nature code is not 3 digits")
    for spec in q["variables"].values():
        raw = spec["column"]
        names = set(raw.values()) if isinstance(raw, dict) else {raw}
        for col in names:
            if spec["kind"] == "count":
                columns[col] = _count_column()
            elif spec["kind"] == "bool":
                columns[col] = pa.Column(checks=[pa.Check.isin(BOOL_VALUES, error="not oui/non/empty")],
                                         nullable=False)
            elif spec["kind"] == "category":
                codes = {c for year_codes in spec["codes"].values() for c in year_codes}
                columns[col] = _text(isin=codes)
    return columns


@cache
def schema_for(name: str) -> pa.DataFrameSchema:
    if name == "etic_2d":
        return pa.DataFrameSchema(_etic_columns("etic_2d", layouts.ETIC_2D), strict=False,
                                  unique=["Code_UAI", "Millesime"], name=name)
    if name == "etic_1d":
        return pa.DataFrameSchema(_etic_columns("etic_1d", layouts.ETIC_1D), strict=False,
                                  unique=["Code_UAI", "Millesime"], name=name)
    if name == "annuaire":
        columns = {c: _text() for c in layouts.ANNUAIRE}
        columns.update({
            "Identifiant_de_l_etablissement": pa.Column(checks=[_uai_check()], nullable=False),
            "Code_departement": _text(DEPARTEMENT_3, error="not a 3-character département code"),
            "Nombre_d_eleves": _count_column(),
            "latitude": _text(DECIMAL, error="not a number"),
            "longitude": _text(DECIMAL, error="not a number"),
            "code_nature": _text(r"^(\d{3})?$", error="nature code is not 3 digits"),
        })
        return pa.DataFrameSchema(columns, strict=False, name=name)
    if name == "geolocalisation":
        columns = {c: _text() for c in layouts.GEOLOCALISATION}
        columns.update({
            "numero_uai": pa.Column(checks=[_uai_check()], nullable=False),
            "code_departement": _text(DEPARTEMENT_3, error="not a 3-character département code"),
            "latitude": _text(DECIMAL, error="not a number"),
            "longitude": _text(DECIMAL, error="not a number"),
        })
        return pa.DataFrameSchema(columns, strict=False, name=name)
    if name == "couverture":
        columns = {c: _text(DECIMAL, error="not a number") for c in layouts.COUVERTURE}
        columns["uai"] = pa.Column(checks=[_uai_check()], nullable=False)
        columns["millesime"] = _text(YEAR, nullable=False, error="millésime is not a year")
        return pa.DataFrameSchema(columns, strict=False, unique=["uai", "millesime"], name=name)
    if name == "experimentations":
        columns = {c: _text() for c in layouts.EXPERIMENTATIONS}
        columns["uai"] = pa.Column(checks=[_uai_check()], nullable=False)
        columns["millesime"] = _text(YEAR, nullable=False, error="millésime is not a year")
        columns["programme"] = _text(isin=PROGRAMMES, nullable=False)
        return pa.DataFrameSchema(columns, strict=False, unique=["uai", "millesime", "programme"],
                                  name=name)
    raise KeyError(f"No schema named '{name}'")


def read_raw(path: Path, source: Source) -> pd.DataFrame:
    """Read a raw CSV as text and validate it. Adds ``_line`` (line number in the file)."""
    path = Path(path)
    from analysis.sources.store import check_header  # local: store imports this module's users

    check_header(path, source)
    try:
        # object dtype: plain Python strings are several times faster than Arrow strings for
        # the isin/map calls of validation and typing.
        frame = pd.read_csv(path, sep=source.separator, encoding=source.encoding, dtype=object,
                            keep_default_na=False, na_values=[], quoting=0)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be parsed as {source.separator!r}-separated "
                         f"{source.encoding} text: {exc}",
                         hint="Download the file again from the official portal.") from None
    frame.columns = [c.strip() for c in frame.columns]
    validate(frame, source.schema, path)
    frame["_line"] = frame.index + 2
    return frame


def validate(frame: pd.DataFrame, schema_name: str, path: Path | str) -> None:
    schema = schema_for(schema_name)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise _to_input_error(err.failure_cases, path, schema_name) from None


def _to_input_error(cases: pd.DataFrame, path: Path | str, schema_name: str) -> InputError:
    cases = cases.copy()
    cases["row0"] = pd.to_numeric(cases["index"], errors="coerce")
    # Structural problems (missing column, duplicate keys without a row) come first.
    cases = cases.sort_values(["row0"], na_position="first", kind="stable")
    first = cases.iloc[0]
    failures = [
        {"column": c.column, "line": None if pd.isna(c.row0) else int(c.row0) + 2,
         "check": str(c.check), "value": c.failure_case}
        for c in cases.itertuples()
    ][:50]
    more = f" ({len(cases) - 1} more failure(s))" if len(cases) > 1 else ""
    check = str(first["check"])
    if check == "column_in_dataframe":
        return InputError(path, f"required column '{first['failure_case']}' is missing{more}",
                          column=str(first["failure_case"]), failures=failures,
                          hint=f"The file does not have the official {schema_name} layout "
                               "(see src/analysis/sources/layouts.py).")
    if check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
        return InputError(path, f"duplicate key {first['failure_case']!r}{more}",
                          column=str(first["column"]), failures=failures,
                          row=None if pd.isna(first["row0"]) else int(first["row0"]) + 2,
                          hint="Each establishment must appear once per millésime.")
    return InputError(
        path, f"{check}{more}", column=str(first["column"]),
        row=None if pd.isna(first["row0"]) else int(first["row0"]) + 2,
        value=first["failure_case"], failures=failures,
        hint="Fix or re-download the file; other failures are listed in the error's `failures`.",
    )
