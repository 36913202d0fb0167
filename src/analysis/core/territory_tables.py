"""The territories reference tables: départements, académies and régions académiques, in the two
vintages of the académie map, and the matching of names and codes (ETIC spellings, COG codes).

The tables live in ``analysis/resources/territories/*.csv`` (data, not code; see the README there
for sources and caveats). :mod:`analysis.core.territories` builds the editions' territories on them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from analysis.core.config import RESOURCES
from analysis.core.errors import TerritoryError

VINTAGES: tuple[str, ...] = ("2016", "2020")
#: Vintage of the 2018 report (eCarto, survey ETIC 2018).
DEFAULT_VINTAGE = "2016"
TABLES_DIR = RESOURCES / "territories"


# --------------------------------------------------------------------------------------------
# Vintages and tables
# --------------------------------------------------------------------------------------------


def vintage_for_year(year: int) -> str:
    """Académie map in force in ``year``: "2016" before 2020, else "2020"."""
    return "2016" if int(year) < 2020 else "2020"


def _check_vintage(vintage: str) -> str:
    vintage = str(vintage)
    if vintage not in VINTAGES:
        raise TerritoryError(
            f"Unknown vintage {vintage!r}: expected one of {', '.join(VINTAGES)} "
            "(use vintage_for_year(year) to pick one from a year)."
        )
    return vintage


@cache
def _read_table(name: str) -> pd.DataFrame:
    table = pd.read_csv(TABLES_DIR / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    if "drom" in table.columns:
        table["drom"] = table["drom"].str.lower().map({"true": True, "false": False}).astype(bool)
    return table


def _table(name: str, vintage: str) -> pd.DataFrame:
    return _vintage_table(name, _check_vintage(vintage)).copy()      # a copy: callers may change theirs


@cache
def _vintage_table(name: str, vintage: str) -> pd.DataFrame:
    """The rows of one vintage, once per process (every territory lookup reads them)."""
    table = _read_table(name)
    return table[table["vintage"] == vintage].drop(columns="vintage").reset_index(drop=True)


def departements(vintage: str = DEFAULT_VINTAGE) -> pd.DataFrame:
    """Départements and COM: departement, departement_nom, academie, region, statut, drom."""
    return _table("departements", vintage)


def academies(vintage: str = DEFAULT_VINTAGE) -> pd.DataFrame:
    """Académies and vice-rectorats: academie, academie_code, academie_nom, region, statut."""
    return _table("academies", vintage)


def regions(vintage: str = DEFAULT_VINTAGE) -> pd.DataFrame:
    """Régions (INSEE): region, region_nom, region_slug, statut ("region-academique" or "hors")."""
    return _table("regions", vintage)


#: The column that names an entry of each table.
KEYS = {"departements": "departement", "academies": "academie", "regions": "region"}


def entry(name: str, code: str, vintage: str = DEFAULT_VINTAGE) -> dict[str, object]:
    """One entry of a table by its code (``entry("departements", "34", "2016")["departement_nom"]``);
    KeyError for a code the vintage does not have. Every territory lookup asks for one: a dict,
    where an indexed frame cost a millisecond a lookup."""
    return dict(_entries(name, _check_vintage(vintage))[code])          # the caller's own


@cache
def _entries(name: str, vintage: str) -> dict[str, dict[str, object]]:
    table = _vintage_table(name, vintage)
    codes = table[KEYS[name]]
    if codes.duplicated().any():
        raise AssertionError(f"{name}: duplicated codes {sorted(codes[codes.duplicated()])}")
    return {str(code): row for code, row in zip(codes, table.to_dict("records"), strict=True)}


@cache
def _hierarchy(vintage: str) -> pd.DataFrame:
    deps = departements(vintage)
    acas = academies(vintage).rename(columns={"region": "academie_region", "statut": "academie_statut"})
    regs = regions(vintage).rename(columns={"statut": "region_statut"}).drop(columns="region_slug")
    table = deps.merge(acas, on="academie", how="left", validate="many_to_one")
    table = table.merge(regs, on="region", how="left", validate="many_to_one")
    table = table.fillna("")
    columns = [
        "departement", "departement_nom", "academie", "academie_code", "academie_nom",
        "academie_statut", "region", "region_nom", "region_statut", "statut", "drom",
    ]
    return table[columns]


def hierarchy(vintage: str = DEFAULT_VINTAGE) -> pd.DataFrame:
    """One row per département / COM with its académie and région (codes, names, statuts)."""
    return _hierarchy(_check_vintage(vintage)).copy()


#: The article of a name in INSEE's code officiel géographique (TNCC) -> the word "of" before it.
OF_NAME = {"0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ", "5": "de l'"}


def departement_of(code: str) -> str | None:
    """"de la Haute-Garonne", "de l'Hérault", "du Gard", "des Landes", "de Paris", "d'Eure-et-Loir"
    (the ``tncc`` column of departements.csv); None for a code it does not know."""
    found = _departement_names().get(str(code))
    return found[0] if found else None


def departement_statut(code: str) -> str | None:
    """"departement" or "com" (collectivité d'outre-mer and Nouvelle-Calédonie)."""
    found = _departement_names().get(str(code))
    return found[1] if found else None


@cache
def _departement_names() -> dict[str, tuple[str, str]]:
    """Code -> (its name with "of", its statut), the latest vintage winning."""
    rows = _read_table("departements")
    return {code: (OF_NAME[tncc] + name, statut)
            for code, name, tncc, statut in zip(rows["departement"], rows["departement_nom"], rows["tncc"],
                                                rows["statut"])}


# --------------------------------------------------------------------------------------------
# Names and codes
# --------------------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """Matching key: lower case ASCII, words joined by "-", "st"/"ste" spelt out."""
    text = re.sub(r"[\W_]+", " ", str(text))  # punctuation (incl. typographic apostrophes) first
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"(^|-)st(e?)(?=-)", r"\1saint\2", text)


def _without_article(key: str) -> str:
    return re.sub(r"^(la|le|les|l)-", "", key)


_CODE_RE = re.compile(r"^0?([0-9]{1,2}|2[AB])$|^(97[1-8]|98[4-9])$", re.IGNORECASE)


def normalise_departement_code(code: str | int) -> str:
    """COG code from the usual spellings: "031" -> "31", "02A" -> "2A", "1" -> "01", "971".

    Raises ``ValueError`` when ``code`` does not look like a département / COM code.
    """
    text = str(code).strip().upper()
    match = _CODE_RE.match(text)
    if not match:
        raise ValueError(f"Not a département code: {code!r}")
    if match.group(2):
        return match.group(2)
    value = match.group(1)
    if value in ("2A", "2B"):
        return value
    if value in ("0", "00", "20"):
        raise ValueError(f"Not a département code: {code!r}")
    return value.zfill(2)


@cache
def _departement_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for vintage in VINTAGES:
        for code, nom in departements(vintage)[["departement", "departement_nom"]].itertuples(index=False):
            key = name_key(nom)
            index.setdefault(key, code)
            index.setdefault(_without_article(key), code)
    return index


def departement_from_name(name: str | None) -> str | None:
    """COG code of a département / COM from its name, whatever the accents, case or hyphens.

    Accepts the ETIC spellings ("HAUTE-GARONNE", "PYRENEES-ORIENTALES", "REUNION",
    "TERRITOIRE DE BELFORT", "COTES-D'ARMOR") and plain codes ("31", "031", "2A").
    Returns ``None`` when nothing matches.
    """
    if name is None or (isinstance(name, float) and pd.isna(name)) or not str(name).strip():
        return None
    key = name_key(name)
    index = _departement_index()
    found = index.get(key) or index.get(_without_article(key))
    if found:
        return found
    try:
        code = normalise_departement_code(str(name))
    except ValueError:
        return None
    return code if code in set(index.values()) else None


def academie_from_name(name: str | None, vintage: str = DEFAULT_VINTAGE) -> str | None:
    """Slug of an académie / vice-rectorat of ``vintage`` from its name, slug or code.

    "TOULOUSE" -> "toulouse", "AIX-MARSEILLE" -> "aix-marseille", "REUNION" -> "la-reunion".
    Returns ``None`` when nothing matches in that vintage (e.g. "CAEN" in "2020").
    """
    if name is None or (isinstance(name, float) and pd.isna(name)) or not str(name).strip():
        return None
    key = name_key(name)
    for row in academies(vintage).itertuples(index=False):
        keys = {row.academie, name_key(row.academie_nom), _without_article(name_key(row.academie_nom))}
        if key in keys or _without_article(key) in keys or str(name).strip().zfill(2) == row.academie_code:
            return row.academie
    return None
