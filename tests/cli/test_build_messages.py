"""What ``build`` and ``quickstart`` say: in French with agreed plurals, the renderer once where a
build starts (never before an error).

The data are the demo files of the académie de Montpellier only (5 départements), so the tests
run on any machine; builds are a stand-in for the batch."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.build import batch
from tests.cli.helpers import run_cli

MONTPELLIER = ["11", "30", "34", "48", "66"]


@pytest.fixture(scope="module")
def partial_store(demo_store, tmp_path_factory):
    """A data folder holding the demo ETIC and annuaire of the académie de Montpellier only."""
    from analysis.sources.store import Store

    folder = tmp_path_factory.mktemp("montpellier")
    read = {key: pd.read_csv(demo_store.files(key)[0], sep=";", dtype=str, keep_default_na=False,
                             encoding="utf-8-sig") for key in ("etic_2d", "annuaire")}
    etic = read["etic_2d"][read["etic_2d"]["Academie"] == "MONTPELLIER"]
    annuaire = read["annuaire"][read["annuaire"]["Code_departement"].isin([c.zfill(3) for c in MONTPELLIER])]
    etic.to_csv(folder / "fr-en-etic_2d.csv", sep=";", index=False, encoding="utf-8")
    annuaire.to_csv(folder / "fr-en-annuaire-education.csv", sep=";", index=False, encoding="utf-8")
    store = Store(folder / "data")
    store.import_paths([folder / "fr-en-etic_2d.csv", folder / "fr-en-annuaire-education.csv"],
                       demo=True).check()
    return store


@pytest.fixture()
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("ETAT_DES_LIEUX_DATA", str(folder))
    return folder


def test_the_demo_quick_start_gives_no_data_dir_hint(partial_store, home, tmp_path, monkeypatch, capsys):
    """Offline: the demo is made (here: a small part of it, copied), made active, built; no
    `--data-dir` to type."""
    import shutil

    import analysis.demo
    from analysis.core import config
    from analysis.core.errors import OfflineError
    from analysis.sources import fetch

    def offline(*args, **kwargs):
        raise OfflineError("pas de réseau")

    def demo_files(folder, *, seed, years):
        folder.mkdir(parents=True, exist_ok=True)
        for path in partial_store.files("etic_2d") + partial_store.files("annuaire"):
            shutil.copy(path, folder / path.name)

    monkeypatch.setattr(fetch, "fetch_source", offline)
    monkeypatch.setattr(analysis.demo, "write_demo_files", demo_files)
    monkeypatch.setattr(batch, "build", lambda spec, year, **options: batch.BatchReport(year))
    run = run_cli(capsys, "quickstart", "-o", tmp_path / "rapports")
    assert run.code == 0, run.raw_text
    assert "édition nationale de DÉMONSTRATION" in run.text and "--data-dir" not in run.text
    assert "dossier de données actif" in run.text and config.data_dir() == (home / "demo").resolve()
    assert run.text.count("rendu :") == 1


@pytest.mark.parametrize("counts, expected", [
    ({"built": 1}, "1 édition 2018 : 1 construite, 0 remise en page, 0 à jour (cache), 0 en échec"),
    ({"built": 2, "rendered": 2}, "4 éditions 2018 : 2 construites, 2 remises en page, 0 à jour (cache), "
                                  "0 en échec"),
])
def test_the_summary_agrees_its_counts(counts, expected):
    report = batch.BatchReport(2018)
    for status, n in counts.items():
        report.outcomes += [batch.EditionOutcome(f"t{i}", "T", "t", "execute", "", status=status) for i in range(n)]
    assert " ".join(report.summary().split()).startswith(expected)


def _help(capsys, *command) -> str:
    run = run_cli(capsys, *command, "--help")
    assert run.code == 0, run.raw_text
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", run.out).split())          # without the panels' borders


def test_build_help_lists_every_level_and_no_markup(capsys):
    build = _help(capsys, "build")
    assert "--level <list[str]> Avec --all : france, region, academie, departement, perimetre" in build
    assert "Afficher cette aide et quitter" in build and "Show this message" not in build
    indicators = _help(capsys, "indicators")
    assert "couverture_donnees : complète, partielle ou aucune" in indicators and "``" not in indicators
