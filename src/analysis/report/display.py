"""What a chapter shows in its notebook: Markdown text, callouts, figures as PNG, HTML tables.

Each output is a MIME bundle the book renderer (:mod:`analysis.render`) turns into HTML and PDF,
and that reads well in JupyterLab too. Functions of a chapter ``ch`` (exposed as its methods:
``ch.say``, ``ch.header``, ``ch.show_figure``, ``ch.table``), and Markdown helpers.
"""

from __future__ import annotations

import base64
import html as html_lib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analysis.core.formatting import is_missing
from analysis.report.style import figure_bytes

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

DEMO_WARNING = "Données de démonstration : chiffres synthétiques, non officiels"
PNG_DPI = 150


# ------------------------------------------------------------------ Markdown
def bullet_list(items: Iterable[str]) -> str:
    """A Markdown bullet list (empty items dropped)."""
    return "\n".join(f"- {item}" for item in items if item)


def callout(text: str, kind: str = "note", title: str | None = None) -> str:
    """A Quarto callout block (``::: {.callout-warning}``), rendered by the book renderer."""
    attrs = f'.callout-{kind}' + (f' title="{title}"' if title else "")
    return f"::: {{{attrs}}}\n{text}\n:::"


def table_html(df: pd.DataFrame, *, source: str | None = None, note: str | None = None) -> str:
    """A plain HTML table (escaped), then the source line and a note as small paragraphs."""
    head = "".join(f"<th>{html_lib.escape(str(c))}</th>" for c in df.columns)
    body = []
    for values in df.astype(object).itertuples(index=False):
        cells = "".join(f"<td>{html_lib.escape('' if is_missing(v) else str(v))}</td>" for v in values)
        body.append(f"<tr>{cells}</tr>")
    parts = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"]
    for text in (source, note):
        if text:
            parts.append(f"<p><small>{html_lib.escape(text)}</small></p>")
    return "\n".join(parts)


def _display(bundle, **kwargs) -> None:
    from IPython.display import display

    display(bundle, **kwargs)


def _markdown(text: str) -> None:
    from IPython.display import Markdown

    _display(Markdown(text))


def _callout(text: str, kind: str, title: str) -> None:
    """A callout for the book (text/markdown) that also reads well in JupyterLab (text/html)."""
    html = (f'<div style="border-left:4px solid #E69F00;background:#fdf6e9;padding:.5em 1em">'
            f"<strong>{html_lib.escape(title)}</strong><br>{html_lib.escape(text)}</div>")
    _display({"text/markdown": callout(text, kind, title), "text/html": html,
              "text/plain": f"{title} : {text}"}, raw=True)


# ------------------------------------------------------------------ a chapter's outputs
def say(ch: Chapter, *paragraphs: str, bullets: Sequence[str] = ()) -> None:
    """Display French text (Markdown paragraphs, then an optional bullet list)."""
    parts = [p for p in paragraphs if p]
    if bullets:
        parts.append(bullet_list(bullets))
    if parts:
        _markdown("\n\n".join(parts))


def header(ch: Chapter) -> None:
    """The chapter's opening warnings: demo data (always visible), data coverage."""
    if ch.demo:
        _callout(DEMO_WARNING + ".", "warning", "Données de démonstration")
    notes = ch.notes()
    if notes:
        _callout(" ".join(notes), "note", "Périmètre des données")


def show_figure(ch: Chapter, fig) -> None:
    """Display a figure as PNG (image/png, with its alt text as text/plain), or the reason
    a :class:`~analysis.report.figures.NoFigure` carries."""
    from analysis.report.figures import NoFigure

    if fig is None:
        return
    if isinstance(fig, NoFigure):
        if fig.text:
            _markdown(fig.text)
        return
    png = figure_bytes(fig, "png", dpi=PNG_DPI)
    alt = getattr(fig, "alt_text", "") or "Graphique"
    width = int(fig.get_figwidth() * 96)
    _display({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, raw=True,
             metadata={"image/png": {"width": width, "alt": alt}})


def table(ch: Chapter, df: pd.DataFrame, *, source: str | None = None, note: str | None = None) -> None:
    """Display a table of French text as HTML, with its source line and a note (nothing
    for an empty table: the text around it says why)."""
    if df is None or df.empty:
        return
    _display({"text/html": table_html(df, source=source, note=note),
              "text/plain": df.to_string(index=False)}, raw=True)
