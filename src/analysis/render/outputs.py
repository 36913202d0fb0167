"""The outputs of a code cell -> pandoc Markdown blocks, the way Quarto shows them.

- ``stream`` outputs (stdout/stderr, hence warnings) and ``error`` outputs: dropped, except
  stdout of a cell with ``#| output: asis``, which is read as Markdown (Quarto semantics);
- ``display_data``/``execute_result``: the richest mime type wins, in this order:
  ``text/markdown`` (inserted as Markdown), ``text/html`` (wrapped in a ``{=html}`` raw block
  that the ``notebook.lua`` filter parses with pandoc's HTML reader: real tables in HTML *and*
  Typst), ``image/png``, ``image/jpeg``, ``image/svg+xml`` (written to the build folder),
  ``text/plain`` (a plain block, except object reprs such as ``<Figure size …>`` or
  ``Text(0.5, 1.0, '…')`` that notebooks leak as the value of their last line).

Figures and tables with a caption or a ``fig-``/``tbl-`` label (:mod:`.cell_options`) are
numbered by chapter, as Quarto numbers them ("Figure 3.1 : …", "Tableau A.2 : …"); uncaptioned,
unlabelled images stay plain images.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from analysis.render.cell_options import shown_cell_options
from analysis.render.crossrefs import CAPTION_DELIMITER, Numbering, Ref, _plain_text, caption_label
from analysis.render.images import IMAGE_EXT, decode_image, image_width_percent
from analysis.render.pandoc_text import attr_value, caption_text, nb_text, one_line, raw_block

log = logging.getLogger(__name__)

_REPR_RE = re.compile(
    r"^\s*(\[?\s*<[^\n]*>\s*\]?|Text\(.*\)|\(.*\bat 0x[0-9a-f]+>.*\))\s*$", re.DOTALL
)
_MIME_ORDER = ("text/markdown", "text/html", "image/png", "image/jpeg", "image/svg+xml",
               "text/plain")


class CellOutputs:
    """The outputs of one chapter's code cells, its figures and tables numbered in the book's
    sequence."""

    def __init__(self, path: Path, prefix: str, numbering: Numbering,
                 write_image: Callable[[bytes, str], str], markdown: Callable[[str], str]):
        self.path = path
        self.prefix = prefix
        self.numbering = numbering
        self.write_image = write_image      # the chapter's image files (one naming sequence)
        self.markdown = markdown            # Markdown outputs are read like markdown cells
        self.n_figures = 0
        self.n_tables = 0

    def _figure(self, data: bytes, mime: str, caption: str | None, label: str | None,
                alt: str | None) -> str:
        name = self.write_image(data, IMAGE_EXT[mime])
        attrs: list[str] = []
        if caption or label:  # Quarto numbers a labelled figure even without caption
            number = self.numbering.next_figure()
            self.n_figures += 1
            anchor = label or f"fig-{self.prefix}-{self.n_figures}"
            attrs.append(f"#{anchor}")
            if label:
                self.numbering.register(label, Ref("figure", number, anchor),
                                        str(self.path))
            shown = f"**{caption_label('Figure', number)}**"
            if caption:
                shown += f"{CAPTION_DELIMITER} {caption_text(caption)}"
            alt_text = alt or _plain_text(caption or f"Figure {number}")
        else:
            shown = ""
            alt_text = alt or "Graphique"
        attrs.append(f'fig-alt="{attr_value(alt_text)}"')
        width = image_width_percent(data, mime)
        if width is not None:
            attrs.append(f'width="{width}%"')
        # Without caption (empty description) pandoc keeps a plain image, not a figure.
        return f"![{shown}]({name}){{{' '.join(attrs)}}}"

    def code_cell(self, cell: dict, position: int) -> list[str]:
        """The Markdown blocks of a code cell's outputs (none when the cell hides them)."""
        options = shown_cell_options(cell, self.path, position)
        if options is None:
            return []
        label, fig_caps, fig_alts = options.label, options.fig_caps, options.fig_alts
        tbl_cap, is_table, asis = options.tbl_cap, options.is_table, options.asis

        blocks: list[str] = []
        n_image = 0
        for output in cell.get("outputs") or []:
            kind = output.get("output_type")
            if kind == "stream":
                if asis and output.get("name") == "stdout":
                    blocks.append(self.markdown(nb_text(output.get("text"))))
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
                blocks.append(self.markdown(nb_text(payload)))
            elif mime == "text/html":
                html = re.sub(r"<style[^>]*>.*?</style>", "", nb_text(payload),
                              flags=re.DOTALL | re.IGNORECASE)
                html = re.sub(r"<script[^>]*>.*?</script>", "", html,
                              flags=re.DOTALL | re.IGNORECASE)
                blocks.append("::: {.cell-output-html}\n" + raw_block("html", html.strip())
                              + "\n:::")
            elif mime in IMAGE_EXT:
                data = decode_image(mime, payload)
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
                text = nb_text(payload).rstrip()
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
                self.numbering.register(label, Ref("tableau", number, anchor),
                                        str(self.path))
            caption = f"**{caption_label('Tableau', number)}**{CAPTION_DELIMITER} {one_line(tbl_cap or '')}"
            blocks = [f'::: {{#{anchor} .cell-table tbl-cap="{attr_value(caption)}"}}',
                      *blocks, ":::"]
        return blocks
