"""Which stored files of a source are read: every file of a table, one file of a boundary source
(the declared sha256, else the declared name), the others said with their reason. Files are
written by hand into the store's folders (no real boundaries needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.sources import used_files as uf
from analysis.sources.provenance import Provenance
from analysis.sources.store import Store


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def stored(store: Store, key: str, name: str, sha256: str | None = None) -> Path:
    """A file in the store's folder of ``key``, with a provenance record saying ``sha256``."""
    folder = store.raw / key
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("{}", encoding="utf-8")
    if sha256:
        Provenance(source=key, dataset_id="x", file=name, method="import", origin="x", retrieved_at="x", size=2,
                   sha256=sha256, licence="x", licence_url=None, url_verified=False,
                   layout_verified=False).write(path)
    return path


def test_every_file_of_a_table_is_read(store):
    a, b = stored(store, "etic_2d", "fr-en-etic_2d.csv"), stored(store, "etic_2d", "export (3).csv")
    found = uf.used_files(store, "etic_2d")
    assert sorted(found.used) == sorted([a, b]) and found.unused == {} and found.unexpected == []


def test_a_boundary_source_reads_the_declared_file_and_says_why_not_the_others(store):
    declared = store.registry["departements_geo"].sha256
    good = stored(store, "departements_geo", "departements-avec-outre-mer.geojson", sha256=declared)
    other = stored(store, "departements_geo", "departements.geojson", sha256="1" * 64)
    found = uf.used_files(store, "departements_geo")
    assert found.used == [good] and found.unused == {other: uf.NOT_DECLARED} and found.unexpected == []


def test_the_declared_sha256_wins_over_the_declared_name(store):
    declared = store.registry["departements_geo"].sha256
    renamed = stored(store, "departements_geo", "departements-avec-outre-mer (1).geojson", sha256=declared)
    changed = stored(store, "departements_geo", "departements-avec-outre-mer.geojson", sha256="2" * 64)
    found = uf.used_files(store, "departements_geo")
    assert found.used == [renamed] and found.unused == {changed: uf.OTHER_SHA256} and found.unexpected == []


def test_without_the_declared_copy_the_declared_name_is_read_and_said_unexpected(store):
    name = stored(store, "departements_geo", "departements-avec-outre-mer.geojson", sha256="3" * 64)
    copy = stored(store, "departements_geo", "departements-avec-outre-mer-2.geojson", sha256="4" * 64)
    found = uf.used_files(store, "departements_geo")
    assert found.used == [name] and found.unused == {copy: uf.OTHER_COPY} and found.unexpected == [name]


def test_a_file_without_record_is_read_by_its_name(store):
    alone = stored(store, "departements_geo", "departements-avec-outre-mer.geojson")
    found = uf.used_files(store, "departements_geo")
    assert found.used == [alone] and found.unused == {}
