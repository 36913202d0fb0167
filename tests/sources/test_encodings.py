"""The encoding of a CSV file decided on the whole file: UTF-8 (a BOM or not), a cp1252 copy
transcoded only when it decodes cleanly and nothing in it reads as UTF-8, a mix refused naming
the lines, columns and bytes."""

from __future__ import annotations

import pytest

from analysis.core.errors import InputError
from analysis.sources.encodings import decode

TEXT = "Code_UAI;Secteur;Commune\n0310001A;Privé;Saint-Gaudens\n0310002B;Public;Lézat\n0310003C;Privé;Foix\n"


def _plain(err) -> str:
    return " ".join(str(err).split())


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("cp1252"), "cp1252"),
    (TEXT.replace("é", "e").encode("ascii"), "utf-8"),
    ("Nom;Note\nŒuvre;« 12 € »\n".encode("cp1252"), "cp1252"),     # bytes 0x80-0x9F: Windows' own
])
def test_a_file_in_one_encoding_reads_in_it(data, encoding):
    text, found = decode(data, "f.csv")
    assert found == encoding and text.lstrip("\ufeff") in (TEXT, TEXT.replace("é", "e"), "Nom;Note\nŒuvre;« 12 € »\n")


def test_one_cp1252_byte_in_a_utf8_file_refuses_the_file_naming_it():
    data = TEXT.encode("utf-8").replace(b"Foix", "Foix-\xe9".encode("cp1252"))
    with pytest.raises(InputError) as err:
        decode(data, "f.csv", ";")
    message = _plain(err.value)
    assert "le fichier est en UTF-8, sauf 1 octet d'un autre encodage" in message
    assert "ligne 4, colonne « Commune » : « Foix-\\xe9 »" in message and err.value.row == 4
    assert "Enregistrez le fichier en UTF-8" in message and "rien n'a été importé" in message


def test_a_cp1252_file_with_a_few_utf8_sequences_names_those():
    data = TEXT.encode("cp1252") + "0310004D;Privé;Ax\n".encode()
    with pytest.raises(InputError) as err:
        decode(data, "f.csv", ";")
    message = _plain(err.value)
    assert "le fichier semble en cp1252 (Windows), mais avec 1 séquence lue en UTF-8 : deux encodages mêlés" \
        in message
    assert "ligne 5, colonne « Secteur » : « Privé »" in message


def test_a_utf8_bom_with_bytes_that_are_not_utf8_is_refused():
    data = b"\xef\xbb\xbf" + TEXT.encode("cp1252")
    with pytest.raises(InputError, match="sa marque d'ordre des octets l'annonce"):
        decode(data, "f.csv", ";")


def test_bytes_that_no_encoding_reads_are_refused():
    with pytest.raises(InputError) as err:
        decode(b"Code;Nom\n0310001A;A\x81B\n", "f.csv")
    assert "l'octet 0x81 n'est un caractère ni en UTF-8 ni en cp1252" in _plain(err.value) and err.value.row == 2


def test_many_lines_are_named_up_to_five():
    lines = ["Code;Nom"] + [f"03100{i:02d}A;Privé" for i in range(8)]
    data = "\n".join(lines).encode("utf-8").replace("Privé".encode(), "Priv\xe9".encode("cp1252"))
    data += "".join(f"\n03101{i:02d}Z;Lézat" for i in range(10)).encode("utf-8")      # more UTF-8
    with pytest.raises(InputError) as err:
        decode(data, "f.csv", ";")
    message = _plain(err.value)
    assert "sauf 8 octets" in message and "ligne 6" in message and "ligne 7" not in message and "; …" in message
