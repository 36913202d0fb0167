"""What a new copy of a source replaces in the data folder, and what it would lose.

A source's files are read together, so one établissement (for a millésime) must be in one of them
only (:mod:`analysis.sources.row_keys`). A new file of a source:

- with the name of a stored file replaces it;
- sharing keys with a stored file of another name (the same ETIC saved as ``export (3).csv``)
  replaces that file too: it is another copy of the same data, never kept beside it;
- sharing none (another région's annuaire, another millésime's survey) is added beside them;
- of a boundary source (one file per source) replaces the copies of the declared file.

Before anything is replaced, the new copy is compared with what it replaces: with fewer rows, or
without établissements the old copy had (a file cut at a line boundary passes every other check),
it is refused with :class:`FewerRowsError` saying how many and which, unless the user accepts it
(``accept_fewer``: ``--accept-fewer`` on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.core.errors import InputError
from analysis.core.formatting import fmt_number, plural
from analysis.sources import row_keys

SHOWN = 5                      # UAI named in a refusal


class FewerRowsError(InputError):
    """A new copy of a source has fewer rows or établissements than the copy it would replace."""


@dataclass
class Replacement:
    """The stored files a new copy replaces, their rows, and the keys it lacks of theirs."""

    replaced: list[Path] = field(default_factory=list)
    rows_before: int = 0
    rows_after: int = 0
    lost: pd.DataFrame | None = None
    kept: int = 0                  # keys of the replaced copies that the new copy has too

    @property
    def fewer(self) -> bool:
        return bool(self.replaced) and (self.rows_after < self.rows_before
                                        or (self.lost is not None and len(self.lost) > 0))


def plan(stored: list[Path], source, new_keys: pd.DataFrame | None, target: Path) -> Replacement:
    """What a file whose rows have ``new_keys``, stored as ``target``, replaces among the
    ``stored`` files of its source, and what it would lose of theirs."""
    if new_keys is None:
        return Replacement([p for p in stored if p.name == target.name])
    out = Replacement(rows_after=len(new_keys))
    columns = list(new_keys.columns)
    old_parts = []
    for path in stored:
        same_name = path.name == target.name
        if source.is_geo and not same_name and (source.matches_name(path.name) is None
                                                or source.matches_name(target.name) is None):
            continue                       # not both copies of the declared file (used_files says which is read)
        old = row_keys.stored_keys(path, source)
        if old is not None and not (same_name or source.is_geo) and not _overlap(old, new_keys):
            continue                       # a complement: another région, another millésime
        out.replaced.append(path)
        if old is not None:
            out.rows_before += len(old)
            old_parts.append(old)
    if old_parts:
        old = pd.concat(old_parts, ignore_index=True).drop_duplicates()
        merged = old.merge(new_keys.drop_duplicates(), on=columns, how="left", indicator=True)
        out.lost = merged.loc[merged["_merge"] == "left_only", columns]
        out.kept = int((merged["_merge"] == "both").sum())
    return out


def _overlap(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    columns = list(new.columns)
    return len(old.merge(new.drop_duplicates(), on=columns, how="inner").head(1)) > 0


def fewer_error(path: Path | str, replacement: Replacement, source) -> FewerRowsError:
    """The refusal of a copy with fewer rows or établissements: how many, which, what to do."""
    names = ", ".join(p.name for p in replacement.replaced)
    text = (f"ce fichier remplacerait {names} ({plural(replacement.rows_before, 'ligne', 'lignes')}) "
            f"mais n'en a que {fmt_number(replacement.rows_after)}")
    lost = replacement.lost if replacement.lost is not None else pd.DataFrame()
    if len(lost):
        uai = row_keys.key_columns(source)[0]
        count = lost[uai].nunique()
        nouns = ("territoire", "territoires") if source.is_geo else ("établissement", "établissements")
        text += f" ; {plural(count, *nouns)} de la copie actuelle n'y {'est' if count < 2 else 'sont'} plus"
        if source.millesime_column and source.millesime_column in lost:
            by_year = lost.groupby(source.millesime_column)[uai].nunique().sort_index()
            text += " (" + ", ".join(f"millésime {year} : {fmt_number(n)}" for year, n in by_year.items()) + ")"
        shown = sorted(lost[uai].unique())[:SHOWN]
        text += " : " + ", ".join(shown) + (", …" if count > SHOWN else "")
    text += " ; rien n'a été remplacé"
    hint = ("Si ce fichier plus court est bien celui que vous voulez (des établissements fermés, un "
            "périmètre plus petit), relancez la commande avec --accept-fewer ; sinon, téléchargez à "
            "nouveau le fichier complet.")
    if len(lost) and not replacement.kept:
        hint += (" S'il complète la copie actuelle (une autre région, un autre millésime), importez-le "
                 "sous un autre nom : les deux seront lus.")
    return FewerRowsError(path, text, hint=hint)
