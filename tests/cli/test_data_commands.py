"""``data fetch`` end to end against a local imitation of the portal (with --url, and from the
registry), the active data folder, and nothing stale: an edit in place, a file without record,
damaged caches; ``data import`` of what spreadsheets and archives make (a second copy under
another name, a ``sep=`` line, empty rows, XLSX, ZIP, gzip), a shorter copy refused unless
``--accept-fewer``, and Ctrl-C during a download."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

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
    assert "en-tête : noms de champs" in " ".join(forms["annuaire"].split()) and forms["etic_2d"].startswith("JSON")
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


# ----------------------------------------------------------------------------------- spreadsheet habits
def _stored_names(home, key="etic_2d") -> list[str]:
    folder = home / "raw" / key
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".provenance.json"))


def test_a_second_copy_under_another_name_replaces_the_first(home, samples, tmp_path, capsys):
    """The ETIC saved again as « export (3).csv » (one answer corrected): it replaces the stored
    copy, never sits beside it (every build then failed: « answers twice »)."""
    assert run_cli(capsys, "data", "import", samples["paths"]["etic_2d"]).code == 0
    corrected = samples["etic_2d"].copy()
    corrected.loc[3, "NbTerminaux"] = "412.0"
    again = tmp_path / "export (3).csv"
    corrected.to_csv(again, sep=";", index=False, encoding="utf-8")
    run = run_cli(capsys, "data", "import", again)
    assert run.code == 0, run.raw_text
    assert "remplacé etic_2d ← " in run.text and "remplace fr-en-etic_2d.csv" in run.text
    assert _stored_names(home) == ["export (3).csv"]
    table = run_cli(capsys, "indicators", "france", "--format", "json")
    assert table.code == 0, table.raw_text
    same = tmp_path / "copie.csv"
    shutil.copy(again, same)
    run = run_cli(capsys, "data", "import", same)
    assert run.code == 0 and "inchangé" in run.text and "même contenu que export (3).csv" in run.text
    assert _stored_names(home) == ["export (3).csv"]


def test_a_shorter_copy_is_refused_naming_what_it_lacks_unless_accepted(home, samples, tmp_path, capsys):
    """A file cut at a line boundary passes every check of its own: against the copy it would
    replace, it is refused, saying how many rows and établissements, and which."""
    full = samples["etic_2d"]
    run_cli(capsys, "data", "import", samples["paths"]["etic_2d"])
    cut = tmp_path / "coupe" / "fr-en-etic_2d.csv"
    cut.parent.mkdir()
    full.iloc[:20].to_csv(cut, sep=";", index=False, encoding="utf-8")
    lost = full.iloc[20:]
    run = run_cli(capsys, "data", "import", cut)
    assert run.code == 2
    uai = sorted(set(lost["Code_UAI"]) - set(full.iloc[:20]["Code_UAI"]) | set(lost["Code_UAI"]))
    assert f"remplacerait fr-en-etic_2d.csv ({len(full)} lignes) mais n'en a que 20" in run.text
    assert f"{lost['Code_UAI'].nunique()} établissements de la copie actuelle n'y sont plus" in run.text
    by_year = lost.groupby("Millesime")["Code_UAI"].nunique()
    assert ", ".join(f"millésime {y} : {n}" for y, n in by_year.items()) in run.text
    assert ", ".join(uai[:5]) in run.text and "--accept-fewer" in run.text
    assert "rien n'a été remplacé" in run.text
    stored = home / "raw" / "etic_2d" / "fr-en-etic_2d.csv"
    assert stored.read_bytes() == samples["paths"]["etic_2d"].read_bytes()
    accepted = run_cli(capsys, "data", "import", cut, "--accept-fewer")
    assert accepted.code == 0 and "remplacé" in accepted.text
    assert stored.read_bytes() == cut.read_bytes()


def test_excel_habits_sep_line_and_empty_rows_are_skipped_and_said(home, samples, tmp_path, capsys):
    body = samples["paths"]["etic_2d"].read_text(encoding="utf-8").splitlines()
    empty = ";" * body[0].count(";")
    path = tmp_path / "fr-en-etic_2d.csv"
    path.write_text("\n".join(["sep=;", body[0], *body[1:4], empty, empty, *body[4:], empty]) + "\n",
                    encoding="utf-8")
    run = run_cli(capsys, "data", "import", path)
    assert run.code == 0, run.raw_text
    assert "première ligne « sep=; » (Excel) ignorée" in run.text
    assert "3 lignes de cellules vides ignorées" in run.text
    record = json.loads((home / "raw" / "etic_2d" / "fr-en-etic_2d.csv.provenance.json").read_text(encoding="utf-8"))
    assert record["rows"] == len(samples["etic_2d"]) and record["form"]["empty_rows"] == 3
    details = run_cli(capsys, "data", "status", "--details")
    assert "3 lignes de cellules vides ignorées" in details.text


def test_xlsx_zip_and_gzip_are_read_as_the_table_they_hold(home, samples, tmp_path, capsys):
    body = samples["paths"]["etic_2d"].read_bytes()
    workbook = tmp_path / "export.xlsx"
    samples["etic_2d"].to_excel(workbook, index=False, sheet_name="fr-en-etic_2d")
    run = run_cli(capsys, "data", "import", workbook)
    assert run.code == 0, run.raw_text
    assert "classeur XLSX (feuille « fr-en-etic_2d ») converti en CSV" in run.text
    assert _stored_names(home) == ["export.csv"]
    stored = home / "raw" / "etic_2d" / "export.csv"
    assert pd.read_csv(stored, sep=";", dtype=str, keep_default_na=False).equals(samples["etic_2d"])
    packed = tmp_path / "telechargement.zip"
    body = body.replace(b";oui;", b";non;", 1)                     # a later export: one answer changed
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__MACOSX/._fr-en-etic_2d.csv", b"\x00")
        archive.writestr("fr-en-etic_2d.csv", body)
    run = run_cli(capsys, "data", "import", packed)
    assert run.code == 0 and "lu dans une archive ZIP (fr-en-etic_2d.csv)" in run.text, run.raw_text
    assert "remplace export.csv" in run.text and _stored_names(home) == ["fr-en-etic_2d.csv"]
    zipped = tmp_path / "fr-en-etic_2d.csv.gz"
    body = body.replace(b";oui;", b";non;", 1)
    zipped.write_bytes(gzip.compress(body))
    run = run_cli(capsys, "data", "import", zipped)
    assert run.code == 0 and "lu dans un fichier gzip" in run.text, run.raw_text
    assert (home / "raw" / "etic_2d" / "fr-en-etic_2d.csv").read_bytes() == body


@pytest.mark.parametrize(("name", "make", "said"), [
    ("deux.zip", lambda p, b: _zip(p, {"a.csv": b, "b.csv": b}), "est une archive ZIP de 2 fichiers (a.csv, b.csv)"),
    ("archive.tar.gz", lambda p, b: _tar_gz(p, b), "contient archive.tar, qui est une archive tar"),
    ("donnees.7z", lambda p, b: p.write_bytes(b"7z\xbc\xaf\x27\x1c" + b), "est une archive 7z"),
    ("fr-en-etic_2d.xls", lambda p, b: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
     "est un classeur Excel 97-2003 (.xls)"),
])
def test_archives_and_workbooks_not_read_are_refused_naming_the_format(name, make, said, home, samples,
                                                                        tmp_path, capsys):
    path = tmp_path / name
    make(path, samples["paths"]["etic_2d"].read_bytes())
    run = run_cli(capsys, "data", "import", path)
    assert run.code == 2 and "refusé" in run.text and said in run.text, run.raw_text
    assert not (home / "raw").exists() or not any((home / "raw").rglob("*.csv"))
    if name.endswith(".xls"):
        assert "Exportez le jeu de données en CSV" in run.text
        assert "https://data.education.gouv.fr/explore/dataset/fr-en-etic_2d/" in run.text


def _zip(path, members: dict) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _tar_gz(path, data: bytes) -> None:
    import io
    import tarfile

    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("fr-en-etic_2d.csv")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


def test_a_utf8_file_with_one_cp1252_byte_is_refused_naming_line_column_and_byte(home, samples, tmp_path, capsys):
    """What turned 6 145 lines into mojibake: the whole file is refused, the odd byte named."""
    lines = samples["paths"]["etic_2d"].read_bytes().split(b"\n")
    row = next(i for i, line in enumerate(lines) if "é".encode() in line and i > 5)
    lines[row] = lines[row].replace("é".encode(), "é".encode("cp1252"), 1)
    path = tmp_path / "fr-en-etic_2d.csv"
    path.write_bytes(b"\n".join(lines))
    header = lines[0].decode("utf-8-sig").split(";")
    cell = next(i for i, v in enumerate(lines[row].split(b";")) if b"\xe9" in v)
    run = run_cli(capsys, "data", "import", path)
    assert run.code == 2 and not (home / "raw" / "etic_2d").exists()
    assert "le fichier est en UTF-8, sauf 1 octet d'un autre encodage" in run.text
    assert f"ligne {row + 1}, colonne « {header[cell]} »" in run.text and "\\xe9" in run.text
    whole = tmp_path / "cp1252" / "fr-en-etic_2d.csv"                     # the same file re-saved whole
    whole.parent.mkdir()
    whole.write_bytes(samples["paths"]["etic_2d"].read_text(encoding="utf-8").encode("cp1252"))
    run = run_cli(capsys, "data", "import", whole)
    assert run.code == 0 and "cp1252 (Windows) converti en UTF-8" in run.text, run.raw_text


def test_a_shorter_download_is_refused_unless_accepted(portal, home, samples, capsys):
    url = portal.export_url("fr-en-etic_2d", use_labels="true", delimiter="%3B")
    assert run_cli(capsys, "data", "fetch", "etic_2d", "--url", url).code == 0
    portal.publish("fr-en-etic_2d", samples["etic_2d"].iloc[:-3], "etic_2d")
    run = run_cli(capsys, "data", "fetch", "etic_2d", "--url", url, "--force")
    assert run.code == 2 and f"fichier {url}" in run.text and "--accept-fewer" in run.text, run.raw_text
    assert f"mais n'en a que {len(samples['etic_2d']) - 3}" in run.text
    run = run_cli(capsys, "data", "fetch", "etic_2d", "--url", url, "--force", "--accept-fewer")
    assert run.code == 0, run.raw_text
    stored = home / "raw" / "etic_2d" / "fr-en-etic_2d.csv.provenance.json"
    assert json.loads(stored.read_text(encoding="utf-8"))["rows"] == len(samples["etic_2d"]) - 3


# ----------------------------------------------------------------------------------- Ctrl-C
@pytest.mark.parametrize("resumable", [True, False])
def test_ctrl_c_during_a_download_says_what_became_of_the_partial_file(portal, home, resumable):
    """A real SIGINT to `etat-des-lieux data fetch` while a slow server sends the file."""
    portal.rate["fr-en-etic_2d"] = 3000
    if not resumable:
        portal.no_validators["fr-en-etic_2d"] = True
    url = portal.export_url("fr-en-etic_2d", use_labels="true", delimiter="%3B")
    env = dict(os.environ, ETAT_DES_LIEUX_DATA=str(home), ETAT_DES_LIEUX_ROOT=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "analysis", "data", "fetch", "etic_2d", "--url", url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    part = home / "raw" / "etic_2d" / "fr-en-etic_2d.csv.part"
    deadline = time.monotonic() + 60
    while not (part.exists() and part.stat().st_size > 1000) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    text = " ".join((out + err).split())
    assert child.returncode == 130, text
    assert "téléchargement interrompu après" in text
    if resumable:
        assert part.stat().st_size > 1000 and "la même commande le reprend" in text
    else:
        assert not part.exists() and "le fichier partiel est supprimé" in text
    assert not (home / "raw" / "etic_2d" / "fr-en-etic_2d.csv").exists()
