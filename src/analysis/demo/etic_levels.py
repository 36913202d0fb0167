"""What differs between the two ETIC files: the questions only ETIC 2d (second degré) or only
ETIC 1d (premier degré) asks, and the writing of each file in its own layout (natures, column
names, questions not asked that millésime written empty)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import territories
from analysis.sources import layouts

from . import targets as T
from .annuaire import object_frame
from .etic_millesime import ETIC_1D_NATURES, ETIC_2D_NATURES, MillesimeAnswers
from .etic_questionnaire import ent_column, ordered_codes, unasked_columns
from .etic_values import EMPTY, as_code, as_count, as_yes_no, ascii_upper
from .geography import geography
from .sampling import categorical, rng_for

# Raw column names that differ between ETIC 2d and ETIC 1d.
RENAME_1D = {"Maint_PersonnelEducNatHsEtab": "Maint_PersonnelEducNatHsEcole",
             "Maint_PersonnelEtab": "Maint_PersonnelEcole"}


def second_degre_extras(m: MillesimeAnswers) -> None:
    """Questions of ETIC 2d only."""
    rng = rng_for(m.seed, "etic-2d-extras", m.year)
    n = m.n
    c = m.cols
    other = lambda key, share=T.NC_OTHER: m.extra_missing(np.ones(n, dtype=bool), share, key)  # noqa: E731
    c["NbEnseignant"] = as_count(np.rint(m.pupils / rng.uniform(11, 14, n)), np.ones(n, dtype=bool))
    c["SiEtabCentreRessource"] = as_yes_no(rng.random(n) < 0.23, other("centre", 0.01))
    c["SiProjetNumEcole"] = as_yes_no(rng.random(n) < 0.97, other("projet", 0.01))
    serv_ok = other("servint", 0.01)
    rates = {"NoteElev": 0.99, "AbsElev": 0.95, "EdtElevCls": 0.99, "CahierTxt": 0.995,
             "DocRessPeda": 0.98, "AgdActuEtab": 0.97, "PlatApp": 0.23, "Autres": 0.5}
    any_service = np.zeros(n, dtype=bool)
    for item, p in rates.items():
        value = rng.random(n) < p
        any_service |= value
        c[f"ServInt_{item}"] = as_yes_no(value, serv_ok)
    c["ServInt_aucun"] = as_yes_no(~any_service, serv_ok)
    ash = rng.poisson(1.7, n)
    ash_ok = other("ash", 0.04)
    c["NbEleveEqASH"] = as_count(ash, ash_ok)
    c["NbPosteEqASH"] = as_count(rng.poisson(1.0, n), other("posteash", 0.07))
    c["SiPareFeuEtab"] = as_yes_no(rng.random(n) < 0.99, other("parefeu", 0.01))
    c["SiOuifiltrageWeb"] = as_yes_no(rng.random(n) < 0.99, other("filtrage", 0.01))
    c["ControlePosteriori"] = as_yes_no(rng.random(n) < 0.86, other("controle", 0.07))
    charte = rng.random(n) < 0.98
    charte_ok = other("charte", 0.01)
    c["SiCharteUsageWeb"] = as_yes_no(charte, charte_ok)
    diff_ok = charte_ok & charte & other("diffch", 0.02)
    for item, p in (("AnnexeeRI", 0.98), ("DossierRentreeEnseignants", 0.27), ("CRConseilAdmin", 0.09),
                    ("DiffusionParents", 0.25), ("Autres", 0.09)):
        c[f"Diffch_{item}"] = as_yes_no(rng.random(n) < p, diff_ok)
    parents = categorical(rng, np.tile([0.5, 0.26, 0.24], (n, 1)))
    c["AccesParentCharte"] = as_code(parents, ordered_codes("etic_2d", "acces_parents_charte", m.year),
                                     other("parents", 0.05))
    auth = categorical(rng, np.tile([0.98, 0.01, 0.01], (n, 1)))   # tous, certains, aucun
    c["ElvAuthentif"] = as_code(auth, ordered_codes("etic_2d", "authentification_eleves", m.year),
                                other("auth", 0.01))
    c["SiVisioConferenc"] = as_yes_no(rng.random(n) < 0.31, other("visio", 0.04))
    # Equipment for pupils with disabilities: answered by some of the establishments having some.
    handi_ok = ash_ok & (ash > 0) & (rng.random(n) < 0.3)
    for item, p in (("Tablette", 0.14), ("OrdiPort", 0.85), ("LogApp", 0.32), ("Autre", 0.14)):
        c[f"TypeMatHandi_{item}"] = as_yes_no(rng.random(n) < p, handi_ok)


def premier_degre_extras(m: MillesimeAnswers) -> None:
    """Questions of ETIC 1d only."""
    rng = rng_for(m.seed, "etic-1d-extras", m.year)
    c = m.cols
    c["NbClasse"] = as_count(m.n_classes, np.ones(m.n, dtype=bool))
    c["SiEnseignantReferent"] = as_yes_no(rng.random(m.n) < 0.55,
                                          m.extra_missing(np.ones(m.n, dtype=bool), 0.05, "referent"))


def survey_frame(m: MillesimeAnswers, name: str) -> pd.DataFrame:
    """The rows of one file (``etic_2d`` or ``etic_1d``) in its layout."""
    layout = layouts.ETIC_2D if name == "etic_2d" else layouts.ETIC_1D
    natures = ETIC_2D_NATURES if name == "etic_2d" else ETIC_1D_NATURES
    rows = np.flatnonzero(m.r["nature"].isin(list(natures)).to_numpy())
    n = len(rows)
    vintage = territories.vintage_for_year(m.year)
    hier = territories.hierarchy(vintage).set_index("departement").reindex(geography().codes)
    dep = m.dep[rows]
    nature = m.r["nature"].to_numpy()[rows]
    cols: dict[str, np.ndarray] = {}
    empty = np.full(n, EMPTY, dtype=object)
    rename = RENAME_1D if name == "etic_1d" else {}
    for column, values in m.cols.items():
        cols[rename.get(column, column)] = np.asarray(values, dtype=object)[rows]
    cols[ent_column(name, m.year)] = m.ent_values[rows]
    cols["Code_UAI"] = m.r["uai"].to_numpy().astype(object)[rows]
    cols["Millesime"] = np.full(n, str(m.year), dtype=object)
    cols["Code_nature"] = nature.astype(object)
    cols["nature_uai"] = np.array([natures[c][0] for c in nature], dtype=object)
    cols["typ_etab"] = np.array([natures[c][1] for c in nature], dtype=object)
    upper = np.vectorize(ascii_upper, otypes=[object])
    cols["Academie"] = upper(hier["academie_nom"].to_numpy().astype(str))[dep]
    cols["Departement"] = upper(hier["departement_nom"].to_numpy().astype(str))[dep]
    cols["Code_region"] = hier["region"].to_numpy().astype(object)[dep]
    cols["Libelle_region"] = hier["region_nom"].to_numpy().astype(object)[dep]
    cols["NbEleve"] = as_count(m.pupils[rows], np.ones(n, dtype=bool))
    for column in unasked_columns(name, m.year):
        cols[column] = empty
    for column in layout:
        cols.setdefault(column, empty)
    return object_frame(cols, layout, n)
