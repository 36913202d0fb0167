"""Editorial focus files: layout validation, front matter, the box, the per-edition digest."""

from __future__ import annotations

import pytest

from analysis.build import editorial
from analysis.core.errors import InputError
from analysis.core.markup import markdown_attribute

CHAPTERS = ["00-synthese", "03-equipement"]


@pytest.fixture()
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(tmp_path))
    (tmp_path / "params").mkdir()
    return tmp_path / "params" / "editorial"


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_focus_boxes_of_an_edition_common_first(root):
    write(root, "2018/commun/03-equipement.md", "Le plan national.\n")
    write(root, "2018/departement-31/03-equipement.md",
          "---\ntitre: Le plan départemental\nauteur: DSDEN de la Haute-Garonne\ndate: 2019-03-15\n---\n"
          "Texte *local*.\n")
    editorial.check(CHAPTERS)
    boxes = editorial.focus_for(2018, "departement-31", "03-equipement")
    assert [b.body.strip() for b in boxes] == ["Le plan national.", "Texte *local*."]
    md = boxes[1].markdown()
    assert md.startswith('::: {.callout-note .focus title="Focus — Le plan départemental"}')
    assert "*DSDEN de la Haute-Garonne, 2019-03-15*" in md and md.endswith(":::")
    elsewhere = editorial.focus_for(2018, "departement-34", "03-equipement")
    assert [b.body.strip() for b in elsewhere] == ["Le plan national."]
    assert editorial.focus_for(2018, "departement-31", "00-synthese") == []


def test_the_digest_changes_only_for_the_editions_a_file_applies_to(root):
    own = write(root, "2018/departement-31/03-equipement.md", "Un.\n")
    before = {slug: editorial.digest(2018, slug) for slug in ("departement-31", "departement-34")}
    own.write_text("Deux.\n", encoding="utf-8")
    assert editorial.digest(2018, "departement-31") != before["departement-31"]
    assert editorial.digest(2018, "departement-34") == before["departement-34"]
    write(root, "2018/commun/00-synthese.md", "Pour tous.\n")
    assert editorial.digest(2018, "departement-34") != before["departement-34"]


@pytest.mark.parametrize(("relative", "message"), [
    ("2018/departement-310/03-equipement.md", "no edition 'departement-310' in 2018. Did you mean departement-31"),
    ("2018/academie-normandie/03-equipement.md", "no edition 'academie-normandie' in 2018"),   # 2020 map only
    ("2018/departement-31/03-equipment.md", "not a chapter of the book. Did you mean 03-equipement"),
    ("2018/departement-31/notes.txt", "not a chapter"),
    ("brouillons/departement-31/03-equipement.md", "millésime"),
])
def test_unknown_editions_and_chapters_are_errors_listing_valid_names(root, relative, message):
    write(root, relative, "Texte.\n")
    with pytest.raises(InputError, match=message):
        editorial.check(CHAPTERS)


def test_front_matter_and_empty_files_are_checked(root):
    bad = write(root, "2018/france/00-synthese.md", "---\nauteure: X\n---\nTexte.\n")
    with pytest.raises(InputError, match="front matter keys"):
        editorial.read(bad)
    empty = write(root, "2018/france/03-equipement.md", "---\ntitre: Vide\n---\n\n")
    with pytest.raises(InputError, match="no text"):
        editorial.read(empty)


def test_html_in_a_focus_is_dropped_and_said_by_a_notice_naming_the_file(root, caplog):
    import logging

    path = write(root, "2018/commun/03-equipement.md",
                 "---\nauteur: <b onmouseover=alert(1)>DSDEN</b>\ntitre: <script>alert(2)</script>\n---\n"
                 "Texte *gardé* <img src=x onerror=alert(3)> et [un lien](javascript:alert(4)).\n")
    focus = editorial.read(path)
    assert "onerror" not in focus.body and "javascript" not in focus.body and "*gardé*" in focus.body
    box = focus.markdown()
    assert markdown_attribute("<script>alert(2)</script>") in box.split("\n")[0]    # the title, as written
    assert "\\<b onmouseover=alert(1)\\>DSDEN\\</b\\>" in box      # the author, quoted as written
    with caplog.at_level(logging.WARNING, logger="analysis.build.editorial"):
        editorial.say_dropped(2018)
    assert len(caplog.records) == 1
    said = caplog.records[0].getMessage()
    assert str(path) in said and "<img src=x onerror=alert(3)>" in said and "javascript:alert(4)" in said
    caplog.clear()
    write(root, "2018/commun/03-equipement.md", "Texte sans rien à retirer.\n")
    with caplog.at_level(logging.WARNING, logger="analysis.build.editorial"):
        editorial.say_dropped(2018)
    assert caplog.records == []
