"""The harmonised table: one row per establishment and millésime, placed in the territories.

Inputs (all optional but one of annuaire / ETIC): the annuaire (perimeter, nature, secteur,
éducation prioritaire, commune, coordinates), ETIC 2d and 1d (answers, typed through the
questionnaire mappings), coverage and experimentations. Everything that does not match is
counted in a ``HarmoniseReport``; no row is dropped silently.

Assumptions written down (they show in the report's méthodologie):
- The annuaire is a snapshot (its download date is in the provenance record, its last update in
  ``date_maj_ligne``). The universe of a millésime is the annuaire's establishments *open at
  that millésime*: those opened after the reference date of the survey's millésime (declared in
  the questionnaires: :func:`analysis.sources.questionnaires.reference_date`) are left out and
  counted (``HarmoniseReport.ouverts_apres_reference``). Establishments answering ETIC but absent
  from today's annuaire (closed since) are kept, placed from ETIC's own département name (then
  the UAI rule), and counted; those closed since that did not answer cannot be seen (a note says so).
- The département comes from the annuaire's Code_departement; the UAI prefix is a check.
  Académie and région come from the territories reference of the millésime's map vintage.
- "No answer" stays missing (<NA>), never False or 0.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np
import pandas as pd

from analysis.core import cachefiles, digests, territories
from analysis.core.formatting import UNIT_SEP
from analysis.core.uai import check_uais
from analysis.core.vocabulary import SURVEY_NAMES
from analysis.harmonise import local_sources
from analysis.harmonise.harmonise_report import HarmoniseReport
from analysis.harmonise.inputs import ANNUAIRE_COLUMNS, annuaire_frame, etic_frame, read_all, rows_of_year
from analysis.harmonise.millesimes import check_millesime
from analysis.harmonise.natures import ETIC_1D_NATURES, ETIC_2D_NATURES, nature_from_code, type_from_nature
from analysis.sources import questionnaires
from analysis.sources.store import Store

SOURCE_KEYS = ("annuaire", "geolocalisation", "etic_2d", "etic_1d", "couverture", "experimentations")
PROGRAMMES = ("colleges_lab", "efran", "profan")
#: The survey whose reference date decides whether an establishment of a nature is in a millésime.
SURVEY_OF_NATURE = {**{n: "etic_1d" for n in ETIC_1D_NATURES}}
DEFAULT_SURVEY = "etic_2d"


def build_etablissements(store: Store, year: int) -> tuple[pd.DataFrame, HarmoniseReport]:
    year = check_millesime(store, year)
    vintage = territories.vintage_for_year(year)
    report = HarmoniseReport(annee=year, vintage=vintage,
                             sources={k: [p.name for p in store.files(k)] for k in input_keys(store)})
    annuaire = annuaire_frame(store, report)
    etic = etic_frame(store, year, report)
    if annuaire is None:
        report.notes.append("Pas d'annuaire : le périmètre se limite aux répondants ETIC.")
        base = pd.DataFrame({c: pd.Series(dtype=object) for c in ANNUAIRE_COLUMNS})
        base["date_ouverture"] = pd.Series(dtype="datetime64[ns]")
    else:
        base = annuaire
        report.notes.append(
            "L'annuaire est un instantané" + (f" (mis à jour jusqu'au {report.annuaire_date})"
                                              if report.annuaire_date else "")
            + " : les établissements fermés depuis le millésime qui n'ont pas répondu n'y figurent "
              "plus et manquent à l'univers ; ceux qui ont répondu sont conservés.")
    if etic is None:
        report.notes.append(f"Aucune réponse ETIC pour {year}.")
        table = base.copy()
        table["repondant_etic"] = False
    else:
        etic_natures = nature_from_code(etic["code_nature"])
        table = base.merge(etic, on="uai", how="outer", indicator=True)
        table["repondant_etic"] = table["_merge"].isin(["both", "right_only"]).to_numpy()
        only_etic = table["_merge"].eq("right_only").to_numpy()
        outside = getattr(report, "annuaire_hors_perimetre_uai", set())
        report.etic_absent_annuaire = sorted(u for u in table.loc[only_etic, "uai"] if u not in outside)
        report.etic_hors_perimetre_annuaire = sorted(u for u in table.loc[only_etic, "uai"] if u in outside)
        if hasattr(report, "annuaire_hors_perimetre_uai"):
            del report.annuaire_hors_perimetre_uai
        table["dans_annuaire"] = table["dans_annuaire"].astype("boolean").fillna(False).astype(bool)
        etic_nature = table["uai"].map(dict(zip(etic["uai"], etic_natures)))
        differs = table["_merge"].eq("both") & table["nature"].notna() & etic_nature.notna() \
            & (table["nature"] != etic_nature) & ~table["nature"].eq("lycee_hors_men")
        report.etic_nature_differs = sorted(table.loc[differs, "uai"].tolist())
        # ETIC's nature is the millésime's own (the annuaire is a later snapshot): it wins for
        # respondents. ETIC-only rows: public by definition of the survey, placed from ETIC.
        table["nature"] = etic_nature.where(etic_nature.notna(), table["nature"])
        table.loc[only_etic, "secteur"] = "public"
        table.loc[only_etic, "tutelle_men"] = True
        table.loc[only_etic, "education_prioritaire"] = None
        names = table.loc[only_etic, "departement_etic"].map(territories.departement_from_name)
        table.loc[only_etic, "departement_source"] = names
        table = table.drop(columns="_merge")
    table["annee"] = year
    _place(table, vintage, report)
    table["type"] = type_from_nature(table["nature"])
    # The survey universe: public establishments under the ministry's tutelle, of the natures a
    # survey with data for this millésime covers (without ETIC 1d, écoles are outside it).
    surveyed = [n for key, natures in (("etic_2d", ETIC_2D_NATURES), ("etic_1d", ETIC_1D_NATURES))
                if report.etic_rows.get(key) for n in natures]
    for key, label in (("etic_1d", "écoles"), ("etic_2d", "collèges et lycées")):
        if not report.etic_rows.get(key):
            report.notes.append(f"Pas de fichier de réponses {SURVEY_NAMES[key]} pour {year} dans le dossier de "
                                f"données{UNIT_SEP}: les {label} ne sont pas comptés dans le champ de "
                                f"l'enquête de cette édition (ni répondants ni n.c.).")
    table["tutelle_men"] = table["tutelle_men"].astype(bool)      # as read back from the cache
    table["champ_etic"] = (
        table["secteur"].eq("public") & table["tutelle_men"] & table["nature"].isin(surveyed)
    ) | table["repondant_etic"]
    table = _open_at_millesime(table, year, report)
    table["nb_eleves"] = table["nb_eleves"].astype("Int64") if "nb_eleves" in table else pd.NA
    _join_couverture(store, table, year, report)
    _join_experimentations(store, table, year, report)
    local_sources.join(table, year, store.registry, lambda source: [f for _, f in read_all(store, source.key)],
                       report)
    table = table.sort_values("uai", ignore_index=True)
    return table, report


def _open_at_millesime(table: pd.DataFrame, year: int, report: HarmoniseReport) -> pd.DataFrame:
    """The establishments of the millésime: annuaire rows opened after the reference date of the
    survey of their nature are left out, and counted; respondents are always kept."""
    dates = {s: questionnaires.reference_date(s, year) for s in questionnaires.SURVEYS}
    report.date_reference = {s: d.isoformat() for s, d in dates.items() if d}
    survey = table["nature"].map(SURVEY_OF_NATURE).fillna(DEFAULT_SURVEY)
    reference = pd.to_datetime(survey.map(report.date_reference))
    opened = pd.to_datetime(table["date_ouverture"]) if "date_ouverture" in table else reference.where(False)
    after = (opened > reference).fillna(False).astype(bool)
    respondent = table["repondant_etic"].astype(bool)
    report.repondants_ouverts_apres_reference = sorted(table.loc[after & respondent, "uai"])
    left_out = after & ~respondent
    report.ouverts_apres_reference = sorted(table.loc[left_out, "uai"])
    report.ouverts_apres_reference_champ = sorted(table.loc[left_out & table["champ_etic"], "uai"])
    return table[~left_out].reset_index(drop=True)


def _place(table: pd.DataFrame, vintage: str, report: HarmoniseReport) -> None:
    checks = check_uais(table["uai"])
    from_uai = checks["departement_uai"]
    source = table["departement_source"]
    # Saint-Barthélemy and Saint-Martin keep Guadeloupe UAIs (971…): not a contradiction.
    tolerated = source.isin(["977", "978"]) & from_uai.eq("971")
    mismatch = source.notna() & from_uai.notna() & (source != from_uai) & ~tolerated
    report.uai_departement_mismatch = sorted(
        f"{u} ({s} vs UAI {d})" for u, s, d in zip(table.loc[mismatch, "uai"], source[mismatch],
                                                    from_uai[mismatch]))
    departement = source.where(source.notna(), from_uai)
    hierarchy = territories.hierarchy(vintage).set_index("departement")
    known = departement.isin(hierarchy.index)
    report.unplaced = sorted(table.loc[~known, "uai"].tolist())
    table["departement"] = departement.where(known)
    for column in ("academie", "region"):
        values = table["departement"].map(hierarchy[column])
        table[column] = values.where(values.fillna("") != "")



def _join_couverture(store: Store, table: pd.DataFrame, year: int, report: HarmoniseReport) -> None:
    columns = ("debit_max_potentiel", "nb_operateurs_3g", "nb_operateurs_4g")
    raw = rows_of_year(store, "couverture", year)
    if raw is None:
        for c in columns:
            table[c] = pd.Series(np.nan, index=table.index, dtype="Float64")
        table["couverture_disponible"] = False
        return
    raw = raw.set_index("uai")
    report.couverture_unmatched = int((~raw.index.isin(table["uai"])).sum())
    for c in columns:
        values = pd.to_numeric(raw[c].str.replace(",", "."), errors="coerce").astype("Float64")
        table[c] = table["uai"].map(values).astype("Float64")
    table["couverture_disponible"] = True


def _join_experimentations(store: Store, table: pd.DataFrame, year: int, report: HarmoniseReport) -> None:
    raw = rows_of_year(store, "experimentations", year)
    if raw is None:
        for p in PROGRAMMES:
            table[p] = pd.Series(pd.NA, index=table.index, dtype="boolean")
        table["efran_projet"] = None
        return
    report.experimentations_unmatched = sorted(set(raw.loc[~raw["uai"].isin(table["uai"]), "uai"]))
    for p in PROGRAMMES:
        table[p] = table["uai"].isin(raw.loc[raw["programme"] == p, "uai"])
    projets = raw[raw["programme"] == "efran"].drop_duplicates("uai").set_index("uai")["projet"]
    table["efran_projet"] = table["uai"].map(projets.replace("", None))


# ---------------------------------------------------------------------------- cache
def load_etablissements(store: Store | None = None, year: int = 2018, *,
                        refresh: bool = False) -> tuple[pd.DataFrame, HarmoniseReport]:
    """The harmonised table for a millésime, rebuilt only when an input file or the code changed
    (a damaged cache is discarded with a notice and rebuilt)."""
    store = store or Store()
    year = check_millesime(store, year)
    key = etablissements_key(store)
    name = _cache_name(year)
    cached = None if refresh else cachefiles.read(store.data_dir, name, key)
    if cached is not None:
        frame, info = cached
        return frame, HarmoniseReport.from_json(json.dumps(info["report"]))
    table, report = build_etablissements(store, year)
    return cachefiles.write(store.data_dir, name, table, {"key": key, "report": asdict(report)}), report


def harmonisation_report(store: Store | None = None, year: int = 2018) -> HarmoniseReport:
    """The harmonisation report of a millésime, read from the cached table's metadata without the
    table (what a chapter states of the whole data folder); the table is built when it is not cached."""
    store = store or Store()
    year = check_millesime(store, year)
    info = cachefiles.read_info(store.data_dir, _cache_name(year), etablissements_key(store))
    if info is None:
        return load_etablissements(store, year)[1]
    return HarmoniseReport.from_json(json.dumps(info["report"]))


def _cache_name(year: int) -> str:
    """The name of a millésime's harmonised table in the data caches (:mod:`analysis.core.cachefiles`)."""
    return f"etablissements-{year}"


def etablissements_key(store: Store) -> str:
    """The content of the input files (:meth:`Store.fingerprint`: an edit in place changes it)
    and the code the table depends on (:func:`digests.stage_digest`)."""
    return digests.sha(store.fingerprint(input_keys(store)), digests.stage_digest("harmonise"))


def input_keys(store: Store) -> list[str]:
    """The sources the table reads: the national ones and the local groups joined to it."""
    return list(SOURCE_KEYS) + [s.key for group in local_sources.groups(store.registry).values() for s in group]
