"""The chapters' sentences state the values of the indicator table, printed as the table prints
them, and never a number for a row without value.

These checks ran in every edition (a ``key-values`` cell per chapter) until they moved here: a
published edition runs no test. The specs are those the chapters' sentences give.
"""

from __future__ import annotations

import math

import pytest

from analysis import indicators
from analysis.core.formatting import fmt_value
from analysis.core.statuts import Statut
from analysis.report import narrative
from tests.report.conftest import EDITIONS, reference

#: (indicator, type) of the sentences of each chapter.
SPECS = {
    "00-synthese": list(indicators.key_figures()),
    "01-methodologie": [("perimetre.etablissements", "ensemble"), ("perimetre.part_public", "ensemble"),
                        ("perimetre.taux_reponse_etic", "ensemble")],
    "02-connectivite": [("connectivite.acces_internet", "ensemble"), ("connectivite.classes_internet_50_plus",
                                                                      "ensemble"),
                        ("connectivite.acces_fibre", "ensemble"), ("connectivite.thd", "ensemble")],
    "03-equipement": [("equipement.eleves_par_terminal", "college"), ("equipement.eleves_par_terminal", "lycee"),
                      ("equipement.part_terminaux_mobiles", "ensemble"), ("equipement.tni_au_moins_un", "ensemble")],
    "04-services-ressources": [("services.ent", "ensemble"), ("services.eleves_avec_ent", "ensemble"),
                               ("services.ressources_entrainement", "ensemble")],
    "05-experimentations": [("experimentations.colleges_lab", "ensemble"), ("experimentations.efran", "ensemble"),
                            ("experimentations.profan", "ensemble")],
}
LABEL_SPECS = [("label.labellise", "college"), ("label.labellise", "lycee")]


def check_stated(ch, results, specs) -> int:
    """Each sentence prints its row's value (« Aucun … » for a zero count); a row without value
    gives NaN and its sentence says why (never « nan »). Returns how many rows had a value."""
    with_value = 0
    for ind, type_ in specs:
        row = reference(results, ch.territory.id, ind, type_)
        assert row is not None, (ind, type_)
        mine, said = ch.value(ind, type_), ch.sentence(ind, type_)
        if row["statut"] == Statut.OK:
            with_value += 1
            assert abs(mine - row["valeur"]) < 1e-9, (ind, type_, mine, row["valeur"])
            if row["unite"] == "count" and row["valeur"] == 0:
                assert "ucun" in said, (ind, said)
            else:
                assert fmt_value(row["valeur"], row["unite"]) in said, (ind, type_, said)
        else:
            assert math.isnan(mine), (ind, type_, mine)
            assert "nan" not in said and narrative.missing_reason(row, threshold=ch.threshold) in said, (ind, said)
    return with_value


@pytest.mark.parametrize("territory", EDITIONS)
def test_sentences_state_the_table_on_the_demo(demo_chapters, demo_results, territory):
    ch = demo_chapters[territory]
    stated = sum(check_stated(ch, demo_results, specs) for specs in SPECS.values())
    assert stated >= 20          # the demo has every source: most rows have a value


@pytest.mark.shared_data
@pytest.mark.parametrize("territory", ["region:76", "departement:31", "perimetre:tne-34"])
def test_sentences_state_the_table_on_the_occitanie_files(occitanie_store, territory):
    from analysis.report.chapter import Chapter

    results = indicators.load(occitanie_store, 2018)
    ch = Chapter(territory, 2018, store=occitanie_store, results=results)
    stated = sum(check_stated(ch, results, specs) for specs in [*SPECS.values(), LABEL_SPECS])
    missing = sum(len(specs) for specs in [*SPECS.values(), LABEL_SPECS]) - stated
    assert stated >= 8 and missing >= 5       # no ETIC 1d nor network coverage: n.d. said, not a value
