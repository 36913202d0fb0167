"""The context of one chapter notebook, so that each figure, table or sentence is a few lines.

A notebook does::

    ch = Chapter(territoire, annee, data_dir, seuil_secret)
    ch.say(ch.sentence("connectivite.acces_internet"))
    ch.show_figure(ch.chart_by_type("equipement.eleves_par_terminal"))
    ch.show_figure(ch.map("services.ent", "college"))

:class:`Chapter` is a facade: its data come from :class:`~analysis.report.context.ChapterContext`
(the territory, its parents and sub-territories, their rows of the indicator table), and each of
its other methods is a function of a module by role, listed below, that takes the chapter as
first argument. To find the code behind ``ch.something``, look up ``something`` here.
"""

from __future__ import annotations

from analysis.report import display, figures, methodology, positioning, series, source_lines, tables, text
from analysis.report.context import ChapterContext
from analysis.report.display import DEMO_WARNING
from analysis.report.figures import NoFigure
from analysis.report.tables import KEY_FIGURES_NOTE, TABLE_NOTE, cell_text

__all__ = ["Chapter", "NoFigure", "DEMO_WARNING", "cell_text"]


class Chapter(ChapterContext):
    """Everything a chapter notebook needs for one territory and millésime."""

    #: The legend of the marks of a table (``ch.table(..., note=ch.TABLE_NOTE)``).
    TABLE_NOTE = TABLE_NOTE
    #: What the n.c. column of the key figures gives.
    KEY_FIGURES_NOTE = KEY_FIGURES_NOTE

    # text (sentences and paragraphs): analysis.report.text
    sentence = text.sentence
    sentences = text.sentences
    sub_range = text.sub_range
    distribution_text = text.distribution_text
    top_resources = text.top_resources
    question_change = staticmethod(text.question_change)
    notes = text.notes
    collectivity_note = text.collectivity_note
    collectivity_method = text.collectivity_method
    sources_status = text.sources_status
    intro = text.intro
    establishments = text.establishments
    secret_text = text.secret_text
    completeness_intro = text.completeness_intro
    experimentations_note = text.experimentations_note

    # source lines with their n.c. rates, and why nothing is drawn: analysis.report.source_lines
    source_line = source_lines.source_line
    source_of = source_lines.source_of
    comparison_source = source_lines.comparison_source
    sublevel_source = source_lines.sublevel_source
    short_name = source_lines.short_name
    no_data = source_lines.no_data
    levels_note = source_lines.levels_note

    # figures (charts and maps, or why there is none): analysis.report.figures
    chart_by_type = figures.chart_by_type
    chart_comparison = figures.chart_comparison
    chart_distribution = figures.chart_distribution
    chart_yes_no = figures.chart_yes_no
    chart_grouped = figures.chart_grouped
    chart_ranked = figures.chart_ranked
    chart_sublevel = figures.chart_sublevel
    map = figures.choropleth_map

    # tables: analysis.report.tables
    key_figures = tables.key_figures
    territories_table = tables.territories_table
    dictionary_table = tables.dictionary_table
    dictionary_markdown = tables.dictionary_markdown
    completeness_by_theme = tables.completeness_by_theme
    completeness_sources = tables.completeness_sources
    completeness_by_subterritory = tables.completeness_by_subterritory
    experimentations_table = tables.experimentations_table
    unavailable_table = tables.unavailable_table

    # the territory among its peers: analysis.report.positioning
    positioning_intro = positioning.positioning_intro
    positioning_table = positioning.positioning_table
    positioning_source = positioning.positioning_source
    positioning_note = positioning.positioning_note
    positioning_chart = positioning.positioning_chart
    positioning_map = positioning.positioning_map

    # the key figures over the millésimes: analysis.report.series
    series_intro = series.series_intro
    series_table = series.series_table
    SERIES_NOTE = series.BREAK_NOTE

    # sources, provenance, harmonisation: analysis.report.methodology
    sources_table = methodology.sources_table
    licences_text = methodology.licences_text
    unverified_sources = methodology.unverified_sources
    verification_text = methodology.verification_text
    provenance_table = methodology.provenance_table
    provenance_markdown = methodology.provenance_markdown
    harmonisation_lines = methodology.harmonisation_lines
    local_source_lines = methodology.local_source_lines
    accessibility_text = staticmethod(methodology.accessibility_text)

    # display in the notebook: analysis.report.display
    say = display.say
    header = display.header
    show_figure = display.show_figure
    table = display.table
