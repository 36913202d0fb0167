"""Sources declared in project files (params/sources/*.yml): registry checks, import, validation."""

from __future__ import annotations

import shutil

import pytest

from analysis.core.errors import InputError, RegistryError
from analysis.sources.registry import load_registry
from analysis.sources.store import Store
from tests.conftest import ROOT

ENTRY = """
sources:
  liste_locale:
    dataset_id: liste-locale
    title: Liste locale
    licence: lo-2.0
    format: csv
    filename: liste-locale.csv
    patterns: ["liste-locale*.csv"]
    header: [UAI, Année]
    schema: declared
    millesime: {millesime}
    columns:
      UAI: {{as: uai, check: uai}}
      Année: {{as: annee, check: year}}
      Niveau: {{as: niveau, check: {{in: ["1", "2"]}}}}
    join:
      group: liste
      columns: {{niveau: niveau_liste}}
"""


@pytest.fixture()
def project(tmp_path, monkeypatch):
    (tmp_path / "params" / "sources").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "sources.yml", tmp_path / "params" / "sources.yml")
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(tmp_path))
    return tmp_path


def declare(project, text: str, name: str = "locale.yml"):
    (project / "params" / "sources" / name).write_text(text, encoding="utf-8")


def test_a_declared_source_joins_the_registry(project):
    declare(project, ENTRY.format(millesime="column annee"))
    source = load_registry()["liste_locale"]
    assert source.schema == "declared" and source.millesime_column == "annee"
    assert source.extra["join"]["group"] == "liste" and "annuaire" in load_registry()


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("UAI: {as: uai, check: uai}", "UAI: {as: code, check: uai}"),
     "une colonne doit être déclarée « as: uai »"),
    (lambda t: t.replace("check: year", "check: date"), "le contrôle 'date' n'est aucun de"),
    (lambda t: t.replace("millesime: column annee", "millesime: column an"), "millesime doit valoir"),
    (lambda t: t.replace("      group: liste\n", "      groupe: liste\n"), "join : attendu group"),
    (lambda t: t.replace("{niveau: niveau_liste}", "{rang: niveau_liste}"), "colonnes non déclarées"),
    (lambda t: t.replace("liste_locale:", "annuaire:"), "est déjà déclarée dans"),
])
def test_registry_errors_name_the_file_the_source_and_the_key(project, change, message):
    declare(project, change(ENTRY.format(millesime="column annee")))
    with pytest.raises(RegistryError, match=message) as caught:
        load_registry()
    assert "locale.yml" in str(caught.value)


def test_import_validates_the_declared_columns_and_matches_headers_loosely(project, tmp_path):
    declare(project, ENTRY.format(millesime="column annee"))
    store = Store(tmp_path / "data")
    good = tmp_path / "liste-locale.csv"
    good.write_text("uai;annee;NIVEAU\n0341893Y;2018;1\n0340002T;2018;\n", encoding="utf-8")   # lower case
    report = store.import_paths([good])
    assert [r.source for r in report.added] == ["liste_locale"] and report.added[0].millesimes == [2018]
    bad = tmp_path / "liste-locale-2.csv"
    bad.write_text("UAI;Année;Niveau\n0341893Y;2018;1\n0340002T;2018;4\n", encoding="utf-8")
    with pytest.raises(InputError, match="ligne 3") as caught:
        store.import_paths([bad]).check()
    assert "Niveau" in str(caught.value) or "niveau" in str(caught.value)


def test_the_occitanie_label_lists_are_declared_with_their_quirks():
    registry = load_registry(ROOT / "params" / "sources.yml")
    labels = {k: s for k, s in registry.items() if k.startswith("label_numerique")}
    assert set(labels) == {"label_numerique_colleges", "label_numerique_lycees", "label_numerique_ecoles"}
    assert labels["label_numerique_ecoles"].millesime_column is None          # undated list
    assert all(s.extra["quirks"] and s.extra["join"]["group"] == "label_numerique" for s in labels.values())
