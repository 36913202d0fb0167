"""Each edition folder as a Quarto book project, written so that Quarto needs no guessing.

Whichever renderer built it, ``reports/<year>/<slug>/`` is left as a Quarto book
(:func:`write_edition_project`), so that ``quarto render <edition folder>`` renders it again
without executing anything (after an editor's change of wording, say). What Quarto reads, from
its documented settings (the source files named are Quarto's):

- ``_quarto.yml`` (:func:`edition_config`): the book (title with the edition: every HTML page's
  title ends with it; chapters, appendices, output file), French words and captions
  (``language``, ``crossref.title-delim``: « Figure 3.1 : titre », as the built-in renderer
  writes them), the HTML options (the edition marks before every page's body, the landmarks
  script after it), the typst options (A4, the ``typst-show.typ`` partial, the fonts), the
  ``no-figure.lua`` filter, the ``post-render`` script, execution off, and the edition's own
  values under ``etat-des-lieux`` (read by the partial);
- the home page ``index.ipynb`` (:func:`home_notebook`), written by nbformat: Quarto reads a
  cell's source as a list of lines (``src/core/jupyter/jupyter.ts``, ``jupyterCellWithOptions``
  splits a string source into lines without their line ends, then joins them: one long heading);
- the executed notebooks, their cell and output metadata completed
  (:func:`analysis.render.quarto_notebooks.prepare`);
- the files the configuration names, copied from ``templates/quarto/`` and ``filters/``.
"""

from __future__ import annotations

import html as html_lib
import shutil
from pathlib import Path

import nbformat
import yaml

from analysis.core.markup import plain
from analysis.core.publication import DEMO_BANNER, DEMO_MARK, DEMO_WARNING, TITLE
from analysis.render import post_render, quarto_notebooks
from analysis.render.crossrefs import CAPTION_DELIMITER

RENDER_DIR = Path(__file__).resolve().parent
QUARTO_TEMPLATES = RENDER_DIR / "templates" / "quarto"
OUTPUT_DIR = "_book"
HOME = "index.ipynb"
#: The identifier of the home page's heading (``typst-show.typ`` leaves it out of the PDF).
HOME_ID = "accueil"
#: Quarto's French language file says "Table" and "Liste des Tables".
LANGUAGE = {
    "crossref-tbl-title": "Tableau",
    "crossref-lot-title": "Liste des tableaux",
    "crossref-lof-title": "Liste des figures",
    "section-title-appendices": "Annexes",
}
NO_FIGURE_FILTER = RENDER_DIR / "filters" / "no-figure.lua"
TYPST_SHOW = QUARTO_TEMPLATES / "typst-show.typ"
SITE_LANDMARKS = QUARTO_TEMPLATES / "site-landmarks.html"
POST_RENDER = Path(post_render.__file__)
POST_RENDER_NAME = "post-render.py"
MARKS_HTML = "edition-marks.html"
#: The files copied into each edition folder, under the name its ``_quarto.yml`` gives them.
#: The edition site's icon (a square of the accent colour), written beside ``_quarto.yml``.
FAVICON = "favicon.svg"
FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
               '<rect width="16" height="16" rx="3" fill="#1f3a68"/></svg>\n')
COPIED = {NO_FIGURE_FILTER.name: NO_FIGURE_FILTER, TYPST_SHOW.name: TYPST_SHOW,
          SITE_LANDMARKS.name: SITE_LANDMARKS, POST_RENDER_NAME: POST_RENDER}


def identity(meta: dict) -> str:
    """The edition as every page names it: « Haute-Garonne (31) — millésime 2018 »."""
    return meta.get("subtitle") or meta.get("territory") or ""


def _edition_values(meta: dict, title: str) -> dict:
    """What the typst partial prints (cover, running header, demo marking), under ``etat-des-lieux``."""
    return {"territoire": meta.get("territory_id"), "annee": meta.get("year"),
            "libelle": meta.get("territory"), "demo": bool(meta.get("demo")),
            "titre": title, "edition": identity(meta), "donnees": meta.get("date") or "",
            "sources": meta.get("source") or "", "bandeau-demo": DEMO_BANNER, "marque-demo": DEMO_MARK}


def _format_options(book, fonts: list[str]) -> tuple[dict, dict]:
    html = {"toc": True, "number-sections": True, "html-math-method": "plain", "fig-responsive": True,
            "include-before-body": [MARKS_HTML], "include-after-body": [SITE_LANDMARKS.name]}
    # Accessibility: a tagged PDF/UA-1, like the built-in renderer's (typst refuses a figure
    # without alt text).
    typst = {"papersize": "a4", "toc-depth": 2, "template-partials": [TYPST_SHOW.name], "font-paths": fonts,
             "pdf-standard": ["ua-1"]}
    if book is not None:
        html.update({k: v for k, v in book.format_options("html").items() if k in ("toc", "toc-depth")})
        typst.update({k: v for k, v in book.format_options("typst").items() if k in ("toc-depth", "papersize")})
    return html, typst


def edition_config(meta: dict, chapters: list[str], appendices: list[str], basename: str,
                   book=None, fonts: list[str] | None = None) -> dict:
    """The ``_quarto.yml`` of one edition (paths relative to the edition folder)."""
    title = meta.get("title") or (book.title if book else TITLE)
    edition = identity(meta)
    html, typst = _format_options(book, list(fonts or []))
    return {
        "project": {"type": "book", "output-dir": OUTPUT_DIR, "post-render": [POST_RENDER_NAME]},
        "lang": "fr",
        "language": dict(LANGUAGE),
        # « Figure 3.1 : titre »: Quarto writes the title, a no-break space, the number, this.
        "crossref": {"title-delim": CAPTION_DELIMITER},
        "book": {
            # A page's title is « <chapter> – <book title> »: the edition is in every one.
            "title": f"{title} — {edition}" if edition else title,
            **({"subtitle": DEMO_BANNER} if meta.get("demo") else {}),
            # No `date`: Quarto would read "Millésime 2018" as 1 January 2018.
            "author": meta.get("author") or TITLE,
            "output-file": basename,
            "favicon": FAVICON,           # the site's own: no browser asks for a missing favicon.ico
            "chapters": [HOME, *chapters],
            **({"appendices": appendices} if appendices else {}),
        },
        "format": {"html": html, "typst": typst},
        # A `fig-` labelled cell that drew nothing (NoFigure) is no captioned empty figure.
        "filters": [{"path": NO_FIGURE_FILTER.name, "at": "pre-ast"}],
        # The notebooks are executed already (papermill); Quarto's freeze and cache would key on
        # code and parameters, not on the data.
        "execute": {"enabled": False, "freeze": False, "cache": False, "echo": False},
        "etat-des-lieux": _edition_values(meta, title),
    }


def home_source(meta: dict) -> str:
    """The Markdown of the home page: the edition's heading, then (HTML only: the PDF has its
    cover) the demo warning, the date of the data and the sources."""
    body = []
    if meta.get("demo"):
        body += ['::: {.callout-warning title="Données de démonstration"}', DEMO_WARNING, ":::", ""]
    for key in ("date", "source"):
        if meta.get(key):
            body += [str(meta[key]), ""]
    lines = [f"# {identity(meta) or 'Édition'} {{#{HOME_ID} .unnumbered}}", ""]
    if body:
        lines += [':::: {.content-visible when-format="html"}', "", *body, "::::"]
    return "\n".join(lines).strip() + "\n"


def home_notebook(meta: dict) -> nbformat.NotebookNode:
    """The edition's home page, one Markdown cell."""
    cell = nbformat.v4.new_markdown_cell(home_source(meta), id="edition")
    return nbformat.v4.new_notebook(cells=[cell], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})


def marks_html(meta: dict) -> str:
    """Included before the body of every page of the HTML site: edition identity, demo marking."""
    demo = bool(meta.get("demo"))
    # the metadata are Markdown (pandoc reads them so, escaped: analysis.core.markup); this page is not
    banner = html_lib.escape(plain(identity(meta)) + (f" — {DEMO_BANNER}" if demo else ""))
    return (f'<div class="edition-identity{" demo-banner" if demo else ""}" role="note" '
            f'style="font-weight:bold;padding:.4rem 1rem;text-align:center;'
            f'{"background:#b00020;color:#fff" if demo else "background:#e6eef6;color:#1d1d1d"}">'
            f"{banner}</div>\n")


def _relative(paths, folder: Path) -> list[str]:
    return [Path(p).resolve().relative_to(folder.resolve()).as_posix() for p in paths]


def write_edition_project(folder: Path, chapters: list[Path], appendices: list[Path], meta: dict,
                          book=None, *, basename: str) -> Path:
    """Make ``folder`` (holding the executed notebooks) a Quarto book project. Returns its config."""
    from analysis.render.pdf import font_paths

    folder = Path(folder)
    for path in [*chapters, *appendices]:
        quarto_notebooks.prepare(Path(path))
    config = edition_config(meta, _relative(chapters, folder), _relative(appendices, folder), basename,
                            book, fonts=list(font_paths()))
    (folder / MARKS_HTML).write_text(marks_html(meta), encoding="utf-8")
    for name, source in COPIED.items():
        shutil.copyfile(source, folder / name)
    (folder / FAVICON).write_text(FAVICON_SVG, encoding="utf-8")
    nbformat.write(home_notebook(meta), str(folder / HOME))
    target = folder / "_quarto.yml"
    target.write_text("# Quarto book project of one edition, written by etat-des-lieux build.\n"
                      "# `quarto render <this folder>` renders it again without executing (both formats,\n"
                      "# or one with --to html / --to typst: post-render.py keeps the other).\n"
                      + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target
