"""One edition of the report: execute its chapter notebooks with papermill, then render the book.

:func:`build_edition` is what a worker of :mod:`analysis.build.batch` does for one edition (the
only build path, for ``build`` and ``build --all``): run the chapters it is given, in the worker's
own shell (:mod:`analysis.build.in_process`), a kept kernel (:mod:`analysis.build.kernels`) or
each in a fresh papermill kernel, then render the executed
notebooks with the chosen renderer (:mod:`analysis.render.renderers`). Indicators are computed before
(``indicators.load``, cached in the data folder); the notebooks only read them and draw.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from analysis.build.kernels import KERNEL
from analysis.core import config, territories
from analysis.core.errors import BookConfigError, BuildError, TerritoryError
from analysis.core.publication import AUTHOR, TITLE
from analysis.indicators import SECRET_THRESHOLD
from analysis.render.renderers import Rendered, Renderer

#: The slug of an edition: letters (``2A``), digits and single hyphens.
SLUG = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


@dataclass
class Edition:
    territory: territories.Territory
    year: int
    out_dir: Path

    @property
    def basename(self) -> str:
        return f"etat-des-lieux-{self.year}-{self.territory.slug}"

    @property
    def folder(self) -> Path:
        # a slug is one folder name: a territory never writes outside its millésime's folder
        if not SLUG.fullmatch(self.territory.slug):
            raise TerritoryError(f"{self.territory.id} : nom d'édition invalide ({self.territory.slug!r}).")
        return self.out_dir / str(self.year) / self.territory.slug

    @property
    def notebooks_dir(self) -> Path:
        return self.folder / "notebooks"


@dataclass
class BuildResult:
    edition: Edition
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()          # what the renderer warned of


def edition_for(spec: str, year: int, out_dir: str | Path | None = None) -> Edition:
    vintage = territories.vintage_for_year(year)
    territory = territories.parse_territory(spec, vintage)
    return Edition(territory, year, Path(out_dir) if out_dir else config.project_root() / "reports")


def load_book():
    from analysis.render import load_book as _load

    return _load(config.project_root())


def chapters(book=None, included: Collection[str] | None = None) -> tuple[list[Path], list[Path]]:
    """The chapters and appendices of the book; ``included``: only those file names (the
    chapters an edition has, :func:`included_chapters`)."""
    book = book or load_book()
    keep = (lambda nb: True) if included is None else (lambda nb: nb.name in included)
    return [nb for nb in book.chapters if keep(nb)], [nb for nb in book.appendices if keep(nb)]


#: What a chapter may read beyond the edition's territory, its parents and sub-territories,
#: declared in its notebook metadata (``"etat_des_lieux": {"reads": ["peers"]}``): the cache keys
#: of that chapter then cover it (:mod:`analysis.build.chapter_cache`).
CHAPTER_READS = ("peers",)


def _chapter_metadata(notebook: Path) -> dict:
    import json

    meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})
    return meta.get("etat_des_lieux") or {}


def chapter_reads(notebook: Path) -> tuple[str, ...]:
    """The extra inputs a chapter declares it reads (see :data:`CHAPTER_READS`)."""
    reads = tuple(_chapter_metadata(notebook).get("reads", ()))
    unknown = [r for r in reads if r not in CHAPTER_READS]
    if unknown:
        raise BookConfigError(f"{notebook}: metadata etat_des_lieux.reads names {', '.join(unknown)}; "
                              f"known: {', '.join(CHAPTER_READS)}")
    return reads


def chapter_requires(notebook: Path) -> tuple[str, ...]:
    """The local sources a chapter needs (``"etat_des_lieux": {"requires": ["label_numerique"]}``):
    an edition whose territory they do not cover has no such chapter."""
    return tuple(_chapter_metadata(notebook).get("requires", ()))


def included_chapters(notebooks: list[Path], territory_id: str, results) -> list[str]:
    """The file names of the chapters an edition has: every chapter, except those requiring a
    local source that covers nothing of the territory this millésime."""
    from analysis import indicators

    covering: dict[str, set[str]] = {}
    for ind in indicators.catalogue().values():
        if isinstance(ind.universe, dict):
            covering.setdefault(ind.universe.get("source"), set()).add(ind.id)
    mine = results[(results["territoire"] == territory_id) & (results["univers"].fillna(0) > 0)]
    present = set(mine["indicateur"])
    return [nb.name for nb in notebooks
            if all(covering.get(group, set()) & present for group in chapter_requires(nb))]


def parameters(edition: Edition, data_dir: Path, threshold: int) -> dict:
    return {"territoire": edition.territory.id, "annee": edition.year, "data_dir": str(data_dir),
            "seuil_secret": threshold}


def execute_chapter(notebook: Path, output: Path, params: dict, runner=None) -> float:
    """Run one chapter with papermill. Returns seconds.

    ``runner``: where to run it, reset first (a worker keeps one): its IPython shell
    (:class:`analysis.build.in_process.WorkerShell`) or a kept kernel
    (:class:`analysis.build.kernels.KeptKernel`); by default papermill starts a fresh kernel and
    shuts it down. Either way the executed notebook is written once, at the end (or at the
    failing cell).
    """
    import papermill as pm

    from analysis.build import kernels

    os.environ.pop("MPLBACKEND", None)          # agg would drop the figures of the notebooks
    start = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    if runner is not None:
        runner.reset()
        how = {"engine_name": runner.engine_name(), "kernel": runner}
    else:
        how = {"kernel_manager_class": kernels.ipc_kernel_manager_class()}
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL,
                            cwd=str(notebook.parent), progress_bar=False, log_output=False,
                            request_save_on_cell_execute=False, **how)
    except pm.PapermillExecutionError as exc:
        raise BuildError(notebook.name, exc.cell_index, exc.ename, exc.evalue, execution_count=exc.exec_count,
                         kept=output) from None
    return time.perf_counter() - start


def build_edition(edition: Edition, data_dir: str | Path, *, renderer: Renderer,
                  threshold: int = SECRET_THRESHOLD, formats=("html", "pdf"), book=None,
                  meta: dict | None = None, execute: bool | Collection[str] = True, render: bool = True,
                  runner=None, included: Collection[str] | None = None) -> BuildResult:
    """Execute some or all chapters of one edition whose indicators are computed, then render it.

    Chapters run one after the other, in ``runner`` (this process's shell or a kept kernel, reset
    before each: :func:`execute_chapter`) or else each in a fresh papermill kernel.
    ``execute=False`` runs none (the executed notebooks are in ``edition.notebooks_dir``); a
    collection of chapter file names runs those only (the others are already there, e.g. restored
    from :mod:`analysis.build.chapter_cache` or run by another worker). ``render=False`` stops
    after the chapters. ``renderer``: one of :mod:`analysis.render.renderers`. ``included``: the
    chapters this edition has (default: all; see :func:`included_chapters`). ``meta`` defaults to
    :func:`render_meta`. Returns outputs and timings (``chapitre <stem>``, ``notebooks``,
    ``rendu``); a failing chapter raises :class:`BuildError` naming the notebook and the cell.
    """
    from analysis.sources.store import Store

    book = book or load_book()
    main, appendices = chapters(book, included)
    params = parameters(edition, Path(data_dir), threshold)
    result = BuildResult(edition)
    start = time.perf_counter()
    for nb in main + appendices:
        if execute is True or (execute and nb.name in execute):
            result.timings[f"chapitre {nb.stem}"] = execute_chapter(
                nb, edition.notebooks_dir / nb.name, params, runner=runner)
    result.timings["notebooks"] = time.perf_counter() - start
    if not render:
        return result
    start = time.perf_counter()
    meta = meta if meta is not None else render_meta(edition, Store(data_dir))
    rendered = render_edition(edition, book, meta, formats, renderer, included)
    result.outputs, result.warnings = rendered.outputs, rendered.warnings
    result.timings["rendu"] = time.perf_counter() - start
    return result


def render_edition(edition: Edition, book, meta: dict, formats, renderer: Renderer,
                   included: Collection[str] | None = None) -> Rendered:
    """Render the executed notebooks of ``edition`` with ``renderer`` (HTML and PDF beside them)."""
    from analysis.build import editorial
    from analysis.render import quarto

    main, appendices = chapters(book, included)
    executed = [edition.notebooks_dir / nb.name for nb in main]
    executed_appendices = [edition.notebooks_dir / nb.name for nb in appendices]
    for notebook in executed + executed_appendices:
        editorial.apply(notebook, edition.year, edition.territory.slug)
    # Both renderers leave a Quarto project: `quarto render <edition folder>` re-renders it.
    quarto.write_edition_project(edition.folder, executed, executed_appendices, meta, book,
                                 basename=edition.basename)
    return renderer.render(executed, executed_appendices, folder=edition.folder, basename=edition.basename,
                           meta=meta, book=book, formats=formats)


def render_meta(edition: Edition, store) -> dict:
    """The edition's identity, as both renderers print it (title page, running header, marks):
    the sources whose files are in the data folder, and the dates of the data in French (when
    they were imported or downloaded, and the annuaire's own date).

    The values are pandoc metadata, which pandoc and Quarto read as Markdown: a perimeter's
    ``nom``, a local source's title are quoted literally (:func:`analysis.core.markup.markdown_text`),
    so that ``<script>`` in a name is printed, never run."""
    from analysis.core.formatting import UNIT_SEP
    from analysis.core.markup import markdown_text as md

    records = store.records()
    demo = store.is_demo()
    present = [md(name) for name in sources_present(store, records)]
    label = (territories.collectivity_of(edition.territory).title       # « … — collèges publics »
             if edition.territory.level == territories.COLLECTIVITE else edition.territory.label)
    return {
        "title": md(TITLE),
        "subtitle": f"{md(label)} — millésime {edition.year}",
        "territory": md(label),
        "territory_id": edition.territory.id,
        "year": edition.year,
        "author": md(AUTHOR),
        # Free text, not a date: Quarto would read "Millésime 2018" as 1 January 2018.
        "date": md(data_dates(store, edition.year, records, demo) or f"Millésime {edition.year}"),
        "demo": demo,
        "source": ("Données synthétiques de démonstration" if demo else
                   f"Sources{UNIT_SEP}: {' ; '.join(present)} — données ouvertes" if present else
                   "Aucune source dans le dossier de données"),
    }


#: How the cover names a source family (the others by their indicator label or their title).
COVER_NAMES = {"etic": "enquête ETIC (ministère de l'Éducation nationale)",
               "annuaire": "annuaire de l'Éducation nationale"}


def sources_present(store, records=None) -> list[str]:
    """The sources whose files are in the data folder, named for the cover, in registry order:
    "annuaire de l'Éducation nationale", "enquête ETIC (…)", "Label numérique (…)", "IGN
    (fonds de carte)"."""
    from analysis import indicators

    held = {r.source for r in (store.records() if records is None else records)}
    labels = {**indicators.source_labels(), **COVER_NAMES}
    names = []
    for key, source in store.registry.items():
        if key not in held:
            continue
        if source.is_geo:
            names.append(f"{source.producer.split(',')[0].strip()} (fonds de carte)")
            continue
        family = source.join.group if source.join else ("etic" if key.startswith("etic") else key)
        names.append(labels.get(family, source.title))
    return list(dict.fromkeys(names))


_ANNUAIRE_DATES: dict[tuple, str] = {}


def data_dates(store, year: int, records=None, demo: bool = False) -> str:
    """When the data were taken and, when known, the annuaire's own date, in French: "Données
    importées le 29 novembre 2026 ; annuaire du 14 décembre 2022"; "" without any file."""
    from analysis.core.formatting import fmt_date

    records = store.records() if records is None else records
    dated = [r for r in records if r.retrieved_at]
    if not dated:
        return ""
    latest = max(r.retrieved_at[:10] for r in dated)
    if demo:
        return f"Données synthétiques générées le {fmt_date(latest)}"
    how = "téléchargées" if all(r.method == "fetch" for r in dated) else "importées"
    text = f"Données {how} le {fmt_date(latest)}"
    annuaire = annuaire_date(store, year, [r for r in records if r.source == "annuaire"])
    return text + (f" ; annuaire du {fmt_date(annuaire)}" if annuaire else "")


def annuaire_date(store, year: int, records) -> str:
    """The date of the annuaire snapshot (its last row update, ISO), read once per file."""
    if not records:
        return ""
    key = (str(store.data_dir), year, tuple(sorted(r.sha256 for r in records)))
    if key not in _ANNUAIRE_DATES:
        from analysis.harmonise.table import harmonisation_report

        try:
            _ANNUAIRE_DATES[key] = harmonisation_report(store, year).annuaire_date
        except Exception:  # noqa: BLE001 - a date on the cover is never worth a failed build
            _ANNUAIRE_DATES[key] = ""
    return _ANNUAIRE_DATES[key]
