"""The raw store: recognising official files, provenance records, status; what a new copy
replaces (a second copy under another name, never beside), a shorter copy refused unless
accepted, archives and workbooks."""

from __future__ import annotations

import gzip
import json
import zipfile

import pandas as pd
import pytest

from analysis.core.errors import InputError, MissingDataError
from analysis.sources.provenance import sha256_file
from analysis.sources.replacement import FewerRowsError
from tests.conftest import GEOJSON, OCCITANIE, need_shared
from tests.data_folders import SMALL_DEMO

ETIC = SMALL_DEMO / "fr-en-etic_2d.csv"          # an ETIC 2d export (labels), 2018 and 2019


@pytest.mark.shared_data
def test_import_real_files_records_provenance(occitanie_store):
    need_shared(OCCITANIE)
    records = {r.source: r for r in occitanie_store.records()}
    etic = records["etic_2d"]
    assert etic.millesimes == [2018, 2019]
    assert etic.method == "import"
    assert etic.origin.endswith("fr-en-etic_2d.csv")
    assert etic.sha256 == sha256_file(OCCITANIE / "fr-en-etic_2d.csv")
    assert etic.size == (OCCITANIE / "fr-en-etic_2d.csv").stat().st_size
    assert "Licence Ouverte" in etic.licence
    assert etic.url_verified is False          # the ETIC URL is constructed: said so
    assert not etic.demo
    assert "SOURCE.md" in etic.note
    # the record is a JSON file beside the copy
    on_disk = json.loads((occitanie_store.raw / "etic_2d" / "fr-en-etic_2d.csv.provenance.json").read_text())
    assert on_disk["sha256"] == etic.sha256


def test_import_recognises_by_name_and_ignores_unknown(occitanie_store):
    keys = {r.source for r in occitanie_store.records()}
    assert {"annuaire", "etic_2d", "departements_geo", "regions_geo"} <= keys
    # the label files of Occitanie are local sources (params/sources/), recognised as such;
    # the lycées' GeoJSON copy of the same list is not one
    labels = {r.source: r.file for r in occitanie_store.records() if "label" in r.file}
    assert labels == {"label_numerique_colleges": "fr-en-occitanie-label-numerique-college.csv",
                      "label_numerique_lycees": "fr-en-occitanie-label-numerique-lycee.csv",
                      "label_numerique_ecoles": "fr-en-occitanie-ac-montpellier-label-numerique-ecoles.csv"}
    # one boundary file per source: the declared one (with the DROM); the repository's other
    # département files are not it
    assert [p.name for p in occitanie_store.files("departements_geo")] == ["departements-avec-outre-mer.geojson"]


@pytest.mark.shared_data
def test_only_the_declared_boundary_file_is_imported(empty_store):
    """The README's import of france-geojson: departements-avec-outre-mer.geojson (the declared
    sha256) is added; departements.geojson and departements-version-simplifiee.geojson are ignored."""
    need_shared(GEOJSON)
    report = empty_store.import_paths([GEOJSON])
    assert [r.file for r in report.added if r.source == "departements_geo"] == ["departements-avec-outre-mer.geojson"]
    ignored = {i.path.name for i in report.ignored}
    assert {"departements.geojson", "departements-version-simplifiee.geojson"} <= ignored
    declared = empty_store.registry["departements_geo"]
    assert empty_store.records("departements_geo")[0].sha256 == declared.sha256


def test_import_recognises_by_header(tmp_path, empty_store):
    renamed = tmp_path / "export (3).csv"
    renamed.write_bytes(ETIC.read_bytes())
    report = empty_store.import_paths([renamed])
    assert [r.source for r in report.added] == ["etic_2d"]


def test_reimport_is_idempotent_and_replacement_is_noted(tmp_path, empty_store):
    first = empty_store.import_paths([ETIC])
    again = empty_store.import_paths([ETIC])
    assert len(first.added) == 1 and len(again.unchanged) == 1
    changed = tmp_path / "fr-en-etic_2d.csv"
    changed.write_text(ETIC.read_text(encoding="utf-8-sig").replace(";oui;", ";non;", 1), encoding="utf-8-sig")
    replaced = empty_store.import_paths([changed])
    assert len(replaced.replaced) == 1
    assert replaced.replaced[0].replaces == [{"file": "fr-en-etic_2d.csv", "sha256": first.added[0].sha256}]


def test_comma_separated_copy_is_accepted_and_its_form_recorded(tmp_path, empty_store):
    text = ETIC.read_text(encoding="utf-8-sig").replace(";", ",")
    copy = tmp_path / "fr-en-etic_2d.csv"
    copy.write_text(text, encoding="utf-8")
    report = empty_store.import_paths([copy]).check()
    record = report.added[0]
    assert record.form["delimiter"] == "," and record.form["header"] == "labels"
    assert record.millesimes == [2018, 2019]


def test_missing_source_says_what_to_do(empty_store):
    with pytest.raises(MissingDataError, match="data import"):
        empty_store.require("etic_2d")


def test_status_lists_every_source(occitanie_store):
    status = occitanie_store.status()
    assert set(occitanie_store.registry) <= set(status["source"])
    etic = status[status["source"] == "etic_2d"].iloc[0]
    assert etic["millesimes"] == "2018, 2019" and etic["disponible"]
    assert not status[status["source"] == "etic_1d"].iloc[0]["disponible"]


def test_fingerprint_changes_with_inputs(tmp_path, empty_store):
    before = empty_store.fingerprint()
    empty_store.import_paths([ETIC])
    assert empty_store.fingerprint() != before


def test_a_good_copy_is_never_replaced_by_a_bad_one(tmp_path, empty_store):
    good = empty_store.import_paths([ETIC]).check().added[0]
    bad = tmp_path / "fr-en-etic_2d.csv"
    text = ETIC.read_text(encoding="utf-8-sig")
    bad.write_text(text[: len(text) // 2], encoding="utf-8")                 # cut mid-file
    report = empty_store.import_paths([bad])
    assert report.failed and not report.stored and str(bad) in report.refused[0].reason
    with pytest.raises(InputError, match="le fichier est coupé"):
        report.check()
    assert [r.sha256 for r in empty_store.records("etic_2d")] == [good.sha256]
    assert sha256_file(empty_store.files("etic_2d")[0]) == good.sha256
    assert not list((empty_store.raw / "etic_2d").glob(".*"))                # no temporary left


def test_verify_tells_edited_and_unrecorded_files(empty_store):
    empty_store.import_paths([ETIC]).check()
    before = empty_store.fingerprint()
    path = empty_store.files("etic_2d")[0]
    assert [s.state for s in empty_store.verify("etic_2d")] == ["ok"]
    path.write_text(path.read_text(encoding="utf-8").replace(";oui;", ";non;", 1), encoding="utf-8")
    assert [s.label for s in empty_store.verify("etic_2d")] == ["modified since import"]
    assert empty_store.fingerprint() != before
    (path.parent / "copie.csv").write_bytes(path.read_bytes())
    states = {s.path.name: s.state for s in empty_store.verify("etic_2d")}
    assert states == {path.name: "modified", "copie.csv": "unrecorded"}
    assert empty_store.millesimes("etic_2d") == [2018, 2019]                 # read from the files


def _etic_rows() -> pd.DataFrame:
    return pd.read_csv(ETIC, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _names(store, key="etic_2d") -> list[str]:
    return [p.name for p in store.files(key)]


def test_a_second_copy_under_another_name_replaces_the_first_never_beside_it(tmp_path, empty_store):
    first = empty_store.import_paths([ETIC]).check().added[0]
    same = tmp_path / "export (3).csv"
    same.write_bytes(ETIC.read_bytes())
    report = empty_store.import_paths([same]).check()
    assert [r.file for r in report.unchanged] == ["fr-en-etic_2d.csv"] and _names(empty_store) == ["fr-en-etic_2d.csv"]
    edited = _etic_rows()
    edited.loc[0, "NbTerminaux"] = "999.0"
    edited.to_csv(same, sep=";", index=False, encoding="utf-8")
    record = empty_store.import_paths([same]).check().replaced[0]
    assert _names(empty_store) == ["export (3).csv"]
    assert record.replaces == [{"file": "fr-en-etic_2d.csv", "sha256": first.sha256}]
    assert not (empty_store.raw / "etic_2d" / "fr-en-etic_2d.csv.provenance.json").exists()


def test_a_complement_with_no_row_in_common_is_kept_beside(tmp_path, empty_store):
    """Another millésime's file, or another région's: read together, nothing answers twice."""
    rows = _etic_rows()
    parts = {year: tmp_path / f"etic-{year}" / "fr-en-etic_2d.csv" for year in ("2018", "2019")}
    for year, path in parts.items():
        path.parent.mkdir()
        rows[rows["Millesime"].str.startswith(year)].to_csv(path, sep=";", index=False)
    empty_store.import_paths([parts["2018"]]).check()
    renamed = parts["2019"].with_name("fr-en-etic_2d-2019.csv")
    parts["2019"].rename(renamed)
    report = empty_store.import_paths([renamed]).check()
    assert len(report.added) == 1 and sorted(_names(empty_store)) == ["fr-en-etic_2d-2019.csv", "fr-en-etic_2d.csv"]
    assert empty_store.millesimes("etic_2d") == [2018, 2019]


def test_a_shorter_copy_is_refused_saying_how_many_and_which_unless_accepted(tmp_path, empty_store):
    first = empty_store.import_paths([ETIC]).check().added[0]
    rows = _etic_rows()
    cut = tmp_path / "fr-en-etic_2d.csv"
    rows.iloc[:-5].to_csv(cut, sep=";", index=False)              # cut at a line boundary: valid
    report = empty_store.import_paths([cut])
    assert report.failed and not report.stored
    error = report.errors[0]
    assert isinstance(error, FewerRowsError)
    message = " ".join(str(error).split())
    lost = rows.iloc[-5:]
    gone = sorted(set(lost["Code_UAI"]))
    assert f"ce fichier remplacerait fr-en-etic_2d.csv ({len(rows)} lignes) mais n'en a que {len(rows) - 5}" in message
    assert f"{len(gone)} établissement" in message and ", ".join(gone[:5]) in message
    assert "--accept-fewer" in message and "rien n'a été remplacé" in message
    assert sha256_file(empty_store.files("etic_2d")[0]) == first.sha256
    accepted = empty_store.import_paths([cut], accept_fewer=True).check()
    assert accepted.replaced[0].rows == len(rows) - 5


def test_a_copy_under_the_same_name_with_nothing_in_common_says_to_rename_it(tmp_path, empty_store):
    rows = _etic_rows()
    first, second = tmp_path / "a" / "fr-en-etic_2d.csv", tmp_path / "b" / "fr-en-etic_2d.csv"
    for path, part in ((first, rows[rows["Millesime"].str.startswith("2018")]),
                       (second, rows[rows["Millesime"].str.startswith("2019")])):
        path.parent.mkdir()
        part.to_csv(path, sep=";", index=False)
    empty_store.import_paths([first]).check()
    with pytest.raises(FewerRowsError) as err:
        empty_store.import_paths([second]).check()
    assert "importez-le sous un autre nom : les deux seront lus" in " ".join(str(err.value).split())


def test_archives_and_workbooks_are_stored_as_the_table_they_hold(tmp_path, empty_store):
    body = ETIC.read_bytes()
    packed = tmp_path / "export.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("fr-en-etic_2d.csv", body)
    record = empty_store.import_paths([packed]).check().added[0]
    assert empty_store.files("etic_2d")[0].read_bytes() == body
    assert record.original_sha256 == sha256_file(packed) and record.origin == str(packed.resolve())
    again = empty_store.import_paths([packed]).check()                      # the same archive: unchanged
    assert len(again.unchanged) == 1
    compressed = tmp_path / "fr-en-etic_2d.csv.gz"
    compressed.write_bytes(gzip.compress(body))
    assert len(empty_store.import_paths([compressed]).check().unchanged) == 1   # the same table inside
    workbook = tmp_path / "classeur.xlsx"
    _etic_rows().to_excel(workbook, index=False)
    record = empty_store.import_paths([workbook]).check().replaced[0]
    assert record.file == "classeur.csv" and record.form["sheet"] == "Sheet1"
    assert record.original_sha256 == sha256_file(workbook)
    assert _names(empty_store) == ["classeur.csv"]


def test_an_archive_found_in_a_folder_and_not_read_is_ignored_with_its_format(tmp_path, empty_store):
    folder = tmp_path / "Téléchargements"
    folder.mkdir()
    (folder / "photos.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + b"\x00" * 40)
    (folder / "fr-en-etic_2d.csv").write_bytes(ETIC.read_bytes())
    report = empty_store.import_paths([folder])
    assert not report.failed and len(report.added) == 1
    assert "est une archive 7z" in report.ignored[0].reason


@pytest.mark.shared_data
def test_the_real_etic_cut_at_a_line_boundary_never_replaces_the_whole_one(tmp_path, empty_store):
    """The issue's case: the Occitanie ETIC with 499 of its 917 rows passes every check of its own;
    against the whole copy it is refused: 418 answers of 333 établissements would be gone."""
    need_shared(OCCITANIE)
    whole = OCCITANIE / "fr-en-etic_2d.csv"
    empty_store.import_paths([whole]).check()
    cut = tmp_path / "fr-en-etic_2d.csv"
    cut.write_bytes(b"".join(whole.read_bytes().splitlines(keepends=True)[:500]))
    with pytest.raises(FewerRowsError) as err:
        empty_store.import_paths([cut]).check()
    message = " ".join(str(err.value).split())
    rows = pd.read_csv(whole, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    lost = rows.iloc[499:]
    assert "ce fichier remplacerait fr-en-etic_2d.csv (917 lignes) mais n'en a que 499" in message
    assert f"{lost['Code_UAI'].nunique()} établissements de la copie actuelle n'y sont plus" in message
    assert sha256_file(empty_store.files("etic_2d")[0]) == sha256_file(whole)


@pytest.mark.shared_data
def test_the_real_annuaire_with_one_cp1252_byte_is_refused_not_turned_to_mojibake(tmp_path, empty_store):
    """The issue's case: one « Privé » re-typed in cp1252 once made the whole annuaire cp1252
    (6 145 lines of mojibake, the sector of 761 private établissements lost)."""
    need_shared(OCCITANIE)
    data = (OCCITANIE / "fr-en-annuaire-education.csv").read_bytes()
    at = data.index("Privé".encode())
    path = tmp_path / "fr-en-annuaire-education.csv"
    path.write_bytes(data[:at] + "Privé".encode("cp1252") + data[at + len("Privé".encode()):])
    with pytest.raises(InputError) as err:
        empty_store.import_paths([path]).check()
    message = " ".join(str(err.value).split())
    line = data.count(b"\n", 0, at) + 1
    assert f"ligne {line}, colonne « Statut_public_prive » : « Priv\\xe9 »" in message
    assert not empty_store.files("annuaire")
