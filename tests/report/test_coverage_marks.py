"""Comparisons honest about coverage: a parent the data cover only in part is no point of
comparison (left out of sentences and comparison charts, marked ‡ in the key figures, said in
the chapter's header)."""

from __future__ import annotations

from analysis.report.chapter import Chapter
from analysis.report.tables import PARTIAL_MARK


def test_a_region_a_local_list_covers_in_part_is_not_compared(labelled_demo_store):
    store, _ = labelled_demo_store
    ch = Chapter("departement:34", 2018, store=store)
    assert ch.coverage_of("label.labellise", "college", "region:76") == "partielle"
    assert ch.coverage_of("label.labellise", "college", "academie:montpellier") == "complète"
    assert [p.id for p in ch.comparable_parents("label.labellise", "college")] == ["academie:montpellier"]
    said = ch.sentence("label.labellise", "college")
    assert "académie de Montpellier" in said and "région académique" not in said
    assert list(ch.comparison("label.labellise", "college")["territoire"]) == ["departement:34", "academie:montpellier"]
    table = ch.key_figures([("label.labellise", "college"), ("connectivite.acces_internet", "college")])
    region = table["Région académique Occitanie"]
    assert region.iloc[0].endswith(PARTIAL_MARK) and not region.iloc[1].endswith(PARTIAL_MARK)
    # the national indicators are complete everywhere in the demo: France stays a comparison
    assert "France" in " ".join(p.label for p in ch.comparable_parents("connectivite.acces_internet", "college"))


def test_france_built_on_the_occitanie_files_is_said_partial(occitanie_store):
    corse = Chapter("departement:2A", 2018, store=occitanie_store)
    assert corse.comparable_parents("connectivite.acces_internet") == []
    notes = " ".join(corse.notes())
    assert "Aucune donnée pour Corse-du-Sud (2A)" in notes
    assert "ne couvrent que 13 de ses 101 départements" in notes
    assert "en France" not in corse.sentence("connectivite.acces_internet")
