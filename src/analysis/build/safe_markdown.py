"""Markdown written by people outside the code (an editorial focus), kept to a safe subset.

An office writes a focus box in Markdown (:mod:`analysis.build.editorial`); Markdown can carry raw
HTML (``<script>``, ``<iframe>``, ``<img onerror=…>``), raw HTML or typst blocks, links to
``javascript:`` and attributes (``[x]{onclick=…}``), which would run in the browser of everyone
who opens the published report. :func:`sanitise` reads the text with pandoc (the parser both
renderers use), keeps what reads as text — paragraphs, emphasis, lists, quotes, tables, code,
footnotes, links to ``http(s):`` or ``mailto:`` addresses — and drops the rest, saying what it
dropped: raw HTML and raw blocks, images (a report makes no request elsewhere), links to any other
address (their text is kept), attributes and the divs and spans that carry them (their content is
kept). A heading becomes a bold paragraph (a focus box opens no section of the book).

What comes out is Markdown again, written by pandoc from the cleaned document, and checked: read
once more, it holds nothing of what was dropped; otherwise the focus is published as plain text.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import lru_cache

from analysis.core.markup import markdown_text

#: Addresses a published link may point to (compared without spaces or control characters,
#: which browsers ignore in a scheme: ``java\tscript:`` is ``javascript:``).
SAFE_URL = re.compile(r"^(https?://|mailto:|#)", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
#: Elements whose first field is an attribute (identifier, classes, key-value pairs).
_ATTR_FIRST = {"Code", "CodeBlock", "Table", "TableHead", "TableBody", "TableFoot", "Row", "Cell"}
#: pandoc Markdown without any way back to raw content or attributes, for writing the result.
WRITER = ("markdown-raw_html-raw_tex-raw_attribute-native_divs-native_spans-bracketed_spans"
          "-link_attributes-header_attributes-fenced_code_attributes-inline_code_attributes")
_EXCERPT = 60


def safe_url(url: str) -> bool:
    return bool(SAFE_URL.match(_INVISIBLE.sub("", str(url))))


def _excerpt(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _EXCERPT else text[:_EXCERPT - 1] + "…"


class _Cleaner:
    """One walk over a pandoc JSON document, recording in French what it drops."""

    def __init__(self):
        self.dropped: list[str] = []

    def blocks(self, items: list) -> list:
        return [out for item in items for out in self.element(item)]

    def element(self, node) -> list:
        """The node cleaned, as a list (a dropped node is none, an unwrapped one its content)."""
        if not isinstance(node, dict) or "t" not in node:
            return [self.value(node)]
        kind, content = node["t"], node.get("c")
        if kind in ("RawBlock", "RawInline"):
            fmt, text = content
            self.dropped.append(f"{'HTML' if fmt == 'html' else f'contenu {fmt}'} brut « {_excerpt(text)} »")
            return []
        if kind in ("Div", "Span"):
            if content[0] != ["", [], []]:
                self.dropped.append(f"mise en forme « {_attributes(content[0])} » (le texte est gardé)")
            return self.blocks(content[1])
        if kind == "Link":
            attr, inlines, (url, _title) = content
            if not safe_url(url):
                self.dropped.append(f"lien vers « {_excerpt(url)} » (son texte est gardé)")
                return self.blocks(inlines)
            return [{"t": "Link", "c": [["", [], []], self.blocks(inlines), [url, ""]]}]
        if kind == "Image":
            self.dropped.append(f"image « {_excerpt(content[2][0])} » (son texte de remplacement est gardé)")
            return self.blocks(content[1])
        if kind == "Figure":
            return self.blocks(content[2])
        if kind == "Header":
            return [{"t": "Para", "c": [{"t": "Strong", "c": self.blocks(content[2])}]}]
        if kind in _ATTR_FIRST and isinstance(content, list) and content:
            return [{"t": kind, "c": [["", [], []], *self.value(content[1:])]}]
        return [{"t": kind, **({"c": self.value(content)} if "c" in node else {})}]

    def value(self, value):
        if isinstance(value, list):
            return self.blocks(value) if any(isinstance(v, dict) and "t" in v for v in value) \
                else [self.value(v) for v in value]
        if isinstance(value, dict):
            return self.element(value)[0] if "t" in value else {k: self.value(v) for k, v in value.items()}
        return value


def _attributes(attr) -> str:
    ident, classes, pairs = attr
    parts = ([f"#{ident}"] if ident else []) + [f".{c}" for c in classes] + [f"{k}={v}" for k, v in pairs]
    return _excerpt(" ".join(parts))


def _pandoc(args: list[str], text: str) -> str:
    from analysis.render.book import pandoc_path

    run = subprocess.run([pandoc_path(), *args], input=text.encode("utf-8"), capture_output=True, check=True)
    return run.stdout.decode("utf-8")


def _unsafe(document: dict) -> bool:
    """Whether a document still holds anything :func:`sanitise` drops."""
    check = _Cleaner()
    check.blocks(document["blocks"])
    return bool(check.dropped)


@lru_cache(maxsize=256)
def sanitise(markdown: str) -> tuple[str, tuple[str, ...]]:
    """``markdown`` kept to the safe subset (see the module doc), and what was dropped (French)."""
    try:
        document = json.loads(_pandoc(["-f", "markdown", "-t", "json"], markdown))
        cleaner = _Cleaner()
        document["blocks"] = cleaner.blocks(document["blocks"])
        document["meta"] = {}
        clean = _pandoc(["-f", "json", "-t", WRITER, "--wrap=none"], json.dumps(document))
        if not _unsafe(json.loads(_pandoc(["-f", "markdown", "-t", "json"], clean))):
            return clean.strip(), tuple(cleaner.dropped)
        why = "le texte relu contenait encore du contenu à retirer"
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:
        why = f"pandoc n'a pas pu le lire ({type(exc).__name__})"
    paragraphs = [markdown_text(p) for p in re.split(r"\n\s*\n", markdown) if p.strip()]
    return "\n\n".join(paragraphs), (f"toute mise en forme : {why} ; il est publié en texte brut",)
