"""ETIC answers typed through the questionnaire mappings (``resources/questionnaires/*.yml``):
canonical column names, booleans, whole counts and ordered categories. "No answer" stays missing
(<NA>), never False or 0; a question not asked that millésime is emptied and its answers counted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import InputError
from analysis.harmonise.harmonise_report import HarmoniseReport
from analysis.sources import questionnaires


def etic_answers(raw: pd.DataFrame, qname: str, path: Path | str = "",
                 report: HarmoniseReport | None = None) -> pd.DataFrame:
    """Type the raw ETIC answers of one file into canonical columns, millésime by millésime."""
    q = questionnaires.questionnaire(qname)
    uai_col, year_col = q["keys"]["uai"], q["keys"]["annee"]
    years = pd.to_numeric(raw[year_col].str.replace(r"\.0*$", "", regex=True)).astype(int)
    parts = []
    for year in sorted(years.unique()):
        rows = raw[years == year]
        out = pd.DataFrame({"uai": rows[uai_col].str.strip().str.upper().to_numpy(),
                            "annee": year}, index=rows.index)
        for name, column in q.get("passthrough", {}).items():
            out[name] = rows[column].str.strip().replace("", None)
        for name, spec in q["variables"].items():
            column = spec["column"]
            column = questionnaires.for_year(column, year) if isinstance(column, dict) else column
            asked = spec.get("since", 0) <= year <= spec.get("until", 9999)
            values = rows[column]          # the schema has already rejected stray spaces and codes
            if not asked:
                answered = int((values != "").sum())
                if answered and report is not None:
                    report.ignored_answers.append(f"{column} {year}: {answered}")
                values = pd.Series("", index=values.index, dtype=values.dtype)
            out[name] = _typed(values, spec, year, column, path, rows)
        parts.append(out)
    return pd.concat(parts) if parts else pd.DataFrame(columns=["uai", "annee"])


def _typed(values: pd.Series, spec: dict, year: int, column: str, path, rows: pd.DataFrame) -> pd.Series:
    kind = spec["kind"]
    empty = values == ""
    if kind == "bool":
        lowered = values.to_numpy(dtype=object)
        if not np.isin(lowered, ["", "oui", "non"]).all():
            lowered = values.str.lower().to_numpy(dtype=object)
        return pd.Series(pd.arrays.BooleanArray(lowered == "oui", lowered == ""), index=values.index)
    if kind == "count":
        numbers = pd.to_numeric(values.where(~empty), errors="coerce")
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            i = fractional.idxmax()
            raise InputError(path, "l'effectif n'est pas un nombre entier", column=column,
                             row=int(rows.loc[i, "_line"]), value=values[i])
        return numbers.astype("Int64")
    if kind == "category":
        codes = questionnaires.for_year(spec["codes"], year)
        mapped = values.astype(object).map(codes)
        unknown = ~empty & mapped.isna()
        if unknown.any():
            i = unknown.idxmax()
            raise questionnaires.unknown_code(path, year, codes, column, int(rows.loc[i, "_line"]), values[i])
        return pd.Categorical(mapped, categories=spec["levels"], ordered=bool(spec.get("ordered")))
    return values.where(~empty)
