"""``build etablissement:UAI``, ``build --all --fiches [html|pdf]`` and ``build SPEC --fiches pdf``:
the fiches établissement (:mod:`analysis.fiches`).

They run as builds do: the data folder's lock held shared from the first table read to the last
page (an import meanwhile waits: no fiche mixes two states of the data), and the reports folder's
lock. Each path written is printed whole on its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.markup import escape

from analysis.cli import checks
from analysis.cli.app import console, data_lock, open_store, out, reports_lock
from analysis.core.errors import UsageError

FORMATS = ("html", "pdf")


def check_format(value: str | None) -> str | None:
    """``--fiches``: html or pdf (None: no fiches asked)."""
    if value is None:
        return None
    chosen = str(value).strip().lower()
    if chosen not in FORMATS:
        raise UsageError(f"--fiches {value} : les fiches s'écrivent en html ou en pdf.\n"
                         "  → par exemple `etat-des-lieux build --all --fiches` (html) ou "
                         "`build departement:31 --fiches pdf`")
    return chosen


def with_default_format(argv: list[str]) -> list[str]:
    """``--fiches`` given without a format (``build --all --fiches``, ``build --fiches --all``,
    ``build --fiches departement:31``) means ``--fiches html``; any other word after it is its
    format, checked by :func:`check_format`."""
    out_args = []
    for n, arg in enumerate(argv):
        out_args.append(arg)
        following = argv[n + 1] if n + 1 < len(argv) else None
        if arg == "--fiches" and (following is None or following.startswith("-") or ":" in following
                                  or following.lower() == "france"):
            out_args.append("html")
    return out_args


def names_etablissement(territory: str | None) -> bool:
    from analysis.fiches.lookup import is_spec

    return is_spec(territory)


@dataclass
class Done:
    """What a fiches command wrote, to print."""

    paths: list[tuple[str, Path]] = field(default_factory=list)
    summary: str | None = None


def show(done: Done) -> None:
    if done.summary:
        console.print(escape(done.summary), highlight=False, soft_wrap=True)
    for name, path in done.paths:
        out.print(f"{name}: {escape(str(path))}", highlight=False, soft_wrap=True)


def build_fiches(territory: str | None, year: int, fmt: str, *, output: Path, threshold: int, data_dir,
                 force: bool, all_: bool, level, within, dry_run: bool = False) -> int:
    """``build etablissement:UAI`` or ``build --all --fiches``; returns the exit status."""
    from analysis.cli.tables import check_threshold

    check_threshold(threshold)
    if territory and all_:
        raise UsageError(f"build {territory} --all : --all construit toutes les fiches du millésime, sans "
                         f"établissement.\n  → pour une fiche : `etat-des-lieux build {territory}`")
    if level or within:
        raise UsageError("--fiches avec --all construit les fiches de tous les établissements ; --level et --within "
                         "ne s'y appliquent pas.\n  → les fiches d'un territoire : `etat-des-lieux build "
                         "departement:31 --fiches`")
    reports = checks.output_folder(Path(output).expanduser(), "-o").resolve()
    store = open_store(data_dir)
    with data_lock(store.data_dir, "shared"):
        done = _planned(store, year, reports, threshold, force) if dry_run and not territory else \
            _locked(store, territory, year, fmt, reports, threshold, force)
    show(done)
    return 0


def _locked(store, territory, year, fmt, reports: Path, threshold: int, force: bool) -> Done:
    from analysis import indicators
    from analysis.fiches import batch, export, listing, lookup
    from analysis.fiches.fiche import fiche, prepare
    from analysis.fiches.pdf import write_pdf
    from analysis.harmonise.millesimes import check_millesime
    from analysis.harmonise.table import load_etablissements

    check_millesime(store, year)
    with console.status(f"indicateurs {year}…"):
        results = indicators.load(store, year, threshold=threshold)
    year_dir = reports / str(year)
    if territory:
        table, _ = load_etablissements(store, year)
        uai = lookup.find(territory, table, year)
        with reports_lock(reports):
            m = prepare(store, year, threshold, results, only=[uai])
            batch.write_fiches(m, year_dir, [uai])
            paths = [("html", listing.fiche_path(year_dir, uai))]
            if fmt == "pdf":
                one = fiche(m, uai)
                paths.append(("pdf", write_pdf([one], listing.fiche_path(year_dir, uai, ".pdf"), one.title)))
            _refresh_index(year_dir, results, year, threshold, store)          # the fiche links the index page
        return Done(paths)
    with reports_lock(reports):
        written = batch.build_all(store, year, year_dir, threshold=threshold, force=force, results=results,
                                  say=lambda text: console.print(escape(text), highlight=False, soft_wrap=True))
        paths = [("fiches", written.folder)]
        exports = [listing.export_path(year_dir, year, suffix) for suffix in (".csv", ".xlsx")]
        if not written.skipped or not all(p.exists() for p in exports) or fmt == "pdf":
            m = written.millesime or prepare(store, year, threshold, results)
            for name, path in export.write(m, year_dir).items():
                paths.append((name, path))
            _refresh_index(year_dir, results, year, threshold, store)          # it links the export
            if fmt == "pdf":                      # a PDF older than its page (or missing) only
                for uai in m.uais:
                    page, target = listing.fiche_path(year_dir, uai), listing.fiche_path(year_dir, uai, ".pdf")
                    if not target.exists() or target.stat().st_mtime_ns < page.stat().st_mtime_ns:
                        one = fiche(m, uai)
                        write_pdf([one], target, one.title)
    state = "à jour" if written.skipped else f"{written.written} écrites, {written.unchanged} inchangées"
    return Done(paths, f"fiches {year} : {written.total} établissements ({state})")


def _planned(store, year: int, reports: Path, threshold: int, force: bool) -> Done:
    """``build --all --fiches --dry-run``: whether the fiches would be written, and why."""
    from analysis.fiches import batch, listing
    from analysis.harmonise.millesimes import check_millesime

    check_millesime(store, year)
    folder = reports / str(year) / listing.FOLDER
    if force:
        why = "--force"
    elif not (folder / batch.KEY_FILE).exists():
        why = "jamais construites"
    elif batch.up_to_date(store, year, reports / str(year), threshold):
        why = "à jour : rien à faire"
    else:
        why = "modifiées : données, code, périmètres ou seuil, ou fiches absentes"
    return Done([], f"fiches {year} : {why} (--dry-run : rien n'est écrit)")


def _refresh_index(year_dir: Path, results, year: int, threshold: int, store) -> None:
    """The index page and its explorer, whose search opens the fiches now written."""
    from analysis.build import site_index

    site_index.write_all(year_dir, results, year, xlsx=False, threshold=threshold, store=store)


def territory_fiches(territory, year: int, fmt: str, *, year_dir: Path, threshold: int, data_dir,
                     results) -> Done:
    """``build SPEC --fiches [html|pdf]``, after the edition (under the build's locks): the HTML
    fiches of the territory's établissements, and with pdf their bundle in one PDF."""
    from analysis.fiches import batch, bundle
    from analysis.fiches.fiche import prepare
    from analysis.harmonise.table import load_etablissements

    store = open_store(data_dir)
    table, _ = load_etablissements(store, year)
    uais = bundle.members(table, territory)
    m = prepare(store, year, threshold, results, only=uais)
    written = batch.write_fiches(m, year_dir, uais)
    paths = [("fiches", written.folder)]
    if fmt == "pdf":
        paths.append(("pdf", bundle.write_bundle(m, territory, year_dir, uais)))
    return Done(paths, f"fiches {territory.label} : {written.total} établissements "
                       f"({written.written} écrites, {written.unchanged} inchangées)")
