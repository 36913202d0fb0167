"""The outputs of an edition, and their other names: one place for both renderers and the build."""

from __future__ import annotations

from collections.abc import Iterable

#: The outputs of an edition.
FORMATS = ("html", "pdf")
#: Other names of an output: typst makes the PDF.
FORMAT_ALIASES = {"typst": "pdf"}


def output_formats(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` with their aliases resolved, each once, in order: ``("html", "typst", "pdf")`` →
    ``("html", "pdf")``. Raises ``ValueError`` for a name that is no output (the command line
    refuses it first, in French: :func:`analysis.cli.editions.parse_formats`)."""
    formats = tuple(dict.fromkeys(FORMAT_ALIASES.get(name, name) for name in names))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown output format(s) {unknown or 'none'}: choose among {FORMATS}")
    return formats
