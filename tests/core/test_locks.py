"""One writer at a time on a folder: a command waits, saying who holds the folder, while another
writes it; readers share it; locks are re-entrant in a process and end with it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from analysis.core import locks

HOLD = textwrap.dedent("""
    import sys, time
    from analysis.core import locks
    with locks.holding(sys.argv[1], sys.argv[2], what="le dossier"):
        print("tenu", flush=True)
        time.sleep(float(sys.argv[3]))
""")


def hold(folder, mode: str, seconds: float) -> subprocess.Popen:
    """Another process holding ``folder``'s lock for ``seconds`` (started once it holds it)."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), mode, str(seconds)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "tenu"
    return process


def test_a_writer_waits_for_another_writer_and_says_who(tmp_path):
    other = hold(tmp_path, "exclusive", 1.5)
    said = []
    start = time.monotonic()
    with locks.holding(tmp_path, "exclusive", what="le dossier de données", on_wait=said.append):
        waited = time.monotonic() - start
    other.wait(timeout=10)
    assert waited > 0.5
    assert len(said) == 1 and f"le dossier de données {tmp_path} est utilisé par une autre commande" in said[0]
    assert f"pid {other.pid}" in said[0] and "Ctrl-C" in said[0]


def test_readers_share_and_a_writer_waits_for_them(tmp_path):
    reader = hold(tmp_path, "shared", 1.5)
    said = []
    with locks.holding(tmp_path, "shared", what="x", on_wait=said.append):
        assert said == []                                   # two readers at once
    start = time.monotonic()
    with locks.holding(tmp_path, "exclusive", what="x", on_wait=said.append):
        assert time.monotonic() - start > 0.5 and len(said) == 1
    reader.wait(timeout=10)


def test_a_reader_waits_for_a_writer(tmp_path):
    writer = hold(tmp_path, "exclusive", 1.0)
    said = []
    with locks.holding(tmp_path, "shared", what="x", on_wait=said.append):
        assert writer.poll() is not None or len(said) == 1
    writer.wait(timeout=10)
    assert len(said) == 1


def test_re_entrant_in_a_process_and_released_at_the_end(tmp_path):
    said = []
    with locks.holding(tmp_path, "shared", what="x"):
        with locks.holding(tmp_path, "shared", what="x"):
            pass
        with locks.holding(tmp_path, "exclusive", what="x", on_wait=said.append):     # upgraded
            assert locks._HELD[(tmp_path / locks.LOCK_FILE).resolve()][1] == "exclusive"
        assert locks._HELD[(tmp_path / locks.LOCK_FILE).resolve()][1] == "shared"
    assert said == [] and not locks._HELD
    other = hold(tmp_path, "exclusive", 0)                  # free again for another process
    other.wait(timeout=10)


def test_a_lock_ends_with_its_process_however_it_ends(tmp_path):
    other = hold(tmp_path, "exclusive", 60)
    other.kill()                                            # kill -9: no cleanup code runs
    other.wait(timeout=10)
    said = []
    with locks.holding(tmp_path, "exclusive", what="x", on_wait=said.append):
        pass
    assert said == []


def test_a_folder_to_read_that_does_not_exist_is_not_created(tmp_path):
    with locks.holding(tmp_path / "absent", "shared", what="x"):
        pass
    assert not (tmp_path / "absent").exists()


def test_a_folder_that_cannot_be_written_is_read_without_a_lock_file(tmp_path, monkeypatch):
    """A read-only share (simulated: the tests run as root; see test_runtime_safety for a real
    read-only mount): nobody here can change it, so a reader goes on."""
    import os

    real_open = os.open

    def refuse(path, flags, *args):
        if flags & os.O_CREAT:
            raise OSError(30, "Read-only file system", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(locks.os, "open", refuse)
    with locks.holding(tmp_path, "shared", what="x"):
        pass
    assert not (tmp_path / locks.LOCK_FILE).exists()


@pytest.mark.parametrize("mode", ["shared", "exclusive"])
def test_the_lock_file_says_who_holds_it(tmp_path, mode):
    with locks.holding(tmp_path, mode, what="x"):
        holder = locks.holder_of(tmp_path / locks.LOCK_FILE)
    assert holder["mode"] == mode and holder["pid"] > 0 and holder["commande"].startswith("etat-des-lieux")
