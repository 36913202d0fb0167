"""The post-render script of an edition's Quarto project, run as Quarto runs it: a script of the
standard library, in the edition folder, with Quarto's variables (``src/command/render/project.ts``).

A render of either format, or both, leaves the whole edition: the PDF beside the notebooks, the
HTML site in ``_book`` (put back after a render that emptied it), the manifest describing them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.build import manifest
from analysis.render import post_render, quarto_project

PDF = "etat-des-lieux-2018-departement-48.pdf"


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "departement-48"
    (folder / "_book" / "notebooks").mkdir(parents=True)
    shutil.copyfile(quarto_project.POST_RENDER, folder / quarto_project.POST_RENDER_NAME)
    return folder


def quarto_render(folder: Path, to: str | None = None, *, clean: bool = True, list_in_file: bool = False):
    """What ``quarto render <folder> [--to …]`` does to the folder, then its post-render run."""
    book = folder / "_book"
    if clean:
        shutil.rmtree(book, ignore_errors=True)
    (book / "notebooks").mkdir(parents=True, exist_ok=True)
    outputs = []
    if to in (None, "html"):
        (book / "index.html").write_text(f"<p>accueil {to}</p>", encoding="utf-8")
        (book / "notebooks" / "00-synthese.html").write_text("<p>synthèse</p>", encoding="utf-8")
        outputs += ["_book/index.html", "_book/notebooks/00-synthese.html"]
    if to in (None, "typst"):
        (book / PDF).write_bytes(b"%PDF-1.7 " + os.urandom(16))
        outputs.append(f"_book/{PDF}")
    env = {**os.environ, "QUARTO_PROJECT_OUTPUT_DIR": str(book), "QUARTO_PROJECT_RENDER_ALL": "1"}
    if list_in_file:
        listing = folder.parent / "sorties.txt"
        listing.write_text("\n".join(outputs), encoding="utf-8")
        env["QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES"] = str(listing)
    else:
        env["QUARTO_PROJECT_OUTPUT_FILES"] = "\n".join(outputs)
    return subprocess.run([sys.executable, "-I", quarto_project.POST_RENDER_NAME], cwd=folder, env=env,
                          capture_output=True, text=True, check=True)


def test_the_pdf_goes_where_the_manifest_says(folder):
    run = quarto_render(folder)
    assert (folder / PDF).read_bytes() == (folder / "_book" / PDF).read_bytes()
    assert f"PDF copié : {folder / PDF}" in run.stdout and run.stderr == ""


def test_a_pdf_render_keeps_the_html_site(folder):
    quarto_render(folder)
    quarto_render(folder, "typst")                       # Quarto emptied _book before writing the PDF
    assert (folder / "_book" / "index.html").read_text(encoding="utf-8") == "<p>accueil None</p>"
    assert (folder / "_book" / "notebooks" / "00-synthese.html").exists()
    assert (folder / PDF).read_bytes() == (folder / "_book" / PDF).read_bytes()


def test_an_html_render_keeps_the_pdf_and_refreshes_the_copy_of_the_site(folder):
    quarto_render(folder)
    pdf = (folder / PDF).read_bytes()
    quarto_render(folder, "html", list_in_file=True)
    assert (folder / PDF).read_bytes() == pdf
    quarto_render(folder, "typst")
    assert (folder / "_book" / "index.html").read_text(encoding="utf-8") == "<p>accueil html</p>"


def test_the_copy_of_the_site_costs_no_space_where_files_have_links(folder):
    quarto_render(folder)
    copy = folder / post_render.SITE_COPY / "index.html"
    assert copy.stat().st_ino == (folder / "_book" / "index.html").stat().st_ino
    assert not list((folder / post_render.SITE_COPY).rglob("*.pdf"))


def test_without_a_copy_the_loss_is_said(folder):
    run = quarto_render(folder, "typst")
    assert run.stderr.startswith("WARN: le site HTML de l'édition") and "quarto render" in run.stderr


def test_the_manifest_describes_the_files_there(folder):
    quarto_render(folder)
    outputs = {"html": folder / "_book" / "index.html", "pdf": folder / PDF}
    manifest.write_manifest(folder, {"outputs": manifest.outputs_record(folder, outputs), "render_key": "k"})
    assert post_render.MANIFEST == manifest.MANIFEST
    quarto_render(folder, "typst")                       # a new PDF, the same site
    data = manifest.read_manifest(folder)
    assert data["outputs"] == manifest.outputs_record(folder, outputs) and data["render_key"] == "k"
    assert manifest.outputs_intact(folder, data, ["html", "pdf"])
