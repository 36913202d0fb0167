"""The edition manifest and the decision it drives: execute when an execution input changed (said
which), render again when only a rendering input changed or an output is missing or altered,
skip otherwise. No notebook is run here (tests/build/test_batch.py builds real editions)."""

from __future__ import annotations

import pytest

from analysis.build import manifest
from analysis.build.keys import EXECUTION_PARTS, RENDER_PARTS, execution_key, render_key

FORMATS = ("html", "pdf")


@pytest.fixture()
def built(tmp_path):
    """An edition folder as a build leaves it: outputs, executed notebooks, manifest."""
    folder = tmp_path / "2018" / "departement-48"
    (folder / "notebooks").mkdir(parents=True)
    notebooks = [folder / "notebooks" / "00-synthese.ipynb"]
    notebooks[0].write_text("{}", encoding="utf-8")
    outputs = {"html": folder / "e.html", "pdf": folder / "e.pdf"}
    outputs["html"].write_text("<html></html>", encoding="utf-8")
    outputs["pdf"].write_bytes(b"%PDF-1.7")
    inputs = {part: f"digest-{part}" for part in EXECUTION_PARTS + RENDER_PARTS}
    manifest.write_manifest(folder, {"execution_key": execution_key(inputs), "render_key": render_key(inputs),
                                     "inputs": inputs, "outputs": manifest.outputs_record(folder, outputs)})
    return folder, inputs, notebooks, outputs


def test_nothing_changed_is_skipped(built):
    folder, inputs, notebooks, _ = built
    assert manifest.decide(folder, inputs, FORMATS, notebooks) == ("skip", "à jour")
    assert manifest.decide(folder, inputs, FORMATS, notebooks, force=True) == ("execute", "--force")


def test_never_built_or_unreadable_manifest_is_executed(built, tmp_path):
    folder, inputs, notebooks, _ = built
    assert manifest.decide(tmp_path / "ailleurs", inputs, FORMATS, notebooks) == ("execute", "jamais construite")
    manifest.manifest_path(folder).write_text("{", encoding="utf-8")
    assert manifest.read_manifest(folder) is None
    assert manifest.decide(folder, inputs, FORMATS, notebooks)[0] == "execute"


def test_a_manifest_of_another_version_is_not_trusted(built):
    folder, inputs, notebooks, _ = built
    text = manifest.manifest_path(folder).read_text(encoding="utf-8")
    manifest.manifest_path(folder).write_text(text.replace('"version": 1', '"version": 0'), encoding="utf-8")
    assert manifest.decide(folder, inputs, FORMATS, notebooks) == ("execute", "jamais construite")


def test_an_execution_input_that_changed_is_named(built):
    folder, inputs, notebooks, _ = built
    changed = {**inputs, "donnees": "other", "pairs": "other", "rendu_meta": "other"}
    assert manifest.decide(folder, changed, FORMATS, notebooks) == ("execute", "modifié : donnees, pairs")


def test_missing_executed_notebooks_are_executed_again(built):
    folder, inputs, notebooks, _ = built
    notebooks[0].unlink()
    assert manifest.decide(folder, inputs, FORMATS, notebooks) == ("execute", "notebooks exécutés absents")


def test_a_rendering_input_that_changed_renders_without_executing(built):
    folder, inputs, notebooks, _ = built
    changed = {**inputs, "rendu_editorial": "a new focus"}
    assert manifest.decide(folder, changed, FORMATS, notebooks) == ("render", "modifié : rendu_editorial")


@pytest.mark.parametrize("damage", ["missing", "edited", "same size"])
def test_an_output_missing_or_altered_is_rendered_again(built, damage):
    folder, inputs, notebooks, outputs = built
    if damage == "missing":
        outputs["pdf"].unlink()
    elif damage == "edited":
        outputs["html"].write_text("<html>changed by hand</html>", encoding="utf-8")
    else:
        outputs["pdf"].write_bytes(b"%PDF-1.6")                       # same size, other bytes
    assert manifest.decide(folder, inputs, FORMATS, notebooks) == ("render", "sorties absentes ou modifiées")
    assert manifest.decide(folder, inputs, ("html",) if damage != "edited" else ("pdf",), notebooks)[0] == "skip"


def test_a_format_never_built_is_rendered(built):
    folder, inputs, notebooks, _ = built
    assert manifest.decide(folder, inputs, ("html", "docx"), notebooks)[0] == "render"


def test_outputs_are_recorded_relative_to_the_edition(built):
    folder, _, _, outputs = built
    record = manifest.read_manifest(folder)["outputs"]
    assert record["html"]["file"] == "e.html" and record["pdf"]["bytes"] == len(b"%PDF-1.7")
    book = folder / "_book" / "index.html"
    book.parent.mkdir()
    book.write_text("x", encoding="utf-8")
    assert manifest.outputs_record(folder, {"html": book})["html"]["file"] == "_book/index.html"
    manifest.remove_manifest(folder)
    assert manifest.read_manifest(folder) is None
