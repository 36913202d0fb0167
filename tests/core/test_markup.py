"""Text from data and users in Markdown: quoted literally (``markdown_text``), and Markdown the
report composes kept from opening raw HTML, links or attributes (``neutralise``), checked on what
pandoc — the parser of both renderers — makes of them in HTML and typst."""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
from html.parser import HTMLParser

import pytest

from analysis.core.markup import markdown_attribute, markdown_text, neutralise, plain
from analysis.render.book import pandoc_path

#: The payloads of issue 21, and what Markdown itself could make of a name.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "`<b>x</b>`{=html}",
    "[texte]{onclick=alert(1)}",
    "\\begin{x}\\b <b>",
    "```{=html}\n<script>alert(1)</script>\n```",
    "# titre\n- liste\n1. numéro",
    "*a* _b_ ~c~ ^d^ $e$ @fig-f :x: &lt; a--b",
    "Haute-Garonne (31), l'Hérault, \"guillemets\"",
]


def pandoc(markdown: str, to: str) -> str:
    return subprocess.run([pandoc_path(), "-f", "markdown", "-t", to], input=markdown.encode(), check=True,
                          capture_output=True).stdout.decode()


class Active(HTMLParser):
    """What in an HTML fragment could run or load something: tags, handlers, addresses."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "img", "object", "embed", "a", "div", "style"):
            self.found.append(tag)
        self.found += [name for name, _ in attrs if name.startswith("on")]


def active(html: str) -> list[str]:
    scan = Active()
    scan.feed(html)
    return scan.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_quoted_string_prints_as_written_in_html_and_typst(payload):
    quoted = markdown_text(payload)
    assert "\n" not in quoted and plain(quoted) == payload.replace("\n", " ")
    html = pandoc(quoted, "html")
    assert active(html) == []
    text = html_lib.unescape(re.sub(r"</?p>", "", html)).replace("\u2019", "'")     # pandoc's apostrophe
    assert " ".join(text.split()) == " ".join(payload.split())
    typst = pandoc(quoted, "typst")
    assert not re.search(r"(?<!\\)[#<$]", typst)          # no code, label or math opens in typst


@pytest.mark.parametrize("payload", PAYLOADS)
def test_composed_markdown_quoting_a_name_opens_nothing(payload):
    """A sentence of the report with a name in it: its emphasis stays, the name opens nothing."""
    sentence = neutralise(f"Le **périmètre** « {payload} » compte *12* collèges.")
    html = pandoc(sentence, "html")
    assert active(html) == []
    assert "<strong>périmètre</strong>" in html and "<em>12</em>" in html


def test_neutralise_keeps_the_escapes_already_there_and_code_spans():
    assert neutralise(markdown_text("<a>")) == markdown_text("<a>")        # idempotent on quoted text
    assert neutralise("a \\| b `0f3a`") == "a \\| b `0f3a`"
    assert neutralise("a\\b") == "a\\\\b"                               # a lone backslash is text


def test_an_attribute_value_is_read_back_as_the_literal_text():
    """A callout's title is an attribute that renderers read as Markdown again: both readings
    give back the text as written."""
    title = 'Focus — <script>alert(1)</script> "cité"'
    native = pandoc(f'::: {{.note title="{markdown_attribute(title)}"}}\ntexte\n:::\n', "json")
    value = json.loads(native)["blocks"][0]["c"][0][2][0][1]           # the attribute as pandoc read it
    assert value == markdown_text(title)
    assert html_lib.unescape(re.sub(r"</?p>", "", pandoc(value, "html"))).strip() == title
