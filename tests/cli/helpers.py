"""Running the command line in-process, as ``etat-des-lieux`` does (``analysis.cli.main.main``:
the same error mapping and exit statuses), with its output captured."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr, whitespace collapsed (rich wraps boxes at 80 columns)."""
        return " ".join((self.out + "\n" + self.err).split())

    @property
    def raw_text(self) -> str:
        return self.out + "\n" + self.err


def run_cli(capsys, *args: str | Path) -> Run:
    from analysis.cli.main import main

    capsys.readouterr()
    with mock.patch.object(sys, "argv", ["etat-des-lieux", *map(str, args)]):
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def read_csv_text(path: Path) -> tuple[list[str], list[list[str]]]:
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    return lines[0].split(";"), [line.split(";") for line in lines[1:]]
