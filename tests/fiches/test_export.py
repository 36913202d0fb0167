import pandas as pd

from analysis.core.publication import DEMO_BANNER
from analysis.fiches import export, rows


def test_one_row_per_etablissement_with_its_territories(small_millesime):
    table = export.frame(small_millesime)
    assert len(table) == len(small_millesime.table) and table["uai"].is_unique
    for column in ("uai", "nom", "type", "commune_code", "departement", "academie", "region",
                   "connectivite.acces_adsl", "equipement.eleves_par_terminal.valeur",
                   "equipement.eleves_par_terminal.quart"):
        assert column in table
    row = table.set_index("uai").loc["0118363F"]
    assert row["departement"] == "11" and row["academie"] == "montpellier"
    printed = small_millesime.printed[2018].loc["0118363F"]
    assert row["connectivite.acces_adsl"] == printed["connectivite.acces_adsl"]
    assert set(table["connectivite.acces_adsl"]) <= {rows.YES, rows.NO, rows.NOT_ANSWERED, "–", "n.d."}
    assert table["demo"].all()


def test_csv_and_workbook(small_millesime, tmp_path):
    paths = export.write(small_millesime, tmp_path)
    assert paths["csv"].name == "etablissements-2018.csv" and paths["xlsx"].name == "etablissements-2018.xlsx"
    csv = pd.read_csv(paths["csv"], dtype=str)
    assert len(csv) == len(small_millesime.table)
    notice = pd.read_excel(paths["xlsx"], sheet_name="Lisez-moi", header=None)[0].tolist()
    assert DEMO_BANNER in notice
    sheet = pd.read_excel(paths["xlsx"], sheet_name="Établissements", dtype=str)
    assert list(sheet["uai"]) == list(csv["uai"])


def test_workbook_rewritten_only_when_the_table_changed(small_millesime, tmp_path):
    paths = export.write(small_millesime, tmp_path)
    stamp = paths["xlsx"].stat().st_mtime_ns
    export.write(small_millesime, tmp_path)
    assert paths["xlsx"].stat().st_mtime_ns == stamp
    paths["csv"].write_text("autre", encoding="utf-8")          # as if the table had changed
    export.write(small_millesime, tmp_path)
    assert paths["xlsx"].stat().st_mtime_ns == stamp              # same table again: same CSV digest
