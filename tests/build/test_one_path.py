"""`build SPEC` and `build --all` are one path: shared manifests and caches, hand edits of a
notebook picked up by both, options checked before any work, Ctrl-C that keeps what finished.

Runs on a tiny book of 2 notebooks (``ETAT_DES_LIEUX_ROOT``) and the deterministic demo data,
so on any machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from analysis.build import batch, kernels
from analysis.build import manifest as edition_manifest
from analysis.build.execution import Execution
from analysis.core.errors import UsageError
from tests.build.tinybook import make_project, notebook, options, outcome, page
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHIFFRES = """from analysis import indicators
from analysis.sources.store import Store
res = indicators.load(Store(data_dir), annee, threshold=seuil_secret)
row = res[(res.territoire == territoire) & (res.indicateur == "perimetre.etablissements") & (res.type == "ensemble")]
from IPython.display import Markdown, display
display(Markdown(f"{territoire} {annee} : {int(row.valeur.iloc[0])} établissements"))"""
TABLE = """#| label: tbl-essai
#| tbl-cap: "Tableau d'essai"
import os, time
if os.environ.get("FAKE_SLOW") == territoire:
    time.sleep(120)
from IPython.display import Markdown, display
display(Markdown("| type | nombre |\\n|---|---:|\\n| collèges | 12 |"))"""



@pytest.fixture(scope="module")
def project(demo_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("un-chemin")
    root = make_project(base / "projet", {"01-chiffres.ipynb": notebook("Chiffres", CHIFFRES),
                                          "02-fin.ipynb": notebook("Fin", TABLE)}, ROOT / "params")
    data = base / "data"
    shutil.copytree(demo_store.data_dir, data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETAT_DES_LIEUX_ROOT", str(root))
        mp.delenv("FAKE_SLOW", raising=False)
        yield {"root": root, "data": data, "out": base / "reports"}


def edit(project, name: str, change) -> None:
    path = project["root"] / "notebooks" / name
    nb = nbformat.read(str(path), as_version=4)
    change(nb)
    nbformat.write(nb, str(path))


class Recorder:
    """An observer that notes what the build tells it."""

    def __init__(self):
        self.events = []

    def say(self, text):
        self.events.append(("say", text))

    def on_start(self, total, to_build):
        self.events.append(("start", total, to_build))

    def on_edition(self, outcome):
        self.events.append(("edition", outcome.territory, outcome.status))

    def on_end(self):
        self.events.append(("end",))

    def said(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "say"]

    def calls(self) -> list[tuple]:
        return [e for e in self.events if e[0] != "say"]


# ----------------------------------------------------------------------------- shared manifest
def test_a_single_build_is_not_redone_by_the_batch(project):
    seen = Recorder()
    single = batch.build("departement:48", 2018, options(project), observer=seen)
    assert single.ok and outcome(single, "departement:48").status == "built"
    # told as it goes: the plan, the one edition (its 2 chapters on the 2 workers, then rendered), the end
    assert seen.calls() == [("start", 1, 1), ("edition", "departement:48", "built"), ("end",)]
    assert seen.said() == ["indicateurs 2018 (tous territoires)", "departement:48 : chapitres exécutés, mise en page"]
    manifest = edition_manifest.read_manifest(project["out"] / "2018" / "departement-48")
    assert manifest["renderer"] == "builtin" and manifest["last_action"] == "execute"
    assert "departement:48 2018 :" in page(project, "departement-48")
    # The index lists it, as after a batch; the xlsx workbook is left to the batch (not linked).
    index = (project["out"] / "2018" / "index.html").read_text(encoding="utf-8")
    assert "departement:48" in index and "indicateurs-2018.csv" in index and "indicateurs-2018.xlsx" not in index

    seen = Recorder()
    both = batch.build_all(2018, options(project), levels=["departement"], within="academie:montpellier",
                           observer=seen)
    assert outcome(both, "departement:48").status == "skipped"
    assert {o.status for o in both.outcomes if o.territory != "departement:48"} == {"built"}
    assert seen.calls()[0] == ("start", 5, 4) and seen.calls()[-1] == ("end",)
    assert sorted(seen.calls()[1:-1]) == [("edition", f"departement:{c}", "built") for c in ("11", "30", "34", "66")]
    again = batch.build("departement:34", 2018, options(project))      # built by the batch
    assert outcome(again, "departement:34").status == "skipped"
    assert outcome(again, "departement:34").outputs["html"].endswith("etat-des-lieux-2018-departement-34.html")


def test_one_edition_starts_its_workers_while_the_run_is_prepared(project, monkeypatch):
    """`build SPEC` of an edition never built (or forced) starts its workers (their shells set up,
    or their kernels started) before it reads the indicators and the keys (that start is much of a
    single edition's wait); an edition built before, most likely up to date, and a batch do not."""
    from analysis import indicators
    from analysis.build import workers

    events, start, load = [], workers.start, indicators.load
    monkeypatch.setattr(workers, "start", lambda n, warm_up=None: events.append(("workers", n, warm_up is not None))
                        or start(n, warm_up))
    monkeypatch.setattr(indicators, "load", lambda *a, **k: events.append(("indicators",)) or load(*a, **k))
    built = batch.build("departement:31", 2018, options(project))
    assert outcome(built, "departement:31").status == "built"
    assert events == [("workers", 2, True), ("indicators",)]
    assert not (project["out"] / "2018" / kernels.LOG_DIR).exists()                      # no kernel
    events.clear()
    again = batch.build("departement:31", 2018, options(project))
    assert outcome(again, "departement:31").status == "skipped" and events == [("indicators",)]
    events.clear()
    batch.build("departement:31", 2018, options(project, force=True))
    assert events[0] == ("workers", 2, True)
    batch.build("departement:31", 2018, options(project, force=True, execution=Execution.KEPT_KERNEL))
    assert len(list((project["out"] / "2018" / kernels.LOG_DIR).glob("*.log"))) == 2     # one kernel each
    events.clear()
    batch.build_all(2018, options(project, force=True), levels=["departement"], within="academie:montpellier")
    assert [e for e in events if e[0] == "workers"] == [("workers", 2, False)]


def test_stopped_while_the_run_is_prepared_the_report_says_interrupted_and_no_worker_is_left(project, monkeypatch):
    """Ctrl-C (or SIGTERM) while the indicators are read, the kernels already started: the same
    report as during the editions (the command line prints the summary and the resume hint)."""
    import multiprocessing

    from analysis import indicators

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(indicators, "load", stopped)
    report = batch.build("departement:12", 2018, options(project))
    assert report.interrupted and [(o.territory, o.status) for o in report.outcomes] == [
        ("departement:12", "interrupted")]
    # the pool's own thread may be reaping a worker at this instant: a dead one is gone within it
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert multiprocessing.active_children() == []


# ----------------------------------------------------------------------------- hand edits
def test_a_new_markdown_cell_appears_in_the_next_single_and_batch_build(project):
    text = "Paragraphe ajouté dans JupyterLab."
    edit(project, "02-fin.ipynb", lambda nb: nb.cells.insert(1, new_markdown_cell(text)))

    single = batch.build("departement:48", 2018, options(project))
    built = outcome(single, "departement:48")
    assert built.status == "built" and "modifié : notebooks" in built.reason
    assert "2/2 chapitres repris du cache" in built.reason        # outputs unchanged: no kernel
    assert text in page(project, "departement-48")

    both = batch.build_all(2018, options(project), levels=["departement"], within="academie:montpellier")
    assert outcome(both, "departement:48").status == "skipped"
    for o in both.outcomes:
        if o.territory != "departement:48":
            assert o.status == "built" and "modifié : notebooks" in o.reason, o
            assert text in page(project, o.slug)


def test_a_changed_caption_appears_in_the_next_single_and_batch_build(project):
    def recaption(nb):
        cell = next(c for c in nb.cells if "tbl-cap" in c.source)
        cell.source = cell.source.replace("Tableau d'essai", "Tableau d'essai revu")

    edit(project, "02-fin.ipynb", recaption)
    single = batch.build("departement:48", 2018, options(project))
    built = outcome(single, "departement:48")
    assert built.status == "built" and "chapitre 02-fin" in built.timings    # its code changed
    assert "chapitre 01-chiffres" not in built.timings                      # from jupyter-cache
    assert "Tableau d’essai revu" in page(project, "departement-48") or \
        "Tableau d'essai revu" in page(project, "departement-48")

    both = batch.build_all(2018, options(project), levels=["departement"], within="academie:montpellier")
    for o in both.outcomes:
        if o.territory != "departement:48":
            assert o.status == "built" and "chapitre 02-fin" in o.timings, o
            assert "essai revu" in page(project, o.slug)


# ----------------------------------------------------------------------------- options
def cli(project, *args, env=None, **popen):
    environment = dict(os.environ, ETAT_DES_LIEUX_ROOT=str(project["root"]), **(env or {}))
    return subprocess.run([sys.executable, "-m", "analysis", "build", *args], capture_output=True,
                          text=True, env=environment, timeout=120, **popen)


@pytest.mark.parametrize("args, expected", [
    (["--format", "docx"], "--format docx"),
    (["--threshold", "0"], "--threshold 0"),
    (["--jobs", "0"], "--jobs 0"),
    (["--renderer", "word"], "--renderer word"),
    (["-o", "FICHIER"], "c'est un fichier"),
])
def test_options_are_refused_before_any_work(project, tmp_path, args, expected):
    (tmp_path / "FICHIER").write_text("pas un dossier", encoding="utf-8")
    args = [str(tmp_path / a) if a == "FICHIER" else a for a in args]
    empty = tmp_path / "vide"          # no data at all: any work would fail differently
    start = time.perf_counter()
    result = cli(project, "departement:48", "--data-dir", str(empty), *args)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert expected in message and "→" in message and "Traceback" not in result.stderr
    assert not empty.exists() and time.perf_counter() - start < 60


def test_an_output_folder_that_cannot_be_written(monkeypatch, tmp_path):
    """The folder is probed by creating a file in it (permissions alone lie for root)."""
    import tempfile

    from analysis.cli import checks

    def refused(*args, **kwargs):
        raise PermissionError("lecture seule")

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    with pytest.raises(UsageError, match=r"(?s)-o .*rapports : écriture impossible.*où vous pouvez écrire"):
        checks.output_folder(tmp_path / "rapports", "-o")


def test_quarto_asked_for_but_missing_is_a_usage_error(monkeypatch):
    from analysis.render import quarto, renderers

    monkeypatch.setenv(quarto.ENV_PATH, "/nulle/part/quarto")
    with pytest.raises(UsageError, match="(?s)--renderer quarto.*installez Quarto"):
        renderers.choose("quarto")
    assert renderers.choose(None).name == "builtin"


# ----------------------------------------------------------------------------- Ctrl-C
def test_ctrl_c_stops_the_batch_keeps_what_finished_and_says_how_to_resume(project, tmp_path):
    out = tmp_path / "rapports"
    args = ["--all", "--level", "departement", "--within", "academie:limoges", "--format", "html",
            "--jobs", "2", "--renderer", "builtin", "-o", str(out), "--data-dir", str(project["data"])]
    private_tmp = tmp_path / "tmp"               # the run's kernels' sockets, apart from other runs'
    private_tmp.mkdir()
    env = dict(os.environ, ETAT_DES_LIEUX_ROOT=str(project["root"]), FAKE_SLOW="departement:23",
               TMPDIR=str(private_tmp))
    process = subprocess.Popen([sys.executable, "-m", "analysis", "build", *args], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    finished = [out / "2018" / slug / edition_manifest.MANIFEST for slug in ("departement-19", "departement-87")]
    deadline = time.monotonic() + 180
    while not all(p.exists() for p in finished) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert all(p.exists() for p in finished), process.communicate(timeout=60)
    os.killpg(process.pid, signal.SIGINT)              # what the terminal does on Ctrl-C
    stopped = time.monotonic()
    stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - stopped < 10, "Ctrl-C took too long"
    assert process.returncode == 130, stderr
    message = " ".join(stderr.split())
    assert "interrompu" in message and "2 éditions terminées" in message and "1 non terminée" in message
    assert "pour reprendre, relancez la même commande" in message and "academie:limoges" in message
    assert "Traceback" not in stderr
    assert all(p.exists() for p in finished)
    assert not (out / "2018" / "departement-23" / edition_manifest.MANIFEST).exists()
    time.sleep(1)
    assert not list(private_tmp.glob(kernels.SOCKETS_PREFIX + "*"))      # no kernel left behind

    env.pop("FAKE_SLOW")
    resumed = subprocess.run([sys.executable, "-m", "analysis", "build", *args], env=env, text=True,
                             capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = " ".join(resumed.stderr.split())
    assert "1 construite," in summary and "2 à jour (cache)" in summary
    manifest = json.loads((out / "2018" / "departement-23" / edition_manifest.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["territoire"] == "departement:23"
