"""Editions that speak for their territory, through the build: editorial focus boxes (render key
of the editions they touch only), custom perimeters, peers in the key of the chapters that read
them. A tiny book of 2 notebooks (``ETAT_DES_LIEUX_ROOT``) on the deterministic demo data."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis.build import batch, keys
from analysis.core.errors import InputError
from analysis.harmonise.table import load_etablissements
from analysis.sources.store import Store
from tests.build.tinybook import make_project, notebook, options, outcome, page
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

COUNT = """from analysis import indicators
from analysis.sources.store import Store
from IPython.display import Markdown, display
res = indicators.load(Store(data_dir), annee, threshold=seuil_secret)
row = res[(res.territoire == territoire) & (res.indicateur == "connectivite.acces_adsl") & (res.type == "ensemble")]
display(Markdown(f"{territoire} : {row.statut.iloc[0]} {row.univers.iloc[0]}"))"""



@pytest.fixture(scope="module")
def project(demo_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("territoires")
    chapters = {"01-pairs.ipynb": notebook("Pairs", COUNT, metadata={"reads": ["peers"]}),
                "02-fin.ipynb": notebook("Fin", COUNT)}
    root = make_project(base / "projet", chapters, ROOT / "params", params=("sources.yml",))
    data = base / "data"
    shutil.copytree(demo_store.data_dir, data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETAT_DES_LIEUX_ROOT", str(root))
        yield {"root": root, "data": data, "out": base / "reports"}


def write(project, relative: str, text: str):
    path = project["root"] / "params" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_focus_re_renders_only_the_edition_it_names(project):
    first = batch.build_all(2018, options(project), levels=["departement"], within="academie:toulouse")
    assert first.ok and {o.status for o in first.outcomes} == {"built"}
    write(project, "editorial/2018/departement-31/02-fin.md",
          "---\ntitre: Le plan départemental\nauteur: DSDEN 31\ndate: 2019-03-15\n---\nUn collège par canton.\n")
    again = batch.build_all(2018, options(project), levels=["departement"], within="academie:toulouse")
    assert outcome(again, "departement:31").status == "rendered"           # not executed again
    assert "rendu_editorial" in outcome(again, "departement:31").reason
    assert {o.status for o in again.outcomes if o.territory != "departement:31"} == {"skipped"}
    html = page(project, "departement-31")
    assert "Un collège par canton." in html and "Le plan départemental" in html and "DSDEN 31, 2019-03-15" in html
    assert "Un collège par canton." not in page(project, "departement-32")


def test_an_editorial_file_naming_an_unknown_edition_stops_the_build_before_any_work(project):
    bad = write(project, "editorial/2018/departement-310/02-fin.md", "Texte.\n")
    try:
        with pytest.raises(InputError, match="departement-310.*Did you mean departement-31"):
            batch.build("departement:31", 2018, options(project))
    finally:
        shutil.rmtree(bad.parent)


def test_a_perimeter_is_built_and_one_with_absent_etablissements_is_refused(project):
    table, _ = load_etablissements(Store(project["data"]), 2018)
    answered = table[(table["type"] == "college") & (table["departement"] == "31") & table["repondant_etic"]
                     & table["acces_adsl"].notna()]
    colleges = answered["uai"].head(3).tolist()
    write(project, "perimetres/trois.yml", f"nom: Trois collèges\nparent: departement:31\netablissements: {colleges}\n")
    report = batch.build("perimetre:trois", 2018, options(project))
    assert outcome(report, "perimetre:trois").status == "built"
    assert "perimetre:trois : secret 3" in page(project, "perimetre-trois")    # 3 respondents at most: secret
    write(project, "perimetres/fantome.yml", "nom: Fantôme\netablissements: [0341893Y]\n")
    with pytest.raises(InputError, match="1 of the 1 établissements of perimetre:fantome are not in the data"
                                         " of 2018: 0341893Y"):
        batch.build("perimetre:fantome", 2018, options(project))
    listed = batch.select_editions(2018, ["perimetre"], within="departement:31")
    assert [t.id for t in listed] == ["perimetre:trois"]


def test_a_perimeter_whose_list_changes_within_its_departements_is_built_again(project):
    """The data slice of a perimeter is that of its départements: its list is in the key too."""
    table, _ = load_etablissements(Store(project["data"]), 2018)
    colleges = table[(table["type"] == "college") & (table["departement"] == "31")]["uai"].tolist()
    header = "nom: Deux collèges\nparent: departement:31\n"
    write(project, "perimetres/deux.yml", f"{header}etablissements: {colleges[:2]}\n")
    assert outcome(batch.build("perimetre:deux", 2018, options(project)), "perimetre:deux").status == "built"
    assert outcome(batch.build("perimetre:deux", 2018, options(project)), "perimetre:deux").status == "skipped"
    write(project, "perimetres/deux.yml", f"{header}etablissements: {colleges[2:4]}\n")
    again = outcome(batch.build("perimetre:deux", 2018, options(project)), "perimetre:deux")
    assert again.status == "built" and "parametres" in again.reason


def test_a_peer_change_reruns_only_the_chapter_that_reads_the_peers(project):
    batch.build("departement:31", 2018, options(project))
    # Paris is a peer of the Haute-Garonne, not one of its parents: flip a few answers there,
    # enough to move Paris's printed values, too few to move France's.
    store = Store(project["data"])
    path = store.files("etic_2d")[0]
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    paris = raw.index[(raw["Departement"] == "PARIS") & (raw["TpRess_ResEntrainement"] == "oui")
                      & (raw["Millesime"] == "2018")][:6]
    assert len(paris) == 6
    raw.loc[paris, "TpRess_ResEntrainement"] = "non"
    changed = project["root"].parent / "changed" / path.name
    changed.parent.mkdir(exist_ok=True)
    raw.to_csv(changed, sep=";", index=False, encoding="utf-8-sig")
    store.import_paths([changed], demo=True).check()          # demo data stay demo
    built = outcome(batch.build("departement:31", 2018, options(project)), "departement:31")
    assert built.status == "built" and "modifié : pairs" in built.reason, built.reason
    assert "chapitre 01-pairs" in built.timings and "chapitre 02-fin" not in built.timings


def test_the_peers_digest_covers_every_peer_and_only_them():
    from analysis.core import territories

    printed = {t.id: "a" for t in territories.list_territories("departement")}
    base = keys.peers_digest(printed, territories.parse_territory("departement:31"))
    assert keys.peers_digest(dict(printed, **{"departement:75": "b"}),
                             territories.parse_territory("departement:31")) != base
    assert keys.peers_digest(dict(printed, **{"academie:paris": "b"}),
                             territories.parse_territory("departement:31")) == base
    assert keys.peers_digest(printed, territories.france()) == keys.peers_digest({}, territories.france())
