"""The methodology of an edition, on the demo data: sources, provenance, verification, and the
harmonisation report in French."""

from __future__ import annotations

from analysis.core.formatting import THOUSANDS_SEP, UNIT_SEP
from analysis.report.methodology import harmonisation_report_lines


def test_sources_provenance_and_verification(demo_chapters):
    dep = demo_chapters["departement:31"]
    prov = dep.provenance_table()
    assert {"annuaire", "etic_1d", "etic_2d"} <= set(prov["Source"]) and prov["sha256"].str.len().eq(64).all()
    assert set(prov["Démo"]) == {"oui"} and set(prov["Méthode"]) == {"fichier de démonstration"}
    assert "**données de démonstration**" in dep.provenance_markdown()
    sources = dep.sources_table()
    assert (sources.loc[sources["Fichiers présents"] == "aucun", "Millésimes"] == "–").all()
    assert "fichiers synthétiques de démonstration" in dep.verification_text()
    assert dep.licences_text().startswith(("Toutes les sources sont publiées sous", "Licences"))


def test_harmonisation_lines(demo_chapters):
    lines = demo_chapters["france"].harmonisation_lines()
    assert lines[0].startswith(f"Annuaire{UNIT_SEP}: ") and any("ETIC second degré" in line for line in lines)


def test_harmonisation_report_in_french():
    from analysis.harmonise.harmonise_report import HarmoniseReport

    report = HarmoniseReport(annee=2018, vintage="2016", annuaire_rows=6183, annuaire_duplicate_lines=9,
                             hors_perimetre={"INSTITUT MEDICO-EDUCATIF": 108}, etic_rows={"etic_2d": 475},
                             etic_absent_annuaire=["0300046M", "0301094B"],
                             notes=["Pas de réponses etic_1d pour 2018 : écoles hors du champ de l'enquête."])
    lines = harmonisation_report_lines(report)
    assert lines[0] == f"Annuaire{UNIT_SEP}: 6{THOUSANDS_SEP}183 lignes lues, dont 9 en double (fusionnées)."
    assert any("« INSTITUT MEDICO-EDUCATIF »" in line for line in lines)
    assert any(line.startswith("Réponses ETIC sans correspondance") and "0300046M" in line for line in lines)
    assert any("ETIC premier degré" in line for line in lines)


def test_harmonisation_report_counts_the_establishments_opened_after_the_survey():
    from analysis.harmonise.harmonise_report import HarmoniseReport

    report = HarmoniseReport(annee=2018, vintage="2016",
                             date_reference={"etic_2d": "2018-08-31", "etic_1d": "2018-08-31"},
                             ouverts_apres_reference=["0313010D", "0820917B", "0999999Z"],
                             ouverts_apres_reference_champ=["0313010D", "0820917B"])
    line = next(line for line in harmonisation_report_lines(report) if "date de référence" in line)
    assert f"(31{UNIT_SEP}août 2018)" in line and f"{UNIT_SEP}: 3, dont 2 du champ" in line and "0820917B" in line
