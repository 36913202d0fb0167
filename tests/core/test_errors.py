"""The errors users read: every one an AnalysisError, naming where (file, column, line or record;
notebook and cell; engine, chapter and line) and what to do."""

from __future__ import annotations

import inspect

from analysis.core import errors
from analysis.core.errors import AnalysisError, InputError, NotebookError, RenderError


def test_every_error_of_the_module_is_an_analysis_error():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]
    assert len(classes) >= 10
    assert all(issubclass(c, AnalysisError) for c in classes), classes


def test_an_input_error_names_file_column_line_value_and_hint():
    err = InputError("fr-en-etic_2d.csv", "not a count", column="NbTerminaux", row=12, value="beaucoup",
                     hint="correct the file")
    assert str(err) == ("file fr-en-etic_2d.csv, column 'NbTerminaux', line 12: not a count "
                        "(value: 'beaucoup')\n  → correct the file")
    assert (err.file, err.column, err.row, err.value) == ("fr-en-etic_2d.csv", "NbTerminaux", 12, "beaucoup")


def test_an_input_error_of_an_export_counts_records():
    err = InputError("export.json", "invalid UAI", column="code_uai", row=3, row_unit="record")
    assert str(err) == "file export.json, column 'code_uai', record 3: invalid UAI"


def test_an_input_error_without_place_says_the_file_only():
    assert str(InputError("x.csv", "empty file")) == "file x.csv: empty file"


def test_naming_keeps_everything_but_the_file():
    first = InputError("/tmp/dl/part.csv", "cut short", row=61, failures=[{"row": 61}], row_unit="line")
    err = first.naming("https://portail.example/export.csv", hint="download again")
    assert str(err).startswith("file https://portail.example/export.csv, line 61: cut short")
    assert str(err).endswith("→ download again")
    assert (err.row, err.failures, err.message) == (61, [{"row": 61}], "cut short")
    assert first.naming("autre.csv").hint is None                   # no hint given: none invented


def test_a_notebook_error_names_the_notebook_and_the_cell(tmp_path):
    err = NotebookError(tmp_path / "02-connectivite.ipynb", "bad cell option", cell=4)
    assert str(err) == f"{tmp_path / '02-connectivite.ipynb'}, cell 4: bad cell option"
    assert str(NotebookError("a.ipynb", "unreadable")) == "a.ipynb: unreadable"


def test_a_render_error_names_engine_chapter_and_line(tmp_path):
    err = RenderError("unknown variable", engine="typst", chapter="03-equipement", line=120,
                      source_line="#foo", build_dir=tmp_path)
    assert str(err).splitlines() == ["typst failed in chapter 03-equipement: unknown variable",
                                     "  line 120 of the generated file: '#foo'",
                                     f"  (build files kept in {tmp_path})"]
    assert str(RenderError("no output")) == "no output"

