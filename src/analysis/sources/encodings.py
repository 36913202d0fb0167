"""The encoding of a CSV file, decided on the whole file, never on one byte.

The portals write UTF-8 (with or without BOM); a spreadsheet on Windows re-saves a copy in
cp1252 (whose printable characters include latin-1's) or UTF-16 (with a BOM). So:

- a BOM decides (UTF-8 or UTF-16), and the whole file must then decode in that encoding;
- without BOM, a file that decodes as UTF-8 is UTF-8;
- a file in which **no** byte sequence reads as UTF-8's accented characters, and that decodes
  cleanly in cp1252, is a cp1252 copy: it is transcoded (the provenance says so);
- anything else mixes encodings (a UTF-8 file with a few cp1252 bytes pasted in, or the reverse):
  it is refused, naming the lines and the bytes. Reading it whole in either encoding would turn
  the other part into mojibake (``Privé`` → ``PrivÃ©``) and change figures without a word.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from analysis.core.errors import InputError
from analysis.core.formatting import plural

SINGLE_BYTE = "cp1252"
#: A UTF-8 sequence of two to four bytes (an accented letter, a typographic sign…).
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
#: A UTF-8 sequence, or one byte that starts none (what a strict UTF-8 decoder refuses).
UTF8_OR_NOT = re.compile(rb"(" + UTF8_MULTIBYTE.pattern + rb")|([\x80-\xff])")
SHOWN = 5                      # lines named in a refusal
FIX = ("Enregistrez le fichier en UTF-8 (ou corrigez ces lignes dans un éditeur de texte), ou "
       "téléchargez à nouveau le fichier officiel ; rien n'a été importé.")


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark declares (``utf-8-sig``, ``utf-16``), else None."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decode(data: bytes, path: Path | str, delimiter: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and its encoding (see the module docstring); an :class:`InputError`
    naming the lines, the columns (with ``delimiter``) and the bytes when the file mixes encodings."""
    declared = bom_encoding(data[:4])
    if declared == "utf-16":
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(path, f"le fichier se déclare UTF-16 (marque d'ordre des octets) mais l'octet "
                                   f"{exc.start} ne se lit pas en UTF-16 : il est coupé ou abîmé",
                             hint="Téléchargez à nouveau le fichier officiel ; rien n'a été importé.") from None
    try:
        return data.decode(declared or "utf-8"), declared or "utf-8"
    except UnicodeDecodeError:
        pass
    if declared is None and UTF8_MULTIBYTE.search(data) is None:
        try:
            return data.decode(SINGLE_BYTE), SINGLE_BYTE
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(path, f"l'octet 0x{data[exc.start]:02X} n'est un caractère ni en UTF-8 ni en "
                                   f"{SINGLE_BYTE} (Windows) : ce n'est pas un fichier texte d'un tableur ou "
                                   "du portail", row=line, value=_context(data, exc.start),
                             hint="Téléchargez à nouveau le fichier officiel ; rien n'a été importé.") from None
    raise _mixed(data, path, declared, delimiter)


def _mixed(data: bytes, path: Path | str, declared: str | None, delimiter: str | None) -> InputError:
    """The refusal of a file in which some sequences read as UTF-8 and some bytes do not: the
    lines of the fewer kind are named (those are the ones to fix)."""
    utf8, other = [], []
    for found in UTF8_OR_NOT.finditer(data):
        (utf8 if found.group(1) else other).append(found.start())
    bom = " (sa marque d'ordre des octets l'annonce)" if declared else ""
    if declared or len(other) <= len(utf8):
        wrong, what = other, (f"le fichier est en UTF-8{bom}, sauf {plural(len(other), 'octet', 'octets')} "
                              f"d'un autre encodage (du {SINGLE_BYTE} collé dans le fichier ?)")
    else:
        wrong, what = utf8, (f"le fichier semble en {SINGLE_BYTE} (Windows), mais avec "
                             f"{plural(len(utf8), 'séquence lue', 'séquences lues')} en UTF-8 : deux encodages mêlés")
    lines = {}
    for position in wrong:
        line = data.count(b"\n", 0, position) + 1
        if line not in lines:
            lines[line] = _where(data, position, delimiter)
        if len(lines) == SHOWN + 1:
            break
    named = " ; ".join(f"ligne {line}{context}" for line, context in list(lines.items())[:SHOWN])
    more = " ; …" if len(lines) > SHOWN else ""
    return InputError(path, f"{what}. Lu en entier dans l'un ou l'autre encodage, le texte de l'autre partie "
                            f"serait altéré. Lignes concernées : {named}{more}",
                      row=next(iter(lines)), hint=FIX)


def _where(data: bytes, position: int, delimiter: str | None) -> str:
    """``, colonne « nature_uai » : « Coll\\xe8ge »``: the cell of a byte (its column named from
    the header), or the words around it."""
    start = data.rfind(b"\n", 0, position) + 1
    if delimiter and len(delimiter.encode()) == 1 and b'"' not in data[start:position]:
        sep = delimiter.encode()
        header = data[:data.find(b"\n")].lstrip(codecs.BOM_UTF8).rstrip(b"\r").split(sep)
        index = data.count(sep, start, position)
        cell_start = data.rfind(sep, start, position) + 1 if index else start
        ends = [i for i in (data.find(sep, position), data.find(b"\n", position)) if i >= 0]
        cell = data[cell_start:min(ends) if ends else len(data)].rstrip(b"\r")
        column = header[index].decode("utf-8", errors="backslashreplace") if index < len(header) else f"n° {index + 1}"
        return f", colonne « {column} » : « {cell.decode('utf-8', errors='backslashreplace')} »"
    return f" : « {_context(data, position)} »"


def _context(data: bytes, position: int) -> str:
    """The word around a byte, the byte shown as ``\\xe9`` where it is not UTF-8."""
    start = max(data.rfind(b"\n", 0, position), position - 24, 0)
    end = data.find(b"\n", position)
    end = min(end if end >= 0 else len(data), position + 24)
    word = data[start:end].strip(b"\r\n")
    if start > 0 and data[start - 1:start] != b"\n":
        word = word.lstrip(bytes(range(0x80, 0xC0)))      # not from the middle of a character
    return word.decode("utf-8", errors="backslashreplace").lstrip("\ufeff")

