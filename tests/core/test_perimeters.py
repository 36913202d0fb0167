"""Custom perimeters: the YAML declaration, its errors, the territory it makes, its indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.core import perimeters, territories
from analysis.core.errors import InputError
from analysis.harmonise.table import load_etablissements
from analysis.indicators import compute


@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A project root whose params/perimetres/ the test fills."""
    (tmp_path / "params" / "perimetres").mkdir(parents=True)
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(tmp_path))
    return tmp_path / "params" / "perimetres"


def declare(folder, name, text):
    (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_a_perimeter_of_departements_is_a_territory(project):
    declare(project, "littoral", 'nom: Littoral occitan\nparent: region:76\ndepartements: ["34", "030", 11, "66"]\n')
    t = territories.parse_territory("perimetre:littoral")
    assert (t.id, t.slug, t.label) == ("perimetre:littoral", "perimetre-littoral", "Littoral occitan")
    assert [p.id for p in territories.parents(t)] == ["region:76", "france"]
    assert territories.departement_codes(t) == ["11", "30", "34", "66"]
    assert territories.children(t, "departement") == []
    assert [x.id for x in territories.list_territories("perimetre")] == ["perimetre:littoral"]


def test_a_perimeter_of_etablissements_read_from_a_list_file(project):
    (project / "liste.csv").write_text("Titre de la liste\n\nCommune;Nom;UAI\nAgde;Collège;0341893Y\n;Lycée;0340002T\n",
                                       encoding="utf-8")
    declare(project, "deux", "nom: Deux établissements\netablissements:\n  fichier: liste.csv\n  colonne: uai\n")
    found = perimeters.get("deux")
    assert found.etablissements == ("0341893Y", "0340002T") and found.by_etablissement
    t = territories.parse_territory("perimetre:deux")
    assert [p.id for p in territories.parents(t)] == ["france"]             # no parent: France only
    assert territories.departement_codes(t) == ["34"]                       # from the UAI prefixes
    before = perimeters.digest()
    (project / "liste.csv").write_text("UAI\n0341893Y\n", encoding="utf-8")
    assert perimeters.digest() != before                                     # the list file is in the key


def test_the_report_says_where_the_list_comes_from_without_the_project_layout(project):
    """The edition's header names the list file and the declared source, never params/…."""
    from types import SimpleNamespace

    from analysis.report.text import notes

    (project / "liste.csv").write_text("UAI\n0341893Y\n0340002T\n", encoding="utf-8")
    declare(project, "deux", "nom: Deux\nsource: Liste du TNE (2021)\netablissements:\n  fichier: liste.csv\n")
    t = territories.parse_territory("perimetre:deux")
    ch = SimpleNamespace(is_perimeter=True, is_collectivity=False, territory=t, label=t.label, covered=lambda: {"34"},
                         departements=lambda: {"34"}, parents=[], compared_parents=[])
    said = notes(ch)[0]
    assert said == "Périmètre sur mesure (2\u00a0établissements, liste lue dans le fichier « liste.csv »)\u00a0: " \
                   "Liste du TNE (2021)."
    assert "params" not in said and ".yml" not in said


@pytest.mark.parametrize(("text", "message"), [
    ("nom: X\ndepartements: [34]\netablissements: [0341893Y]\n", "either departements"),
    ("nom: X\n", "either departements"),
    ("departements: [34]\n", "no name"),
    ("nom: X\ndepartements: [34]\nzone: sud\n", "unknown key"),
    ("nom: X\ndepartements: [34, 999]\n", "entry 2 is not a département code"),
    ("nom: X\netablissements: [0341893Y, 0341893Z]\n", "entry 2"),
    ("nom: X\nparent: academie:atlantide\ndepartements: [34]\n", "parent"),
    ("nom: X\netablissements:\n  fichier: absente.xlsx\n", "does not exist"),
])
def test_declaration_errors_name_the_file_and_the_entry(project, text, message):
    declare(project, "faux", text)
    with pytest.raises(InputError, match=message) as caught:
        territories.parse_territory("perimetre:faux")
    assert "faux.yml" in str(caught.value)
    assert isinstance(perimeters.declared()[0], InputError)                  # others still computable


def test_unknown_perimeter_lists_the_declared_ones(project):
    declare(project, "littoral", "nom: Littoral\ndepartements: [34]\n")
    with pytest.raises(InputError, match="declared: littoral"):
        territories.parse_territory("perimetre:montagne")


def test_indicators_of_perimeters_sum_their_members_and_respect_the_secret(small_store):
    table, _ = load_etablissements(small_store, 2018)
    colleges = table[(table["type"] == "college") & table["repondant_etic"] & (table["departement"] == "34")]
    few = perimeters.Perimeter("trois", "Trois collèges", path=None, etablissements=tuple(colleges["uai"][:3]))
    deps = perimeters.Perimeter("duo", "Gard et Lozère", path=None, departements=("30", "48"))
    out = compute(table, year=2018, indicators=["connectivite.acces_internet"], perimeters=[few, deps])
    row = out[(out["territoire"] == "perimetre:trois") & (out["type"] == "college")].iloc[0]
    assert row["statut"] == "secret" and np.isnan(row["valeur"]) and row["univers"] == 3
    sel = out[out["type"] == "ensemble"].set_index("territoire")
    for column in ("numerateur", "denominateur", "univers"):
        assert sel.loc["perimetre:duo", column] == sel.loc["departement:30", column] + sel.loc["departement:48", column]
    assert few.missing(table) == []
    assert perimeters.Perimeter("x", "X", None, etablissements=("0341893Y",)).missing(pd.DataFrame({"uai": []})) \
        == ["0341893Y"]


@pytest.mark.parametrize("name", ["../../evil", "../perimetres/x", "/etc/passwd", "Tne 34", "tne_34", "é", "", "-x"])
def test_a_perimeter_name_is_lowercase_letters_digits_and_hyphens_and_never_a_path(project, name):
    """`perimetre:../../evil` must not read params/evil.yml (or anything outside the folder)."""
    (project.parent / "evil.yml").write_text("nom: Dehors\ndepartements: ['34']\n", encoding="utf-8")
    with pytest.raises(territories.TerritoryError, match="n'est pas un nom de périmètre"):
        territories.parse_territory(f"perimetre:{name}")


def test_a_file_whose_name_breaks_the_rule_is_an_error_naming_it(project):
    declare(project, "Mon TNE", "nom: Mon TNE\ndepartements: ['34']\n")
    declare(project, "tne-34", "nom: TNE\ndepartements: ['34']\n")
    found = perimeters.declared()
    assert isinstance(found[0], InputError) and "Mon TNE.yml" in str(found[0]) and "Renommez" in str(found[0])
    assert found[1].code == "tne-34"
