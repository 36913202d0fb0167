"""UAI (Unité Administrative Immatriculée, ex-RNE) identifiers of schools.

A UAI has 8 characters: 7 digits then a check letter.

- The first 3 digits give the territory: ``0`` + 2-digit département on the mainland
  (``031xxxx`` Haute-Garonne), ``620`` for Corse-du-Sud (2A) and ``720`` for Haute-Corse (2B),
  the INSEE code for the DROM (``971``, ``972``, ``973``, ``974``, ``976``) and
  Saint-Pierre-et-Miquelon (``975``), and a 4-digit prefix for the Pacific COM:
  ``9830`` Nouvelle-Calédonie (988), ``9840`` Polynésie française (987), ``9870``
  Wallis-et-Futuna (986). Corsican UAIs are therefore all digits.
- The check letter is ``"ABCDEFGHJKLMNPRSTUVWXYZ"[int(first 7 digits) % 23]`` (23 letters: no I,
  O nor Q).

What was verified on real files (in ``../shared/data/raw``, 2024-2025 exports):

- the check letter of every UAI passes: 917 ETIC 2018-2019 rows (Occitanie), 6 183 rows of the
  annuaire de l'éducation (Occitanie), 7 654 collèges of the national "adresse et
  géolocalisation" file (all départements, DROM and COM);
- :func:`departement_from_uai` equals the file's département code for every row of the annuaire
  and of the national collèges file, with these exceptions, all of which are expected:

  * Saint-Barthélemy (977) and Saint-Martin (978) schools keep Guadeloupe UAIs (``971xxxx``;
    they were communes of Guadeloupe until 2007): the UAI gives "971";
  * Wallis-et-Futuna (986) uses the prefix ``9870`` (not ``9860``), Polynésie française (987)
    ``9840`` and Nouvelle-Calédonie (988) ``9830``: the UAI gives the right COG code only
    through this explicit table, not by reading the first 3 digits.

Assumptions not checked on data: no UAI starts with ``020`` (the pre-1976 Corsica code) nor
``9860``; prefixes outside the table (e.g. ``000``) give no département, but the UAI is still
called valid if its check letter is right. Input is stripped and upper-cased before checking.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "CHECK_LETTERS",
    "check_letter",
    "check_uais",
    "departement_from_uai",
    "is_valid_uai",
    "uai_problem",
]

CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI_RE = re.compile(r"^[0-9]{7}[A-Z]$")

# First 3 UAI digits -> COG département code, for the prefixes that are not "0" + département.
_SPECIAL_PREFIXES = {
    "620": "2A",
    "720": "2B",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "975",
    "976": "976",
    "983": "988",  # Nouvelle-Calédonie: 9830xxx
    "984": "987",  # Polynésie française: 9840xxx
    "987": "986",  # Wallis-et-Futuna: 9870xxx
}
_PREFIX_TO_DEPARTEMENT: dict[str, str] = {
    **{f"0{n:02d}": f"{n:02d}" for n in range(1, 96) if n != 20},
    **_SPECIAL_PREFIXES,
}


def _normalise(uai: object) -> str | None:
    if uai is None or (not isinstance(uai, str) and pd.isna(uai)):  # type: ignore[arg-type]
        return None
    text = str(uai).strip().upper()
    return text or None


def check_letter(uai7: str) -> str:
    """Check letter of the 7 first characters of a UAI (which must be digits)."""
    if len(uai7) != 7 or not uai7.isascii() or not uai7.isdigit():
        raise ValueError(f"Expected 7 digits, got {uai7!r}")
    return CHECK_LETTERS[int(uai7) % 23]


def uai_problem(uai: object) -> str | None:
    """Why ``uai`` is not a valid UAI, or ``None`` when it is valid."""
    text = _normalise(uai)
    if text is None:
        return "missing UAI"
    if len(text) != 8:
        return f"bad length: {len(text)} characters, expected 8"
    if not _UAI_RE.match(text):
        return "bad characters: expected 7 digits followed by a letter"
    expected = check_letter(text[:7])
    if text[7] != expected:
        return f"wrong check letter {text[7]}: expected {expected}"
    return None


def is_valid_uai(uai: object) -> bool:
    """True when ``uai`` has 7 digits and the right check letter."""
    return uai_problem(uai) is None


def departement_from_uai(uai: object) -> str | None:
    """COG département / COM code of a valid UAI ("0310001A" -> "31"), else ``None``.

    Saint-Barthélemy and Saint-Martin schools give "971" (they have Guadeloupe UAIs).
    """
    if not is_valid_uai(uai):
        return None
    text = _normalise(uai)
    assert text is not None
    return _PREFIX_TO_DEPARTEMENT.get(text[:3])


def check_uais(series: pd.Series) -> pd.DataFrame:
    """Vectorised checks of a column of UAIs.

    Returns a frame with the index of ``series`` and the columns ``uai`` (stripped, upper case,
    ``None`` when missing), ``valid`` (bool), ``problem`` (message or ``None``) and
    ``departement_uai`` (COG code from the prefix, ``None`` when invalid or unknown).
    """
    text = series.astype("string").str.strip().str.upper()
    missing = series.isna().to_numpy() | (text.fillna("") == "").to_numpy()
    text = text.where(~missing)
    filled = text.fillna("")

    length = filled.str.len().to_numpy()
    well_formed = filled.str.match(r"^[0-9]{7}[A-Z]$").fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(filled.str[:7].where(well_formed), errors="coerce").fillna(0).astype("int64")
    expected = np.array(list(CHECK_LETTERS))[(numbers.to_numpy() % 23)]
    actual = filled.str[7:8].to_numpy(dtype=object)
    good_letter = well_formed & (actual == expected)

    problems = np.full(len(series), None, dtype=object)
    bad_length = ~missing & (length != 8)
    bad_chars = ~missing & ~bad_length & ~well_formed
    bad_letter = well_formed & ~good_letter
    problems[missing] = "missing UAI"
    for position in np.flatnonzero(bad_length):
        problems[position] = f"bad length: {length[position]} characters, expected 8"
    problems[bad_chars] = "bad characters: expected 7 digits followed by a letter"
    for position in np.flatnonzero(bad_letter):
        problems[position] = f"wrong check letter {actual[position]}: expected {expected[position]}"

    prefixes = filled.str[:3].to_numpy(dtype=object)
    departements = np.array(
        [_PREFIX_TO_DEPARTEMENT.get(prefix) if ok else None for prefix, ok in zip(prefixes, good_letter)],
        dtype=object,
    )
    uais = text.to_numpy(dtype=object, na_value=None)
    result = pd.DataFrame(
        {
            "uai": pd.Series(uais, index=series.index, dtype=object),
            "valid": pd.Series(good_letter, index=series.index, dtype=bool),
            "problem": pd.Series(problems, index=series.index, dtype=object),
            "departement_uai": pd.Series(departements, index=series.index, dtype=object),
        },
        index=series.index,
    )
    return result
