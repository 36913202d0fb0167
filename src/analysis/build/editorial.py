"""Editorial focus: words the report team or an office adds to a chapter, without touching code.

Layout (Markdown files, French)::

    params/editorial/<millésime>/commun/<chapitre>.md          every edition of the millésime
    params/editorial/<millésime>/<édition>/<chapitre>.md       one edition (its slug)

e.g. ``params/editorial/2018/departement-31/03-equipement.md``. ``<chapitre>`` is the stem of a
chapter notebook of ``_quarto.yml``; ``<édition>`` the slug of an edition of that millésime
(``france``, ``region-76``, ``academie-toulouse``, ``departement-31``, ``perimetre-tne-34``).
A file may open with a front matter giving ``titre``, ``auteur`` and ``date``::

    ---
    titre: Le plan numérique du département
    auteur: Direction des services départementaux de l'Éducation nationale
    date: 2019-03-15
    ---
    Texte du focus…

Each file becomes a « Focus » box at the end of its chapter (common box first), in HTML and
PDF, with the author and date line. Its text is kept to a safe subset of Markdown
(:mod:`analysis.build.safe_markdown`: no raw HTML, no image, no link but to ``http(s):`` and
``mailto:``); what was dropped is said by the build, as a notice naming the file. The title,
author and date are printed as written (:func:`analysis.core.markup.markdown_text`).

A folder or file naming an unknown edition or chapter is an error listing the valid names. The
files of an edition are part of its render key: editing one re-renders the editions it applies to, and nothing else.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.core import config, territories
from analysis.core.digests import file_sha256, sha
from analysis.core.errors import InputError
from analysis.core.markup import markdown_attribute, markdown_text

log = logging.getLogger(__name__)

FOLDER = "editorial"
COMMON = "commun"
FRONT_KEYS = {"titre", "auteur", "date"}
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?", re.S)


@dataclass(frozen=True)
class Focus:
    """One editorial box: its text (Markdown, kept to the safe subset), the optional title,
    author and date, and what was dropped from the text as written (French)."""

    path: Path
    body: str
    titre: str = ""
    auteur: str = ""
    date: str = ""
    dropped: tuple[str, ...] = ()

    def markdown(self) -> str:
        """The box as a Quarto callout (read by both renderers)."""
        title = "Focus" + (f" — {self.titre}" if self.titre else "")
        byline = ", ".join(markdown_text(part) for part in (self.auteur, self.date) if part)
        text = self.body.strip() + (f"\n\n*{byline}*" if byline else "")
        return f'::: {{.callout-note .focus title="{markdown_attribute(title)}"}}\n{text}\n:::'


def folder() -> Path:
    return config.params_dir() / FOLDER


def edition_slugs(year: int) -> list[str]:
    """Slugs of every edition of a millésime (administrative levels, custom perimeters, collectivités)."""
    from analysis.core import perimeters

    vintage = territories.vintage_for_year(year)
    slugs = [t.slug for level in territories.LEVELS for t in territories.list_territories(level, vintage)]
    # perimeters that cannot be read (their own build says why) do not stop the others
    return slugs + [f"{territories.PERIMETRE}-{p.code}" for p in perimeters.declared()
                    if isinstance(p, perimeters.Perimeter)] + [
        t.slug for t in territories.list_territories(territories.COLLECTIVITE, vintage)]


def _suggest(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
    return f" Did you mean {', '.join(close)}?" if close else ""


def check(chapters: list[str]) -> None:
    """Every file of ``params/editorial/`` names a known millésime folder, edition and chapter."""
    root = folder()
    if not root.is_dir():
        return
    for year_dir in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        if not (year_dir.is_dir() and re.fullmatch(r"\d{4}", year_dir.name)):
            raise InputError(year_dir, "expected a folder named after a millésime (e.g. 2018)",
                             hint=f"Layout: {root}/<millésime>/<édition or {COMMON}>/<chapitre>.md")
        valid = edition_slugs(int(year_dir.name))
        for edition_dir in sorted(p for p in year_dir.iterdir() if not p.name.startswith(".")):
            if edition_dir.name != COMMON and edition_dir.name not in valid:
                raise InputError(edition_dir, f"no edition {edition_dir.name!r} in {year_dir.name}."
                                 + _suggest(edition_dir.name, valid),
                                 hint=f"Use {COMMON} (every edition) or an edition slug such as "
                                      f"departement-31, academie-toulouse, region-76 or france "
                                      f"(`etat-des-lieux territories` lists them).")
            for file in sorted(p for p in edition_dir.iterdir() if not p.name.startswith(".")):
                if file.suffix != ".md" or file.stem not in chapters:
                    raise InputError(file, f"not a chapter of the book.{_suggest(file.stem, chapters)}",
                                     hint=f"Name the file after a chapter: {', '.join(c + '.md' for c in chapters)}.")


def read(path: Path) -> Focus:
    from analysis.build.safe_markdown import sanitise

    text = path.read_text(encoding="utf-8")
    front, body = {}, text
    match = _FRONT.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise InputError(path, f"front matter is not valid YAML: {exc}") from None
        if not isinstance(front, dict) or set(front) - FRONT_KEYS:
            unknown = sorted(set(front) - FRONT_KEYS) if isinstance(front, dict) else []
            raise InputError(path, f"front matter keys: {', '.join(sorted(FRONT_KEYS))} (got {unknown or front!r})")
        body = text[match.end():]
    if not body.strip():
        raise InputError(path, "the focus has no text",
                         hint="Write the text below the front matter, or delete the file.")
    body, dropped = sanitise(body)
    return Focus(path, body, **{k: str(v) for k, v in front.items()}, dropped=dropped)


def say_dropped(year: int) -> None:
    """A notice for each focus file of ``year`` whose text lost something to the safe subset
    (the build prints it: the office learns why its box shows less than it wrote)."""
    for path in sorted((folder() / str(year)).glob("*/*.md")):
        focus = read(path)
        if focus.dropped:
            log.warning("%s : retiré du focus publié (seul le Markdown simple est gardé) : %s", path,
                        " ; ".join(focus.dropped))


def files_for(year: int, slug: str) -> list[Path]:
    """The editorial files applying to an edition: common ones, then its own (sorted)."""
    base = folder() / str(year)
    return [p for name in (COMMON, slug) for p in sorted((base / name).glob("*.md"))]


def focus_for(year: int, slug: str, chapter: str) -> list[Focus]:
    """The focus boxes of one chapter of an edition (common first)."""
    return [read(p) for p in files_for(year, slug) if p.stem == chapter]


def digest(year: int, slug: str) -> str:
    """Digest of the editorial files of an edition (a part of its render key)."""
    return sha(*(f"{p.relative_to(folder()).as_posix()}={file_sha256(p)}" for p in files_for(year, slug)))


TAG = "editorial-focus"


def apply(notebook: Path, year: int, slug: str) -> None:
    """Put the chapter's focus boxes at the end of an executed chapter notebook (replacing those
    a previous render put there), so that both renderers show them."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    kept = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
    boxes = [nbformat.v4.new_markdown_cell(f.markdown(), metadata={"tags": [TAG]})
             for f in focus_for(year, slug, Path(notebook).stem)]
    if boxes or len(kept) != len(nb.cells):
        nb.cells = kept + boxes
        nbformat.write(nb, str(notebook))
