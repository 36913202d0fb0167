"""The harmonisation report: kept as JSON beside the cached table (read back by later versions),
and summed up in French lines that say only what happened, five examples at most."""

from __future__ import annotations

import json

from analysis.harmonise.harmonise_report import HarmoniseReport


def test_json_round_trip_ignores_fields_of_other_versions():
    report = HarmoniseReport(annee=2018, vintage="2016", etic_rows={"etic_2d": 19},
                             etic_absent_annuaire=["0660036F"], date_reference={"etic_2d": "2018-08-31"})
    data = json.loads(report.to_json())
    assert HarmoniseReport.from_json(report.to_json()) == report
    assert HarmoniseReport.from_json(json.dumps({**data, "champ_futur": [1]})) == report


def test_a_quiet_harmonisation_says_only_the_counts():
    report = HarmoniseReport(annee=2019, vintage="2016", annuaire_rows=57, etic_rows={"etic_2d": 16})
    assert report.summary() == ["millésime 2019 (carte des académies 2016)",
                                "annuaire: 57 lignes, 0 lignes en double fusionnées", "etic_2d: 16 réponses"]


def test_each_kind_of_event_is_said_with_five_examples_at_most():
    absent = [f"034000{i}A" for i in range(7)]
    report = HarmoniseReport(annee=2018, vintage="2016", etic_absent_annuaire=absent,
                             ignored_answers=["NbTablettePC 2019: 2"],
                             hors_perimetre={"CIO": 3, "SEP": 2}, couverture_unmatched=1,
                             date_reference={"etic_2d": "2018-08-31"}, ouverts_apres_reference=["0301437Z"],
                             ouverts_apres_reference_champ=["0301437Z"])
    lines = report.summary()
    absent_line = next(line for line in lines if line.startswith("réponses ETIC absentes de l'annuaire"))
    assert absent_line == f"réponses ETIC absentes de l'annuaire: 7 ({', '.join(absent[:5])}…)"
    assert "réponses ignorées (question non posée ce millésime): 1 (NbTablettePC 2019: 2)" in lines
    assert "hors périmètre (annuaire): 5 entrées (CIO: 3, SEP: 2…)" in lines
    assert ("ouverts après la date de référence (2018-08-31), hors de l'univers: 1, dont 1 dans le champ "
            "de l'enquête") in lines
    assert lines[-1] == "couverture: 1 UAI hors périmètre"
    assert not any("non placés" in line for line in lines)                 # nothing unplaced: not said
