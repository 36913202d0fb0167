"""The fiches of the small demo dataset (``small_store``), prepared once per module that asks."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def small_millesime(small_store):
    """What every fiche of 2018 reads, on the small demo dataset (2018 and 2019)."""
    from analysis.fiches.fiche import prepare

    return prepare(small_store, 2018)


def line(fiche, title: str) -> list[str]:
    """The line of ``fiche`` whose question is ``title`` (a break mark after it allowed)."""
    for _, lines in fiche.sections:
        for found in lines:
            if found[0].split("\u00a0")[0] == title:
                return found
    raise KeyError(title)
