"""``data status`` as users read it, in a terminal of 80 columns: which folder is active, then
one short row per stored file (source, millésimes, state, file name), the sources absent, where
the files came from grouped by folder or site, and what to do about a file that is not ``ok``.
``--details`` gives one block per file: form, full origin, date, sha256.

Also the French wording of a file's form (:func:`describe_form`), shared with ``data import``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from analysis.core.formatting import plural
from analysis.core.publication import DEMO_MARK

#: A file's state (``FileState.state``): the word in the table, the sentence below it.
STATES = {
    "ok": ("ok", ""),
    "modified": ("modifié", "modifié depuis l'import"),
    "unrecorded": ("sans fiche", "sans fiche de provenance (copié à la main ?)"),
}
#: How a file came (``Provenance.method``; ``demo``: imported and marked as demo data).
METHODS = {"import": "importé de", "fetch": "téléchargé de", "demo": "importé de", "inconnue": "origine inconnue"}


def describe_form(form: dict | None) -> str:
    """A file's form in French: ``CSV, séparateur « ; », UTF-8, fins de ligne LF, en-tête : libellés``
    (:meth:`analysis.sources.forms.FileForm.describe`)."""
    from analysis.sources.forms import FileForm

    return FileForm.from_dict(form).describe() if form else ""


def years_text(years) -> str:
    """``[2017, 2018, 2019, 2021]`` → ``2017–2019, 2021`` (runs of consecutive millésimes)."""
    years = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def date_text(iso: str | None) -> str:
    """``2018-11-29T10:00:00Z`` → ``29/11/2018``."""
    if not iso or len(iso) < 10:
        return ""
    year, month, day = iso[:10].split("-")
    return f"{day}/{month}/{year}"


def origin_place(record) -> str:
    """Where a file came from, short: the folder of a local copy, the site of a download."""
    if record.method == "fetch":
        return urlsplit(record.origin).netloc or record.origin
    if record.method in ("import", "demo"):
        return str(Path(record.origin).parent)
    return ""


def show_status(store, data_dir_given: bool, output: Console, errors: Console, *, details: bool) -> None:
    """Print ``data status`` (see the module docstring)."""
    from analysis.core import config

    if data_dir_given:
        why = "donné par --data-dir"
    else:
        why = "dossier actif, " + config.active_data_dir().why
    # Lines that hold a path are not wrapped by rich (soft_wrap): a path is never cut in two.
    output.print(f"Dossier de données : {escape(str(store.data_dir))} ({escape(why)})", highlight=False,
                 soft_wrap=True)
    states = store.verify()
    if store.is_demo():
        output.print(f"[magenta]{DEMO_MARK}[/] (synthétiques, marquées sur chaque page)")
    if not states:
        output.print(f"Aucun fichier dans {escape(str(store.raw))}.", highlight=False, soft_wrap=True)
        output.print("  → importez des fichiers officiels (`etat-des-lieux data import CHEMIN`), "
                     "téléchargez-les (`etat-des-lieux data fetch`) ou créez les données de démonstration "
                     "(`etat-des-lieux data demo`).", highlight=False)
        return
    if details:
        _details(store, states, output)
    else:
        _table(store, states, output)
    absent = [key for key in store.registry if not store.files(key)]
    if absent:
        output.print(f"Sources absentes : {', '.join(absent)}.", highlight=False)
    if not details:
        places = Counter((METHODS.get(s.record.method, s.record.method), origin_place(s.record))
                         for s in states)
        output.print("Provenance :")
        for (how, place), n in places.items():
            output.print(f"  {how} {escape(place)} ({plural(n, 'fichier', 'fichiers')})" if place else
                         f"  {how} ({plural(n, 'fichier', 'fichiers')})", highlight=False, soft_wrap=True)
        output.print("Détails par fichier (forme, origine, date, sha256) : `etat-des-lieux data status "
                     "--details`", highlight=False)
    for s in states:
        if s.state != "ok":
            errors.print(f"[red]{STATES[s.state][1]}[/] : {escape(str(s.path))}\n  → les indicateurs sont "
                         "calculés sur le fichier tel qu'il est ; importez le fichier officiel "
                         "(`etat-des-lieux data import CHEMIN`) pour le vérifier et noter son origine.",
                         highlight=False, soft_wrap=True)


def _years(store, s) -> str:
    """The millésimes of a stored file: from its record, read from the file when not ``ok``."""
    from analysis.sources.store import read_millesimes

    if s.state == "ok":
        return years_text(s.record.millesimes)
    try:
        return years_text(read_millesimes(s.path, store.registry[s.key]))
    except Exception:  # noqa: BLE001 - an unreadable file: its state says what to do
        return ""


def _state(s) -> str:
    word = STATES[s.state][0]
    return word if s.state == "ok" else f"[red]{word}[/]"


def _table(store, states, output: Console) -> None:
    """One row per file under a line per source: the file name keeps most of the width."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("source, fichier", overflow="fold", ratio=1)
    table.add_column("millésimes", max_width=15)
    table.add_column("état", no_wrap=True)
    previous = None
    for s in states:
        if s.key != previous:
            table.add_row(f"[bold]{s.key}[/]", "", "")
            previous = s.key
        demo = "[magenta]DÉMO[/] " if s.record.demo else ""
        table.add_row(f"  {demo}{escape(s.path.name)}", _years(store, s), _state(s))
    output.print(table)


def _details(store, states, output: Console) -> None:
    for n, s in enumerate(states):
        r = s.record
        if n:
            output.print()
        output.print(f"[bold]{s.key}[/] : {escape(s.path.name)}", highlight=False)
        how = METHODS.get(r.method, r.method)
        if r.method in ("import", "fetch", "demo"):
            origin = f"{how} {r.origin}"
        else:
            origin = "fichier sans fiche de provenance" if s.state == "unrecorded" else how
        rows = [("millésimes", _years(store, s)),
                ("forme", describe_form(r.form)),
                ("origine", ("[magenta]DÉMO[/] " if r.demo else "") + escape(origin)),
                ("date", date_text(r.retrieved_at)),
                ("sha256", s.sha256),
                ("état", _state(s) if s.state == "ok" else f"[red]{STATES[s.state][1]}[/]")]
        for name, value in rows:          # not wrapped by rich: a path or a sha256 is never cut in two
            if value:
                output.print(f"  {name:<11} {value}", highlight=False, soft_wrap=True)
