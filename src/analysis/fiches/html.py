"""A fiche as an HTML page: small, accessible, every text escaped, one shared style sheet.

Every text of a :class:`~analysis.fiches.fiche.Fiche` comes from the data (names of
établissements and communes) or the catalogue: each is escaped with :func:`html.escape` (memoised,
the same strings recur on every page). The style is the file :data:`CSS_NAME` beside the pages,
written once per folder (:func:`write_css`): no page carries inline style or script.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from pathlib import Path

from analysis.core.publication import TITLE
from analysis.fiches.fiche import Fiche

CSS_NAME = "fiche.css"


@lru_cache(maxsize=65536)
def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def css() -> str:
    """The shared style sheet of the fiches (package data ``fiches/templates/fiche.css``)."""
    return resources.files("analysis.fiches").joinpath("templates", CSS_NAME).read_text(encoding="utf-8")


def write_css(folder: Path) -> Path:
    """The style sheet in ``folder``, rewritten only when it differs."""
    from analysis.core.atomic import write_text

    path = Path(folder) / CSS_NAME
    text = css()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_text(path, text)
    return path


def page(f: Fiche, *, index_href: str = "../index.html") -> str:
    """The HTML page of a fiche."""
    prefix = f"{f.banner} — " if f.banner else ""
    banner = f'<p class="demo" role="note">{e(f.banner)}</p>' if f.banner else ""
    identity = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in f.identity)
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in ["Question", *f.headings])
    sections = []
    for n, (title, lines) in enumerate(f.sections):
        body = "".join(
            f'<tr><th scope="row">{e(line[0])}</th><td class="r">{e(line[1])}</td>'
            + "".join(f"<td>{e(c)}</td>" for c in line[2:]) + "</tr>" for line in lines)
        sections.append(f'<section aria-labelledby="t{n}"><h2 id="t{n}">{e(title)}</h2>'
                        f'<div class="s" role="region" tabindex="0" aria-label="Tableau {e(title)}"><table>'
                        f"<caption>{e(f.caption)}</caption><thead><tr>{head}</tr></thead>"
                        f"<tbody>{body}</tbody></table></div></section>")
    notes = "".join(f"<p>{e(note)}</p>" for note in f.notes)
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(prefix)}{e(f.title)} — fiche établissement {f.year}</title>"
            f'<link rel="icon" href="data:,"><link rel="stylesheet" href="{CSS_NAME}"></head>'
            f'<body><a class="skip" href="#contenu">Aller au contenu</a>{banner}<header>'
            f'<p><a href="{e(index_href)}">{e(TITLE)} — millésime {f.year}</a></p>'
            f"<h1>{e(f.nom)}</h1><dl>{identity}</dl><p class=\"src\">{e(f.identity_source)}</p></header>"
            f'<main id="contenu" tabindex="-1">{"".join(sections)}</main><footer>{notes}</footer></body></html>\n')
