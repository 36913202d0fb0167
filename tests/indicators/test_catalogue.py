"""The indicator catalogue: one declaration per indicator, checked when loaded; a new indicator is
one YAML entry, and the report finds its wording, chart label and memberships there."""

from __future__ import annotations

import copy
import importlib

import pandas as pd
import pytest
import yaml

from analysis.core.errors import InputError
from analysis.indicators.declarations import check_document
from analysis.report import narrative

catalogue = importlib.import_module("analysis.indicators.catalogue")  # the package exports a function of that name


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(catalogue.PATH.read_text(encoding="utf-8"))


def check(document: dict) -> None:
    check_document(document, catalogue.PATH, themes=catalogue.THEMES)


def test_the_catalogue_is_well_formed(document):
    check(document)
    cat = catalogue.catalogue()
    assert set(cat["connectivite.debit_web.100_plus"].variables) == {"debit_web"}
    assert cat["services.ent"].variables == ("ent",)
    assert cat["equipement.part_terminaux_mobiles"].variables[-1] == "nb_terminaux"
    assert cat["connectivite.thd"].wording.public is False and cat["services.ent"].wording.public is True
    assert cat["connectivite.acces_adsl"].chart_label == "ADSL"
    assert cat["connectivite.acces_internet"].chart_label == "Accès à internet"  # default: its title
    assert all(t in cat[i].types for i, t in catalogue.key_figures())
    assert list(catalogue.completeness_columns())[0] == "Internet"


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["indicators"]["services.ent"].update(colour="bleu"),
     "indicator 'services.ent': unknown key 'colour'"),
    (lambda d: d["indicators"]["services.ent"].pop("unit"),
     "indicator 'services.ent': missing key 'unit'"),
    (lambda d: d["indicators"]["services.ent"]["wording"].update(sentence="{v} des {sujets} ont un ENT"),
     "indicator 'services.ent', key 'wording.sentence': placeholder {sujets} does not exist"),
    (lambda d: d["indicators"]["services.ent"]["wording"].update(phrase="x"),
     "indicator 'services.ent', key 'wording': unknown key 'phrase'"),
    (lambda d: d["indicators"]["experimentations.efran"]["wording"]["counts"].pop("one"),
     "indicator 'experimentations.efran', key 'wording.counts': expected the forms many, one, zero"),
    (lambda d: d["indicators"]["services.ent"].update(key_figure=["erea"]),
     "indicator 'services.ent', key 'key_figure': ['erea'] is not a list of its types"),
    (lambda d: d["indicators"]["services.ent"].update(theme="reseaux"),
     "indicator 'services.ent', key 'theme': 'reseaux' is not one of"),
    (lambda d: d["indicators"]["connectivite.wifi"].update(chart_label="Wifi"),
     "indicator 'connectivite.wifi': unknown key 'chart_label'"),  # distributions: chart_labels
    (lambda d: d["indicators"]["services.ent"].update(rank_order="up"),
     "indicator 'services.ent', key 'rank_order': 'up' is not one of ascending, descending"),
    (lambda d: d["indicators"]["services.eleves_avec_ent"].update(answered=["ent", "nb_eleves"]),
     "indicator 'services.eleves_avec_ent', key 'answered': the weight 'nb_eleves' is one of columns of which any"),
    (lambda d: d["indicators"]["services.eleves_avec_ent"].update(answered={"each": ["ent"]}),
     "indicator 'services.eleves_avec_ent', key 'answered': {'each': ['ent']} is not a list of columns"),
    (lambda d: d["indicators"]["connectivite.acces_adsl"].update(answered=["acces_fibre"]),
     "indicator 'connectivite.acces_adsl', key 'answered': the condition reads 'acces_adsl', which it does not"),
    (lambda d: d["unavailable"]["connectivite.debit_effectif"].pop("reason"),
     "unavailable figure 'connectivite.debit_effectif': missing key 'reason'"),
])
def test_a_malformed_declaration_names_the_file_the_indicator_and_the_key(document, change, message):
    broken = copy.deepcopy(document)
    change(broken)
    with pytest.raises(InputError) as caught:
        check(broken)
    assert str(catalogue.PATH) in str(caught.value) and message in str(caught.value)


def test_a_new_indicator_is_one_yaml_entry(document, tmp_path, monkeypatch):
    extended = copy.deepcopy(document)
    extended["indicators"]["equipement.videoprojecteur_au_moins_un"] = {
        "title": "Au moins un vidéoprojecteur", "theme": "equipement", "kind": "share", "universe": "etic",
        "condition": {"at_least": {"column": "nb_videoprojecteurs", "min": 1}}, "unit": "%", "source": "etic",
        "definition": "Part des établissements déclarant au moins un vidéoprojecteur.",
        "wording": {"sentence": "{v} des {sujet} déclarent au moins un vidéoprojecteur"},
        "chart_label": "Vidéoprojecteur", "key_figure": ["ensemble"], "index_figure": {"college": "Vidéoproj."},
        "completeness_column": "Vidéoproj.",
    }
    path = tmp_path / "indicators.yml"
    path.write_text(yaml.safe_dump(extended, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(catalogue, "PATH", path)
    for cached in (catalogue._read_documents, catalogue._catalogue):
        cached.cache_clear()
    try:
        ind = catalogue.catalogue()["equipement.videoprojecteur_au_moins_un"]
        assert ind.chart_label == "Vidéoprojecteur" and ind.variables == ("nb_videoprojecteurs",)
        assert ("equipement.videoprojecteur_au_moins_un", "ensemble") in catalogue.key_figures()
        assert ("equipement.videoprojecteur_au_moins_un", "college", "Vidéoproj.") in catalogue.index_figures()
        assert catalogue.completeness_columns()["Vidéoproj."] == "equipement.videoprojecteur_au_moins_un"
        row = pd.Series({"indicateur": ind.id, "type": "college", "unite": "%", "valeur": 81.0, "statut": "ok",
                         "source": "ETIC 2018", "taux_nc": 12.0})
        said = narrative.sentence(row)
        assert said.startswith("81\u00a0% des collèges publics déclarent au moins un vidéoprojecteur")
    finally:
        for cached in (catalogue._read_documents, catalogue._catalogue):
            cached.cache_clear()


def test_answered_all_of_several_questions_leaves_out_a_missing_answer():
    """A weighted share counts an establishment only when its answer and its weight are known:
    {all: [ent, nb_eleves]}; a plain list is the boxes of one question (any one known)."""
    from analysis.indicators.compute import contributions

    table = pd.DataFrame({"champ_etic": [True, True, True, True],
                          "ent": pd.array([True, None, False, True], dtype="boolean"),
                          "nb_eleves": pd.array([100, 500, 50, None], dtype="Int64")})
    weighted = catalogue.catalogue()["services.eleves_avec_ent"]
    U, A, N, D = contributions(table, weighted)
    assert A.tolist() == [True, False, True, False]
    assert (N.sum(), D.sum()) == (100, 150)           # 500 pupils whose ENT answer is unknown: n.c.
    boxes = catalogue.Indicator(id="x", title="x", theme="services", kind="share", unit="%", source="etic",
                                definition="x", spec={"condition": {"is_true": "ent"},
                                                      "answered": ["ent", "nb_eleves"]})
    assert contributions(table, boxes)[1].tolist() == [True, True, True, True]
