import pytest

from analysis.fiches import pdf
from analysis.fiches.fiche import fiche
from tests.fiches.test_html import HOSTILE, _hostile_fiche


def test_literal_escapes_quotes_and_backslashes():
    assert pdf.literal('a "b" \\ #c\n') == '"a \\"b\\" \\\\ #c "'


def test_document_sets_title_language_and_demo_mark():
    source = pdf.document([_hostile_fiche()], "Fiche")
    assert '#set document(title: "Fiche"' in source and 'lang: "fr"' in source
    assert "DONNÉES DE DÉMONSTRATION" in source
    assert pdf.literal(HOSTILE) in source


@pytest.mark.slow
def test_one_fiche_compiles_to_an_accessible_pdf(small_millesime, tmp_path):
    target = pdf.write_pdf([fiche(small_millesime, "0118363F")], tmp_path / "0118363F.pdf", "Fiche")
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and b"pdfuaid" in data
    assert [p.name for p in tmp_path.iterdir()] == ["0118363F.pdf"]       # no build folder left
