"""The tables of a chapter, on the demo data: cells printed as the sentences print them, rows and
columns from the indicator declarations (key figures, completeness columns, experimentations)."""

from __future__ import annotations

import pandas as pd

from analysis import indicators
from analysis.core.formatting import UNIT_SEP, fmt_value
from analysis.report.tables import cell_text
from tests.report.conftest import reference


def test_cells_print_values_and_marks():
    assert cell_text(pd.Series({"statut": "secret", "valeur": 3.0})) == "s."
    assert cell_text(pd.Series({"statut": "absent", "valeur": float("nan")})) == "n.d."
    assert cell_text(pd.Series({"statut": "vide", "valeur": float("nan")})) == "–"
    assert cell_text(pd.Series({"statut": "ok", "valeur": 99.6, "unite": "%"})) == f"99,6{UNIT_SEP}%"


def test_key_figures_are_the_declared_ones(demo_chapters, demo_results):
    dep = demo_chapters["departement:31"]
    key = dep.key_figures()
    assert len(key) == len(indicators.key_figures())
    assert list(key.columns) == ["Thème", "Indicateur", "Établissements", "Haute-Garonne (31)", "Académie de Toulouse",
                                 "Région académique Occitanie", "France", "n.c.", "Source"]
    internet = key[key["Indicateur"] == "Accès à internet"].iloc[0]
    for column, territory in (("Haute-Garonne (31)", "departement:31"), ("France", "france")):
        ref = reference(demo_results, territory, "connectivite.acces_internet")
        assert internet[column] == fmt_value(ref["valeur"], "%")
    assert internet["Établissements"] == "écoles, collèges et lycées publics"
    lab = key[key["Indicateur"] == "Collèges lab"].iloc[0]
    assert lab["Établissements"] == "collèges" and lab["n.c."] == ""  # a count: no rate
    chosen = dep.key_figures([("services.ent", "college")])
    assert list(chosen["Établissements"]) == ["collèges publics"]


def test_completeness_tables(demo_chapters):
    region = demo_chapters["region:76"]
    complete = region.completeness_by_subterritory()
    assert len(complete) == 14 and complete.iloc[-1]["Territoire"] == "Région académique Occitanie"
    assert list(complete.columns)[4:] == list(indicators.completeness_columns())
    themes = region.completeness_by_theme()
    # one row per family and source: the Arcep's coverage is no ETIC question (0 % n.c. or so)
    assert list(zip(themes["Famille"], themes["Source"])) == [
        ("Connectivité", "ETIC"), ("Connectivité", "Observatoire France THD, Arcep"), ("Équipement", "ETIC"),
        ("Services et ressources", "ETIC")]
    assert list(themes.columns) == ["Famille", "Source", "Indicateurs", "Écoles", "Collèges", "Lycées", "Ensemble"]
    assert region.completeness_sources() == (f"Sources{UNIT_SEP}: ETIC 2018{UNIT_SEP}; "
                                             "Observatoire France THD, Arcep 2018")


def test_experimentations_dictionary_territories_unavailable(demo_chapters):
    region, dep = demo_chapters["region:76"], demo_chapters["departement:31"]
    exp = region.experimentations_table()
    assert list(exp.columns) == ["Territoire", "Collèges lab", "Établissements e-FRAN", "Projets e-FRAN",
                                 "Lycées ProFan"]
    assert len(exp) == 14 and len(dep.experimentations_table()) == 1
    dictionary = dep.dictionary_table()
    assert dictionary["Indicateur"].is_unique and "connectivite.classes_internet" in set(dictionary["Indicateur"])
    assert "`connectivite.acces_internet`" in dep.dictionary_markdown()
    territories = region.territories_table()
    assert len(territories) == 13 and (territories["Données"] == "oui").all()
    unavailable = dep.unavailable_table()
    assert len(unavailable) == len(indicators.unavailable())
    assert "Débit internet effectif" in set(unavailable["Figure du rapport 2018"])


def test_no_partial_mark_on_a_missing_value(demo_chapters, monkeypatch):
    """‡ qualifies a value of a territory the data cover in part, never « n.d. » or « s. »."""
    from analysis.report import context

    dep = demo_chapters["departement:31"]
    monkeypatch.setattr(context.ChapterContext, "extent_of", lambda self, ind, type_, t: "partielle")
    key = dep.key_figures([("connectivite.acces_internet", "ensemble"), ("equipement.eleves_par_terminal", "tous")])
    assert key.iloc[0]["France"].endswith(" ‡")
    assert key.iloc[1]["France"] == "n.d."                   # no row for « tous »: n.d., no mark


def test_the_dictionary_says_for_which_types_each_indicator_is_published(demo_chapters):
    table = demo_chapters["departement:31"].dictionary_table().set_index("Indicateur")["Types publiés"]
    assert table["experimentations.colleges_lab"] == "collèges"          # a count of collèges
    assert table["experimentations.profan"] == "lycées"
    assert table["services.colleges_100pct_ent"] == "collèges"           # départements whose collèges…
    assert table["experimentations.efran_projets"] == "ensemble"
    assert table["perimetre.part_type"] == "tous (EREA compris)"
    assert table["perimetre.education_prioritaire"] == "écoles, collèges"
    assert table["connectivite.acces_internet"] == "écoles, collèges, lycées, ensemble"


def test_local_indicators_and_sources_only_where_their_source_applies(demo_chapters, labelled_demo_store):
    """The Occitanie « label numérique » is no part of the national demo edition's dictionary nor
    of its sources; with a list covering the académie de Montpellier's collèges it is in the
    Hérault's edition, not in the Haute-Garonne's."""
    from analysis.report.chapter import Chapter

    france = demo_chapters["france"]
    assert not any(i.startswith("label.") for i in france.dictionary_table()["Indicateur"])
    assert "Label numérique" not in france.dictionary_markdown()
    assert not france.sources_table()["Source"].str.contains("Label numérique").any()
    store, _ = labelled_demo_store
    herault, garonne = (Chapter(t, 2018, store=store) for t in ("departement:34", "departement:31"))
    assert "label.labellise" in set(herault.dictionary_table()["Indicateur"])
    assert herault.dictionary_table().set_index("Indicateur").loc["label.labellise", "Types publiés"] == "collèges"
    assert herault.sources_table()["Source"].str.contains("Label numérique des collèges").any()
    assert not any(i.startswith("label.") for i in garonne.dictionary_table()["Indicateur"])
