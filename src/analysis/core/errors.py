"""Every error the tool reports to its users, under one root: :class:`AnalysisError`.

The command line prints an ``AnalysisError`` as one message (what failed, where: file, column,
line, chapter or cell, and what to do next) with exit status 2; any other exception is a bug of
the tool, reported as such (:mod:`analysis.cli.main`).
"""

from __future__ import annotations

import re
from pathlib import Path


class AnalysisError(Exception):
    """Base class: every error the tool reports to users without a traceback."""


class UsageError(AnalysisError):
    """An option or argument is invalid (checked before any work starts)."""


#: The unit of ``InputError.row`` as a reader says it.
ROW_UNITS = {"line": "ligne", "record": "enregistrement"}
#: French typography: a no-break space before these signs and inside « ».
_BEFORE = re.compile(r" (?=[:;?!%»])")
_AFTER = re.compile(r"(?<=«) ")


def french_spaces(text: str) -> str:
    """``text`` with the no-break spaces of French typography (before « : ; ? ! % » and inside
    « »), where it has ordinary ones."""
    return _AFTER.sub("\u00a0", _BEFORE.sub("\u00a0", text))


def quoted(value: object) -> str:
    """A value of the user's file as printed in a message: « as written » for plain text, its
    ``repr`` when spaces at its ends or invisible characters would not show."""
    if isinstance(value, str) and value.isprintable() and value == value.strip() and value:
        return f"«\u00a0{value}\u00a0»"
    return repr(value)


class InputError(AnalysisError):
    """A data file does not meet its schema, or cannot be read.

    ``row`` is the line in the file (header = line 1) for CSV and spreadsheets, the record
    (first = 1) for the portal's JSON and Parquet exports: ``row_unit`` (``line`` | ``record``)
    says which. The text is French: where (``fichier …, colonne « … », ligne …``), what, the value,
    then what to do; the file, column and value are printed as the user wrote them.
    """

    def __init__(self, file: str | Path, message: str, *, column: str | None = None,
                 row: int | None = None, value: object = None, hint: str | None = None,
                 failures: list[dict] | None = None, row_unit: str = "line"):
        self.file = str(file)
        self.column = column
        self.row = row
        self.row_unit = row_unit
        self.value = value
        self.hint = hint
        self.failures = failures or []
        self.message = message
        super().__init__(f"fichier {self.file}" + (", " if self.place else "\u00a0: ") + self.detail)

    @property
    def place(self) -> str:
        """Where in the file: ``colonne « NbTerminaux », ligne 12`` (empty when nowhere in particular)."""
        where = []
        if self.column is not None:
            where.append(f"colonne «\u00a0{self.column}\u00a0»")
        if self.row is not None:
            where.append(f"{ROW_UNITS.get(self.row_unit, self.row_unit)} {self.row}")
        return ", ".join(where)

    @property
    def detail(self) -> str:
        """The text without the file: place, message, value, and what to do (``data import``
        prints it under the file's name)."""
        text = (f"{self.place}\u00a0: " if self.place else "") + french_spaces(self.message)
        if self.value is not None:
            text += f" (valeur\u00a0: {quoted(self.value)})"
        if self.hint:
            text += f"\n  → {french_spaces(self.hint)}"
        return text

    def naming(self, file: str | Path, hint: str | None = None) -> InputError:
        """The same error about another name of the file (the user's path, the URL downloaded)."""
        return type(self)(file, self.message, column=self.column, row=self.row, value=self.value,
                          hint=hint or self.hint, failures=self.failures, row_unit=self.row_unit)


class OfflineError(AnalysisError):
    """A download was needed and there is no network."""


class DownloadError(AnalysisError):
    """A download failed or brought something that is not the expected file (the message names
    the URL, what came back, whether a partial file was kept to resume, and what to do)."""


class MissingDataError(AnalysisError):
    """A source needed for the report is not in the data folder, or has no data for the
    millésime asked (the message names the millésimes that are there)."""


class DataChangedError(AnalysisError):
    """The files of the data folder changed while a build read them (a hand edit, a command that
    does not take the folder's lock): the editions being built are not kept."""


class MillesimeError(AnalysisError, ValueError):
    """A millésime the questionnaires do not model (the message names the ones they do, and the
    fix: add a questionnaire for it)."""


class RegistryError(AnalysisError, ValueError):
    """The source registry (``params/sources.yml``) is malformed or names an unknown source."""


class TerritoryError(AnalysisError, ValueError):
    """Unknown or unsupported territory (message lists close matches and how to list them)."""


class BuildError(AnalysisError):
    """A chapter failed in one of its cells: names the notebook, the cell and the error, also as
    attributes (the build reports them field by field: :class:`analysis.build.tasks.BuildFailure`)."""

    def __init__(self, notebook: str, cell: int | None, ename: str, evalue: str, *,
                 execution_count: int | None = None, kept: str | Path | None = None):
        self.notebook = notebook                  # the chapter's file name
        self.cell = cell                          # index of the failing cell in the notebook
        self.ename = ename                        # the exception's class name
        self.evalue = evalue                      # its message
        self.execution_count = execution_count
        self.kept = Path(kept) if kept is not None else None   # the executed notebook, with the traceback
        super().__init__(chapter_failure(notebook, cell, ename, evalue, execution_count, self.kept))


def chapter_failure(notebook: str, cell: int | None, ename: str, evalue: str, execution_count: int | None,
                    kept: Path | None) -> str:
    """The text of a :class:`BuildError`: the chapter, the cell, the error, where to read the traceback."""
    return (f"chapter {notebook} failed in cell {cell} (execution count {execution_count}): {ename}: {evalue}\n"
            f"  → the executed notebook, with the traceback, is kept at {kept}")


class KernelError(AnalysisError, RuntimeError):
    """The kept kernel did not answer or failed to reset (the caller starts a new one), or the
    worker's shell for the chapters could not be set up."""


class NotebookError(AnalysisError):
    """A notebook cannot be turned into Markdown (unreadable file, bad cell options)."""

    def __init__(self, notebook: str | Path, message: str, cell: int | None = None):
        self.notebook = Path(notebook)
        self.cell = cell
        where = f"{self.notebook}" + (f", cell {cell}" if cell is not None else "")
        super().__init__(f"{where}: {message}")


class BookConfigError(AnalysisError, ValueError):
    """``_quarto.yml`` is missing or malformed; the message names the key."""


class RenderError(AnalysisError, RuntimeError):
    """pandoc or typst failed. Carries the engine, the chapter (notebook) and, for typst, the
    offending line of the generated ``.typ`` file."""

    def __init__(self, message: str, *, engine: str | None = None,
                 chapter: Path | str | None = None, line: int | None = None,
                 source_line: str | None = None, build_dir: Path | None = None):
        self.message = message
        self.engine = engine
        self.chapter = str(chapter) if chapter else None
        self.line = line
        self.source_line = source_line
        self.build_dir = build_dir
        parts = []
        if engine:
            parts.append(f"{engine} failed")
        if chapter:
            parts.append(f"in chapter {chapter}")
        head = " ".join(parts)
        text = f"{head}: {message}" if head else message
        if line is not None:
            text += f"\n  line {line} of the generated file: {source_line!r}"
        if build_dir is not None:
            text += f"\n  (build files kept in {build_dir})"
        super().__init__(text)
