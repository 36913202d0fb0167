"""The typed hand-offs of the build: the options it is asked, the task a worker is given and its
answer, and a failure said field by field (edition, chapter, cell, exception)."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.build import workers
from analysis.build.execution import Execution
from analysis.build.options import BuildOptions, output_formats
from analysis.build.tasks import BuildFailure, EditionAnswer, EditionTask
from analysis.indicators import SECRET_THRESHOLD
from analysis.render.renderers import BuiltinRenderer, QuartoRenderer
from tests.build.tinybook import make_project, notebook
from tests.conftest import ROOT


def task(**more) -> EditionTask:
    fields = dict(territory="departement:48", label="Lozère (48)", year=2018, out_dir=Path("/r"),
                  data_dir=Path("/d"), threshold=5, formats=("html", "pdf"),
                  meta={"title": "État des lieux", "demo": True, "year": 2018},
                  renderer=BuiltinRenderer("demandé par --renderer builtin"),
                  included=("01-chiffres.ipynb", "02-fin.ipynb"))
    return EditionTask(**{**fields, **more})


# ----------------------------------------------------------------------------- options
def test_options_say_each_format_once_and_default_to_the_secret_threshold():
    options = BuildOptions(formats=("html", "typst", "pdf"), out_dir="rapports", data_dir="donnees")
    assert options.formats == ("html", "pdf")
    assert options.threshold == SECRET_THRESHOLD
    assert options.out_dir == Path("rapports") and options.data_dir == Path("donnees")
    assert output_formats(["typst"]) == ("pdf",)
    with pytest.raises(ValueError, match="docx"):
        BuildOptions(formats=("docx",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.force = True


def test_options_give_the_renderer_asked_for():
    assert BuildOptions(renderer="builtin").chosen_renderer() == BuiltinRenderer("demandé par --renderer builtin")
    chosen = QuartoRenderer("trouvé : /q", "/q", "1.9.18")
    assert BuildOptions(renderer=chosen).chosen_renderer() is chosen


# ----------------------------------------------------------------------------- across processes
@pytest.mark.parametrize("renderer", [BuiltinRenderer("x"), QuartoRenderer("trouvé : /q", "/q", "1.9.18")])
def test_a_task_round_trips_through_pickle(renderer):
    sent = task(renderer=renderer, chapters=("02-fin.ipynb",), render=False, execution=Execution.FRESH_KERNELS,
                cache_targets=((Path("/r/2018/departement-48/notebooks/02-fin.ipynb"), "abc"),))
    received = pickle.loads(pickle.dumps(sent))
    assert received == sent
    assert received.renderer.label == renderer.label and received.chapters == ("02-fin.ipynb",)
    assert dataclasses.replace(sent, chapters=(), render=True).chapters == ()       # no chapter: none run


def test_where_chapters_run_is_read_from_its_name_too():
    assert task(execution="noyau").execution is Execution.KEPT_KERNEL
    assert workers.WarmUp(Path("n"), Path("l"), None, "processus").execution is Execution.IN_PROCESS
    with pytest.raises(ValueError):
        task(execution="ailleurs")


def test_an_answer_round_trips_through_pickle():
    failure = BuildFailure("departement:48", "Lozère (48)", "cell", "ValueError", "colonne absente",
                           chapter="02-fin.ipynb", cell=4, execution_count=3, log=Path("/r/02-fin.ipynb"))
    for answer in (EditionAnswer(failure=failure),
                   EditionAnswer({"html": Path("/r/a.html")}, {"notebooks": 1.5, "rendu": 0.5})):
        assert pickle.loads(pickle.dumps(answer)) == answer


def test_a_split_edition_gets_one_answer_the_first_failure_wins():
    parts = [EditionAnswer({}, {"chapitre 01": 2.0, "notebooks": 2.0}),
             EditionAnswer({}, {"chapitre 02": 3.0, "notebooks": 3.0}),
             EditionAnswer({"html": Path("/r/a.html")}, {"notebooks": 0.0, "rendu": 1.0}, warnings=("WARN: x",))]
    merged = workers.merge(parts)
    assert merged.failure is None and merged.outputs == {"html": Path("/r/a.html")}
    assert merged.warnings == ("WARN: x",)                  # the renderer's, from the part that rendered
    assert merged.timings == {"chapitre 01": 2.0, "notebooks": 3.0, "chapitre 02": 3.0, "rendu": 1.0}
    first = BuildFailure("departement:48", "Lozère (48)", "cell", "ValueError", "un")
    second = BuildFailure("departement:48", "Lozère (48)", "run", "OSError", "deux")
    assert workers.merge([parts[0], EditionAnswer(failure=first), EditionAnswer(failure=second)]).failure is first


# ----------------------------------------------------------------------------- failures
BROKEN = "x = 1\nraise ValueError('colonne absente')"


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "projet", {"01-chiffres.ipynb": notebook("Chiffres", "print(territoire)"),
                                              "02-casse.ipynb": notebook("Casse", "y = 2", BROKEN)},
                        ROOT / "params", params=("sources.yml",))
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(root))
    return {"root": root, "out": tmp_path / "rapports"}


@pytest.mark.slow
def test_a_failure_in_a_chapter_cell_names_the_edition_chapter_cell_and_exception(project):
    answer = workers.work(task(out_dir=project["out"], data_dir=project["out"], chapters=("02-casse.ipynb",),
                               included=("01-chiffres.ipynb", "02-casse.ipynb"),
                               execution=Execution.FRESH_KERNELS))
    failure = answer.failure
    assert failure is not None and not answer.outputs
    assert (failure.edition, failure.label, failure.stage) == ("departement:48", "Lozère (48)", "cell")
    assert (failure.chapter, failure.exception, failure.message) == ("02-casse.ipynb", "ValueError",
                                                                     "colonne absente")
    assert failure.attempts == 1                               # a cell's own error: no second try
    executed = nbformat.read(str(failure.log), as_version=4)    # the executed notebook, with the traceback
    assert failure.log == project["out"] / "2018" / "departement-48" / "notebooks" / "02-casse.ipynb"
    # papermill's index: in the chapter as run (title, parameters, injected parameters, "y = 2", the cell)
    assert failure.cell == 4 and failure.execution_count == 4
    (failing,) = [c for c in executed.cells if c.get("execution_count") == failure.execution_count]
    assert "raise ValueError" in failing.source
    assert any(o.get("ename") == "ValueError" for o in failing.outputs)


@dataclasses.dataclass(frozen=True)
class BrokenRenderer:
    """A renderer that fails (outside any cell), counting its calls."""

    calls: list = dataclasses.field(default_factory=list)
    reason = "pour l'essai"
    name = label = title = "casse"

    def render(self, chapters, appendices, **kwargs):
        self.calls.append(kwargs["basename"])
        raise RuntimeError("typst a échoué")


def test_a_failure_outside_a_cell_is_tried_twice_and_located(project):
    edition = project["out"] / "2018" / "departement-48"
    (edition / "notebooks").mkdir(parents=True)
    for name in ("01-chiffres.ipynb", "02-casse.ipynb"):       # as if executed already
        shutil.copy(project["root"] / "notebooks" / name, edition / "notebooks" / name)
    renderer = BrokenRenderer()
    answer = workers.work(task(out_dir=project["out"], data_dir=project["out"], renderer=renderer,
                               included=("01-chiffres.ipynb", "02-casse.ipynb")))
    failure = answer.failure
    assert renderer.calls == ["etat-des-lieux-2018-departement-48"] * 2
    assert (failure.stage, failure.exception, failure.message, failure.attempts) == (
        "run", "RuntimeError", "typst a échoué", 2)
    assert failure.chapter is None and failure.cell is None
    assert failure.location == f"{Path(__file__).name}:{BrokenRenderer.render.__code__.co_firstlineno + 2}"
    assert failure.log == edition / workers.LOG and failure.log.exists()
