"""Issue 21 on whole builds: hostile text printed as text on every output, nothing left running or
writing after the build is gone, one writer at a time, one state of the data per build, the
machine's problems told as the user's to fix.

A tiny book (``tests/build/tinybook.py``) whose first chapter prints the report's own text about
the territory and the provenance annex, on the small demo files imported as real ones (so that
the annex names them), with a custom perimeter, an editorial focus, an imported file name and a
download URL carrying the payloads of the issue. Read-only folders and a full disk are real
mounts in a private mount namespace (``unshare``: the tests run as root, which ``chmod`` does not
stop); where the machine does not allow it, those tests skip and say why.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from analysis.build import batch, chapter_cache
from analysis.build import manifest as edition_manifest
from analysis.core.errors import DataChangedError
from analysis.core.markup import plain
from analysis.render import quarto_project
from analysis.render.book import pandoc_path
from tests.build.tinybook import make_project, notebook, options
from tests.conftest import ROOT
from tests.data_folders import SMALL_DEMO

pytestmark = pytest.mark.slow

TEXT = """import os, time
from analysis.report.chapter import Chapter
ch = Chapter(territoire, annee, data_dir, seuil_secret)
ch.header()
ch.say(*ch.intro())
ch.say(ch.provenance_markdown())
if os.environ.get("FAKE_SLOW"):                        # a chapter that takes its time, then writes
    if os.environ.get("FAKE_STARTED"):
        open(os.environ["FAKE_STARTED"] + f"-{os.getpid()}", "w").close()
    time.sleep(float(os.environ["FAKE_SLOW"]))
    open(os.environ["FAKE_MARKER"] + f"-{os.getpid()}", "w").close()"""

NAME = "<script>alert(1)</script><img src=x onerror=alert(2)> [clic](javascript:alert(3)) :x:"
SOURCE = '<iframe src="https://evil.example/f"></iframe> `<b>gras</b>`{=html}'
FOCUS_FRONT = {"titre": "<script>alert(5)</script>", "auteur": "<b onmouseover=alert(6)>DSDEN</b>", "date": "2019"}
FOCUS = ("Texte *gardé* <script>alert(7)</script> <img src=x onerror=alert(8)> [lien](javascript:alert(9)) "
         "[site](https://example.org).\n\n<iframe src=\"https://evil.example/g\"></iframe>\n\n"
         "<div>\n<p onclick=\"alert(10)\">bloc</p>\n</div>\n")
FILE_NAME = "experimentations <img src=x onerror=alert(11)>.csv"
URL = "https://evil.example/<script>alert(12)</script>?a=[x](javascript:alert(13))"
SLUG = "perimetre-piege"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from analysis.sources.store import Store

    base = tmp_path_factory.mktemp("surete")
    root = make_project(base / "projet", {"01-texte.ipynb": notebook("Texte", TEXT),
                                          "02-fin.ipynb": notebook("Fin", "print('fin', territoire)")},
                        ROOT / "params", params=("sources.yml",))
    (root / "params" / "perimetres").mkdir()
    (root / "params" / "perimetres" / "piege.yml").write_text(yaml.safe_dump(
        {"nom": NAME, "source": SOURCE, "parent": "departement:34", "departements": ["34"]}, allow_unicode=True),
        encoding="utf-8")
    focus = root / "params" / "editorial" / "2018" / "commun" / "02-fin.md"
    focus.parent.mkdir(parents=True)
    focus.write_text(f"---\n{yaml.safe_dump(FOCUS_FRONT, allow_unicode=True)}---\n{FOCUS}", encoding="utf-8")
    files = base / "fichiers"
    shutil.copytree(SMALL_DEMO, files)
    (files / "experimentations.csv").rename(files / FILE_NAME)
    store = Store(base / "donnees")
    store.import_paths([files]).check()                 # as real files: the annex names them
    record = next((store.raw / "couverture").glob("*.provenance.json"))
    fetched = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**fetched, "method": "fetch", "origin": URL}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ETAT_DES_LIEUX_ROOT", str(root))
        mp.setenv("XDG_CACHE_HOME", str(base / "cache-utilisateur"))
        for name in ("FAKE_SLOW", "FAKE_MARKER", "FAKE_STARTED"):
            mp.delenv(name, raising=False)
        yield {"root": root, "data": store.data_dir, "base": base, "out": base / "rapports"}


def copy_data(project, name: str) -> Path:
    """A data folder of the test's own (without the caches), for tests that change it."""
    target = project["base"] / name
    shutil.copytree(project["data"], target, ignore=shutil.ignore_patterns("processed", ".verrou"))
    return target


# ----------------------------------------------------------------------------- hostile text
class Active(HTMLParser):
    """Everything in a page that could run or load something the page's author did not write."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.tag = ""

    def handle_starttag(self, tag, attrs):
        self.tag = tag
        if tag in ("iframe", "object", "embed", "img"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src") and "javascript" in (value or "").lower()):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self.tag == "script" and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")


def active(page: str) -> list[str]:
    scan = Active()
    scan.feed(page)
    return scan.found


def visible(page: str) -> str:
    return " ".join(html_lib.unescape(page).split())


def markdown_as_html(markdown: str) -> str:
    return subprocess.run([pandoc_path(), "-f", "markdown", "-t", "html"], input=markdown.encode(),
                          capture_output=True, check=True).stdout.decode()


@pytest.fixture(scope="module")
def built(project):
    import logging

    class Notices(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.said: list[str] = []

        def emit(self, record):
            self.said.append(record.getMessage())

    notices = Notices()
    logging.getLogger("analysis").addHandler(notices)
    try:
        report = batch.build("perimetre:piege", 2018,
                             options(project, formats=("html", "pdf"), data_dir=project["data"]))
    finally:
        logging.getLogger("analysis").removeHandler(notices)
    assert report.ok, [o.failure for o in report.outcomes]
    return {"report": report, "folder": project["out"] / "2018" / SLUG, "notices": notices.said}


def test_the_edition_html_prints_the_payloads_as_text(built):
    page = (built["folder"] / f"etat-des-lieux-2018-{SLUG}.html").read_text(encoding="utf-8")
    assert active(page) == []
    text = visible(page)
    for shown in (NAME, "<iframe src=", FILE_NAME, "<script>alert(12)</script>?a=[x](javascript:alert(13))",
                  "<b onmouseover=alert(6)>DSDEN</b>", "Focus — <script>alert(5)</script>"):
        assert shown in text, shown
    assert f"<title>État des lieux du numérique éducatif — {html_lib.escape(NAME, quote=False)}" in page
    assert 'href="https://example.org"' in page                      # a safe link of the focus stays


def test_the_build_says_what_it_dropped_from_the_focus(built):
    said = [n for n in built["notices"] if "retiré du focus" in n]
    assert len(said) == 1 and "02-fin.md" in said[0] and "<img src=x onerror=alert(8)>" in said[0]
    assert "javascript:alert(9)" in said[0] and "<iframe" in said[0]


def test_the_quarto_project_beside_it_holds_the_payloads_as_text(built):
    folder = built["folder"]
    config = yaml.safe_load((folder / "_quarto.yml").read_text(encoding="utf-8"))
    libelle = config["etat-des-lieux"]["libelle"]                # Markdown: pandoc reads it for the typst partials
    assert plain(libelle) == NAME and active(markdown_as_html(libelle)) == []
    for value in (config["book"]["title"], config["book"].get("subtitle", "")):
        assert active(markdown_as_html(value)) == []
    assert NAME in visible(markdown_as_html(config["book"]["title"]))         # « <titre> — <édition> »
    marks = (folder / "edition-marks.html").read_text(encoding="utf-8")
    assert active(marks) == [] and NAME in visible(marks)
    # The typst partial is copied as it is; pandoc writes the values into it as typst text.
    assert (folder / "typst-show.typ").read_bytes() == quarto_project.TYPST_SHOW.read_bytes()
    as_typst = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "typst"], input=libelle.encode(),
                              capture_output=True, check=True).stdout.decode()
    assert subprocess.run([pandoc_path(), "-f", "typst", "-t", "plain", "--wrap=none"], input=as_typst.encode(),
                          capture_output=True, check=True).stdout.decode().strip() == NAME
    for notebook_path in [folder / "index.ipynb", *sorted((folder / "notebooks").glob("*.ipynb"))]:
        cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        texts += ["".join(o["data"]["text/markdown"]) for c in cells for o in c.get("outputs", [])
                  if "text/markdown" in o.get("data", {})]
        for text in texts:
            assert active(markdown_as_html(text)) == [], (notebook_path.name, text[:200])


def test_the_pdf_prints_the_payloads_as_text(built):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = built["folder"] / f"etat-des-lieux-2018-{SLUG}.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for shown in ("<script>alert(1)</script><img src=x onerror=alert(2)> [clic](javascript:alert(3))",
                  "<b onmouseover=alert(6)>DSDEN</b>", "alert(11)>.csv", "<script>alert(12)</"):
        assert shown in text, shown


def test_the_index_page_escapes_the_perimeter(built):
    page = (built["folder"].parent / "index.html").read_text(encoding="utf-8")
    assert active(page) == [] and NAME in visible(page)


def test_the_quarto_site_holds_the_payloads_as_text(built, project):
    from analysis.render import quarto

    if quarto.find()[0] is None:
        pytest.skip(f"Quarto is not usable here ({quarto.find()[2]})")
    outputs = quarto.render_project(built["folder"], f"etat-des-lieux-2018-{SLUG}", ("html",))
    for page in outputs["html"].parent.glob("**/*.html"):
        assert active(page.read_text(encoding="utf-8")) == [], page


# ----------------------------------------------------------------------------- processes
def build_command(project, data: Path, out: Path, *extra: str, spec: str = "departement:34") -> list[str]:
    return [sys.executable, "-m", "analysis", "build", spec, "--year", "2018", "--data-dir", str(data),
            "-o", str(out), "--format", "html", "--renderer", "builtin", "--jobs", "2", *extra]


def start(project, command: list[str], **env) -> subprocess.Popen:
    return subprocess.Popen(command, env={**os.environ, **env}, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def tree(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid``: pid -> command line."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, stack = {}, [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            stack.append(child)
    return found


def alive(pids) -> list[int]:
    out = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.append(pid)
    return out


#: What runs the chapters, by ``--execution``: the workers themselves, or their kernels.
RUNNERS = {"processus": "spawn_main", "noyau": "ipykernel"}


def wait_for_runners(process: subprocess.Popen, execution: str = "processus", count: int = 2,
                     timeout: float = 180) -> dict[int, str]:
    """Until ``count`` processes that run chapters are there; every descendant of the build."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = tree(process.pid)
        if sum(RUNNERS[execution] in cmd for cmd in found.values()) >= count:
            return found
        time.sleep(0.3)
    raise AssertionError(f"no {RUNNERS[execution]} started: {process.communicate(timeout=60)}")


@pytest.mark.parametrize("execution", RUNNERS)
def test_kill_9_of_a_build_leaves_nothing_running_or_writing(project, tmp_path, execution):
    marker = tmp_path / "ecrit"
    process = start(project, build_command(project, project["data"], tmp_path / "rapports", "--execution", execution),
                    FAKE_SLOW="5", FAKE_MARKER=str(marker), FAKE_STARTED=str(tmp_path / "debut"))
    children = wait_for_runners(process, execution)
    wait_for_chapters(process, tmp_path / "debut")      # a chapter is running
    children.update(tree(process.pid))
    assert any("multiprocessing" in cmd or "spawn" in cmd for cmd in children.values())   # workers
    process.kill()                                      # kill -9 of the build, nothing else
    process.wait(timeout=30)
    deadline = time.monotonic() + 15
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert alive(children) == [], {p: children[p] for p in alive(children)}
    time.sleep(6)                                       # past the chapter's sleep: nobody wrote
    assert not list(tmp_path.glob("ecrit-*"))
    assert not list((tmp_path / "rapports").glob("2018/*/*.html"))


def wait_for_chapters(process: subprocess.Popen, started: Path, timeout: float = 180) -> None:
    """Until a chapter runs (it wrote ``started-<pid>``): the editions' run has begun."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if list(started.parent.glob(f"{started.name}-*")):
            return
        time.sleep(0.3)
    raise AssertionError(f"no chapter started: {process.communicate(timeout=60)}")


@pytest.mark.parametrize(("sig", "execution"), [(signal.SIGTERM, "processus"), (signal.SIGHUP, "processus"),
                                                 (signal.SIGTERM, "noyau")])
def test_sigterm_and_sighup_stop_as_ctrl_c_with_the_summary_and_the_resume_hint(project, tmp_path, sig, execution):
    process = start(project, build_command(project, project["data"], tmp_path / "rapports", "--execution", execution),
                    FAKE_SLOW="30", FAKE_MARKER=str(tmp_path / "ecrit"), FAKE_STARTED=str(tmp_path / "debut"))
    children = wait_for_runners(process, execution)
    wait_for_chapters(process, tmp_path / "debut")      # the workers start before: past the preparation
    children.update(tree(process.pid))
    os.kill(process.pid, sig)                          # the build only, as a scheduler or a closed terminal does
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + sig, stderr
    said = " ".join(stderr.split())
    assert f"interrompu (signal {signal.Signals(sig).name})" in said and "1 non terminée" in said
    assert "pour reprendre, relancez la même commande" in said and "departement:34" in said
    assert "Traceback" not in stderr
    time.sleep(2)
    assert alive(children) == []


def test_two_builds_at_once_and_an_import_during_a_build(project, tmp_path):
    """The second build into the same folder waits for the first; the import waits for both, so
    that neither publishes figures of one file with the annex of another."""
    data = copy_data(project, "donnees-import")
    out = tmp_path / "rapports"
    first = start(project, build_command(project, data, out), FAKE_SLOW="4", FAKE_MARKER=str(tmp_path / "m"))
    wait_for_runners(first, count=1)
    second = start(project, build_command(project, data, out, spec="departement:31"))
    annuaire = data / "raw" / "annuaire" / "fr-en-annuaire-education.csv"
    before = json.loads(annuaire.with_name(annuaire.name + ".provenance.json").read_text())["sha256"]
    changed = tmp_path / "fr-en-annuaire-education.csv"
    changed.write_text(annuaire.read_text(encoding="utf-8-sig").replace("\n", "\r\n"), encoding="utf-8")
    time.sleep(1)
    importing = start(project, [sys.executable, "-m", "analysis", "data", "import", str(changed),
                                "--data-dir", str(data)])
    results = {name: (p, p.communicate(timeout=400)) for name, p in
               (("first", first), ("second", second), ("import", importing))}
    for name, (p, (_, stderr)) in results.items():
        assert p.returncode == 0, (name, stderr)
    waited = " ".join(results["second"][1][1].split())
    assert "attente :" in waited and f"le dossier des rapports {out.resolve()} est utilisé" in waited
    assert "attente : le dossier de données" in " ".join(results["import"][1][1].split())
    stdout = results["first"][1][0]                    # paths on standard output, whole (a pipe)
    page = out.resolve() / "2018" / "departement-34" / "etat-des-lieux-2018-departement-34.html"
    assert f"html: {page}" in stdout.splitlines()
    annex = page.read_text(encoding="utf-8")
    assert before in annex                              # the file the figures were computed from
    after = json.loads(annuaire.with_name(annuaire.name + ".provenance.json").read_text())["sha256"]
    assert after != before and after not in annex


def test_data_changed_by_hand_during_a_build_publishes_nothing_of_it(project):
    data = copy_data(project, "donnees-modifiees")
    raw = next((data / "raw" / "couverture").glob("*.csv"))

    class Meddler:
        def say(self, text):
            pass

        def on_start(self, total, to_build):
            with open(raw, "a", encoding="utf-8") as f:            # by hand, without the lock
                f.write("\n")

        def on_edition(self, outcome):
            pass

        def on_end(self):
            pass

    out = project["base"] / "rapports-modifies"
    with pytest.raises(DataChangedError, match="ont changé pendant la construction.*couverture"):
        batch.build("departement:34", 2018, options(project, data_dir=data, out_dir=out), observer=Meddler())
    folder = out / "2018" / "departement-34"
    assert not (folder / edition_manifest.MANIFEST).exists()
    assert not (folder / "etat-des-lieux-2018-departement-34.html").exists()


def test_a_damaged_jupyter_cache_is_rebuilt_with_a_notice(project, caplog):
    out = project["base"] / "rapports-cache"
    run = options(project, data_dir=project["data"], out_dir=out)
    assert batch.build("departement:34", 2018, run).ok
    database = out / chapter_cache.FOLDER / chapter_cache.DATABASE
    database.write_bytes(database.read_bytes()[:3000])         # a copy cut short
    edition_manifest.remove_manifest(out / "2018" / "departement-34")
    with caplog.at_level("WARNING", logger="analysis.build.chapter_cache"):
        again = batch.build("departement:34", 2018, run)
    assert again.ok and "cache des chapitres" in caplog.text and "reconstruit" in caplog.text
    edition_manifest.remove_manifest(out / "2018" / "departement-34")
    third = batch.build("departement:34", 2018, run)
    assert third.ok and "2/2 chapitres repris du cache" in third.outcomes[0].reason


# ----------------------------------------------------------------------------- mounts
def can_mount() -> str | None:
    """Why private mounts cannot be made here, or None."""
    if shutil.which("unshare") is None:
        return "no unshare command"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, text=True)
    return None if probe.returncode == 0 else f"no private mount namespace here: {probe.stderr.strip()}"


def in_namespace(mounts: list[str], command: list[str], **env) -> subprocess.CompletedProcess:
    """``command`` in a private mount namespace where ``mounts`` (shell commands) were made first."""
    why = can_mount()
    if why:
        pytest.skip(why)
    script = " && ".join([*mounts, 'exec "$@"'])
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


def read_only(folder: Path) -> list[str]:
    return [f"mount --bind '{folder}' '{folder}'", f"mount -o remount,bind,ro '{folder}'"]


def test_a_read_only_data_folder_builds_its_caches_elsewhere(project, tmp_path):
    data = copy_data(project, "donnees-lecture-seule")
    cache = tmp_path / "cache"
    run = in_namespace(read_only(data), build_command(project, data, tmp_path / "rapports"),
                       XDG_CACHE_HOME=str(cache))
    assert run.returncode == 0, run.stderr
    assert "n'est pas accessible en écriture" in " ".join(run.stderr.split())
    assert not (data / "processed").exists()
    assert list(cache.glob("etat-des-lieux/*/processed/indicateurs-2018.parquet"))
    assert (tmp_path / "rapports" / "2018" / "departement-34" / "etat-des-lieux-2018-departement-34.html").exists()


def test_a_read_only_edition_folder_is_the_users_to_fix(project, built):
    folder = built["folder"]
    run = in_namespace(read_only(folder), build_command(project, project["data"], project["out"], "--force",
                                                        spec="perimetre:piege"))
    said = " ".join(run.stderr.split())
    assert run.returncode == 2, run.stderr
    assert "dossier en lecture seule" in said and str(folder) in said and "erreur interne" not in said


def test_a_full_disk_is_the_users_to_fix(project, tmp_path):
    out = tmp_path / "rapports"
    out.mkdir()
    run = in_namespace([f"mount -t tmpfs -o size=160k tmpfs '{out}'"], build_command(project, project["data"], out))
    said = " ".join(run.stderr.split())
    assert run.returncode == 2, run.stderr
    assert "disque plein" in said and str(out) in said and "libérez de la place" in said
    assert "erreur interne" not in said and "Traceback" not in run.stderr


@pytest.mark.parametrize("mount", ["full", "read-only"])
def test_a_full_or_read_only_data_folder_at_import_is_the_users_to_fix(tmp_path, mount):
    data = tmp_path / "donnees"
    data.mkdir()
    made = [f"mount -t tmpfs -o size=40k tmpfs '{data}'"] if mount == "full" else read_only(data)
    run = in_namespace(made, [sys.executable, "-m", "analysis", "data", "import", str(SMALL_DEMO),
                              "--data-dir", str(data)], ETAT_DES_LIEUX_DATA=str(tmp_path / "maison"))
    said = " ".join(run.stderr.split())
    assert run.returncode == 2, run.stderr
    assert ("disque plein" if mount == "full" else "dossier en lecture seule") in said
    assert f"écriture impossible dans {data}" in said and "erreur interne" not in said
