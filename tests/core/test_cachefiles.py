"""The data caches: read back only under their key, the key inside the table's own file (one
rename: no crash can leave a key vouching for another table), unique temporary names, a damaged
cache discarded with a notice, and a data folder that cannot be written cached elsewhere."""

from __future__ import annotations

import logging
import os
import threading

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.core import cachefiles
from analysis.core.environment import EnvironmentProblem


@pytest.fixture()
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr(cachefiles, "_SAID", set())
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


def frame(value: float = 1.5) -> pd.DataFrame:
    return pd.DataFrame({"territoire": ["france", "region:76"], "valeur": [value, float("nan")]})


def test_a_written_table_is_read_back_under_its_key_only(data):
    written = cachefiles.write(data, "table", frame(), {"key": "k1", "note": "é"})
    pd.testing.assert_frame_equal(written, frame())
    table, info = cachefiles.read(data, "table", "k1")
    pd.testing.assert_frame_equal(table, frame())
    assert info == {"key": "k1", "note": "é"}
    assert cachefiles.read(data, "table", "k2") is None                  # another key: rebuild
    assert [p.name for p in (data / "processed").iterdir()] == ["table.parquet"]   # one file, no temporary


def test_the_info_alone_is_read_under_its_key_only(data, monkeypatch):
    cachefiles.write(data, "table", frame(), {"key": "k1", "report": {"lignes": 3}})
    monkeypatch.setattr(cachefiles.pd, "read_parquet", lambda *a, **k: pytest.fail("the table was read"))
    assert cachefiles.read_info(data, "table", "k1") == {"key": "k1", "report": {"lignes": 3}}
    assert cachefiles.read_info(data, "table", "k2") is None
    assert cachefiles.read_info(data, "absent", "k1") is None


def test_the_key_is_in_the_table_file_itself(data):
    """Nothing beside the table can vouch for it: its key is read from its own metadata."""
    cachefiles.write(data, "table", frame(), {"key": "k1"})
    metadata = pq.read_schema(data / "processed" / "table.parquet").metadata
    assert b'"key": "k1"' in metadata[cachefiles.META_KEY]


def test_write_returns_the_table_as_the_cache_gives_it(data):
    """A fresh computation and a cache hit give the same dtypes (text comes back from Parquet)."""
    mixed = pd.DataFrame({"code": pd.Series(["01", "2A"], dtype=object), "n": [1, 2]})
    written = cachefiles.write(data, "table", mixed, {"key": "k"})
    table, _ = cachefiles.read(data, "table", "k")
    pd.testing.assert_frame_equal(written, table)


def test_a_table_of_an_older_version_with_its_key_beside_it_is_a_miss_and_its_key_file_goes(data):
    processed = data / "processed"
    processed.mkdir()
    frame().to_parquet(processed / "table.parquet", index=False)
    (processed / "table.json").write_text('{"key": "k"}', encoding="utf-8")
    assert cachefiles.read(data, "table", "k") is None
    cachefiles.write(data, "table", frame(), {"key": "k"})
    assert not (processed / "table.json").exists()


def test_a_damaged_cache_is_discarded_with_a_notice(data, caplog):
    cachefiles.write(data, "table", frame(), {"key": "k"})
    parquet = data / "processed" / "table.parquet"
    parquet.write_bytes(parquet.read_bytes()[:50])
    with caplog.at_level(logging.WARNING, logger="analysis.core.cachefiles"):
        assert cachefiles.read(data, "table", "k") is None
    assert not parquet.exists()
    assert len(caplog.records) == 1 and "illisible" in caplog.text and "reconstruit" in caplog.text


def test_two_writers_at_once_each_rename_a_whole_file(data):
    """Two commands computing the same cache at once (two builds after an import): unique
    temporary names, so that neither removes or renames the other's half-written file."""
    errors = []

    def writer(value):
        try:
            for _ in range(20):
                cachefiles.write(data, "table", frame(value), {"key": f"k{value}"})
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(v,)) for v in (1.0, 2.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    found = [cachefiles.read(data, "table", key) for key in ("k1.0", "k2.0")]
    (table, info), = [f for f in found if f is not None]            # the last rename wins, whole
    assert table["valeur"].iloc[0] == float(info["key"][1:])          # and its key is its own
    assert [p.name for p in (data / "processed").iterdir()] == ["table.parquet"]


def test_a_data_folder_that_cannot_be_written_keeps_its_caches_in_the_user_cache(data, monkeypatch, caplog):
    """As a read-only folder does (the tests run as root, which chmod does not stop: the refusal
    is simulated here; tests/build/test_runtime_safety.py mounts a folder read-only)."""
    real = cachefiles.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if str(dir).startswith(str(data)):
            raise PermissionError(13, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(cachefiles.tempfile, "mkstemp", refuse)
    with caplog.at_level(logging.WARNING, logger="analysis.core.cachefiles"):
        cachefiles.write(data, "table", frame(), {"key": "k"})
        cachefiles.write(data, "other", frame(), {"key": "k"})
    assert not (data / "processed").exists() or not list((data / "processed").iterdir())
    assert (cachefiles.user_folder(data) / "table.parquet").exists()
    assert cachefiles.read(data, "table", "k") is not None
    assert len(caplog.records) == 1 and "pas accessible en écriture" in caplog.text      # said once


def test_when_nothing_can_be_written_the_cache_is_kept_in_memory(data, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(cachefiles.tempfile, "mkstemp", refuse)
    cachefiles.write(data, "table", frame(), {"key": "k"})
    table, _ = cachefiles.read(data, "table", "k")
    pd.testing.assert_frame_equal(table, frame())
    assert cachefiles.read(data, "table", "other key") is None
    assert cachefiles.read_info(data, "table", "k") == {"key": "k"}
    assert cachefiles.read_info(data, "table", "other key") is None


def test_a_full_disk_is_the_users_to_fix_naming_the_file_and_leaves_no_temporary(data, monkeypatch):
    def full(table, handle, **kwargs):
        handle.write(b"PAR1")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(EnvironmentProblem, match="disque plein") as raised:
        cachefiles.write(data, "table", frame(), {"key": "k"})
    assert raised.value.path == data / "processed" / "table.parquet"      # pyarrow names no file
    assert os.listdir(data / "processed") == []
