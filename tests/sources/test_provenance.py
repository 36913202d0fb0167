"""Provenance records beside raw files: written atomically, read back (fields of later versions
ignored), and a copy transcoded at import still recognised by the sha256 it came with."""

from __future__ import annotations

import hashlib
import json

from analysis.sources.provenance import SUFFIX, Provenance, record_path, sha256_file


def record(**changes) -> Provenance:
    fields = dict(source="etic_2d", dataset_id="fr-en-etic_2d", file="fr-en-etic_2d.csv", method="import",
                  origin="/home/x/Téléchargements/fr-en-etic_2d.csv", retrieved_at="2026-01-01T00:00:00+00:00",
                  size=3, sha256="a" * 64, licence="Licence Ouverte", licence_url=None, url_verified=False,
                  layout_verified=True, millesimes=[2018, 2019], form={"format": "csv", "delimiter": ";"})
    return Provenance(**{**fields, **changes})


def test_a_record_is_written_beside_its_file_and_read_back(tmp_path):
    raw = tmp_path / "fr-en-etic_2d.csv"
    path = record().write(raw)
    assert path == record_path(raw) == tmp_path / ("fr-en-etic_2d.csv" + SUFFIX)
    assert Provenance.read(raw) == record()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]               # no temporary left


def test_fields_a_later_version_added_are_ignored_when_read(tmp_path):
    raw = tmp_path / "f.csv"
    record().write(raw)
    data = json.loads(record_path(raw).read_text(encoding="utf-8"))
    record_path(raw).write_text(json.dumps({**data, "champ_futur": 1}), encoding="utf-8")
    assert Provenance.read(raw) == record()


def test_a_transcoded_copy_is_the_same_content_as_received():
    transcoded = record(sha256="b" * 64, original_sha256="c" * 64)
    assert transcoded.same_content("b" * 64) and transcoded.same_content("c" * 64)
    assert not transcoded.same_content("d" * 64)


def test_sha256_of_a_file_read_in_chunks(tmp_path):
    path = tmp_path / "f.bin"
    data = bytes(range(256)) * 1000
    path.write_bytes(data)
    assert sha256_file(path, chunk=1000) == sha256_file(path) == hashlib.sha256(data).hexdigest()
