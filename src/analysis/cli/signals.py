"""SIGTERM and SIGHUP stop a command the way Ctrl-C does.

A scheduler, ``systemctl stop``, ``timeout`` or a closed terminal ends a command with SIGTERM or
SIGHUP, whose default is to die at once: a build would leave its workers and kernels running
and say nothing. Here both raise :class:`Stopped` (a ``KeyboardInterrupt``) in the main thread,
so that the one path of Ctrl-C runs: the workers are stopped (they end their kernels), what
finished is kept, and the summary and the command that resumes are printed. Exit status: 128 +
the signal (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP). A signal the command was started
to ignore (``nohup``) stays ignored. Once stopping, further SIGTERM and SIGHUP are ignored, so
that the stop itself completes.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

STOPPING = (signal.SIGTERM, signal.SIGHUP)
#: The signal that stopped the command, if one did (SIGINT for Ctrl-C).
received: list[int] = []


class Stopped(KeyboardInterrupt):
    """The command was told to stop by a signal (:data:`STOPPING`)."""


def install() -> Callable[[], None]:
    """Install the handlers for one command; returns what puts the previous ones back (a
    command run in-process, by a test, leaves its caller as it was)."""
    received.clear()
    previous = {sig: signal.getsignal(sig) for sig in STOPPING}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, _stop)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

    return restore


def _stop(signum, frame) -> None:                # noqa: ARG001 - signal handler signature
    received.append(signum)
    for sig in STOPPING:
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signal.Signals(signum).name)


def cause() -> str:
    """What stopped the command, for its last message: « Ctrl-C » or « signal SIGTERM »."""
    return f"signal {signal.Signals(received[0]).name}" if received else "Ctrl-C"


def exit_status() -> int:
    return 128 + (received[0] if received else signal.SIGINT)
