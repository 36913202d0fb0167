"""One typst compiler per process (fonts read once): the PDFs it makes are those of a fresh
``typst.compile``, whatever it compiled before, and an error leaves it usable."""

from __future__ import annotations

import pytest
import typst

from analysis.render import pdf as pdf_mod
from analysis.render.book import RenderError

DOCUMENT = """#set document(title: "{title}", date: none)
#set text(font: "DejaVu Sans", lang: "fr")
= {title}
{body}
"""


def write(folder, name: str, title: str, body: str):
    path = folder / f"{name}.typ"
    path.write_text(DOCUMENT.format(title=title, body=body), encoding="utf-8")
    return path


def fresh(path) -> bytes:
    return typst.compile(str(path), root=str(path.parent), font_paths=list(pdf_mod.font_paths()),
                         ignore_system_fonts=True, pdf_standards=list(pdf_mod.PDF_STANDARDS))


def test_the_kept_compiler_gives_the_bytes_of_a_fresh_one_in_any_order(tmp_path):
    first = write(tmp_path, "a", "Hérault", "Débit *moyen* : 12 Mbit/s.")
    second = write(tmp_path, "b", "Gard", "Un autre texte, plus long. " * 40)
    made = [pdf_mod.compile_pdf(path, tmp_path / f"{path.stem}-{i}.pdf").read_bytes()
            for i, path in enumerate([first, second, first])]
    assert made[0] == made[2] == fresh(first)
    assert made[1] == fresh(second) != made[0]
    assert pdf_mod._compiler(pdf_mod.font_paths()) is pdf_mod._compiler(pdf_mod.font_paths())


def test_the_same_file_name_in_another_folder_is_read_again(tmp_path):
    """As the renderer compiles it: ``book.typ`` of a new build folder for every edition."""
    made = []
    for name, title in (("a", "Hérault"), ("b", "Gard")):
        (tmp_path / name).mkdir()
        path = write(tmp_path / name, "book", title, f"Texte de {title}.")
        made.append((pdf_mod.compile_pdf(path, tmp_path / f"{name}.pdf").read_bytes(), fresh(path)))
    assert made[0][0] == made[0][1] and made[1][0] == made[1][1] and made[0][0] != made[1][0]


def test_an_error_is_explained_and_the_compiler_goes_on(tmp_path):
    broken = tmp_path / "casse.typ"
    broken.write_text('#set document(title: "x", date: none)\n#set text(lang: "fr")\n#undefined-function()\n',
                      encoding="utf-8")
    with pytest.raises(RenderError, match="unknown variable|undefined"):
        pdf_mod.compile_pdf(broken, tmp_path / "casse.pdf")
    assert not (tmp_path / "casse.pdf").exists()
    ok = write(tmp_path, "ok", "Lot", "Texte.")
    assert pdf_mod.compile_pdf(ok, tmp_path / "ok.pdf").read_bytes() == fresh(ok)
