"""The bounds of a data folder's files, and sizes and durations as the messages print them."""

from __future__ import annotations

import dataclasses

from analysis.sources import limits
from analysis.sources.registry import load_registry


def test_a_source_declares_its_maximum_size_else_the_default():
    registry = load_registry()
    assert limits.max_bytes(registry["etic_2d"]) == registry["etic_2d"].max_size_mb * 1_000_000
    assert all(source.max_size_mb for key, source in registry.items() if not key.startswith("label"))
    undeclared = dataclasses.replace(registry["etic_2d"], max_size_mb=None)
    assert limits.max_bytes(undeclared) == limits.DEFAULT_MAX_MB * 1_000_000


def test_sizes_and_durations_read_as_french():
    nb = "\u00a0"
    assert [limits.size_text(n) for n in (512, 13_506, 250_000, 1_534_000, 20_000_000, 50 * 10**9)] == \
        [f"512{nb}octets", f"13,5{nb}ko", f"250{nb}ko", f"1,5{nb}Mo", f"20{nb}Mo", f"50,0{nb}Go"]
    assert [limits.duration_text(s) for s in (0.42, 12, 123, 3700)] == \
        [f"0,4{nb}s", f"12{nb}s", f"2{nb}min 3{nb}s", f"1{nb}h 1{nb}min"]
