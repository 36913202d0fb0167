"""Reading every form of an export (CSV in any usual encoding and separator, with Excel's ``sep=``
line and empty rows, XLSX, JSON, Parquet) into the same text table, and refusing what is no export."""

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
    with pytest.raises(InputError, match=r"les colonnes «\sCode_UAI\s» et «\scode_uai\s» se lisent toutes deux comme"):
        forms.read_table(path, "etic_2d")


def test_a_short_row_inside_the_file_is_not_called_a_truncation(sample, tmp_path):
    path = tmp_path / "export.csv"
    sample.to_csv(path, sep=";", index=False)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = ";".join(lines[10].split(";")[:40]) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as err:
        forms.read_table(path, "etic_2d")
    assert err.value.row == 11 and "la ligne a 40 champ(s) où l'en-tête en a 81" in str(err.value)
    assert "coupé" not in str(err.value)


@pytest.mark.parametrize("content, message", [
    (b"", "le fichier est vide"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 50, "le fichier est binaire"),
    (b"  \n<html><head><title>502 Bad Gateway</title></head></html>", "est une page HTML « 502 Bad Gateway »"),
    (b'[{"code_uai": "0010001W"', "n'est pas un JSON valide"),
    (b'{"total_count": 3}', "pas une liste d'enregistrements"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "classeur Excel 97-2003 (.xls)"),
])
def test_what_is_no_export_is_refused_with_the_reason(content, message, tmp_path):
    path = tmp_path / "fr-en-etic_2d.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        forms.read_table(path, "etic_2d")
    assert message in " ".join(str(err.value).split()) and str(path) in str(err.value)


def test_typed_values_are_written_as_the_csv_writes_them():
    assert [forms.as_text(v) for v in (None, 311.0, 12, -6.4e-05, {"lat": 43.6, "lon": 1.44}, True, "oui")] == \
        ["", "311.0", "12", "-0.000064", "43.6, 1.44", "true", "oui"]


def _csv_lines(frame: pd.DataFrame) -> list[str]:
    return frame.to_csv(sep=";", index=False).splitlines()


def test_an_excel_sep_line_is_skipped_and_the_lines_stay_those_of_the_file(sample, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("sep=,\n" + sample.to_csv(sep=",", index=False), encoding="utf-8")
    table = forms.read_table(path, "etic_2d")
    pd.testing.assert_frame_equal(table.frame.drop(columns="_line"), sample)
    assert table.form.sep_line and table.form.delimiter == ","
    assert table.frame["_line"].tolist() == list(range(3, len(sample) + 3))          # header = line 2
    assert "première ligne « sep=, » (Excel) ignorée" in table.form.describe()
    assert forms.header_columns(path)[0] == list(sample.columns)


def test_rows_of_empty_cells_are_ignored_counted_and_never_a_key(sample, tmp_path):
    lines = _csv_lines(sample)
    empty = ";" * (len(sample.columns) - 1)
    path = tmp_path / "export.csv"
    path.write_text("\n".join([lines[0], lines[1], empty, ' ; ;"";', lines[2], *lines[3:], empty]) + "\n",
                    encoding="utf-8")
    table = forms.read_table(path, "etic_2d")
    pd.testing.assert_frame_equal(table.frame.drop(columns="_line"), sample)
    assert table.empty_lines == [3, 4, len(sample) + 4] and table.form.empty_rows == 3
    assert table.frame["_line"].tolist() == [2] + list(range(5, len(sample) + 4))
    assert "3 lignes de cellules vides ignorées" in table.form.describe()


def test_empty_rows_in_a_quoted_file_are_ignored_too(sample, tmp_path):
    quoted = sample.copy()
    quoted.loc[0, "nature_uai"] = 'COLLEGE "A"; B'                          # forces quoting
    lines = quoted.to_csv(sep=";", index=False).splitlines()
    path = tmp_path / "export.csv"
    path.write_text("\n".join([lines[0], lines[1], ";;", *lines[2:]]) + "\n", encoding="utf-8")
    table = forms.read_table(path, "etic_2d")
    pd.testing.assert_frame_equal(table.frame.drop(columns="_line"), quoted)
    assert table.empty_lines == [3] and table.frame["_line"].tolist()[:2] == [2, 4]


def test_a_utf8_file_with_a_few_cp1252_bytes_is_refused_never_transcoded(sample, tmp_path):
    path = tmp_path / "export.csv"
    text = sample.to_csv(sep=";", index=False)
    data = text.encode("utf-8").replace("GÉNÉRAL".encode(), "G\xc9N\xc9RAL".encode("cp1252"), 1)
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        forms.read_table(path, "etic_2d")
    message = " ".join(str(err.value).split())
    assert "le fichier est en UTF-8, sauf 2 octets d'un autre encodage" in message
    assert "ligne 5, colonne « nature_uai » : « LYCÉE D'ENSEIGNEMENT G\\xc9N\\xc9RAL »" in message
    assert err.value.row == 5


def test_an_xlsx_export_reads_as_its_csv(sample, tmp_path):
    path = tmp_path / "export.xlsx"
    sample.to_excel(path, index=False, sheet_name="Export")
    table = forms.read_table(path, "etic_2d")
    pd.testing.assert_frame_equal(table.frame.drop(columns="_line"), sample)
    assert table.frame["_line"].tolist() == list(range(2, len(sample) + 2))
    assert table.form.format == "xlsx" and table.form.sheet == "Export" and table.form.stored_as_text
    assert table.text.splitlines()[0] == ";".join(sample.columns)
    assert forms.header_columns(path)[0] == list(sample.columns)


def test_a_header_re_saved_in_cp1252_is_recognised(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes("sep=;\nRNE;Année;Label\n0341893Y;2018;1\n".encode("cp1252"))
    assert forms.header_columns(path)[0] == ["RNE", "Année", "Label"]
