"""Quarto cell options: ``#| key: value`` lines at the top of a code cell, read as YAML.

``label`` (``fig-…``/``tbl-…``), ``fig-cap`` (a string, or a list: one caption per image),
``fig-alt``, ``tbl-cap``, ``include: false`` (drop the cell), ``output: false`` (drop its
outputs), ``output: asis`` (stdout read as Markdown). ``echo`` is accepted and ignored. Cell tags
``remove-cell`` and ``remove-output`` (Jupyter Book) are honoured as well.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.core.errors import NotebookError
from analysis.render.pandoc_text import nb_text

log = logging.getLogger(__name__)

_OPTION_RE = re.compile(r"^[ \t]*#\|[ \t]?(.*)$")


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
    return copy.deepcopy(_options("\n".join(header))), "\n".join(lines[i:])


@lru_cache(maxsize=4096)
def _options(header: str) -> dict:
    """The options of one header, read once per process: every edition renders the same
    chapters' cells (~90 headers an edition, 0.07 s of YAML). Callers get a copy."""
    try:
        options = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        raise ValueError(f"cell options are not valid YAML: {exc}") from None
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ValueError(f"cell options must be 'key: value' lines, got {options!r}")
    return options


def is_false(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"false", "no", "0"}
    return value is False


@dataclass(frozen=True)
class CellOptions:
    """What the options of a code cell whose outputs are shown ask of them."""

    label: str | None          # fig-… or tbl-… (any other label is dropped with a warning)
    fig_caps: list[str]        # one caption per image, or one for all
    fig_alts: list[str]
    tbl_cap: str | None
    asis: bool                 # stdout is Markdown

    @property
    def is_table(self) -> bool:
        return bool(self.tbl_cap) or (self.label or "").startswith("tbl-")


def shown_cell_options(cell: dict, path: Path, position: int) -> CellOptions | None:
    """The options of a code cell, or None when the cell or its outputs are not shown."""
    try:
        options, _code = split_cell_options(nb_text(cell.get("source")))
    except ValueError as exc:
        raise NotebookError(path, str(exc), cell=position) from None
    tags = set((cell.get("metadata") or {}).get("tags") or [])
    if is_false(options.get("include", True)) or tags & {"remove-cell", "remove_cell"}:
        return None
    output_opt = options.get("output", True)
    asis = isinstance(output_opt, str) and output_opt.strip().lower() == "asis"
    if (not asis and is_false(output_opt)) or tags & {"remove-output", "remove_output"}:
        return None

    label = options.get("label")
    label = str(label) if label else None
    if label and not label.startswith(("fig-", "tbl-")):
        log.warning("%s, cell %d: label %r ignored: it must start with 'fig-' or 'tbl-'",
                    path, position, label)
        label = None
    fig_caps = options.get("fig-cap")
    if isinstance(fig_caps, str) or fig_caps is None:
        fig_caps = [fig_caps] if fig_caps else []
    fig_alts = options.get("fig-alt")
    if isinstance(fig_alts, str) or fig_alts is None:
        fig_alts = [fig_alts] if fig_alts else []
    return CellOptions(label, fig_caps, fig_alts, options.get("tbl-cap"), asis)
