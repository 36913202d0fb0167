"""What ``build`` and ``quickstart`` say: in French with agreed plurals, the renderer once where a
build starts (never before an error), and the coverage of the data: an edition the data do not
cover at all is refused (exit status 2) naming what they cover; one they cover in part is built
with a warning at the end naming the territory to build instead.

The partial data are the demo files of the académie de Montpellier only (5 départements), so
the tests run on any machine; builds are dry runs, or a stand-in for the batch."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.build import batch
from analysis.cli import build_report
from tests.cli.helpers import run_cli

MONTPELLIER = ["11", "30", "34", "48", "66"]


@pytest.fixture(scope="module")
def partial_store(small_store, tmp_path_factory):
    """A data folder holding the demo ETIC and annuaire of the académie de Montpellier only."""
    from analysis.sources.store import Store

    folder = tmp_path_factory.mktemp("montpellier")
    read = {key: pd.read_csv(small_store.files(key)[0], sep=";", dtype=str, keep_default_na=False,
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


def dry_run(capsys, store, tmp_path, *args):
    return run_cli(capsys, "build", *args, "--dry-run", "--renderer", "builtin", "--format", "html",
                   "-o", tmp_path / "rapports", "--data-dir", store.data_dir)


def test_an_edition_the_data_do_not_cover_is_refused_naming_what_they_cover(partial_store, tmp_path, capsys):
    run = dry_run(capsys, partial_store, tmp_path, "departement:75")
    assert run.code == 2, run.raw_text
    text = run.text
    assert "erreur : Aucune donnée pour Paris (departement:75) en 2018" in text
    assert "ne couvrent que 5 départements (11, 30, 34, 48, 66)" in text
    assert "`etat-des-lieux build academie:montpellier --year 2018` (Académie de Montpellier)" in text
    assert "etat-des-lieux data import CHEMIN" in text
    assert "rendu :" not in text                     # nothing of the build before the error
    assert not (tmp_path / "rapports").exists()


def test_a_partial_france_is_built_with_a_warning_at_the_end(partial_store, tmp_path, capsys):
    run = dry_run(capsys, partial_store, tmp_path, "france")
    assert run.code == 0, run.raw_text
    text = run.text
    assert text.count("rendu : intégré (pandoc + typst) — demandé par --renderer builtin") == 1
    assert "1 édition 2018 (simulation) : 1 à exécuter" in text
    warning = run.err[run.err.index("attention :"):]
    assert warning == run.err[-len(warning):]        # the last thing said
    warning = " ".join(warning.split())
    assert "l'édition « France » est partielle : les données ne couvrent que 5 départements sur 101" in warning
    assert "`etat-des-lieux build academie:montpellier --year 2018`" in warning


def test_a_covered_edition_gets_no_warning(partial_store, tmp_path, capsys):
    run = dry_run(capsys, partial_store, tmp_path, "departement:34")
    assert run.code == 0, run.raw_text
    assert "attention" not in run.text and "exécuter" in run.text


def test_build_all_on_partial_data_says_how_many_editions_have_no_data(partial_store, tmp_path, capsys):
    run = dry_run(capsys, partial_store, tmp_path, "--all", "--level", "departement,academie")
    assert run.code == 0, run.raw_text
    text = run.text
    assert "131 éditions 2018 (simulation) : 6 à exécuter" in text and "125 sans données (non construites)" in text
    assert ("les données ne couvrent que 5 départements sur 101 : 125 éditions sur 131 n'ont aucune donnée "
            "(non construites)") in text
    assert "departement:75" not in text                        # not listed among the editions to run
    assert "--within academie:montpellier --year 2018" in text
    within = dry_run(capsys, partial_store, tmp_path, "--all", "--within", "academie:montpellier")
    assert within.code == 0 and "attention" not in within.text


def test_quickstart_on_partial_real_data_warns_at_the_end(partial_store, home, tmp_path, monkeypatch, capsys):
    """`make report` on files of part of France: the national edition is built, and said partial."""
    import shutil

    shutil.copytree(partial_store.data_dir, home)
    built = []

    def build(spec, year, options, *, observer=None):  # the batch itself is tested in tests/build
        built.append((spec, options.data_dir))
        report = batch.BatchReport(year)
        report.outcomes.append(batch.EditionOutcome("france", "France", "france", "execute", "jamais construite",
                                                    status="built", outputs={"html": "/r/france.html"}))
        return report

    monkeypatch.setattr(batch, "build", build)
    run = run_cli(capsys, "quickstart", "-o", tmp_path / "rapports")
    assert run.code == 0, run.raw_text
    assert built == [("france", home.resolve())]
    text = run.text
    assert text.count("rendu :") == 1
    assert "construite France — jamais construite" in text and "1 édition 2018 : 1 construite" in text
    assert "l'édition « France » est partielle : les données ne couvrent que 5 départements sur 101" in text
    assert text.index("1 construite") < text.index("attention :")


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
    monkeypatch.setattr(batch, "build", lambda spec, year, options, observer=None: batch.BatchReport(year))
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
    assert " ".join(build_report.summary(report).split()).startswith(expected)


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
