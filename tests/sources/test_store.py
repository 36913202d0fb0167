"""The raw store: recognising official files, provenance records, status."""

from __future__ import annotations

import json

import pytest

from analysis.core.errors import InputError, MissingDataError
from analysis.sources.provenance import sha256_file
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
    text = ETIC.read_text(encoding="utf-8-sig")
    changed.write_text(text[:-200].rsplit("\n", 1)[0] + "\n", encoding="utf-8-sig")
    replaced = empty_store.import_paths([changed])
    assert len(replaced.replaced) == 1
    assert "Replaces a copy" in replaced.replaced[0].note


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
    with pytest.raises(InputError, match="cut short"):
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
