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
    assert any("non daté" in note and "155 lignes" in note for note in report.notes)
    results = indicators.load(occitanie_store, 2018)
    row = results[(results["territoire"] == "academie:montpellier") & (results["type"] == "college")
                  & (results["indicateur"] == "label.labellise")].iloc[0]
    assert row["univers"] == len(colleges) and row["numerateur"] == (expected != "0").sum()
    assert row["couverture_donnees"] == "complète"
    ecoles = results[(results["territoire"] == "academie:montpellier") & (results["type"] == "ecole")
                     & (results["indicateur"] == "label.labellise")].iloc[0]
    assert ecoles["statut"] == "absent"                                     # n.d., never 0


def test_a_label_list_on_the_demo_data(labelled_demo_store):
    store, herault = labelled_demo_store
    results = indicators.load(store, 2018)
    pick = results.set_index(["territoire", "type", "indicateur"])
    # The list covers the public collèges of the académie de Montpellier: half of the Hérault's.
    assert pick.loc[("departement:34", "college", "label.labellise"), "valeur"] == pytest.approx(
        100 * len(herault.iloc[::2]) / len(herault))
    assert pick.loc[("departement:30", "college", "label.labellise"), "valeur"] == 0       # covered, none listed
    assert pick.loc[("departement:31", "college", "label.labellise"), "statut"] == "absent"   # not covered
    assert pick.loc[("region:76", "college", "label.labellise"), "couverture_donnees"] == "partielle"
    assert np.isnan(pick.loc[("departement:31", "college", "label.labellise"), "valeur"])
    # The label chapter is in the editions of the territories the list covers, only.
    assert included_chapters(BOOK, "departement:34", results) == [p.name for p in BOOK]
    assert included_chapters(BOOK, "departement:31", results) == ["03-equipement.ipynb"]
    assert included_chapters(BOOK, "region:76", results) == [p.name for p in BOOK]
