"""The manifest of a built edition, and the decision to skip, re-render or execute it.

Each built edition keeps ``reports/<year>/<slug>/.edition.json``: its keys (:mod:`.keys`), the
digest of every input component, the timings of its last build and its outputs with their
sha256. :func:`decide` compares the keys computed for this run with the manifest: an edition
whose execution key changed is executed again; one whose render key changed (or whose outputs
are missing or altered) is rendered again from its executed notebooks; the others are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.build.keys import EXECUTION_PARTS, RENDER_PARTS, execution_key, render_key
from analysis.core.atomic import write_text
from analysis.core.digests import file_sha256

MANIFEST = ".edition.json"
MANIFEST_VERSION = 1


def manifest_path(folder: Path) -> Path:
    return Path(folder) / MANIFEST


def read_manifest(folder: Path) -> dict | None:
    path = manifest_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("version") == MANIFEST_VERSION else None


def write_manifest(folder: Path, data: dict) -> Path:
    return write_text(manifest_path(folder),
                      json.dumps({"version": MANIFEST_VERSION, **data}, ensure_ascii=False, indent=1))


def remove_manifest(folder: Path) -> None:
    manifest_path(folder).unlink(missing_ok=True)


def outputs_record(folder: Path, outputs: dict[str, Path]) -> dict[str, dict]:
    """Each output's path relative to the edition folder (Quarto's HTML is ``_book/index.html``)."""
    def relative(path: Path) -> str:
        path, base = Path(path).resolve(), Path(folder).resolve()
        return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name

    return {fmt: {"file": relative(p), "sha256": file_sha256(Path(p)), "bytes": Path(p).stat().st_size}
            for fmt, p in outputs.items()}


def outputs_intact(folder: Path, manifest: dict, formats) -> bool:
    """Every requested format is in the manifest and its file is there with the same sha256."""
    recorded = manifest.get("outputs", {})
    for fmt in formats:
        entry = recorded.get(fmt)
        path = Path(folder) / entry["file"] if entry else None
        if not entry or not path.exists() or path.stat().st_size != entry.get("bytes") \
                or file_sha256(path) != entry["sha256"]:
            return False
    return True


def decide(folder: Path, inputs: dict[str, str], formats, notebooks: list[Path], *,
           force: bool = False) -> tuple[str, str]:
    """What to do with one edition: ``("skip" | "render" | "execute", reason)``."""
    if force:
        return "execute", "--force"
    manifest = read_manifest(folder)
    if manifest is None:
        return "execute", "jamais construite"
    if manifest.get("execution_key") != execution_key(inputs):
        old = manifest.get("inputs", {})
        changed = [k for k in EXECUTION_PARTS if old.get(k) != inputs[k]]
        return "execute", "modifié : " + ", ".join(changed or ["clé"])
    if not all(Path(nb).exists() for nb in notebooks):
        return "execute", "notebooks exécutés absents"
    if manifest.get("render_key") != render_key(inputs):
        old = manifest.get("inputs", {})
        changed = [k for k in RENDER_PARTS if old.get(k) != inputs[k]]
        return "render", "modifié : " + ", ".join(changed or ["clé"])
    if not outputs_intact(folder, manifest, formats):
        return "render", "sorties absentes ou modifiées"
    return "skip", "à jour"
