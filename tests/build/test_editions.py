"""End to end: `build SPEC` executes the real chapters and renders HTML + PDF whose figures equal the
indicator table (checked on a sample in the rendered HTML)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import indicators
from analysis.build import batch
from analysis.build import editions as pipeline
from analysis.build.options import BuildOptions
from analysis.core.formatting import fmt_pct, fmt_ratio

pytestmark = pytest.mark.slow


def _text(path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<img[^>]*>", "", raw)                       # drop the embedded images
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


class Built:
    """One edition built by the one build path: its edition and outputs."""

    def __init__(self, spec: str, year: int, out, data_dir, **options):
        report = batch.build(spec, year, BuildOptions(out_dir=out, data_dir=data_dir, renderer="builtin",
                                                      write_index=False, **options))
        assert report.ok, [o.failure for o in report.outcomes]
        (outcome,) = report.outcomes
        self.edition = pipeline.edition_for(spec, year, out)
        self.outputs = {fmt: Path(p) for fmt, p in outcome.outputs.items()}


@pytest.fixture(scope="module")
def region_2018(occitanie_store, tmp_path_factory):
    return Built("region:76", 2018, tmp_path_factory.mktemp("reports"), occitanie_store.data_dir)


def test_outputs_have_stable_readable_paths(region_2018):
    edition = region_2018.edition
    assert region_2018.outputs["html"].name == "etat-des-lieux-2018-region-76.html"
    assert region_2018.outputs["pdf"] == edition.folder / "etat-des-lieux-2018-region-76.pdf"
    assert edition.folder.parts[-2:] == ("2018", "region-76")
    executed = sorted(p.name for p in edition.notebooks_dir.glob("*.ipynb"))
    assert executed[0] == "00-synthese.ipynb" and len(executed) == 8       # the label chapter: Occitanie


def test_html_figures_equal_the_indicator_table(region_2018, occitanie_store):
    text = _text(region_2018.outputs["html"])
    results = indicators.load(occitanie_store, 2018)
    sample = [("connectivite.acces_internet", "college", fmt_pct),
              ("connectivite.acces_adsl", "lycee", fmt_pct),
              ("equipement.eleves_par_terminal", "college", lambda v: fmt_ratio(v, 1)),
              ("services.ent", "college", fmt_pct)]
    for ident, kind, fmt in sample:
        row = results[(results["territoire"] == "region:76") & (results["type"] == kind)
                      & (results["indicateur"] == ident)].iloc[0]
        assert row["statut"] == "ok"
        assert fmt(row["valeur"]) in text, (ident, kind, fmt(row["valeur"]))
        assert fmt_pct(row["taux_nc"]) + "\u00a0n.c." in text or fmt_pct(row["taux_nc"]) in text
    for chapter in ("Synthèse", "Méthodologie", "Connectivité", "Équipement", "Services et ressources",
                    "Expérimentations"):
        assert chapter in text
    assert "Région académique Occitanie" in text
    assert "nan" not in text.split()


def test_pdf_has_toc_chapters_and_accents(region_2018):
    pdf = region_2018.outputs["pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Table des matières" in text
    for chapter in ("Synthèse", "Connectivité", "Équipement", "Expérimentations", "Annexe"):
        assert chapter in text
    assert "Région académique Occitanie" in text


def test_academie_2019_html(occitanie_store, tmp_path):
    result = Built("academie:toulouse", 2019, tmp_path, occitanie_store.data_dir, formats=("html",))
    text = _text(result.outputs["html"])
    results = indicators.load(occitanie_store, 2019)
    row = results[(results["territoire"] == "academie:toulouse") & (results["type"] == "college")
                  & (results["indicateur"] == "equipement.eleves_par_terminal")].iloc[0]
    assert fmt_ratio(row["valeur"], 1) in text
    assert "Académie de Toulouse" in text and "2019" in text


def test_failing_chapter_names_notebook_and_cell(tmp_path):
    import nbformat

    broken = tmp_path / "02-connectivite.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell("raise ValueError('donnée manquante')")])
    nbformat.write(nb, broken)
    with pytest.raises(pipeline.BuildError) as err:
        pipeline.execute_chapter(broken, tmp_path / "out" / broken.name, {})
    message = str(err.value)
    assert "02-connectivite.ipynb" in message and "cell 1" in message and "donnée manquante" in message
