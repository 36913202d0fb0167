"""Entry point: registers the commands and maps errors to exit statuses.

- an :class:`~analysis.core.errors.AnalysisError` (a user's mistake or a missing input) is one
  message, exit status 2; so is a problem of the machine (a full disk, a read-only folder, missing
  rights: :mod:`analysis.core.environment`), naming the folder and what to do;
- Ctrl-C stops with exit status 130, SIGTERM and SIGHUP the same way (:mod:`analysis.cli.signals`)
  with 128 + the signal;
- a closed standard output (``build … | head``) ends the command quietly;
- anything else is a bug of the tool: one line saying so, the traceback kept in a file to attach
  to a bug report, exit status 1.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback

from rich.markup import escape

from analysis.cli import data, editions, signals, tables  # noqa: F401 - registers the commands
from analysis.cli.app import app, console
from analysis.core import environment
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
    restore = signals.install()
    try:
        _run()
    finally:
        restore()


def _run() -> None:
    from analysis.cli.fiches import with_default_format

    try:
        app(args=with_default_format(sys.argv[1:]))
    except AnalysisError as exc:
        _error(exc)
    except KeyboardInterrupt:
        console.print(f"[yellow]interrompu[/] ({signals.cause()})", highlight=False)
        sys.exit(signals.exit_status())
    except BrokenPipeError:
        _quiet_exit()
    except Exception as exc:  # noqa: BLE001 - any other exception is a bug of the tool, or the machine's
        found = environment.problem(exc)
        if found is not None:
            _error(found)
        _bug(exc)


def _error(exc: AnalysisError) -> None:
    # soft_wrap: a long path is never cut across lines; escape: "[…]" in a message is text.
    console.print(f"[red]erreur :[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    sys.exit(2)


def _bug(exc: Exception) -> None:
    with tempfile.NamedTemporaryFile("w", prefix="etat-des-lieux-bug-", suffix=".txt", delete=False) as f:
        traceback.print_exc(file=f)
    console.print(f"[red]erreur interne[/] (un défaut d'etat-des-lieux, pas de vos données) : "
                  f"{type(exc).__name__}: {escape(str(exc))}\n  → signalez-le aux responsables du projet "
                  f"(voir CONTRIBUTING.md) en joignant la trace enregistrée dans {f.name}", highlight=False,
                  soft_wrap=True)
    sys.exit(1)


def _quiet_exit() -> None:
    """Standard output was closed by its reader: nothing more to say, and nothing to flush."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(141)


if __name__ == "__main__":
    main()
