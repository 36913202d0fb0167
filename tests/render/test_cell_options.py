"""Quarto cell options read from the ``#|`` header of a code cell (no rendering)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from analysis.core.errors import NotebookError
from analysis.render.cell_options import shown_cell_options, split_cell_options


def test_split_cell_options():
    options, code = split_cell_options(
        '#| label: fig-acces\n#| fig-cap: "Part des établissements : 98 %"\n'
        "#| output: false\nplot()\n#| not an option")
    assert options == {"label": "fig-acces", "fig-cap": "Part des établissements : 98 %",
                       "output": False}
    assert code == "plot()\n#| not an option"
    assert split_cell_options("x = 1") == ({}, "x = 1")
    with pytest.raises(ValueError, match="YAML"):
        split_cell_options('#| fig-cap: "unclosed\nx')


def _cell(source: str, *tags: str) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": []}


def test_shown_cell_options(caplog):
    path = Path("chapitre.ipynb")
    assert shown_cell_options(_cell("#| include: false\nx"), path, 0) is None
    assert shown_cell_options(_cell("#| output: false\nx"), path, 0) is None
    assert shown_cell_options(_cell("x", "remove-output"), path, 0) is None
    asis = shown_cell_options(_cell("#| output: asis\nprint('**a**')"), path, 0)
    assert asis.asis and asis.label is None and not asis.is_table
    table = shown_cell_options(_cell('#| label: tbl-t\n#| fig-cap: "A"\nx'), path, 0)
    assert table.is_table and table.fig_caps == ["A"] and table.fig_alts == []
    with caplog.at_level(logging.WARNING):
        plain = shown_cell_options(_cell("#| label: acces\nx"), path, 3)
    assert plain.label is None and "cell 3: label 'acces' ignored" in caplog.text
    with pytest.raises(NotebookError, match="YAML"):
        shown_cell_options(_cell('#| fig-cap: "unclosed\nx'), path, 4)


def test_options_read_once_are_each_callers_own():
    source = "#| label: fig-a\n#| fig-cap: [un, deux]\nplot()"
    first, code = split_cell_options(source)
    first["fig-cap"].append("trois")
    first["label"] = "fig-b"
    again, _ = split_cell_options(source)
    assert again == {"label": "fig-a", "fig-cap": ["un", "deux"]} and code == "plot()"
