"""The typst partial of Quarto's book (``templates/quarto/typst-show.typ``), compiled with the typst
wheel inside a stub of Quarto's typst template: Quarto itself is not needed.

The stub keeps what of Quarto 1.10's template bears on the partial, in its order
(``src/resources/formats/typst/pandoc/quarto/template.typ``): the table defaults of its
``typst-template.typ``, the page of orange-book's ``page.typ`` (the margins the partial replaces),
the partial, then the rule Quarto's ``book-numbering.lua`` puts before the body (figure counters
reset at each chapter), and a body written as Quarto's filters write it: floats of kind
``quarto-float-fig`` / ``quarto-float-tbl``, images in ``#box``, bare ``#table``s, and the two lines
orange-book.lua writes before the appendices.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from analysis.render import quarto_project
from analysis.render.book import pandoc_path
from analysis.render.pdf import font_paths

pytestmark = pytest.mark.slow            # two books compiled by typst

TEMPLATE = """$definitions.typ()$

$typst-template.typ()$

$page.typ()$

$typst-show.typ()$

$for(include-before)$
$include-before$
$endfor$

$body$
"""
PARTIALS = {
    "definitions.typ": '#let horizontalrule = line(start: (25%,0%), end: (75%,0%))\n',
    "typst-template.typ": "#set table(inset: 6pt, stroke: none)\n",
    "page.typ": '#set page(paper: "$papersize$", margin: (x: 1.25in, y: 1.25in), numbering: none, columns: 1)\n',
}
COUNTER_RESET = """#show heading.where(level: 1): it => {
  counter(figure.where(kind: "quarto-float-fig")).update(0)
  counter(figure.where(kind: "quarto-float-tbl")).update(0)
  it
}"""
FILLER = "Texte de remplissage du chapitre, sans autre objet que d'occuper la page. " * 38


def table_float(label: str, caption: str, rows: int) -> str:
    cells = ", ".join(f"[Département {n}], [{n} %]" for n in range(1, rows + 1))
    return (f'#figure([\n#table(columns: (60%, 40%), align: (auto, right,), table.header([Champ], [Réponse],),\n'
            f'table.hline(), {cells},)\n\nSource : enquête ETIC 2018 (12 % n.c.)\n], caption: figure.caption(\n'
            f'position: top, \n[\n{caption}\n]), \nkind: "quarto-float-tbl", \nsupplement: "Tableau", \n)\n<{label}>\n')


def figure_float(label: str, caption: str) -> str:
    return (f'#figure([\n#box(image("barres.png", alt: "Barres", width: 80%))\n], caption: figure.caption(\n'
            f'position: bottom, \n[\n{caption}\n]), \nkind: "quarto-float-fig", \nsupplement: "Figure", \n)\n'
            f'<{label}>\n')


BODY = f"""#heading(level: 1, numbering: none)[Lozère (48) --- millésime 2018]<{quarto_project.HOME_ID}>

= Synthèse
<synthese>

== Chiffres clés
{table_float("tbl-chiffres", "Chiffres clés du territoire", 4)}

= Connectivité
<connectivite>

{FILLER}

{figure_float("fig-acces", "Accès à internet")}

{FILLER}

{table_float("tbl-debit", "Débit déclaré", 12)}

#show: appendices.with("Annexes", hide-parent: true)
#heading(level: 1, numbering: none)[Annexes]

= Territoires et sources
<territoires>

{table_float("tbl-territoires", "Territoires de l'édition", 3)}
"""


def png(path: Path) -> None:
    """A chart 8 in wide at 100 dpi, as matplotlib saves one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3), dpi=100)
    ax.barh(["Écoles", "Collèges"], [98, 97])
    fig.savefig(path, dpi=100)
    plt.close(fig)


def book_source(folder: Path, demo: bool) -> str:
    """The stub book's typst source, the body left as ``BODY`` (pandoc and the template run once),
    with the edition's own values (``edition_config``) as Quarto passes them to pandoc."""
    folder.mkdir(parents=True)
    for name, text in {"template.typ": TEMPLATE, **PARTIALS}.items():
        (folder / name).write_text(text, encoding="utf-8")
    shutil.copyfile(quarto_project.TYPST_SHOW, folder / "typst-show.typ")
    png(folder / "barres.png")
    meta = {"subtitle": "Lozère (48) — millésime 2018", "territory": "Lozère (48)",
            "territory_id": "departement:48", "year": 2018, "date": "Données importées le 2 mai 2024",
            "source": "Sources : annuaire de l’Éducation nationale — données ouvertes", "demo": demo}
    config = quarto_project.edition_config(meta, ["notebooks/00-synthese.ipynb"], [], "x")
    values = {"title": config["book"]["title"], "lang": "fr", "papersize": "a4", "toc-depth": 2,
              "etat-des-lieux": config["etat-des-lieux"]}
    (folder / "meta.yaml").write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    markdown = f"```{{=typst}}\n{COUNTER_RESET}\n```\n\n```{{=typst}}\nBODY\n```\n"
    return subprocess.run([pandoc_path(), "-f", "markdown", "-t", "typst", "--standalone", "--template",
                           str(folder / "template.typ"), "--metadata-file", str(folder / "meta.yaml")],
                          input=markdown, text=True, check=True, cwd=folder, capture_output=True).stdout


def compile_pages(folder: Path, source: str, body: str) -> list[str]:
    """The PDF of ``source`` with ``body``, its pages as text (one line each)."""
    import typst

    (folder / "book.typ").write_text(source.replace("\nBODY\n", "\n" + body + "\n"), encoding="utf-8")
    pdf, warnings = typst.compile_with_warnings(str(folder / "book.typ"), root=str(folder),
                                                font_paths=list(font_paths()), ignore_system_fonts=True)
    assert not warnings, [str(w) for w in warnings]            # Quarto would print them
    (folder / "book.pdf").write_bytes(pdf)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-raw", str(folder / "book.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(page.split()).replace("’", "'") for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module", params=[False, True], ids=["reelles", "demo"])
def book(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("partial") / "book"
    source = book_source(folder, request.param)
    return {"folder": folder, "source": source, "demo": request.param,
            "pages": compile_pages(folder, source, BODY)}


def test_cover_then_contents_then_chapters_and_no_blank_page(book):
    pages = book["pages"]
    cover = pages[0]
    for words in ("État des lieux du numérique éducatif", "Lozère (48) — millésime 2018", "Lozère (48)",
                  "Données importées le 2 mai 2024", "Sources : annuaire de l'Éducation nationale — données ouvertes"):
        assert words in cover, words
    assert "---" not in " ".join(pages)                         # a dash, never typst's string "---"
    assert "Table des matières" in pages[1] and "Chapitre 1" in pages[2] and "Synthèse" in pages[2]
    for number, page in enumerate(pages, start=1):
        body = re.sub(rf"\b{number} ?/ ?{len(pages)}$", "", page.replace("Lozère (48) — millésime 2018", ""))
        body = body.replace("DONNÉES DE DÉMONSTRATION — chiffres synthétiques, non officiels", "")
        assert len(body.split()) > 3, f"page {number} is blank: {page!r}"


def test_the_edition_and_the_demo_marking_on_every_page(book):
    pages = book["pages"]
    for number, page in enumerate(pages, start=1):
        assert "Lozère (48) — millésime 2018" in page, number
        assert ("DONNÉES DE DÉMONSTRATION" in page) is book["demo"], number
        if number > 1:
            assert re.search(rf"\b{number} ?/ ?{len(pages)}$", page), page[-40:]


def test_chapters_and_appendices_numbered_without_the_home_page_nor_a_divider(book):
    pages = book["pages"]
    contents = pages[1]
    assert re.search(r"1 Synthèse .*1\.1 Chiffres clés .*2 Connectivité .*Annexe A — Territoires et sources",
                     contents), contents
    assert "Annexes" not in " ".join(pages)
    assert contents.count("millésime 2018") == 1                  # the running header only
    assert " ".join(pages).count("Annexe A — Territoires et sources") == 2      # contents and chapter


def test_captions_numbered_by_chapter_in_french(book):
    found = re.findall(r"(Figure|Tableau) ([\dA-Z]+\.\d+) : (\w+)", " ".join(book["pages"]))
    assert found == [("Tableau", "1.1", "Chiffres"), ("Figure", "2.1", "Accès"), ("Tableau", "2.1", "Débit"),
                     ("Tableau", "A.1", "Territoires")]


def test_tables_in_small_type_with_bold_headers(book):
    source = book["source"]
    assert "show table: set text(size: 9pt)" in source
    assert "show table.cell.where(y: 0): set text(weight: \"bold\")" in source


def test_a_caption_stays_with_its_table_wherever_the_page_ends(book):
    """A table may break across pages, its caption above never alone at the foot of one."""
    folder = book["folder"]
    for words in range(790, 890, 10):           # the caption would be alone from 816 words on
        body = f"= Chapitre\n\n{'mot ' * words}\n\n" + table_float("tbl-x", "Débit déclaré", 12)
        pages = compile_pages(folder, book["source"], body)
        page = next(p for p in pages if "Tableau 1.1 : Débit déclaré" in p)
        after = page.split("Tableau 1.1 : Débit déclaré", 1)[1]
        assert re.search(r"Département 1 1 ?%", after), (words, page[-300:])


def test_a_figure_keeps_its_caption_and_fits_the_text_block(book):
    """The image takes the width Quarto gives it (``out-width``, 80 % here) of the 16 cm text
    block, on the page of its caption."""
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages (poppler-utils) is not installed")
    pages = compile_pages(book["folder"], book["source"], BODY)
    listing = subprocess.run(["pdfimages", "-list", str(book["folder"] / "book.pdf")], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    (image,) = [line.split() for line in listing if line.split()[2] == "image"]
    page, width_px, x_ppi = image[0], int(image[3]), float(image[12])        # columns of pdfimages -list
    assert abs(width_px / x_ppi * 2.54 - 0.8 * 16.0) < 0.1
    assert "Figure 2.1 : Accès à internet" in pages[int(page) - 1]
