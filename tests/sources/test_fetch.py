"""Downloads against a local imitation of an Opendatasoft portal (tests/portal.py, 127.0.0.1):
both header forms, JSON and Parquet exports, fallback between URLs, resume only of the same file,
a file changed between two requests, a dropped connection, an HTML page, 404, redirects; and the
bounds: an endless body, a huge Content-Length, a full disk, a 1 byte/s server, a silent server,
a server that stalls, Ctrl-C, a download with fewer rows than the stored copy, a ZIP download."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time

import pandas as pd
import pytest

from analysis.core import digests
from analysis.core.errors import AnalysisError, DownloadError, OfflineError
from analysis.harmonise.answers import etic_answers
from analysis.sources.fetch import fetch_source
from analysis.sources.limits import DownloadLimits
from analysis.sources.registry import load_registry
from analysis.sources.replacement import FewerRowsError
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


def plain(text) -> str:
    """A message with its spaces as typed: no-break and thin spaces (French typography) read as
    spaces, runs of whitespace as one."""
    return " ".join(str(text).split())


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
    message = plain(err.value)
    assert "HTTP 404" in message and "page HTML « Erreur - data.education.gouv.fr »" in message
    assert "rien n'a été remplacé" in message


def test_dropped_connection_is_a_clear_resumable_error_then_resumes_with_if_range(portal, empty_store, etic_sample):
    url = portal.export_url(DATASET, use_labels="true")
    portal.drop_after[DATASET] = DROP_AFTER
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(url))
    message = plain(err.value)
    assert "s'est interrompue après 5 000 octets sur" in message
    assert "la même commande le reprend (le fichier partiel est gardé" in message
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
    with pytest.raises(DownloadError, match="page HTML"):
        fetch_source(empty_store, _source(url), force=True)
    del portal.html[DATASET]
    broken = etic_sample.copy()
    broken.loc[7, "Code_UAI"] = "0000000B"
    portal.publish(DATASET, broken, "etic_2d")
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(url), force=True)
    message = plain(err.value)
    assert "UAI invalide" in message and "colonne « Code_UAI »" in message and "ligne 9" in message
    assert digests.file_sha256(_stored(empty_store)) == good.sha256
    assert [r.sha256 for r in empty_store.records("etic_2d")] == [good.sha256]


def test_redirects_are_followed_and_noted(portal, empty_store):
    record = fetch_source(empty_store, _source(f"{portal.url}/r/{DATASET}"))
    assert record.origin == f"{portal.url}/r/{DATASET}"
    assert "Redirected to" in record.note and "use_labels=true" in record.note


def test_expected_sha256_is_checked(portal, empty_store):
    url = portal.export_url(DATASET, use_labels="true")
    with pytest.raises(DownloadError, match="n'est pas celui attendu"):
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
    with pytest.raises(OfflineError, match="(?s)pas de réseau.*data import"):
        fetch_source(empty_store, _source("http://no-such-host.invalid/etic.csv"))


def test_a_source_without_url_says_how_to_bring_it(empty_store):
    with pytest.raises(AnalysisError, match="--url URL"):
        fetch_source(empty_store, _source())


# ----------------------------------------------------------------------------------- bounds
#: Limits small enough for a test to meet each in well under a second or two.
QUICK = DownloadLimits(connect=2, first_byte=0.5, total=4, min_rate=200, rate_window=0.5)


def _part(store):
    return store.raw / "etic_2d" / "fr-en-etic_2d.csv.part"


def test_an_endless_body_is_stopped_at_the_maximum_size(portal, empty_store):
    portal.endless[DATASET] = True
    url = portal.export_url(DATASET)
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(url, max_size_mb=0.05), limits=QUICK)
    message = plain(err.value)
    assert "le serveur a envoyé plus de 50,0 ko, la taille maximale de cette source (max_size_mb" in message
    assert "rien n'a été remplacé" in message
    assert not _part(empty_store).exists() and not empty_store.files("etic_2d")
    assert not list((empty_store.raw / "etic_2d").iterdir())                 # no sidecar left either


def test_a_huge_content_length_is_refused_before_a_byte_is_written(portal, empty_store, monkeypatch):
    portal.announce[DATASET] = 50 * 10**9
    writes = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, mode="r", *a, **k: (
        writes.append(f) if "b" in mode and str(f).endswith(".part") else None) or real_open(f, mode, *a, **k))
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=QUICK)
    assert "le serveur annonce 50,0 Go, plus que la taille maximale de 300 Mo" in plain(err.value)
    assert writes == [] and not _part(empty_store).exists()


def test_an_announced_size_the_disk_cannot_hold_is_refused_with_the_free_space(portal, empty_store, monkeypatch):
    """What a 50 GB file on an office machine meets: checked against the free space of the data
    folder's disk (here said to have 10 MB left) before anything is downloaded."""
    import shutil
    from collections import namedtuple

    portal.announce[DATASET] = 20 * 10**6
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 10**7, 10**7))
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=QUICK)
    message = plain(err.value)
    assert "annonce 20 Mo : il faut 40 Mo sur le disque" in message and "il reste 10 Mo" in message
    assert str(empty_store.raw / "etic_2d") in message and "--data-dir" in message
    assert not _part(empty_store).exists()


def test_a_full_disk_during_a_download_removes_the_partial_file(portal, tmp_path):
    """A tmpfs of 64 ko as the data folder; the server sends more without announcing a size."""
    from analysis.sources.store import Store

    folder = tmp_path / "petit-disque"
    with small_disk(folder, "64k"):
        portal.endless[DATASET] = True
        store = Store(folder / "data")
        with pytest.raises(DownloadError) as err:
            fetch_source(store, _source(portal.export_url(DATASET)), limits=QUICK)
        message = plain(err.value)
        assert f"écriture impossible dans {store.raw / 'etic_2d'}" in message and "disque plein" in message
        assert "le fichier partiel est supprimé" in message
        assert not _part(store).exists()


def test_a_read_only_data_folder_is_said_before_anything_is_downloaded(portal, tmp_path):
    from analysis.sources.store import Store

    folder = tmp_path / "partage"
    with read_only(folder):
        store = Store(folder)
        with pytest.raises(DownloadError) as err:
            fetch_source(store, _source(portal.export_url(DATASET)), limits=QUICK)
    message = plain(err.value)
    assert f"écriture impossible dans {folder / 'raw' / 'etic_2d'}" in message and "lecture seule" in message
    assert "rien n'a été téléchargé" in message and portal.requests == []


def test_a_server_trickling_a_byte_a_second_is_left_with_the_true_duration(portal, empty_store):
    portal.rate[DATASET] = 50                              # bytes a second, under QUICK.min_rate
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=QUICK)
    message = plain(err.value)
    found = re.search(r"abandonné après (\d+,\d) s et (\d+) octets sur 13,5 ko : le serveur envoie (\d+) octets "
                      r"par seconde depuis (\d+,\d) s, sous le minimum de 200 octets par seconde", message)
    assert found, message
    assert 0.5 <= float(found.group(1).replace(",", ".")) < 3
    assert int(found.group(2)) < 200 and int(found.group(3)) < 200
    assert "la même commande le reprend (le fichier partiel est gardé" in message   # ETag: resumable
    assert _part(empty_store).stat().st_size == int(found.group(2))


def test_a_download_past_the_total_time_is_left(portal, empty_store):
    portal.rate[DATASET] = 400                             # above the minimum rate, too long for 1 s
    limits = dataclasses.replace(QUICK, total=1)
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=limits)
    assert "le téléchargement dure depuis plus de 1,0 s, le maximum" in plain(err.value)


def test_a_silent_server_is_left_after_the_wait_said(portal, empty_store):
    portal.silent[DATASET] = True
    started = time.monotonic()
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=QUICK)
    took = time.monotonic() - started
    found = re.search(r"le serveur a accepté la connexion mais n'a rien répondu en (\d+,\d) s", plain(err.value))
    assert found, plain(err.value)
    said = float(found.group(1).replace(",", "."))
    assert 0.4 <= said <= took + 0.1 and took < 3          # the duration said is the one waited


def test_a_server_that_stalls_mid_body_keeps_a_resumable_part(portal, empty_store):
    portal.stall_after[DATASET] = 3000
    with pytest.raises(DownloadError) as err:
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=QUICK)
    message = plain(err.value)
    assert "s'est interrompue après 3 000 octets sur 13,5 ko" in message and "plus rien reçu pendant 0,5 s" in message
    assert _part(empty_store).stat().st_size == 3000


@pytest.mark.parametrize("resumable", [True, False])
def test_ctrl_c_keeps_the_part_only_when_it_can_be_resumed(portal, empty_store, resumable, caplog):
    if not resumable:
        portal.no_validators[DATASET] = True
    portal.rate[DATASET] = 2000

    def interrupt(done, total):
        if done >= 1000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), caplog.at_level("WARNING", logger="analysis"):
        fetch_source(empty_store, _source(portal.export_url(DATASET)), progress=interrupt, limits=QUICK)
    notice = plain(caplog.text)
    assert "téléchargement interrompu après 1 000 octets sur 13,5 ko" in notice
    if resumable:
        assert _part(empty_store).stat().st_size == 1000 and "la même commande le reprend" in notice
    else:
        assert not _part(empty_store).exists() and "le fichier partiel est supprimé" in notice
    assert not empty_store.files("etic_2d")


def test_ctrl_c_while_the_whole_file_is_checked_removes_it(portal, empty_store, monkeypatch, caplog):
    import analysis.sources.fetch as fetch

    def interrupted(path, source):
        assert path.stat().st_size > 0                           # it came whole
        raise KeyboardInterrupt

    monkeypatch.setattr(fetch, "validated", interrupted)
    with pytest.raises(KeyboardInterrupt), caplog.at_level("WARNING", logger="analysis"):
        fetch_source(empty_store, _source(portal.export_url(DATASET)), limits=QUICK)
    assert "interrompu pendant la vérification du fichier reçu" in plain(caplog.text)
    assert not _part(empty_store).exists() and not empty_store.files("etic_2d")


def test_a_download_with_fewer_rows_is_refused_unless_accepted(portal, empty_store, etic_sample):
    url = portal.export_url(DATASET, use_labels="true")
    good = fetch_source(empty_store, _source(url))
    portal.publish(DATASET, etic_sample.iloc[:20], "etic_2d")
    with pytest.raises(FewerRowsError) as err:
        fetch_source(empty_store, _source(url), force=True)
    message = plain(err.value)
    assert message.startswith(f"fichier {url}, ") or message.startswith(f"fichier {url} :")
    assert f"remplacerait fr-en-etic_2d.csv ({len(etic_sample)} lignes) mais n'en a que 20" in message
    assert "--accept-fewer" in message and "rien n'a été remplacé" in message
    assert [r.sha256 for r in empty_store.records("etic_2d")] == [good.sha256]
    assert not _part(empty_store).exists()
    shorter = fetch_source(empty_store, _source(url), force=True, accept_fewer=True)
    assert shorter.rows == 20 and shorter.replaces == [{"file": "fr-en-etic_2d.csv", "sha256": good.sha256}]


def test_a_zip_download_is_read_as_the_file_it_holds(portal, empty_store, etic_sample):
    import io
    import zipfile

    body = etic_sample.to_csv(sep=";", index=False).encode("utf-8")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/fr-en-etic_2d.csv", body)
    portal.publish("zipped", raw=packed.getvalue())
    record = fetch_source(empty_store, _source(portal.export_url("zipped", "csv")))
    assert _stored(empty_store).read_bytes() == body
    assert record.form["container"] == "zip" and record.form["member"] == "fr-en-etic_2d.csv"
    assert record.original_sha256 == hashlib.sha256(packed.getvalue()).hexdigest()


def _mount(folder, *commands, why: str):
    """Run mount commands on ``folder`` for a ``with``, unmounted after (root only): the test is
    skipped, with the reason, where the machine does not allow it."""
    import contextlib
    import subprocess

    @contextlib.contextmanager
    def mounted():
        folder.mkdir(parents=True, exist_ok=True)
        done = None
        for command in commands:
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
                pytest.skip(f"cannot {why} ({done.stderr.strip() or 'mount failed'}): needs root or CAP_SYS_ADMIN")
        try:
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)

    return mounted()


def read_only(folder):
    """``folder`` bind-mounted read-only on itself for the duration of a ``with``."""
    return _mount(folder, ["mount", "--bind", str(folder), str(folder)],
                  ["mount", "-o", "remount,ro,bind", str(folder)], why="bind-mount a folder read-only")


def small_disk(folder, size: str):
    """A tmpfs of ``size`` mounted on ``folder`` for the duration of a ``with``."""
    return _mount(folder, ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                  why="mount a tmpfs to fill a disk")
