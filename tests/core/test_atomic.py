"""Files written whole or not at all, under unique temporary names, and a full disk while
writing one told as the user's to fix, naming the file."""

from __future__ import annotations

import errno
import os

import pytest

from analysis.core import atomic
from analysis.core.environment import EnvironmentProblem


def test_a_file_is_replaced_whole_and_no_temporary_stays(tmp_path):
    target = tmp_path / "dossier" / "index.html"
    atomic.write_text(target, "un")
    atomic.write_text(target, "deux")
    assert target.read_text(encoding="utf-8") == "deux" and os.listdir(target.parent) == ["index.html"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "indicateurs.csv"
    target.write_text("ancien", encoding="utf-8")
    with pytest.raises(ValueError), atomic.replacing(target) as tmp:
        tmp.write_text("à moitié", encoding="utf-8")
        raise ValueError("the writer failed")
    assert target.read_text(encoding="utf-8") == "ancien" and os.listdir(tmp_path) == ["indicateurs.csv"]


def test_two_writers_never_share_a_temporary_name(tmp_path):
    target = tmp_path / "manifeste.json"
    with atomic.replacing(target) as first, atomic.replacing(target) as second:
        assert first != second and first.suffix == second.suffix == ".json"
        first.write_text("1", encoding="utf-8")
        second.write_text("2", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "1"          # the last rename wins, whole


def test_a_full_disk_names_the_file_the_system_did_not(tmp_path):
    target = tmp_path / "index.html"
    with pytest.raises(EnvironmentProblem) as raised, atomic.replacing(target):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert raised.value.path == target and "disque plein" in str(raised.value)
    assert os.listdir(tmp_path) == []


def test_a_written_file_is_as_readable_as_one_opened_plainly(tmp_path):
    plain = tmp_path / "plain.html"
    plain.write_text("<p>1</p>", encoding="utf-8")
    page = atomic.write_text(tmp_path / "index.html", "<p>2</p>")
    # a temporary file is private (0o600): a published page must not be (a web server reads it)
    assert page.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777 == atomic.MODE
