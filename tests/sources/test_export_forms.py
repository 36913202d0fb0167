"""Every export form of the portals gives exactly the same indicators as the labelled CSV.

Copies of the real Occitanie files are written in a temporary folder in the other forms the
portals (and spreadsheets) produce, imported into a data folder of their own, and the indicator
tables of 2018 and 2019 compared with those of the originals (``occitanie_store``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import indicators
from analysis.sources import forms
from analysis.sources.store import Store
from tests.conftest import GEOJSON, OCCITANIE, need_shared
from tests.portal import field_names, typed

pytestmark = pytest.mark.shared_data
YEARS = (2018, 2019)


def _labelled(name: str) -> pd.DataFrame:
    need_shared(OCCITANIE)
    return pd.read_csv(OCCITANIE / name, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def originals(occitanie_store):
    return {year: indicators.load(occitanie_store, year) for year in YEARS}


def _import(folder, tmp_path) -> Store:
    store = Store(tmp_path / "data")
    # The local sources of the originals (label numérique lists), as they are: the copies under
    # test are those of the national sources.
    local = sorted(OCCITANIE.glob("*label-numerique*.csv"))
    store.import_paths([folder, *local, GEOJSON / "departements-avec-outre-mer.geojson"]).check()
    return store


def _same_indicators(store, originals):
    for year in YEARS:
        pd.testing.assert_frame_equal(indicators.load(store, year), originals[year], obj=f"indicators {year}")


def test_lower_case_field_name_copies_give_exactly_the_same_indicators(tmp_path, originals):
    """The default export of the portals (``exports/csv?delimiter=%3B``): field names as header."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for name, layout in (("fr-en-annuaire-education.csv", "annuaire"), ("fr-en-etic_2d.csv", "etic_2d")):
        frame = field_names(_labelled(name), layout)
        assert all(c == c.lower() for c in frame.columns)
        frame.to_csv(folder / name, sep=";", index=False, encoding="utf-8")
    store = _import(folder, tmp_path)
    assert {r.source: r.form["header"] for r in store.records() if r.source in ("annuaire", "etic_2d")} \
        == {"annuaire": "field names", "etic_2d": "field names"}
    _same_indicators(store, originals)


def test_json_export_and_a_spreadsheet_copy_give_the_same_indicators(tmp_path, originals):
    """The annuaire as the portal's JSON export (typed values, field names), ETIC as a copy
    re-saved by a spreadsheet: cp1252, comma-separated, CRLF, under another name."""
    folder = tmp_path / "exports"
    folder.mkdir()
    annuaire = typed(field_names(_labelled("fr-en-annuaire-education.csv"), "annuaire"))
    annuaire.to_json(folder / "fr-en-annuaire-education.json", orient="records", force_ascii=False)
    etic = _labelled("fr-en-etic_2d.csv")
    etic.to_csv(folder / "export (3).csv", sep=",", index=False, encoding="cp1252", lineterminator="\r\n")
    store = _import(folder, tmp_path)
    forms_seen = {r.source: forms.FileForm.from_dict(r.form) for r in store.records()}
    assert forms_seen["annuaire"].format == "json"
    assert forms_seen["etic_2d"].transcoded_from == "cp1252" and forms_seen["etic_2d"].delimiter == ","
    etic_record = store.records("etic_2d")[0]
    assert etic_record.original_sha256 and etic_record.original_sha256 != etic_record.sha256
    stored = store.files("etic_2d")[0].read_bytes()
    assert "é" in stored.decode("utf-8") and stored != (folder / "export (3).csv").read_bytes()
    _same_indicators(store, originals)


def test_parquet_export_reads_like_the_csv(tmp_path):
    from analysis.sources.schemas import read_raw

    path = tmp_path / "fr-en-etic_2d.parquet"
    typed(field_names(_labelled("fr-en-etic_2d.csv"), "etic_2d")).to_parquet(path, index=False)
    registry = Store(tmp_path / "d").registry
    parquet = read_raw(path, registry["etic_2d"])
    csv = read_raw(OCCITANIE / "fr-en-etic_2d.csv", registry["etic_2d"])
    assert list(parquet.columns) == list(csv.columns)
    assert parquet["_line"].tolist() == list(range(1, len(csv) + 1))       # records, numbered from 1
    for column in ("Code_UAI", "Millesime", "Code_nature", "SiWifi", "DebitWeb", "Departement"):
        assert parquet[column].tolist() == csv[column].tolist(), column
    counts = pd.to_numeric(parquet["NbTerminaux"].replace("", None))
    assert counts.equals(pd.to_numeric(csv["NbTerminaux"].replace("", None)))
