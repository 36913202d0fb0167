"""Executed notebook -> pandoc Markdown, the way Quarto reads a notebook.

One chapter = one executed ``.ipynb``. :func:`convert_notebook` turns it into a pandoc Markdown
string (plus image files written to the build folder); :func:`resolve_crossrefs` then replaces
``@fig-…``/``@tbl-…``/``@sec-…`` references once every chapter has been numbered.

What is kept, what is dropped
-----------------------------
- markdown cells: kept (attachments and local images are copied to the build folder);
- code: never shown (``echo: false`` is the book default);
- ``stream`` outputs (stdout/stderr, hence warnings) and ``error`` outputs: dropped, except
  stdout of a cell with ``#| output: asis``, which is read as Markdown (Quarto semantics);
- ``display_data``/``execute_result``: the richest mime type wins, in this order:
  ``text/markdown`` (inserted as Markdown), ``text/html`` (wrapped in a ``{=html}`` raw block
  that the ``notebook.lua`` filter parses with pandoc's HTML reader: real tables in HTML *and*
  Typst), ``image/png``, ``image/jpeg``, ``image/svg+xml`` (written to the build folder),
  ``text/plain`` (a plain block, except object reprs such as ``<Figure size …>`` or
  ``Text(0.5, 1.0, '…')`` that notebooks leak as the value of their last line).

Quarto cell options (``#| key: value`` lines at the top of a code cell, read as YAML)
-------------------------------------------------------------------------------------
``label`` (``fig-…``/``tbl-…``), ``fig-cap`` (a string, or a list: one caption per image),
``fig-alt``, ``tbl-cap``, ``include: false`` (drop the cell), ``output: false`` (drop its
outputs), ``output: asis``. ``echo`` is accepted and ignored. Cell tags ``remove-cell`` and
``remove-output`` (Jupyter Book) are honoured as well.

Numbering
---------
Figures and tables with a caption or a ``fig-``/``tbl-`` label are numbered through the whole
book ("Figure 3 : …", "Tableau 2 : …"); uncaptioned, unlabelled images stay plain images.
Chapters are numbered by pandoc/typst; appendix headings are unnumbered and carry their own
label ("Annexe A — …", "A.1 …") so that HTML and PDF agree.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.core.errors import NotebookError
from analysis.render.crossrefs import (  # noqa: F401 - part of this module's API
    NBSP,
    Numbering,
    Ref,
    _ChapterState,
    _has_h1,
    _iter_headings,
    _number_headings,
    _plain_text,
    resolve_crossrefs,
)

log = logging.getLogger(__name__)

DEMO_TEXT = "DONNÉES DE DÉMONSTRATION — chiffres synthétiques, non officiels"
DEMO_BANNER_HTML = f'<div class="demo-banner demo-chapter" role="note">{DEMO_TEXT}</div>'
# Usable text block of the PDF (A4, 2.5 cm side margins; header/footer excluded), in inches.
TEXT_WIDTH_IN = 16.0 / 2.54
MAX_FIGURE_HEIGHT_IN = 19.0 / 2.54

_OPTION_RE = re.compile(r"^[ \t]*#\|[ \t]?(.*)$")
_IMAGE_RE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\((?P<src><[^>]*>|[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_PAGEBREAK_RE = re.compile(r"^[ \t]*\{\{<\s*pagebreak\s*>\}\}[ \t]*$", re.MULTILINE)
_REPR_RE = re.compile(
    r"^\s*(\[?\s*<[^\n]*>\s*\]?|Text\(.*\)|\(.*\bat 0x[0-9a-f]+>.*\))\s*$", re.DOTALL
)
_MIME_ORDER = ("text/markdown", "text/html", "image/png", "image/jpeg", "image/svg+xml",
               "text/plain")
_IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}

# ---------------------------------------------------------------------------------------------
# Cell options and small helpers
# ---------------------------------------------------------------------------------------------

def split_cell_options(source: str) -> tuple[dict, str]:
    """Split the ``#| key: value`` header of a code cell from its code.

    >>> split_cell_options("#| label: fig-a\\n#| fig-cap: \\"Titre\\"\\nplot()")
    ({'label': 'fig-a', 'fig-cap': 'Titre'}, 'plot()')
    """
    lines = source.splitlines()
    header: list[str] = []
    i = 0
    while i < len(lines):
        match = _OPTION_RE.match(lines[i])
        if not match:
            break
        header.append(match.group(1))
        i += 1
    if not header:
        return {}, source
    try:
        options = yaml.safe_load("\n".join(header))
    except yaml.YAMLError as exc:
        raise ValueError(f"cell options are not valid YAML: {exc}") from None
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ValueError(f"cell options must be 'key: value' lines, got {options!r}")
    return options, "\n".join(lines[i:])


def _text(value) -> str:
    """Notebook JSON stores text either as a string or as a list of lines."""
    if isinstance(value, list):
        return "".join(value)
    return value or ""


def _is_false(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"false", "no", "0"}
    return value is False


def _one_line(text) -> str:
    """Collapse ASCII whitespace only: no-break spaces (U+00A0, U+202F) are meant."""
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip()


def _attr_value(text: str) -> str:
    """A value usable inside a pandoc attribute: ``key="…"``."""
    return _one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def _caption_text(text: str) -> str:
    """A caption on one line, safe inside ``![…]``."""
    return _one_line(text).replace("[", "\\[").replace("]", "\\]")


def image_width_percent(data: bytes, mime: str) -> int | None:
    """Width of an image in the PDF text block, in %, from its size and resolution.

    A figure keeps its natural size (pixels / dpi, as saved by matplotlib) but never exceeds
    the text width nor ``MAX_FIGURE_HEIGHT_IN``. ``None`` when the size cannot be read.
    """
    if mime == "image/svg+xml":
        size = svg_size_in(data)
        if size is None:
            return None
        width_in, height_in = size
        scale = min(1.0, TEXT_WIDTH_IN / width_in, MAX_FIGURE_HEIGHT_IN / height_in)
        return max(10, min(100, round(width_in * scale / TEXT_WIDTH_IN * 100)))
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            width_px, height_px = img.size
            dpi = img.info.get("dpi", (96, 96))[0] or 96
    except Exception:  # noqa: BLE001 - an unreadable image is still embedded as is
        return None
    dpi = float(dpi)
    if dpi < 30:  # nonsense metadata
        dpi = 96.0
    width_in, height_in = width_px / dpi, height_px / dpi
    scale = min(1.0, TEXT_WIDTH_IN / width_in, MAX_FIGURE_HEIGHT_IN / height_in)
    return max(10, min(100, round(width_in * scale / TEXT_WIDTH_IN * 100)))


_SVG_LENGTH_RE = re.compile(r"^\s*([\d.]+)\s*(pt|px|in|cm|mm)?\s*$")
_SVG_UNITS_IN = {"pt": 1 / 72, "px": 1 / 96, None: 1 / 96, "in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4}


def svg_size_in(data: bytes) -> tuple[float, float] | None:
    """(width, height) in inches of an SVG from its root ``width``/``height`` (matplotlib: pt)."""
    head = data[:2000].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head)
    if not tag:
        return None
    sizes = []
    for name in ("width", "height"):
        attr = re.search(rf'\b{name}="([^"]+)"', tag.group(0))
        length = _SVG_LENGTH_RE.match(attr.group(1)) if attr else None
        if not length or float(length.group(1)) <= 0:
            return None
        sizes.append(float(length.group(1)) * _SVG_UNITS_IN[length.group(2)])
    return sizes[0], sizes[1]


# ---------------------------------------------------------------------------------------------
# The converter
# ---------------------------------------------------------------------------------------------

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


def _raw(fmt: str, text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{{={fmt}}}\n{text}\n{fence}"


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
        self.n_figures = 0
        self.n_tables = 0

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
                    data = _decode(mime, payload)
                    ext = _IMAGE_EXT.get(mime) or Path(name).suffix.lstrip(".") or "png"
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
            _raw("typst", "#pagebreak()") + "\n\n"
            + _raw("html", '<div class="page-break"></div>'), text)
        return _number_headings(text, self.numbering, self.state)

    # -- outputs ----------------------------------------------------------------------------
    def _figure(self, data: bytes, mime: str, caption: str | None, label: str | None,
                alt: str | None) -> str:
        name = self._write_image(data, _IMAGE_EXT[mime])
        attrs: list[str] = []
        if caption or label:  # Quarto numbers a labelled figure even without caption
            number = self.numbering.next_figure()
            self.n_figures += 1
            anchor = label or f"fig-{self.prefix}-{self.n_figures}"
            attrs.append(f"#{anchor}")
            if label:
                self.numbering.register(label, Ref("figure", str(number), anchor),
                                        str(self.path))
            shown = f"**Figure{NBSP}{number}**"
            if caption:
                shown += f"{NBSP}: {_caption_text(caption)}"
            alt_text = alt or _plain_text(caption or f"Figure {number}")
        else:
            shown = ""
            alt_text = alt or "Graphique"
        attrs.append(f'fig-alt="{_attr_value(alt_text)}"')
        width = image_width_percent(data, mime)
        if width is not None:
            attrs.append(f'width="{width}%"')
        # Without caption (empty description) pandoc keeps a plain image, not a figure.
        return f"![{shown}]({name}){{{' '.join(attrs)}}}"

    def _code_cell(self, cell: dict, position: int) -> list[str]:
        try:
            options, _code = split_cell_options(_text(cell.get("source")))
        except ValueError as exc:
            raise NotebookError(self.path, str(exc), cell=position) from None
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        if _is_false(options.get("include", True)) or tags & {"remove-cell", "remove_cell"}:
            return []
        output_opt = options.get("output", True)
        asis = isinstance(output_opt, str) and output_opt.strip().lower() == "asis"
        if (not asis and _is_false(output_opt)) or tags & {"remove-output", "remove_output"}:
            return []

        label = options.get("label")
        label = str(label) if label else None
        if label and not label.startswith(("fig-", "tbl-")):
            log.warning("%s, cell %d: label %r ignored: it must start with 'fig-' or 'tbl-'",
                        self.path, position, label)
            label = None
        fig_caps = options.get("fig-cap")
        if isinstance(fig_caps, str) or fig_caps is None:
            fig_caps = [fig_caps] if fig_caps else []
        fig_alts = options.get("fig-alt")
        if isinstance(fig_alts, str) or fig_alts is None:
            fig_alts = [fig_alts] if fig_alts else []
        tbl_cap = options.get("tbl-cap")
        is_table = bool(tbl_cap) or (label or "").startswith("tbl-")

        blocks: list[str] = []
        n_image = 0
        for output in cell.get("outputs") or []:
            kind = output.get("output_type")
            if kind == "stream":
                if asis and output.get("name") == "stdout":
                    blocks.append(self._markdown(_text(output.get("text"))))
                continue
            if kind == "error":
                log.warning("%s, cell %d: the notebook recorded an error (%s: %s); "
                            "it is left out of the report", self.path, position,
                            output.get("ename"), output.get("evalue"))
                continue
            if kind not in ("display_data", "execute_result"):
                continue
            bundle = output.get("data") or {}
            mime = next((m for m in _MIME_ORDER if m in bundle), None)
            if mime is None:
                continue
            payload = bundle[mime]
            if mime == "text/markdown":
                blocks.append(self._markdown(_text(payload)))
            elif mime == "text/html":
                html = re.sub(r"<style[^>]*>.*?</style>", "", _text(payload),
                              flags=re.DOTALL | re.IGNORECASE)
                html = re.sub(r"<script[^>]*>.*?</script>", "", html,
                              flags=re.DOTALL | re.IGNORECASE)
                blocks.append("::: {.cell-output-html}\n" + _raw("html", html.strip())
                              + "\n:::")
            elif mime in _IMAGE_EXT:
                data = _decode(mime, payload)
                caption = fig_caps[n_image] if n_image < len(fig_caps) else (
                    fig_caps[0] if len(fig_caps) == 1 and not is_table else None)
                alt = fig_alts[n_image] if n_image < len(fig_alts) else (
                    fig_alts[0] if len(fig_alts) == 1 else None)
                # A figure's own description (IPython's `metadata={"image/png": {"alt": …}}`)
                # beats the caption as alt text.
                alt = alt or ((output.get("metadata") or {}).get(mime) or {}).get("alt")
                fig_label = label if label and label.startswith("fig-") else None
                if fig_label and n_image > 0:
                    fig_label = f"{fig_label}-{n_image + 1}"
                blocks.append(self._figure(data, mime, caption, fig_label, alt))
                n_image += 1
            else:  # text/plain
                text = _text(payload).rstrip()
                if not text or _REPR_RE.match(text) or " at 0x" in text:
                    continue
                fence = "```"
                while fence in text:
                    fence += "`"
                blocks.append(f"{fence} {{.cell-output}}\n{text}\n{fence}")

        if is_table and blocks:
            number = self.numbering.next_table()
            self.n_tables += 1
            anchor = label if label and label.startswith("tbl-") else \
                f"tbl-{self.prefix}-{self.n_tables}"
            if label and label.startswith("tbl-"):
                self.numbering.register(label, Ref("tableau", str(number), anchor),
                                        str(self.path))
            caption = f"**Tableau{NBSP}{number}**{NBSP}: {_one_line(tbl_cap or '')}"
            blocks = [f'::: {{#{anchor} .cell-table tbl-cap="{_attr_value(caption)}"}}',
                      *blocks, ":::"]
        return blocks

    def convert(self, nb: dict) -> Chapter:
        cells = nb.get("cells") or []
        front_title = None
        parts: list[str] = []
        for position, cell in enumerate(cells):
            cell_type = cell.get("cell_type")
            source = _text(cell.get("source"))
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
            kind == "code" and any(_has_h1(_text((o.get("data") or {}).get("text/markdown")))
                                   for o in payload.get("outputs") or [])
            for kind, payload, _ in parts)
        chunks: list[str] = [_raw("typst", f"// chapter: {self.path}")]
        if not has_h1:
            title = front_title or (nb.get("metadata") or {}).get("title") or \
                re.sub(r"^\d+[-_ ]*", "", self.path.stem).replace("-", " ").capitalize()
            chunks.append(self._markdown(f"# {title}"))
        for kind, payload, extra in parts:
            if kind == "md":
                chunks.append(self._markdown(payload, extra))
            else:
                chunks.extend(self._code_cell(payload, extra))
        markdown = "\n\n".join(chunks) + "\n"
        if self.demo:
            markdown = _insert_after_h1(markdown, _raw("html", DEMO_BANNER_HTML))
        return Chapter(self.path, self.state.title or self.path.stem, markdown,
                       appendix=self.state.appendix_letter is not None,
                       figures=self.n_figures, tables=self.n_tables)


def _insert_after_h1(markdown: str, block: str) -> str:
    """Insert a block right below the first level-1 heading (the chapter title)."""
    lines = markdown.split("\n")
    h1 = next((i for i, level, _, _ in _iter_headings(markdown) if level == 1), None)
    if h1 is None:
        return block + "\n\n" + markdown
    return "\n".join(lines[:h1 + 1] + ["", block, ""] + lines[h1 + 1:])


def _decode(mime: str, payload) -> bytes:
    text = _text(payload)
    if mime == "image/svg+xml":
        return text.encode("utf-8")
    return base64.b64decode(text)


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
