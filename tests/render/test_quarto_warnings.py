"""The warnings of ``quarto render``, as Quarto prints them (src/core/log.ts: ``WARN:``; its Lua
filters, src/resources/filters/common/log.lua: ``WARNING (file:line)``; pandoc: ``[WARNING]``;
typst: ``warning:``), among its progress lines, in colour on a terminal."""

from __future__ import annotations

from analysis.render.quarto_warnings import quarto_warnings

YELLOW, RESET = "\x1b[33m", "\x1b[39m"
STDERR = f"""[1/9] index.ipynb
{YELLOW}WARNING (/opt/quarto/share/filters/main.lua:41) The following string was found in the document: \
{{.unnumbered}}:::
This usually indicates a problem with a fenced div in the document. Please check the document for errors.{RESET}
[2/9] notebooks/00-synthese.ipynb

pandoc
  to: typst
  output-file: etat-des-lieux-2018-departement-31.typ
[WARNING] Could not fetch resource carte.svg
warning: unknown font family: dejavu sans
   ┌─ etat-des-lieux.typ:12:20
{YELLOW}WARN: Unknown option 'fig-responsive'{RESET}
ERROR: not a warning
{YELLOW}WARN: Unknown option 'fig-responsive'{RESET}
Output created: _book/index.html
"""


def test_each_warning_once_on_one_line_and_nothing_else():
    assert quarto_warnings(STDERR) == [
        "WARNING (/opt/quarto/share/filters/main.lua:41) The following string was found in the document: "
        "{.unnumbered}::: This usually indicates a problem with a fenced div in the document. Please check the "
        "document for errors.",
        "[WARNING] Could not fetch resource carte.svg",
        "warning: unknown font family: dejavu sans ┌─ etat-des-lieux.typ:12:20",
        "WARN: Unknown option 'fig-responsive'",
    ]


def test_a_quiet_render_has_none():
    progress = "[1/2] index.ipynb\n[2/2] notebooks/00-synthese.ipynb\nOutput created: _book/index.html\n"
    assert quarto_warnings(progress) == []
