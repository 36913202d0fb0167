"""What a chapter reads, on the demo data: the territory, its parents and sub-territories, and
rows that are those of indicators.load (a synthetic "absent" row when the table has none)."""

from __future__ import annotations

import math

import pytest

from analysis.core import nc
from analysis.core.formatting import UNIT_SEP
from analysis.report import source_lines
from analysis.report.context import ChapterContext
from tests.report.conftest import check_values_match, reference, same

INDICATORS = ["connectivite.acces_internet", "connectivite.wifi_absent", "equipement.eleves_par_terminal",
              "services.ent", "perimetre.etablissements", "perimetre.part_public", "connectivite.thd",
              "equipement.eleves_par_terminal_rep_plus", "experimentations.colleges_lab"]
TYPES = ["ensemble", "ecole", "college", "lycee"]


def test_the_edition_its_parents_and_sub_territories(demo_chapters):
    region, dep = demo_chapters["region:76"], demo_chapters["departement:31"]
    assert region.territory.id == "region:76" and region.year == 2018 and region.vintage == "2016"
    assert len(region.children) == 13 and region.sublevel == "departement"
    assert dep.sublevel is None and dep.children == []
    assert [p.id for p in dep.parents] == ["academie:toulouse", "region:76", "france"]
    # every département has data: every parent is compared
    assert dep.compared_parents == dep.parents and dep.covered() == {"31"}
    assert region.etic_types == ("ecole", "college", "lycee") and region.demo is True


@pytest.mark.parametrize("territory", ["region:76", "departement:31"])
def test_values_are_those_of_indicators_load(demo_chapters, demo_results, territory):
    ch = demo_chapters[territory]
    checked = check_values_match(ch, demo_results, territory, INDICATORS, TYPES)
    assert checked > 25


def test_rows_comparison_and_sub_territories(demo_chapters, demo_results):
    region, dep = demo_chapters["region:76"], demo_chapters["departement:31"]
    rows = region.rows("equipement.eleves_par_terminal")
    assert list(rows["type"]) == ["ecole", "college", "lycee", "ensemble"]
    assert list(rows["libelle"]) == ["Écoles", "Collèges", "Lycées", "Ensemble"]
    comp = dep.comparison("connectivite.acces_fibre")
    assert list(comp["territoire"]) == ["departement:31", "academie:toulouse", "region:76", "france"]
    for r in comp.itertuples():
        assert same(r.valeur, reference(demo_results, r.territoire, "connectivite.acces_fibre")["valeur"])
    sub = region.sublevel_values("equipement.eleves_par_terminal", "college")
    assert list(sub["code"]) == [c.code for c in region.children] and "Lozère (48)" in set(sub["libelle"])
    assert dep.sublevel_values("services.ent").empty


def test_a_row_the_table_lacks_is_absent_never_zero(demo_chapters):
    row = demo_chapters["region:76"].row("equipement.eleves_par_terminal_rep", "lycee")  # not published
    assert row["statut"] == "absent" and math.isnan(row["valeur"])
    assert demo_chapters["region:76"].value("equipement.eleves_par_terminal_rep", "lycee") != 0


def test_levels_of_a_distribution_are_those_used(demo_chapters):
    levels = dict(demo_chapters["france"].levels("connectivite.classes_internet"))
    assert "connectivite.classes_internet.moins_50" not in levels  # a 2019 level: unused in 2018
    assert levels["connectivite.classes_internet.50_plus"] == "50 % ou plus"


def test_levels_the_questionnaire_does_not_have_are_named_not_drawn(demo_store):
    """2019: « moins de 20 % » and « de 20 à 50 % » are not in the questionnaire: not drawn, named
    under the chart as n.d., said so by a sentence; the 2019 chart is not the 2018 one."""
    from analysis.report.chapter import Chapter

    ch = Chapter("region:76", 2019, store=demo_store)
    assert [i for i, _ in ch.levels("connectivite.classes_internet")] == [
        "connectivite.classes_internet.50_plus", "connectivite.classes_internet.moins_50"]
    note = ch.levels_note("connectivite.classes_internet")
    assert note == (f"n.d.{UNIT_SEP}: de 20 à 50 %, moins de 20 % "
                    "(modalités absentes du questionnaire de l'année)")
    fig = ch.chart_distribution("connectivite.classes_internet")
    assert note in fig.footer_text and "moins de 20" not in fig.alt_text
    said = ch.sentence("connectivite.classes_internet.moins_20")
    assert "modalité absente du questionnaire de l'année" in said and "0 %" not in said
    assert ch.levels_note("connectivite.wifi") is None


def test_source_lines_state_the_nc_rate(demo_chapters, demo_results):
    dep = demo_chapters["departement:31"]
    ref = reference(demo_results, "departement:31", "connectivite.acces_internet")
    assert dep.source_line("connectivite.acces_internet") == f"Source{UNIT_SEP}: ETIC 2018 ({nc.rate(ref['taux_nc'])})"
    assert "n.c." not in dep.source_line("perimetre.part_public")  # the annuaire is exhaustive
    assert "n.c." not in dep.source_line("experimentations.colleges_lab")  # counts have no rate
    several = dep.source_line("equipement.eleves_par_terminal", ["ecole", "college"])
    assert several.startswith(f"Source{UNIT_SEP}: ETIC 2018 (") and "n.c." in several


def test_a_context_alone_reads_without_the_facade(demo_store, demo_results):
    ctx = ChapterContext("academie:toulouse", 2018, store=demo_store, results=demo_results)
    assert ctx.public("connectivite.acces_internet") and not ctx.public("connectivite.thd")
    assert ctx.title("Accès à internet") == "Accès à internet — Académie de Toulouse, 2018"
    assert ctx.key_figure_specs[0] == ("perimetre.etablissements", "ensemble")
    said = source_lines.no_data(ctx, "x.inconnu")        # the wording reads a context as it is
    assert said.startswith("*X.inconnu") and "non disponible" in said


def test_what_a_table_says_of_france_is_read_from_that_table(demo_store, demo_results):
    """Kept per table for the chapters that follow, never carried over to another table."""
    whole = ChapterContext("academie:toulouse", 2018, store=demo_store, results=demo_results)
    assert {"31", "09"} <= whole.departements_with_data and "ecole" in whole.etic_types
    emptied = demo_results.copy()
    gone = ((emptied["indicateur"] == "perimetre.etablissements") & (emptied["code"] == "31")
            & (emptied["niveau"] == "departement"))
    emptied.loc[gone, "univers"] = 0
    no_ecoles = (emptied["indicateur"] == "perimetre.champ_etic") & (emptied["type"] == "ecole")
    emptied.loc[no_ecoles, "statut"] = "absent"
    other = ChapterContext("academie:toulouse", 2018, store=demo_store, results=emptied)
    assert "31" not in other.departements_with_data and "09" in other.departements_with_data
    assert "ecole" not in other.etic_types and "college" in other.etic_types
    again = ChapterContext("academie:toulouse", 2018, store=demo_store, results=demo_results)
    assert again.departements_with_data == whole.departements_with_data and again.etic_types == whole.etic_types


def test_a_row_is_the_tables_and_its_reader_may_change_it(demo_store, demo_results):
    ctx = ChapterContext("departement:31", 2018, store=demo_store, results=demo_results)
    first = ctx.row("connectivite.acces_internet", "ecole")
    expected = ctx.data.iloc[ctx._index[("departement:31", "connectivite.acces_internet", "ecole")]]
    assert first.equals(expected) and first.name == expected.name
    first["valeur"] = -1.0                               # a reader's change stays with that reader
    assert ctx.row("connectivite.acces_internet", "ecole")["valeur"] == expected["valeur"] != -1.0


def test_an_editions_rows_are_selected_once_and_a_chapters_change_stays_its_own(demo_store):
    from analysis import indicators
    from analysis.indicators.results import identity

    loaded = indicators.load(demo_store, 2018)            # a loaded table: what chapters share
    assert identity(loaded) is not None
    first = ChapterContext("departement:31", 2018, store=demo_store, results=loaded)
    second = ChapterContext("departement:31", 2018, store=demo_store, results=loaded)
    assert second._edition_rows is first._edition_rows and second._rows is first._rows
    assert second.data is not first.data and second.data.equals(first.data) and second._index == first._index
    copied = ChapterContext("departement:31", 2018, store=demo_store, results=loaded.copy())
    assert copied._edition_rows is not first._edition_rows and copied.data.equals(first.data)
    assert set(first.data["territoire"]) == {"departement:31", *(p.id for p in first.parents)}
    row = second.row(first.data.loc[0, "indicateur"], first.data.loc[0, "type"])
    first.data.loc[0, "valeur"] = -1.0                    # a chapter changing its rows…
    third = ChapterContext("departement:31", 2018, store=demo_store, results=loaded)
    assert not first.data.equals(second.data) and third.data.equals(second.data)   # …changes only its own
    assert third.row(row["indicateur"], row["type"]).equals(row)
