"""Reading every form of a CSV export into the same text table, and refusing what is no export."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.sources import forms, layouts


@pytest.fixture(scope="module")
def sample(small_store) -> pd.DataFrame:
    """The small demo ETIC 2d file, as text, with accents in one value."""
    path = small_store.files("etic_2d")[0]
    frame = pd.read_csv(path, sep=";", dtype=object, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[3, "nature_uai"] = "LYCÉE D'ENSEIGNEMENT GÉNÉRAL"          # accents to transcode
    return frame


VARIANTS = {
    "utf-8, ;": dict(sep=";", encoding="utf-8"),
    "utf-8 BOM, ;, CRLF": dict(sep=";", encoding="utf-8-sig", lineterminator="\r\n"),
    "cp1252, ,": dict(sep=",", encoding="cp1252"),
    "latin-1, tab": dict(sep="\t", encoding="latin-1"),
    "utf-16 (BOM), tab, CRLF": dict(sep="\t", encoding="utf-16", lineterminator="\r\n"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_csv_form_reads_the_same(variant, sample, tmp_path):
    path = tmp_path / "export.csv"
    sample.to_csv(path, index=False, **VARIANTS[variant])
    table = forms.read_table(path, "etic_2d")
    pd.testing.assert_frame_equal(table.frame.drop(columns="_line"), sample)
    assert table.frame["_line"].tolist() == list(range(2, len(sample) + 2))
    assert table.form.delimiter == VARIANTS[variant]["sep"] and table.form.header == "labels"
    assert table.form.newline == VARIANTS[variant].get("lineterminator", "\n")


def test_headers_match_without_case_accents_or_punctuation():
    columns = ["CODE UAI", "millésime", "code-nature", "Autre colonne"]
    mapping, duplicates = layouts.match_header(columns, "etic_2d")
    assert mapping == {"CODE UAI": "Code_UAI", "millésime": "Millesime", "code-nature": "Code_nature"}
    assert not duplicates
    assert layouts.match_header(["coordX_origine", "multi_uai"], "annuaire")[0] == {
        "coordX_origine": "coordonnee_X", "multi_uai": "etablissement_multi_lignes"}
    _, duplicates = layouts.match_header(["Code_UAI", "code_uai"], "etic_2d")
    assert duplicates == [("Code_UAI", "code_uai", "Code_UAI")]


def test_two_columns_reading_as_one_are_refused(sample, tmp_path):
    path = tmp_path / "export.csv"
    sample.assign(code_uai=sample["Code_UAI"]).to_csv(path, sep=";", index=False)
    with pytest.raises(InputError, match="columns 'Code_UAI' and 'code_uai' both read as"):
        forms.read_table(path, "etic_2d")


def test_a_short_row_inside_the_file_is_not_called_a_truncation(sample, tmp_path):
    path = tmp_path / "export.csv"
    sample.to_csv(path, sep=";", index=False)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = ";".join(lines[10].split(";")[:40]) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        forms.read_table(path, "etic_2d")
    assert err.value.row == 11 and "40 field(s) where the header has 81" in str(err.value)
    assert "cut short" not in str(err.value)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 50, "binary"),
    (b"  \n<html><head><title>502 Bad Gateway</title></head></html>", "HTML page « 502 Bad Gateway »"),
    (b'[{"code_uai": "0010001W"', "not valid JSON"),
    (b'{"total_count": 3}', "not a list of records"),
])
def test_what_is_no_export_is_refused_with_the_reason(content, message, tmp_path):
    path = tmp_path / "fr-en-etic_2d.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        forms.read_table(path, "etic_2d")


def test_typed_values_are_written_as_the_csv_writes_them():
    assert [forms.as_text(v) for v in (None, 311.0, 12, -6.4e-05, {"lat": 43.6, "lon": 1.44}, True, "oui")] == \
        ["", "311.0", "12", "-0.000064", "43.6, 1.44", "true", "oui"]
