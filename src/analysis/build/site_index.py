"""The index of a millésime's editions and the exports of all the indicators.

``reports/<year>/index.html`` is ONE page (inline CSS and JavaScript, no request outside the
millésime's folder, works from a file:// URL or a USB key): every edition built for the millésime (those
with a manifest, see :mod:`analysis.build.manifest`), grouped by level, with relative links to
their HTML and PDF, a few chiffres clés (French formatting, ``n.c.`` / ``s.`` when missing, the
non-response rate, ``‡`` on a value of a territory the data cover in part) and a search box
filtering by name or code. A banner marks demo data. Above the tables, the explorer
(:mod:`analysis.build.explorer`): a map of France by key figure, inline, and a search over the
territories and the établissements whose data is a script of ``explorateur/``, loaded on first use.

``reports/<year>/indicateurs-<year>.csv`` and ``.xlsx`` hold the indicators of every territory,
every statut (:func:`analysis.indicators.export.rows`, the same selection as ``etat-des-lieux
indicators``).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from analysis.build import manifest as cache
from analysis.build.explorer import Explorer
from analysis.build.explorer import build as build_explorer
from analysis.core import nc, territories
from analysis.core.atomic import replacing, write_text
from analysis.core.digests import file_sha256
from analysis.core.formatting import fmt_value, plural
from analysis.core.publication import DEMO_WARNING, TITLE
from analysis.core.statuts import PARTIAL_MARK, SECRET_THRESHOLD, Extent, Statut
from analysis.core.vocabulary import LEVEL_TITLES
from analysis.fiches import listing
from analysis.indicators import index_figures
from analysis.report.tables import PARTIAL_NOTE

#: (indicator, type, heading) of the chiffres clés shown for every edition: the indicators declared
#: ``index_figure`` in ``resources/indicators.yml``.
KEY_FIGURES = index_figures()

CSS = """
:root{--b:#0b4f8a;--g:#555;--l:#e6eef6}
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
margin:0;color:#1d1d1d;background:#fafafa}header{background:var(--b);color:#fff;padding:1.2rem 2rem}
header h1{margin:0;font-size:1.5rem}header p{margin:.3rem 0 0;opacity:.9}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem 3rem}
.demo{background:#b00020;color:#fff;font-weight:bold;padding:.7rem 2rem;text-align:center;letter-spacing:.02em}
.search{margin:1rem 0;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.search input{font-size:1rem;padding:.5rem .7rem;width:min(28rem,100%);border:1px solid #999;border-radius:4px}
.count{color:var(--g)}h2{border-bottom:2px solid var(--b);padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:var(--l);font-weight:600;font-size:.9rem}tr+tr td{border-top:1px solid #e3e3e3}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.num small{display:block;color:var(--g);font-size:.75rem}
.code{color:var(--g);font-size:.85rem}a{color:var(--b)}.links a{margin-right:.6rem}
footer{color:var(--g);font-size:.85rem;margin-top:2rem}.hidden{display:none}
a:focus-visible,input:focus-visible,[tabindex]:focus-visible{outline:3px solid var(--b);outline-offset:2px}
main:focus{outline:none}
.skip{position:absolute;left:1rem;top:-3rem;background:#fff;color:var(--b);padding:.5rem 1rem;border:2px solid var(--b)}
.skip:focus{top:.5rem}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus{outline:2px solid var(--b)}
@media (max-width:40rem){header,main{padding-left:1rem;padding-right:1rem}.demo{padding:.7rem 1rem}}
"""

JS = """
(function(){
  var input=document.getElementById('recherche'), rows=document.querySelectorAll('tr[data-search]');
  var count=document.getElementById('compte');
  function norm(s){return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g,'').toLowerCase();}
  function filter(){
    var q=norm(input.value.trim()), shown=0;
    rows.forEach(function(r){var ok=!q||r.getAttribute('data-search').indexOf(q)>=0;
      r.classList.toggle('hidden',!ok); if(ok){shown++;}});
    document.querySelectorAll('section[data-level]').forEach(function(s){
      s.classList.toggle('hidden', s.querySelectorAll('tr[data-search]:not(.hidden)').length===0);});
    count.textContent=shown+' édition'+(shown>1?'s':'')+' affichée'+(shown>1?'s':'');
  }
  input.addEventListener('input',filter); filter();
})();
"""


def built_editions(year_dir: Path) -> list[dict]:
    """Manifests of the editions built in ``year_dir`` (level order, then code)."""
    found = []
    for folder in sorted(Path(year_dir).iterdir()) if Path(year_dir).is_dir() else []:
        manifest = cache.read_manifest(folder) if folder.is_dir() else None
        if manifest and manifest.get("territoire"):
            manifest["folder"] = folder.name
            found.append(manifest)
    order = {level: n for n, level in enumerate(territories.LEVELS)}

    def key(m):
        level, _, code = m["territoire"].partition(":")
        return order.get(level, 9), code
    return sorted(found, key=key)


def _search_key(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def key_figures(results: pd.DataFrame, territory_id: str) -> list[tuple[str, str]]:
    """(value, n.c. note) of :data:`KEY_FIGURES` for one territory, as printed in French: as in
    the report's key figures, a value of a territory the data cover in part is marked ``‡`` (the
    value of its covered part only; never a missing value), and the n.c. note is the report's
    (none for the response rate, whose own completeness it is, nor for counts)."""
    rows = results[results["territoire"] == territory_id].set_index(["indicateur", "type"])
    return [figure_of_row(rows.loc[(ident, typ)]) if (ident, typ) in rows.index else (Statut.ABSENT.mark, "")
            for ident, typ, _ in KEY_FIGURES]


def figure_of_row(row) -> tuple[str, str]:
    """(value, n.c. note) of one row of the indicator table, as the index prints a key figure."""
    value = fmt_value(row["valeur"], row["unite"], reason=row["statut"])
    if row["statut"] != Statut.OK:
        return value, ""
    if row.get("couverture_donnees") == Extent.PARTIAL:
        value += f" {PARTIAL_MARK}"
    return value, nc.of_row(row)


def marks_note(threshold: int = SECRET_THRESHOLD) -> str:
    """The legend of the marks under the index's key figures (French)."""
    return (f"« {Statut.SECRET.mark} » : {Statut.SECRET.words} (moins de {threshold} répondants) ; "
            f"« {Statut.ABSENT.mark} » : {Statut.ABSENT.words} (source absente pour ce millésime, ou qui ne "
            f"couvre pas le territoire) ; « {Statut.VIDE.mark} » : {Statut.VIDE.words} (aucun établissement "
            "de ce type).")


def render_index(editions: list[dict], results: pd.DataFrame, year: int, *, demo: bool,
                 xlsx: bool = True, threshold: int = SECRET_THRESHOLD, explorer: Explorer | None = None,
                 per_etablissement: list[str] = ()) -> str:
    """The index page; with ``explorer`` (:mod:`analysis.build.explorer`), its map and search above
    the tables and a link to the map of the établissements of each département edition;
    ``per_etablissement``: the files of the export « par établissement » present (names relative
    to the page), linked in the footer."""
    e = html.escape
    maps = explorer.maps if explorer else {}
    sections, partial = [], False
    for level, title in LEVEL_TITLES.items():
        members = [m for m in editions if m["territoire"].partition(":")[0] == level]
        if not members:
            continue
        head = "".join(f"<th>{e(label)}</th>" for _, _, label in KEY_FIGURES)
        lines = []
        for m in members:
            ident = m["territoire"]
            code = ident.partition(":")[2] or "FR"
            label = m.get("libelle", ident)
            links = []
            for fmt in ("html", "pdf"):
                entry = m.get("outputs", {}).get(fmt)
                if entry:
                    href = f"{m['folder']}/{entry['file']}"
                    links.append(f'<a href="{e(href)}">{fmt.upper()}</a>')
            if ident in maps:
                links.append(f'<a href="{e(maps[ident])}" aria-label="Carte des établissements de {e(label)}">'
                             "Carte</a>")
            figures = key_figures(results, ident)
            partial |= any(value.endswith(PARTIAL_MARK) for value, _ in figures)
            cells = "".join(
                f'<td class="num">{e(value)}' + (f"<small>{e(note)}</small>" if note else "") + "</td>"
                for value, note in figures)
            search = e(_search_key(f"{label} {code} {ident}"))
            lines.append(f'<tr data-search="{search}"><td>{e(label)} <span class="code">{e(ident)}</span></td>'
                         f'<td class="links">{" ".join(links)}</td>{cells}</tr>')
        sections.append(
            f'<section data-level="{level}"><h2>{e(title)} ({len(members)})</h2>'
            f'<div class="scroll" role="region" tabindex="0" aria-label="{e(title)}">'
            f"<table><thead><tr><th>Territoire</th><th>Rapport</th>{head}</tr></thead>"
            f"<tbody>{''.join(lines)}</tbody></table></div></section>")
    banner = f'<div class="demo" role="alert">{e(DEMO_WARNING)}</div>' if demo else ""
    xlsx_link = f', <a href="indicateurs-{year}.xlsx">indicateurs-{year}.xlsx</a>' if xlsx else ""
    etablissements = ""
    if per_etablissement:
        listed = ", ".join(f'<a href="{e(name)}">{e(name)}</a>' for name in per_etablissement)
        etablissements = f" Réponses et indicateurs par établissement (export « par établissement ») : {listed}."
    total = len(editions)
    counted = f"{total} {plural(total, 'édition', 'éditions', with_number=False)}"
    partial_note = f" {e(PARTIAL_NOTE)}" if partial else ""
    body = "".join(sections) or "<p>Aucune édition construite pour ce millésime.</p>"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(TITLE)} — éditions {year}</title>
<link rel="icon" href="data:,">
<style>{CSS}</style>{explorer.head if explorer else ""}</head>
<body><a class="skip" href="#contenu">Aller au contenu</a>{banner}<header><h1>{e(TITLE)} — millésime {year}</h1>
<p>{counted} : France, régions académiques, académies et départements.</p></header>
<main id="contenu" tabindex="-1">
{explorer.body if explorer else ""}
<div class="search"><label for="recherche">Rechercher un territoire (nom ou code)</label>
<input id="recherche" type="search" placeholder="ex. Haute-Garonne, 31, Toulouse" autocomplete="off">
<span id="compte" class="count"></span></div>
{body}
<footer>Chiffres clés : valeur du millésime {year} ; sous la valeur, part des établissements n'ayant
pas répondu (n.c.). {e(marks_note(threshold))}{partial_note} Tous les
indicateurs de tous les territoires : <a href="indicateurs-{year}.csv">indicateurs-{year}.csv</a>{xlsx_link}.
{etablissements}</footer>
</main><script>{JS}</script></body></html>
"""


def write_all(year_dir: Path, results: pd.DataFrame, year: int, *, xlsx: bool = True,
              threshold: int = SECRET_THRESHOLD, store=None) -> dict[str, Path]:
    """Write ``index.html`` and ``indicateurs-<year>.csv`` (and ``.xlsx`` with ``xlsx``) in ``year_dir``,
    with the explorer's files (:mod:`analysis.build.explorer`; its établissements from the data
    folder ``store``, none without)."""
    from analysis.indicators import export

    year_dir = Path(year_dir)
    year_dir.mkdir(parents=True, exist_ok=True)
    demo = bool(results["demo"].any()) if "demo" in results else False
    rows = export.rows(results)
    paths = {"csv": year_dir / f"indicateurs-{year}.csv"}
    with replacing(paths["csv"]) as tmp:                      # a script never reads half a table
        export.write(rows, tmp, "csv")
    if xlsx:
        # The workbook takes seconds: rewritten only when the table (the CSV) changed.
        target = year_dir / f"indicateurs-{year}.xlsx"
        stamp = year_dir / f".indicateurs-{year}.xlsx.sha256"
        digest = file_sha256(paths["csv"])
        if not target.exists() or not stamp.exists() or stamp.read_text().strip() != digest:
            with replacing(target) as tmp:
                export.write(rows, tmp, "xlsx", threshold=threshold)
            write_text(stamp, digest)
        paths["xlsx"] = target
    # A single build leaves the workbook to `build --all` (seconds of work): linked when there.
    exports = [listing.export_path(year_dir, year, suffix) for suffix in (".csv", ".xlsx")]
    editions = built_editions(year_dir)
    explorer = build_explorer(year_dir, results, year, editions, store=store)
    page = render_index(editions, results, year, demo=demo, xlsx=(year_dir / f"indicateurs-{year}.xlsx").exists(),
                        threshold=threshold, explorer=explorer,
                        per_etablissement=[p.name for p in exports if p.exists()])
    paths["index"] = write_text(year_dir / "index.html", page)
    return paths
