"""HTML output: one self-contained file (images as data URIs, CSS inline, no network).

pandoc writes it with ``--embed-resources`` from the book Markdown, the ``notebook.lua``
filter, ``templates/book.html`` and ``templates/book.css``. Math (rare) is MathML, so no
MathJax script is ever referenced.
"""

from __future__ import annotations

from pathlib import Path

from .book import TEMPLATES_DIR, PandocJob, pandoc_args, start_pandoc

TEMPLATE = TEMPLATES_DIR / "book.html"
CSS = TEMPLATES_DIR / "book.css"


def html_args(meta_file: Path, target: Path, options: dict) -> list[str]:
    extra = ["--standalone", "--embed-resources", "--template", str(TEMPLATE),
             "--css", str(CSS), "--section-divs", "--mathml", "--wrap=none",
             "-o", str(Path(target).resolve())]
    if options.get("toc", True):
        extra += ["--toc", f"--toc-depth={int(options.get('toc-depth', 2))}"]
    if options.get("number-sections", True):
        extra.append("--number-sections")
    return pandoc_args("html5", meta_file, extra)


def start(markdown_file: Path, meta_file: Path, build_dir: Path, target: Path,
          options: dict) -> PandocJob:
    """Start pandoc in the background; ``.wait()`` the returned job."""
    return start_pandoc("html", html_args(meta_file, target, options), markdown_file,
                        build_dir)
