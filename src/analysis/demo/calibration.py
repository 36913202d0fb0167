"""National figures recomputed from the written demo files with plain pandas (no project code).

Used by ``benchmarks/demo_bench.py`` to print target vs achieved. Definitions follow the report:
shares among the answers; n.c. = establishments of the annuaire's public universe without an
answer / universe; pupils per terminal = sum(NbEleve) / sum(NbTerminaux) over answers with at
least one terminal; the "ensemble" covers écoles, collèges and lycées (EREA excluded).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.vocabulary import ENSEMBLE_TYPES

KIND_OF_NATURE = {"101": "ecole", "151": "ecole", "340": "college", "300": "lycee", "302": "lycee",
                  "306": "lycee", "320": "lycee", "370": "erea"}
ENSEMBLE = ENSEMBLE_TYPES


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", np.nan), errors="coerce")


def load(out_dir: Path) -> dict[str, pd.DataFrame]:
    out_dir = Path(out_dir)
    return {
        "annuaire": read(out_dir / "fr-en-annuaire-education.csv"),
        "etic_2d": read(out_dir / "fr-en-etic_2d.csv"),
        "etic_1d": read(out_dir / "fr-en-etic_1d.csv"),
        "couverture": read(out_dir / "couverture-etablissements.csv"),
        "experimentations": read(out_dir / "experimentations.csv"),
    }


def perimeter(annuaire: pd.DataFrame) -> list[tuple]:
    a = annuaire
    kind = a["Type_etablissement"]
    rows = [("perimetre", "etablissements", "ensemble", 63059, len(a))]
    for label, k in (("part_ecoles", "Ecole"), ("part_colleges", "Collège"), ("part_lycees", "Lycée"),
                     ("part_erea", "EREA")):
        rows.append(("perimetre", label, "ensemble", None, 100 * (kind == k).mean()))
    rows.append(("perimetre", "part_public", "ensemble", 86, 100 * (a["Statut_public_prive"] == "Public").mean()))
    for k, t in (("Ecole", "ecole"), ("Collège", "college")):
        sub = a[kind == k]["Appartenance_Education_Prioritaire"]
        rows.append(("perimetre", "part_rep", t, 8 if t == "ecole" else 10, 100 * (sub == "REP").mean()))
        rows.append(("perimetre", "part_rep_plus", t, 5, 100 * (sub == "REP+").mean()))
    lycees = a[kind == "Lycée"]
    for label, codes, target in (("legt_300", ["300"], 25), ("techno_301", ["301"], 2),
                                 ("polyvalents_306", ["306"], 22), ("pro_320", ["320"], 29),
                                 ("hors_tutelle", ["307"], 11), ("climatiques_310", ["310"], 0.1)):
        rows.append(("perimetre", f"part_lycees_{label}", "lycee", target,
                     100 * lycees["code_nature"].isin(codes).mean()))
    return rows


@dataclass(frozen=True)
class _Answers:
    """The ETIC answers of one millésime (both degrees), with the kind and éducation prioritaire of
    each establishment, and the size of the public universe of each kind (the n.c. denominator)."""

    etic: pd.DataFrame
    n_universe: dict[str, int]

    @classmethod
    def of(cls, data: dict[str, pd.DataFrame], year: int) -> _Answers:
        a = data["annuaire"]
        universe = a[(a["Statut_public_prive"] == "Public") & a["code_nature"].isin(list(KIND_OF_NATURE))].copy()
        universe["kind"] = universe["code_nature"].map(KIND_OF_NATURE)
        rep = a.set_index("Identifiant_de_l_etablissement")["Appartenance_Education_Prioritaire"]
        etic = pd.concat([data["etic_2d"], data["etic_1d"]], ignore_index=True)
        etic = etic[etic["Millesime"] == str(year)].copy()
        etic["kind"] = etic["Code_nature"].map(KIND_OF_NATURE)
        etic["rep"] = etic["Code_UAI"].map(rep).fillna("")
        size = universe["kind"].value_counts()
        return cls(etic, {k: int(size.get(k, 0)) for k in KIND_OF_NATURE.values()})

    def of_kind(self, kind: str) -> pd.Series:
        return self.etic["kind"] == kind

    def number(self, column: str) -> pd.Series:
        return _num(self.etic[column])

    def nc(self, answered: pd.Series, kinds=ENSEMBLE) -> float:
        """Share (%) of the universe of ``kinds`` without an answer (``answered`` False)."""
        n_answered = (answered & self.etic["kind"].isin(kinds)).sum()
        total = sum(self.n_universe[k] for k in kinds)
        return 100 * (1 - n_answered / total)

    def share(self, column: str, value, kinds=ENSEMBLE) -> tuple[float, float]:
        """Share (%) of the answers of ``kinds`` equal to ``value``, and the n.c. rate of ``column``."""
        answered = self.etic[column] != ""
        sub = self.etic[answered & self.etic["kind"].isin(kinds)]
        return 100 * (sub[column] == value).mean(), self.nc(answered, kinds)


def etic_year(data: dict[str, pd.DataFrame], year: int) -> list[tuple]:
    """(year, theme, figure, type, target, value, n.c. target, n.c.) of the ETIC figures of ``year``."""
    answers = _Answers.of(data, year)
    rows = (_connectivity_rows(answers, year) + _terminal_rows(answers) + _equipment_rows(answers)
            + _service_rows(answers, year))
    return [(year, *row) for row in rows]


def _connectivity_rows(answers: _Answers, year: int) -> list[tuple]:
    rows = []
    for label, column, target in (("acces_internet", "AccWeb_Aucun", 98), ("acces_adsl", "AccWeb_ADSL", 71),
                                  ("acces_fibre", "AccWeb_CableFibreOptique", 23), ("acces_rtc", "AccWeb_RTC", 10)):
        value, n = answers.share(column, "non" if label == "acces_internet" else "oui")
        rows.append(("connectivite", label, "ensemble", target, value, 27, n))
    top = "50pctOuPlus" if year <= 2018 else "50OuPlus"
    for kinds, label, target in ((ENSEMBLE, "ensemble", 77), (("ecole",), "ecole", 74),
                                 (("college",), "college", 95), (("lycee",), "lycee", 93)):
        value, n = answers.share("SalleInternet", top, kinds)
        rows.append(("connectivite", "classes_internet_50_plus", label, target, value, 26, n))
    value, n = answers.share("SiWifi", "Non")
    rows.append(("connectivite", "wifi_absent", "ensemble", 17, value, 54, n))
    return rows


def _terminal_rows(answers: _Answers) -> list[tuple]:
    """Pupils per terminal, by type and éducation prioritaire; shares of mobile and recent terminals."""
    terminals, pupils = answers.number("NbTerminaux"), answers.number("NbEleve")
    with_terminals = terminals >= 1
    rows = []
    for kind, target in (("ecole", 16), ("college", 5), ("lycee", 3)):
        m = with_terminals & answers.of_kind(kind)
        rows.append(("equipement", "eleves_par_terminal", kind, target, pupils[m].sum() / terminals[m].sum(),
                     {"ecole": 14, "college": 21, "lycee": 43}[kind], answers.nc(terminals.notna(), (kind,))))
    for kind, groups in (("ecole", {"": 14, "REP": 24, "REP+": 30}), ("college", {"": 5, "REP": 4, "REP+": 4})):
        for group, target in groups.items():
            m = with_terminals & answers.of_kind(kind) & (answers.etic["rep"] == group)
            rows.append(("equipement", f"eleves_par_terminal_{group or 'hors_rep'}", kind, target,
                         pupils[m].sum() / terminals[m].sum(), None, None))
    # Same definition as the indicator: every asked component known (a blank is not a zero).
    parts = [c for c in ("NbTablette", "NbTablettePC", "NbMicroPortable") if answers.number(c).notna().any()]
    mobile = sum(answers.number(c) for c in parts)
    recent = answers.number("NbMicroMoins5")
    for kind, target_m, target_r in (("ecole", 43, 31), ("college", 25, 35), ("lycee", 10, 21)):
        m = with_terminals & answers.of_kind(kind)
        mm = m & mobile.notna()
        rows.append(("equipement", "part_terminaux_mobiles", kind, target_m,
                     100 * mobile[mm].sum() / terminals[mm].sum(), 17, None))
        mr = m & recent.notna()
        rows.append(("equipement", "part_terminaux_moins_5_ans", kind, target_r,
                     100 * recent[mr].sum() / terminals[mr].sum(), 17, None))
    return rows


def _equipment_rows(answers: _Answers) -> list[tuple]:
    """Maintenance by the collectivité, interactive boards, 3D printers."""
    etic, rows = answers.etic, []
    answered = etic["Maint_PersCollect"] != ""
    collectivite = (etic["Maint_PersCollect"] == "oui") | (etic["Maint_PrestaExt"] == "oui")
    for kind, target in (("ecole", 75), ("college", 68), ("lycee", 78)):
        m = answered & answers.of_kind(kind)
        rows.append(("equipement", "maintenance_collectivite", kind, target, 100 * collectivite[m].mean(), 20,
                     answers.nc(answered)))
    tbi = answers.number("NbTBI")
    ens = etic["kind"].isin(ENSEMBLE)
    rows.append(("equipement", "tni_au_moins_un", "ensemble", 70, 100 * (tbi[ens & tbi.notna()] >= 1).mean(), 16,
                 answers.nc(tbi.notna())))
    printers = answers.number("NbImpr3D")
    for kind, target in (("ecole", 1), ("college", 63), ("lycee", 47)):
        m = printers.notna() & answers.of_kind(kind)
        rows.append(("equipement", "imprimante_3d_au_moins_une", kind, target, 100 * (printers[m] >= 1).mean(), 41,
                     answers.nc(printers.notna())))
    return rows


def _service_rows(answers: _Answers, year: int) -> list[tuple]:
    """ENT (by type, and the départements / régions where every collège / lycée has one), resources."""
    etic, rows = answers.etic, []
    ent_column = "SiEntDisponible" if year <= 2018 else "SiEntUtilise"
    for kind, target, target_nc in (("ecole", 19, 13), ("college", 82, 20), ("lycee", 87, 42)):
        value, n = answers.share(ent_column, "oui", (kind,))
        rows.append(("services", "ent", kind, target, value, target_nc, n))
    colleges = etic[answers.of_kind("college") & (etic[ent_column] != "")]
    by_dep = colleges.groupby("Departement")[ent_column].apply(lambda s: (s == "oui").all())
    rows.append(("services", "departements_100pct_colleges_ent", "ensemble", 39, int(by_dep.sum()), None, None))
    lycees = etic[answers.of_kind("lycee") & (etic[ent_column] != "")]
    by_reg = lycees.groupby("Code_region")[ent_column].apply(lambda s: (s == "oui").all())
    rows.append(("services", "regions_100pct_lycees_ent", "ensemble", 3, int(by_reg.sum()), None, None))
    for label, column, target in (("entrainement", "TpRess_ResEntrainement", 49),
                                  ("logiciels_outils", "TpRess_LogiOutils", 48),
                                  ("banques_documents", "TpRess_Bdd", 45), ("ouvrages_reference", "TpRess_OuvRef", 27),
                                  ("manuels_numeriques", "TpRess_ManuelNum", 26),
                                  ("animations_simulation", "TpRess_AnimScienLogiSimu", 25),
                                  ("autres", "TpRess_Autres", 23), ("aucune", "TpRess_aucune", 15)):
        value, n = answers.share(column, "oui")
        rows.append(("services", f"ressources_{label}", "ensemble", target, value, 46, n))
    return rows


def coverage_year(data: dict[str, pd.DataFrame], year: int) -> list[tuple]:
    c = data["couverture"]
    c = c[c["millesime"] == str(year)]
    dep = data["annuaire"].set_index("Identifiant_de_l_etablissement")["Code_departement"]
    debit = _num(c["debit_max_potentiel"])
    known = debit.notna()
    thd = (debit[known] >= 30).groupby(c.loc[known, "uai"].map(dep)).mean()
    return [
        (year, "connectivite", "couverture_3g_au_moins_un_operateur", "ensemble", 99,
         100 * (_num(c["nb_operateurs_3g"]) >= 1).mean(), 0, 0.0),
        (year, "connectivite", "couverture_4g_au_moins_un_operateur", "ensemble", 98,
         100 * (_num(c["nb_operateurs_4g"]) >= 1).mean(), 0, 0.0),
        (year, "connectivite", "departements_thd_90_plus", "ensemble", 22, int((thd >= 0.9).sum()), 4,
         100 * (1 - known.mean())),
        (year, "connectivite", "departements_thd_min_pct", "ensemble", 65, 100 * thd.min(), None, None),
    ]


def summary(out_dir: Path) -> pd.DataFrame:
    """Target vs achieved for the main national figures, per millésime."""
    data = load(out_dir)
    years = sorted(int(y) for y in data["etic_2d"]["Millesime"].unique())
    rows = [(None, *r, None, None) for r in perimeter(data["annuaire"])]
    for year in years:
        rows += etic_year(data, year)
        rows += coverage_year(data, year)
    exp = data["experimentations"]
    first = exp[exp["millesime"] == str(years[0])]
    counts = first["programme"].value_counts()
    rows += [
        (years[0], "experimentations", "colleges_lab", "ensemble", 47, int(counts.get("colleges_lab", 0)), None, None),
        (years[0], "experimentations", "efran_etablissements", "ensemble", 419, int(counts.get("efran", 0)),
         None, None),
        (years[0], "experimentations", "efran_projets", "ensemble", 21,
         int(first.loc[first["programme"] == "efran", "projet"].nunique()), None, None),
        (years[0], "experimentations", "profan_lycees", "ensemble", 91, int(counts.get("profan", 0)), None, None),
    ]
    frame = pd.DataFrame(rows, columns=["year", "theme", "figure", "type", "target", "value", "nc_target", "nc"])
    frame["value"] = frame["value"].astype(float).round(2)
    frame["nc"] = frame["nc"].astype(float).round(1)
    return frame
