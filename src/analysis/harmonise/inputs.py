"""The inputs of the harmonised table, read from the store: the annuaire's establishments in the
perimeter, the ETIC answers of a millésime (typed), the rows of a per-establishment source for a
millésime. Each file is read and typed once per version and process: a build reads the same files
for two millésimes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core import territories
from analysis.core.errors import InputError
from analysis.harmonise.answers import etic_answers
from analysis.harmonise.harmonise_report import HarmoniseReport
from analysis.harmonise.natures import nature_from_code
from analysis.sources.store import Store

ETIC_SOURCES = ("etic_2d", "etic_1d")
#: The columns the annuaire gives each establishment (empty when there is no annuaire).
ANNUAIRE_COLUMNS = ("uai", "nom", "nature", "secteur", "education_prioritaire", "tutelle_men", "commune_code",
                    "commune", "departement_source", "latitude", "longitude", "nb_eleves_annuaire",
                    "date_ouverture", "dans_annuaire")


def read_all(store: Store, key: str) -> list[tuple[Path, pd.DataFrame]]:
    source = store.registry[key]
    return [(path, _read_cached(path, source)) for path in store.files(key)]


_READ_CACHE: dict[tuple, pd.DataFrame] = {}


def _read_cached(path: Path, source) -> pd.DataFrame:
    """read_raw once per file version and process: a build reads the same files for two millésimes."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, source.key)
    if key not in _READ_CACHE:
        from analysis.sources.schemas import read_raw

        if len(_READ_CACHE) > 16:
            _READ_CACHE.clear()
        _READ_CACHE[key] = read_raw(path, source)
    return _READ_CACHE[key]


def annuaire_frame(store: Store, report: HarmoniseReport) -> pd.DataFrame | None:
    """The annuaire's establishments in the perimeter, one row each (None without an annuaire);
    duplicates and natures outside the perimeter are counted in ``report``."""
    frames = read_all(store, "annuaire")
    if not frames:
        return None
    raw = pd.concat([f for _, f in frames], ignore_index=True)
    report.annuaire_rows = len(raw)
    uai = raw["Identifiant_de_l_etablissement"].str.strip().str.upper()
    duplicated = uai.duplicated()
    report.annuaire_duplicate_lines = int(duplicated.sum())
    raw, uai = raw[~duplicated], uai[~duplicated]
    nature = nature_from_code(raw["code_nature"], raw["ministere_tutelle"])
    outside = nature.isna()
    labels = raw.loc[outside, "libelle_nature"].replace("", "(nature vide)")
    report.hors_perimetre = {str(k): int(v) for k, v in labels.value_counts().items()}
    report.annuaire_hors_perimetre_uai = set(uai[outside])
    raw, uai, nature = raw[~outside], uai[~outside], nature[~outside]
    secteur = raw["Statut_public_prive"].str.strip().str.lower().map(
        {"public": "public", "privé": "prive", "prive": "prive"})
    ep = raw["Appartenance_Education_Prioritaire"].str.strip().str.upper().map(
        {"REP": "rep", "REP+": "rep_plus", "": "hors_rep"}).fillna("hors_rep")
    tutelle = raw["ministere_tutelle"].fillna("")
    departement = raw["Code_departement"].map(_departement_or_none)
    updated = pd.to_datetime(raw["date_maj_ligne"].str[:10], errors="coerce", format="%Y-%m-%d").max()
    report.annuaire_date = "" if pd.isna(updated) else updated.date().isoformat()
    return pd.DataFrame({
        "uai": uai.to_numpy(),
        "nom": raw["Nom_etablissement"].str.strip().to_numpy(),
        "nature": nature.to_numpy(),
        "secteur": secteur.to_numpy(),
        "education_prioritaire": ep.to_numpy(),
        "tutelle_men": (tutelle.eq("") | tutelle.str.upper().str.contains("EDUCATION NATIONALE",
                                                                          regex=False)).to_numpy(),
        "commune_code": raw["Code_commune"].replace("", None).to_numpy(),
        "commune": raw["Nom_commune"].replace("", None).to_numpy(),
        "departement_source": departement.to_numpy(),
        "latitude": pd.to_numeric(raw["latitude"].str.replace(",", "."), errors="coerce").to_numpy(),
        "longitude": pd.to_numeric(raw["longitude"].str.replace(",", "."), errors="coerce").to_numpy(),
        "nb_eleves_annuaire": pd.to_numeric(raw["Nombre_d_eleves"], errors="coerce").astype("Int64").to_numpy(),
        "date_ouverture": pd.to_datetime(raw["date_ouverture"].str[:10], errors="coerce",
                                         format="%Y-%m-%d").to_numpy(),
        "dans_annuaire": True,
    })


def _departement_or_none(code: str) -> str | None:
    try:
        return territories.normalise_departement_code(code) if code and code.strip() else None
    except ValueError:
        return None


def etic_frame(store: Store, year: int, report: HarmoniseReport) -> pd.DataFrame | None:
    """The typed answers of both ETIC files for a millésime (None without any); an establishment
    answering twice is an error."""
    parts = []
    for key in ETIC_SOURCES:
        source = store.registry[key]
        for path, raw in read_all(store, key):
            answers, ignored = _answers_cached(path, raw, source.questionnaire)
            report.ignored_answers += [line for line in ignored if line.endswith(f" {year}") or f" {year}:" in line]
            answers = answers[answers["annee"] == year].copy()
            if len(answers):
                answers["source_etic"] = key
                parts.append(answers)
                report.etic_rows[key] = report.etic_rows.get(key, 0) + len(answers)
    if not parts:
        return None
    etic = pd.concat(parts, ignore_index=True)
    dup = etic["uai"].duplicated(keep=False)
    if dup.any():
        raise InputError(store.raw, f"l'UAI {etic.loc[dup, 'uai'].iloc[0]} répond deux fois au millésime "
                         f"{year} (dans les fichiers ETIC : {', '.join(etic.loc[dup, 'source_etic'].unique())})",
                         hint="Gardez une seule copie par millésime : importez à nouveau la bonne "
                              "(`etat-des-lieux data import CHEMIN`), elle remplace les copies qui ont les mêmes "
                              "établissements ; ou retirez de data/raw/ le fichier en trop.")
    return etic


_ANSWERS_CACHE: dict[tuple, tuple[pd.DataFrame, list[str]]] = {}


def _answers_cached(path: Path, raw: pd.DataFrame, qname: str) -> tuple[pd.DataFrame, list[str]]:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, qname)
    if key not in _ANSWERS_CACHE:
        if len(_ANSWERS_CACHE) > 8:
            _ANSWERS_CACHE.clear()
        scratch = HarmoniseReport(annee=0, vintage="")
        _ANSWERS_CACHE[key] = (etic_answers(raw, qname, path, scratch), scratch.ignored_answers)
    return _ANSWERS_CACHE[key]


def rows_of_year(store: Store, key: str, year: int) -> pd.DataFrame | None:
    """The rows of a per-establishment source (column `millesime`) for one millésime; None without files."""
    frames = [raw for _, raw in read_all(store, key)]
    if not frames:
        return None
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[pd.to_numeric(raw["millesime"]).astype(int) == year]
    return raw.assign(uai=raw["uai"].str.strip().str.upper())
