"""French sentences from indicator rows: statuts, comparisons, changes, typography, never "nan"."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import indicators
from analysis.core import nc
from analysis.core.formatting import THOUSANDS_SEP, UNIT_SEP
from analysis.report import narrative

NB = UNIT_SEP


def row(**kw) -> pd.Series:
    base = {"indicateur": "connectivite.acces_internet", "type": "ensemble", "titre": "Accès à internet",
            "theme": "connectivite", "unite": "%", "valeur": 98.2, "taux_nc": 27.4, "statut": "ok",
            "source": "ETIC 2018", "univers": 1200, "non_communique": 329,
            "evolution": math.nan, "comparable": None}
    base.update(kw)
    return pd.Series(base)


def no_nan(text: str) -> None:
    assert "nan" not in text.lower().replace("nanc", "")  # no "nan", whatever the case
    assert "None" not in text and "<NA>" not in text


# ------------------------------------------------------------------------------ statuts
def test_ok_sentence_has_value_subject_and_nc_rate():
    text = narrative.sentence(row())
    assert text == f"98{NB}% des écoles, collèges et lycées publics déclarent un accès à internet (27{NB}%{NB}n.c.)."


def test_subject_follows_the_types_the_survey_covers():
    text = narrative.sentence(row(), ensemble=("college", "lycee"))
    assert text.startswith(f"98{NB}% des collèges et lycées publics déclarent")
    assert narrative.subject("ecole") == "écoles publiques"
    assert narrative.subject("lycee", public=False) == "lycées"
    # the annuaire covers every type, whatever the survey
    annuaire = row(indicateur="perimetre.part_public", source="Annuaire de l'Éducation nationale 2018",
                   theme="perimetre", taux_nc=0.0, valeur=85.0)
    assert narrative.sentence(annuaire, ensemble=("college",)) == \
        f"85{NB}% des écoles, collèges et lycées sont publics."


def test_feminine_agreement_for_ecoles():
    text = narrative.statement(row(indicateur="perimetre.part_public", type="ecole", valeur=91.0,
                                   source="Annuaire de l'Éducation nationale 2018", theme="perimetre",
                                   taux_nc=0.0))
    assert text == f"91{NB}% des écoles sont publiques"
    thd = narrative.statement(row(indicateur="connectivite.thd", type="ecole", valeur=80.0,
                                  source="Observatoire France THD, Arcep 2018"))
    assert "écoles sont couvertes en très haut débit" in thd


def test_secret_says_why_and_the_threshold():
    text = narrative.sentence(row(statut="secret", valeur=math.nan, type="lycee"), threshold=5)
    assert "secret statistique" in text and f"moins de 5{NB}répondants" in text
    assert "lycées publics" in text
    no_nan(text)
    assert f"0{NB}%" not in text


def test_nc_says_nobody_answered():
    text = narrative.sentence(row(statut="nc", valeur=math.nan, taux_nc=100.0, univers=12))
    assert "non communiqué" in text and "aucun des 12 établissements" in text
    no_nan(text)
    assert f"0{NB}%" not in text


def test_absent_names_the_missing_source():
    text = narrative.sentence(row(statut="absent", valeur=math.nan, taux_nc=math.nan, type="ecole"))
    assert "donnée non disponible" in text
    assert "la source « ETIC premier degré » n'est pas disponible pour ce millésime" in text
    other = narrative.sentence(row(indicateur="connectivite.thd", titre="Couverture en très haut débit (débit "
                                   "potentiel > 30 Mbit/s)", statut="absent", valeur=math.nan, taux_nc=math.nan,
                                   source="Observatoire France THD, Arcep 2018"))
    assert "« Observatoire France THD, Arcep »" in other and "2018 »" not in other
    no_nan(text + other)


def test_vide_is_sans_objet():
    text = narrative.sentence(row(statut="vide", valeur=math.nan, taux_nc=math.nan, univers=0))
    assert "sans objet" in text
    no_nan(text)


def test_missing_statut_wins_over_a_stray_value():
    # a value on a non-ok row is never printed
    text = narrative.sentence(row(statut="secret", valeur=42.0))
    assert "42" not in text and "secret statistique" in text


def test_a_rate_merges_into_a_closing_parenthesis():
    assert narrative.with_nc_rate("… commuté (RTC)", f"12{NB}%{NB}n.c.") == f"… commuté (RTC{NB}; 12{NB}%{NB}n.c.)"
    assert narrative.with_nc_rate("… interactif", f"3{NB}%{NB}n.c.") == f"… interactif (3{NB}%{NB}n.c.)"
    assert narrative.with_nc_rate("a (b) c)", "x") == "a (b) c) (x)"       # unbalanced: left as it is
    assert narrative.with_nc_rate("a", "") == "a"


# ------------------------------------------------------------------------------ comparisons
def test_comparison_with_parents_nearest_first():
    others = [("Académie de Toulouse", row(valeur=95.4, taux_nc=19.6)), ("France", row(valeur=97.6, taux_nc=30.0))]
    text = narrative.sentence(row(), others=others)
    # every compared figure states its own n.c. rate
    assert text.endswith(f", contre 95{NB}% (20{NB}%{NB}n.c.) dans l'académie de Toulouse "
                         f"et 98{NB}% (30{NB}%{NB}n.c.) en France.")
    count = row(indicateur="perimetre.part_public", source="Annuaire de l'Éducation nationale 2018",
                theme="perimetre", taux_nc=0.0, valeur=85.0)
    assert narrative.comparison(count, [("France", count.copy())]) == f"contre 85{NB}% en France"  # no 0 % n.c.


def test_comparison_skips_parents_without_value():
    others = [("Région académique Occitanie", row(statut="nc", valeur=math.nan)), ("France", row(valeur=97.6))]
    text = narrative.sentence(row(), others=others)
    assert "Occitanie" not in text and f"98{NB}% (27{NB}%{NB}n.c.) en France" in text


def test_no_comparison_for_counts_nor_missing_rows():
    count = row(indicateur="experimentations.colleges_lab", titre="Collèges lab", unite="count", valeur=3.0,
                taux_nc=0.0, source="Banque des Territoires, MENJ 2018")
    assert narrative.comparison(count, [("France", count.copy())]) == ""
    assert narrative.comparison(row(statut="nc", valeur=math.nan), [("France", row())]) == ""


# ------------------------------------------------------------------------------ changes
def test_change_in_points_when_comparable():
    text = narrative.sentence(row(evolution=3.2, comparable=True), previous_year=2018)
    assert text.endswith(f" ; +3{NB}points depuis 2018.")
    down = narrative.evolution(row(evolution=-1.0, comparable=True), 2018)
    assert down == f"\u22121{NB}point depuis 2018"
    assert narrative.evolution(row(evolution=0.2, comparable=True), 2018) == "stable depuis 2018"


def test_change_not_comparable_says_the_question_changed():
    text = narrative.sentence(row(indicateur="services.ent", evolution=math.nan, comparable=False),
                              previous_year=2018)
    assert "la question a changé depuis 2018" in text and "pas comparable" in text
    no_nan(text)


def test_no_change_for_the_annuaire_snapshot():
    r = row(indicateur="perimetre.part_public", source="Annuaire de l'Éducation nationale 2019", theme="perimetre",
            taux_nc=0.0, evolution=0.0, comparable=True)
    assert narrative.evolution(r, 2018) == ""


def test_no_change_without_previous_millesime_or_value():
    assert narrative.evolution(row(evolution=3.0, comparable=True), None) == ""
    assert narrative.evolution(row(evolution=math.nan, comparable=True), 2018) == ""
    assert narrative.evolution(row(statut="absent", valeur=math.nan, comparable=False), 2018) == ""


def test_ratio_change_and_agreement():
    r = row(indicateur="equipement.eleves_par_terminal", titre="Nombre d'élèves par terminal", unite="ratio",
            valeur=2.27, type="college", evolution=-0.12, comparable=True)
    text = narrative.sentence(r, previous_year=2018)
    assert text.startswith(f"2,3{NB}élèves par terminal dans les collèges publics")
    assert f"\u22120,1{NB}élève par terminal depuis 2018" in text
    # agreement follows the printed number: 1,98 prints "2,0", hence the plural
    assert narrative.statement(r.copy().replace({2.27: 1.98})).startswith(f"2,0{NB}élèves")
    assert narrative.statement(row(indicateur="equipement.eleves_par_terminal", unite="ratio",
                                   valeur=1.84)).startswith(f"1,8{NB}élève par terminal")


# ------------------------------------------------------------------------------ typography
def test_counts_agree_and_say_zero():
    base = dict(indicateur="experimentations.colleges_lab", titre="Collèges lab", unite="count", taux_nc=0.0,
                source="Banque des Territoires, MENJ 2018")
    assert narrative.sentence(row(valeur=47.0, **base)) == f"47{NB}collèges ont lancé un projet « collège lab »."
    assert narrative.sentence(row(valeur=1.0, **base)) == f"1{NB}collège a lancé un projet « collège lab »."
    assert narrative.sentence(row(valeur=0.0, **base)) == "Aucun collège n'a lancé de projet « collège lab »."
    big = narrative.sentence(row(indicateur="perimetre.etablissements", titre="Nombre d'écoles, collèges et lycées",
                                 unite="count", valeur=63059.0, taux_nc=0.0, theme="perimetre",
                                 source="Annuaire de l'Éducation nationale 2018"))
    assert big == f"63{THOUSANDS_SEP}059{NB}écoles, collèges et lycées sont recensés dans l'annuaire."


def test_annuaire_rows_do_not_print_zero_nc():
    r = row(indicateur="perimetre.part_public", theme="perimetre", taux_nc=0.0, valeur=86.0,
            source="Annuaire de l'Éducation nationale 2018")
    assert "n.c." not in narrative.sentence(r)
    assert nc.paren(row(taux_nc=0.0)) == f"(0{NB}%{NB}n.c.)"  # a survey rate of 0 is a fact


WORDED = sorted(i.id for i in indicators.catalogue().values() if i.wording.sentence or i.wording.counts)


@pytest.mark.parametrize("statut", ["ok", "secret", "nc", "absent", "vide"])
@pytest.mark.parametrize("ind", WORDED)
def test_every_phrase_reads_for_every_statut(ind, statut):
    unit = indicators.catalogue()[ind].unit
    value = 12.0 if statut == "ok" else math.nan
    for type_ in ("ensemble", "ecole", "college", "lycee"):
        r = row(indicateur=ind, titre="Titre", unite=unit, valeur=value, statut=statut, type=type_,
                evolution=1.0 if statut == "ok" else math.nan, comparable=True)
        text = narrative.sentence(r, others=[("France", row(unite=unit, valeur=10.0))], previous_year=2018)
        no_nan(text)
        assert "{" not in text and "}" not in text
        assert (text[0].isupper() or text[0].isdigit()) and text.endswith(".")
        if statut != "ok":
            assert "12" not in text


# ------------------------------------------------------------------------------ others
def test_sub_range_names_extremes_and_missing():
    rows = pd.DataFrame({"nom": ["Aude", "Gers", "Lot", "Tarn", "Gard"],
                         "valeur": [85.0, 100.0, 92.0, math.nan, math.nan],
                         "statut": ["ok", "ok", "ok", "nc", "secret"], "unite": "%"})
    text = narrative.sub_range(rows)
    assert text.startswith(f"Selon les départements, la valeur va de 85{NB}% (Aude) à 100{NB}% (Gers)")
    assert f"non communiqué pour 1{NB}département" in text and f"secret statistique pour 1{NB}département" in text
    assert narrative.sub_range(rows.iloc[:1]) == ""


def test_distribution_and_absent_grouping():
    rows = pd.DataFrame({"modalite": ["50_plus", "20_50"], "titre": ["P : 50 % ou plus", "P : de 20 à 50 %"],
                         "valeur": [97.0, math.nan], "statut": ["ok", "secret"], "unite": "%"})
    assert narrative.distribution(rows) == (f"50 % ou plus{NB}: 97{NB}% ; de 20 à 50 %{NB}: "
                                            f"secret statistique (moins de 5{NB}répondants)")
    thd = "Observatoire France THD, Arcep 2018"
    absent = [row(titre="Couverture 3G", statut="absent", valeur=math.nan, source=thd),
              row(titre="Couverture 4G", statut="absent", valeur=math.nan, source=thd)]
    text = narrative.absent_sentence(absent)
    assert text.startswith("Donnée non disponible pour") and "couverture 3G et couverture 4G" in text
    assert text.count("Observatoire") == 1
