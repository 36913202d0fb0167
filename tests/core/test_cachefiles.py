"""The caches of ``<data>/processed/``: read back only under their key, written key last, and a
damaged cache discarded with a notice (never a reason to stop)."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

from analysis.core import cachefiles


@pytest.fixture()
def paths(tmp_path):
    return tmp_path / "processed" / "table.parquet", tmp_path / "processed" / "table.json"


def frame() -> pd.DataFrame:
    return pd.DataFrame({"territoire": ["france", "region:76"], "valeur": [1.5, float("nan")]})


def test_a_written_table_is_read_back_under_its_key_only(paths):
    parquet, meta = paths
    written = cachefiles.write(parquet, meta, frame(), {"key": "k1", "note": "é"})
    pd.testing.assert_frame_equal(written, frame())
    table, info = cachefiles.read(parquet, meta, "k1")
    pd.testing.assert_frame_equal(table, frame())
    assert info == {"key": "k1", "note": "é"}
    assert cachefiles.read(parquet, meta, "k2") is None                  # another key: rebuild
    assert not list(parquet.parent.glob(".*.tmp"))                        # no temporary left


def test_write_returns_the_table_as_the_cache_gives_it(paths):
    """A fresh computation and a cache hit give the same dtypes (text comes back from Parquet)."""
    parquet, meta = paths
    mixed = pd.DataFrame({"code": pd.Series(["01", "2A"], dtype=object), "n": [1, 2]})
    written = cachefiles.write(parquet, meta, mixed, {"key": "k"})
    table, _ = cachefiles.read(parquet, meta, "k")
    pd.testing.assert_frame_equal(written, table)


def test_a_missing_half_is_a_miss(paths):
    parquet, meta = paths
    cachefiles.write(parquet, meta, frame(), {"key": "k"})
    meta.unlink()
    assert cachefiles.read(parquet, meta, "k") is None
    assert parquet.exists()                                     # nothing discarded: just absent


@pytest.mark.parametrize("damage, why", [
    ("key", "its key file is damaged"),
    ("table", "it cannot be read"),
])
def test_a_damaged_cache_is_discarded_with_a_notice(paths, caplog, damage, why):
    parquet, meta = paths
    cachefiles.write(parquet, meta, frame(), {"key": "k"})
    if damage == "key":
        meta.write_text("{", encoding="utf-8")
    else:
        parquet.write_bytes(parquet.read_bytes()[:50])
    with caplog.at_level(logging.WARNING, logger="analysis.core.cachefiles"):
        assert cachefiles.read(parquet, meta, "k") is None
    assert not parquet.exists() and not meta.exists()
    assert len(caplog.records) == 1 and why in caplog.text and "rebuilding" in caplog.text


def test_a_key_file_that_is_no_object_is_a_miss(paths):
    parquet, meta = paths
    cachefiles.write(parquet, meta, frame(), {"key": "k"})
    meta.write_text(json.dumps(["k"]), encoding="utf-8")
    assert cachefiles.read(parquet, meta, "k") is None
