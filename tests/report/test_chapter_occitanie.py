"""Exact checks of a chapter on the real Occitanie files (../shared; skipped without them): same
numbers as indicators.load, parents with the same data left out of the comparisons, absent
sources said once, figures or the reason there is none, tables. The same behaviour on the demo
data, on any machine: test_context, test_text, test_figures, test_tables, test_methodology."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis import indicators
from analysis.core import nc
from analysis.core.formatting import UNIT_SEP, fmt_value
from analysis.report.chapter import DEMO_WARNING, Chapter, NoFigure, cell_text
from tests.report.conftest import check_values_match, reference, same

NB = UNIT_SEP
INDICATORS = ["connectivite.acces_internet", "connectivite.classes_internet_50_plus", "connectivite.wifi_absent",
              "equipement.eleves_par_terminal", "equipement.part_terminaux_mobiles", "equipement.tni_au_moins_un",
              "services.ent", "perimetre.etablissements", "perimetre.part_public", "connectivite.thd",
              "equipement.eleves_par_terminal_rep_plus"]
TYPES = ["ensemble", "ecole", "college", "lycee"]

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def results_2018(occitanie_store):
    return indicators.load(occitanie_store, 2018)


@pytest.fixture(scope="module")
def region(occitanie_store, results_2018):
    return Chapter("region:76", 2018, store=occitanie_store)


@pytest.fixture(scope="module")
def dep31(occitanie_store, results_2018):
    return Chapter("departement:31", 2018, store=occitanie_store)


# ------------------------------------------------------------------------------ context
def test_context(region, dep31):
    assert region.territory.id == "region:76" and region.year == 2018 and region.vintage == "2016"
    assert [c.code for c in region.children][:3] == ["09", "11", "12"] and len(region.children) == 13
    assert region.sublevel == "departement" and dep31.sublevel is None and dep31.children == []
    assert [p.id for p in dep31.parents] == ["academie:toulouse", "region:76", "france"]
    assert region.etic_types == ("college", "lycee")  # no ETIC 1d in the Occitanie files
    assert region.previous_year is None and region.demo is False


def test_parents_with_the_same_data_are_not_compared(region, dep31):
    # the Occitanie files only: "France" is Occitanie, comparing would repeat the figure
    assert region.compared_parents == []
    assert [p.id for p in dep31.compared_parents] == ["academie:toulouse", "region:76"]
    assert any("la France" in note and "région académique Occitanie" in note for note in region.notes())


@pytest.mark.parametrize("territory", ["region:76", "departement:31"])
def test_values_are_those_of_indicators_load(occitanie_store, results_2018, territory):
    ch = Chapter(territory, 2018, store=occitanie_store, results=results_2018)
    checked = check_values_match(ch, results_2018, territory, INDICATORS, TYPES)
    assert checked > 30


def test_rows_comparison_and_sublevel_match_the_table(region, dep31, results_2018):
    rows = region.rows("equipement.eleves_par_terminal")
    assert list(rows["type"]) == ["college", "lycee", "ensemble"]  # écoles: source absent, left out
    for r in rows.itertuples():
        assert same(r.valeur, reference(results_2018, "region:76", r.indicateur, r.type)["valeur"])
    comp = dep31.comparison("connectivite.acces_fibre")
    assert list(comp["territoire"]) == ["departement:31", "academie:toulouse", "region:76"]
    assert list(comp["libelle"]) == ["Haute-Garonne (31)", "Académie de Toulouse", "Région académique Occitanie"]
    for r in comp.itertuples():
        assert same(r.valeur, reference(results_2018, r.territoire, "connectivite.acces_fibre", "ensemble")["valeur"])
    sub = region.sublevel_values("equipement.eleves_par_terminal", "college")
    assert len(sub) == 13 and set(sub["code"]) >= {"31", "34", "48"}
    for r in sub.itertuples():
        ref = reference(results_2018, f"departement:{r.code}", "equipement.eleves_par_terminal", "college")
        assert r.statut == ref["statut"]
        if r.statut == "ok":
            assert same(r.valeur, ref["valeur"])
    assert dep31.sublevel_values("services.ent").empty


def test_source_line_states_the_nc_rate(region, dep31, results_2018):
    for ch, territory in ((region, "region:76"), (dep31, "departement:31")):
        ref = reference(results_2018, territory, "connectivite.acces_internet", "ensemble")
        line = ch.source_line("connectivite.acces_internet")
        assert line == f"Source{NB}: ETIC 2018 ({nc.rate(ref['taux_nc'])})"
    several = region.source_line("equipement.eleves_par_terminal", ["college", "lycee"])
    assert several.startswith(f"Source{NB}: ETIC 2018 (") and "n.c." in several
    # absent source: no rate; exhaustive annuaire: no 0 % n.c.
    assert region.source_line("connectivite.thd") == f"Source{NB}: Observatoire France THD, Arcep 2018"
    assert "n.c." not in region.source_line("perimetre.part_public")


def test_sentences_match_the_table(region, dep31, results_2018):
    ref = reference(results_2018, "region:76", "connectivite.acces_internet", "ensemble")
    text = region.sentence("connectivite.acces_internet")
    assert fmt_value(ref["valeur"], "%") in text and nc.rate(ref["taux_nc"]) in text
    assert "collèges et lycées publics" in text and "écoles" not in text
    text31 = dep31.sentence("connectivite.acces_fibre")
    toulouse = reference(results_2018, "academie:toulouse", "connectivite.acces_fibre", "ensemble")
    assert (f"contre {fmt_value(toulouse['valeur'], '%')} ({nc.rate(toulouse['taux_nc'])}) "
            "dans l'académie de Toulouse") in text31
    assert "en France" not in text31
    absent = region.sentences(["connectivite.thd", "connectivite.couverture_3g", "connectivite.couverture_4g"])
    assert len(absent) == 1 and "donnée non disponible" in absent[0].lower()
    for ind in INDICATORS:
        for type_ in TYPES:
            assert "nan" not in region.sentence(ind, type_).lower().split()


# ------------------------------------------------------------------------------ figures
def test_charts_carry_source_and_nc(region):
    fig = region.chart_by_type("equipement.eleves_par_terminal")
    assert isinstance(fig, Figure) and "n.c." in fig.source_text and "ETIC 2018" in fig.source_text
    assert "Région académique Occitanie, 2018" in fig.get_suptitle()
    for fig in (region.chart_distribution("connectivite.classes_internet"),
                region.chart_yes_no("equipement.part_terminaux_mobiles", "mobiles", "non mobiles"),
                region.chart_grouped({"equipement.eleves_par_terminal_hors_rep": "Hors REP",
                                      "equipement.eleves_par_terminal_rep": "REP"}, "REP", types=("college",)),
                region.chart_ranked(["services.ressources_entrainement", "services.ressources_logiciels_outils"], "R"),
                region.chart_sublevel("connectivite.acces_fibre")):
        assert isinstance(fig, Figure), fig
        assert fig.source_text.startswith(f"Source{NB}:") and "n.c." in fig.source_text
    perimetre = region.chart_distribution("perimetre.part_type", by="territoire")
    assert isinstance(perimetre, Figure) and "Annuaire" in perimetre.source_text


def test_maps_and_their_absence(region, dep31):
    fig = region.map("equipement.eleves_par_terminal", "college")
    assert isinstance(fig, Figure) and fig.basemap == "boundaries"
    assert set(fig.patches_by_code) == {c.code for c in region.children}
    assert "n.c." in fig.source_text and "fond de carte" in fig.source_text
    no_map = dep31.map("equipement.eleves_par_terminal", "college")
    assert isinstance(no_map, NoFigure) and not no_map
    assert "édition départementale" in no_map.text and "l'académie de Toulouse" in no_map.text
    absent = region.map("connectivite.thd")
    assert isinstance(absent, NoFigure) and "donnée non disponible" in absent.text
    assert isinstance(region.chart_by_type("connectivite.thd"), NoFigure)
    assert region.chart_comparison("connectivite.acces_internet").text == ""  # no parent to compare with


def test_show_figure_and_header_outputs(region, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    region.show_figure(region.chart_by_type("equipement.tni_au_moins_un"))
    bundle, options, data = shown[-2][0][0], shown[-2][1], shown[-1][0]    # the chart, then its data
    assert set(bundle) == {"image/svg+xml", "text/plain"} and options["raw"] is True
    assert bundle["text/plain"].startswith("Diagramme en barres")
    assert "<summary>Données du graphique" in data[0]["text/markdown"]
    region.show_figure(region.map("connectivite.thd"))
    assert "donnée non disponible" in shown[-1][0][0].data
    region.header()
    assert "callout" in shown[-1][0][0]["text/markdown"]
    demo = Chapter("region:76", 2018, store=region.store, results=region.results.assign(demo=True))
    shown.clear()
    demo.header()
    assert DEMO_WARNING in shown[0][0][0]["text/markdown"] and "text/html" not in shown[0][0][0]


# ------------------------------------------------------------------------------ tables
def test_tables(region, dep31, results_2018):
    key = dep31.key_figures([("connectivite.acces_internet", "ensemble"), ("equipement.eleves_par_terminal", "ecole")])
    assert list(key.columns) == ["Thème", "Indicateur", "Établissements", "Haute-Garonne (31)",
                                 "Académie de Toulouse", "Région académique Occitanie", "n.c.", "Source"]
    ref = reference(results_2018, "departement:31", "connectivite.acces_internet", "ensemble")
    assert key.iloc[0]["Haute-Garonne (31)"] == fmt_value(ref["valeur"], "%")
    assert key.iloc[1]["Haute-Garonne (31)"] == "n.d."  # écoles: ETIC 1d absent
    assert cell_text(pd.Series({"statut": "secret", "valeur": 3.0})) == "s."
    complete = region.completeness_by_subterritory()
    assert len(complete) == 14 and complete.iloc[-1]["Territoire"] == "Région académique Occitanie"
    themes = region.completeness_by_theme()
    # the « label numérique » lists are a local source of Occitanie (params/sources/)
    assert list(dict.fromkeys(themes["Famille"])) == ["Connectivité", "Équipement", "Services et ressources",
                                                      "Label numérique"]
    assert set(themes["Source"]) == {"ETIC", "Label numérique (région académique Occitanie)",
                                     "ETIC et label numérique (région académique Occitanie)"}
    assert "Arcep" not in region.completeness_sources()            # no coverage file in the Occitanie data
    assert set(themes["Écoles"]) <= {"n.d.", "–"}
    prov = region.provenance_table()
    assert {"annuaire", "etic_2d"} <= set(prov["Source"]) and prov["sha256"].str.len().eq(64).all()
    assert "sha256" in region.provenance_markdown()
    sources = region.sources_table()
    assert (sources.loc[sources["Fichiers présents"] == "aucun", "Millésimes"] == "–").all()
    assert "non vérifiée" in region.verification_text()
    territories = region.territories_table()
    assert len(territories) == 13 and (territories["Données"] == "oui").all()
    assert "`connectivite.acces_internet`" in region.dictionary_markdown()
    assert len(region.unavailable_table()) == len(indicators.unavailable())
    assert any("ETIC" in line for line in region.harmonisation_lines())
    assert region.experimentations_table().empty and "donnée non disponible" in region.experimentations_note()
    # 75 % of the ETIC field answered in 2018 (73 % before the establishments opened after the survey
    # were left out of the 2018 universe)
    assert "75" in " ".join(region.intro())


def test_france_edition_on_partial_data_says_so(occitanie_store, results_2018):
    france = Chapter("france", 2018, store=occitanie_store, results=results_2018)
    assert any("13 des 101" in note for note in france.notes())
    assert len(france.children) == 101
    assert isinstance(france.map("connectivite.acces_fibre"), Figure)
