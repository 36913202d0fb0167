"""The book: ``_quarto.yml`` reading and the ``render_book`` pipeline.

``_quarto.yml`` stays a valid Quarto book project (so ``quarto render`` works wherever Quarto is
installed); :func:`load_book` reads the parts this renderer needs. :func:`render_book` is what
Quarto would do with already executed notebooks, without Quarto:

1. each notebook becomes pandoc Markdown (:mod:`analysis.render.notebook`: cell options,
   figures written as files, numbering of figures/tables/sections), then cross-references are
   resolved over the whole book;
2. one pandoc run per format, both started at once, with ``filters/notebook.lua``:
   HTML (:mod:`.html`, one self-contained file) and Typst markup (:mod:`.pdf`);
3. ``typst.compile`` turns the ``.typ`` (written next to the images) into the PDF, with pinned
   fonts and no timestamp: two renders of the same notebooks give identical bytes.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.core.errors import BookConfigError, RenderError
from analysis.core.publication import DEMO_BANNER, DEMO_MARK, TITLE
from analysis.render.formats import output_formats

log = logging.getLogger(__name__)

RENDER_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = RENDER_DIR / "templates"
FILTERS_DIR = RENDER_DIR / "filters"
LUA_FILTER = FILTERS_DIR / "notebook.lua"
MARKDOWN_FORMAT = "markdown-citations"  # "@fig-x" is resolved by us, never a citation



# ---------------------------------------------------------------------------------------------
# _quarto.yml
# ---------------------------------------------------------------------------------------------

@dataclass
class Book:
    title: str
    subtitle: str | None
    lang: str
    chapters: list[Path]
    appendices: list[Path]
    formats: dict
    root: Path | None = None
    output_dir: Path | None = None
    #: The home page Quarto needs (``index.ipynb``): not a chapter of this renderer's book.
    home: Path | None = None
    author: str | None = None

    def format_options(self, name: str) -> dict:
        """Options of one output format (``html``, ``typst``); ``{}`` when absent."""
        value = (self.formats or {}).get(name)
        return dict(value) if isinstance(value, dict) else {}


def _chapter_list(value, key: str, root: Path) -> list[Path]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BookConfigError(f"_quarto.yml: '{key}' must be a list of notebook paths, "
                              f"got {type(value).__name__}")
    paths: list[Path] = []
    for i, item in enumerate(value):
        if isinstance(item, dict) and "chapters" in item:  # Quarto "part:" entry
            paths.extend(_chapter_list(item["chapters"], f"{key}[{i}].chapters", root))
            continue
        if not isinstance(item, str) or not item.strip():
            raise BookConfigError(f"_quarto.yml: '{key}[{i}]' must be a file path, "
                                  f"got {item!r}")
        if Path(item).suffix not in {".ipynb", ".qmd", ".md"}:
            raise BookConfigError(f"_quarto.yml: '{key}[{i}]' ({item}) is not a notebook "
                                  "(.ipynb), .qmd or .md file")
        paths.append(root / item)
    return paths


def load_book(root: Path) -> Book:
    """Read ``<root>/_quarto.yml`` (a Quarto book project)."""
    root = Path(root)
    path = root / "_quarto.yml"
    if not path.is_file():
        raise BookConfigError(f"{path}: file not found (a Quarto book project is expected)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BookConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise BookConfigError(f"{path}: expected a mapping at the top level")

    project = data.get("project")
    if not isinstance(project, dict):
        raise BookConfigError("_quarto.yml: 'project' must be a mapping with 'type: book'")
    if project.get("type") != "book":
        raise BookConfigError(f"_quarto.yml: 'project.type' must be 'book', "
                              f"got {project.get('type')!r}")
    book = data.get("book")
    if not isinstance(book, dict):
        raise BookConfigError("_quarto.yml: 'book' must be a mapping (title, chapters, …)")
    title = book.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BookConfigError("_quarto.yml: 'book.title' must be a non-empty string")
    subtitle = book.get("subtitle")
    if subtitle is not None and not isinstance(subtitle, str):
        raise BookConfigError("_quarto.yml: 'book.subtitle' must be a string")
    if "chapters" not in book:
        raise BookConfigError("_quarto.yml: 'book.chapters' is missing")
    chapters = _chapter_list(book.get("chapters"), "book.chapters", root)
    home = next((p for p in chapters if p.stem == "index"), None)
    chapters = [p for p in chapters if p != home]
    if not chapters:
        raise BookConfigError("_quarto.yml: 'book.chapters' is empty")
    appendices = _chapter_list(book.get("appendices"), "book.appendices", root)
    formats = data.get("format") or {}
    if not isinstance(formats, dict):
        raise BookConfigError("_quarto.yml: 'format' must be a mapping (html:, typst:)")
    for name, options in formats.items():
        if options not in (None, "default") and not isinstance(options, dict):
            raise BookConfigError(f"_quarto.yml: 'format.{name}' must be a mapping")
    lang = data.get("lang", "fr")
    if not isinstance(lang, str):
        raise BookConfigError("_quarto.yml: 'lang' must be a string such as 'fr'")
    output_dir = project.get("output-dir")
    author = book.get("author")
    return Book(title=title.strip(), subtitle=subtitle, lang=lang, chapters=chapters,
                appendices=appendices, formats=formats, root=root,
                output_dir=root / output_dir if isinstance(output_dir, str) else None, home=home,
                author=author if isinstance(author, str) else None)


# ---------------------------------------------------------------------------------------------
# pandoc
# ---------------------------------------------------------------------------------------------

_PANDOC: str | None = None


def pandoc_path() -> str:
    """The pandoc binary of the ``pypandoc-binary`` wheel (else one on PATH)."""
    global _PANDOC
    if _PANDOC is None:
        candidate = None
        try:
            import pypandoc

            candidate = pypandoc.get_pandoc_path()
        except (ImportError, OSError):
            candidate = shutil.which("pandoc")
        if not candidate:
            raise RenderError("pandoc not found: install the 'pypandoc-binary' package",
                              engine="pandoc")
        _PANDOC = str(candidate)
    return _PANDOC


@dataclass
class PandocJob:
    """A pandoc process started in the background (see :func:`start_pandoc`)."""

    what: str
    args: list[str]
    cwd: Path
    process: subprocess.Popen
    input_text: str = ""
    stderr: str = ""

    def wait(self) -> str:
        """Wait for pandoc; log its warnings; raise :class:`RenderError` on failure."""
        _, err = self.process.communicate()
        self.stderr = err.decode("utf-8", "replace")
        if self.process.returncode != 0:
            raise RenderError(self.stderr.strip() or f"exit code {self.process.returncode}",
                              engine=f"pandoc ({self.what})")
        for line in self.stderr.splitlines():
            if line.strip():
                log.warning("pandoc (%s): %s", self.what, line)
        return self.stderr


def pandoc_args(to: str, meta_file: Path, extra: Iterable[str]) -> list[str]:
    return [pandoc_path(), "--from", MARKDOWN_FORMAT, "--to", to,
            "--lua-filter", str(LUA_FILTER), "--metadata-file", str(meta_file),
            "--resource-path", ".", *extra]


def start_pandoc(what: str, args: list[str], markdown_file: Path, cwd: Path) -> PandocJob:
    process = subprocess.Popen([*args, str(markdown_file)], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return PandocJob(what, args, cwd, process)


def locate_pandoc_failure(args: list[str], chapters: Sequence[tuple[Path, str]],
                          cwd: Path) -> Path | None:
    """After a failed run: convert chapters one by one to name the one pandoc rejects."""
    for path, markdown in chapters:
        tail = [a for a in args if a not in ("--standalone", "--embed-resources")]
        if "-o" in tail:
            i = tail.index("-o")
            del tail[i:i + 2]
        result = subprocess.run([*tail, "-o", os.devnull], input=markdown.encode("utf-8"),
                                cwd=cwd, capture_output=True)
        if result.returncode != 0:
            return path
    return None


# ---------------------------------------------------------------------------------------------
# render_book
# ---------------------------------------------------------------------------------------------

def _metadata(meta: dict, book: Book | None, formats_opts: dict) -> dict:
    title = meta.get("title") or (book.title if book else TITLE)
    out = {
        "title": title,
        "pagetitle": re.sub(r"(?<!\\)[*_`]", "", title + (f" — {meta['subtitle']}" if meta.get("subtitle") else "")),
        "lang": meta.get("lang") or (book.lang if book else "fr"),
        "toc-title": meta.get("toc-title", "Table des matières"),
        "demo": bool(meta.get("demo", False)),
        # the words of the demo marking, for the templates (book.html, book.typ)
        "demo-text": DEMO_BANNER,
        "demo-mark": DEMO_MARK,
    }
    subtitle = meta.get("subtitle") or (book.subtitle if book else None)
    for key, value in (("subtitle", subtitle), ("territory", meta.get("territory")),
                       ("date", meta.get("date")),
                       ("source", meta.get("source") or meta.get("author"))):
        if value:
            out[key] = str(value)
    out.update(formats_opts)
    return out


def _options(book: Book | None) -> tuple[dict, dict]:
    html = {"toc": True, "number-sections": True, "toc-depth": 2}
    typst = {"toc": True, "papersize": "a4", "section-numbering": "1.1", "toc-depth": 2}
    if book is not None:
        html.update({k: v for k, v in book.format_options("html").items() if k in html})
        typst.update({k: v for k, v in book.format_options("typst").items() if k in typst})
    return html, typst


def render_book(notebooks: list[Path], out_dir: Path, basename: str,
                formats: Sequence[str] = ("html", "pdf"), meta: dict | None = None,
                appendices: Sequence[Path] = (), *, book: Book | None = None,
                build_dir: Path | None = None) -> dict[str, Path]:
    """Render executed notebooks as ``<out_dir>/<basename>.html`` and ``.pdf``.

    ``meta``: ``title``, ``subtitle``, ``territory`` (PDF running header), ``date`` (a fixed
    string), ``demo`` (bool: demonstration banners and watermark), ``source`` (or ``author``).
    ``book``: a :class:`Book` from :func:`load_book` supplying format options and defaults.
    ``build_dir``: keep the intermediate files (Markdown, images, ``.typ``) there; by default
    a temporary folder, removed on success and kept (and named in the error) on failure.
    Returns ``{"html": path, "pdf": path}`` for the requested formats.
    """
    from .notebook import NotebookError

    meta = dict(meta or {})
    formats = output_formats(formats)
    notebooks = [Path(p) for p in notebooks]
    appendices = [Path(p) for p in appendices]
    if not notebooks:
        raise ValueError("render_book needs at least one notebook")
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    build, keep = _build_folder(basename, build_dir)
    try:
        markdown_file, chapters = _write_markdown(notebooks, appendices, build,
                                                  demo=bool(meta.get("demo", False)))
        jobs = _start_pandoc_jobs(formats, markdown_file, meta, book, build, out_dir / f"{basename}.html")
        results = _finish_jobs(jobs, chapters, build, out_dir, basename)
    except NotebookError as exc:
        raise RenderError(str(exc), engine="notebook") from exc
    except RenderError as exc:
        if exc.build_dir is not None:
            raise
        keep = True  # leave the evidence for debugging
        raise RenderError(exc.message, engine=exc.engine, chapter=exc.chapter, line=exc.line,
                          source_line=exc.source_line, build_dir=build) from None
    finally:
        if not keep:
            shutil.rmtree(build, ignore_errors=True)
    return {fmt: results[fmt] for fmt in formats}


def _build_folder(basename: str, build_dir: Path | None) -> tuple[Path, bool]:
    """The folder of the intermediate files, emptied, and whether to keep it after success."""
    if build_dir is None:
        return Path(tempfile.mkdtemp(prefix=f"render-{basename}-")), False
    build = Path(build_dir).resolve()
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    return build, True


def _write_markdown(notebooks: list[Path], appendices: list[Path], build: Path, *,
                    demo: bool) -> tuple[Path, list[tuple[Path, str]]]:
    """Step 1: the notebooks as one pandoc Markdown file ``book.md`` (book-wide numbering, then
    cross-references). Returns it and each chapter's (notebook, Markdown)."""
    from .notebook import Numbering, convert_notebook, resolve_crossrefs

    numbering = Numbering()
    chapters = [convert_notebook(path, build, index=i, numbering=numbering, demo=demo)
                for i, path in enumerate(notebooks)]
    chapters += [convert_notebook(path, build, index=len(notebooks) + j, numbering=numbering,
                                  appendix_letter=chr(ord("A") + j), demo=demo)
                 for j, path in enumerate(appendices)]
    resolved = [(ch.path, resolve_crossrefs(ch.markdown, numbering)) for ch in chapters]
    for label in dict.fromkeys(numbering.unresolved):
        log.warning("unresolved cross-reference @%s (no figure, table or section has "
                    "this label)", label)
    markdown_file = build / "book.md"
    markdown_file.write_text("\n\n".join(md for _, md in resolved), encoding="utf-8")
    return markdown_file, resolved


def _start_pandoc_jobs(formats: Sequence[str], markdown_file: Path, meta: dict, book: Book | None,
                       build: Path, html_target: Path) -> dict[str, PandocJob]:
    """Step 2: one pandoc process per format, both started at once (the PDF's first)."""
    from . import html as html_mod
    from . import pdf as pdf_mod

    html_opts, typst_opts = _options(book)
    jobs = {}
    if "pdf" in formats:
        meta_file = _write_meta(build / "meta-typst.yaml", _metadata(meta, book, typst_opts))
        jobs["pdf"] = pdf_mod.start(markdown_file, meta_file, build, typst_opts)
    if "html" in formats:
        meta_file = _write_meta(build / "meta-html.yaml", _metadata(meta, book, html_opts))
        jobs["html"] = html_mod.start(markdown_file, meta_file, build, html_target, html_opts)
    return jobs


def _write_meta(path: Path, metadata: dict) -> Path:
    path.write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    return path


def _finish_jobs(jobs: dict[str, PandocJob], chapters: Sequence[tuple[Path, str]], build: Path,
                 out_dir: Path, basename: str) -> dict[str, Path]:
    """Step 3: wait for pandoc (naming the chapter it rejects), compile the PDF with typst while
    pandoc writes the HTML. Returns the output files by format."""
    from . import pdf as pdf_mod

    results: dict[str, Path] = {}
    for fmt in ("pdf", "html"):
        if fmt not in jobs:
            continue
        try:
            jobs[fmt].wait()
        except RenderError as exc:
            chapter = locate_pandoc_failure(jobs[fmt].args, chapters, build)
            raise RenderError(exc.message, engine=exc.engine, chapter=chapter) from None
        if fmt == "pdf":
            results["pdf"] = pdf_mod.compile_pdf(build / pdf_mod.TYP_NAME, out_dir / f"{basename}.pdf")
        else:
            results["html"] = out_dir / f"{basename}.html"
    return results
