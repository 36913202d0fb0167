"""Ordinary mistakes of users: each ends with one clear message naming what the user gave (their
own path, the column and the line when there is one), exit status 2, and never a traceback or
an "internal error" line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.helpers import run_cli
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def etic_rows(small_store) -> pd.DataFrame:
    """The rows of the small demo ETIC 2d file (official labels, text; more than 30)."""
    path = small_store.files("etic_2d")[0]
    rows = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(rows) > 30
    return rows


@pytest.fixture()
def home(tmp_path, monkeypatch):
    """A home data folder of the test's own: commands without --data-dir write there."""
    folder = tmp_path / "home"
    monkeypatch.setenv("ETAT_DES_LIEUX_DATA", str(folder))
    return folder


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


# Each case: (name, function(tmp_path, etic_rows, demo_dir) -> (args, fragments that must appear)).
def _import_missing_path(tmp, rows, demo):
    path = tmp / "Téléchargements" / "fr-en-etic_2d.csv"
    return ["data", "import", path], [str(path), "ce fichier ou ce dossier n'existe pas"]


def _import_unknown_file(tmp, rows, demo):
    path = tmp / "notes.txt"
    path.write_text("des notes\n", encoding="utf-8")
    return ["data", "import", path], [str(path), "pas une source du rapport"]


def _import_truncated_file(tmp, rows, demo):
    path = _csv(rows, tmp / "fr-en-etic_2d.csv")
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 300], encoding="utf-8")        # cut mid-row
    return ["data", "import", path], [str(path), f"ligne {len(rows) + 1}", "le fichier est coupé"]


def _import_unterminated_quote(tmp, rows, demo):
    path = _csv(rows, tmp / "fr-en-etic_2d.csv")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[20] = lines[20].replace(";", ';"', 1)                      # a quote opened, never closed
    path.write_text("".join(lines), encoding="utf-8")
    return ["data", "import", path], [str(path), "ligne 21", "jamais fermé"]


def _import_html_page(tmp, rows, demo):
    path = tmp / "fr-en-etic_2d.csv"
    path.write_text("<!DOCTYPE html><html><head><title>Connexion</title></head><body></body></html>",
                    encoding="utf-8")
    return ["data", "import", path], [str(path), "page HTML « Connexion »"]


def _import_implausible_millesime(tmp, rows, demo):
    rows = rows.copy()
    rows.loc[5, "Millesime"] = "2031"
    path = _csv(rows, tmp / "fr-en-etic_2d.csv")
    return ["data", "import", path], [str(path), "colonne « Millesime »", "ligne 7", "2031",
                                      "ajoutez un questionnaire pour 2031"]


def _import_text_in_a_count(tmp, rows, demo):
    rows = rows.copy()
    rows.loc[10, "NbTerminaux"] = "beaucoup"
    path = _csv(rows, tmp / "fr-en-etic_2d.csv")
    return ["data", "import", path], [str(path), "colonne « NbTerminaux »", "ligne 12", "beaucoup"]


def _import_real_into_demo_folder(tmp, rows, demo):
    return ["data", "import", _csv(rows, tmp / "vrai" / "fr-en-etic_2d.csv"), "--data-dir", demo], \
        [str(demo), "ne sont jamais mêlés"]


def _data_dir_is_a_file(tmp, rows, demo):
    path = tmp / "donnees.csv"
    path.write_text("x\n", encoding="utf-8")
    return ["data", "status", "--data-dir", path], [str(path), "est un fichier, pas un dossier"]


def _format_docx(tmp, rows, demo):
    return ["indicators", "france", "--format", "docx", "--data-dir", demo], ["--format docx", "csv, json ou xlsx"]


def _threshold_zero(tmp, rows, demo):
    return ["indicators", "france", "--threshold", "0", "--data-dir", demo], ["--threshold"]


def _xlsx_to_stdout(tmp, rows, demo):
    return ["indicators", "france", "--format", "xlsx", "--data-dir", demo], ["-o FICHIER.xlsx"]


def _output_inside_a_file(tmp, rows, demo):
    blocker = tmp / "rapport.pdf"
    blocker.write_text("", encoding="utf-8")
    return ["indicators", "france", "-o", blocker / "indicateurs.csv", "--data-dir", demo], \
        [str(blocker / "indicateurs.csv"), "est un fichier, pas un dossier"]


def _output_is_a_folder(tmp, rows, demo):
    return ["indicators", "france", "-o", tmp, "--data-dir", demo], [str(tmp), "c'est un dossier"]


def _output_not_writable(tmp, rows, demo):
    target = Path("/sys/etat-des-lieux/indicateurs.csv")
    return ["indicators", "france", "-o", target, "--data-dir", demo], [str(target), "écriture impossible"]


def _build_output_not_writable(tmp, rows, demo):
    target = Path("/sys/etat-des-lieux/rapports")
    return ["build", "departement:48", "-o", target, "--data-dir", demo], [f"-o {target}", "écriture impossible"]


def _build_output_is_a_file(tmp, rows, demo):
    blocker = tmp / "rapports"
    blocker.write_text("", encoding="utf-8")
    return ["build", "departement:48", "-o", blocker, "--data-dir", demo], [f"-o {blocker}", "c'est un fichier"]


def _unknown_territory(tmp, rows, demo):
    return ["indicators", "departement:999", "--data-dir", demo], ["999"]


def _millesime_without_data(tmp, rows, demo):
    return ["indicators", "france", "--year", "2017", "--data-dir", demo], \
        ["aucune réponse ETIC pour le millésime 2017", "2018, 2019", str(Path(demo) / "raw")]


def _empty_data_folder(tmp, rows, demo):
    folder = tmp / "vide"
    return ["indicators", "france", "--data-dir", folder], [str(folder / "raw"), "n'a aucune réponse ETIC"]


def _unknown_source(tmp, rows, demo):
    return ["data", "fetch", "etic2d", "--data-dir", tmp / "d"], ["source inconnue : « etic2d »", "etic_2d"]


def _source_without_url(tmp, rows, demo):
    return ["data", "fetch", "couverture", "--data-dir", tmp / "d"], \
        ["pas d'adresse de téléchargement publique", "--url URL"]


def _url_for_several_sources(tmp, rows, demo):
    return ["data", "fetch", "annuaire", "etic_2d", "--url", "https://miroir.example/x.csv",
            "--data-dir", tmp / "d"], ["--url télécharge une seule source", "2 sources données"]


def _url_not_http(tmp, rows, demo):
    path = tmp / "fr-en-etic_2d.csv"
    return ["data", "fetch", "etic_2d", "--url", path, "--data-dir", tmp / "d"], \
        [str(path), "data import"]


def _url_refused(tmp, rows, demo):
    url = "http://127.0.0.1:9/fr-en-etic_2d.csv"                  # discard port: nothing listens
    return ["data", "fetch", "etic_2d", "--url", url, "--data-dir", tmp / "d"], \
        [url, "connexion impossible", "rien n'a été remplacé"]


def _demo_implausible_year(tmp, rows, demo):
    return ["data", "demo", "--year", "2031", "--data-dir", tmp / "demo"], ["ajoutez un questionnaire pour 2031"]


def _unknown_level(tmp, rows, demo):
    return ["territories", "--level", "commune"], ["commune"]


def _unknown_level_of_a_batch(tmp, rows, demo):
    return ["build", "--all", "--level", "commune", "--data-dir", demo], \
        ["Niveau de territoire inconnu : 'commune'", "perimetre"]


def _two_digit_year(tmp, rows, demo):
    return ["build", "france", "--year", "18", "--data-dir", demo], \
        ["--year 18 : année sur quatre chiffres, par exemple 2018"]


def _two_digit_year_of_indicators(tmp, rows, demo):
    return ["indicators", "france", "--year", "19", "--data-dir", demo], ["par exemple 2019"]


def _build_without_territory(tmp, rows, demo):
    return ["build", "--data-dir", demo], ["quel territoire ?", "`etat-des-lieux build france`", "`build --all`"]


def _territory_and_all(tmp, rows, demo):
    return ["build", "region:76", "--all", "--data-dir", demo], ["`etat-des-lieux build --all --within region:76`"]


def _departement_20(tmp, rows, demo):
    return ["build", "departement:20", "--data-dir", demo], \
        ["la Corse", "departement:2A (Corse-du-Sud), departement:2B (Haute-Corse)"]


def _territory_without_level(tmp, rows, demo):
    return ["build", "toulouse", "--data-dir", demo], ["vouliez-vous dire academie:toulouse ? Liste"]


def _uai_wrong_check_letter(tmp, rows, demo):
    return ["build", "etablissement:0118363X", "--data-dir", demo], \
        ["la lettre de contrôle de 0118363 est F, pas X", "vouliez-vous dire etablissement:0118363F"]


def _uai_of_nobody(tmp, rows, demo):
    return ["build", "etablissement:0000000X", "--data-dir", demo], ["etablissement:0000000X", "0000000A"]


def _uai_not_in_the_annuaire(tmp, rows, demo):
    return ["build", "etablissement:0310001H", "--data-dir", demo], \
        ["aucun établissement de ce code", "vouliez-vous dire etablissement:0"]


def _fiches_format(tmp, rows, demo):
    return ["build", "--all", "--fiches", "docx", "--data-dir", demo], ["--fiches docx", "html ou en pdf"]


def _commune_not_in_the_annuaire(tmp, rows, demo):
    return ["build", "collectivite:commune:34043", "--data-dir", demo], \
        ["collectivite:commune:34043", "aucune école", "vouliez-vous dire collectivite:commune:34042 (Boisac-en-Bois)"]


def _not_a_commune_code(tmp, rows, demo):
    return ["build", "collectivite:commune:315", "--data-dir", demo], \
        ["« 315 » n'est pas un code de commune", "collectivite:commune:<code INSEE>"]


def _unknown_collectivity_level(tmp, rows, demo):
    return ["build", "collectivite:departemnt:31", "--data-dir", demo], \
        ["niveau de collectivité inconnu", "vouliez-vous dire collectivite:departement:31 ?"]


def _unknown_collectivity(tmp, rows, demo):
    return ["indicators", "collectivite:toulouse", "--data-dir", demo], \
        ["collectivité inconnue", "collectivite:paris"]


def _status_of_a_missing_folder(tmp, rows, demo):
    folder = tmp / "nulle-part"
    return ["data", "status", "--data-dir", folder], [f"--data-dir {folder} : ce dossier n'existe pas"]


MISTAKES = [_import_missing_path, _import_unknown_file, _import_truncated_file, _import_unterminated_quote,
            _import_html_page, _import_implausible_millesime, _import_text_in_a_count,
            _import_real_into_demo_folder, _data_dir_is_a_file, _format_docx, _threshold_zero,
            _xlsx_to_stdout, _output_inside_a_file, _output_is_a_folder, _output_not_writable,
            _build_output_not_writable, _build_output_is_a_file,
            _unknown_territory, _millesime_without_data, _empty_data_folder, _unknown_source,
            _source_without_url, _url_for_several_sources, _url_not_http, _url_refused,
            _demo_implausible_year, _unknown_level, _unknown_level_of_a_batch, _two_digit_year,
            _two_digit_year_of_indicators, _build_without_territory, _territory_and_all, _departement_20,
            _territory_without_level, _uai_wrong_check_letter, _uai_of_nobody, _uai_not_in_the_annuaire,
            _fiches_format, _status_of_a_missing_folder, _commune_not_in_the_annuaire,
            _not_a_commune_code, _unknown_collectivity_level, _unknown_collectivity]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda f: f.__name__.strip("_"))
def test_a_mistake_gets_a_clear_message_and_exit_status_2(mistake, tmp_path, home, etic_rows, small_store,
                                                          capsys):
    if mistake in (_output_not_writable, _build_output_not_writable) and not Path("/sys").is_dir():
        pytest.skip("no /sys to stand for a folder nobody can write into")
    demo = small_store.data_dir
    args, fragments = mistake(tmp_path, etic_rows, demo)
    result = run_cli(capsys, *args)
    assert result.code == 2, result.raw_text
    for fragment in fragments:
        assert fragment in result.raw_text or fragment in result.text, (fragment, result.raw_text)
    assert "Traceback" not in result.raw_text and "erreur interne" not in result.raw_text
    assert "erreur :" in result.text and "error:" not in result.text               # one language
    assert "rendu :" not in result.text, "the renderer is said where a build starts, not before an error"
    assert not any((home / "raw").rglob("*.csv")), "nothing enters the data folder"


def test_a_refused_file_in_a_folder_is_listed_and_the_others_imported(tmp_path, home, etic_rows, capsys):
    folder = tmp_path / "exports"
    _csv(etic_rows, folder / "fr-en-etic_2d.csv")
    broken = etic_rows.copy()
    broken.loc[3, "Code_UAI"] = "0000000B"
    _csv(broken, folder / "sub" / "fr-en-etic_1d-copie.csv")
    (folder / "LISEZMOI.txt").write_text("notes", encoding="utf-8")
    result = run_cli(capsys, "data", "import", folder)
    assert result.code == 2
    text = result.text
    assert "ajouté etic_2d" in text and f"refusé etic_1d ← {folder / 'sub' / 'fr-en-etic_1d-copie.csv'}" in text
    assert "ignoré" in text and "LISEZMOI.txt" in text
    assert "Fichiers : 1 ajouté, 1 refusé, 1 ignoré" in text and "l'autre fichier a été importé" in text
    assert "il manque à l'en-tête la ou les colonnes de etic_1d : NbClasse" in text        # why, for the refused one
    assert [p.name for p in (home / "raw").rglob("*.csv")] == ["fr-en-etic_2d.csv"]


def test_no_traceback_in_a_real_process(tmp_path):
    """The same mapping when run as a program (what users do)."""
    path = tmp_path / "fr-en-annuaire-education.csv"
    path.write_text("<html><body>Erreur 500</body></html>", encoding="utf-8")
    env = {"ETAT_DES_LIEUX_DATA": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "analysis", "data", "import", str(path)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stderr
    assert str(path) in done.stderr and "page HTML" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
