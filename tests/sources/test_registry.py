"""The source registry: params/sources.yml and the local files of params/sources/ read as one, a
file recognised by its name (best pattern first) or its header, and malformed entries named."""

from __future__ import annotations

import os
import textwrap

import pytest

from analysis.core.errors import RegistryError
from analysis.sources.registry import get_source, load_registry

ENTRY = """\
    dataset_id: essai
    title: Essai
    licence: lo-2.0
    format: csv
    filename: essai.csv
    patterns: ["essai*.csv", "*-essai.csv"]
    header: [Code_UAI]
    schema: etic_2d
    millesime: column Millesime
"""


def registry(tmp_path, main: str, local: dict[str, str] | None = None):
    path = tmp_path / "params" / "sources.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(main), encoding="utf-8")
    for name, text in (local or {}).items():
        (path.parent / "sources").mkdir(exist_ok=True)
        (path.parent / "sources" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def main_file(extra: str = "") -> str:
    return ("licences:\n  lo-2.0: {name: Licence Ouverte 2.0, url: https://x}\nsources:\n  essai:\n"
            + textwrap.indent(textwrap.dedent(ENTRY), "    ") + extra)


def test_the_project_registry_loads_and_its_files_are_recognised_by_name():
    sources = load_registry()
    etic = sources["etic_2d"]
    assert etic.filename == "fr-en-etic_2d.csv" and etic.millesime_column == "Millesime"
    assert etic.matches_name("FR-EN-ETIC_2D (1).csv") == 0 and etic.matches_name("notes.csv") is None
    assert sources["annuaire"].millesime_column is None
    assert sources["departements_geo"].is_geo and not etic.is_geo
    assert "label_numerique_colleges" in sources                          # a local file of params/sources/


def test_a_name_takes_the_priority_of_its_first_matching_pattern(tmp_path):
    source = load_registry(registry(tmp_path, main_file()))["essai"]
    assert source.matches_name("essai-2019.csv") == 0
    assert source.matches_name("Copie-ESSAI.csv") == 1
    assert source.matches_header(["code_uai", "autre"]) and not source.matches_header(["autre"])


def test_local_files_add_sources_but_never_redeclare_one(tmp_path):
    local = {"region.yml": "sources:\n  locale:\n" + textwrap.indent(textwrap.dedent(ENTRY), "    ")}
    assert set(load_registry(registry(tmp_path, main_file(), local))) == {"essai", "locale"}
    again = {"z.yml": "sources:\n  essai:\n" + textwrap.indent(textwrap.dedent(ENTRY), "    ")}
    with pytest.raises(RegistryError, match="la source « essai » est déjà déclarée dans"):
        load_registry(registry(tmp_path / "b", main_file(), again))


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("    filename: essai.csv\n", ""), "il manque à la source « essai » : filename"),
    (lambda t: t.replace("licence: lo-2.0", "licence: cc-by"), "nomme une licence inconnue, « cc-by »"),
    (lambda t: t + "  : [", "YAML invalide"),
    (lambda t: t.replace("format: csv", "format: csv\n    max_size_mb: beaucoup"),
     "max_size_mb doit être un nombre positif de Mo"),
    (lambda t: t.replace("format: csv", "format: csv\n    max_size_mb: 0"), "max_size_mb doit être"),
])
def test_a_malformed_entry_names_the_file_and_the_source(tmp_path, change, message):
    path = registry(tmp_path, change(main_file()))
    with pytest.raises(RegistryError, match=message) as err:
        load_registry(path)
    assert str(path) in str(err.value)


def test_an_edited_registry_is_read_again(tmp_path):
    path = registry(tmp_path, main_file())
    assert load_registry(path)["essai"].title == "Essai"
    text = path.read_text(encoding="utf-8").replace("title: Essai", "title: Essai modifié")
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))   # a later modification time
    assert load_registry(path)["essai"].title == "Essai modifié"


def test_an_unknown_source_lists_the_known_ones(tmp_path):
    sources = load_registry(registry(tmp_path, main_file()))
    with pytest.raises(RegistryError, match="(?s)source inconnue : « essais ».*sources connues : essai."):
        get_source("essais", sources)
    with pytest.raises(RegistryError, match="introuvable"):
        load_registry(tmp_path / "nulle-part" / "sources.yml")


def test_a_maximum_size_is_read_in_mo(tmp_path):
    path = registry(tmp_path, main_file().replace("format: csv", "format: csv\n    max_size_mb: 2.5"))
    assert load_registry(path)["essai"].max_size_mb == 2.5
    assert load_registry(registry(tmp_path / "b", main_file()))["essai"].max_size_mb is None
