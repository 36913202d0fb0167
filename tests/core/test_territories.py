"""Territories reference: tables per vintage, parsing, hierarchy, name matching."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.core import territories as tr
from analysis.core.territories import (
    Territory,
    TerritoryError,
    academie_from_name,
    children,
    departement_codes,
    departement_from_name,
    hierarchy,
    list_territories,
    normalise_departement_code,
    parents,
    parse_territory,
    vintage_for_year,
)

TOULOUSE = ["09", "12", "31", "32", "46", "65", "81", "82"]
MONTPELLIER = ["11", "30", "34", "48", "66"]

# Annex 1 of the 2018 report (2016 map), Aix-Marseille corrected (the annex repeats Montpellier).
ANNEX_1 = {
    "clermont-ferrand": ["03", "15", "43", "63"],
    "grenoble": ["07", "26", "38", "73", "74"],
    "lyon": ["01", "42", "69"],
    "besancon": ["25", "39", "70", "90"],
    "dijon": ["21", "58", "71", "89"],
    "rennes": ["22", "29", "35", "56"],
    "orleans-tours": ["18", "28", "36", "37", "41", "45"],
    "corse": ["2A", "2B"],
    "nancy-metz": ["54", "55", "57", "88"],
    "reims": ["08", "10", "51", "52"],
    "strasbourg": ["67", "68"],
    "amiens": ["02", "60", "80"],
    "lille": ["59", "62"],
    "creteil": ["77", "93", "94"],
    "paris": ["75"],
    "versailles": ["78", "91", "92", "95"],
    "caen": ["14", "50", "61"],
    "rouen": ["27", "76"],
    "bordeaux": ["24", "33", "40", "47", "64"],
    "limoges": ["19", "23", "87"],
    "poitiers": ["16", "17", "79", "86"],
    "montpellier": MONTPELLIER,
    "toulouse": TOULOUSE,
    "nantes": ["44", "49", "53", "72", "85"],
    "aix-marseille": ["04", "05", "13", "84"],
    "nice": ["06", "83"],
    "guadeloupe": ["971"],
    "guyane": ["973"],
    "martinique": ["972"],
    "la-reunion": ["974"],
}


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def test_vintage_for_year() -> None:
    assert vintage_for_year(2016) == "2016"
    assert vintage_for_year(2018) == "2016"
    assert vintage_for_year(2019) == "2016"
    assert vintage_for_year(2020) == "2020"
    assert vintage_for_year(2024) == "2020"


@pytest.mark.parametrize("vintage, n_academies, n_regions", [("2016", 30, 17), ("2020", 30, 18)])
def test_counts(vintage: str, n_academies: int, n_regions: int) -> None:
    deps = tr.departements(vintage)
    assert (deps["statut"] == "departement").sum() == 101
    assert set(deps.loc[deps["statut"] == "com", "departement"]) == {"975", "977", "978", "986", "987", "988"}
    assert deps["departement"].is_unique
    assert set(deps.loc[deps["drom"], "departement"]) == {"971", "972", "973", "974", "976"}
    assert deps["drom"].dtype == bool
    acas = tr.academies(vintage)
    assert (acas["statut"] == "academie").sum() == n_academies
    assert acas["academie"].is_unique and acas["academie_code"].is_unique
    assert acas["academie_code"].str.len().eq(2).all()
    regs = tr.regions(vintage)
    assert (regs["statut"] == "region-academique").sum() == n_regions
    assert len(regs) == 18
    assert len(list_territories("departement", vintage)) == 101
    assert len(list_territories("academie", vintage)) == n_academies
    assert len(list_territories("region", vintage)) == n_regions
    # Every département refers to a known académie and région.
    assert set(deps["academie"]) <= set(acas["academie"])
    assert set(deps["region"]) - {""} <= set(regs["region"])
    assert (deps.loc[deps["statut"] == "com", "region"] == "").all()


def test_vintage_differences() -> None:
    a16 = tr.academies("2016").set_index("academie")
    a20 = tr.academies("2020").set_index("academie")
    assert set(a16.index) - set(a20.index) == {"caen", "rouen"}
    assert set(a20.index) - set(a16.index) == {"normandie"}
    assert a16.loc["caen", "academie_code"] == "05"
    assert a16.loc["rouen", "academie_code"] == "21"
    assert a20.loc["normandie", "academie_code"] == "70"
    assert a16.loc["mayotte", "statut"] == "vice-rectorat"
    assert a20.loc["mayotte", "statut"] == "academie"
    assert a20.loc["mayotte", "academie_code"] == "43"
    assert a16.loc["nouvelle-caledonie", "statut"] == "vice-rectorat"
    regs16 = tr.regions("2016").set_index("region")
    assert regs16.loc["06", "statut"] == "hors"
    assert tr.regions("2020").set_index("region").loc["06", "statut"] == "region-academique"


def test_2016_map_follows_annex_1() -> None:
    deps = tr.departements("2016")
    deps = deps[deps["statut"] == "departement"].set_index("departement")["academie"]
    from_annex = {dep: aca for aca, codes in ANNEX_1.items() for dep in codes}
    assert len(from_annex) == 100  # the annex lists Mayotte separately (vice-rectorat)
    assert {dep: deps[dep] for dep in from_annex} == from_annex
    assert deps["976"] == "mayotte"
    for dep, aca in {"14": "caen", "76": "rouen", "31": "toulouse", "34": "montpellier",
                     "13": "aix-marseille", "2A": "corse", "974": "la-reunion"}.items():
        assert deps[dep] == aca


def test_2020_map_differs_only_in_normandy() -> None:
    d16 = tr.departements("2016").set_index("departement")["academie"]
    d20 = tr.departements("2020").set_index("departement")["academie"]
    changed = sorted(d16.index[d16 != d20])
    assert changed == ["14", "27", "50", "61", "76"]
    assert set(d20[changed]) == {"normandie"}


def test_names_are_proper_french() -> None:
    deps = tr.departements("2016").set_index("departement")["departement_nom"]
    assert deps["31"] == "Haute-Garonne"
    assert deps["2A"] == "Corse-du-Sud"
    assert deps["974"] == "La Réunion"
    assert deps["90"] == "Territoire de Belfort"
    assert deps["22"] == "Côtes-d'Armor"
    regs = tr.regions("2020").set_index("region")["region_nom"]
    assert regs["11"] == "Île-de-France"
    assert regs["93"] == "Provence-Alpes-Côte d'Azur"
    assert regs["84"] == "Auvergne-Rhône-Alpes"
    assert tr.academies("2016").set_index("academie").loc["orleans-tours", "academie_nom"] == "Orléans-Tours"


def test_tables_are_copies() -> None:
    table = hierarchy("2016")
    table.loc[:, "academie"] = "x"
    assert (hierarchy("2016")["academie"] != "x").all()


def test_hierarchy_columns_and_rows() -> None:
    table = hierarchy("2016")
    assert list(table.columns) == [
        "departement", "departement_nom", "academie", "academie_code", "academie_nom",
        "academie_statut", "region", "region_nom", "region_statut", "statut", "drom",
    ]
    assert len(table) == 107
    row = table.set_index("departement").loc["31"]
    assert (row["academie_code"], row["region"], row["region_nom"]) == ("16", "76", "Occitanie")
    mayotte = table.set_index("departement").loc["976"]
    assert (mayotte["academie_statut"], mayotte["region_statut"]) == ("vice-rectorat", "hors")


def test_unknown_vintage() -> None:
    with pytest.raises(TerritoryError, match="vintage"):
        tr.academies("2018")


# ---------------------------------------------------------------------------------------------
# Territory and parsing
# ---------------------------------------------------------------------------------------------


def test_territory_properties() -> None:
    france = parse_territory("france")
    assert (france.id, france.slug, france.label, france.code) == ("france", "france", "France", "FR")
    occitanie = parse_territory("region:76")
    assert (occitanie.id, occitanie.slug, occitanie.label) == ("region:76", "region-76", "Région académique Occitanie")
    toulouse = parse_territory("academie:toulouse")
    assert (toulouse.id, toulouse.slug, toulouse.label) == ("academie:toulouse", "academie-toulouse",
                                                          "Académie de Toulouse")
    hg = parse_territory("departement:31")
    assert (hg.id, hg.slug, hg.label) == ("departement:31", "departement-31", "Haute-Garonne (31)")
    assert parse_territory("academie:aix-marseille").label == "Académie d'Aix-Marseille"
    assert parse_territory("academie:amiens").label == "Académie d'Amiens"
    assert parse_territory("academie:orleans-tours").label == "Académie d'Orléans-Tours"
    assert parse_territory("academie:la-reunion").label == "Académie de La Réunion"
    with pytest.raises(AttributeError):
        toulouse.code = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "spec, expected_id",
    [
        ("france", "france"),
        ("FR", "france"),
        ("national", "france"),
        ("region:76", "region:76"),
        ("region:occitanie", "region:76"),
        ("Region:OCCITANIE", "region:76"),
        ("region:ile-de-france", "region:11"),
        ("région:Île-de-France", "region:11"),
        ("region:Provence-Alpes-Côte d'Azur", "region:93"),
        ("region:1", "region:01"),
        ("academie:toulouse", "academie:toulouse"),
        ("academie:16", "academie:toulouse"),
        ("académie:Aix-Marseille", "academie:aix-marseille"),
        ("academie:ORLEANS TOURS", "academie:orleans-tours"),
        ("academie:reunion", "academie:la-reunion"),
        ("academie:05", "academie:caen"),
        ("departement:31", "departement:31"),
        ("departement:031", "departement:31"),
        ("departement:haute-garonne", "departement:31"),
        ("département:HAUTE GARONNE", "departement:31"),
        ("departement:2A", "departement:2A"),
        ("departement:02b", "departement:2B"),
        ("departement:1", "departement:01"),
        ("departement:974", "departement:974"),
        ("departement:cotes-d-armor", "departement:22"),
        (" academie : toulouse ", "academie:toulouse"),
    ],
)
def test_parse_territory_forms(spec: str, expected_id: str) -> None:
    territory = parse_territory(spec, "2016")
    assert territory.id == expected_id
    assert territory.vintage == "2016"
    assert parse_territory(territory.id, "2016") == territory


def test_parse_territory_2020() -> None:
    assert parse_territory("academie:normandie", "2020").nom == "Normandie"
    assert parse_territory("academie:70", "2020").code == "normandie"
    assert parse_territory("academie:mayotte", "2020").label == "Académie de Mayotte"
    assert parse_territory("region:mayotte", "2020").id == "region:06"


def test_parse_territory_keeps_the_vintage_of_a_territory() -> None:
    normandie = parse_territory("academie:normandie", "2020")
    assert parse_territory(normandie) == normandie
    assert parse_territory("academie:toulouse").vintage == tr.DEFAULT_VINTAGE == "2016"
    with pytest.raises(TerritoryError, match="academie:caen, academie:rouen"):
        parse_territory(normandie, "2016")


def test_parse_territory_suggests_close_matches() -> None:
    with pytest.raises(TerritoryError) as error:
        parse_territory("academie:tolouse")
    message = str(error.value)
    assert "academie:toulouse" in message
    assert "etat-des-lieux territories --level academie" in message
    with pytest.raises(TerritoryError, match="region:76"):
        parse_territory("region:occitania")
    with pytest.raises(TerritoryError, match="departement:31"):
        parse_territory("departement:haute-garone")


@pytest.mark.parametrize(
    "spec, vintage, fragment",
    [
        ("academie:mayotte", "2016", "vice-rectorat"),
        ("region:06", "2016", "n'est pas une région académique"),
        ("academie:nouvelle-caledonie", "2020", "vice-rectorat"),
        ("departement:988", "2016", "collectivité d'outre-mer"),
        ("academie:normandie", "2016", "academie:caen, academie:rouen"),
        ("academie:caen", "2020", "academie:normandie"),
        ("departement:99", "2016", "aucun département de ce nom ou de ce code"),
        ("departement:20", "2016", "departement:2A (Corse-du-Sud), departement:2B (Haute-Corse)"),
        ("canton:12", "2016", "Niveau de territoire inconnu"),
        ("toulouse", "2016", "academie:toulouse"),
        ("", "2016", "Aucun territoire donné"),
    ],
)
def test_parse_territory_errors(spec: str, vintage: str, fragment: str) -> None:
    with pytest.raises(TerritoryError) as error:
        parse_territory(spec, vintage)
    assert fragment in str(error.value)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("toulouse", ["academie:toulouse"]),                    # the académie only, not the Vaucluse (84)
        ("paris", ["academie:paris", "departement:75"]),        # exact names at two levels
        ("departement:20", ["departement:2A", "departement:2B"]),
        ("departement:corse", ["departement:2A", "departement:2B"]),     # a whole word of their names
        ("academie:marseille", ["academie:aix-marseille"]),     # not the Moselle
        ("departement:seine", ["departement:76", "departement:77", "departement:92", "departement:93"]),
        ("academie:tolouse", ["academie:toulouse"]),
        ("departement:haute-garone", ["departement:31"]),       # not the Haute-Saône nor the Haute-Marne
        ("departement:xyz", []),
    ],
)
def test_suggestions_are_plausible(spec: str, expected: list[str]) -> None:
    with pytest.raises(TerritoryError) as error:
        parse_territory(spec, "2016")
    message = str(error.value)
    suggested = re.findall(r"(?:region|academie|departement):[\w-]+", message.split("vouliez-vous dire")[-1]) \
        if "vouliez-vous dire" in message else []
    assert suggested == expected, message


def test_mayotte_2016_error_explains_2020() -> None:
    with pytest.raises(TerritoryError, match="2020"):
        parse_territory("academie:mayotte", "2016")


# ---------------------------------------------------------------------------------------------
# Hierarchy
# ---------------------------------------------------------------------------------------------


def test_list_territories_sorted_and_filtered() -> None:
    deps = list_territories("departement", "2016")
    codes = [t.code for t in deps]
    assert codes == sorted(codes)
    assert codes[0] == "01" and codes[-1] == "976"
    assert codes.index("2A") == codes.index("29") + 1
    assert "988" not in codes
    academies = [t.code for t in list_territories("academie", "2016")]
    assert "mayotte" not in academies and "caen" in academies and "normandie" not in academies
    assert "mayotte" in [t.code for t in list_territories("academie", "2020")]
    assert list_territories("france", "2020") == [Territory("france", "FR", "France", "2020")]
    assert all(isinstance(t, Territory) for t in deps)


def test_children_and_departement_codes() -> None:
    toulouse = parse_territory("academie:toulouse")
    assert [t.code for t in children(toulouse, "departement")] == TOULOUSE
    assert departement_codes(toulouse) == TOULOUSE
    occitanie = parse_territory("region:76")
    assert len(children(occitanie, "departement")) == 13
    assert [t.code for t in children(occitanie, "academie")] == ["montpellier", "toulouse"]
    assert departement_codes(occitanie) == sorted(TOULOUSE + MONTPELLIER)
    normandie16 = parse_territory("region:28", "2016")
    assert [t.code for t in children(normandie16, "academie")] == ["caen", "rouen"]
    normandie20 = parse_territory("region:28", "2020")
    assert [t.code for t in children(normandie20, "academie")] == ["normandie"]
    france = parse_territory("france")
    assert len(children(france, "academie")) == 30
    assert len(children(france, "departement")) == 101
    assert len(departement_codes(france)) == 107
    assert departement_codes(parse_territory("academie:guadeloupe")) == ["971", "977", "978"]
    assert departement_codes(parse_territory("departement:2A")) == ["2A"]
    with pytest.raises(TerritoryError):
        children(toulouse, "region")


def test_parents() -> None:
    hg = parse_territory("departement:31")
    assert [t.id for t in parents(hg)] == ["academie:toulouse", "region:76", "france"]
    assert [t.id for t in parents(parse_territory("academie:toulouse"))] == ["region:76", "france"]
    assert [t.id for t in parents(parse_territory("region:76"))] == ["france"]
    assert parents(parse_territory("france")) == []
    assert [t.id for t in parents(parse_territory("departement:976", "2016"))] == ["france"]
    assert [t.id for t in parents(parse_territory("departement:976", "2020"))] == [
        "academie:mayotte", "region:06", "france",
    ]
    assert [t.id for t in parents(parse_territory("departement:14", "2016"))][0] == "academie:caen"
    assert [t.id for t in parents(parse_territory("departement:14", "2020"))][0] == "academie:normandie"
    assert all(p.vintage == "2020" for p in parents(parse_territory("departement:14", "2020")))


# ---------------------------------------------------------------------------------------------
# Names and codes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, code",
    [
        ("HAUTE-GARONNE", "31"),
        ("PYRENEES-ORIENTALES", "66"),
        ("CORSE-DU-SUD", "2A"),
        ("HAUTE CORSE", "2B"),
        ("LA REUNION", "974"),
        ("REUNION", "974"),
        ("SEINE-SAINT-DENIS", "93"),
        ("TERRITOIRE DE BELFORT", "90"),
        ("COTES-D'ARMOR", "22"),
        ("Côtes d’Armor", "22"),
        ("VAL-D'OISE", "95"),
        ("  ariège ", "09"),
        ("ST-PIERRE-ET-MIQUELON", "975"),
        ("Nouvelle Calédonie", "988"),
        ("031", "31"),
        ("Normandie", None),
        ("", None),
        (None, None),
    ],
)
def test_departement_from_name(name: str | None, code: str | None) -> None:
    assert departement_from_name(name) == code


def test_academie_from_name() -> None:
    assert academie_from_name("TOULOUSE", "2016") == "toulouse"
    assert academie_from_name("AIX-MARSEILLE", "2016") == "aix-marseille"
    assert academie_from_name("ORLEANS-TOURS", "2016") == "orleans-tours"
    assert academie_from_name("CLERMONT-FERRAND", "2016") == "clermont-ferrand"
    assert academie_from_name("LA REUNION", "2016") == "la-reunion"
    assert academie_from_name("CAEN", "2016") == "caen"
    assert academie_from_name("CAEN", "2020") is None
    assert academie_from_name("NORMANDIE", "2020") == "normandie"
    assert academie_from_name("ATLANTIS", "2016") is None


@pytest.mark.parametrize(
    "code, expected",
    [("031", "31"), ("31", "31"), ("02A", "2A"), ("2a", "2A"), ("971", "971"), ("1", "01"), (1, "01"), ("988", "988")],
)
def test_normalise_departement_code(code: str | int, expected: str) -> None:
    assert normalise_departement_code(code) == expected


@pytest.mark.parametrize("junk", ["", "abc", "20", "00", "100", "9999", "2C", "980", "3 1"])
def test_normalise_departement_code_rejects_junk(junk: str) -> None:
    with pytest.raises(ValueError):
        normalise_departement_code(junk)


# ---------------------------------------------------------------------------------------------
# Real files
# ---------------------------------------------------------------------------------------------


@pytest.mark.shared_data
def test_etic_names_map(raw: Path) -> None:
    etic = pd.read_csv(raw / "karimaidibi-occitanie" / "fr-en-etic_2d.csv", sep=";", dtype=str,
                       encoding="utf-8-sig", usecols=["Millesime", "Academie", "Departement"])
    names = etic[["Millesime", "Academie", "Departement"]].drop_duplicates()
    assert len(names) >= 13
    for millesime, academie, departement in names.itertuples(index=False):
        vintage = vintage_for_year(int(millesime))
        code = departement_from_name(departement)
        assert code is not None, departement
        slug = academie_from_name(academie, vintage)
        assert slug is not None, academie
        # The département belongs to the académie of the same row.
        assert code in departement_codes(parse_territory(f"academie:{slug}", vintage))
        assert code in departement_codes(parse_territory("region:76", vintage))


@pytest.mark.shared_data
def test_current_map_matches_2020_table(raw: Path) -> None:
    mapping = pd.read_csv(raw / "derived-academie-mapping" / "departement_academie_region.csv", sep=";",
                          dtype=str, keep_default_na=False)
    table = hierarchy("2020").set_index("departement")
    assert len(mapping) == len(table) == 107
    for row in mapping.itertuples(index=False):
        code = normalise_departement_code(row.code_departement)
        assert code in table.index, code
        assert table.loc[code, "academie_code"] == row.code_academie, code
        expected_region = "" if row.code_region == "00" else row.code_region
        assert table.loc[code, "region"] == expected_region, code
