"""A full disk, a read-only folder, missing rights: recognised wherever they come from, and told
as the user's to fix (folder, what to do), never as a bug of the tool."""

from __future__ import annotations

import errno

import pytest

from analysis.core import environment
from analysis.core.errors import AnalysisError, RenderError


@pytest.mark.parametrize(("exc", "kind"), [
    (OSError(errno.ENOSPC, "No space left on device", "/srv/rapports/2018/x.html"), errno.ENOSPC),
    (OSError(errno.EDQUOT, "Disk quota exceeded", "/srv/rapports/x"), errno.EDQUOT),
    (OSError(errno.EROFS, "Read-only file system", "/srv/rapports/x"), errno.EROFS),
    (PermissionError(errno.EACCES, "Permission denied", "/srv/rapports/x"), errno.EACCES),
    (OSError("IOError: [Errno 28] Error writing bytes to file. Detail: [errno 28] No space left on device"),
     errno.ENOSPC),                                            # pyarrow: no errno, the words only
    (RenderError("withBinaryFile: resource exhausted (No space left on device)", engine="pandoc"), errno.ENOSPC),
])
def test_machine_problems_are_recognised(exc, kind):
    found = environment.problem(exc, "/srv/rapports")
    assert isinstance(found, AnalysisError) and found.errno == kind


def test_a_cause_in_the_chain_is_found():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/d/processed/t.parquet")
        except OSError as inner:
            raise RuntimeError("writing the cache failed") from inner
    except RuntimeError as outer:
        found = environment.problem(outer)
    assert found.errno == errno.ENOSPC and str(found.folder) == "/d/processed"


@pytest.mark.parametrize("exc", [ValueError("bad"), KeyError("x"), OSError(errno.ENOENT, "No such file"),
                                 RuntimeError("kernel died")])
def test_other_errors_are_not_the_machines(exc):
    assert environment.problem(exc) is None


def test_the_message_names_the_folder_the_file_and_the_fix(tmp_path):
    full = environment.problem(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "a.pdf")))
    text = str(full)
    assert text.startswith(f"disque plein : écriture impossible dans {tmp_path} ({tmp_path / 'a.pdf'})")
    assert "sur ce disque" in text and "libérez de la place" in text and "relancez la même commande" in text
    read_only = str(environment.problem(OSError(errno.EROFS, "Read-only file system", str(tmp_path / "b"))))
    assert read_only.startswith(f"dossier en lecture seule : écriture impossible dans {tmp_path}")
    assert "-o DOSSIER" in read_only and "--data-dir DOSSIER" in read_only
    unnamed = str(environment.problem(OSError(errno.EROFS, "Read-only file system"), tmp_path))
    assert f"dans {tmp_path}" in unnamed


def test_a_problem_naming_no_file_is_told_with_the_folder_of_the_command(tmp_path):
    with pytest.raises(environment.EnvironmentProblem, match=f"disque plein : écriture impossible dans {tmp_path}"):
        with environment.told(tmp_path):
            raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(ValueError):
        with environment.told(tmp_path):
            raise ValueError("not the machine's")
