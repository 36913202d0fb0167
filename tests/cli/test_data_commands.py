"""``data fetch`` end to end against a local imitation of the portal (with --url, and from the
registry), the active data folder, and nothing stale: an edit in place, a file without record,
damaged caches."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import yaml

from analysis.core import config
from tests.cli.helpers import run_cli
from tests.conftest import ROOT
from tests.portal import Portal


@pytest.fixture(scope="module")
def samples(small_store, tmp_path_factory):
    """Small official-layout files: the ETIC 2d and the annuaire of the small demo, as text."""
    folder = tmp_path_factory.mktemp("samples")
    read = {key: pd.read_csv(small_store.files(key)[0], sep=";", dtype=str, keep_default_na=False,
                             encoding="utf-8-sig") for key in ("etic_2d", "annuaire")}
    paths = {"etic_2d": folder / "fr-en-etic_2d.csv", "annuaire": folder / "fr-en-annuaire-education.csv"}
    read["etic_2d"].to_csv(paths["etic_2d"], sep=";", index=False, encoding="utf-8")
    read["annuaire"].to_csv(paths["annuaire"], sep=";", index=False, encoding="utf-8")
    return {"paths": paths, **read}


@pytest.fixture()
def home(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("ETAT_DES_LIEUX_DATA", str(folder))
    return folder


@pytest.fixture()
def portal(samples):
    server = Portal().start()
    server.publish("fr-en-etic_2d", samples["etic_2d"], "etic_2d")
    server.publish("fr-en-annuaire-education", samples["annuaire"], "annuaire")
    yield server
    server.stop()


def test_fetch_with_an_explicit_url(portal, home, capsys):
    url = portal.export_url("fr-en-etic_2d", use_labels="true", delimiter="%3B")
    run = run_cli(capsys, "data", "fetch", "etic_2d", "--url", url)
    assert run.code == 0, run.raw_text
    stored = home / "raw" / "etic_2d" / "fr-en-etic_2d.csv"
    record = json.loads((stored.parent / (stored.name + ".provenance.json")).read_text(encoding="utf-8"))
    assert record["origin"] == url and record["method"] == "fetch" and "--url" in record["note"]
    status = run_cli(capsys, "data", "status")
    assert status.code == 0 and "téléchargé de 127.0.0.1" in status.text and "ok" in status.text
    again = run_cli(capsys, "data", "fetch", "etic_2d", "--url", url)
    assert again.code == 0 and "déjà présent" in again.text and len(portal.requests) == 1


def test_fetch_from_the_registry_falls_back_and_records_each_form(portal, home, tmp_path, monkeypatch, capsys):
    """`data fetch` with the URLs of params/sources.yml pointing at the local portal: a 404 and an
    HTML page first, then the field-name CSV and JSON exports."""
    project = tmp_path / "projet"
    shutil.copytree(ROOT / "params", project / "params")
    registry = yaml.safe_load((project / "params" / "sources.yml").read_text(encoding="utf-8"))
    for entry in registry["sources"].values():
        entry["urls"] = []
    portal.publish("page", pd.DataFrame({"x": ["1"]}), "etic_2d")
    portal.html["page"] = 200
    registry["sources"]["annuaire"]["urls"] = [portal.export_url("absent"),
                                               portal.export_url("fr-en-annuaire-education", delimiter="%3B")]
    registry["sources"]["etic_2d"]["urls"] = [portal.export_url("page"), portal.export_url("fr-en-etic_2d", "json")]
    (project / "params" / "sources.yml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(project))
    run = run_cli(capsys, "data", "fetch")
    assert run.code == 0, run.raw_text
    assert sorted(p.name for p in (home / "raw").rglob("*") if p.suffix in (".csv", ".json")
                  and not p.name.endswith(".provenance.json")) == ["fr-en-annuaire-education.csv", "fr-en-etic_2d.json"]
    from analysis.sources.store import Store

    forms = dict(zip(*Store(home).status()[["source", "forme"]].T.to_numpy()))
    assert "field names as header" in forms["annuaire"] and forms["etic_2d"].startswith("JSON")
    table = run_cli(capsys, "indicators", "departement:34", "--format", "json")
    assert table.code == 0, table.raw_text
    coverage = {r["indicateur"]: r["couverture_donnees"] for r in json.loads(table.out)}
    assert coverage["connectivite.acces_internet"] == "complète"         # ETIC: fetched
    assert coverage["connectivite.couverture_3g"] == "aucune"            # no coverage file


def test_the_active_folder_follows_the_data_commands(home, samples, tmp_path, capsys):
    etic = samples["paths"]["etic_2d"]
    run = run_cli(capsys, "data", "import", "--demo", etic)
    assert run.code == 0, run.raw_text
    assert config.data_dir() == home.resolve() / "demo"
    status = run_cli(capsys, "data", "status")
    assert str(home / "demo") in status.text and "DÉMONSTRATION" in status.text
    table = run_cli(capsys, "indicators", "france", "--format", "json")           # no option needed
    assert table.code == 0 and json.loads(table.out)[0]["demo"] is True
    run_cli(capsys, "data", "import", etic, "--data-dir", tmp_path / "essai")      # one-off: no move
    assert config.data_dir() == home.resolve() / "demo"
    run = run_cli(capsys, "data", "import", etic)                                  # real files: home
    assert run.code == 0 and config.data_dir() == home.resolve()
    assert "DÉMONSTRATION" not in run_cli(capsys, "data", "status").text


@pytest.mark.slow                    # two whole indicator tables (3-4 s): `make test` only
def test_an_edit_in_place_is_reported_and_picked_up(home, samples, capsys):
    run_cli(capsys, "data", "import", *samples["paths"].values())
    before = json.loads(run_cli(capsys, "indicators", "france", "--format", "json").out)
    stored = home / "raw" / "etic_2d" / "fr-en-etic_2d.csv"
    text = stored.read_text(encoding="utf-8")
    stored.write_text(text.replace(";oui;", ";non;"), encoding="utf-8")           # "fix" it in place
    status = run_cli(capsys, "data", "status")
    assert status.code == 0 and "modifié depuis l'import" in status.text and str(stored) in status.text
    after = json.loads(run_cli(capsys, "indicators", "france", "--format", "json").out)
    assert before != after                                  # the caches were keyed on the content


def test_a_file_copied_by_hand_has_no_record_but_breaks_nothing(home, samples, capsys):
    folder = home / "raw" / "etic_2d"
    folder.mkdir(parents=True)
    samples["etic_2d"].to_csv(folder / "copie.csv", sep=";", index=False, encoding="cp1252")
    status = run_cli(capsys, "data", "status")
    assert status.code == 0 and "sans fiche de provenance" in status.text
    table = run_cli(capsys, "indicators", "france", "--format", "json")
    assert table.code == 0, table.raw_text


def test_etic_without_annuaire(home, samples, capsys):
    run_cli(capsys, "data", "import", samples["paths"]["etic_2d"])
    table = run_cli(capsys, "indicators", "france", "--format", "json")
    assert table.code == 0, table.raw_text
    assert any(r["statut"] == "ok" for r in json.loads(table.out))


@pytest.mark.slow                    # two whole indicator tables (3-4 s): `make test` only
def test_damaged_caches_are_discarded_with_a_notice(home, samples, capsys):
    run_cli(capsys, "data", "import", *samples["paths"].values())
    first = run_cli(capsys, "indicators", "france", "--format", "json")
    caches = sorted((home / "processed").glob("*.parquet"))
    assert caches
    for path in caches:
        path.write_bytes(path.read_bytes()[:100])                                # truncated
    again = run_cli(capsys, "indicators", "france", "--format", "json")
    assert again.code == 0, again.raw_text
    assert "écarté" in again.err and "reconstruit" in again.err
    assert json.loads(again.out) == json.loads(first.out)


def test_after_data_demo_everything_reads_the_demo_with_no_option(home, samples, monkeypatch, capsys):
    import analysis.demo

    def small_demo(folder, *, seed, years):           # the national generation is timed elsewhere
        folder.mkdir(parents=True, exist_ok=True)
        for path in samples["paths"].values():
            shutil.copy(path, folder / path.name)

    monkeypatch.setattr(analysis.demo, "write_demo_files", small_demo)
    run = run_cli(capsys, "data", "demo")
    assert run.code == 0, run.raw_text
    from analysis.report.chapter import Chapter
    from analysis.sources.store import Store

    assert Store().data_dir == home.resolve() / "demo" and Store().is_demo()
    assert Chapter("departement:34", 2018).demo                 # what a notebook does (data_dir=None)
    table = run_cli(capsys, "indicators", "france", "--format", "json")
    assert table.code == 0 and json.loads(table.out)[0]["demo"] is True
