"""The bounds of what may enter a data folder, and sizes and durations as messages print them.

- the **maximum size** of a source's file: ``max_size_mb`` of its entry in ``params/sources.yml``
  (or ``params/sources/``), else :data:`DEFAULT_MAX_MB`. A download is checked against it (the
  ``Content-Length`` announced, then every byte received), and so is a file unpacked from an
  archive;
- a download's **time**: the connection, the wait for the first byte (a silent server), the
  whole download, and a minimum rate over a window (a server that trickles a byte a second is
  left): :class:`DownloadLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.core.formatting import fmt_number

#: The maximum size of a source's file when its entry declares none (Mo, 10⁶ octets).
DEFAULT_MAX_MB = 2000
MB = 1_000_000


@dataclass(frozen=True)
class DownloadLimits:
    """How long a download may take (seconds) and how slowly it may go (octets per second,
    averaged over ``rate_window`` seconds once that long has passed)."""

    connect: float = 10
    first_byte: float = 60
    total: float = 3600
    min_rate: float = 10_000
    rate_window: float = 60


def max_bytes(source) -> int:
    """The maximum size of a file of ``source`` (octets)."""
    return int((source.max_size_mb or DEFAULT_MAX_MB) * MB)


def size_text(size: float) -> str:
    """``1_534_000`` → ``1,5 Mo``, ``13_506`` → ``13,5 ko``; below 10 ko, in octets; from 1 Go, in Go."""
    if size < 10_000:
        return f"{fmt_number(size)}\u00a0octets"
    if size < MB:
        return f"{fmt_number(size / 1000, 1 if size < 100_000 else 0)}\u00a0ko"
    if size < 1000 * MB:
        return f"{fmt_number(size / MB, 1 if size < 10 * MB else 0)}\u00a0Mo"
    return f"{fmt_number(size / (1000 * MB), 1)}\u00a0Go"


def duration_text(seconds: float) -> str:
    """``0.4`` → ``0,4 s``; ``123`` → ``2 min 3 s``; ``3700`` → ``1 h 1 min``."""
    if seconds < 10:
        return f"{fmt_number(seconds, 1)}\u00a0s"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}\u00a0h {minutes}\u00a0min"
    return f"{minutes}\u00a0min {secs}\u00a0s" if minutes else f"{secs}\u00a0s"
