"""Schema errors on deliberately broken copies of the real files name file, column and line."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.errors import InputError
from analysis.harmonise.answers import etic_answers
from analysis.sources.registry import load_registry
from analysis.sources.schemas import read_raw
from tests.conftest import OCCITANIE, need_shared

REGISTRY = load_registry()
pytestmark = pytest.mark.shared_data            # every test reads the real ETIC file


def _etic_frame() -> pd.DataFrame:
    need_shared(OCCITANIE)
    return pd.read_csv(OCCITANIE / "fr-en-etic_2d.csv", sep=";", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def _write(frame: pd.DataFrame, path) -> None:
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


def test_real_files_pass():
    need_shared(OCCITANIE)
    etic = read_raw(OCCITANIE / "fr-en-etic_2d.csv", REGISTRY["etic_2d"])
    annuaire = read_raw(OCCITANIE / "fr-en-annuaire-education.csv", REGISTRY["annuaire"])
    assert len(etic) == 917 and len(annuaire) == 6183
    assert etic["_line"].iloc[0] == 2


def test_missing_column(tmp_path):
    path = tmp_path / "fr-en-etic_2d.csv"
    _write(_etic_frame().drop(columns=["NbTerminaux"]), path)
    with pytest.raises(InputError) as err:
        read_raw(path, REGISTRY["etic_2d"])
    assert err.value.column == "NbTerminaux"
    assert "fr-en-etic_2d.csv" in str(err.value) and "manque" in str(err.value)


def test_bad_uai_check_letter(tmp_path):
    frame = _etic_frame()
    good = frame.loc[10, "Code_UAI"]
    frame.loc[10, "Code_UAI"] = good[:7] + ("A" if good[7] != "A" else "B")
    path = tmp_path / "fr-en-etic_2d.csv"
    _write(frame, path)
    with pytest.raises(InputError) as err:
        read_raw(path, REGISTRY["etic_2d"])
    assert err.value.column == "Code_UAI"
    assert err.value.row == 12                       # header is line 1, frame row 10 is line 12
    assert "UAI" in str(err.value) and "ligne 12" in str(err.value)


def test_text_in_count_column(tmp_path):
    frame = _etic_frame()
    frame.loc[3, "NbTerminaux"] = "beaucoup"
    path = tmp_path / "fr-en-etic_2d.csv"
    _write(frame, path)
    with pytest.raises(InputError) as err:
        read_raw(path, REGISTRY["etic_2d"])
    assert (err.value.column, err.value.row, err.value.value) == ("NbTerminaux", 5, "beaucoup")
    assert "n'est pas un effectif" in str(err.value)


def test_tab_separated_copy_is_read_like_the_original(tmp_path):
    frame = _etic_frame()
    path = tmp_path / "fr-en-etic_2d.csv"
    frame.to_csv(path, sep="\t", index=False, encoding="utf-8-sig")
    read = read_raw(path, REGISTRY["etic_2d"])
    original = read_raw(OCCITANIE / "fr-en-etic_2d.csv", REGISTRY["etic_2d"])
    pd.testing.assert_frame_equal(read, original)


def test_duplicate_key(tmp_path):
    frame = _etic_frame()
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    path = tmp_path / "fr-en-etic_2d.csv"
    _write(frame, path)
    with pytest.raises(InputError, match="clé en double"):
        read_raw(path, REGISTRY["etic_2d"])


def test_unknown_code_for_the_millesime(tmp_path):
    """2019 codes in a 2018 row: valid in the union, wrong for the millésime: refused at reading
    (hence at import), named precisely."""
    frame = _etic_frame()
    row = frame.index[frame["Millesime"] == "2018"][0]
    frame.loc[row, "SalleInternet"] = "50OuPlus"
    path = tmp_path / "fr-en-etic_2d.csv"
    _write(frame, path)
    with pytest.raises(InputError) as err:
        read_raw(path, REGISTRY["etic_2d"])
    assert err.value.column == "SalleInternet" and err.value.row == row + 2
    assert "code absent du questionnaire 2018" in str(err.value)


def test_no_answer_stays_missing():
    need_shared(OCCITANIE)
    raw = read_raw(OCCITANIE / "fr-en-etic_2d.csv", REGISTRY["etic_2d"])
    answers = etic_answers(raw, "etic_2d")
    empty_wifi = (raw["SiWifi"] == "").sum()
    assert answers["wifi"].isna().sum() == empty_wifi > 0
    empty_terminals = (raw["NbTerminaux"] == "").sum()
    assert answers["nb_terminaux"].isna().sum() == empty_terminals
    assert (answers["nb_terminaux"] == 0).sum() == (raw["NbTerminaux"].isin(["0", "0.0"])).sum()
    # ENT: the question moved; 2018 reads SiEntDisponible, 2019 SiEntUtilise
    y18, y19 = raw["Millesime"] == "2018", raw["Millesime"] == "2019"
    assert answers.loc[y18, "ent"].sum() == (raw.loc[y18, "SiEntDisponible"] == "oui").sum()
    assert answers.loc[y19, "ent"].sum() == (raw.loc[y19, "SiEntUtilise"] == "oui").sum()
    assert answers.loc[y19, "ent_disponible"].isna().all()
    # SalleInternet re-coded in 2019
    assert answers.loc[y19, "classes_internet"].isin(["50_plus", "moins_50"]).sum() == \
        raw.loc[y19, "SalleInternet"].isin(["50OuPlus", "InfA50"]).sum()
