"""A fiche, or several, as a PDF: Typst written here, compiled by the report's PDF machinery.

No pandoc: a fiche is a title, a list and tables, written as Typst *code* whose every text is a
string literal (:func:`literal`), so that nothing from the data is read as markup. Compiled by
:func:`analysis.render.pdf.compile_pdf`, as the report: fonts shipped in wheels, PDF/UA-1
(:data:`analysis.render.pdf.PDF_STANDARDS`), the document's title and language set.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from analysis.core.publication import DEMO_MARK, TITLE
from analysis.fiches.fiche import Fiche


def literal(text: object) -> str:
    """A Typst string literal of ``text`` (quotes, backslashes and line ends escaped)."""
    value = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'"{value}"'


def _fiche(f: Fiche, *, heading_level: int = 1) -> str:
    parts = [f"#heading(level: {heading_level}, {literal(f.title)})"]
    if f.banner:
        parts.append(f"#block(fill: rgb(\"#7a1f1f\"), inset: 4pt, text(fill: white, weight: \"bold\", "
                     f"{literal(f.banner)}))")
    rows = ", ".join(f"[#strong({literal(k)})], {literal(v)}" for k, v in f.identity)
    parts.append(f"#table(columns: 2, stroke: none, inset: 2pt, table.header([#strong(\"Identité\")], []), {rows})")
    parts.append(f"#text(size: 7pt, {literal(f.identity_source)})")
    columns = 1 + len(f.headings)
    head = ", ".join(f"[#strong({literal(h)})]" for h in ["Question", *f.headings])
    for title, lines in f.sections:
        body = ", ".join(", ".join(literal(c) for c in line) for line in lines)
        parts.append(f"#heading(level: {heading_level + 1}, {literal(title)})")
        parts.append(f"#text(size: 7pt, {literal(f.caption)})")
        parts.append(f"#text(size: 7pt, table(columns: ({', '.join(['2fr'] + ['1fr'] * (columns - 1))}), "
                     f"inset: 2pt, table.header({head}), {body}))")
    parts += [f"#text(size: 7pt, {literal(note)})" for note in f.notes]
    return "\n\n".join(parts)


def document(fiches: Sequence[Fiche], title: str) -> str:
    """The Typst source of a PDF of ``fiches``, one after the other, each from a new page."""
    demo = any(f.demo for f in fiches)
    mark = (f'#set page(background: rotate(-45deg, text(size: 40pt, fill: luma(225), {literal(DEMO_MARK)})))\n'
            if demo else "")
    level = 2 if len(fiches) > 1 else 1
    head = (f"#set document(title: {literal(title)}, author: {literal(TITLE)}, date: none)\n"
            '#set text(lang: "fr", font: "DejaVu Sans", size: 8pt)\n'
            '#set page(paper: "a4", flipped: true, margin: 1.2cm)\n' + mark)
    if level == 2:
        head += f"#heading(level: 1, {literal(title)})\n#outline(depth: 2)\n"
    body = "\n#pagebreak()\n".join(_fiche(f, heading_level=level) for f in fiches)
    return head + body + "\n"


def write_pdf(fiches: Sequence[Fiche], target: Path, title: str) -> Path:
    """Compile ``fiches`` into the PDF ``target`` (written atomically by the compiler's helper)."""
    from analysis.render.pdf import compile_pdf

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fiches-typst-", dir=target.parent) as build:
        typ = Path(build) / "fiches.typ"
        typ.write_text(document(fiches, title), encoding="utf-8")
        return compile_pdf(typ, target)
