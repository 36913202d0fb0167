"""Executed notebook -> pandoc Markdown, the way Quarto reads a notebook.

One chapter = one executed ``.ipynb``. :func:`convert_notebook` turns it into a pandoc Markdown
string (plus image files written to the build folder); :func:`resolve_crossrefs` then replaces
``@fig-…``/``@tbl-…``/``@sec-…`` references once every chapter has been numbered.

What is kept, what is dropped
-----------------------------
- markdown cells: kept (attachments and local images are copied to the build folder);
- code: never shown (``echo: false`` is the book default);
- outputs: as Quarto shows them (:mod:`.outputs`), as the cell's options say
  (:mod:`.cell_options`: ``label``, ``fig-cap``, ``tbl-cap``, ``include``, ``output``…).

Numbering
---------
Figures and tables are numbered by chapter, « Figure 3.1 » (:mod:`.outputs`). Chapters are numbered
by pandoc/typst; appendix headings are unnumbered and carry their own label ("Annexe A — …",
"A.1 …") so that HTML and PDF agree.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.core.errors import NotebookError
from analysis.core.publication import DEMO_BANNER
from analysis.render.crossrefs import (  # noqa: F401 - part of this module's API
    Numbering,
    Ref,
    _ChapterState,
    _has_h1,
    _iter_headings,
    _number_headings,
    resolve_crossrefs,
)
from analysis.render.images import IMAGE_EXT, decode_image, image_width_percent
from analysis.render.outputs import CellOutputs
from analysis.render.pandoc_text import nb_text, raw_block

log = logging.getLogger(__name__)

DEMO_BANNER_HTML = f'<div class="demo-banner demo-chapter" role="note">{DEMO_BANNER}</div>'
_IMAGE_RE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\((?P<src><[^>]*>|[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_PAGEBREAK_RE = re.compile(r"^[ \t]*\{\{<\s*pagebreak\s*>\}\}[ \t]*$", re.MULTILINE)


@dataclass
class Chapter:
    """One notebook converted to pandoc Markdown."""

    path: Path
    title: str
    markdown: str
    appendix: bool = False
    figures: int = 0
    tables: int = 0


def read_notebook(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except FileNotFoundError:
        raise NotebookError(path, "file not found") from None
    except (OSError, ValueError) as exc:
        raise NotebookError(path, f"not a readable notebook ({exc})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(path, "not a Jupyter notebook (no 'cells' list)")
    if nb.get("nbformat", 4) < 4:
        import nbformat  # old notebooks only: upgrade through nbformat

        nb = nbformat.reads(json.dumps(nb), as_version=4)
    return nb


class _Converter:
    def __init__(self, path: Path, build_dir: Path, index: int, numbering: Numbering,
                 appendix_letter: str | None, demo: bool):
        self.path = Path(path)
        self.build_dir = Path(build_dir)
        self.index = index
        self.numbering = numbering
        self.demo = demo
        self.state = _ChapterState(self.path, appendix_letter=appendix_letter)
        self.prefix = f"ch{index:02d}"
        self.n_images = 0
        self.outputs = CellOutputs(self.path, self.prefix, numbering, self._write_image, self._markdown)

    # -- files ------------------------------------------------------------------------------
    def _write_image(self, data: bytes, ext: str) -> str:
        self.n_images += 1
        name = f"{self.prefix}-img{self.n_images:03d}.{ext}"
        (self.build_dir / name).write_bytes(data)
        return name

    def _copy_local_image(self, src: str, attachments: dict) -> str | None:
        """Bring an image referenced by a markdown cell into the build folder."""
        if src.startswith("attachment:"):
            name = src[len("attachment:"):]
            bundle = attachments.get(name) or {}
            for mime, payload in bundle.items():
                if mime.startswith("image/"):
                    data = decode_image(mime, payload)
                    ext = IMAGE_EXT.get(mime) or Path(name).suffix.lstrip(".") or "png"
                    return self._write_image(data, ext)
            log.warning("%s: attachment %r not found", self.path, name)
            return None
        if re.match(r"^[a-z]+:", src):  # data:, http:, https:
            return src
        source = (self.path.parent / src).resolve()
        if not source.is_file():
            log.warning("%s: image %s not found", self.path, src)
            return src
        digest = hashlib.sha1(str(source).encode()).hexdigest()[:8]
        name = f"{self.prefix}-asset-{digest}{source.suffix}"
        shutil.copyfile(source, self.build_dir / name)
        return name

    # -- markdown ---------------------------------------------------------------------------
    def _markdown(self, text: str, attachments: dict | None = None) -> str:
        attachments = attachments or {}

        def image(match: re.Match) -> str:
            src = match.group("src").strip("<>")
            has_attrs = match.string.startswith("{", match.end())
            if src.startswith(("http://", "https://")):
                log.warning("%s: remote image %s replaced by a link (the report makes no "
                            "network request)", self.path, src)
                return f"[{match.group('alt') or src}]({src})"
            new = self._copy_local_image(src, attachments)
            if new is None:
                return match.group("alt")
            attrs = ""
            local = self.build_dir / new
            if not has_attrs and local.is_file():
                mime = "image/svg+xml" if new.endswith(".svg") else "image/png"
                width = image_width_percent(local.read_bytes(), mime)
                if width is not None:
                    attrs = f'{{width="{width}%"}}'
            return f"![{match.group('alt')}]({new}{match.group('title') or ''}){attrs}"

        text = _IMAGE_RE.sub(image, text)
        text = _PAGEBREAK_RE.sub(
            raw_block("typst", "#pagebreak()") + "\n\n"
            + raw_block("html", '<div class="page-break"></div>'), text)
        return _number_headings(text, self.numbering, self.state)

    def convert(self, nb: dict) -> Chapter:
        cells = nb.get("cells") or []
        front_title = None
        parts: list[str] = []
        for position, cell in enumerate(cells):
            cell_type = cell.get("cell_type")
            source = nb_text(cell.get("source"))
            if cell_type == "raw":
                stripped = source.strip()
                if position == 0 and stripped.startswith("---"):
                    try:
                        front = yaml.safe_load(stripped.strip("-\n")) or {}
                    except yaml.YAMLError:
                        front = {}
                    if isinstance(front, dict) and front.get("title"):
                        front_title = str(front["title"])
                continue
            if cell_type == "markdown":
                if source.strip():
                    parts.append(("md", source, cell.get("attachments") or {}))
            elif cell_type == "code":
                parts.append(("code", cell, position))

        # Chapter title: the first level-1 heading; else the YAML front matter; else the
        # notebook metadata; else the file name.
        has_h1 = any(kind == "md" and _has_h1(payload) for kind, payload, _ in parts) or any(
            kind == "code" and any(_has_h1(nb_text((o.get("data") or {}).get("text/markdown")))
                                   for o in payload.get("outputs") or [])
            for kind, payload, _ in parts)
        chunks: list[str] = [raw_block("typst", f"// chapter: {self.path}")]
        if not has_h1:
            title = front_title or (nb.get("metadata") or {}).get("title") or \
                re.sub(r"^\d+[-_ ]*", "", self.path.stem).replace("-", " ").capitalize()
            chunks.append(self._markdown(f"# {title}"))
        for kind, payload, extra in parts:
            if kind == "md":
                chunks.append(self._markdown(payload, extra))
            else:
                chunks.extend(self.outputs.code_cell(payload, extra))
        markdown = "\n\n".join(chunks) + "\n"
        if self.demo:
            markdown = _insert_after_h1(markdown, raw_block("html", DEMO_BANNER_HTML))
        return Chapter(self.path, self.state.title or self.path.stem, markdown,
                       appendix=self.state.appendix_letter is not None,
                       figures=self.outputs.n_figures, tables=self.outputs.n_tables)


def _insert_after_h1(markdown: str, block: str) -> str:
    """Insert a block right below the first level-1 heading (the chapter title)."""
    lines = markdown.split("\n")
    h1 = next((i for i, level, _, _ in _iter_headings(markdown) if level == 1), None)
    if h1 is None:
        return block + "\n\n" + markdown
    return "\n".join(lines[:h1 + 1] + ["", block, ""] + lines[h1 + 1:])


def convert_notebook(path: Path, build_dir: Path, *, index: int, numbering: Numbering,
                     appendix_letter: str | None = None, demo: bool = False) -> Chapter:
    """Convert one executed notebook; images go to ``build_dir`` (relative names in the text).

    ``numbering`` is shared by all chapters of the book, in reading order; call
    :func:`resolve_crossrefs` on the joined Markdown once every chapter is converted.
    """
    nb = read_notebook(Path(path))
    converter = _Converter(Path(path), Path(build_dir), index, numbering, appendix_letter, demo)
    try:
        return converter.convert(nb)
    except NotebookError:
        raise
    except Exception as exc:  # noqa: BLE001 - name the notebook whatever went wrong
        raise NotebookError(Path(path), f"{type(exc).__name__}: {exc}") from exc
