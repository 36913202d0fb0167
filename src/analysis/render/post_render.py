"""The ``post-render`` script of an edition's Quarto project: a render of either format, or both,
leaves the whole edition in place.

Copied as ``post-render.py`` into each edition folder and named in its ``_quarto.yml``
(``project.post-render``): Quarto runs it after every render of the project, with the Python of
``$QUARTO_PYTHON`` (else ``python3``), so it reads the standard library only. Why it is needed
(Quarto's ``src/command/render/project.ts``): a render of the whole project first deletes the output
folder (``_book``) unless ``--no-clean`` is given, so ``quarto render <edition> --to typst`` would
delete the HTML site, and the PDF is written into ``_book`` while the edition's manifest names it
beside the notebooks. After each render, this script:

1. copies each PDF Quarto wrote (``$QUARTO_PROJECT_OUTPUT_FILES``) beside the notebooks;
2. keeps a copy of the HTML site after a render that wrote it (hard links: no extra space where the
   file system has them), and puts it back into ``_book`` after a render that deleted it;
3. updates the size and sha256 of the outputs the manifest (``.edition.json``) records, so that it
   describes the files now there (the build's own record: :mod:`analysis.build.manifest`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

#: The copy of the HTML site, in the edition folder: in Quarto's own scratch folder, which Quarto
#: never empties in a project and which is not published with the site.
SITE_COPY = ".quarto/site-html"
#: The edition's manifest (:data:`analysis.build.manifest.MANIFEST`).
MANIFEST = ".edition.json"


def output_files(env, folder: Path) -> list[Path]:
    """The files the render wrote: ``$QUARTO_PROJECT_OUTPUT_FILES`` (one path a line, relative to
    the project), or the file ``$QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES`` names."""
    listing = env.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    named = env.get("QUARTO_USE_FILE_FOR_PROJECT_OUTPUT_FILES")
    if named and Path(named).is_file():
        listing = Path(named).read_text(encoding="utf-8")
    return [folder / line.strip() for line in listing.splitlines() if line.strip()]


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _without_pdf(_folder: str, names: list[str]) -> list[str]:
    return [name for name in names if name.lower().endswith(".pdf")]


def keep_site(site: Path, folder: Path, wrote_html: bool) -> str | None:
    """Copy the HTML site after a render that wrote it; put it back if a render deleted it.
    Returns what was done, for the log, or a warning."""
    copy = folder / SITE_COPY
    if wrote_html and (site / "index.html").is_file():
        shutil.rmtree(copy, ignore_errors=True)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(site, copy, copy_function=_link_or_copy, ignore=_without_pdf)
        return None
    if (site / "index.html").is_file():
        return None
    if not (copy / "index.html").is_file():
        return (f"WARN: le site HTML de l'édition ({site / 'index.html'}) n'existe plus et aucune copie "
                f"n'a été gardée : relancez « quarto render {folder} » (les deux formats).")
    shutil.copytree(copy, site, copy_function=_link_or_copy, dirs_exist_ok=True)
    return f"site HTML remis en place dans {site} (un rendu du PDF seul l'avait effacé)"


def copy_pdfs(outputs: list[Path], folder: Path) -> list[Path]:
    """Each PDF of the render, copied beside the notebooks (where the manifest names it)."""
    copied = []
    for path in outputs:
        if path.suffix.lower() == ".pdf" and path.is_file() and path.parent != folder:
            target = folder / path.name
            shutil.copyfile(path, target.with_name(target.name + ".part"))
            target.with_name(target.name + ".part").replace(target)
            copied.append(target)
    return copied


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def refresh_manifest(folder: Path) -> list[str]:
    """Size and sha256 of each output the manifest records and that is there. Returns their formats."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    refreshed = []
    for fmt, entry in manifest.get("outputs", {}).items():
        output = folder / entry.get("file", "")
        if entry.get("file") and output.is_file():
            entry.update(sha256=_sha256(output), bytes=output.stat().st_size)
            refreshed.append(fmt)
    part = path.with_name(path.name + ".tmp")
    part.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    part.replace(path)
    return refreshed


def main(env=None, folder: Path | None = None) -> int:
    env = os.environ if env is None else env
    folder = Path(folder or Path.cwd()).resolve()
    site = Path(env.get("QUARTO_PROJECT_OUTPUT_DIR") or folder / "_book")
    outputs = output_files(env, folder)
    for pdf in copy_pdfs(outputs, folder):
        print(f"PDF copié : {pdf}")
    done = keep_site(site, folder, wrote_html=any(p.suffix.lower() == ".html" for p in outputs))
    if done:
        print(done, file=sys.stderr if done.startswith("WARN") else sys.stdout)
    refresh_manifest(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
