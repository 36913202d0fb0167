import csv

import pytest

from analysis.core.formatting import fmt_value
from analysis.core.publication import DEMO_BANNER
from analysis.core.statuts import BREAK_MARK
from analysis.fiches import rows
from analysis.fiches.fiche import QUARTER_HEADING, fiche
from tests.conftest import OCCITANIE
from tests.fiches.conftest import line


def test_identity_lines_sources_and_history(small_millesime):
    f = fiche(small_millesime, "0118363F")
    identity = dict(f.identity)
    assert f.nom == "Collège Jules Ferry"
    assert identity["UAI"] == "0118363F"
    assert identity["Type"] == "collège"
    assert identity["Secteur"] == "public"
    assert identity["Département"] == "Aude (11)"
    assert identity["Académie"] == "Académie de Montpellier"
    assert identity["Éducation prioritaire"] == "REP"
    assert f.headings[:2] == ["Réponse 2018", "Réponse 2019"]
    assert f.headings[-2:] == [QUARTER_HEADING, "Source"]
    assert [title for title, _ in f.sections][:3] == ["Connectivité", "Équipement", "Services et ressources"]
    for _, lines in f.sections:
        for found in lines:
            assert len(found) == 1 + len(f.headings)
            assert found[-1].endswith(("2018, 2019",))                  # source and millésimes of every line
    ent = line(f, "Accès à un ENT")
    assert ent[2].endswith(BREAK_MARK)                                  # the question changed in 2019
    assert any(BREAK_MARK in note for note in f.notes)


def test_demo_marking(small_millesime):
    f = fiche(small_millesime, "0118363F")
    assert f.demo and f.banner == DEMO_BANNER and DEMO_BANNER in f.notes


def test_secret_department_values_are_marks(small_millesime):
    f = fiche(small_millesime, "0118363F")                              # Aude: fewer than 5 collèges answered
    found = line(f, "Nombre d'élèves par terminal")
    assert found[1] != rows.NOT_ANSWERED
    assert found[3].startswith("s.")                                    # the département's value
    assert found[-2] == "s."                                            # and the quarter


@pytest.fixture(scope="module")
def occitanie_millesime(occitanie_store):
    from analysis.fiches.fiche import prepare

    return prepare(occitanie_store, 2018)


def _etic_row(uai: str, year: str) -> dict:
    with open(OCCITANIE / "fr-en-etic_2d.csv", encoding="utf-8-sig") as handle:
        return next(r for r in csv.DictReader(handle, delimiter=";") if r["Code_UAI"] == uai and r["Millesime"] == year)


def _yes(row: dict, *columns: str) -> str:
    return rows.YES if any(row[c] == "oui" for c in columns) else rows.NO


def test_real_fiche_against_its_etic_row(occitanie_millesime):
    """0310001H, a collège of Haute-Garonne, value by value against its row of ETIC 2018 (and 2019)."""
    raw = _etic_row("0310001H", "2018")
    later = _etic_row("0310001H", "2019")
    f = fiche(occitanie_millesime, "0310001H")
    assert not f.demo and f.banner is None
    assert dict(f.identity)["Département"] == "Haute-Garonne (31)"
    expected = {
        "Accès à internet par l'ADSL": _yes(raw, "AccWeb_ADSL"),
        "Accès à internet par la fibre optique ou le câble": _yes(raw, "AccWeb_CableFibreOptique"),
        "Accès à internet par le réseau téléphonique commuté (RTC)": _yes(raw, "AccWeb_RTC"),
        "Accès à internet": _yes(raw, "AccWeb_RTC", "AccWeb_CableFibreOptique", "AccWeb_ADSL",
                                 "AccWeb_AutresHautDebit"),
        "Maintenance assurée par la collectivité": _yes(raw, "Maint_PersCollect", "Maint_PrestaExt"),
        "Ressources pour s'entraîner": _yes(raw, "TpRess_ResEntrainement"),
        "Au moins un TNI / TBI": rows.YES if float(raw["NbTBI"]) >= 1 else rows.NO,
        "Nombre d'élèves par terminal": fmt_value(float(raw["NbEleve"]) / float(raw["NbTerminaux"]), "ratio"),
    }
    for title, value in expected.items():
        found = line(f, title)
        assert found[1] == value, title
        assert found[-1].startswith("ETIC 2018"), title
    ratio = fmt_value(float(later["NbEleve"]) / float(later["NbTerminaux"]), "ratio")
    assert line(f, "Nombre d'élèves par terminal")[2] == ratio          # the 2019 answer beside it
    assert line(f, "Accès à internet par l'ADSL")[2] == _yes(later, "AccWeb_ADSL")
    # beside it: the indicator table's values of Haute-Garonne, the académie and France for collèges
    peers = occitanie_millesime.peers
    assert line(f, "Accès à internet par l'ADSL")[3] == peers[("departement:31", "college", "connectivite.acces_adsl")]
    assert line(f, "Accès à internet par l'ADSL")[4] == peers[("academie:toulouse", "college",
                                                               "connectivite.acces_adsl")]
    # the Occitanie files cover France in part: its value is marked, as in the report
    assert "‡" in line(f, "Accès à internet par l'ADSL")[5] and "‡" not in line(f, "Accès à internet par l'ADSL")[4]
    assert any(note.startswith("‡") for note in f.notes)


def test_a_perimeter_that_lists_the_etablissement_is_named(occitanie_millesime):
    from analysis.core import perimeters

    tne = perimeters.get("tne-34")
    listed = [u for u in tne.etablissements if u in occitanie_millesime.position]
    assert listed
    identity = dict(fiche(occitanie_millesime, listed[0]).identity)
    assert f"(perimetre:{tne.code})" in identity["Périmètres"] and tne.nom in identity["Périmètres"]
    assert "Périmètres" not in dict(fiche(occitanie_millesime, "0310001H").identity)


def test_a_fiche_built_alone_is_the_same(small_store, small_millesime):
    """``build etablissement:UAI`` reads its département only: the same fiche as in the whole run."""
    from analysis.fiches.fiche import prepare

    for uai in ("0118363F", "0660036F", small_millesime.uais[-1]):
        alone = prepare(small_store, 2018, only=[uai])
        assert fiche(alone, uai) == fiche(small_millesime, uai), uai
