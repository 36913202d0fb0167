"""One row of each statut through every output: the report's sentence and table cell, the chart's
label, the CSV and xlsx exports, the index page and the command line say the same thing of the
same row (:class:`analysis.core.statuts.Statut`)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.build import site_index
from analysis.core.statuts import UNCOVERED, Statut
from analysis.indicators import export
from analysis.report import chart_parts, narrative
from analysis.report.tables import cell_text

#: An index figure (a share of the ETIC survey), one territory per statut.
INDICATOR, TYPE = "connectivite.acces_internet", "ensemble"
CASES = {  # territory -> (statut, valeur, taux_nc, motif)
    "departement:31": (Statut.OK, 97.6, 12.0, None),
    "departement:32": (Statut.NC, math.nan, 100.0, None),
    "departement:46": (Statut.SECRET, math.nan, 40.0, None),
    "departement:75": (Statut.ABSENT, math.nan, math.nan, UNCOVERED),
    "departement:48": (Statut.HORS_QUESTIONNAIRE, math.nan, math.nan, None),
    "departement:09": (Statut.VIDE, math.nan, math.nan, None),
}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    rows = []
    for territory, (statut, value, rate, motif) in CASES.items():
        rows.append({"territoire": territory, "niveau": "departement", "code": territory.split(":")[1],
                     "nom": territory, "annee": 2018, "type": TYPE, "indicateur": INDICATOR,
                     "titre": "Accès à internet", "theme": "connectivite", "unite": "%", "valeur": value,
                     "numerateur": math.nan, "denominateur": math.nan, "non_communique": pd.NA, "univers": 12,
                     "taux_nc": rate, "statut": statut.value, "motif": motif, "source": "ETIC 2018",
                     "couverture_donnees": "aucune" if statut is Statut.ABSENT else "complète", "demo": False})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("territory", list(CASES))
def test_every_output_prints_the_mark_of_the_statut(table, territory, tmp_path):
    statut, value, _, motif = CASES[territory]
    row = table[table["territoire"] == territory].iloc[0]
    shown = "98\u00a0%" if statut is Statut.OK else statut.mark
    # the report: a table cell, a chart's bar label, a sentence (the reason, never a number)
    assert cell_text(row) == shown
    assert chart_parts.prepare(table[table["territoire"] == territory])["statut"].iloc[0] == statut
    said = narrative.statement(row)
    if statut is Statut.OK:
        assert "98\u00a0%" in said and "(12\u00a0%\u00a0n.c.)" in said
    else:
        assert narrative.missing_reason(row) in said and "nan" not in said
        assert (motif or "") in said
    # the index page
    position = [ident for ident, *_ in site_index.KEY_FIGURES].index(INDICATOR)
    assert site_index.key_figures(table, territory)[position][0] == shown
    # the exports (CSV of `indicators` and of the index page, xlsx): the code and its reason, no value
    rows = export.rows(table, [territory])
    path = export.write(rows, tmp_path / "x.csv", "csv")
    read = pd.read_csv(path, keep_default_na=False)
    assert read["statut"].iloc[0] == statut.value and (read["valeur"].iloc[0] == "") == (statut is not Statut.OK)
    assert read["motif"].iloc[0] == (motif or "")
    xlsx = export.write(rows, tmp_path / "x.xlsx", "xlsx")
    sheet = pd.read_excel(xlsx, sheet_name="Connectivité")
    assert sheet["Statut"].iloc[0] == statut.value
    notice = pd.read_excel(xlsx, sheet_name="Lisez-moi", header=None).iloc[2, 0]
    assert statut is Statut.OK or f"{statut.value} ({statut.mark}, {statut.words}" in notice


def test_the_index_and_the_exports_keep_the_same_rows(table):
    assert len(export.rows(table)) == len(table)         # every statut, vide included
    assert list(export.rows(table)["territoire"]) == sorted(CASES, key=lambda t: t.split(":")[1])
