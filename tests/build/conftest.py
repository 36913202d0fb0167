"""Fixtures of the build tests: the browser is shared by the whole suite (tests/conftest.py)."""
