"""``data status`` is read in a terminal of 80 columns: one short row per file (source,
millésimes, state, file name unbroken), the absent sources on one line, where the files came
from grouped by folder; ``--details`` gives one block per file. A folder that does not exist is
an error (exit status 2), an active folder still empty says how to fill it."""

from __future__ import annotations

import pytest

from analysis.cli import app as cli_app
from tests.cli.helpers import run_cli
from tests.data_folders import SMALL_DEMO


@pytest.fixture()
def narrow(monkeypatch):
    """Both consoles 80 columns wide, whatever the terminal running the tests."""
    for console in (cli_app.out, cli_app.console):
        monkeypatch.setattr(console, "_width", 80)


def test_status_fits_80_columns(small_store, narrow, capsys):
    run = run_cli(capsys, "data", "status", "--data-dir", small_store.data_dir)
    assert run.code == 0, run.raw_text
    lines = run.out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("source, fichier"))
    assert "millésimes" in lines[header] and "état" in lines[header]
    rows = lines[header:lines.index(next(line for line in lines if line.startswith("Sources absentes")))]
    assert all(len(line) <= 80 for line in rows), rows
    for state in small_store.verify():                       # each file name whole, on its row
        row = next(line for line in rows if state.path.name in line)
        assert row.rstrip().endswith("ok")
    assert any(line.split()[:3] == ["fr-en-etic_2d.csv", "2018,", "2019"] or
               line.split()[:4] == ["DÉMO", "fr-en-etic_2d.csv", "2018,", "2019"] for line in rows), rows
    text = run.text
    assert "DONNÉES DE DÉMONSTRATION" in text
    assert "Sources absentes : geolocalisation" in text
    assert f"Provenance : importé de {SMALL_DEMO} (5 fichiers)" in text
    assert "`etat-des-lieux data status --details`" in text
    assert "sha256" not in "".join(rows) and str(SMALL_DEMO) not in "".join(rows)


def test_details_give_one_block_per_file(small_store, narrow, capsys):
    run = run_cli(capsys, "data", "status", "--details", "--data-dir", small_store.data_dir)
    assert run.code == 0, run.raw_text
    etic = small_store.verify("etic_2d")[0]
    block = run.out[run.out.index(f"etic_2d : {etic.path.name}"):]
    block = " ".join(block[:block.index("état")].split())
    assert "millésimes 2018, 2019" in block
    assert "forme CSV, séparateur « ; », UTF-8 avec BOM, fins de ligne LF, en-tête : libellés" in block
    assert f"sha256 {etic.sha256}" in block
    assert f"origine DÉMO importé de {SMALL_DEMO / etic.path.name}" in block


def test_an_empty_active_folder_says_how_to_fill_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ETAT_DES_LIEUX_DATA", str(tmp_path / "data"))
    run = run_cli(capsys, "data", "status")
    assert run.code == 0, run.raw_text
    assert "Aucun fichier dans" in run.text and "etat-des-lieux data import CHEMIN" in run.text
    assert "etat-des-lieux data demo" in run.text


def test_a_missing_folder_is_an_error(tmp_path, capsys):
    run = run_cli(capsys, "data", "status", "--data-dir", tmp_path / "absent")
    assert run.code == 2 and "ce dossier n'existe pas" in run.text and "Dossier de données" not in run.text
