import numpy as np
import pandas as pd

from analysis.core.formatting import fmt_value
from analysis.core.statuts import EMPTY, SECRET
from analysis.fiches import rows


def test_questions_are_the_catalogue_on_the_etablissements():
    qs = {q.id: q for q in rows.questions()}
    assert not [q for q in qs if q.startswith("perimetre.")]
    assert qs["connectivite.debit_web"].kind == rows.LEVEL
    assert len(qs["connectivite.debit_web"].members) == 5
    assert qs["equipement.eleves_par_terminal"].kind == rows.NUMBER
    assert qs["connectivite.acces_adsl"].kind == rows.YES_NO
    assert "equipement.eleves_par_terminal_rep" not in qs          # a filter: the same question on fewer
    themes = [q.theme for q in qs.values()]
    assert themes.index("connectivite") < themes.index("equipement") < themes.index("services")


def test_answers_states_and_values(small_millesime):
    m = small_millesime
    table = m.table.set_index("uai")
    found, shown = m.answers, m.printed[2018]
    private = table.index[table["secteur"].eq("prive")][0]
    assert shown.loc[private, "connectivite.acces_adsl"] == EMPTY          # outside ETIC: sans objet
    silent = table.index[table["champ_etic"] & ~table["repondant_etic"]][0]
    assert shown.loc[silent, "connectivite.acces_adsl"] == rows.NOT_ANSWERED
    ratio = table["nb_eleves"].astype(float) / table["nb_terminaux"].astype(float)
    answered = found.state["equipement.eleves_par_terminal"].eq(rows.ANSWERED)
    assert answered.sum() > 5
    for uai in answered[answered].index:
        assert np.isclose(found.value.loc[uai, "equipement.eleves_par_terminal"], ratio[uai])
        assert shown.loc[uai, "equipement.eleves_par_terminal"] == fmt_value(ratio[uai], "ratio")
    adsl = table["acces_adsl"]
    for uai in found.state.index[found.state["connectivite.acces_adsl"].eq(rows.ANSWERED)]:
        expected = rows.YES if bool(adsl[uai]) is True and not pd.isna(adsl[uai]) else rows.NO
        assert shown.loc[uai, "connectivite.acces_adsl"] == expected


def test_quarters_keep_the_secret(small_millesime):
    m = small_millesime
    q = m.quarters["equipement.eleves_par_terminal"]
    table = m.table.set_index("uai")
    answered = m.answers.state["equipement.eleves_par_terminal"].eq(rows.ANSWERED)
    groups = table.loc[answered[answered].index].groupby(["departement", "type"]).size()
    for uai in answered[answered].index:
        size = groups[(table.loc[uai, "departement"], table.loc[uai, "type"])]
        assert (q[uai] == SECRET) == (size < m.threshold)
        if size >= m.threshold:
            assert q[uai].endswith("quart")
    assert set(q[~answered]) == {""}


def test_peer_cells_are_the_indicator_table(small_store, small_millesime):
    from analysis import indicators

    results = indicators.load(small_store, 2018)
    row = results[(results["territoire"] == "departement:34") & (results["type"] == "college")
                  & (results["indicateur"] == "connectivite.acces_adsl")].iloc[0]
    cell = small_millesime.peers[("departement:34", "college", "connectivite.acces_adsl")]
    assert cell.startswith(fmt_value(row["valeur"], row["unite"], reason=row["statut"]))


def test_breaks_mark_the_first_millesime_of_a_changed_question():
    qs = rows.questions()
    assert rows.breaks(qs, [2018, 2019])["services.ent"] == 2019
    assert rows.breaks(qs, [2019]) == {}
