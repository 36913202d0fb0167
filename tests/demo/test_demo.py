"""The synthetic national demo dataset: layouts, determinism, consistency and calibration.

The dataset is the session's national demo (``tests/data_folders.py``: generated once per session);
figures are recomputed here with plain pandas from the written files, as the report defines them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core import territories
from analysis.core.uai import check_uais
from analysis.demo import DEMO_KEYS
from analysis.demo.annuaire import annuaire_frame, establishments
from analysis.demo.etic import etic_frames
from analysis.demo.etic_questionnaire import unasked_columns
from analysis.demo.network import couverture_frame, experimentations_frame
from analysis.sources import layouts
from analysis.sources.registry import load_registry

LAYOUT = {"annuaire": layouts.ANNUAIRE, "etic_2d": layouts.ETIC_2D, "etic_1d": layouts.ETIC_1D,
          "couverture": layouts.COUVERTURE, "experimentations": layouts.EXPERIMENTATIONS}
KIND = {"101": "ecole", "151": "ecole", "340": "college", "300": "lycee", "302": "lycee", "306": "lycee",
        "320": "lycee", "370": "erea"}
ENSEMBLE = ("ecole", "college", "lycee")
RECORDED_DIGESTS = Path(__file__).resolve().parents[1] / "fixtures" / "national-demo.sha256"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan), errors="coerce")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def demo(national_demo):
    """The session's national demo (``write_demo_files()`` with its defaults: seed 2018, millésimes
    2018 and 2019), read back from the files written."""
    folder, written = national_demo.folder, national_demo.written
    registry = load_registry()
    frames = {key: _read(folder / registry[key].filename) for key in DEMO_KEYS}
    return folder, written, frames


@pytest.fixture(scope="module")
def etic(demo):
    """ETIC 1d and 2d rows together, with the kind and the éducation prioritaire of the annuaire."""
    _, _, f = demo
    rows = pd.concat([f["etic_2d"], f["etic_1d"]], ignore_index=True)
    rows["kind"] = rows["Code_nature"].map(KIND)
    rep = f["annuaire"].set_index("Identifiant_de_l_etablissement")["Appartenance_Education_Prioritaire"]
    rows["rep"] = rows["Code_UAI"].map(rep)
    return rows


@pytest.fixture(scope="module")
def universe(demo):
    """Public establishments that ETIC surveys, by kind."""
    a = demo[2]["annuaire"]
    public = a[(a["Statut_public_prive"] == "Public") & a["code_nature"].isin(list(KIND))]
    return public["code_nature"].map(KIND).value_counts()


# --- files and layouts ------------------------------------------------------------------------


def test_files_named_as_the_registry_and_marked_synthetic(demo):
    folder, written, _ = demo
    registry = load_registry()
    assert [p.name for p in written] == [registry[k].filename for k in DEMO_KEYS] + ["DEMO.md"]
    assert all(p.parent == folder and p.exists() for p in written)
    note = (folder / "DEMO.md").read_text(encoding="utf-8")
    assert "SYNTHÉTIQUES" in note and "aucune donnée officielle" in note and "synthetic" in note


@pytest.mark.parametrize("key", DEMO_KEYS)
def test_exact_header_bom_and_separator(demo, key):
    folder = demo[0]
    raw = (folder / load_registry()[key].filename).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:raw.index(b"\n")].decode("utf-8").split(";")
    assert header == list(LAYOUT[key])
    assert b"\r" not in raw[:10_000]


def test_value_formats_follow_the_real_files(demo):
    _, _, f = demo
    for key in ("etic_2d", "etic_1d"):
        frame = f[key]
        assert frame["NbTerminaux"].str.fullmatch(r"(\d+\.0)?").all()
        assert frame["NbEleve"].str.fullmatch(r"\d+\.0").all()
        assert frame["AccWeb_ADSL"].isin(["oui", "non", ""]).all()
        assert frame["Millesime"].isin(["2018", "2019"]).all()
        assert frame["Code_nature"].str.fullmatch(r"\d{3}").all()
    a = f["annuaire"]
    assert a["Code_departement"].str.fullmatch(r"\d{3}|02[AB]").all()
    assert set(a["etat"]) == {"OUVERT"}
    assert set(a["Statut_public_prive"]) == {"Public", "Privé"}
    assert set(a["Appartenance_Education_Prioritaire"]) == {"", "REP", "REP+"}
    assert set(a["Type_etablissement"]) == {"Ecole", "Collège", "Lycée", "EREA"}


def test_deterministic_for_a_seed(demo):
    """Same seed, same bytes, in any process: the session's files (seed 2018, millésimes 2018 and
    2019) have the digests recorded in tests/fixtures/national-demo.sha256."""
    folder = demo[0]
    recorded = dict(line.split()[::-1] for line in RECORDED_DIGESTS.read_text(encoding="utf-8").splitlines())
    assert _digest(folder) == recorded, (
        "the demo files differ from the recorded ones; if the change of the demo is intended, record it: "
        "see tests/fixtures/README.md")


def test_another_seed_gives_other_establishments_and_other_answers():
    """The seed reaches every file: other établissements, and from the same établissements other
    annuaire details, answers, coverage and experimentations (two départements: the generators
    work on any subset of the establishment table, and the national dataset is made once per
    session, by the fixture)."""
    mine, other = establishments(2018), establishments(7)
    assert not mine["uai"].equals(other["uai"])
    few = mine[mine["dep"].isin(["34", "48"])].reset_index(drop=True)
    frames = {seed: {"annuaire": annuaire_frame(few, seed), **etic_frames(few, seed, (2018,)),
                     "couverture": couverture_frame(few, seed, (2018,)),
                     "experimentations": experimentations_frame(few, seed, (2018,))} for seed in (2018, 7)}
    assert set(frames[2018]) == set(DEMO_KEYS)
    for key in DEMO_KEYS:
        assert len(frames[2018][key]) and not frames[7][key].equals(frames[2018][key]), key


# --- annuaire -----------------------------------------------------------------------------------


def test_uais_valid_unique_and_in_their_departement(demo):
    a = demo[2]["annuaire"]
    checked = check_uais(a["Identifiant_de_l_etablissement"])
    assert checked["valid"].all()
    assert a["Identifiant_de_l_etablissement"].is_unique
    departement = a["Code_departement"].map(territories.normalise_departement_code)
    assert (checked["departement_uai"] == departement).all()


def test_territorial_columns_match_the_territories_table(demo):
    a = demo[2]["annuaire"]
    hier = territories.hierarchy("2020").set_index("departement")
    dep = a["Code_departement"].map(territories.normalise_departement_code)
    assert (a["Libelle_departement"] == dep.map(hier["departement_nom"])).all()
    assert (a["Code_academie"] == dep.map(hier["academie_code"])).all()
    assert (a["Code_region"] == dep.map(hier["region"])).all()
    lat, lon = _num(a["latitude"]), _num(a["longitude"])
    mainland = ~dep.isin(["971", "972", "973", "974", "976"])
    assert lat[mainland].between(41.3, 51.1).all() and lon[mainland].between(-4.8, 9.6).all()
    assert lat[dep == "974"].between(-21.4, -20.8).all()


def test_every_departement_has_ecoles_colleges_and_lycees(demo):
    a = demo[2]["annuaire"]
    hier = territories.hierarchy("2016")
    departements = set(hier.loc[hier["statut"] == "departement", "departement"])
    assert len(departements) == 101
    dep = a["Code_departement"].map(territories.normalise_departement_code)
    counts = pd.crosstab(dep, a["Type_etablissement"])
    assert set(counts.index) == departements           # no COM: documented in DEMO.md
    assert (counts[["Ecole", "Collège", "Lycée"]] > 0).all().all()
    assert counts["Ecole"].idxmax() == "59" and counts["Ecole"].idxmin() in ("48", "90", "976", "23")


def test_perimeter_shares(demo):
    a = demo[2]["annuaire"]
    assert len(a) == 63_059
    share = lambda mask: 100 * mask.mean()  # noqa: E731
    kind = a["Type_etablissement"]
    assert abs(share(kind == "Ecole") - 81) <= 1
    assert abs(share(kind == "Collège") - 11) <= 1
    assert abs(share(kind == "Lycée") - 8) <= 1
    assert (kind == "EREA").sum() == 79
    assert abs(share(a["Statut_public_prive"] == "Public") - 86) <= 1
    for k, rep, rep_plus in (("Ecole", 8, 5), ("Collège", 10, 5)):
        prio = a.loc[kind == k, "Appartenance_Education_Prioritaire"]
        assert abs(share(prio == "REP") - rep) <= 1
        assert abs(share(prio == "REP+") - rep_plus) <= 1
    assert (a.loc[a["Statut_public_prive"] == "Privé", "Appartenance_Education_Prioritaire"] == "").all()
    lycees = a.loc[kind == "Lycée"]
    for code, target in (("300", 25), ("301", 2), ("306", 22), ("320", 29), ("307", 11)):
        assert abs(share(lycees["code_nature"] == code) - target) <= 1
    agricole = a["code_nature"] == "307"
    assert (a.loc[agricole, "ministere_tutelle"] == "AGRICULTURE").all()
    assert (a.loc[a["code_nature"] == "151", "libelle_nature"] == "ECOLE DE NIVEAU ELEMENTAIRE").all()
    pupils = _num(a["Nombre_d_eleves"])
    assert 90 <= pupils[kind == "Ecole"].mean() <= 140
    assert 400 <= pupils[kind == "Collège"].mean() <= 600


# --- ETIC -----------------------------------------------------------------------------------------


def test_questionnaire_variants_per_millesime(demo):
    _, _, f = demo
    for key, name in (("etic_2d", "etic_2d"), ("etic_1d", "etic_1d")):
        frame = f[key]
        y18, y19 = frame[frame["Millesime"] == "2018"], frame[frame["Millesime"] == "2019"]
        assert (y18["SiEntDisponible"] != "").mean() > 0.5 and (y18["SiEntUtilise"] == "").all()
        assert (y19["SiEntUtilise"] != "").mean() > 0.5 and (y19["SiEntDisponible"] == "").all()
        assert set(y18["SalleInternet"]) == {"", "50pctOuPlus", "20pcta50pct", "Mois20pct"}
        assert set(y19["SalleInternet"]) == {"", "50OuPlus", "InfA50"}
        for year, rows in ((2018, y18), (2019, y19)):
            for column in unasked_columns(name, year):
                assert (rows[column] == "").all(), (key, year, column)
    e2 = f["etic_2d"]
    assert (e2.loc[e2["Millesime"] == "2019", "NbTablettePC"] == "").all()
    assert (e2.loc[e2["Millesime"] == "2018", "TypeMatHandi_Tablette"] == "").all()
    assert e2.duplicated(["Code_UAI", "Millesime"]).sum() == 0


def test_etic_covers_only_public_surveyed_establishments(demo, universe):
    _, _, f = demo
    a = f["annuaire"].set_index("Identifiant_de_l_etablissement")
    for key, natures in (("etic_2d", {"340", "300", "302", "306", "320", "370"}), ("etic_1d", {"101", "151"})):
        uai = f[key]["Code_UAI"]
        assert uai.isin(a.index).all()
        assert (uai.map(a["Statut_public_prive"]) == "Public").all()
        nature = uai.map(a["code_nature"])
        assert set(nature) <= natures
        assert (nature == f[key]["Code_nature"]).all()
    e2 = f["etic_2d"]
    labels = e2.groupby("Code_nature")[["nature_uai", "typ_etab"]].first()
    assert labels.loc["340"].tolist() == ["Collège", "C"] and labels.loc["320"].tolist() == ["LP", "P"]
    # Non-respondents are absent: a share of each public universe only.
    for year in ("2018", "2019"):
        present = pd.concat([f["etic_2d"], f["etic_1d"]])
        present = present[present["Millesime"] == year]["Code_nature"].map(KIND).value_counts()
        for kind in ENSEMBLE:
            assert 0.5 < present[kind] / universe[kind] < 0.95


def test_internal_consistency_of_answers(etic):
    terminals = _num(etic["NbTerminaux"])
    recent = _num(etic["NbMicroMoins5"])
    mobile = sum(_num(etic[c]).fillna(0) for c in ("NbTablette", "NbTablettePC", "NbMicroPortable"))
    assert (recent.dropna() <= terminals[recent.notna()]).all()
    assert (mobile[terminals.notna()] <= terminals.dropna()).all()
    none = etic["TpRess_aucune"] == "oui"
    types = [c for c in layouts.ETIC_2D if c.startswith("TpRess_") and c != "TpRess_aucune"]
    assert none.any() and (etic.loc[none, types] == "non").all().all()
    assert ((etic.loc[~none & (etic["TpRess_aucune"] == "non"), types] == "oui").any(axis=1)).all()
    no_web = etic["AccWeb_Aucun"] == "oui"
    access = ["AccWeb_RTC", "AccWeb_CableFibreOptique", "AccWeb_ADSL", "AccWeb_AutresHautDebit"]
    assert no_web.any() and (etic.loc[no_web, access] == "non").all().all()
    assert (etic.loc[no_web, "DebitWeb"] == "").all()


def _pupils_per_terminal(rows: pd.DataFrame) -> float:
    terminals, pupils = _num(rows["NbTerminaux"]), _num(rows["NbEleve"])
    ok = terminals >= 1
    return pupils[ok].sum() / terminals[ok].sum()


def test_pupils_per_terminal_calibrated(etic):
    y18 = etic[etic["Millesime"] == "2018"]
    for kind, target in (("ecole", 16), ("college", 5), ("lycee", 3)):
        assert abs(_pupils_per_terminal(y18[y18["kind"] == kind]) - target) <= 2
    ecoles = y18[y18["kind"] == "ecole"]
    by_rep = {rep: _pupils_per_terminal(ecoles[ecoles["rep"] == rep]) for rep in ("", "REP", "REP+")}
    assert abs(by_rep[""] - 14) <= 2 and abs(by_rep["REP"] - 24) <= 2 and abs(by_rep["REP+"] - 30) <= 2
    y19 = etic[etic["Millesime"] == "2019"]
    assert _pupils_per_terminal(y19[y19["kind"] == "ecole"]) < _pupils_per_terminal(ecoles)


def test_shares_and_nc_calibrated(etic, universe):
    y18 = etic[etic["Millesime"] == "2018"]

    def share(column, value, kinds=ENSEMBLE):
        rows = y18[y18["kind"].isin(kinds) & (y18[column] != "")]
        return 100 * (rows[column] == value).mean()

    def nc(column, kinds=ENSEMBLE):
        answered = (y18["kind"].isin(kinds) & (y18[column] != "")).sum()
        return 100 * (1 - answered / universe[list(kinds)].sum())

    assert abs(share("AccWeb_ADSL", "oui") - 71) <= 2
    assert abs(share("AccWeb_CableFibreOptique", "oui") - 23) <= 2
    assert abs(share("SiEntDisponible", "oui", ("ecole",)) - 19) <= 2
    assert abs(share("SiEntDisponible", "oui", ("college",)) - 82) <= 2
    assert abs(share("SiEntDisponible", "oui", ("lycee",)) - 87) <= 2
    assert abs(share("TpRess_ResEntrainement", "oui") - 49) <= 2
    assert abs(share("SiWifi", "Non") - 17) <= 2
    assert abs(nc("AccWeb_ADSL") - 27) <= 2
    assert abs(nc("SiWifi") - 54) <= 2
    assert abs(nc("SiEntDisponible", ("ecole",)) - 13) <= 2
    assert abs(nc("SiEntDisponible", ("lycee",)) - 42) <= 2
    ecoles = y18[y18["kind"] == "ecole"]
    terminals = _num(ecoles["NbTerminaux"])
    mobile = sum(_num(ecoles[c]).fillna(0) for c in ("NbTablette", "NbTablettePC", "NbMicroPortable"))
    ok = terminals >= 1
    assert abs(100 * mobile[ok].sum() / terminals[ok].sum() - 43) <= 2
    maintained = (ecoles["Maint_PersCollect"] == "oui") | (ecoles["Maint_PrestaExt"] == "oui")
    assert abs(100 * maintained[ecoles["Maint_PersCollect"] != ""].mean() - 75) <= 2
    # 2019: more ENT, lower n.c.
    y19 = etic[etic["Millesime"] == "2019"]
    colleges19 = y19[(y19["kind"] == "college") & (y19["SiEntUtilise"] != "")]
    assert 100 * (colleges19["SiEntUtilise"] == "oui").mean() > share("SiEntDisponible", "oui", ("college",))
    assert len(y19) > len(y18)


def test_territorial_contrasts(etic, demo):
    a = demo[2]["annuaire"].set_index("Identifiant_de_l_etablissement")
    y18 = etic[(etic["Millesime"] == "2018") & (etic["kind"] == "ecole")].copy()
    y18["dep"] = y18["Code_UAI"].map(a["Code_departement"])
    ratios = {dep: _pupils_per_terminal(rows) for dep, rows in y18.groupby("dep")}
    assert ratios["093"] > 20 and ratios["048"] < 10 and ratios["015"] < 10


# --- coverage and experimentations ------------------------------------------------------------------


def test_couverture(demo):
    _, _, f = demo
    c, a = f["couverture"], f["annuaire"]
    assert len(c) == 2 * len(a) and set(c["uai"]) == set(a["Identifiant_de_l_etablissement"])
    y18 = c[c["millesime"] == "2018"]
    assert abs(100 * (_num(y18["nb_operateurs_3g"]) >= 1).mean() - 99) <= 0.5
    assert abs(100 * (_num(y18["nb_operateurs_4g"]) >= 1).mean() - 98) <= 0.5
    debit = _num(y18["debit_max_potentiel"])
    assert abs(100 * debit.isna().mean() - 4) <= 0.5
    dep = y18["uai"].map(a.set_index("Identifiant_de_l_etablissement")["Code_departement"])
    thd = (debit >= 30)[debit.notna()].groupby(dep[debit.notna()]).mean()
    assert len(thd) == 101 and thd.min() >= 0.65 and (thd >= 0.9).sum() == 22


def test_experimentations(demo):
    _, _, f = demo
    x, a = f["experimentations"], f["annuaire"].set_index("Identifiant_de_l_etablissement")
    for year in ("2018", "2019"):
        rows = x[x["millesime"] == year]
        counts = rows["programme"].value_counts()
        assert counts.to_dict() == {"efran": 419, "profan": 91, "colleges_lab": 47}
        assert rows.loc[rows["programme"] == "efran", "projet"].nunique() == 21
    assert x["uai"].isin(a.index).all()
    assert (a.loc[x.loc[x["programme"] == "colleges_lab", "uai"], "code_nature"] == "340").all()
    assert (a.loc[x.loc[x["programme"] == "profan", "uai"], "code_nature"] == "320").all()
