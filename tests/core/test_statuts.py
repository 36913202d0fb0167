"""The statut of an indicator row: one vocabulary for every output."""

from __future__ import annotations

import pytest

from analysis.core.statuts import EMPTY, PRECEDENCE, SECRET_THRESHOLD, Extent, Statut


def test_every_statut_has_its_mark_and_words():
    marks = {s.value: s.mark for s in Statut}
    assert marks == {"ok": "", "nc": "n.c.", "secret": "s.", "absent": "n.d.", "hors_questionnaire": "n.d.",
                     "vide": EMPTY}
    assert Statut.NC.words == "non communiqué" and Statut.SECRET.words == "secret statistique"
    assert Statut.HORS_QUESTIONNAIRE.words == "modalité absente du questionnaire de l'année"
    assert [s for s in Statut if s.has_value] == [Statut.OK]
    assert {s for s in Statut if s.not_available} == {Statut.ABSENT, Statut.VIDE}


def test_a_statut_is_its_code_in_a_table():
    assert Statut.OK == "ok" and f"{Statut.ABSENT}" == "absent"       # parquet and CSV keep plain codes
    assert {Statut.SECRET: 1}["secret"] == 1


@pytest.mark.parametrize(("text", "statut"), [
    ("secret", Statut.SECRET), ("S.", Statut.SECRET), (" n.d. ", Statut.ABSENT), ("sans objet", Statut.VIDE),
    ("\u2013", Statut.VIDE), ("hors_questionnaire", Statut.HORS_QUESTIONNAIRE), ("ok", Statut.OK),
    (None, Statut.NC), (float("nan"), Statut.NC), ("inconnu", Statut.NC)])
def test_parse_reads_codes_marks_and_words_and_never_invents_a_value(text, statut):
    assert Statut.parse(text) is statut


def test_precedence_of_a_row_and_of_a_bar():
    assert PRECEDENCE == (Statut.ABSENT, Statut.HORS_QUESTIONNAIRE, Statut.VIDE, Statut.NC, Statut.SECRET)
    assert Statut.most_telling(["nc", "ok"]) is Statut.OK
    assert Statut.most_telling(["nc", "secret"]) is Statut.SECRET       # somebody answered
    assert Statut.most_telling(["vide", "absent", "nc"]) is Statut.ABSENT
    assert Statut.most_telling([]) is Statut.NC


def test_the_secret_threshold_and_the_extent():
    assert SECRET_THRESHOLD == 5
    assert [e.value for e in Extent] == ["complète", "partielle", "aucune"]
