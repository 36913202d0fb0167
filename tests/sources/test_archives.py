"""Packed files: a ZIP or gzip of one file unpacked within a size limit; several files, nested
archives and the formats not read refused naming the format; workbooks left to the readers."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import pytest

from analysis.core.errors import InputError
from analysis.sources import archives

BODY = b"uai;annee\n0341893Y;2018\n"


def _zip(path, members: dict, **kw):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, **kw) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_of_one_file_yields_that_file_then_cleans_up(tmp_path):
    packed = _zip(tmp_path / "export.zip", {"dossier/liste.csv": BODY, "__MACOSX/._liste.csv": b"x",
                                            "dossier/.DS_Store": b"x"})
    with archives.unpacked(packed, tmp_path / "travail", 10**6) as (inner, packing):
        assert inner.name == "liste.csv" and inner.read_bytes() == BODY
        assert (packing.container, packing.member) == ("zip", "liste.csv")
        assert len(packing.sha256) == 64
    assert not inner.exists() and not list((tmp_path / "travail").iterdir())


def test_a_gzip_yields_the_file_named_without_gz(tmp_path):
    packed = tmp_path / "liste.csv.gz"
    packed.write_bytes(gzip.compress(BODY))
    with archives.unpacked(packed, tmp_path, 10**6) as (inner, packing):
        assert inner.name == "liste.csv" and inner.read_bytes() == BODY and packing.container == "gzip"


def test_a_file_that_is_not_packed_is_itself(tmp_path):
    plain = tmp_path / "liste.csv"
    plain.write_bytes(BODY)
    with archives.unpacked(plain, tmp_path, 10) as (inner, packing):
        assert inner == plain and packing is None


def _tar_gz(path):
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("liste.csv")
        info.size = len(BODY)
        archive.addfile(info, io.BytesIO(BODY))
    return path


@pytest.mark.parametrize(("make", "said"), [
    (lambda p: _zip(p, {"a.csv": BODY, "b.csv": BODY}), "est une archive ZIP de 2 fichiers (a.csv, b.csv)"),
    (lambda p: _zip(p, {}), "est une archive ZIP de 0 fichier"),
    (lambda p: _zip(p, {"dans.zip": _zip(io.BytesIO(), {"a.csv": BODY}).getvalue()}),
     "contient une autre archive (dans.zip)"),
    (_tar_gz, "contient fichier.tar, qui est une archive tar"),
    (lambda p: p.write_bytes(b"Rar!\x1a\x07\x00" + BODY), "est une archive RAR"),
    (lambda p: p.write_bytes(b"BZh91AY&SY" + BODY), "est une archive bzip2"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 40), "est une archive ZIP illisible"),
    (lambda p: p.write_bytes(gzip.compress(BODY)[:-12]), "est un fichier gzip coupé ou abîmé"),
])
def test_what_is_not_read_is_refused_naming_the_format(make, said, tmp_path):
    path = tmp_path / "fichier.tar.gz"
    made = make(path)
    if isinstance(made, io.BytesIO):
        path.write_bytes(made.getvalue())
    with pytest.raises(InputError) as err, archives.unpacked(path, tmp_path / "travail", 10**6):
        pass
    assert said in " ".join(str(err.value).split()) and str(path) in str(err.value)


def test_unpacking_stops_at_the_limit_whatever_the_archive_declares(tmp_path):
    big = b"0" * 200_000
    packed = _zip(tmp_path / "bombe.zip", {"a.csv": big})
    with pytest.raises(InputError, match=r"ferait 200\sko une fois décompressé, plus que la taille maximale de 100"):
        with archives.unpacked(packed, tmp_path / "t", 100_000):
            pass
    compressed = tmp_path / "bombe.csv.gz"
    compressed.write_bytes(gzip.compress(big))
    with pytest.raises(InputError, match=r"dépasse 100\sko une fois décompressé"):
        with archives.unpacked(compressed, tmp_path / "t", 100_000):
            pass
    assert not list((tmp_path / "t").iterdir())


def test_an_xlsx_is_a_workbook_not_an_archive(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "a.xlsx"
    Workbook().save(path)
    assert archives.kind(path) is None


def test_an_archive_of_something_else_is_not_unpacked(tmp_path):
    packed = _zip(tmp_path / "photos.zip", {"vacances.jpg": b"\xff\xd8" + b"0" * 1000})
    with pytest.raises(InputError, match="contient vacances.jpg, qui n'est pas un fichier de données"):
        with archives.unpacked(packed, tmp_path / "t", 10**6, (".csv", ".json")):
            pass
    assert not (tmp_path / "t").exists() or not list((tmp_path / "t").iterdir())
