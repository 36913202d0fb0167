"""The ``etat-des-lieux`` application: its command groups, consoles and shared options.

Commands live in :mod:`.data` (``data import|fetch|status|demo``), :mod:`.tables`
(``territories``, ``indicators``) and :mod:`.editions` (``build``, ``quickstart``);
:mod:`.main` registers them and maps errors to exit statuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="État des lieux du numérique éducatif: data, indicators and reports.")
data_app = typer.Typer(no_args_is_help=True, help="Bring in, check and describe the source files.")
app.add_typer(data_app, name="data")
console = Console(stderr=True)
out = Console()

DataDir = Annotated[Path | None, typer.Option("--data-dir",
                                              help="Data folder (default: the active one, see `data status`).")]


def open_store(data_dir):
    from analysis.sources.store import Store

    return Store(data_dir)
