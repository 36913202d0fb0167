"""The ``etat-des-lieux`` application: its command groups, consoles and shared options.

Commands live in :mod:`.data` (``data import|fetch|status|demo``), :mod:`.tables`
(``territories``, ``indicators``) and :mod:`.editions` (``build``, ``quickstart``);
:mod:`.main` registers them and maps errors to exit statuses. What users read (help, messages,
errors the command line adds) is in French; the package's own error texts are not translated.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from analysis.core.errors import UsageError
from analysis.core.publication import TITLE

#: Typer's help and error panels in French: their titles and the notes in brackets. The usage
#: line and the errors of the command-line parser itself (an unknown option, a missing
#: argument) come from the click typer vendors, in English, and stay so.
TYPER_TEXTS = {
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "DEFAULT_STRING": "[par défaut : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "ABORTED_TEXT": "Interrompu.",
    "RICH_HELP": "Aide : [blue]'{command_path} {help_option}'[/]",
}


def _french_panels() -> None:
    from typer import rich_utils

    for name, text in TYPER_TEXTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


class _FrenchHelpOption:
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Afficher cette aide et quitter."
        return option


class Command(_FrenchHelpOption, TyperCommand):
    """A command whose --help says what it does in French (``@app.command(..., cls=Command)``)."""


class Group(_FrenchHelpOption, TyperGroup):
    """A command group whose --help says what it does in French."""


_french_panels()
app = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help=f"{TITLE} : données, indicateurs et rapports.")
data_app = typer.Typer(cls=Group, no_args_is_help=True,
                       help="Importer, télécharger, vérifier et décrire les fichiers sources.")
app.add_typer(data_app, name="data")


def _console(**options) -> Console:
    """A console that prints the user's text as written (no emoji for ``:x:``: a message quotes a
    file or a value literally; rich markup is escaped where text is quoted) and, when it writes to
    a file or a pipe, wraps nothing: a script reads each path whole on its line."""
    made = Console(emoji=False, **options)
    made.soft_wrap = not made.is_terminal
    return made


# Messages on standard error (log lines without the source file of the call), results on standard output.
console = _console(stderr=True, log_path=False)
out = _console()

DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Dossier de données (par défaut : le dossier actif, voir `data status`).")]


def check_year(year: int) -> int:
    """A millésime is a year written with four digits: ``--year 18`` is refused, naming 2018."""
    if not 1000 <= int(year) <= 9999:
        guess = 2000 + int(year) if 0 <= int(year) < 100 else 2018
        raise UsageError(f"--year {year} : année sur quatre chiffres, par exemple {guess}.\n"
                         f"  → relancez avec --year {guess}")
    return int(year)


def year_option(help_text: str = "Millésime (année sur quatre chiffres)."):
    return typer.Option("--year", help=help_text, callback=check_year)


Year = Annotated[int, year_option()]


def open_store(data_dir):
    from analysis.sources.store import Store

    return Store(data_dir)


def say_waiting(text: str) -> None:
    console.print(f"[yellow]attente :[/] {escape(text)}", highlight=False, soft_wrap=True)


@contextmanager
def data_lock(folder, mode: str):
    """The data folder's lock (:mod:`analysis.core.locks`), saying so when the command must wait;
    a full disk or a read-only folder met meanwhile names the folder when the error does not."""
    from analysis.core import environment, locks

    with locks.holding(folder, mode, what="le dossier de données", on_wait=say_waiting), \
            environment.told(folder):
        yield


@contextmanager
def reports_lock(folder):
    """The reports folder's lock, held by a build (two builds into one folder: one after the other)."""
    from analysis.core import environment, locks

    with locks.holding(folder, "exclusive", what="le dossier des rapports", on_wait=say_waiting), \
            environment.told(folder):
        yield
