"""Entry point: registers the commands and maps errors to exit statuses.

- an :class:`~analysis.core.errors.AnalysisError` (a user's mistake or a missing input) is one
  message, exit status 2;
- Ctrl-C stops with exit status 130;
- anything else is a bug of the tool: one line saying so, the traceback kept in a file to attach
  to a bug report, exit status 1.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback

from rich.markup import escape

from analysis.cli import data, editions, tables  # noqa: F401 - registers the commands
from analysis.cli.app import app, console
from analysis.core.errors import AnalysisError


class _Notices(logging.Handler):
    """The library's notices (a damaged cache rebuilt…) as one line each on the console."""

    def emit(self, record: logging.LogRecord) -> None:
        console.print(f"[yellow]avis :[/] {escape(record.getMessage())}", highlight=False, soft_wrap=True)


def main() -> None:
    notices = logging.getLogger("analysis")
    if not any(isinstance(h, _Notices) for h in notices.handlers):
        notices.addHandler(_Notices(logging.WARNING))
        notices.propagate = False
    try:
        app()
    except AnalysisError as exc:
        # soft_wrap: a long path is never cut across lines; escape: "[…]" in a message is text.
        console.print(f"[red]erreur :[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        console.print("[yellow]interrompu[/] (Ctrl-C)")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - any other exception is a bug of the tool
        with tempfile.NamedTemporaryFile("w", prefix="etat-des-lieux-bug-", suffix=".txt", delete=False) as f:
            traceback.print_exc(file=f)
        console.print(f"[red]erreur interne[/] (un défaut d'etat-des-lieux, pas de vos données) : "
                      f"{type(exc).__name__}: {escape(str(exc))}\n  → signalez-le aux responsables du projet "
                      f"(voir CONTRIBUTING.md) en joignant la trace enregistrée dans {f.name}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
