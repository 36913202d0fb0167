"""Small pieces of the pandoc Markdown written from a notebook: notebook text fields, values on
one line for captions and attributes, raw blocks."""

from __future__ import annotations

import re


def nb_text(value) -> str:
    """Notebook JSON stores text either as a string or as a list of lines."""
    if isinstance(value, list):
        return "".join(value)
    return value or ""


def one_line(text) -> str:
    """Collapse ASCII whitespace only: no-break spaces (U+00A0, U+202F) are meant."""
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip()


def attr_value(text: str) -> str:
    """A value usable inside a pandoc attribute: ``key="…"``."""
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def caption_text(text: str) -> str:
    """A caption on one line, safe inside ``![…]``."""
    return one_line(text).replace("[", "\\[").replace("]", "\\]")


def raw_block(fmt: str, text: str) -> str:
    """A raw block for one output format (``{=html}``, ``{=typst}``), fenced longer than its text."""
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{{={fmt}}}\n{text}\n{fence}"
