"""Files that come packed: a ZIP archive or a gzip file holding **one** source file.

An archive is recognised by its first bytes, not its name. A ZIP or gzip holding one file is
unpacked into a folder of the caller's (within the size limit it is given, checked against the
free space), and that file is read as if it had been given; its provenance names the archive
(:class:`Packing`). Everything else is refused naming the format and what to do: an archive of
several files, an archive within an archive, a tar, 7z, RAR, bzip2 or xz archive. XLSX and ODS
workbooks are ZIP files too: they are left to :mod:`analysis.sources.forms`.
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from analysis.core import digests
from analysis.core.errors import InputError
from analysis.core.formatting import plural
from analysis.sources import spreadsheets
from analysis.sources.limits import size_text

ZIP = (b"PK\x03\x04", b"PK\x05\x06")
GZIP = b"\x1f\x8b"
#: Packed formats that are not read, by their first bytes: (magic, name).
REFUSED = ((b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "RAR"), (b"BZh", "bzip2"),
           (b"\xfd7zXZ\x00", "xz"))
#: Files inside a ZIP that are no data (left by macOS and Windows).
NOISE = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
CHUNK = 1 << 20
#: Suffixes of packed files: unpacked to say what they are (an archive within an archive).
PACKED = (".zip", ".gz", ".gzip", ".tar", ".tgz", ".7z", ".rar", ".bz2", ".xz")
EXTRACT = "Extrayez le fichier de l'archive et importez-le (`etat-des-lieux data import FICHIER`)."


@dataclass(frozen=True)
class Packing:
    """How a file came: ``container`` (zip | gzip), the ``member`` read, the archive's sha256."""

    container: str
    member: str
    sha256: str


def kind(path: Path) -> str | None:
    """``zip`` (not a workbook), ``gzip``, or None for a file that is not packed. Raises
    :class:`InputError` for a packed format that is not read."""
    with open(path, "rb") as f:
        head = f.read(300)
    if head.startswith(GZIP):
        return "gzip"
    if head.startswith(ZIP):
        return None if spreadsheets.workbook_kind(path, head) else "zip"
    for magic, name in REFUSED:
        if head.startswith(magic):
            raise InputError(path, f"est une archive {name}, un format que l'outil ne lit pas "
                                   "(il lit les archives ZIP et gzip d'un seul fichier)", hint=EXTRACT)
    if head[257:262] == b"ustar":
        raise InputError(path, "est une archive tar, que l'outil ne lit pas (il lit les archives ZIP et "
                               "gzip d'un seul fichier)", hint=EXTRACT)
    return None


@contextlib.contextmanager
def unpacked(path: Path, workdir: Path, limit: int,
             suffixes: tuple[str, ...] | None = None) -> Iterator[tuple[Path, Packing | None]]:
    """The file to read for ``path``: itself, or the one file its archive holds, unpacked in a
    temporary folder under ``workdir`` (removed on exit) within ``limit`` bytes. With
    ``suffixes``, a file of another type is not unpacked (a folder of downloads may hold any
    archive: it is not a source)."""
    path = Path(path)
    found = kind(path)
    if found is None:
        yield path, None
        return
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".unpack-", dir=workdir) as folder:
        unpack = _unzip if found == "zip" else _gunzip
        inner = unpack(path, Path(folder), limit, suffixes)
        try:
            nested = kind(inner)
        except InputError as err:                   # a tar inside a gzip (.tar.gz), a 7z inside a ZIP…
            raise InputError(path, f"contient {inner.name}, qui {err.message}", hint=EXTRACT) from None
        if nested is not None:
            raise InputError(path, f"contient une autre archive ({inner.name}) : l'outil n'ouvre qu'un niveau "
                                   "d'archive", hint=EXTRACT)
        yield inner, Packing(found, inner.name, digests.file_sha256(path))


def _unzip(path: Path, folder: Path, limit: int, suffixes) -> Path:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(path, f"est une archive ZIP illisible ({exc}) : coupée ou abîmée",
                         hint="Téléchargez-la à nouveau ; rien n'a été importé.") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not any(part.startswith(NOISE) for part in (m.filename, PurePosixPath(m.filename).name))]
        if len(members) != 1:
            names = ", ".join(m.filename for m in members[:5]) + (", …" if len(members) > 5 else "")
            raise InputError(path, f"est une archive ZIP de {plural(len(members), 'fichier', 'fichiers')}"
                                   + (f" ({names})" if members else "")
                                   + " : une archive importée doit contenir un seul fichier de données",
                             hint="Extrayez les fichiers de l'archive et importez-les (un dossier s'importe "
                                  "en entier : `etat-des-lieux data import DOSSIER`).")
        member = members[0]
        if member.flag_bits & 0x1:
            raise InputError(path, f"est une archive ZIP chiffrée ({member.filename})", hint=EXTRACT)
        target = folder / PurePosixPath(member.filename).name
        _check_type(path, target.name, suffixes)
        _check_room(path, member.file_size, limit, folder, member.filename)
        try:
            with archive.open(member) as source:
                _copy_within(source, target, limit, path, member.filename)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise InputError(path, f"est une archive ZIP abîmée ({exc}) : {member.filename} ne se décompresse pas",
                             hint="Téléchargez-la à nouveau ; rien n'a été importé.") from None
    return target


def _gunzip(path: Path, folder: Path, limit: int, suffixes) -> Path:
    name = path.name
    for suffix in (".part", ".gz", ".gzip"):
        name = name.removesuffix(suffix)
    if name.endswith(".tgz"):
        name = name.removesuffix(".tgz") + ".tar"
    target = folder / (name or "fichier")
    _check_type(path, target.name, suffixes)
    _check_room(path, None, limit, folder, name)
    try:
        with gzip.open(path, "rb") as source:
            _copy_within(source, target, limit, path, name)
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise InputError(path, f"est un fichier gzip coupé ou abîmé ({exc})",
                         hint="Téléchargez-le à nouveau ; rien n'a été importé.") from None
    return target


def _check_type(path: Path, member: str, suffixes) -> None:
    suffix = PurePosixPath(member).suffix.lower()
    if suffixes and suffix not in suffixes and suffix not in PACKED:
        raise InputError(path, f"contient {member}, qui n'est pas un fichier de données (attendu : "
                               f"{', '.join(suffixes)}) : pas une source connue")


def _check_room(path: Path, size: int | None, limit: int, folder: Path, member: str) -> None:
    """Refuse a member larger than ``limit`` (as the archive declares it) or than the free space."""
    if size is not None and size > limit:
        raise InputError(path, f"{member} ferait {size_text(size)} une fois décompressé, plus que la taille maximale "
                               f"de {size_text(limit)} (max_size_mb de params/sources.yml)",
                         hint="Vérifiez que c'est le bon fichier ; si oui, relevez max_size_mb de sa source.")
    free = shutil.disk_usage(folder).free
    if size is not None and size > free:
        raise InputError(path, f"{member} ferait {size_text(size)} une fois décompressé ; il reste {size_text(free)} "
                               f"sur le disque de {folder.parent}",
                         hint="Libérez de la place sur ce disque, ou extrayez le fichier ailleurs et importez-le.")


def _copy_within(source, target: Path, limit: int, path: Path, member: str) -> None:
    done = 0
    with open(target, "wb") as out:
        while block := source.read(CHUNK):
            done += len(block)
            if done > limit:
                raise InputError(path, f"{member} dépasse {size_text(limit)} une fois décompressé, la taille maximale "
                                       "(max_size_mb de params/sources.yml) : décompression arrêtée",
                                 hint="Vérifiez que c'est le bon fichier ; si oui, relevez max_size_mb de sa source.")
            out.write(block)

