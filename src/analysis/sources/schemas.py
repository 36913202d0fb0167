"""Pandera schemas of the raw files, and the reader that applies them.

Raw files are read as text in any export form of the portals (:mod:`analysis.sources.forms`:
labels or field names, CSV / JSON / Parquet; empty cells kept as ""), validated here, then typed
by ``harmonise``. The whole validation runs when a file is imported or downloaded, before it
enters the data folder (:meth:`analysis.sources.store.Store.add`): the schema, the millésimes
(against the questionnaires) and the codes each millésime's questionnaire allows. A file that
fails gets an ``InputError`` naming the file, the column, the line (header = line 1; the record
for JSON and Parquet) and the value, with the number of other failures.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.core.errors import InputError, quoted
from analysis.core.formatting import plural
from analysis.core.uai import check_uais
from analysis.sources import declared, forms, layouts, row_keys, spreadsheets
from analysis.sources.questionnaires import fix_for, for_year, questionnaire, unknown_code, years_of
from analysis.sources.registry import Source

COUNT = r"^(\d+(\.0*)?)?$"                 # "311.0", "12", or empty (no answer)
DECIMAL = r"^(-?\d+([.,]\d+)?)?$"
YEAR = r"^\d{4}(\.0*)?$"
DEPARTEMENT_3 = r"^(\d{3}|02[AB]|2[AB])$"
DATE = r"^(\d{4}-\d{2}-\d{2}([T ][0-9:.+Z-]*)?)?$"   # ISO date (the exports' form), or empty
PROGRAMMES = ("colleges_lab", "efran", "profan")


BOOL_VALUES = ["", "oui", "non", "Oui", "Non", "OUI", "NON"]
NOT_A_YEAR = "le millésime n'est pas une année"
NOT_A_NATURE = "le code nature n'a pas 3 chiffres"
NOT_A_DEPARTEMENT = "n'est pas un code de département à 3 caractères"
NOT_A_NUMBER = "n'est pas un nombre"
def _codes(allowed) -> str:
    return ", ".join(repr(c) for c in allowed)


def _is_count(series: pd.Series) -> pd.Series:
    """Empty, or a non-negative whole number written like "311" or "311.0" (vectorised)."""
    numbers = pd.to_numeric(series.where(series != ""), errors="coerce")
    text_ok = ~series.str.contains(r"[^0-9.]", regex=True, na=False)
    return (series == "") | (numbers.notna() & (numbers >= 0) & (numbers % 1 == 0) & text_ok)


def _count_column() -> pa.Column:
    return pa.Column(checks=[pa.Check(_is_count, error="n'est pas un effectif (attendu : un nombre comme 311.0, "
                                                       "ou rien)")],
                     nullable=False)


def _uai_check() -> pa.Check:
    return pa.Check(lambda s: check_uais(s)["valid"].astype(bool), element_wise=False,
                    error=declared.INVALID_UAI)


def _text(pattern: str | None = None, *, isin=None, nullable: bool = True, error: str = "") -> pa.Column:
    checks = []
    if pattern:
        checks.append(pa.Check.str_matches(pattern, error=error or f"ne suit pas la forme {pattern}"))
    if isin is not None:
        allowed = sorted(set(isin) | ({""} if nullable else set()))
        checks.append(pa.Check.isin(allowed, error=f"n'est pas l'un des codes {_codes(allowed)}"))
    return pa.Column(checks=checks, required=True, nullable=False, coerce=False)


def _etic_columns(name: str, layout: tuple[str, ...]) -> dict[str, pa.Column]:
    q = questionnaire(name)
    columns = {c: _text() for c in layout}
    columns[q["keys"]["uai"]] = pa.Column(checks=[_uai_check()], nullable=False)
    columns[q["keys"]["annee"]] = _text(YEAR, nullable=False, error=NOT_A_YEAR)
    columns["Code_nature"] = _text(r"^\d{3}$", error=NOT_A_NATURE)
    for spec in q["variables"].values():
        raw = spec["column"]
        names = set(raw.values()) if isinstance(raw, dict) else {raw}
        for col in names:
            if spec["kind"] == "count":
                columns[col] = _count_column()
            elif spec["kind"] == "bool":
                columns[col] = pa.Column(checks=[pa.Check.isin(BOOL_VALUES, error="n'est ni oui, ni non, ni vide")],
                                         nullable=False)
            elif spec["kind"] == "category":
                codes = {c for year_codes in spec["codes"].values() for c in year_codes}
                columns[col] = _text(isin=codes)
    return columns


@cache
def schema_for(name: str) -> pa.DataFrameSchema:
    if name == "etic_2d":
        return pa.DataFrameSchema(_etic_columns("etic_2d", layouts.ETIC_2D), strict=False,
                                  unique=list(row_keys.KEYS[name]), name=name)
    if name == "etic_1d":
        return pa.DataFrameSchema(_etic_columns("etic_1d", layouts.ETIC_1D), strict=False,
                                  unique=list(row_keys.KEYS[name]), name=name)
    if name == "annuaire":
        columns = {c: _text() for c in layouts.ANNUAIRE}
        columns.update({
            "Identifiant_de_l_etablissement": pa.Column(checks=[_uai_check()], nullable=False),
            "Code_departement": _text(DEPARTEMENT_3, error=NOT_A_DEPARTEMENT),
            "Nombre_d_eleves": _count_column(),
            "latitude": _text(DECIMAL, error=NOT_A_NUMBER),
            "longitude": _text(DECIMAL, error=NOT_A_NUMBER),
            "code_nature": _text(r"^(\d{3})?$", error=NOT_A_NATURE),
            "date_ouverture": _text(DATE, error="n'est pas une date (AAAA-MM-JJ)"),
        })
        return pa.DataFrameSchema(columns, strict=False, name=name)
    if name == "geolocalisation":
        columns = {c: _text() for c in layouts.GEOLOCALISATION}
        columns.update({
            "numero_uai": pa.Column(checks=[_uai_check()], nullable=False),
            "code_departement": _text(DEPARTEMENT_3, error=NOT_A_DEPARTEMENT),
            "latitude": _text(DECIMAL, error=NOT_A_NUMBER),
            "longitude": _text(DECIMAL, error=NOT_A_NUMBER),
        })
        return pa.DataFrameSchema(columns, strict=False, name=name)
    if name == "couverture":
        columns = {c: _text(DECIMAL, error=NOT_A_NUMBER) for c in layouts.COUVERTURE}
        columns["uai"] = pa.Column(checks=[_uai_check()], nullable=False)
        columns["millesime"] = _text(YEAR, nullable=False, error=NOT_A_YEAR)
        return pa.DataFrameSchema(columns, strict=False, unique=list(row_keys.KEYS[name]), name=name)
    if name == "experimentations":
        columns = {c: _text() for c in layouts.EXPERIMENTATIONS}
        columns["uai"] = pa.Column(checks=[_uai_check()], nullable=False)
        columns["millesime"] = _text(YEAR, nullable=False, error=NOT_A_YEAR)
        columns["programme"] = _text(isin=PROGRAMMES, nullable=False)
        return pa.DataFrameSchema(columns, strict=False, unique=list(row_keys.KEYS[name]), name=name)
    raise KeyError(f"No schema named '{name}'")        # a registry entry's schema: checked by the tests


def read_raw(path: Path, source: Source) -> pd.DataFrame:
    """Read a raw file as text (any export form) and validate it. Adds ``_line``."""
    return read_checked(path, source).frame


def read_checked(path: Path, source: Source) -> forms.TextTable:
    """:func:`read_raw` with the form the file was found in (recorded in its provenance)."""
    path = Path(path)
    try:
        table = forms.read_table(path, source.schema)
    except spreadsheets.SpreadsheetError as err:
        raise err.naming(path, hint=f"{err.hint} Page du jeu de données : {portal_page(source)}") from None
    check_header(table.frame.columns, source, path, table.form)
    if source.schema == declared.SCHEMA:           # a local source: its layout is in its entry
        table.frame = declared.rename(table.frame, source)
        declared.missing_declared(table.frame, source, path)
    frame = table.frame
    unit = table.row_unit
    try:
        if source.questionnaire:
            check_millesimes(frame, source.questionnaire, path)
        if source.schema == declared.SCHEMA:
            _validate_with(declared.schema(source), frame.drop(columns="_line"), path, source.key,
                           lines=frame["_line"])
        else:
            validate(frame.drop(columns="_line"), source.schema, path, lines=frame["_line"])
        if source.questionnaire:
            check_codes_by_millesime(frame, source.questionnaire, path)
    except InputError as err:
        if unit != "line":
            raise InputError(path, err.message, column=err.column, row=err.row, value=err.value,
                             hint=err.hint, failures=err.failures, row_unit=unit) from None
        raise
    return table


def portal_page(source: Source) -> str:
    """Where a source's file is exported: its page on the portal, else its first URL."""
    return source.page or (source.urls[0] if source.urls else "le portail data.education.gouv.fr")


def check_header(columns, source: Source, path: Path, form: forms.FileForm | None = None) -> None:
    """Fail early, with a hint, when a file does not have the source's identifying columns."""
    absent = layouts.missing(list(columns), source.header, source.schema)
    if not absent:
        return
    hint = "Est-ce le bon fichier ?"
    if form is not None and form.format in ("csv", "xlsx"):
        hint += (f" (lu comme : {form.describe()} ; attendu : l'export de {source.dataset_id}, avec les "
                 f"libellés ou les noms de champs en en-tête)")
    raise InputError(path, f"il manque à l'en-tête la ou les colonnes de {source.key} : {', '.join(absent)}",
                     column=absent[0], row=1 if form is None or form.format in ("csv", "xlsx") else None,
                     hint=hint)


def check_millesimes(frame: pd.DataFrame, qname: str, path: Path) -> None:
    """Every row's millésime is one the questionnaire models (else: the fix, named)."""
    column = questionnaire(qname)["keys"]["annee"]
    if column not in frame:
        return                               # the schema reports the missing column
    years = pd.to_numeric(frame[column].str.replace(r"\.0*$", "", regex=True), errors="coerce")
    modelled = years_of(qname)
    bad = years.notna() & ~years.isin(modelled)
    if bad.any():
        i = bad.idxmax()
        others = sorted({int(y) for y in years[bad]})
        raise InputError(path, f"le millésime {int(years[i])} n'est pas modélisé par le questionnaire {qname} "
                               f"(millésimes modélisés : {', '.join(map(str, modelled))})"
                               + (f" ; le fichier a aussi {', '.join(map(str, others[1:]))}"
                                  if len(others) > 1 else ""),
                         column=column, row=int(frame.loc[i, "_line"]), value=frame.loc[i, column],
                         hint=fix_for(int(years[i]), qname))


def check_codes_by_millesime(frame: pd.DataFrame, qname: str, path: Path) -> None:
    """Category codes valid for the row's own millésime (the schema checks the union of all
    years: a 2019 code in a 2018 row passes it)."""
    q = questionnaire(qname)
    years = pd.to_numeric(frame[q["keys"]["annee"]].str.replace(r"\.0*$", "", regex=True)).astype(int)
    for spec in q["variables"].values():
        if spec["kind"] != "category":
            continue
        for year in sorted(years.unique()):
            rows = years == year
            column = spec["column"]
            column = for_year(column, year) if isinstance(column, dict) else column
            codes = for_year(spec["codes"], year)
            values = frame.loc[rows, column]
            unknown = (values != "") & ~values.isin(list(codes))
            if unknown.any():
                i = unknown.idxmax()
                raise unknown_code(path, year, codes, column, int(frame.loc[i, "_line"]), values[i])


def validate(frame: pd.DataFrame, schema_name: str, path: Path | str, *, lines=None) -> None:
    """Run a schema on a text frame; ``lines``: the file line of each row (default: index + 2)."""
    _validate_with(schema_for(schema_name), frame, path, schema_name, lines=lines)


def _validate_with(schema: pa.DataFrameSchema, frame: pd.DataFrame, path: Path | str, schema_name: str, *,
                   lines=None) -> None:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise _to_input_error(err.failure_cases, path, schema_name, lines) from None


def _to_input_error(cases: pd.DataFrame, path: Path | str, schema_name: str, lines=None) -> InputError:
    cases = cases.copy()
    row0 = pd.to_numeric(cases["index"], errors="coerce")
    if lines is not None:
        line_of = pd.Series(np.asarray(lines), dtype="Int64")
        cases["line"] = row0.map(lambda i: None if pd.isna(i) else int(line_of.iloc[int(i)]))
    else:
        cases["line"] = row0.map(lambda i: None if pd.isna(i) else int(i) + 2)
    cases["row0"] = row0
    # Structural problems (missing column, duplicate keys without a row) come first.
    cases = cases.sort_values(["row0"], na_position="first", kind="stable")
    first = cases.iloc[0]
    line = None if pd.isna(first["line"]) else int(first["line"])
    failures = [
        {"column": c.column, "line": None if pd.isna(c.line) else int(c.line),
         "check": str(c.check), "value": c.failure_case}
        for c in cases.itertuples()
    ][:50]
    more = ""
    if len(cases) > 1:
        shown = [f"« {f['column']} »" + (f" ligne {f['line']}" if f["line"] else "") + f" {quoted(f['value'])}"
                 for f in failures[1:4]]
        more = (f" ({plural(len(cases) - 1, 'autre erreur', 'autres erreurs')} : {' ; '.join(shown)}"
                f"{' ; …' if len(cases) > 4 else ''})")
    check = str(first["check"])
    if check == "column_in_dataframe":
        return InputError(path, f"la colonne obligatoire « {first['failure_case']} » manque{more}",
                          column=str(first["failure_case"]), failures=failures,
                          hint=f"Le fichier n'a pas les colonnes officielles de {schema_name} "
                               "(voir src/analysis/sources/layouts.py).")
    if check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
        return InputError(path, f"clé en double : {quoted(first['failure_case'])}{more}",
                          column=str(first["column"]), failures=failures, row=line,
                          hint="Chaque établissement doit figurer une seule fois par millésime.")
    return InputError(
        path, f"{check}{more}", column=str(first["column"]), row=line,
        value=first["failure_case"], failures=failures,
        hint="Téléchargez à nouveau le fichier depuis le portail officiel (ou corrigez votre copie), puis "
             "importez-le à nouveau.",
    )
