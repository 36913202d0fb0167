"""``build etablissement:UAI``, ``build --all --fiches`` and ``build SPEC --fiches pdf`` as users run them."""

from __future__ import annotations

import pytest

from analysis.cli.fiches import with_default_format
from tests.cli.helpers import run_cli


def test_fiches_without_a_format_means_html():
    assert with_default_format(["build", "--all", "--fiches"]) == ["build", "--all", "--fiches", "html"]
    assert with_default_format(["build", "--fiches", "--all"]) == ["build", "--fiches", "html", "--all"]
    assert with_default_format(["build", "departement:31", "--fiches", "pdf"]) == \
        ["build", "departement:31", "--fiches", "pdf"]


def test_one_fiche_prints_its_path_whole(small_store, tmp_path, capsys):
    out = tmp_path / ("un dossier au nom très long pour voir si le chemin est coupé " * 2).strip()
    result = run_cli(capsys, "build", "etablissement:0118363f", "-o", out, "--data-dir", small_store.data_dir)
    assert result.code == 0, result.raw_text
    path = out.resolve() / "2018" / "etablissements" / "0118363F.html"
    assert f"html: {path}" in result.out.splitlines()
    page = path.read_text(encoding="utf-8")
    assert "Collège Jules Ferry" in page and "DONNÉES DE DÉMONSTRATION" in page
    assert (path.parent / "fiche.css").exists()


def test_all_fiches_then_up_to_date_and_the_index_links_the_export(small_store, tmp_path, capsys):
    args = ["build", "--all", "--fiches", "-o", tmp_path, "--data-dir", small_store.data_dir]
    first = run_cli(capsys, *args)
    assert first.code == 0, first.raw_text
    assert "écrites" in first.err
    year_dir = tmp_path / "2018"
    assert len(list((year_dir / "etablissements").glob("*.html"))) > 30
    assert (year_dir / "etablissements-2018.csv").exists() and (year_dir / "etablissements-2018.xlsx").exists()
    index = (year_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="etablissements-2018.csv"' in index and 'href="etablissements-2018.xlsx"' in index
    again = run_cli(capsys, *args)
    assert again.code == 0 and "(à jour)" in again.err


@pytest.mark.slow
def test_territory_edition_and_its_bundle(small_store, tmp_path, capsys):
    result = run_cli(capsys, "build", "departement:48", "--format", "html", "--fiches", "pdf", "-o", tmp_path,
                     "--data-dir", small_store.data_dir)
    assert result.code == 0, result.raw_text
    bundle = tmp_path.resolve() / "2018" / "etablissements" / "fiches-departement-48.pdf"
    assert f"pdf: {bundle}" in result.out.splitlines()
    assert bundle.read_bytes().startswith(b"%PDF")


def test_dry_run_writes_nothing(small_store, tmp_path, capsys):
    result = run_cli(capsys, "build", "--all", "--fiches", "--dry-run", "-o", tmp_path, "--data-dir",
                     small_store.data_dir)
    assert result.code == 0 and "jamais construites" in result.err
    assert not (tmp_path / "2018" / "etablissements").exists()
