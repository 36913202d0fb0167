"""A kernel kept across chapters: each chapter still runs as in a new kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.build import editions as pipeline
from analysis.build import kernels

pytestmark = pytest.mark.slow


def notebook(path: Path, *codes: str) -> Path:
    params = new_code_cell('territoire = "france"')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell("# Essai"), params, *map(new_code_cell, codes)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def outputs(path: Path) -> list[str]:
    nb = nbformat.read(str(path), as_version=4)
    return ["".join(o["text"]) for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if o.output_type == "stream"]


def counts(path: Path) -> list[int]:
    nb = nbformat.read(str(path), as_version=4)
    return [c.execution_count for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    k = kernels.KeptKernel(tmp_path_factory.mktemp("noyau"))
    yield k
    k.stop()
    assert not Path(k.sockets).exists()


def test_each_chapter_starts_clean(kernel, tmp_path):
    first = notebook(tmp_path / "a.ipynb",
                     "secret = 42\nimport matplotlib as mpl\nmpl.rcParams['lines.linewidth'] = 9\n"
                     "import matplotlib.pyplot as plt\nfig = plt.figure()",
                     "print(territoire, secret)")
    second = notebook(tmp_path / "b.ipynb",
                      "print('secret' in dir(), 'fig' in dir())",
                      "import matplotlib as mpl, matplotlib.pyplot as plt\n"
                      "print(mpl.rcParams['lines.linewidth'], len(plt.get_fignums()))")
    pipeline.execute_chapter(first, tmp_path / "out" / "a.ipynb", {"territoire": "region:76"}, runner=kernel)
    pipeline.execute_chapter(second, tmp_path / "out" / "b.ipynb", {}, runner=kernel)
    assert outputs(tmp_path / "out" / "a.ipynb") == ["region:76 42\n"]
    default_width = __import__("matplotlib").rcParamsDefault["lines.linewidth"]
    assert outputs(tmp_path / "out" / "b.ipynb") == ["False False\n", f"{default_width} 0\n"]
    # Execution counts from 1 in every chapter, as if each had its own kernel.
    for name in ("a", "b"):
        got = counts(tmp_path / "out" / f"{name}.ipynb")
        assert got == list(range(1, len(got) + 1)), got


def test_a_failing_chapter_names_its_cell_and_the_kernel_goes_on(kernel, tmp_path):
    broken = notebook(tmp_path / "casse.ipynb", "x = 1", "raise ValueError('colonne absente')")
    with pytest.raises(pipeline.BuildError, match=r"casse.ipynb failed in cell .*ValueError: colonne absente"):
        pipeline.execute_chapter(broken, tmp_path / "out" / "casse.ipynb", {}, runner=kernel)
    saved = nbformat.read(str(tmp_path / "out" / "casse.ipynb"), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in saved.cells if c.cell_type == "code" for o in c.outputs)
    ok = notebook(tmp_path / "ok.ipynb", "print('x' in dir())")
    pipeline.execute_chapter(ok, tmp_path / "out" / "ok.ipynb", {}, runner=kernel)
    assert outputs(tmp_path / "out" / "ok.ipynb") == ["False\n"]
    assert kernel.is_alive()


def test_a_reset_freezes_what_survives_it_and_collects_it_every_so_often(kernel):
    """The caches a chapter leaves are not walked by the next resets' collections (a second an
    edition); a reference cycle they drop is collected at the periodic full collection."""
    reset = "__import__('analysis.build.kernels', fromlist=['x']).fresh_namespace(get_ipython(), full_every={})"
    kernel.run("import sys, weakref\nclass Cache: pass\n"
               "sys._cache = Cache(); sys._cache.itself = sys._cache; sys._probe = weakref.ref(sys._cache)")
    kernel.run(reset.format(10**9))                 # survives: frozen
    kernel.run("import sys; del sys._cache")        # a cycle nothing refers to
    kernel.run(reset.format(10**9))
    kernel.run("import sys; assert sys._probe() is not None, 'walked by an ordinary reset'")
    kernel.run(reset.format(1))
    kernel.run("import sys; assert sys._probe() is None, 'never collected'")


def test_kernel_code_errors_are_reported(kernel):
    with pytest.raises(kernels.KernelError, match="ZeroDivisionError"):
        kernel.run("1 / 0")
    kernel.run("pass")


def test_the_engine_needs_a_kept_kernel(tmp_path):
    import papermill as pm

    nb = notebook(tmp_path / "a.ipynb", "print(1)")
    with pytest.raises(TypeError, match="kernel=KeptKernel"):
        pm.execute_notebook(str(nb), str(tmp_path / "b.ipynb"), engine_name=kernels.engine(),
                            kernel_name="python3", progress_bar=False)


def test_worker_kernel_is_kept_and_restarted_when_dead(tmp_path):
    try:
        first = kernels.worker_kernel(tmp_path, tmp_path / "logs")
        assert kernels.worker_kernel(tmp_path, tmp_path / "logs") is first
        with pytest.raises(kernels.KernelError, match="died"):
            first.run("import os; os._exit(1)")
        assert not first.is_alive()
        second = kernels.worker_kernel(tmp_path, tmp_path / "logs")
        assert second is not first and second.is_alive()
        assert list((tmp_path / "logs").glob("noyau-*.log"))
    finally:
        kernels.stop_worker_kernel()


def run_in_worker(notebook: Path, output: Path, params: dict, log_dir: Path) -> float:
    """What a batch worker does: run a chapter in the process's kept kernel."""
    return pipeline.execute_chapter(notebook, output, params, runner=kernels.worker_kernel(notebook.parent, log_dir))


def socket_folders(folder: Path) -> set[str]:
    return {p.name for p in folder.glob(kernels.SOCKETS_PREFIX + "*")}


@pytest.fixture()
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of this test's own: other runs on the machine start kernels too."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))          # spawned workers
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_fresh_kernel_leaves_no_socket_folder(tmp_path, private_tmp):
    nb = notebook(tmp_path / "a.ipynb", "print('seul')")
    pipeline.execute_chapter(nb, tmp_path / "out.ipynb", {})
    assert outputs(tmp_path / "out.ipynb") == ["seul\n"]
    assert socket_folders(private_tmp) == set()


def test_worker_processes_stop_their_kernels_on_exit(tmp_path, private_tmp):
    """multiprocessing workers skip atexit: the kept kernel is stopped by a finalizer."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    nb = notebook(tmp_path / "a.ipynb", "print('dans un worker')")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(run_in_worker, nb, tmp_path / "out.ipynb", {}, tmp_path / "logs").result()
        assert len(socket_folders(private_tmp)) == 1          # the worker's kernel, still running
    assert outputs(tmp_path / "out.ipynb") == ["dans un worker\n"]
    assert socket_folders(private_tmp) == set()
