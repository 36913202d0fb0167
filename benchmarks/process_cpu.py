"""Where a command's CPU goes, process by process: the build's main process, its workers, their
kernels, pandoc (Linux: read from ``/proc``). Prints; asserts nothing.

    .venv/bin/python benchmarks/process_cpu.py etat-des-lieux build --all --year 2018 --force \\
        --data-dir DATA --output /tmp/reports

Every 0.2 s, each process the command started (and theirs) is sorted by its command line into a
kind and its CPU (user, system) noted; a process's last reading counts. A kernel is a child of its worker: its CPU
is read from its own line, never from the worker's "children" columns (printed apart). A process
that lives less than 0.2 s may be missed (its CPU then shows in its parent's children columns).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict

#: (kind, what its command line holds), the first that matches.
KINDS = (("kernel", "ipykernel"), ("worker", "spawn_main"), ("pandoc", "pandoc"),
         ("main", "etat-des-lieux"), ("main", "-m analysis"))


def kind_of(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            line = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return next((kind for kind, mark in KINDS if mark in line), None)


def stat_of(pid: str, tick: int) -> tuple[str, tuple[float, float, float, float]] | None:
    """The parent's pid, and user, system, children's user, children's system, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[1], tuple(int(x) / tick for x in fields[11:15])


def descendants(root: str, parents: dict[str, str]) -> set[str]:
    """``root`` and the processes it started, and theirs (from each process's parent)."""
    found = {root}
    for pid in parents:
        chain, up = [], pid
        while up in parents and up not in found and up not in chain:
            chain.append(up)
            up = parents[up]
        if up in found:
            found.update(chain)
    return found


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tick = os.sysconf("SC_CLK_TCK")
    seen: dict[str, tuple[str, tuple[float, ...]]] = {}
    start = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    while process.poll() is None:
        stats = {pid: found for pid in filter(str.isdigit, os.listdir("/proc"))
                 if (found := stat_of(pid, tick)) is not None}
        for pid in descendants(str(process.pid), {pid: parent for pid, (parent, _) in stats.items()}):
            kind = kind_of(pid)
            if kind and pid in stats:
                seen[pid] = (kind, stats[pid][1])
        time.sleep(0.2)
    wall = time.perf_counter() - start
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
    count: dict[str, int] = defaultdict(int)
    for kind, times in seen.values():
        count[kind] += 1
        for i, value in enumerate(times):
            totals[kind][i] += value
    print(f"{wall:.1f} s wall, exit {process.returncode}")
    print(f"{'kind':8} {'processes':>9} {'user':>9} {'system':>9} {'children (user+sys)':>20}")
    for kind, (user, system, child_user, child_system) in sorted(totals.items()):
        print(f"{kind:8} {count[kind]:9d} {user:8.1f}s {system:8.1f}s {child_user + child_system:19.1f}s")


if __name__ == "__main__":
    main()
