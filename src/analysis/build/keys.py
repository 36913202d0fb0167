"""The cache keys of an edition: what its chapters read, as digests (see :mod:`.manifest`).

Each built edition keeps a small manifest next to its outputs,
``reports/<year>/<slug>/.edition.json``: its keys, the digest of every input component, the
timings of its last build and its outputs with their sha256. The batch
(:mod:`analysis.build.batch`) compares the keys computed for this run with the manifest:

- **execution key** (decides whether the chapter notebooks run again), the hash of:

  - ``notebooks``: the code of the book, i.e. the ordered list of chapters and, for each, the
    type and *source* of every cell (outputs, execution counts and metadata are ignored, so an
    executed copy or a notebook saved with outputs has the same key);
  - ``code``: the project version and the code of the stages the chapters run
    (:func:`analysis.core.digests.stage_digest` of ``report``: ``core/``, ``sources/``,
    ``harmonise/``, ``indicators/``, ``report/``, the resources and parameter files they read).
    The renderer (``render/``) is in the render key; ``build/``, ``cli/`` and ``demo/`` do not
    change what an edition shows;
  - ``parametres``: territory, millésime, secret threshold, previous millésime, the chapters
    the edition has, and for a custom perimeter the digest of the perimeter files
    (:func:`analysis.core.perimeters.digest`: its list and name);
  - ``donnees``: the edition's *slice* of the harmonised establishment table
    (:func:`analysis.harmonise.table.load_etablissements`): the rows whose ``departement`` is one of
    ``territories.departement_codes(territory)`` (France: every row, unplaced ones included),
    for the millésime *and* the previous one (the evolution columns). Rows are hashed with
    ``pandas.util.hash_pandas_object`` (every column, and the column names and dtypes);
  - ``comparaisons``: the values of the enclosing territories (académie, région académique,
    France) *as printed*: every indicator of the published types, formatted by
    :func:`analysis.core.formatting.fmt_value`, the printer of the sentences, charts and tables
    (the value as the reader sees it, e.g. "99,6 %", or its mark ``n.c.`` / ``s.`` / ``n.d.`` /
    ``–``; change since the previous millésime; n.c. rate). They feed the comparison sentences
    and charts (« contre 97 % en France »). A change elsewhere that does not move a *printed*
    parent value does not rebuild the edition;
  - ``autres_sources``: the sha256 of the store's files that are not per establishment
    (boundaries…), and whether the data are demo data.

- **render key** (decides whether the executed notebooks are rendered again): the renderer's
  files, ``_quarto.yml``, the renderer chosen (``builtin``, or ``quarto`` and its version) and the
  edition's cover metadata (:func:`analysis.build.editions.render_meta`: title, territory, data
  date, demo flag). A change of the data date alone re-renders without re-executing.

Limits of the data part of the key, by design: (1) values of territories that are neither inside
the edition nor among its parents are not in the key: if a chapter showed, say, the ranking of a
département among its *sibling* départements, or a national map in every edition, a change in a
sibling would not rebuild it — add such values to :func:`printed_values` when a chapter starts
to use them (the chapters of 2018 show the territory, its parents and the territories inside
it only: :mod:`analysis.report.chapter`); (2) a parent's change smaller than the printed rounding does
not rebuild the edition, although the length of its bar in a comparison chart moves by less
than the rounding (under half a point); (3) anything a notebook reads outside the store, the
package and its parameters (the network, the clock) is not in the key. ``--force`` rebuilds
regardless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.build import editorial
from analysis.core import collectivites, perimeters, territories
from analysis.core.digests import folder_digest, stage_digest
from analysis.core.digests import sha as _sha
from analysis.core.vocabulary import TYPES

#: Types whose printed parent values enter the key (those the chapters publish).
COMPARED_TYPES = TYPES
UNPLACED = "__hors_territoire__"


# ----------------------------------------------------------------------------- code
def notebooks_digest(paths: list[Path], root: Path) -> str:
    """Hash of the cell types and sources of the chapters, in book order (no outputs)."""
    parts: list[str] = []
    for path in paths:
        # the JSON as it is (nbformat's validation costs ~80 ms a notebook, at every build)
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        parts.append(str(Path(path).resolve().relative_to(root.resolve()))
                     if Path(path).resolve().is_relative_to(root.resolve()) else Path(path).name)
        for cell in nb["cells"]:
            source = cell["source"]
            parts.append(f"{cell['cell_type']}\n{''.join(source) if isinstance(source, list) else source}")
    return _sha(*parts)


# ----------------------------------------------------------------------------- data
@dataclass
class DataSlices:
    """Digests of the harmonised table by millésime and département, computed once per run."""

    by_year: dict[int, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store, years: list[int]) -> DataSlices:
        from analysis.harmonise.table import load_etablissements

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
    from analysis.core import nc
    from analysis.core.formatting import fmt_change, fmt_value

    rows = results[results["type"].isin(COMPARED_TYPES)].sort_values(["territoire", "indicateur", "type"])
    evolution = rows["evolution"] if "evolution" in rows else pd.Series(float("nan"), index=rows.index)
    columns = [rows[c].tolist() for c in ("territoire", "indicateur", "type", "unite", "valeur", "statut", "taux_nc")]
    out: dict[str, list[str]] = {}
    # plain lists, not the frame's Arrow-backed columns: 35 000 rows a run, each printed three ways
    for (territory, ind, type_, unit, value, statut, rate), change in zip(zip(*columns), evolution.tolist()):
        shown = fmt_value(value, unit, reason=statut)
        delta = fmt_change(change, unit, 1 if unit == "ratio" else 0) if change == change else ""
        out.setdefault(territory, []).append(f"{ind}|{type_}|{shown}|{delta}|{nc.rate(rate)}")
    return {ident: _sha(*lines) for ident, lines in out.items()}


def comparison_digest(printed: dict[str, str], territory: territories.Territory) -> str:
    """Printed values of the parents of ``territory`` (nearest first)."""
    return _sha(*(f"{p.id}={printed.get(p.id, '-')}" for p in territories.parents(territory)))


def peers_digest(printed: dict[str, str], territory: territories.Territory) -> str:
    """Printed values of the peers of ``territory`` (the territories it is ranked among)."""
    from analysis.indicators.positioning import peer_groups

    members = dict.fromkeys(m.id for group in peer_groups(territory) for m in group.members)
    return _sha(*(f"{ident}={printed.get(ident, '-')}" for ident in members))


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
    renderer: str
    other_sources: str
    demo: bool
    slices: DataSlices
    printed: dict[str, str]

    @classmethod
    def build(cls, store, year: int, threshold: int, results: pd.DataFrame, book,
              root: Path, renderer: str = "builtin") -> RunContext:
        """``renderer``: ``builtin`` or ``quarto <version>`` (a new Quarto renders again)."""
        from analysis.build import editions as pipeline
        from analysis.harmonise.millesimes import available_years
        from analysis.harmonise.table import SOURCE_KEYS

        main, appendices = pipeline.chapters(book)
        earlier = [y for y in available_years(store) if y < year]
        previous = earlier[-1] if earlier else None
        years = [year] + ([previous] if previous else [])
        others = [k for k in store.registry if k not in SOURCE_KEYS]
        quarto = root / "_quarto.yml"
        return cls(
            year=year, previous_year=previous, threshold=threshold,
            notebooks=notebooks_digest(main + appendices, root),
            code=stage_digest("report"), render_code=folder_digest("render"),
            quarto=_sha(quarto.read_bytes() if quarto.exists() else b""), renderer=renderer,
            other_sources=_sha(store.fingerprint(others)), demo=bool(store.is_demo()),
            slices=DataSlices.from_store(store, years), printed=printed_values(results))

    def inputs(self, territory: territories.Territory, meta: dict, included=None) -> dict[str, str]:
        """Digest of every input component of one edition (stored in the manifest);
        ``included``: the chapters the edition has (all, or fewer where a local source is absent)."""
        params = {"territoire": territory.id, "annee": self.year, "seuil_secret": self.threshold,
                  "annee_precedente": self.previous_year, "chapitres": list(included or [])}
        if territory.level == territories.PERIMETRE:
            # its établissements and name are in its file, not in the data slice: a new list in the
            # same départements, or a new name, must rebuild it
            params["perimetres"] = perimeters.digest()
        if territory.level == territories.COLLECTIVITE:
            # its universe is declared in params/collectivites.yml, not in the data slice
            params["collectivites"] = collectivites.digest()
        return {
            "notebooks": self.notebooks,
            "code": self.code,
            "parametres": _sha(json.dumps(params, sort_keys=True)),
            "donnees": self.slices.digest(territory),
            "comparaisons": comparison_digest(self.printed, territory),
            "pairs": peers_digest(self.printed, territory),
            "autres_sources": _sha(self.other_sources, str(self.demo)),
            "rendu_code": self.render_code,
            "rendu_quarto": self.quarto,
            "rendu_moteur": _sha(self.renderer),
            "rendu_meta": _sha(json.dumps(meta, sort_keys=True, ensure_ascii=False)),
            "rendu_editorial": editorial.digest(self.year, territory.slug),
        }


EXECUTION_PARTS = ("notebooks", "code", "parametres", "donnees", "comparaisons", "pairs", "autres_sources")
RENDER_PARTS = ("rendu_code", "rendu_quarto", "rendu_moteur", "rendu_meta", "rendu_editorial")


def execution_key(inputs: dict[str, str]) -> str:
    return _sha(*(f"{k}={inputs[k]}" for k in EXECUTION_PARTS))


def render_key(inputs: dict[str, str]) -> str:
    return _sha(*(f"{k}={inputs[k]}" for k in RENDER_PARTS))
