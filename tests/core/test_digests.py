"""Cache keys follow the code a stage depends on: editing any module the harmonised table or the
indicators depend on rebuilds them; editing a chart does not."""

from __future__ import annotations

import shutil

import pytest

from analysis.core import config, digests
from analysis.harmonise.table import load_etablissements
from tests.conftest import ROOT


@pytest.fixture()
def package(tmp_path, monkeypatch):
    """A copy of the package and of params/ that the test may edit (the real ones stay untouched)."""
    copy = tmp_path / "analysis"
    shutil.copytree(config.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "params", tmp_path / "params")
    monkeypatch.setattr(config, "PACKAGE_DIR", copy)
    monkeypatch.setattr(config, "RESOURCES", copy / "resources")
    monkeypatch.setattr(config, "params_dir", lambda: tmp_path / "params")
    return copy


def touch(path, text="\n# edited\n"):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


@pytest.mark.parametrize(("edited", "moves", "stays"), [
    ("core/territories.py", ["sources", "harmonise", "indicators", "report"], []),
    ("core/uai.py", ["sources", "harmonise", "indicators", "report"], []),
    ("sources/layouts.py", ["sources", "harmonise", "indicators", "report"], []),
    ("harmonise/natures.py", ["harmonise", "indicators", "report"], ["sources"]),
    ("resources/questionnaires/etic_2d.yml", ["sources", "harmonise", "indicators", "report"], []),
    ("resources/indicators.yml", ["indicators", "report"], ["sources", "harmonise"]),
    ("report/charts.py", ["report"], ["sources", "harmonise", "indicators"]),
    ("build/batch.py", [], ["sources", "harmonise", "indicators", "report"]),
])
def test_a_stage_digest_moves_with_the_code_it_depends_on(package, edited, moves, stays):
    before = {stage: digests.stage_digest(stage) for stage in digests.STAGES}
    touch(package / edited)
    after = {stage: digests.stage_digest(stage) for stage in digests.STAGES}
    assert [s for s in digests.STAGES if after[s] != before[s]] == moves
    assert all(after[s] == before[s] for s in stays)


def test_parameter_files_are_in_the_digests_of_the_stages_that_read_them(package):
    before = {stage: digests.stage_digest(stage) for stage in digests.STAGES}
    touch(config.params_dir() / "sources.yml")
    after = {stage: digests.stage_digest(stage) for stage in digests.STAGES}
    assert all(after[s] != before[s] for s in digests.STAGES)       # every stage reads the registry
    (config.params_dir() / "indicateurs" / "nouveau.yml").write_text("indicators: {}\nsources: {}\n")
    again = {stage: digests.stage_digest(stage) for stage in digests.STAGES}
    assert again["harmonise"] == after["harmonise"] and again["indicators"] != after["indicators"]


def test_the_harmonised_table_is_rebuilt_when_its_code_changes(small_store, monkeypatch):
    load_etablissements(small_store, 2018)                            # cached
    calls = []
    import analysis.harmonise.table as table

    real = table.build_etablissements
    monkeypatch.setattr(table, "build_etablissements", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_etablissements(small_store, 2018)
    assert calls == []                                               # unchanged: read from the cache
    stage = digests.stage_digest
    monkeypatch.setattr(digests, "stage_digest", lambda name: stage(name) + ("x" if name == "harmonise" else ""))
    load_etablissements(small_store, 2018)
    assert calls == [1]                                              # the code moved: rebuilt
