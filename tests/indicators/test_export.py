"""Exports of the indicator table (on the small demo): the rows of a territory and, with
--level-below, of the level under it, every statut kept (the same selection as the exports of the
index page), in a fixed order; CSV, JSON and an xlsx that says when its figures are synthetic."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from analysis import indicators
from analysis.core import territories
from analysis.indicators import export
from analysis.indicators.catalogue import themes


@pytest.fixture(scope="module")
def results(small_store):
    return indicators.load(small_store, 2018)


def test_a_territory_alone_in_the_columns_of_the_export(results):
    rows = export.select(results, territories.parse_territory("academie:montpellier"))
    assert set(rows["territoire"]) == {"academie:montpellier"}
    assert list(rows.columns) == [c for c in export.COLUMNS if c in results]
    assert set(rows["type"]) == {"ensemble", "ecole", "college", "lycee", "tous"}
    assert len(rows) == (results["territoire"] == "academie:montpellier").sum()        # every row, once
    assert rows[["indicateur", "type"]].apply(tuple, axis=1).is_monotonic_increasing      # sorted


def test_the_level_below_follows_its_parent_with_every_row(results):
    academie = territories.parse_territory("academie:montpellier")
    rows = export.select(results, academie, level_below=True)
    order = list(dict.fromkeys(rows["territoire"]))
    assert order[0] == "academie:montpellier"
    assert set(order[1:]) == {f"departement:{c}" for c in ("11", "30", "34", "48", "66")}
    # « sans objet » rows included: nothing is dropped silently, the statut says what a row is
    assert len(rows) == results["territoire"].isin(order).sum() and "vide" in set(rows["statut"])
    # a département has no level below: the option changes nothing
    herault = territories.parse_territory("departement:34")
    assert export.select(results, herault, level_below=True).equals(export.select(results, herault))


def test_csv_and_json_hold_the_same_rows(results, tmp_path):
    rows = export.select(results, territories.parse_territory("departement:34"))
    csv = pd.read_csv(export.write(rows, tmp_path / "a" / "i.csv", "csv"), dtype={"territoire": str})
    records = json.loads(export.write(rows, tmp_path / "i.json", "json").read_text(encoding="utf-8"))
    assert len(csv) == len(records) == len(rows)
    assert records[0]["indicateur"] == rows["indicateur"].iloc[0] and list(records[0]) == list(rows.columns)
    with pytest.raises(ValueError, match="csv, json or xlsx"):
        export.write(rows, tmp_path / "i.docx", "docx")


def test_the_workbook_says_demo_data_and_has_a_sheet_per_theme(results, tmp_path):
    rows = export.select(results, territories.parse_territory("departement:34"))
    book = openpyxl.load_workbook(export.write(rows, tmp_path / "i.xlsx", "xlsx"))
    assert book.sheetnames[:2] == ["Lisez-moi", "Définitions"]
    assert "DÉMONSTRATION" in book["Lisez-moi"]["A2"].value
    sheets = book.sheetnames[2:]
    assert sheets == [label[:31] for theme, label in themes().items() if theme in set(rows["theme"])]
    first = book[sheets[0]]
    assert first["A1"].value == "Territoire (code)" and first.freeze_panes == "A2"
    assert sum(book[s].max_row - 1 for s in sheets) == len(rows)            # every row, once


def test_every_cell_of_the_workbook_is_the_table_s_value_and_a_missing_one_is_empty(results, tmp_path):
    rows = export.select(results, territories.parse_territory("academie:montpellier"), level_below=True)
    book = openpyxl.load_workbook(export.write(rows, tmp_path / "i.xlsx", "xlsx"))
    theme, label = next((t, label) for t, label in themes().items() if t in set(rows["theme"]))
    part = rows[rows["theme"] == theme].drop(columns=["theme"])
    sheet = book[label[:31]]
    cells = [[c.value for c in line] for line in sheet.iter_rows()]
    assert cells[0] == [export.HEADERS[c] for c in part.columns]
    expected = [[None if pd.isna(v) else v for v in line] for line in part.astype(object).values.tolist()]
    assert len(cells) - 1 == len(expected)
    for got, want in zip(cells[1:], expected, strict=True):      # a float is kept to 15 digits
        assert got == [pytest.approx(v, rel=1e-14) if isinstance(v, float) else v for v in want]
    assert any(v is None for line in cells[1:] for v in line)                   # missing values are there
    longest = max(len(str(v)) for v in [cells[0][0], *(line[0] for line in expected[:199])])
    assert sheet.column_dimensions["A"].width == min(60, max(10, longest + 2))
