"""Fixtures of the build tests: a browser for the pages an edition publishes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.build.browsing import ARGS, CHROMIUM


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)")
    profile = tempfile.mkdtemp(prefix="chromium-profil-")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS,
                                                       headless=True)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)
