"""What an import did, file by file: added, replaced, unchanged, refused (recognised but invalid)
or ignored (no source of the report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analysis.core.errors import InputError
from analysis.sources.provenance import Provenance


@dataclass
class Refusal:
    path: Path
    reason: str
    explicit: bool          # named on the command line (not found inside a folder)


@dataclass
class ImportReport:
    """What an import did, per file."""

    added: list[Provenance] = field(default_factory=list)
    replaced: list[Provenance] = field(default_factory=list)
    unchanged: list[Provenance] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)     # recognised, but invalid
    ignored: list[Refusal] = field(default_factory=list)     # not a source of the report
    errors: list[InputError] = field(default_factory=list)   # the refusals' errors, in order

    @property
    def stored(self) -> list[Provenance]:
        return self.added + self.replaced + self.unchanged

    @property
    def failed(self) -> bool:
        """Anything refused, or a file named explicitly that is no source (exit status 2)."""
        return bool(self.refused) or any(i.explicit for i in self.ignored)

    def check(self) -> ImportReport:
        """Raise the first refusal's error (library use: an import that must be complete)."""
        if self.errors:
            raise self.errors[0]
        unknown = [i for i in self.ignored if i.explicit]
        if unknown:
            raise InputError(unknown[0].path, unknown[0].reason,
                             hint="Donnez un fichier officiel de l'une des sources de params/sources.yml.")
        return self
