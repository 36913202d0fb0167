"""Text that comes from data or from users, made literal where it meets Markdown.

The report is pandoc Markdown (chapter outputs, the cover metadata, the Quarto project), which
both renderers turn into HTML and typst. Markdown lets text carry raw HTML (``<script>``), raw
typst or HTML blocks (`` `…`{=html} ``), links (``[x](javascript:…)``) and attributes
(``[x]{onclick=…}``): a name, a file name or a URL copied verbatim into it could run a script in
every reader's browser. So:

- :func:`markdown_text`: a string from data or from a user (a territory or perimeter name, a
  file name, a URL, an author line) as literal Markdown text, every character printed as it is;
- :func:`markdown_attribute`: the same, inside a pandoc attribute value (``title="…"``), which
  renderers read as Markdown again;
- :func:`neutralise`: the last guard on Markdown the report composes (sentences, tables, notes):
  no raw HTML, no link, no attribute can open in it, whatever a name brought in, while the
  emphasis and lists the report writes itself are kept;
- :func:`plain`: Markdown text back to the string it quotes (for the few places that write HTML
  or typst themselves and escape them their own way).
"""

from __future__ import annotations

import re

#: ASCII punctuation that means something anywhere in pandoc's or CommonMark's Markdown
#: (escapes, code, emphasis, attributes, links, raw HTML and autolinks, tables, sub- and
#: superscript, math, citations, emoji, entities). Brackets make ``(`` harmless; ``#``, ``+``,
#: ``-``, ``=``, ``%`` and a number's ``.`` or ``)`` mean something at the start of a line only
#: (:data:`_LINE_START`), and ``--`` is a dash. A double quote is escaped (pandoc's typography
#: would curl it); an apostrophe is not: pandoc turns ' into ’ in the report's own text, and a
#: name (« l'Hérault ») must read the same.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~^$@&:\"]|-(?=-))")
_LINE_START = re.compile(r"^(\s*)(?:([#+\-=%])|(\d+)([.)]))")
#: What opens raw HTML, an autolink, a link or image, an attribute, a raw block or math: escaped
#: by :func:`neutralise`, unless already escaped (a backslash and an ASCII punctuation mark are an
#: escape, kept as it is); any other backslash is escaped too (``\\b`` would start raw TeX).
_OPENERS = re.compile(r"(\\[!-/:-@\[-`{-~])|([<>\[\]{}$\\])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]<>()#+\-.!|~^$@&:=%\"])")


class Markdown(str):
    """Markdown the report composed from literal parts (:func:`markdown_text`, :func:`link`):
    a table cell holding one is written as it is, where any other cell's text is escaped."""


def markdown_text(value: object) -> str:
    """``value`` as literal inline Markdown: on one line, every special character escaped."""
    text = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", _CONTROL.sub(" ", str(value))))
    # a list marker, heading or numbered line where the text starts a line (a cover field does)
    return _LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
                           text, count=1)


def markdown_attribute(value: object) -> str:
    """``value`` as the literal text of a pandoc attribute value (``key="…"``) that is read as
    Markdown (a callout's ``title``): escaped for Markdown, then for the attribute's quotes."""
    return markdown_text(value).replace("\\", "\\\\").replace('"', '\\"')


#: A web address that may be an active link: http or https, without space, quote, angle bracket
#: or backslash (nothing in it can leave the link's ``href``).
SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\]+")
#: The links :func:`neutralise` keeps: ``[text](<address>)`` (:func:`link`) and ``<address>``
#: (:func:`autolink`), of a safe address, not escaped; the text of a link is neutralised itself.
_LINKS = re.compile(rf"(?<!\\)\[([^\[\]\n]*)\]\(<({SAFE_URL.pattern})>\)|(?<!\\)<({SAFE_URL.pattern})>")


def autolink(url: object) -> str:
    """A web address as an active link (a Markdown autolink, kept by :func:`neutralise`) when it
    is a plain http(s) address; anything else as literal text."""
    text = str(url)
    return Markdown(f"<{text}>" if SAFE_URL.fullmatch(text) else markdown_text(text))


def link(text: object, url: object | None) -> str:
    """``text`` (literal) as an active link to ``url`` when it is a plain http(s) address, kept by
    :func:`neutralise`; the text alone otherwise."""
    shown = markdown_text(text)
    return Markdown(f"[{shown}](<{url}>)" if url is not None and SAFE_URL.fullmatch(str(url)) else shown)


def _escape(markdown: str) -> str:
    return _OPENERS.sub(lambda m: m.group(1) or "\\" + m.group(2), markdown)


def neutralise(markdown: str) -> str:
    """Markdown with every ``<``, ``>``, ``[``, ``]``, ``{``, ``}``, ``$`` and lone backslash
    escaped (the escapes already there kept): nothing in it can open raw HTML or TeX, a link, an
    image, an attribute, a raw block or math, while emphasis, lists, tables, code spans and the
    links to plain http(s) addresses the report writes (:func:`link`, :func:`autolink`) still work."""
    out, last = [], 0
    for found in _LINKS.finditer(markdown):
        out.append(_escape(markdown[last:found.start()]))
        text, url, bare = found.groups()
        out.append(f"<{bare}>" if bare else f"[{_escape(text)}](<{url}>)")
        last = found.end()
    out.append(_escape(markdown[last:]))
    return "".join(out)


def plain(markdown: str) -> str:
    """The string :func:`markdown_text` quoted (its backslash escapes removed)."""
    return _ESCAPED.sub(r"\1", str(markdown))
