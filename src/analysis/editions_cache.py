"""Per-edition cache of the batch build: an edition whose inputs did not change is skipped.

Each built edition keeps a small manifest next to its outputs,
``reports/<year>/<slug>/.edition.json``: its keys, the digest of every input component, the
timings of its last build and its outputs with their sha256. The batch
(:mod:`analysis.batch`) compares the keys computed for this run with the manifest:

- **execution key** (decides whether the chapter notebooks run again), the hash of:

  - ``notebooks``: the code of the book, i.e. the ordered list of chapters and, for each, the
    type and *source* of every cell (outputs, execution counts and metadata are ignored, so an
    executed copy or a notebook saved with outputs has the same key);
  - ``code``: the project version and every file of the ``analysis`` package (Python modules
    and package data such as the indicator catalogue and the territory tables), except the
    renderer (``render/``, in the render key) and the batch-only modules of :data:`BATCH_ONLY`
    (they do not change what an edition shows);
  - ``parametres``: territory, millésime, secret threshold and previous millésime;
  - ``donnees``: the edition's *slice* of the harmonised establishment table
    (:func:`analysis.harmonise.load_etablissements`): the rows whose ``departement`` is one of
    ``territories.departement_codes(territory)`` (France: every row, unplaced ones included),
    for the millésime *and* the previous one (the evolution columns). Rows are hashed with
    ``pandas.util.hash_pandas_object`` (every column, and the column names and dtypes);
  - ``comparaisons``: the values of the enclosing territories (académie, région académique,
    France) *as printed*: every indicator of the published types, formatted by
    :mod:`analysis.formatting` (value rounded as displayed — integer for percentages, 0.1 for
    ratios — or its mark ``n.c.`` / ``s.`` / ``n.d.`` / ``–``; change since the previous
    millésime; n.c. rate). They feed the comparison sentences and charts (« contre 97 % en
    France »). A change elsewhere that does not move a *printed* parent value does not rebuild
    the edition;
  - ``autres_sources``: the sha256 of the store's files that are not per establishment
    (boundaries…), and whether the data are demo data.

- **render key** (decides whether the executed notebooks are rendered again): the renderer's
  files, ``_quarto.yml`` and the edition's cover metadata (:func:`analysis.pipeline.render_meta`:
  title, territory, data date, demo flag). A change of the data date alone re-renders without
  re-executing.

Limits of the data part of the key, by design: (1) values of territories that are neither inside
the edition nor among its parents are not in the key: if a chapter showed, say, the ranking of a
département among its *sibling* départements, or a national map in every edition, a change in a
sibling would not rebuild it — add such values to :func:`printed_values` when a chapter starts
to use them (the chapters of 2018 show the territory, its parents and the territories inside
it only: :mod:`analysis.chapter`); (2) a parent's change smaller than the printed rounding does
not rebuild the edition, although the length of its bar in a comparison chart moves by less
than the rounding (under half a point); (3) anything a notebook reads outside the store, the
package and its parameters (the network, the clock) is not in the key. ``--force`` rebuilds
regardless.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import __version__, config, territories

MANIFEST = ".edition.json"
MANIFEST_VERSION = 1
#: Package modules that do not change the content of an edition (batch machinery, CLI).
BATCH_ONLY = frozenset({"batch.py", "index.py", "editions_cache.py", "cli.py", "__main__.py"})
#: Types whose printed parent values enter the key (those the chapters publish).
COMPARED_TYPES = ("ensemble", "ecole", "college", "lycee", "tous")
UNPLACED = "__hors_territoire__"


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- code
def notebooks_digest(paths: list[Path], root: Path) -> str:
    """Hash of the cell types and sources of the chapters, in book order (no outputs)."""
    import nbformat

    parts: list[str] = []
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        parts.append(str(Path(path).resolve().relative_to(root.resolve()))
                     if Path(path).resolve().is_relative_to(root.resolve()) else Path(path).name)
        for cell in nb.cells:
            parts.append(f"{cell.cell_type}\n{cell.source}")
    return _sha(*parts)


def _package_files(render: bool) -> list[Path]:
    files = []
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        relative = path.relative_to(config.PACKAGE_DIR)
        in_render = relative.parts[0] == "render"
        if in_render != render or (not render and str(relative) in BATCH_ONLY):
            continue
        files.append(path)
    return files


def package_digest(render: bool = False) -> str:
    """Version and files of the package (``render=True``: the renderer only; else all but it)."""
    parts = [__version__]
    for path in _package_files(render):
        parts += [str(path.relative_to(config.PACKAGE_DIR)), path.read_bytes()]
    return _sha(*parts)


# ----------------------------------------------------------------------------- data
@dataclass
class DataSlices:
    """Digests of the harmonised table by millésime and département, computed once per run."""

    by_year: dict[int, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store, years: list[int]) -> "DataSlices":
        from analysis.harmonise import load_etablissements

        slices = cls()
        for year in years:
            table, _ = load_etablissements(store, year)
            slices.by_year[year] = departement_digests(table)
        return slices

    def digest(self, territory: territories.Territory) -> str:
        codes = territories.departement_codes(territory)
        if territory.level == "france":
            codes = list(codes) + [UNPLACED]
        parts = []
        for year in sorted(self.by_year):
            groups = self.by_year[year]
            parts += [f"{year}:{code}:{groups.get(code, '-')}" for code in codes]
        return _sha(*parts)


def departement_digests(table: pd.DataFrame) -> dict[str, str]:
    """One digest per département of the rows of ``table`` (in uai order), plus the schema."""
    table = table.sort_values("uai", kind="stable").reset_index(drop=True)
    schema = ";".join(f"{c}:{t}" for c, t in zip(table.columns, table.dtypes.astype(str)))
    rows = pd.util.hash_pandas_object(table, index=False).to_numpy()
    keys = table["departement"].astype("object").where(table["departement"].notna(), UNPLACED)
    out = {}
    for code, positions in keys.groupby(keys, sort=True).indices.items():
        out[str(code)] = _sha(schema, rows[positions].tobytes())
    return out


def printed_values(results: pd.DataFrame) -> dict[str, str]:
    """Digest of every territory's indicators *as printed* (value, change, n.c. rate)."""
    from analysis.formatting import fmt_change, fmt_nc, fmt_value

    rows = results[results["type"].isin(COMPARED_TYPES)].sort_values(["territoire", "indicateur", "type"])
    evolution = rows["evolution"] if "evolution" in rows else pd.Series(float("nan"), index=rows.index)
    out: dict[str, list[str]] = {}
    for r, change in zip(rows.itertuples(), evolution):
        unit = r.unite
        shown = fmt_value(r.valeur, unit, reason=r.statut)
        delta = fmt_change(change, unit, 1 if unit == "ratio" else 0) if not pd.isna(change) else ""
        out.setdefault(r.territoire, []).append(f"{r.indicateur}|{r.type}|{shown}|{delta}|{fmt_nc(r.taux_nc)}")
    return {ident: _sha(*lines) for ident, lines in out.items()}


def comparison_digest(printed: dict[str, str], territory: territories.Territory) -> str:
    """Printed values of the parents of ``territory`` (nearest first)."""
    return _sha(*(f"{p.id}={printed.get(p.id, '-')}" for p in territories.parents(territory)))


# ----------------------------------------------------------------------------- keys
@dataclass
class RunContext:
    """Everything common to the editions of one batch run (computed once)."""

    year: int
    previous_year: int | None
    threshold: int
    notebooks: str
    code: str
    render_code: str
    quarto: str
    other_sources: str
    demo: bool
    slices: DataSlices
    printed: dict[str, str]

    @classmethod
    def build(cls, store, year: int, threshold: int, results: pd.DataFrame, book,
              root: Path) -> "RunContext":
        from analysis.harmonise import SOURCE_KEYS, available_years
        from analysis import pipeline

        main, appendices = pipeline.chapters(book)
        earlier = [y for y in available_years(store) if y < year]
        previous = earlier[-1] if earlier else None
        years = [year] + ([previous] if previous else [])
        others = [k for k in store.registry if k not in SOURCE_KEYS]
        quarto = root / "_quarto.yml"
        return cls(
            year=year, previous_year=previous, threshold=threshold,
            notebooks=notebooks_digest(main + appendices, root),
            code=package_digest(render=False), render_code=package_digest(render=True),
            quarto=_sha(quarto.read_bytes() if quarto.exists() else b""),
            other_sources=_sha(store.fingerprint(others)), demo=bool(store.is_demo()),
            slices=DataSlices.from_store(store, years), printed=printed_values(results))

    def inputs(self, territory: territories.Territory, meta: dict) -> dict[str, str]:
        """Digest of every input component of one edition (stored in the manifest)."""
        params = {"territoire": territory.id, "annee": self.year, "seuil_secret": self.threshold,
                  "annee_precedente": self.previous_year}
        return {
            "notebooks": self.notebooks,
            "code": self.code,
            "parametres": _sha(json.dumps(params, sort_keys=True)),
            "donnees": self.slices.digest(territory),
            "comparaisons": comparison_digest(self.printed, territory),
            "autres_sources": _sha(self.other_sources, str(self.demo)),
            "rendu_code": self.render_code,
            "rendu_quarto": self.quarto,
            "rendu_meta": _sha(json.dumps(meta, sort_keys=True, ensure_ascii=False)),
        }


EXECUTION_PARTS = ("notebooks", "code", "parametres", "donnees", "comparaisons", "autres_sources")
RENDER_PARTS = ("rendu_code", "rendu_quarto", "rendu_meta")


def execution_key(inputs: dict[str, str]) -> str:
    return _sha(*(f"{k}={inputs[k]}" for k in EXECUTION_PARTS))


def render_key(inputs: dict[str, str]) -> str:
    return _sha(*(f"{k}={inputs[k]}" for k in RENDER_PARTS))


# ----------------------------------------------------------------------------- manifests
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
    path = manifest_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": MANIFEST_VERSION, **data}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    tmp.replace(path)
    return path


def remove_manifest(folder: Path) -> None:
    manifest_path(folder).unlink(missing_ok=True)


def outputs_record(folder: Path, outputs: dict[str, Path]) -> dict[str, dict]:
    return {fmt: {"file": Path(p).name, "sha256": sha256_file(Path(p)), "bytes": Path(p).stat().st_size}
            for fmt, p in outputs.items()}


def outputs_intact(folder: Path, manifest: dict, formats) -> bool:
    """Every requested format is in the manifest and its file is there with the same sha256."""
    recorded = manifest.get("outputs", {})
    for fmt in formats:
        entry = recorded.get(fmt)
        path = Path(folder) / entry["file"] if entry else None
        if not entry or not path.exists() or path.stat().st_size != entry.get("bytes") \
                or sha256_file(path) != entry["sha256"]:
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
