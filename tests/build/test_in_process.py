"""Chapters run in a worker's own IPython shell: the executed notebook a kernel would give.

Everything runs in a spawned worker, as in a build (the shell is made once per process and
takes over IPython's singleton: not in the test process)."""

from __future__ import annotations

import json
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.build import editions as pipeline
from analysis.build import in_process, workers
from analysis.build.execution import Execution

pytestmark = pytest.mark.slow

#: Cells that show every kind of output a chapter can leave.
SHOWCASE = (
    "print('bonjour')",
    "import sys\nprint('attention', file=sys.stderr)",
    "from IPython.display import Markdown, SVG, display\n"
    "display(Markdown('**gras** é'))\n"
    "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\" height=\"1\"/>'), metadata={'k': 1})",
    "import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', 'é']})",
    "1 + 1;",                                        # no result shown
    "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])",   # left open: PNG from the inline backend
    "import warnings\nwarnings.warn('obsolète')",
    "handle = display(Markdown('avant'), display_id=True)",
    "handle.update(Markdown('après'))",
    "from IPython.display import clear_output\nprint('effacé')\nclear_output()\nprint('gardé')",
    "",                                              # empty: not run, no count
    "print(territoire)",
    "print('a')\nwarnings.warn('entre deux')\nprint('b')",   # stdout then stderr, as ipykernel sends them
    "pd.DataFrame([range(30)])",                     # wider than pandas shows in a kernel
    "handle.display(Markdown('encore'))",            # a display id shown again: both outputs change
    "print('avant')\ndisplay(Markdown('milieu'))\nprint('après', file=sys.stderr)",
    "try:\n    input('?')\nexcept Exception as exc:\n    print(type(exc).__name__, exc)",
)


def notebook(path: Path, *codes: str, tags: dict[int, list[str]] | None = None) -> Path:
    params = new_code_cell('territoire = "france"')
    params.metadata["tags"] = ["parameters"]
    cells = [new_code_cell(code) for code in codes]
    for index, names in (tags or {}).items():
        cells[index].metadata["tags"] = names
    nb = new_notebook(cells=[new_markdown_cell("# Essai"), params, *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def run_chapters(execution: Execution, chapters: list[tuple[Path, Path, dict]]) -> list[str | None]:
    """In the worker: each chapter run as a build runs it; the error of each (None: it ran)."""
    runner = workers._runner(execution, chapters[0][0].parent, chapters[0][1].parent / "logs")
    errors = []
    for source, output, params in chapters:
        try:
            pipeline.execute_chapter(source, output, params, runner=runner)
            errors.append(None)
        except pipeline.BuildError as exc:
            errors.append(str(exc))
    return errors


@pytest.fixture(scope="module")
def worker():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield lambda execution, *chapters: pool.submit(run_chapters, execution, list(chapters)).result()


ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: What differs between any two runs, kernel or not: the process's id in the names of the cells,
#: addresses in the text of an object.
VARYING = ((re.compile(r"/ipykernel_\d+/"), "/ipykernel_PID/"), (re.compile(r" at 0x[0-9a-f]+>"), " at 0xADDR>"))


def comparable(path: Path) -> dict:
    """The executed notebook without what differs between any two runs (the above, times, the
    random ids papermill gives the cells it adds)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].pop("papermill")
    for cell in nb["cells"]:
        cell["metadata"].pop("papermill", None)
        assert set(cell["metadata"].pop("execution", {})) in (set(), {
            "iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"})
        if {"injected-parameters", "papermill-error-cell-tag"} & set(cell["metadata"].get("tags", [])):
            cell.pop("id")
    text = json.dumps(nb)
    for pattern, fixed in VARYING:
        text = pattern.sub(fixed, text)
    return json.loads(text)


def outputs(path: Path) -> list[list[dict]]:
    return [c["outputs"] for c in comparable(path)["cells"] if c["cell_type"] == "code"]


def test_a_chapter_gives_the_notebook_a_kept_kernel_gives(worker, tmp_path):
    source = notebook(tmp_path / "vitrine.ipynb", *SHOWCASE)
    params = {"territoire": "region:76"}
    assert worker(Execution.KEPT_KERNEL, (source, tmp_path / "noyau" / "v.ipynb", params)) == [None]
    assert worker(Execution.IN_PROCESS, (source, tmp_path / "processus" / "v.ipynb", params)) == [None]
    kernel, shell = comparable(tmp_path / "noyau" / "v.ipynb"), comparable(tmp_path / "processus" / "v.ipynb")
    assert shell == kernel
    # and that notebook shows what the cells asked for
    parameters, injected, *got = outputs(tmp_path / "processus" / "v.ipynb")
    assert parameters == injected == []
    assert got[0] == [{"name": "stdout", "output_type": "stream", "text": ["bonjour\n"]}]
    assert got[1][0]["name"] == "stderr"
    assert got[2][0]["data"]["text/markdown"] == ["**gras** é"] and got[2][1]["metadata"] == {"k": 1}
    assert got[3][0]["output_type"] == "execute_result" and "text/html" in got[3][0]["data"]
    assert got[4] == []
    assert got[5][-1]["data"]["image/png"].startswith("iVBOR")                 # base64 of a PNG
    assert "UserWarning: obsolète" in "".join(got[6][0]["text"])
    assert got[9] == [{"name": "stdout", "output_type": "stream", "text": ["gardé\n"]}]
    assert got[10] == []
    assert got[11][0]["text"] == ["region:76\n"]
    assert [(o["name"], "".join(o["text"])[:1]) for o in got[12]] == [("stdout", "a"), ("stderr", "/")]
    assert "..." in "".join(got[13][0]["data"]["text/plain"])                  # 20 columns shown
    assert got[7][0]["data"]["text/markdown"] == got[14][0]["data"]["text/markdown"] == ["encore"]
    assert [o["output_type"] for o in got[15]] == ["stream", "display_data", "stream"]
    assert "".join(got[16][0]["text"]).startswith("StdinNotImplementedError raw_input was called")
    counts = [c["execution_count"] for c in comparable(tmp_path / "processus" / "v.ipynb")["cells"]
              if c["cell_type"] == "code"]
    assert counts == [*range(1, 13), None, *range(13, 19)]
    assert kernel["metadata"]["language_info"]["name"] == "python"


def test_an_error_stops_the_chapter_as_in_a_kernel_and_the_next_chapter_starts_clean(worker, tmp_path):
    broken = notebook(tmp_path / "casse.ipynb", "secret = 42", "raise ValueError('colonne absente')",
                      "print('jamais')")
    after = notebook(tmp_path / "apres.ipynb", "print('secret' in dir())")
    errors = {}
    for execution in (Execution.KEPT_KERNEL, Execution.IN_PROCESS):
        errors[execution] = worker(execution, (broken, tmp_path / execution.value / "casse.ipynb", {}),
                                   (after, tmp_path / execution.value / "apres.ipynb", {}))
    assert errors[Execution.IN_PROCESS][0] == errors[Execution.KEPT_KERNEL][0].replace("/noyau/", "/processus/")
    assert re.search(r"casse.ipynb failed in cell .*ValueError: colonne absente", errors[Execution.IN_PROCESS][0])
    assert errors[Execution.IN_PROCESS][1] is None
    kernel = comparable(tmp_path / "noyau" / "casse.ipynb")
    shell = comparable(tmp_path / "processus" / "casse.ipynb")
    error = [o for c in shell["cells"] if c["cell_type"] == "code" for o in c["outputs"]
             if o["output_type"] == "error"]
    assert [(e["ename"], e["evalue"]) for e in error] == [("ValueError", "colonne absente")]
    assert "colonne absente" in ANSI.sub("", "\n".join(error[0]["traceback"]))
    assert shell == kernel                          # papermill's banner, the cell left unrun, the traceback
    assert outputs(tmp_path / "processus" / "apres.ipynb")[1][0]["text"] == ["False\n"]


def test_an_error_while_a_value_is_shown_stops_the_chapter_as_in_a_kernel(worker, tmp_path):
    source = notebook(tmp_path / "repr.ipynb",
                      "class Casse:\n    def _repr_markdown_(self):\n        raise ValueError('repr')\nCasse()",
                      "print('jamais')")
    for execution in (Execution.KEPT_KERNEL, Execution.IN_PROCESS):
        worker(execution, (source, tmp_path / execution.value / "repr.ipynb", {}))
    shell = comparable(tmp_path / "processus" / "repr.ipynb")
    assert shell == comparable(tmp_path / "noyau" / "repr.ipynb")
    assert outputs(tmp_path / "processus" / "repr.ipynb")[-1] == []           # not run
    assert shell["cells"][0]["metadata"]["tags"] == ["papermill-error-cell-tag"]


def test_tags_skip_a_cell_or_let_it_fail_as_nbclient_does(worker, tmp_path):
    source = notebook(tmp_path / "tags.ipynb", "print('sauté')", "raise KeyError('permis')", "print('suite')",
                      tags={0: ["skip-execution"], 1: ["raises-exception"]})
    for execution in (Execution.KEPT_KERNEL, Execution.IN_PROCESS):
        worker(execution, (source, tmp_path / execution.value / "tags.ipynb", {}))
    assert comparable(tmp_path / "processus" / "tags.ipynb") == comparable(tmp_path / "noyau" / "tags.ipynb")
    got = outputs(tmp_path / "processus" / "tags.ipynb")
    assert got[1] == [] and got[2][0]["ename"] == "KeyError" and got[3][0]["text"] == ["suite\n"]


def test_the_engine_needs_a_shell(tmp_path):
    import papermill as pm

    nb = notebook(tmp_path / "a.ipynb", "print(1)")
    with pytest.raises(TypeError, match="kernel=WorkerShell"):
        pm.execute_notebook(str(nb), str(tmp_path / "b.ipynb"), engine_name=in_process.engine(),
                            kernel_name="python3", progress_bar=False)
