"""The errors users read: every one an AnalysisError, naming where (file, column, line or record;
notebook and cell; engine, chapter and line) and what to do."""

from __future__ import annotations

import inspect

import pytest

from analysis.core import errors
from analysis.core.errors import AnalysisError, InputError, NotebookError, RenderError


def test_every_error_of_the_module_is_an_analysis_error():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]
    assert len(classes) >= 10
    assert all(issubclass(c, AnalysisError) for c in classes), classes


def test_an_input_error_names_file_column_line_value_and_hint_in_french():
    err = InputError("fr-en-etic_2d.csv", "n'est pas un effectif", column="NbTerminaux", row=12, value="beaucoup",
                     hint="corrigez le fichier : ligne 12")
    assert str(err) == ("fichier fr-en-etic_2d.csv, colonne «\u00a0NbTerminaux\u00a0», ligne 12\u00a0: n'est pas "
                        "un effectif (valeur\u00a0: «\u00a0beaucoup\u00a0»)\n  → corrigez le fichier\u00a0: ligne 12")
    assert (err.file, err.column, err.row, err.value) == ("fr-en-etic_2d.csv", "NbTerminaux", 12, "beaucoup")
    assert err.detail == str(err).removeprefix("fichier fr-en-etic_2d.csv, ")


def test_an_input_error_of_an_export_counts_records():
    err = InputError("export.json", "UAI invalide", column="code_uai", row=3, row_unit="record")
    assert str(err) == "fichier export.json, colonne «\u00a0code_uai\u00a0», enregistrement 3\u00a0: UAI invalide"


def test_an_input_error_without_place_says_the_file_only():
    assert str(InputError("x.csv", "le fichier est vide")) == "fichier x.csv\u00a0: le fichier est vide"


@pytest.mark.parametrize(("value", "shown"), [
    ("Privé", "«\u00a0Privé\u00a0»"),
    (" 311", "' 311'"),                                # a space the quotes would hide
    ("a\tb", "'a\\tb'"),                              # an invisible character
    ("", "''"),
    (12, "12"),
])
def test_a_value_is_shown_as_the_user_wrote_it(value, shown):
    assert errors.quoted(value) == shown


def test_french_spacing_puts_no_break_spaces_where_french_typography_wants_them():
    assert errors.french_spaces("a : b ; c ? d ! 5 % « e »") == \
        "a\u00a0: b\u00a0; c\u00a0? d\u00a0! 5\u00a0% «\u00a0e\u00a0»"
    assert errors.french_spaces("http://x/a:b;c") == "http://x/a:b;c"      # no space, nothing changed


def test_naming_keeps_everything_but_the_file():
    first = InputError("/tmp/dl/part.csv", "coupé", row=61, failures=[{"row": 61}], row_unit="line")
    err = first.naming("https://portail.example/export.csv", hint="téléchargez à nouveau")
    assert str(err).startswith("fichier https://portail.example/export.csv, ligne 61\u00a0: coupé")
    assert str(err).endswith("→ téléchargez à nouveau")
    assert (err.row, err.failures, err.message) == (61, [{"row": 61}], "coupé")
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

