"""Collectivité editions through the build: one edition, a commune on demand, the index section,
the selection of ``--all --level collectivite``. A tiny book of one notebook
(``ETAT_DES_LIEUX_ROOT``) on the small demo data folder."""

from __future__ import annotations

import shutil

import pytest

from analysis.build import batch
from analysis.core import territories
from analysis.core.errors import TerritoryError
from analysis.harmonise.table import load_etablissements
from analysis.sources.store import Store
from tests.build.tinybook import make_project, notebook, options, outcome, page
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

COUNT = """from analysis import indicators
from analysis.sources.store import Store
from IPython.display import Markdown, display
res = indicators.load(Store(data_dir), annee, threshold=seuil_secret, also=[territoire])
row = res[(res.territoire == territoire) & (res.indicateur == "perimetre.etablissements") & (res.type == "ensemble")]
display(Markdown(f"{territoire} : {row.statut.iloc[0]} {row.univers.iloc[0]} ({row.nom.iloc[0]})"))"""


@pytest.fixture(scope="module")
def project(small_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("collectivites")
    root = make_project(base / "projet", {"01-compte.ipynb": notebook("Compte", COUNT)}, ROOT / "params",
                        params=("sources.yml", "collectivites.yml"))
    data = base / "data"
    shutil.copytree(small_store.data_dir, data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETAT_DES_LIEUX_ROOT", str(root))
        yield {"root": root, "data": data, "out": base / "reports"}


def test_a_collectivity_and_a_commune_are_built_and_listed_in_their_own_section(project):
    table, _ = load_etablissements(Store(project["data"]), 2018)
    colleges = int((table["departement"].eq("34") & table["type"].eq("college") & table["secteur"].eq("public")).sum())
    report = batch.build("collectivite:departement:34", 2018, options(project))
    assert outcome(report, "collectivite:departement:34").status == "built"
    assert f"collectivite:departement:34 : ok {colleges} (Conseil départemental de l’Hérault)" in \
        page(project, "collectivite-departement-34").replace("'", "’")
    report = batch.build("collectivite:commune:34085", 2018, options(project))
    assert outcome(report, "collectivite:commune:34085").status == "built"
    assert "(Commune de Fontbourg)" in page(project, "collectivite-commune-34085")
    index = (project["out"] / "2018" / "index.html").read_text(encoding="utf-8")
    assert "Collectivités (2)" in index and "collectivite-departement-34/" in index
    again = batch.build("collectivite:departement:34", 2018, options(project))
    assert outcome(again, "collectivite:departement:34").status == "skipped"
    # a later build keeps the rows of the commune built before (its index line, the export)
    exported = (project["out"] / "2018" / "indicateurs-2018.csv").read_text(encoding="utf-8")
    assert "collectivite:commune:34085" in exported


def test_a_commune_the_annuaire_does_not_have_is_refused(project):
    with pytest.raises(TerritoryError, match="vouliez-vous dire collectivite:commune:34042"):
        batch.build("collectivite:commune:34043", 2018, options(project))


def test_all_collectivities_of_a_territory_but_the_communes():
    listed = [t.id for t in batch.select_editions(2018, ["collectivite"], within="region:76")]
    assert "collectivite:departement:34" in listed and "collectivite:region:76" in listed
    assert len(listed) == 14 and not any("commune" in i for i in listed)
    every = batch.select_editions(2018, ["collectivite"])
    assert len(every) == len(territories.list_territories("collectivite", "2016")) == 114
