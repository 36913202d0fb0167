"""`build --all`: every edition in one command, with the per-edition cache.

Runs on a tiny fake book (2 notebooks, see tests/_fake_project.py) pointed at by
ETAT_DES_LIEUX_ROOT, on the real Occitanie data (a copy of the ``occitanie_store`` fixture, so
that one answer can be changed). One cold build of the 13 départements of région 76 is shared by
the module (kernel starts cost ~1 s each); the tests run in file order.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from typer.testing import CliRunner

from analysis.build import batch, chapter_cache, keys
from analysis.build import manifest as edition_manifest
from analysis.build.execution import Execution
from analysis.build.options import BuildOptions
from analysis.core import digests, territories
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

# ----------------------------------------------------------------------------- fake project
REAL_ROOT = ROOT

QUARTO = """project:
  type: book
lang: fr
book:
  title: "Test"
  chapters:
    - notebooks/01-chiffres.ipynb
    - notebooks/02-fin.ipynb
format:
  html:
    embed-resources: true
execute:
  echo: false
"""

PARAMS = 'territoire = "france"\nannee = 2018\ndata_dir = ""\nseuil_secret = 5'

CHIFFRES = """from analysis import indicators
from analysis.sources.store import Store
res = indicators.load(Store(data_dir), annee, threshold=seuil_secret)
row = res[(res.territoire == territoire) & (res.indicateur == "perimetre.etablissements") & (res.type == "ensemble")]
from IPython.display import Markdown, display
display(Markdown(f"{territoire} {annee} : {int(row.valeur.iloc[0])} établissements"))"""

FIN = """import os
if os.environ.get("FAKE_FAIL") == territoire:
    raise RuntimeError(f"échec voulu pour {territoire}")
marker = os.environ.get("FAKE_KILL")
if marker and territoire == "departement:48" and not os.path.exists(marker):
    open(marker, "w").close()
    os._exit(1)                     # the kernel dies in the middle of the chapter
print("fin", territoire)"""


def _notebook(title: str, code: str):
    params = new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell(f"# {title}"), params, new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def make_project(root: Path) -> Path:
    """Write ``_quarto.yml`` and the 2 notebooks under ``root``; returns ``root``."""
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    shutil.copytree(REAL_ROOT / "params", root / "params", dirs_exist_ok=True)   # source registry
    (root / "_quarto.yml").write_text(QUARTO, encoding="utf-8")
    nbformat.write(_notebook("Chiffres", CHIFFRES), str(root / "notebooks" / "01-chiffres.ipynb"))
    nbformat.write(_notebook("Fin", FIN), str(root / "notebooks" / "02-fin.ipynb"))
    return root


def copy_store(store, target: Path):
    """A copy of a data folder (raw files, provenance and caches)."""
    from analysis.sources.store import Store

    shutil.copytree(store.data_dir, target)
    return Store(target)


def change_one_answer(store, workdir: Path, departement: str = "HAUTE-GARONNE",
                      column: str = "SiVisioConferenc", year: str = "2018") -> str:
    """Flip one oui/non answer of one collège of ``departement`` in the ETIC 2d file, re-import it.

    Returns the UAI changed.
    """
    source = store.files("etic_2d")[0]
    lines = source.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(";")
    at = {name: i for i, name in enumerate(header)}
    for n, line in enumerate(lines[1:], start=1):
        fields = line.rstrip("\r\n").split(";")
        if fields[at["Millesime"]] == year and fields[at["Departement"]] == departement \
                and fields[at["Code_nature"]] == "340" and fields[at[column]] in ("oui", "non"):
            fields[at[column]] = "non" if fields[at[column]] == "oui" else "oui"
            lines[n] = ";".join(fields) + line[len(line.rstrip("\r\n")):]
            break
    else:  # pragma: no cover - the real file has such rows
        raise AssertionError("no collège to change")
    workdir.mkdir(parents=True, exist_ok=True)
    changed = workdir / source.name
    changed.write_text("".join(lines), encoding="utf-8")
    report = store.import_paths([changed])
    assert report.replaced, "the modified copy should replace the stored ETIC file"
    return fields[at["Code_UAI"]]


OCCITANIE_DEPS = ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]


@pytest.fixture(scope="module")
def project(occitanie_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    root = make_project(base / "projet")
    store = copy_store(occitanie_store, base / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETAT_DES_LIEUX_ROOT", str(root))
        mp.delenv("FAKE_FAIL", raising=False)
        # Teammates edit the package while the tests run: freeze its digest for the module.
        frozen = {"report": keys.stage_digest("report"), "render": keys.folder_digest("render")}
        mp.setattr(keys, "stage_digest", lambda stage: frozen[stage])
        mp.setattr(keys, "folder_digest", lambda name: frozen[name])
        yield {"root": root, "store": store, "out": root / "reports", "base": base, "mp": mp}


def run(project, within="region:76", **options):
    args = dict(formats=("html",), out_dir=project["out"], data_dir=project["store"].data_dir,
                jobs=2, index_xlsx=False, renderer="builtin")
    args.update(options)
    return batch.build_all(2018, BuildOptions(**args), levels=["departement"], within=within)


def statuses(report) -> dict[str, str]:
    return {o.territory: o.status for o in report.outcomes}


@pytest.fixture(scope="module")
def cold(project):
    return run(project)


# ----------------------------------------------------------------------------- selection
def test_selection_counts():
    assert len(batch.select_editions(2018)) == 1 + 17 + 30 + 101 == 149
    deps = batch.select_editions(2018, ["departement"], "region:76")
    assert [t.code for t in deps] == OCCITANIE_DEPS
    assert [t.id for t in batch.select_editions(2018, ["region,academie"], "region:76")] == [
        "region:76", "academie:montpellier", "academie:toulouse"]
    assert batch.parse_levels(["dep", "region", "departement"]) == ("region", "departement")
    with pytest.raises(territories.TerritoryError):
        batch.parse_levels(["canton"])


# ----------------------------------------------------------------------------- builds
def test_cold_build_of_the_13_departements(project, cold):
    assert cold.ok, [o.failure for o in cold.failures]
    assert statuses(cold) == {f"departement:{c}": "built" for c in OCCITANIE_DEPS}
    folder = project["out"] / "2018" / "departement-31"
    html = (folder / "etat-des-lieux-2018-departement-31.html").read_text(encoding="utf-8")
    # establishments of the annuaire open at the 2018 survey (opened after 31 August 2018: left out)
    assert "departement:31 2018 : 1069 établissements" in html
    manifest = json.loads((folder / ".edition.json").read_text(encoding="utf-8"))
    assert set(manifest["inputs"]) >= {"notebooks", "code", "donnees", "comparaisons", "parametres"}
    assert manifest["outputs"]["html"]["sha256"] == digests.file_sha256(
        folder / "etat-des-lieux-2018-departement-31.html")
    assert "chapitre 01-chiffres" in manifest["timings"]
    assert (project["out"] / "2018" / "index.html").exists()


@pytest.mark.parametrize("execution", [Execution.KEPT_KERNEL, Execution.FRESH_KERNELS])
def test_chapters_run_in_kernels_give_the_same_edition_as_in_the_workers_shells(project, cold, tmp_path, execution):
    """``cold`` ran in the workers' own shells (the default); a kernel kept by each worker and a
    fresh kernel per chapter give the same page, byte for byte."""
    other = run(project, within="departement:48", out_dir=tmp_path, execution=execution, write_index=False)
    assert statuses(other) == {"departement:48": "built"}
    name = "departement-48/etat-des-lieux-2018-departement-48.html"
    assert (tmp_path / "2018" / name).read_bytes() == (project["out"] / "2018" / name).read_bytes()


def test_second_run_skips_everything(project, cold):
    page = project["out"] / "2018" / "departement-31" / "etat-des-lieux-2018-departement-31.html"
    before = page.stat().st_mtime_ns
    again = run(project)
    assert set(statuses(again).values()) == {"skipped"}, [o.reason for o in again.outcomes]
    assert not any(o.timings for o in again.outcomes)          # nothing executed nor rendered
    assert page.stat().st_mtime_ns == before                   # (timings: benchmarks/batch_bench.py)


def test_changing_one_departement_rebuilds_only_it(project, cold):
    from analysis.cli.app import app

    store = project["store"]
    change_one_answer(store, project["base"] / "modifie")
    manifest = project["out"] / "2018" / "departement-31" / edition_manifest.MANIFEST
    before = manifest.read_bytes()
    plan = CliRunner().invoke(app, [
        "build", "--all", "--level", "departement", "--within", "region:76", "--year", "2018",
        "--format", "html", "--dry-run", "-o", str(project["out"]), "--data-dir", str(store.data_dir)])
    assert plan.exit_code == 0, plan.output
    lines = [line.split() for line in plan.output.splitlines() if line.startswith("  ")]
    assert [(line[0], line[1]) for line in lines] == [("exécuter", "departement:31")], plan.output
    assert "donnees" in plan.output and "(simulation) : 1 à exécuter" in " ".join(plan.output.split())
    assert manifest.read_bytes() == before                  # a dry run builds nothing
    report = run(project)
    assert report.ok, [o.failure for o in report.failures]
    got = statuses(report)
    assert got.pop("departement:31") == "built"
    assert set(got.values()) == {"skipped"}, got
    rebuilt = next(o for o in report.outcomes if o.territory == "departement:31")
    assert "donnees" in rebuilt.reason and "comparaisons" not in rebuilt.reason


def test_changing_one_chapter_executes_only_it_the_others_come_from_jupyter_cache(project, cold, monkeypatch):
    calls = []
    for name in ("store", "truncate"):                 # the store kept to its limit once a run
        kept = getattr(chapter_cache.ExecutedChapters, name)
        monkeypatch.setattr(chapter_cache.ExecutedChapters, name,
                            lambda self, *a, _name=name, _kept=kept, **k: calls.append(_name) or _kept(self, *a, **k))
    fin = project["root"] / "notebooks" / "02-fin.ipynb"
    original = fin.read_bytes()
    page = project["out"] / "2018" / "departement-48" / "etat-des-lieux-2018-departement-48.html"
    before = page.read_bytes()
    nb = nbformat.read(str(fin), as_version=4)
    nb.cells[-1].source += "\nprint('chapitre revu')"
    nbformat.write(nb, str(fin))
    try:
        report = run(project, within="academie:montpellier")
        assert report.ok, [o.failure for o in report.failures]
        assert set(statuses(report).values()) == {"built"}
        for outcome in report.outcomes:
            assert "chapitre 02-fin" in outcome.timings and "chapitre 01-chiffres" not in outcome.timings
            assert "modifié : notebooks" in outcome.reason and "1/2 chapitres repris du cache" in outcome.reason
        executed = page.parent / "notebooks"
        assert "chapitre revu" in (executed / "02-fin.ipynb").read_text(encoding="utf-8")
        assert "departement:48 2018 : " in (executed / "01-chiffres.ipynb").read_text(encoding="utf-8")
        assert "departement:48 2018 : " in page.read_text(encoding="utf-8")
        assert calls == ["store"] * len(report.outcomes) + ["truncate"], calls
    finally:
        fin.write_bytes(original)
    # Back to the original chapter: both executions are still in jupyter-cache, nothing runs,
    # and the edition is the same, byte for byte, as when it was executed.
    back = run(project, within="academie:montpellier")
    assert set(statuses(back).values()) == {"built"}
    for outcome in back.outcomes:
        assert not [k for k in outcome.timings if k.startswith("chapitre ")], outcome.timings
        assert "2/2 chapitres repris du cache" in outcome.reason
    assert page.read_bytes() == before


def test_renderer_change_renders_again_without_executing(project, cold):
    quarto = project["root"] / "_quarto.yml"
    quarto.write_text(quarto.read_text(encoding="utf-8") + "# autre mise en page\n", encoding="utf-8")
    report = run(project, within="academie:montpellier")
    assert set(statuses(report).values()) == {"rendered"}
    assert all("chapitre 01-chiffres" not in o.timings for o in report.outcomes)


def test_force_and_a_failing_edition_through_the_cli(project, cold):
    from analysis.cli.app import app

    project["mp"].setenv("FAKE_FAIL", "departement:34")
    try:
        result = CliRunner().invoke(app, [
            "build", "--all", "--level", "departement", "--within", "academie:montpellier",
            "--year", "2018", "--format", "html", "--force", "--jobs", "2",
            "-o", str(project["out"]), "--data-dir", str(project["store"].data_dir)])
    finally:
        project["mp"].delenv("FAKE_FAIL")
    text = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "1 édition en échec" in text
    assert "Hérault (34)" in text and "02-fin.ipynb" in text and "cell" in text
    assert "RuntimeError: échec voulu pour departement:34" in text
    for code in ("11", "30", "48", "66"):                  # --force rebuilt the others
        manifest = edition_manifest.read_manifest(project["out"] / "2018" / f"departement-{code}")
        assert manifest["last_action"] == "execute"
    assert "4 construites" in text
    # the failed edition is left out of the index until it builds again
    page = (project["out"] / "2018" / "index.html").read_text(encoding="utf-8")
    assert "departement:34" not in page and "departement:31" in page


def test_a_kernel_that_dies_is_replaced_and_the_edition_tried_again(project, cold):
    marker = project["base"] / "noyau-tue"
    project["mp"].setenv("FAKE_KILL", str(marker))
    try:
        report = run(project, within="academie:montpellier", force=True, execution=Execution.KEPT_KERNEL)
    finally:
        project["mp"].delenv("FAKE_KILL")
    assert marker.exists()
    assert report.ok, [o.failure for o in report.failures]
    assert set(statuses(report).values()) == {"built"}
    retried = {o.territory for o in report.outcomes if "nouvel_essai" in o.timings}
    assert retried == {"departement:48"}
    log = (project["out"] / "2018" / "departement-48" / batch.LOG).read_text(encoding="utf-8")
    assert "DeadKernelError" in log


def test_a_chapter_that_kills_its_worker_fails_what_was_unfinished_and_the_same_command_builds_it(project, cold):
    """In the workers' own shells (the default) nothing isolates a chapter from its worker: its
    death breaks the pool, every edition not finished fails, saying why and what to do; none is
    lost (the same command builds them) and none is left half-written."""
    marker = project["base"] / "processus-tue"
    project["mp"].setenv("FAKE_KILL", str(marker))
    try:
        report = run(project, within="academie:montpellier", force=True)
    finally:
        project["mp"].delenv("FAKE_KILL")
    assert marker.exists()
    failed = {o.territory: o.failure for o in report.failures}
    assert "departement:48" in failed
    assert {f.stage for f in failed.values()} == {"worker"}
    assert all("--execution noyau" in f.message for f in failed.values())
    for territory in failed:                                    # no manifest: built again next time
        assert edition_manifest.read_manifest(project["out"] / "2018" / territory.replace(":", "-")) is None
    again = run(project, within="academie:montpellier")
    assert again.ok and {statuses(again)[t] for t in failed} == {"built"}


# ----------------------------------------------------------------------------- cache keys
def test_notebook_key_ignores_outputs(tmp_path):
    root = make_project(tmp_path / "p")
    paths = sorted((root / "notebooks").glob("*.ipynb"))
    before = keys.notebooks_digest(paths, root)
    nb = nbformat.read(str(paths[0]), as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells[2].execution_count = 7
    nbformat.write(nb, str(paths[0]))
    assert keys.notebooks_digest(paths, root) == before
    nb.cells[2].source += "\nprint('autre')"
    nbformat.write(nb, str(paths[0]))
    assert keys.notebooks_digest(paths, root) != before


def test_data_slices_by_departement(occitanie_store):
    from analysis.harmonise.table import load_etablissements

    table, _ = load_etablissements(occitanie_store, 2018)
    before = keys.departement_digests(table)
    changed = table.copy()
    row = changed.index[(changed["departement"] == "31")][0]
    changed.loc[row, "nb_eleves"] = (changed.loc[row, "nb_eleves"] or 0) + 1
    after = keys.departement_digests(changed)
    assert [c for c in before if before[c] != after[c]] == ["31"]
