"""Comparisons honest about coverage: a parent the data cover only in part is no point of
comparison (left out of sentences and comparison charts, marked ‡ in the key figures, said in
the chapter's header)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.statuts import PARTIAL_MARK
from analysis.core.vocabulary import the_territory
from analysis.report.chapter import Chapter


def test_a_region_a_local_list_covers_in_part_is_not_compared(labelled_demo_store):
    store, _ = labelled_demo_store
    ch = Chapter("departement:34", 2018, store=store)
    assert ch.extent_of("label.labellise", "college", "region:76") == "partielle"
    assert ch.extent_of("label.labellise", "college", "academie:montpellier") == "complète"
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


# ------------------------------------------------------------------ no data is not « sans objet »
def test_rows_of_a_territory_the_data_do_not_cover_are_not_available_not_empty():
    import pandas as pd

    from analysis.core.statuts import UNCOVERED
    from analysis.indicators.results import mark_uncovered

    rows = pd.DataFrame({
        "territoire": ["departement:31", "departement:75", "departement:75", "departement:31", "departement:75",
                       "departement:31"],
        "indicateur": ["a", "a", "thd", "thd", "b", "b"], "type": "college",
        "statut": ["ok", "vide", "absent", "absent", "vide", "vide"], "univers": [10, 0, 0, 0, 0, 0],
        "couverture_donnees": ["complète", "aucune", "aucune", "complète", "complète", "complète"]})
    marked = mark_uncovered(rows)
    # Paris, where the data have none of the 10 collèges found elsewhere: n.d., and why
    assert list(marked["statut"]) == ["ok", "absent", "absent", "absent", "vide", "vide"]
    assert marked["motif"].iloc[1] == UNCOVERED and marked["motif"].drop(1).isna().all()
    # a source absent everywhere keeps its own reason; no establishment anywhere is still « sans objet »
    assert rows["statut"].iloc[1] == "vide"                     # the table given is not changed


@pytest.mark.shared_data
def test_a_territory_without_data_says_so_in_every_figure(occitanie_store):
    from analysis.core.statuts import UNCOVERED

    paris = Chapter("departement:75", 2018, store=occitanie_store)
    for ind, type_ in [("connectivite.acces_internet", "ensemble"), ("perimetre.etablissements", "ensemble"),
                       ("equipement.eleves_par_terminal", "college")]:
        row = paris.row(ind, type_)
        assert row["statut"] == "absent" and row["motif"] == UNCOVERED, (ind, type_)
        said = paris.sentence(ind, type_)
        assert "ne couvrent pas ce territoire" in said and "sans objet" not in said, said
        assert "sans objet" not in paris.no_data(ind, [type_])
    listed = " ".join(paris.sentences(["connectivite.acces_internet", "connectivite.wifi_absent", "connectivite.thd"]))
    assert "accès à internet et pas de wifi" in listed and "ne couvrent pas ce territoire" in listed
    # the THD files are absent everywhere: that reason stays
    assert "« Observatoire France THD, Arcep » n'est pas disponible pour ce millésime" in listed
    cells = paris.key_figures()[paris.label]
    assert (cells == "n.d.").all() and not cells.str.contains("–").any()


def test_a_local_source_says_which_list_does_not_cover_the_territory(labelled_small_store):
    store, _ = labelled_small_store
    toulouse = Chapter("departement:31", 2018, store=store)     # the list is of the Hérault's collèges
    college = toulouse.sentence("label.labellise", "college").replace("\u00a0", " ")
    assert college == ("Établissements labellisés « numérique » (collèges publics) : donnée non disponible ; "
                       "la source « Label numérique des collèges (académie de Montpellier) » ne couvre pas "
                       f"{the_territory('Haute-Garonne (31)', 'departement')}.")
    assert "n'est pas disponible pour ce millésime" not in college
    lycee = toulouse.sentence("label.labellise", "lycee")     # no list of lycées in this data folder
    assert "« Label numérique des lycées (région académique Occitanie) » est absente du dossier de données" \
        in lycee.replace("\u00a0", " ")
    # several indicators of the same type and reason: one sentence naming the type
    said = toulouse.sentences([("label.eleves_par_terminal_labellises", "college"),
                               ("label.ent_labellises", "college")], compare=False)
    assert len(said) == 1 and said[0].startswith("Donnée non disponible pour les collèges publics")
    assert pd.isna(toulouse.row("connectivite.acces_internet", "college")["motif"])  # a national source


@pytest.mark.shared_data
def test_maps_draw_the_departements_without_data_as_not_available(occitanie_store):
    france = Chapter("france", 2018, store=occitanie_store)     # 13 départements of 101 have data
    fig = france.map("connectivite.acces_internet")
    assert "n.d. (non disponible)" in fig.legend_labels
    assert not {"sans objet", "n.c. (non communiqué)"} & set(fig.legend_labels)
    assert "non disponible pour 88\u00a0départements" in fig.alt_text


@pytest.mark.shared_data
def test_one_indicator_of_several_types_without_data_names_the_ensemble_once(occitanie_store):
    paris = Chapter("departement:75", 2018, store=occitanie_store)
    said = paris.sentences([("perimetre.taux_reponse_etic", t) for t in ("ensemble", "college", "lycee")])
    assert said == ["Taux de réponse à l'enquête ETIC (collèges et lycées publics)\u00a0: donnée non disponible\u00a0; "
                    "les fichiers de données ne couvrent pas ce territoire."]
    # a distribution without data says why, instead of an empty line
    assert paris.distribution_text("perimetre.education_prioritaire", "ecole") == \
        "Écoles\u00a0: donnée non disponible\u00a0; les fichiers de données ne couvrent pas ce territoire"
