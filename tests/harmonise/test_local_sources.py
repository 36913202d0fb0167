"""A local source group joined to the harmonised table: the Occitanie « label numérique » lists
(real files), and a list written for the demo data (any machine)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import indicators
from analysis.build.editions import included_chapters
from analysis.harmonise.table import load_etablissements
from tests.conftest import OCCITANIE, ROOT, need_shared

BOOK = [ROOT / "notebooks" / "03-equipement.ipynb", ROOT / "notebooks" / "07-label-numerique.ipynb"]


def test_the_label_lists_on_the_real_files(occitanie_store):
    need_shared(OCCITANIE)
    table, report = load_etablissements(occitanie_store, 2018)
    # By hand: the public collèges of the académie de Montpellier of the table, and the 2018 list.
    listed = pd.read_csv(OCCITANIE / "fr-en-occitanie-label-numerique-college.csv", sep=";", dtype=str)
    listed = listed[listed["Année"] == "2018"].set_index("RNE")["Label"]
    colleges = table[(table["type"] == "college") & (table["secteur"] == "public")
                     & (table["academie"] == "montpellier")]
    expected = colleges["uai"].map(listed).fillna("0")
    assert (colleges["label_niveau"].to_numpy() == expected.to_numpy()).all()
    assert colleges["couvert_label_numerique"].all()
    assert not table.loc[(table["type"] == "college") & (table["academie"] == "toulouse"),
                         "couvert_label_numerique"].any()                 # not in the collèges list
    assert table.loc[table["type"] == "ecole", "label_niveau"].isna().all()  # the undated list
    assert any("non daté, qui n'est rattaché à aucun millésime" in note and "155\u00a0lignes écartées" in note
               for note in report.notes)
    # a listed collège outside the declared coverage is named, in the singular
    assert any(note.endswith("1\u00a0établissement hors de la couverture déclarée de la source, non retenu "
                             "(0342266D).") for note in report.notes)
    results = indicators.load(occitanie_store, 2018)
    row = results[(results["territoire"] == "academie:montpellier") & (results["type"] == "college")
                  & (results["indicateur"] == "label.labellise")].iloc[0]
    assert row["univers"] == len(colleges) and row["numerateur"] == (expected != "0").sum()
    assert row["couverture_donnees"] == "complète"
    ecoles = results[(results["territoire"] == "academie:montpellier") & (results["type"] == "ecole")
                     & (results["indicateur"] == "label.labellise")].iloc[0]
    assert ecoles["statut"] == "absent"                                     # n.d., never 0


def test_a_label_list_on_the_demo_data(labelled_small_store):
    store, herault = labelled_small_store
    results = indicators.load(store, 2018)
    pick = results.set_index(["territoire", "type", "indicateur"])
    # The list covers the public collèges of the académie de Montpellier: half of the Hérault's.
    assert len(herault) >= 5                                     # published, not secret
    assert pick.loc[("departement:34", "college", "label.labellise"), "valeur"] == pytest.approx(
        100 * len(herault.iloc[::2]) / len(herault))
    gard = pick.loc[("departement:30", "college", "label.labellise")]              # covered, none listed:
    assert gard["statut"] != "absent" and gard["univers"] > 0 and gard["numerateur"] == 0     # 0, never n.d.
    assert pick.loc[("departement:31", "college", "label.labellise"), "statut"] == "absent"   # not covered
    assert pick.loc[("region:76", "college", "label.labellise"), "couverture_donnees"] == "partielle"
    assert np.isnan(pick.loc[("departement:31", "college", "label.labellise"), "valeur"])
    # The label chapter is in the editions of the territories the list covers, only.
    assert included_chapters(BOOK, "departement:34", results) == [p.name for p in BOOK]
    assert included_chapters(BOOK, "departement:31", results) == ["03-equipement.ipynb"]
    assert included_chapters(BOOK, "region:76", results) == [p.name for p in BOOK]


def test_the_notes_name_the_establishments_left_out_with_french_plurals():
    """Rows of a list outside its declared coverage or without an establishment are counted and
    named (UAI), « 1 établissement … non retenu », « 2 établissements … non retenus »."""
    from analysis.harmonise import local_sources
    from analysis.harmonise.table import HarmoniseReport
    from analysis.sources.registry import load_registry

    registry = {k: s for k, s in load_registry().items() if k == "label_numerique_colleges"}
    table = pd.DataFrame({"uai": ["0340001A", "0340002B", "0310003C", "0310004D"],
                          "type": "college", "secteur": "public", "departement": ["34", "34", "31", "31"]})
    listed = pd.DataFrame({"uai": ["0340001A", "0310003C", "0310004D", "0349999Z"], "annee": "2018",
                           "niveau": "2"})
    report = HarmoniseReport(annee=2018, vintage="2016")
    local_sources.join(table, 2018, registry, lambda source: [listed], report)
    assert "2\u00a0établissements hors de la couverture déclarée de la source, non retenus (0310003C, 0310004D)." \
        in report.notes[1]
    assert "1\u00a0ligne sans établissement correspondant dans le périmètre du millésime (0349999Z)." \
        in report.notes[0]
    assert list(table["label_niveau"].fillna("n.d.")) == ["2", "0", "n.d.", "n.d."]
