"""An editorial focus kept to a safe subset of Markdown: what reads as text stays, what could run
or load something goes, and what went is said."""

from __future__ import annotations

import subprocess

import pytest

from analysis.build.safe_markdown import safe_url, sanitise
from analysis.render.book import pandoc_path
from tests.core.test_markup import active

#: The editorial payloads of issue 21, each with the words of what is said dropped.
PAYLOADS = [
    ("Avant <script>alert(1)</script> après.", "HTML brut « <script>alert(1)</script> »"),
    ("Image <img src=x onerror=alert(1)> ici.", "HTML brut « <img src=x onerror=alert(1)> »"),
    ("Un [lien](javascript:alert(1)) piégé.", "lien vers « javascript:alert(1) »"),
    ("Un [lien](JaVa\tScript:alert(1)) déguisé.", "lien vers"),
    ("Un <javascript:alert(1)> automatique.", "lien vers « javascript:alert(1) »"),
    ('<iframe src="https://evil.example"></iframe>', "HTML brut « <iframe"),
    ("<div>\n<p onclick=\"alert(1)\">bloc</p>\n</div>", "HTML brut « <p onclick"),
    ("Du `<b>`{=html} brut.", "HTML brut « <b> »"),
    ("```{=typst}\n#read(\"/etc/passwd\")\n```", "contenu typst brut"),
    ("Un [texte]{onclick=alert(1)} à attributs.", "mise en forme « onclick=alert(1) »"),
    ("![photo](https://evil.example/pixel.png)", "image « https://evil.example/pixel.png »"),
]


def html_of(markdown: str) -> str:
    return subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html"], input=markdown.encode(),
                          capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize(("payload", "said"), PAYLOADS)
def test_what_could_run_is_dropped_and_said(payload, said):
    clean, dropped = sanitise(payload)
    assert active(html_of(clean)) == []                   # no script, frame, image, link, handler
    assert any(said in item for item in dropped), dropped


def test_text_links_and_the_usual_markdown_stay_unchanged():
    text = ("Le plan *départemental* : **12** collèges, voir [le site](https://example.org) ou "
            "[écrire](mailto:dsden@example.org).\n\n- un\n- deux\n\n> cité\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    clean, dropped = sanitise(text)
    assert dropped == ()
    html = html_of(clean)
    for kept in ("<em>départemental</em>", "<strong>12</strong>", 'href="https://example.org"',
                 'href="mailto:dsden@example.org"', "<li>deux</li>", "<blockquote>", "<table>"):
        assert kept in html


def test_a_heading_becomes_bold_text():
    clean, dropped = sanitise("# Un titre\n\nTexte.")
    assert "<strong>Un titre</strong>" in html_of(clean) and "<h1" not in html_of(clean) and dropped == ()


@pytest.mark.parametrize(("url", "safe"), [
    ("https://example.org/a?b=1", True), ("http://x", True), ("mailto:a@b.fr", True), ("#section", True),
    ("javascript:alert(1)", False), (" JAVASCRIPT:alert(1)", False), ("java\nscript:x", False),
    ("data:text/html;base64,PHNjcmlwdD4=", False), ("vbscript:x", False), ("file:///etc/passwd", False),
    ("../../etc/passwd", False),
])
def test_only_web_and_mail_addresses_are_linked(url, safe):
    assert safe_url(url) is safe
