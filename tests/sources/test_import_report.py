"""What an import did: stored, failed (anything refused, or a file named that is no source), and
check() raising the first refusal for library callers."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.core.errors import InputError
from analysis.sources.import_report import ImportReport, Refusal


def test_an_import_that_stored_everything_passes_the_check():
    report = ImportReport(added=["a"], replaced=["b"], unchanged=["c"],
                          ignored=[Refusal(Path("LISEZMOI.txt"), "not a source", explicit=False)])
    assert report.stored == ["a", "b", "c"] and not report.failed
    assert report.check() is report                     # a file met inside a folder and ignored: fine


def test_a_refusal_fails_and_check_raises_its_error():
    error = InputError("f.csv", "cut short", row=61)
    report = ImportReport(added=["a"], refused=[Refusal(Path("f.csv"), str(error), explicit=True)], errors=[error])
    assert report.failed
    with pytest.raises(InputError) as err:
        report.check()
    assert err.value is error


def test_a_file_named_that_is_no_source_fails():
    report = ImportReport(ignored=[Refusal(Path("notes.txt"), "pas une source du rapport", explicit=True)])
    assert report.failed
    with pytest.raises(InputError, match=r"notes.txt\s:\spas une source du rapport") as err:
        report.check()
    assert "params/sources.yml" in str(err.value)
