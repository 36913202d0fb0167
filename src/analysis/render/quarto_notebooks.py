"""The executed notebooks, written so that Quarto reads what the built-in renderer reads.

Quarto (``src/core/jupyter/jupyter.ts``) reads a figure's alt text from the cell's options
(``fig-alt``), its size from the image output's metadata (``out-width``, else ``width``, in
pixels, which its typst filter turns into inches: a chart drawn 7.45 in wide overflows a 6.3 in
text block) and, for a ``fig-`` labelled cell whose output is text (a chapter's ``NoFigure``), puts
the caption as a last paragraph under the text. :func:`prepare` writes, in each executed notebook:

- ``fig-alt`` in the cell metadata, from the alt text ``ch.show_figure`` puts in the output's;
- ``out-width`` in each image's metadata: the width in % of the text block that the built-in
  renderer gives it (:func:`analysis.render.images.image_width_percent`);
- ``no-figure`` in the cell metadata of a ``fig-`` cell that drew nothing: ``caption`` when Quarto
  appends the caption (read by ``filters/no-figure.lua``, which drops it), else ``bare``.

The cell *sources* are left alone: the notebook key and jupyter-cache hash the code, not the
metadata (:mod:`analysis.build.keys`). The notebook is written back as nbformat writes it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from analysis.render.cell_options import split_cell_options
from analysis.render.images import IMAGE_EXT, decode_image, image_width_percent
from analysis.render.pandoc_text import nb_text

#: Cell metadata key of a ``fig-`` cell without image, and its values (see ``no-figure.lua``).
NO_FIGURE = "no-figure"
NO_FIGURE_CAPTION, NO_FIGURE_BARE = "caption", "bare"


def _images(cell) -> list[tuple[dict, str]]:
    """(output, mime) of each image the cell displays."""
    return [(output, mime) for output in cell.get("outputs", []) for mime in (output.get("data") or {})
            if mime in IMAGE_EXT]


def _alt_text(cell) -> str | list[str] | None:
    alts = [((output.get("metadata") or {}).get(mime) or {}).get("alt") for output, mime in _images(cell)]
    alts = [a for a in alts if a]
    return (alts[0] if len(alts) == 1 else alts) if alts else None


def _size_images(cell) -> None:
    for output, mime in _images(cell):
        width = image_width_percent(decode_image(mime, output["data"][mime]), mime)
        if width is not None:
            output.setdefault("metadata", {}).setdefault(mime, {})["out-width"] = f"{width}%"


def _no_figure(cell) -> str | None:
    """The ``no-figure`` mark of a ``fig-`` labelled cell that displayed no image, else None."""
    try:
        options, _ = split_cell_options(nb_text(cell.get("source")))
    except ValueError:
        return None                      # the built-in renderer names the cell and the error
    if not str(options.get("label") or "").startswith("fig-") or _images(cell) or not cell.get("outputs"):
        return None
    return NO_FIGURE_CAPTION if options.get("fig-cap") else NO_FIGURE_BARE


def prepare(path: Path) -> None:
    """Write in the executed notebook ``path`` the cell and output metadata Quarto reads."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        alt = _alt_text(cell)
        if alt and "fig-alt" not in cell.metadata:
            cell.metadata["fig-alt"] = alt
        _size_images(cell)
        mark = _no_figure(cell)
        if mark:
            cell.metadata[NO_FIGURE] = mark
    nbformat.write(nb, str(path))
