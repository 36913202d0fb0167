"""How ETIC answers are written in the files: "oui" / "non", counts like "311.0", answer codes,
upper-case ASCII names; empty when not answered."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

EMPTY = ""
_YES_NO = np.array([EMPTY, "non", "oui"], dtype=object)


def as_yes_no(values: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """"oui" / "non", empty when not answered."""
    return _YES_NO[np.asarray(answered, dtype=np.int8) * (1 + np.asarray(values, dtype=np.int8))]


@lru_cache(maxsize=8)
def _count_table(size: int) -> np.ndarray:
    return np.array([EMPTY] + [f"{i}.0" for i in range(size)], dtype=object)


def as_count(values: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Counts written like the real file ("311.0"), empty when not answered."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) == 0:
        return np.zeros(0, dtype=object)
    size = 1 << max(10, int(values.max()).bit_length())
    return _count_table(size)[np.where(answered, values + 1, 0)]


def as_code(index: np.ndarray, codes: list[str], answered: np.ndarray) -> np.ndarray:
    table = np.array(codes, dtype=object)
    return np.where(answered, table[np.clip(index, 0, len(codes) - 1)], EMPTY).astype(object)


def ascii_upper(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()
