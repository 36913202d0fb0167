"""Quarto: finding a usable one, and rendering an edition folder with it.

Papermill executes the chapters (:mod:`analysis.build`); then either Quarto or the built-in
renderer (pandoc + typst, :mod:`analysis.render.book`) turns the executed notebooks into HTML and
a PDF. :func:`analysis.render.renderers.choose` picks the renderer: Quarto when :func:`find`
finds a ``quarto`` of version :data:`MIN_VERSION` or later (the first to render a book to typst)
on ``PATH`` or named by ``$QUARTO_PATH``, else the built-in one.

Whichever renders, the edition folder is left as a Quarto book project
(:func:`analysis.render.quarto_project.write_edition_project`); :func:`render_project` runs
``quarto render`` on it and returns the outputs with the warnings Quarto printed
(:func:`analysis.render.quarto_warnings.quarto_warnings`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from analysis.core.errors import RenderError
from analysis.render.quarto_project import OUTPUT_DIR, write_edition_project  # noqa: F401 - the build calls it here
from analysis.render.quarto_warnings import quarto_warnings

MIN_VERSION = (1, 9, 18)
ENV_PATH = "QUARTO_PATH"


def _version(path: str) -> str | None:
    try:
        run = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\d+(?:\.\d+)+", run.stdout)
    return match.group(0) if run.returncode == 0 and match else None


def _parse(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def candidate() -> str | None:
    """``$QUARTO_PATH`` (the executable, or a folder holding ``bin/quarto``), else ``quarto`` on PATH."""
    named = os.environ.get(ENV_PATH)
    if named:
        path = Path(named)
        for option in (path, path / "bin" / "quarto", path / "quarto"):
            if option.is_file() and os.access(option, os.X_OK):
                return str(option)
        return None
    return shutil.which("quarto")


@lru_cache(maxsize=4)
def _find(path: str | None) -> tuple[str | None, str | None, str]:
    if path is None:
        where = f"${ENV_PATH} ({os.environ[ENV_PATH]})" if os.environ.get(ENV_PATH) else "PATH"
        return None, None, f"pas d'exécutable quarto sur {where}"
    version = _version(path)
    if version is None:
        return None, None, f"{path} --version a échoué"
    if _parse(version) < MIN_VERSION:
        needed = ".".join(map(str, MIN_VERSION))
        return None, version, (f"{path} est Quarto {version} ; les livres sont rendus en typst à partir de "
                               f"Quarto {needed}")
    return path, version, ""


def find() -> tuple[str | None, str | None, str]:
    """``(path, version, problem)`` of a usable Quarto; ``path`` is None with the problem said.

    The version of an executable is asked once per process (:func:`forget` asks again)."""
    return _find(candidate())


def forget() -> None:
    """Forget the Quarto versions found: the next :func:`find` runs ``quarto --version`` again
    (after an install or an upgrade in the same process)."""
    _find.cache_clear()


# ----------------------------------------------------------------------------- rendering
def render_project(folder: Path, basename: str, formats, quarto: str | None = None
                   ) -> tuple[dict[str, Path], list[str]]:
    """``quarto render <folder>``: the HTML site in ``_book/``, the typst PDF beside the notebooks
    (copied there by the project's ``post-render.py``). Returns the path of each format and the
    warnings Quarto printed; raises :class:`RenderError` with Quarto's message when it fails."""
    folder = Path(folder)
    exe = quarto or find()[0]
    if exe is None:
        raise RenderError(f"{find()[2]}; use --renderer builtin", engine="quarto")
    env = dict(os.environ, QUARTO_PYTHON=sys.executable)
    # One call for both formats: a render of the project starts by emptying its output folder.
    only = [] if set(formats) >= {"html", "pdf"} else ["--to", "html" if "html" in formats else "typst"]
    if "pdf" in formats:
        (folder / f"{basename}.pdf").unlink(missing_ok=True)   # a PDF there after the render is this one
    run = subprocess.run([exe, "render", str(folder), *only, "--no-execute"], cwd=folder,
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise RenderError((run.stderr or run.stdout).strip()[-3000:], engine="quarto", build_dir=folder)
    outputs: dict[str, Path] = {}
    if "html" in formats:
        outputs["html"] = folder / OUTPUT_DIR / "index.html"
    if "pdf" in formats:
        outputs["pdf"] = folder / f"{basename}.pdf"
    for fmt, path in outputs.items():
        if not path.exists():
            copied = f" (the project's post-render.py copies it from {OUTPUT_DIR}/)" if fmt == "pdf" else ""
            raise RenderError(f"quarto wrote no {path}{copied}", engine=f"quarto ({fmt})")
    return outputs, quarto_warnings(run.stderr)
