"""One active data folder: the pointer written by data commands, read by everything else."""

from __future__ import annotations

import pytest

from analysis.core import config


@pytest.fixture()
def home(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("ETAT_DES_LIEUX_DATA", str(folder))
    return folder


def test_without_pointer_the_home_folder_is_active(home):
    active = config.active_data_dir()
    assert active.path == home.resolve() and "ETAT_DES_LIEUX_DATA" in active.why
    assert config.data_dir() == home.resolve()
    assert config.demo_data_dir() == home.resolve() / "demo"


def test_the_pointer_names_the_active_folder_relative_to_home(home, tmp_path):
    demo = config.demo_data_dir()
    demo.mkdir(parents=True)
    pointer = config.set_active_data_dir(demo)
    assert pointer.read_text(encoding="utf-8").strip() == "demo"        # survives moving the project
    assert config.data_dir() == demo and "désigné par" in config.active_data_dir().why
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    config.set_active_data_dir(elsewhere)
    assert config.data_dir() == elsewhere.resolve()
    config.set_active_data_dir(home)
    assert config.data_dir() == home.resolve()


def test_an_explicit_folder_wins_and_a_vanished_one_is_ignored_with_a_reason(home, tmp_path):
    gone = tmp_path / "temporaire"
    gone.mkdir()
    config.set_active_data_dir(gone)
    assert config.data_dir(tmp_path / "x") == (tmp_path / "x").resolve()
    gone.rmdir()
    active = config.active_data_dir()
    assert active.path == home.resolve() and "n'existe plus" in active.why
