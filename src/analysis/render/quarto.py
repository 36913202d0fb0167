"""Quarto: finding a usable one, each edition folder as a Quarto project, and rendering it.

Papermill executes the chapters (:mod:`analysis.build`); then either Quarto or the built-in
renderer (pandoc + typst, :mod:`analysis.render.book`) turns the executed notebooks into HTML and
a PDF. :func:`analysis.render.renderers.choose` picks the renderer: Quarto when :func:`find`
finds a ``quarto`` of version :data:`MIN_VERSION` or later (the first to render a book to typst)
on ``PATH`` or named by ``$QUARTO_PATH``, else the built-in one.

Whichever renders, the edition folder is left as a Quarto book project
(:func:`write_edition_project`): its ``_quarto.yml`` (title, territory, millésime, author, demo
marking, French captions, execution off), a home page ``index.ipynb`` and the executed notebooks,
so that ``quarto render <edition folder>`` renders it again without executing anything (after an
editor's change of wording, say).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.core.errors import RenderError
from analysis.core.publication import DEMO_BANNER, DEMO_WARNING, TITLE

MIN_VERSION = (1, 9, 18)
ENV_PATH = "QUARTO_PATH"
OUTPUT_DIR = "_book"
#: Quarto's French language file says "Table" and "Liste des Tables".
LANGUAGE = {
    "crossref-tbl-title": "Tableau",
    "crossref-lot-title": "Liste des tableaux",
    "crossref-lof-title": "Liste des figures",
    "section-title-appendices": "Annexes",
}
NO_FIGURE_FILTER = Path(__file__).resolve().parent / "filters" / "no-figure.lua"
MARKS_HTML = "edition-marks.html"
MARKS_TYP = "edition-marks.typ"
HOME = "index.ipynb"
#: The edition site's icon (a square of the accent colour), written beside ``_quarto.yml``.
FAVICON = "favicon.svg"
FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
               '<rect width="16" height="16" rx="3" fill="#1f3a68"/></svg>\n')


def _version(path: str) -> str | None:
    try:
        run = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\d+(?:\.\d+)+", run.stdout)
    return match.group(0) if run.returncode == 0 and match else None


def _parse(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def candidate() -> str | None:
    """``$QUARTO_PATH`` (the executable, or a folder holding ``bin/quarto``), else ``quarto`` on PATH."""
    named = os.environ.get(ENV_PATH)
    if named:
        path = Path(named)
        for option in (path, path / "bin" / "quarto", path / "quarto"):
            if option.is_file() and os.access(option, os.X_OK):
                return str(option)
        return None
    return shutil.which("quarto")


@lru_cache(maxsize=4)
def _find(path: str | None) -> tuple[str | None, str | None, str]:
    if path is None:
        where = f"${ENV_PATH} ({os.environ[ENV_PATH]})" if os.environ.get(ENV_PATH) else "PATH"
        return None, None, f"pas d'exécutable quarto sur {where}"
    version = _version(path)
    if version is None:
        return None, None, f"{path} --version a échoué"
    if _parse(version) < MIN_VERSION:
        needed = ".".join(map(str, MIN_VERSION))
        return None, version, (f"{path} est Quarto {version} ; les livres sont rendus en typst à partir de "
                               f"Quarto {needed}")
    return path, version, ""


def find() -> tuple[str | None, str | None, str]:
    """``(path, version, problem)`` of a usable Quarto; ``path`` is None with the problem said.

    The version of an executable is asked once per process (:func:`forget` asks again)."""
    return _find(candidate())


def forget() -> None:
    """Forget the Quarto versions found: the next :func:`find` runs ``quarto --version`` again
    (after an install or an upgrade in the same process)."""
    _find.cache_clear()


# ----------------------------------------------------------------------------- edition project
def edition_config(meta: dict, chapters: list[str], appendices: list[str], basename: str,
                   book=None) -> dict:
    """The ``_quarto.yml`` of one edition (paths relative to the edition folder)."""
    title = meta.get("title") or (book.title if book else TITLE)
    identity = meta.get("subtitle") or meta.get("territory") or ""
    html = {"toc": True, "number-sections": True, "html-math-method": "plain",
            "include-before-body": [MARKS_HTML], "fig-responsive": True}
    # Accessibility: a tagged PDF/UA-1 (typst refuses a figure without alt text) like the built-in
    # renderer's; an icon of the site's own, so that no browser asks for a missing favicon.ico.
    typst = {"papersize": "a4", "toc": True, "section-numbering": "1.1",
             "include-before-body": [MARKS_TYP], "pdf-standard": ["ua-1"]}
    if book is not None:
        html.update({k: v for k, v in book.format_options("html").items()
                     if k in ("toc", "number-sections", "toc-depth")})
        typst.update({k: v for k, v in book.format_options("typst").items()
                      if k in ("toc", "section-numbering", "toc-depth", "papersize")})
    return {
        "project": {"type": "book", "output-dir": OUTPUT_DIR},
        "lang": "fr",
        "language": dict(LANGUAGE),
        "book": {
            "title": title,
            "subtitle": identity + (f" — {DEMO_BANNER}" if meta.get("demo") else ""),
            # The typst book template needs an author; no `date`: Quarto would read
            # "Millésime 2018" as 1 January 2018.
            "author": meta.get("author") or TITLE,
            "output-file": basename,
            "favicon": FAVICON,
            "chapters": [HOME, *chapters],
            **({"appendices": appendices} if appendices else {}),
        },
        "format": {"html": html, "typst": typst},
        # A `fig-` labelled cell that drew nothing (NoFigure) is no captioned empty figure.
        "filters": [{"path": NO_FIGURE_FILTER.name, "at": "pre-ast"}],
        # The notebooks are executed already (papermill); Quarto's freeze and cache would key on
        # code and parameters, not on the data.
        "execute": {"enabled": False, "freeze": False, "cache": False, "echo": False},
        "etat-des-lieux": {"territoire": meta.get("territory_id"), "annee": meta.get("year"),
                           "libelle": meta.get("territory"), "demo": bool(meta.get("demo"))},
    }


def home_notebook(meta: dict) -> dict:
    """The edition's home page: identity, date of the data, sources, demo warning."""
    lines = [f"# {meta.get('subtitle') or meta.get('territory') or 'Édition'} {{.unnumbered}}", ""]
    if meta.get("demo"):
        lines += ["::: {.callout-warning title=\"Données de démonstration\"}",
                  DEMO_WARNING, ":::", ""]
    for key in ("date", "source"):
        if meta.get(key):
            lines += [str(meta[key]), ""]
    cell = {"cell_type": "markdown", "id": "edition", "metadata": {}, "source": "\n".join(lines).strip() + "\n"}
    return {"cells": [cell],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def marks(meta: dict) -> tuple[str, str]:
    """(HTML, typst) included before the body of every page: edition identity, demo marking."""
    import html as html_lib

    identity = meta.get("subtitle") or meta.get("territory") or ""
    demo = bool(meta.get("demo"))
    banner = html_lib.escape(identity + (f" — {DEMO_BANNER}" if demo else ""))
    page = (f'<div class="edition-identity{" demo-banner" if demo else ""}" role="note" '
            f'style="font-weight:bold;padding:.4rem 1rem;text-align:center;'
            f'{"background:#b00020;color:#fff" if demo else "background:#e6eef6;color:#1d1d1d"}">'
            f"{banner}</div>\n")
    text = json.dumps(identity + (f" — {DEMO_BANNER}" if demo else ""), ensure_ascii=False)
    fill = 'rgb("#b00020")' if demo else "luma(90)"
    typ = ("// Edition identity and demo marking on every page (written by analysis.render.quarto).\n"
           "#set page(foreground: place(top + center, dy: 0.6cm, text(size: 8pt, weight: \"bold\", "
           f"fill: {fill}, {text})))\n"
           "#show table: set par(justify: false)\n"
           "#show figure: set block(breakable: true)\n")
    return page, typ


def _alt_into_metadata(path: Path) -> None:
    """Give Quarto the alt text of each figure: it reads ``fig-alt`` from cell metadata, not
    from the image's output metadata (where ``ch.show_figure`` puts it). Cell metadata is not
    in jupyter-cache's key (tags only) nor in the notebook key."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or "fig-alt" in cell.get("metadata", {}):
            continue
        alts = [((o.get("metadata") or {}).get(mime) or {}).get("alt")
                for o in cell.get("outputs", []) for mime in (o.get("data") or {})
                if mime.startswith("image/")]
        alts = [a for a in alts if a]
        if alts:
            cell.setdefault("metadata", {})["fig-alt"] = alts[0] if len(alts) == 1 else alts
            changed = True
    if changed:
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_edition_project(folder: Path, chapters: list[Path], appendices: list[Path], meta: dict,
                          book=None, *, basename: str) -> Path:
    """Make ``folder`` (holding the executed notebooks) a Quarto book project. Returns its config."""
    folder = Path(folder)
    relative = [Path(p).resolve().relative_to(folder.resolve()).as_posix() for p in chapters]
    relative_apx = [Path(p).resolve().relative_to(folder.resolve()).as_posix() for p in appendices]
    for path in [*chapters, *appendices]:
        _alt_into_metadata(Path(path))
    config = edition_config(meta, relative, relative_apx, basename, book)
    page, typ = marks(meta)
    (folder / MARKS_HTML).write_text(page, encoding="utf-8")
    (folder / MARKS_TYP).write_text(typ, encoding="utf-8")
    (folder / FAVICON).write_text(FAVICON_SVG, encoding="utf-8")
    shutil.copyfile(NO_FIGURE_FILTER, folder / NO_FIGURE_FILTER.name)
    (folder / HOME).write_text(json.dumps(home_notebook(meta), ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
    target = folder / "_quarto.yml"
    target.write_text("# Quarto book project of one edition, written by etat-des-lieux build.\n"
                      "# `quarto render <this folder>` renders it again without executing.\n"
                      + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def render_project(folder: Path, basename: str, formats, quarto: str | None = None) -> dict[str, Path]:
    """``quarto render <folder>`` (HTML site in ``_book/``, typst PDF copied beside the notebooks)."""
    folder = Path(folder)
    exe = quarto or find()[0]
    if exe is None:
        raise RenderError(f"{find()[2]}; use --renderer builtin", engine="quarto")
    env = dict(os.environ, QUARTO_PYTHON=sys.executable)
    # One call for both formats: a project render starts by cleaning its output folder.
    only = [] if set(formats) >= {"html", "pdf"} else ["--to", "html" if "html" in formats else "typst"]
    run = subprocess.run([exe, "render", str(folder), *only, "--no-execute"], cwd=folder,
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise RenderError((run.stderr or run.stdout).strip()[-3000:], engine="quarto", build_dir=folder)
    outputs: dict[str, Path] = {}
    if "html" in formats:
        outputs["html"] = folder / OUTPUT_DIR / "index.html"
    if "pdf" in formats:
        produced = folder / OUTPUT_DIR / f"{basename}.pdf"
        if produced.exists():
            shutil.copyfile(produced, folder / f"{basename}.pdf")
        outputs["pdf"] = folder / f"{basename}.pdf"
    for fmt, path in outputs.items():
        if not path.exists():
            raise RenderError(f"quarto wrote no {path}", engine=f"quarto ({fmt})")
    return outputs
