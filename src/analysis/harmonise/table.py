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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core import cachefiles, digests, territories
from analysis.core.errors import InputError, MissingDataError
from analysis.core.uai import check_uais
from analysis.harmonise import local_sources
from analysis.harmonise.natures import ETIC_1D_NATURES, ETIC_2D_NATURES, nature_from_code, type_from_nature
from analysis.sources import questionnaires
from analysis.sources.store import Store

ETIC_SOURCES = ("etic_2d", "etic_1d")
SOURCE_KEYS = ("annuaire", "geolocalisation", "etic_2d", "etic_1d", "couverture", "experimentations")
PROGRAMMES = ("colleges_lab", "efran", "profan")
#: The columns the annuaire gives each establishment (empty when there is no annuaire).
ANNUAIRE_COLUMNS = ("uai", "nom", "nature", "secteur", "education_prioritaire", "tutelle_men", "commune_code",
                    "commune", "departement_source", "latitude", "longitude", "nb_eleves_annuaire",
                    "date_ouverture", "dans_annuaire")
#: The survey whose reference date decides whether an establishment of a nature is in a millésime.
SURVEY_OF_NATURE = {**{n: "etic_1d" for n in ETIC_1D_NATURES}}
DEFAULT_SURVEY = "etic_2d"


@dataclass
class HarmoniseReport:
    """What happened on the way: counts and examples of everything not matched or excluded."""

    annee: int
    vintage: str
    sources: dict[str, list[str]] = field(default_factory=dict)
    annuaire_rows: int = 0
    annuaire_duplicate_lines: int = 0
    hors_perimetre: dict[str, int] = field(default_factory=dict)
    etic_rows: dict[str, int] = field(default_factory=dict)
    etic_absent_annuaire: list[str] = field(default_factory=list)
    etic_hors_perimetre_annuaire: list[str] = field(default_factory=list)
    etic_nature_differs: list[str] = field(default_factory=list)
    uai_departement_mismatch: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    ignored_answers: list[str] = field(default_factory=list)
    couverture_unmatched: int = 0
    experimentations_unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The universe of the millésime: reference date per survey (ISO), the annuaire's last update,
    #: the establishments left out because opened after the reference date (all of them, and
    #: those in the survey's field, which counted as non-respondents before), respondents opened
    #: after it (kept: they answered).
    date_reference: dict[str, str] = field(default_factory=dict)
    annuaire_date: str = ""
    ouverts_apres_reference: list[str] = field(default_factory=list)
    ouverts_apres_reference_champ: list[str] = field(default_factory=list)
    repondants_ouverts_apres_reference: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> HarmoniseReport:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def summary(self) -> list[str]:
        lines = [f"millésime {self.annee} (carte des académies {self.vintage})",
                 f"annuaire: {self.annuaire_rows} lignes, {self.annuaire_duplicate_lines} lignes "
                 "en double fusionnées"]
        if self.hors_perimetre:
            total = sum(self.hors_perimetre.values())
            lines.append(f"hors périmètre (annuaire): {total} entrées "
                         f"({', '.join(f'{k}: {v}' for k, v in list(self.hors_perimetre.items())[:5])}…)")
        for key, n in self.etic_rows.items():
            lines.append(f"{key}: {n} réponses")
        for label, items in (("réponses ETIC absentes de l'annuaire", self.etic_absent_annuaire),
                             ("réponses ETIC hors périmètre dans l'annuaire (nature changée depuis)",
                              self.etic_hors_perimetre_annuaire),
                             ("UAI dont le préfixe contredit le département", self.uai_departement_mismatch),
                             ("établissements non placés dans un département", self.unplaced),
                             ("réponses ignorées (question non posée ce millésime)", self.ignored_answers)):
            if items:
                lines.append(f"{label}: {len(items)} ({', '.join(items[:5])}{'…' if len(items) > 5 else ''})")
        if self.ouverts_apres_reference:
            lines.append(f"ouverts après la date de référence ({', '.join(self.date_reference.values())}), "
                         f"hors de l'univers: {len(self.ouverts_apres_reference)}, dont "
                         f"{len(self.ouverts_apres_reference_champ)} dans le champ de l'enquête")
        if self.couverture_unmatched:
            lines.append(f"couverture: {self.couverture_unmatched} UAI hors périmètre")
        return lines


# ---------------------------------------------------------------------------- ETIC answers
def etic_answers(raw: pd.DataFrame, qname: str, path: Path | str = "",
                 report: HarmoniseReport | None = None) -> pd.DataFrame:
    """Type the raw ETIC answers of one file into canonical columns, millésime by millésime."""
    q = questionnaires.questionnaire(qname)
    uai_col, year_col = q["keys"]["uai"], q["keys"]["annee"]
    years = pd.to_numeric(raw[year_col].str.replace(r"\.0*$", "", regex=True)).astype(int)
    parts = []
    for year in sorted(years.unique()):
        rows = raw[years == year]
        out = pd.DataFrame({"uai": rows[uai_col].str.strip().str.upper().to_numpy(),
                            "annee": year}, index=rows.index)
        for name, column in q.get("passthrough", {}).items():
            out[name] = rows[column].str.strip().replace("", None)
        for name, spec in q["variables"].items():
            column = spec["column"]
            column = questionnaires.for_year(column, year) if isinstance(column, dict) else column
            asked = spec.get("since", 0) <= year <= spec.get("until", 9999)
            values = rows[column]          # the schema has already rejected stray spaces and codes
            if not asked:
                answered = int((values != "").sum())
                if answered and report is not None:
                    report.ignored_answers.append(f"{column} {year}: {answered}")
                values = pd.Series("", index=values.index, dtype=values.dtype)
            out[name] = _typed(values, spec, year, column, path, rows)
        parts.append(out)
    return pd.concat(parts) if parts else pd.DataFrame(columns=["uai", "annee"])


def _typed(values: pd.Series, spec: dict, year: int, column: str, path, rows: pd.DataFrame) -> pd.Series:
    kind = spec["kind"]
    empty = values == ""
    if kind == "bool":
        lowered = values.to_numpy(dtype=object)
        if not np.isin(lowered, ["", "oui", "non"]).all():
            lowered = values.str.lower().to_numpy(dtype=object)
        return pd.Series(pd.arrays.BooleanArray(lowered == "oui", lowered == ""), index=values.index)
    if kind == "count":
        numbers = pd.to_numeric(values.where(~empty), errors="coerce")
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            i = fractional.idxmax()
            raise InputError(path, "count is not a whole number", column=column,
                             row=int(rows.loc[i, "_line"]), value=values[i])
        return numbers.astype("Int64")
    if kind == "category":
        codes = questionnaires.for_year(spec["codes"], year)
        mapped = values.astype(object).map(codes)
        unknown = ~empty & mapped.isna()
        if unknown.any():
            i = unknown.idxmax()
            raise questionnaires.unknown_code(path, year, codes, column, int(rows.loc[i, "_line"]), values[i])
        return pd.Categorical(mapped, categories=spec["levels"], ordered=bool(spec.get("ordered")))
    return values.where(~empty)


# ---------------------------------------------------------------------------- the table
def _read_all(store: Store, key: str) -> list[tuple[Path, pd.DataFrame]]:
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


def _annuaire(store: Store, report: HarmoniseReport) -> pd.DataFrame | None:
    frames = _read_all(store, "annuaire")
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


def _etic(store: Store, year: int, report: HarmoniseReport) -> pd.DataFrame | None:
    parts = []
    for key in ETIC_SOURCES:
        source = store.registry[key]
        for path, raw in _read_all(store, key):
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
        raise InputError(store.raw, f"UAI {etic.loc[dup, 'uai'].iloc[0]} answers twice for millésime "
                         f"{year} (across the ETIC files: {', '.join(etic.loc[dup, 'source_etic'].unique())})",
                         hint="Keep one copy per millésime: remove the older file from data/raw/.")
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


def available_years(store: Store) -> list[int]:
    """The millésimes the survey files of the data folder hold."""
    return sorted({y for key in ETIC_SOURCES for y in store.millesimes(key)})


def check_millesime(store: Store, year: int) -> int:
    """``year`` when the questionnaires model it and the data folder has survey answers for it.

    Raises :class:`~analysis.core.errors.MillesimeError` for a millésime no questionnaire models
    (naming the fix), :class:`~analysis.core.errors.MissingDataError` naming the millésimes and
    files that are there otherwise. Cheap (provenance records): run it before any work.
    """
    held = {key: store.millesimes(key) for key in ETIC_SOURCES}
    if any(int(year) in years for years in held.values()):
        return questionnaires.check_year(year)
    present = ", ".join(f"{key}: {', '.join(map(str, years))}" for key, years in held.items() if years)
    others = [key for key in store.registry if key not in ETIC_SOURCES and store.files(key)]
    if present:
        there = f"the data folder has the millésimes {', '.join(map(str, available_years(store)))} ({present})"
        todo = (f"Choose one of them with --year, or import the ETIC files of {year} "
                f"(`etat-des-lieux data import PATH`).")
    else:
        there = ("the data folder has no ETIC answers at all"
                 + (f" (only: {', '.join(others)})" if others else " (it is empty)"))
        todo = ("Import the ETIC files (`etat-des-lieux data import PATH` or `data fetch etic_2d`), "
                "or build the marked demo dataset with `etat-des-lieux data demo`.")
    modelled = questionnaires.modelled_years()
    if int(year) not in modelled:
        there += (f"; no questionnaire models {year} either (modelled: {', '.join(map(str, modelled))})")
    raise MissingDataError(f"No ETIC answers for millésime {year} in {store.raw}: {there}.\n  → {todo}")


def build_etablissements(store: Store, year: int) -> tuple[pd.DataFrame, HarmoniseReport]:
    year = check_millesime(store, year)
    vintage = territories.vintage_for_year(year)
    report = HarmoniseReport(annee=year, vintage=vintage,
                             sources={k: [p.name for p in store.files(k)] for k in input_keys(store)})
    annuaire = _annuaire(store, report)
    etic = _etic(store, year, report)
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
            report.notes.append(f"Pas de réponses {key} pour {year} : {label} hors du champ de l'enquête.")
    table["tutelle_men"] = table["tutelle_men"].astype(bool)      # as read back from the cache
    table["champ_etic"] = (
        table["secteur"].eq("public") & table["tutelle_men"] & table["nature"].isin(surveyed)
    ) | table["repondant_etic"]
    table = _open_at_millesime(table, year, report)
    table["nb_eleves"] = table["nb_eleves"].astype("Int64") if "nb_eleves" in table else pd.NA
    _join_couverture(store, table, year, report)
    _join_experimentations(store, table, year, report)
    local_sources.join(table, year, store.registry, lambda source: [f for _, f in _read_all(store, source.key)],
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


def _rows_of_year(store: Store, key: str, year: int) -> pd.DataFrame | None:
    """The rows of a per-establishment source (column `millesime`) for one millésime; None without files."""
    frames = [raw for _, raw in _read_all(store, key)]
    if not frames:
        return None
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[pd.to_numeric(raw["millesime"]).astype(int) == year]
    return raw.assign(uai=raw["uai"].str.strip().str.upper())


def _join_couverture(store: Store, table: pd.DataFrame, year: int, report: HarmoniseReport) -> None:
    columns = ("debit_max_potentiel", "nb_operateurs_3g", "nb_operateurs_4g")
    raw = _rows_of_year(store, "couverture", year)
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
    raw = _rows_of_year(store, "experimentations", year)
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
    key = _cache_key(store)
    folder = store.data_dir / "processed"
    parquet = folder / f"etablissements-{year}.parquet"
    meta = folder / f"etablissements-{year}.json"
    cached = None if refresh else cachefiles.read(parquet, meta, key)
    if cached is not None:
        frame, info = cached
        return frame, HarmoniseReport.from_json(json.dumps(info["report"]))
    table, report = build_etablissements(store, year)
    return cachefiles.write(parquet, meta, table, {"key": key, "report": asdict(report)}), report


def _cache_key(store: Store) -> str:
    """The content of the input files (:meth:`Store.fingerprint`: an edit in place changes it)
    and the code the table depends on (:func:`digests.stage_digest`)."""
    return digests.sha(store.fingerprint(input_keys(store)), digests.stage_digest("harmonise"))


def input_keys(store: Store) -> list[str]:
    """The sources the table reads: the national ones and the local groups joined to it."""
    return list(SOURCE_KEYS) + [s.key for group in local_sources.groups(store.registry).values() for s in group]
