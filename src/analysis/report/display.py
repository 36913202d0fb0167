"""What a chapter shows in its notebook: Markdown text, callouts, figures as SVG, Markdown tables.

Each output is a MIME bundle that both renderers (the built-in one, :mod:`analysis.render`, and
Quarto) turn into HTML and PDF, and that reads well in JupyterLab too. No output is ``text/html``:
Quarto would prefer it in HTML (its callouts and captions lost) and add require.js and jQuery
from a CDN, and the PDF would lose it. Functions of a chapter ``ch`` (exposed as its methods:
``ch.say``, ``ch.header``, ``ch.show_figure``, ``ch.table``), and Markdown helpers.

Every Markdown text a chapter shows goes through :func:`analysis.core.markup.neutralise` on its
way out: the sentences and tables quote names from the data and from users (a perimeter's
``nom``, a file name), and none of them may open raw HTML, a link or an attribute in the
published page. Strings the report quotes on purpose are escaped where they are written
(:func:`analysis.core.markup.markdown_text`, e.g. the provenance annex).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analysis.core.formatting import UNIT_SEP, is_missing
from analysis.core.markup import Markdown, neutralise
from analysis.report.figure_store import StoredFigure
from analysis.report.style import figure_bytes
from analysis.report.table_widths import column_widths

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

DEMO_WARNING = "Données de démonstration : chiffres synthétiques, non officiels"
#: A cell that reads as a number (right-aligned): "63 059", "97 %", "−2,5", or a mark of a
#: missing value ("n.c.", "s.", "n.d.", "–"), or several of them ("12 % / 20 % / –").
_ONE = r"(?:[−+-]?\d[\d\u202f,.]*(?:\u00a0%)?(?: [†‡])?|n\.c\.|s\.|n\.d\.|–)"
_NUMERIC = re.compile(rf"^{_ONE}(?: / {_ONE})*$")


# ------------------------------------------------------------------ Markdown
def bullet_list(items: Iterable[str]) -> str:
    """A Markdown bullet list (empty items dropped)."""
    return "\n".join(f"- {item}" for item in items if item)


def callout(text: str, kind: str = "note", title: str | None = None) -> str:
    """A Quarto callout block (``::: {.callout-warning}``), rendered by the book renderer."""
    attrs = f'.callout-{kind}' + (f' title="{title}"' if title else "")
    return f"::: {{{attrs}}}\n{text}\n:::"


def _cell(value) -> str:
    text = "" if is_missing(value) else re.sub(r"\s*[\r\n]+\s*", " ", str(value)).strip()   # no-break spaces kept
    if isinstance(value, Markdown):             # composed by the report from literal parts: as it is
        return text.replace("|", "\\|")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def table_markdown(df: pd.DataFrame, *, source: str | None = None, note: str | None = None) -> str:
    """A Markdown pipe table (columns of numbers right-aligned, ``|`` escaped), then the source
    line and the note as plain paragraphs: the renderers caption it from the cell's ``tbl-cap``."""
    # plain lists: pandas' element-wise map cost ~2 ms a table, and a chapter shows dozens
    columns = [[_cell(v) for v in col] for col in df.astype(object).to_numpy().T.tolist()]
    numeric = [bool(col) and all(v == "" or _NUMERIC.match(v) for v in col) and any(v != "" for v in col)
               for col in columns]
    header = [_cell(c) for c in df.columns]
    widths = column_widths(header, columns, numeric)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("-" * w + (":" if n else "") for w, n in zip(widths, numeric)) + "|"]
    rows = zip(*columns) if columns else [()] * len(df)
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n\n".join(["\n".join(lines)] + [text for text in (source, note) if text])


def _display(bundle, **kwargs) -> None:
    from IPython.display import display

    display(bundle, **kwargs)


def _markdown(text: str) -> None:
    from IPython.display import Markdown

    _display(Markdown(neutralise(text)))


def callout_div(text: str, kind: str, title: str) -> str:
    """A callout as a ``<div class="callout-…">`` whose first heading is the title: a callout
    for both renderers (Quarto takes the heading as the title), and plain text with a heading in
    JupyterLab."""
    return f'<div class="callout-{kind}">\n\n## {title}\n\n{text}\n\n</div>'


def _callout(text: str, kind: str, title: str) -> None:
    _display({"text/markdown": callout_div(neutralise(text), kind, neutralise(title)),
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
    """Display a figure as SVG (vector, its text selectable; the alt text as text/plain and in
    the output's metadata), or the reason a :class:`~analysis.report.figures.NoFigure` carries."""
    from analysis.report.figures import NoFigure

    if fig is None:
        return
    if isinstance(fig, NoFigure):
        if fig.text:
            _markdown(fig.text)
        return
    if isinstance(fig, StoredFigure):             # drawn once, read from the build's figure store
        svg, width = fig.svg, fig.width_px
    else:
        svg, width = figure_bytes(fig, "svg").decode("utf-8"), int(fig.get_figwidth() * 96)
    alt = getattr(fig, "alt_text", "") or "Graphique"
    _display({"image/svg+xml": svg, "text/plain": alt}, raw=True,
             metadata={"image/svg+xml": {"width": width, "alt": alt}})
    data = getattr(fig, "data_table", None)
    if data is not None and not data.empty:
        text = chart_data_markdown(data, getattr(fig, "title_text", "") or "")
        _display({"text/markdown": text, "text/plain": data.to_string(index=False)}, raw=True)


#: The summary of the values of a chart, under it (HTML only: the PDF's alt text gives them).
CHART_DATA = "Données du graphique"


def chart_data_markdown(data: pd.DataFrame, title: str) -> str:
    """The values a chart draws as a table folded under it (``<details>``: reached by keyboard,
    opened with Entrée), in the HTML of both renderers (a Quarto ``content-visible`` block, which
    the built-in renderer reads too); the summary names the chart for a screen reader."""
    named = html.escape(title.replace("\n", " ").strip())
    hidden = f'<span class="visually-hidden">{UNIT_SEP}: {named}</span>' if named else ""
    caption = f"\n\n: {CHART_DATA}{UNIT_SEP}: {_cell(named)}" if named else ""
    return ('::: {.content-visible when-format="html"}\n'
            f'<details class="chart-data">\n<summary>{CHART_DATA}{hidden}</summary>\n\n'
            f"{table_markdown(data)}{caption}\n\n</details>\n:::")


def table(ch: Chapter, df: pd.DataFrame, *, source: str | None = None, note: str | None = None) -> None:
    """Display a table of French text as Markdown, with its source line and a note (nothing
    for an empty table: the text around it says why)."""
    if df is None or df.empty:
        return
    from analysis.core.statuts import PARTIAL_MARK
    from analysis.report.tables import PARTIAL_NOTE

    if df.astype(str).apply(lambda col: col.str.endswith(PARTIAL_MARK)).any().any():
        note = f"{note} {PARTIAL_NOTE}" if note else PARTIAL_NOTE
    _display({"text/markdown": neutralise(table_markdown(df, source=source, note=note)),
              "text/plain": df.to_string(index=False)}, raw=True)
