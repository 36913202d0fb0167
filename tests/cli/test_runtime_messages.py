"""What the command line says when the machine or the system steps in: a full disk or a read-only
folder is the user's to fix (exit status 2, the folder and what to do), SIGTERM stops as Ctrl-C
does, a perimeter name that is a path is refused, and output a script reads is never wrapped nor
read as markup or emoji."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.cli.helpers import run_cli


def test_a_full_disk_is_exit_status_2_with_the_folder_and_the_fix(small_store, tmp_path, monkeypatch, capsys):
    import analysis.indicators as indicators_mod

    target = tmp_path / "data" / "processed" / "indicateurs-2018.parquet"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(indicators_mod, "load", full)
    run = run_cli(capsys, "indicators", "france", "--data-dir", small_store.data_dir)
    assert run.code == 2, run.raw_text
    assert f"erreur : disque plein : écriture impossible dans {target.parent}" in run.text
    assert "libérez de la place" in run.text and "erreur interne" not in run.text


def test_an_internal_error_is_still_one(small_store, monkeypatch, capsys):
    import analysis.indicators as indicators_mod

    def bug(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(indicators_mod, "load", bug)
    run = run_cli(capsys, "indicators", "france", "--data-dir", small_store.data_dir)
    assert run.code == 1 and "erreur interne" in run.text


def test_a_perimeter_name_that_is_a_path_is_refused(small_store, tmp_path, capsys):
    (tmp_path / "evil.yml").write_text("nom: Dehors\ndepartements: ['34']\n", encoding="utf-8")
    run = run_cli(capsys, "build", "perimetre:../../evil", "--data-dir", small_store.data_dir,
                  "-o", tmp_path / "rapports", "--dry-run")
    assert run.code == 2, run.raw_text
    assert "n'est pas un nom de périmètre" in run.text and "Dehors" not in run.text
    assert not (tmp_path / "rapports").exists()


STOPPED = textwrap.dedent("""
    import os, signal, sys, time
    from analysis.cli import signals
    signals.install()
    try:
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        time.sleep(10)
    except KeyboardInterrupt:
        print(signals.cause(), signals.exit_status())
""")


@pytest.mark.parametrize(("name", "status"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_sigterm_and_sighup_stop_as_ctrl_c_does(name, status):
    run = subprocess.run([sys.executable, "-c", STOPPED, name], capture_output=True, text=True, timeout=30)
    assert run.stdout.split() == ["signal", name, str(status)], run.stderr


def test_a_signal_ignored_at_start_stays_ignored():
    """`nohup etat-des-lieux build …`: SIGHUP was ignored on purpose."""
    code = "from analysis.cli import signals; import signal; signals.install(); " \
           "print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                         preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    assert run.stdout.strip() == "True"


def test_off_a_terminal_nothing_is_wrapped_nor_read_as_markup_or_emoji(tmp_path):
    """`build … | cat` printed `html:` then the path cut at 80 columns; `:x:` printed as an emoji."""
    path = tmp_path / ("dossier-aux-noms-longs-" * 6) / "etat-des-lieux-2018-departement-31.html"
    code = ("import sys; from rich.markup import escape; from analysis.cli.app import out, console; "
            "out.print('html: ' + escape(sys.argv[1]), highlight=False); "
            "console.print('avis : fichier « :x: [red]rouge[/] » ' + escape(':x: [b]'), highlight=False)")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, COLUMNS="80"))
    assert run.stdout == f"html: {path}\n"
    assert run.stderr == "avis : fichier « :x: rouge » :x: [b]\n"
