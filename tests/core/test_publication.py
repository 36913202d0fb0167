"""The publication's own words are declared once (analysis.core.publication) and used as such."""

from __future__ import annotations

from analysis.core.publication import AUTHOR, DEMO_BANNER, DEMO_MARK, TITLE
from analysis.render import load_book
from analysis.render.book import TEMPLATES_DIR
from tests.conftest import ROOT


def test_the_quarto_project_has_the_same_title_and_author():
    # _quarto.yml is a Quarto project file: it cannot import them, so it is checked against them.
    book = load_book(ROOT)
    assert (book.title, book.author) == (TITLE, AUTHOR)


def test_the_templates_receive_the_demo_words_as_variables():
    for name in ("book.html", "book.typ"):
        text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert DEMO_MARK not in text and DEMO_BANNER not in text, name
        assert "$demo-text$" in text and ("$demo-mark$" in text), name
