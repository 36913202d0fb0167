"""Errors that name the file, the column and the row, and say what to do next."""

from __future__ import annotations

from pathlib import Path


class AnalysisError(Exception):
    """Base class: every error the tool reports to users without a traceback."""


class InputError(AnalysisError):
    """A data file does not meet its schema."""

    def __init__(self, file: str | Path, message: str, *, column: str | None = None,
                 row: int | None = None, value: object = None, hint: str | None = None,
                 failures: list[dict] | None = None):
        self.file = str(file)
        self.column = column
        self.row = row            # line number in the file (header = line 1)
        self.value = value
        self.hint = hint
        self.failures = failures or []
        where = [f"file {self.file}"]
        if column is not None:
            where.append(f"column '{column}'")
        if row is not None:
            where.append(f"line {row}")
        text = f"{', '.join(where)}: {message}"
        if value is not None:
            text += f" (value: {value!r})"
        if hint:
            text += f"\n  → {hint}"
        super().__init__(text)


class OfflineError(AnalysisError):
    """A download was needed and there is no network."""


class MissingDataError(AnalysisError):
    """A source needed for the report is not in the data folder."""
