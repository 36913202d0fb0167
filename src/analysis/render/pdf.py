"""PDF output: pandoc writes Typst markup (``templates/book.typ``), typst-py compiles it.

The ``.typ`` file is written in the build folder next to the images (Typst resolves paths
relative to the file and refuses to read outside its root). Reproducible bytes: fonts are
pinned (``ignore_system_fonts``; Libertinus Serif and DejaVu Sans Mono are embedded in typst,
DejaVu Sans comes from matplotlib's wheel) and the template sets ``document(date: none)``.

Accessible: typst targets PDF/UA-1 (:data:`PDF_STANDARDS`): a tagged PDF whose structure gives
headings, lists, tables with their header cells, figures with their alt text (typst refuses a
figure without one), links; with the document's language, its title shown by viewers
(``DisplayDocTitle``) and the ``pdfuaid`` claim in its metadata.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from .book import TEMPLATES_DIR, PandocJob, RenderError, pandoc_args, start_pandoc

TEMPLATE = TEMPLATES_DIR / "book.typ"
#: The standards the PDF conforms to (typst checks them while compiling).
PDF_STANDARDS = ("ua-1",)
TYP_NAME = "book.typ"
_LOCATION_RE = re.compile(r"┌─\s*(?P<file>[^\n:]+):(?P<line>\d+):(?P<col>\d+)")
_CHAPTER_RE = re.compile(r"^// chapter: (?P<path>.+)$")


@lru_cache(maxsize=1)
def font_paths() -> tuple[str, ...]:
    """Font folders shipped in wheels: matplotlib's DejaVu fonts (found without importing
    matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    paths = []
    for location in (spec.submodule_search_locations or []) if spec else []:
        ttf = Path(location) / "mpl-data" / "fonts" / "ttf"
        if ttf.is_dir():
            paths.append(str(ttf))
    return tuple(paths)


def typst_args(meta_file: Path, build_dir: Path, options: dict) -> list[str]:
    extra = ["--standalone", "--template", str(TEMPLATE), "--wrap=none",
             "-o", str(Path(build_dir) / TYP_NAME)]
    if options.get("toc", True):
        extra += ["--toc", f"--toc-depth={int(options.get('toc-depth', 2))}"]
    return pandoc_args("typst", meta_file, extra)


def start(markdown_file: Path, meta_file: Path, build_dir: Path, options: dict) -> PandocJob:
    """Start pandoc (Markdown -> Typst) in the background; ``.wait()`` the returned job."""
    return start_pandoc("typst", typst_args(meta_file, build_dir, options), markdown_file,
                        build_dir)


def _explain(exc, typ_file: Path) -> RenderError:
    """A typst error with the chapter and the offending line of the ``.typ`` file."""
    diagnostic = getattr(exc, "diagnostic", "") or ""
    message = getattr(exc, "message", None) or str(exc)
    hints = list(getattr(exc, "hints", None) or [])
    if hints:
        message += " (hint: " + "; ".join(hints) + ")"
    match = _LOCATION_RE.search(diagnostic)
    line_no = source_line = chapter = None
    if match and Path(match.group("file")).name == typ_file.name:
        line_no = int(match.group("line"))
        try:
            lines = typ_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        if 0 < line_no <= len(lines):
            source_line = lines[line_no - 1]
            for previous in reversed(lines[:line_no]):
                marker = _CHAPTER_RE.match(previous)
                if marker:
                    chapter = marker.group("path")
                    break
            if chapter is None:
                chapter = "(book template)"
    elif match:
        message += f" [{match.group(0).lstrip('┌─ ')}]"
    return RenderError(message, engine="typst", chapter=chapter, line=line_no,
                       source_line=source_line)


@lru_cache(maxsize=1)
def _compiler(fonts: tuple[str, ...]):
    """One typst compiler per process: it reads its fonts once, where ``typst.compile`` reads them
    for every document (0.41 -> 0.28 s of CPU a département's PDF, the same bytes). typst-py
    evicts the compiler's memoised work after every compile, so that it does not grow."""
    import typst

    return typst.Compiler(font_paths=list(fonts), ignore_system_fonts=True)


def compile_pdf(typ_file: Path, target: Path) -> Path:
    """Compile ``typ_file`` to ``target`` (PDF); raise :class:`RenderError` on failure."""
    import typst

    typ_file = Path(typ_file)
    try:
        data = _compiler(font_paths()).compile(input=str(typ_file), root=str(typ_file.parent),
                                                pdf_standards=list(PDF_STANDARDS))
    except typst.TypstError as exc:
        raise _explain(exc, typ_file) from None
    except RuntimeError as exc:  # older typst-py: plain RuntimeError with the message
        raise _explain(exc, typ_file) from None
    target = Path(target)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target
