"""Downloads against a local imitation of an Opendatasoft portal (tests/portal.py, 127.0.0.1):
both header forms, JSON and Parquet exports, fallback between URLs, resume only of the same file,
a file changed between two requests, a dropped connection, an HTML page, 404, redirects."""

from __future__ import annotations

import dataclasses
import hashlib

import pandas as pd
import pytest

from analysis.core import digests
from analysis.core.errors import AnalysisError, DownloadError, OfflineError
from analysis.harmonise.answers import etic_answers
from analysis.sources.fetch import fetch_source
from analysis.sources.registry import load_registry
from analysis.sources.schemas import read_raw
from tests.portal import Portal

DATASET = "fr-en-etic_2d"
DROP_AFTER = 5_000             # bytes of the body sent before the connection drops


@pytest.fixture(scope="module")
def etic_sample(small_store) -> pd.DataFrame:
    """The small demo ETIC 2d file (both millésimes), as text with the official labels."""
    path = small_store.files("etic_2d")[0]
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture()
def portal(etic_sample):
    server = Portal().start()
    server.publish(DATASET, etic_sample, "etic_2d")
    yield server
    server.stop()


def _source(*urls, **changes):
    return dataclasses.replace(load_registry()["etic_2d"], urls=tuple(urls), **changes)


def _stored(store):
    return store.files("etic_2d")[0]


def test_labels_export_is_stored_with_its_provenance(portal, empty_store, etic_sample):
    seen = []
    url = portal.export_url(DATASET, use_labels="true", delimiter="%3B")
    record = fetch_source(empty_store, _source(url), progress=lambda done, total: seen.append((done, total)))
    path = _stored(empty_store)
    assert path.name == "fr-en-etic_2d.csv"
    assert record.sha256 == digests.file_sha256(path) and record.size == path.stat().st_size
    assert record.origin == url and record.method == "fetch"
    assert record.millesimes == sorted({int(y) for y in etic_sample["Millesime"]})
    assert record.form["header"] == "labels" and record.form["newline"] == "\r\n"
    assert seen[-1] == (record.size, record.size)
    assert "unverified" in record.note
    assert not path.with_name(path.name + ".part").exists()


def test_field_names_json_and_parquet_exports_give_the_same_answers(portal, tmp_path):
    from analysis.sources.store import Store

    answers = {}
    for fmt, params in (("csv", {"use_labels": "true"}), ("csv", {}), ("json", {}), ("parquet", {})):
        store = Store(tmp_path / f"{fmt}-{len(params)}")
        record = fetch_source(store, _source(portal.export_url(DATASET, fmt, **params)))
        raw = read_raw(_stored(store), store.registry["etic_2d"])
        answers[(fmt, record.form.get("header"))] = etic_answers(raw, "etic_2d").reset_index(drop=True)
    assert set(answers) == {("csv", "labels"), ("csv", "field names"), ("json", "field names"),
                            ("parquet", "field names")}
    reference = answers.pop(("csv", "labels"))
    for form, frame in answers.items():
        pd.testing.assert_frame_equal(frame, reference, obj=str(form))


def test_falls_back_on_the_next_url_and_lists_what_failed(portal, empty_store):
    portal.publish("page-html", pd.DataFrame({"a": ["1"]}), "etic_2d")
    portal.html["page-html"] = 200
    urls = (portal.export_url("no-such-dataset"), portal.export_url("page-html"), portal.export_url(DATASET))
    record = fetch_source(empty_store, _source(*urls))
    assert record.origin == urls[2]
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(*urls[:2]), force=True)
    message = str(err.value)
    assert "HTTP 404" in message and "HTML page « Erreur - data.education.gouv.fr »" in message
    assert "nothing was replaced" in message


def test_dropped_connection_is_a_clear_resumable_error_then_resumes_with_if_range(portal, empty_store, etic_sample):
    url = portal.export_url(DATASET, use_labels="true")
    portal.drop_after[DATASET] = DROP_AFTER
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(url))
    message = str(err.value)
    assert f"dropped after {DROP_AFTER:,} of" in message and "run the same command again to resume" in message
    part = empty_store.raw / "etic_2d" / "fr-en-etic_2d.csv.part"
    assert part.stat().st_size == DROP_AFTER and not empty_store.files("etic_2d")
    del portal.drop_after[DATASET]
    fetch_source(empty_store, _source(url))
    last = portal.requests[-1]
    assert last["range"] == f"bytes={DROP_AFTER}-" and last["if_range"].startswith('"')
    expected = etic_sample.to_csv(sep=";", index=False, lineterminator="\r\n").encode()
    assert _stored(empty_store).read_bytes() == expected
    assert not part.exists()


def test_a_file_changed_on_the_server_is_downloaded_again_whole(portal, empty_store, etic_sample):
    url = portal.export_url(DATASET, use_labels="true")
    portal.drop_after[DATASET] = DROP_AFTER
    with pytest.raises(DownloadError):
        fetch_source(empty_store, _source(url))
    del portal.drop_after[DATASET]
    changed = etic_sample.iloc[::-1]                      # same rows, another order: another file
    portal.publish(DATASET, changed, "etic_2d")
    record = fetch_source(empty_store, _source(url))
    assert portal.requests[-1]["range"] == f"bytes={DROP_AFTER}-"   # asked to resume; the server refused
    expected = changed.to_csv(sep=";", index=False, lineterminator="\r\n").encode()
    assert _stored(empty_store).read_bytes() == expected     # not a splice of the two versions
    assert record.sha256 == hashlib.sha256(expected).hexdigest()


def test_an_html_page_or_an_invalid_file_never_replaces_a_good_copy(portal, empty_store, etic_sample):
    url = portal.export_url(DATASET, use_labels="true")
    good = fetch_source(empty_store, _source(url))
    portal.html[DATASET] = 503
    with pytest.raises(DownloadError, match="HTTP 503"):
        fetch_source(empty_store, _source(url), force=True)
    portal.html[DATASET] = 200
    with pytest.raises(DownloadError, match="HTML page"):
        fetch_source(empty_store, _source(url), force=True)
    del portal.html[DATASET]
    broken = etic_sample.copy()
    broken.loc[7, "Code_UAI"] = "0000000B"
    portal.publish(DATASET, broken, "etic_2d")
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(url), force=True)
    assert "invalid UAI" in str(err.value) and "column 'Code_UAI'" in str(err.value) and "line 9" in str(err.value)
    assert digests.file_sha256(_stored(empty_store)) == good.sha256
    assert [r.sha256 for r in empty_store.records("etic_2d")] == [good.sha256]


def test_redirects_are_followed_and_noted(portal, empty_store):
    record = fetch_source(empty_store, _source(f"{portal.url}/r/{DATASET}"))
    assert record.origin == f"{portal.url}/r/{DATASET}"
    assert "Redirected to" in record.note and "use_labels=true" in record.note


def test_expected_sha256_is_checked(portal, empty_store):
    url = portal.export_url(DATASET, use_labels="true")
    with pytest.raises(DownloadError, match="is not the expected"):
        fetch_source(empty_store, _source(url, sha256="0" * 64))
    record = fetch_source(empty_store, _source(url))
    again = fetch_source(empty_store, _source(url, sha256=record.sha256), force=True)
    assert again.sha256 == record.sha256


def test_present_file_is_not_downloaded_again(portal, empty_store):
    url = portal.export_url(DATASET, use_labels="true")
    fetch_source(empty_store, _source(url))
    fetch_source(empty_store, _source(url))
    assert len(portal.requests) == 1


def test_offline_fails_fast_with_next_step(empty_store):
    with pytest.raises(OfflineError, match="data import"):
        fetch_source(empty_store, _source("http://no-such-host.invalid/etic.csv"))


def test_a_source_without_url_says_how_to_bring_it(empty_store):
    with pytest.raises(AnalysisError, match="--url URL"):
        fetch_source(empty_store, _source())
