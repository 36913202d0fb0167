"""Executed chapters in jupyter-cache: what the key covers, and what a restored chapter holds.

No kernel here: an "execution" is simulated by papermill's parameterisation plus outputs and
execution counts written by hand (the batch tests run real kernels).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from analysis.build import chapter_cache

PARAMS = {"territoire": "departement:31", "annee": 2018, "data_dir": "/d", "seuil_secret": 5}


def source(path: Path, code: str = "print(territoire)", text: str = "# Chapitre") -> Path:
    params = new_code_cell('territoire = "france"\nannee = 2018\ndata_dir = None\nseuil_secret = 5')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell(text), params, new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def executed(src: Path, target: Path, params=PARAMS, printed: str = "departement:31\n") -> Path:
    """What papermill writes: parameters injected, counts from 1, outputs, timing metadata."""
    nb = parameterize_notebook(load_notebook_node(str(src)), params, kernel_name="python3")
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            cell.metadata["papermill"] = {"duration": 0.1 * count, "status": "completed"}
    nb.cells[-1].outputs = [new_output("stream", name="stdout", text=printed)]
    nbformat.write(nb, str(target))
    return target


@pytest.fixture
def store(tmp_path):
    return chapter_cache.ExecutedChapters(tmp_path / "cache")


def test_a_stored_chapter_is_restored_whole(store, tmp_path):
    src = source(tmp_path / "01.ipynb")
    store.store(executed(src, tmp_path / "run.ipynb"), "d1", uri="2018/departement-31/01.ipynb")
    assert len(store) == 1
    target = tmp_path / "edition" / "01.ipynb"
    assert store.restore(store.keyed(src, PARAMS, "d1", "python3"), target)
    nb = nbformat.read(str(target), as_version=4)
    assert nb.cells[0].source == "# Chapitre"                       # markdown from the source
    assert "injected-parameters" in nb.cells[2].metadata["tags"]
    assert 'territoire = "departement:31"' in nb.cells[2].source
    assert nb.cells[-1].outputs[0]["text"] == "departement:31\n"     # outputs from the cache
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]
    nbformat.validate(nb)


@pytest.mark.parametrize("change", ["digest", "parameters", "code"])
def test_the_key_covers_code_parameters_and_the_inputs_digest(store, tmp_path, change):
    src = source(tmp_path / "01.ipynb")
    store.store(executed(src, tmp_path / "run.ipynb"), "d1", uri="x")
    digest, params = "d1", dict(PARAMS)
    if change == "digest":
        digest = "d2"                                           # data, package or parents changed
    elif change == "parameters":
        params["seuil_secret"] = 10
    else:
        source(src, code="print(territoire, annee)")
    assert not store.restore(store.keyed(src, params, digest, "python3"), tmp_path / "t.ipynb")
    assert not (tmp_path / "t.ipynb").exists()


def test_markdown_and_papermill_metadata_do_not_change_the_key(store, tmp_path):
    src = source(tmp_path / "01.ipynb")
    store.store(executed(src, tmp_path / "run.ipynb"), "d1", uri="x")
    source(src, text="# Chapitre (titre revu)")
    assert store.restore(store.keyed(src, PARAMS, "d1", "python3"), tmp_path / "t.ipynb")
    assert nbformat.read(str(tmp_path / "t.ipynb"), as_version=4).cells[0].source == "# Chapitre (titre revu)"


def test_a_newer_execution_replaces_the_older(store, tmp_path):
    src = source(tmp_path / "01.ipynb")
    store.store(executed(src, tmp_path / "a.ipynb", printed="ancien\n"), "d1", uri="x")
    store.store(executed(src, tmp_path / "b.ipynb", printed="nouveau\n"), "d1", uri="x")
    assert len(store) == 1
    store.restore(store.keyed(src, PARAMS, "d1", "python3"), tmp_path / "t.ipynb")
    assert nbformat.read(str(tmp_path / "t.ipynb"), as_version=4).cells[-1].outputs[0]["text"] == "nouveau\n"


def test_an_incomplete_execution_is_refused(store, tmp_path):
    from jupyter_cache.cache.main import NbValidityError

    src = source(tmp_path / "01.ipynb")
    run = executed(src, tmp_path / "run.ipynb")
    nb = nbformat.read(str(run), as_version=4)
    nb.cells[-1].execution_count = None                    # the last cell never ran
    nbformat.write(nb, str(run))
    with pytest.raises(NbValidityError):
        store.store(run, "d1", uri="x")
    assert len(store) == 0


def test_plan_splits_restored_and_to_run(store, tmp_path):
    one, two = source(tmp_path / "01.ipynb"), source(tmp_path / "02.ipynb", code="print(annee)")
    store.store(executed(one, tmp_path / "run.ipynb"), "d1", uri="x")
    pairs = [(one, tmp_path / "e" / "01.ipynb"), (two, tmp_path / "e" / "02.ipynb")]
    digests = {one: "d1", two: "d1"}
    restored, run = chapter_cache.plan(store, pairs, PARAMS, digests, "python3", reuse=True)
    assert (restored, run) == ([one], [two])
    assert (tmp_path / "e" / "01.ipynb").exists() and not (tmp_path / "e" / "02.ipynb").exists()
    # --force: nothing taken from the cache
    assert chapter_cache.plan(store, pairs, PARAMS, digests, "python3", reuse=False) == ([], [one, two])
    assert chapter_cache.plan(None, pairs, PARAMS, digests, "python3", reuse=True) == ([], [one, two])
    # a chapter whose own inputs changed (e.g. its peers) is run again
    assert chapter_cache.plan(store, pairs[:1], PARAMS, {one: "d2"}, "python3", reuse=True) == ([], [one])


def test_the_cache_limit_holds_a_full_run(store):
    assert store.cache.get_cache_limit() == chapter_cache.CACHE_LIMIT >= 149 * 7 * 2


def test_the_store_keeps_to_its_limit_once_a_run_not_at_each_chapter(store, tmp_path):
    """Each truncation lists every record: kept for the end of the run (the batch calls
    ``truncate``), the least recently used chapters go then."""
    store.cache.change_cache_limit(2)
    sources = [source(tmp_path / f"0{i}.ipynb", code=f"print({i})") for i in range(4)]
    for i, src in enumerate(sources):
        store.store(executed(src, tmp_path / f"run{i}.ipynb"), "d1", uri=f"2018/x/0{i}.ipynb")
    assert len(store) == 4                                   # over the limit for the run's time
    assert store.restore(store.keyed(sources[0], PARAMS, "d1", "python3"), tmp_path / "e" / "00.ipynb")
    store.truncate()
    assert len(store) == 2
    assert store.restore(store.keyed(sources[0], PARAMS, "d1", "python3"), tmp_path / "e" / "00.ipynb")  # used last
    assert store.restore(store.keyed(sources[3], PARAMS, "d1", "python3"), tmp_path / "e" / "03.ipynb")
    assert not store.restore(store.keyed(sources[1], PARAMS, "d1", "python3"), tmp_path / "e" / "01.ipynb")


def test_inputs_digest_leaves_out_the_chapters_and_the_parameters():
    inputs = {k: k for k in ("notebooks", "code", "parametres", "donnees", "comparaisons", "pairs",
                             "autres_sources")}
    base = chapter_cache.inputs_digest(inputs, "python3")
    for part in ("notebooks", "parametres"):       # in the notebook jupyter-cache hashes
        assert chapter_cache.inputs_digest(dict(inputs, **{part: "x"}), "python3") == base
    for part in chapter_cache.INPUT_PARTS:
        assert chapter_cache.inputs_digest(dict(inputs, **{part: "x"}), "python3") != base
    assert chapter_cache.inputs_digest(inputs, "autre") != base
    # the peers' printed values count only for the chapters that declare they read them
    assert chapter_cache.inputs_digest(dict(inputs, pairs="x"), "python3") == base
    peers = chapter_cache.inputs_digest(inputs, "python3", ("peers",))
    assert chapter_cache.inputs_digest(dict(inputs, pairs="x"), "python3", ("peers",)) != peers


def test_a_damaged_cached_chapter_is_run_again(store, tmp_path):
    src = source(tmp_path / "01.ipynb")
    store.store(executed(src, tmp_path / "run.ipynb"), "d1", uri="x")
    for cached in (tmp_path / "cache").rglob("*.ipynb"):
        cached.write_text("{ pas du json", encoding="utf-8")
    assert not store.restore(store.keyed(src, PARAMS, "d1", "python3"), tmp_path / "t.ipynb")
    assert not (tmp_path / "t.ipynb").exists()
    assert len(store.problems) == 1 and "t.ipynb" in store.problems[0]


@pytest.mark.parametrize("damage", ["garbage", "cut short"])
def test_a_damaged_database_is_rebuilt_with_a_notice_and_used_again(store, tmp_path, caplog, damage):
    """Every later build failed until the folder was deleted by hand: now it is rebuilt, once."""
    src = source(tmp_path / "01.ipynb")
    store.store(executed(src, tmp_path / "run.ipynb"), "d1", uri="x")
    database = tmp_path / "cache" / chapter_cache.DATABASE
    database.write_bytes(b"pas une base " * 50 if damage == "garbage" else database.read_bytes()[:3000])
    with caplog.at_level("WARNING", logger="analysis.build.chapter_cache"):
        again = chapter_cache.ExecutedChapters(tmp_path / "cache")
    assert len(again) == 0 and "illisible" in caplog.text and "reconstruit" in caplog.text
    again.store(executed(src, tmp_path / "run.ipynb"), "d1", uri="x")
    caplog.clear()
    with caplog.at_level("WARNING", logger="analysis.build.chapter_cache"):
        third = chapter_cache.ExecutedChapters(tmp_path / "cache")
    assert len(third) == 1 and caplog.records == []
    assert third.restore(third.keyed(src, PARAMS, "d1", "python3"), tmp_path / "t.ipynb")
