"""The HTML of the explorer (:mod:`analysis.build.explorer`): its part of the index page (the map of
France, the key figure chosen, the search box) and the page of the établissements of a
département. Words in French; style and script from ``build/static/`` (inline: no request).

Accessibility (as the index, WCAG 2.1 AA): every département with an edition is a link whose
name says its value and n.c. rate (« Haute-Garonne (31) : 45 % (12 % n.c.) ») and the legend is
text; the search box is an ARIA combobox with a listbox of results (arrows, Enter, Escape);
every établissement with a fiche is a link on its département's map, and all are listed in a
table under it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.build.explorer_map import WIDTH, Basemap, Points
from analysis.core import nc, territories
from analysis.core.formatting import plural
from analysis.core.publication import DEMO_WARNING, TITLE
from analysis.core.statuts import Statut
from analysis.core.vocabulary import TYPE_NOUNS
from analysis.indicators import index_figures
from analysis.report.map_classes import classify
from analysis.report.style import NC_COLOR, NC_EDGE_COLOR, sequential_colors, text_color_on

STATIC = Path(__file__).resolve().parent / "static"
e = html.escape
#: How a département without a published value is drawn, and its legend entry, by statut.
MISSING = {
    Statut.NC: ("url(#motif-nc)", f"{Statut.NC.mark} ({Statut.NC.words})"),
    Statut.SECRET: ("url(#motif-secret)", f"{Statut.SECRET.mark} ({Statut.SECRET.words})"),
    Statut.ABSENT: (NC_COLOR, f"{Statut.ABSENT.mark} ({Statut.ABSENT.words})"),
    Statut.HORS_QUESTIONNAIRE: (NC_COLOR, f"{Statut.HORS_QUESTIONNAIRE.mark} ({Statut.HORS_QUESTIONNAIRE.words})"),
    Statut.VIDE: ("#ffffff", f"{Statut.VIDE.mark} ({Statut.VIDE.words})"),
}
PATTERNS = (f'<defs><pattern id="motif-nc" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{NC_COLOR}"/><path d="M0,6L6,0M-1,1L1,-1M5,7L7,5" '
            f'stroke="{NC_EDGE_COLOR}" stroke-width="1"/></pattern>'
            f'<pattern id="motif-secret" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{NC_COLOR}"/><path d="M0,0L6,6M0,6L6,0" '
            f'stroke="{NC_EDGE_COLOR}" stroke-width="1"/></pattern></defs>')
DARK_TEXT = "#1d1d1d"


def asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def script_json(data) -> str:
    """JSON to put inside a ``<script>`` element (no ``</`` closes it early)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


# ------------------------------------------------------------------ the map of France's data
def departement_names(year: int) -> dict[str, str]:
    """Code -> « Haute-Garonne (31) » of the départements of the millésime's map."""
    vintage = territories.vintage_for_year(year)
    return {t.code: t.label for t in territories.list_territories("departement", vintage)}


def departement_rows(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of the départements: what :func:`map_figures` reads of the indicator table."""
    return results[results["territoire"].astype(str).str.startswith("departement:")]


def map_figures(deps: pd.DataFrame, year: int) -> list[dict]:
    """For each key figure of the index: its title, its classes (label, fill, count), the
    statuts without a value drawn (label, fill, count), the spread of the départements' n.c.
    rates, and per département code [fill, value as printed, n.c. note, text colour].
    ``deps``: the départements' rows of the indicator table (:func:`departement_rows`)."""
    from analysis.build.site_index import figure_of_row

    names = departement_names(year)
    out = []
    for ident, typ, heading in index_figures():
        rows = deps[(deps["indicateur"] == ident) & (deps["type"] == typ)]
        rows = rows.assign(code=rows["territoire"].str.partition(":")[2]).drop_duplicates("code").set_index("code")
        rows = rows.reindex(list(names))
        ok = (rows["statut"] == Statut.OK).to_numpy()
        unit = str(rows["unite"].dropna().iloc[0]) if rows["unite"].notna().any() else "%"
        values = np.where(ok, pd.to_numeric(rows["valeur"], errors="coerce"), np.nan)
        _, labels, classes = classify(values, unit=unit)
        colors = sequential_colors(len(labels)) if labels else []
        cells, missing = {}, {}
        for n, (code, row) in enumerate(rows.iterrows()):
            if pd.isna(row["statut"]):
                row = pd.Series({"valeur": np.nan, "unite": unit, "statut": Statut.ABSENT})
            if ok[n] and classes[n] >= 0:
                fill = colors[classes[n]]
            else:
                statut = Statut(row["statut"]) if row["statut"] in set(MISSING) else Statut.NC
                fill = MISSING[statut][0]
                missing[statut] = missing.get(statut, 0) + 1
            value, note = figure_of_row(row)
            cells[code] = [fill, value, note, text_color_on(fill) if fill.startswith("#") else DARK_TEXT]
        counts = np.bincount(classes[classes >= 0], minlength=len(labels)) if labels else []
        out.append({"titre": heading, "legende": [[lab, colors[i], int(counts[i])] for i, lab in enumerate(labels)],
                    "manquants": [[MISSING[s][1], MISSING[s][0], k] for s, k in missing.items()],
                    "nc": nc.spread(r for r in (nc.stated_rate(row) for _, row in rows[ok].iterrows())
                                    if r is not None),
                    "valeurs": cells})
    return out


# ------------------------------------------------------------------ the index's part
def _map_svg(basemap: Basemap, figure: dict, hrefs: dict, year: int) -> str:
    """The map of France, coloured by ``figure``; a département with an edition is a link."""
    names = departement_names(year)
    shapes = []
    for shape in basemap.shapes:
        fill, value, note, ink = figure["valeurs"].get(shape.code, [NC_COLOR, Statut.ABSENT.mark, "", DARK_TEXT])
        name = names.get(shape.code, shape.code)
        label = f"{name} : {value}" + (f" ({note})" if note else "")
        text = ""
        if shape.label_at:
            x, y = shape.label_at
            text = (f'<text x="{x}" y="{y + 5}" fill="{ink}" aria-hidden="true" data-code="{e(shape.code)}">'
                    f"{e(shape.code)}</text>")
        path = f'<path d="{shape.d}" fill="{fill}" data-code="{e(shape.code)}"/>'
        href = hrefs.get(f"departement:{shape.code}", (None, None))[1]
        if href:
            shapes.append(f'<a href="{e(href)}" aria-label="{e(label)}" data-code="{e(shape.code)}">'
                          f"<title>{e(label)}</title>{path}{text}</a>")
        else:
            shapes.append(f'<g class="sans-edition" aria-hidden="true"><title>{e(label)}</title>{path}{text}</g>')
    frames = "".join(f'<g class="encart" aria-hidden="true"><rect x="{x}" y="{y}" width="{w}" height="{h}"/>'
                     f'<text x="{x + w / 2}" y="{y + 15}">{e(title)}</text></g>'
                     for title, x, y, w, h in basemap.frames)
    return (f'<svg class="carte-france" viewBox="0 0 {WIDTH:g} {basemap.height:g}" role="group" '
            f'aria-labelledby="carte-titre">{PATTERNS}{frames}{"".join(shapes)}</svg>')


def legend_html(figure: dict) -> str:
    """The classes (highest on top) and the statuts without a value, with their counts, then the
    spread of the n.c. rates."""
    items = [(label, fill, count) for label, fill, count in reversed(figure["legende"])] + figure["manquants"]
    lines = "".join(f'<li><svg class="pastille" viewBox="0 0 20 14" aria-hidden="true"><rect width="20" height="14" '
                    f'fill="{fill}"/></svg>{e(label)} ({plural(count, "département", "départements")})</li>'
                    for label, fill, count in items)
    note = f"Non-réponse des départements : {figure['nc']}" if figure["nc"] else ""
    return f'<ul class="legende">{lines}</ul><p class="nc-note">{e(note)}</p>'


def index_fragment(basemap: Basemap, figures: list[dict], hrefs: dict, year: int, *, searchable: str, fiche: str,
                   with_etablissements: bool) -> tuple[str, str]:
    """(what goes in the index's ``<head>``, the explorer's section of its ``<main>``)."""
    built = sum(1 for ident in hrefs if ident.startswith("departement:"))
    options = "".join(f'<option value="{n}">{e(f["titre"])}</option>' for n, f in enumerate(figures))
    what = "un territoire ou un établissement (nom, UAI, commune)" if with_etablissements else \
        "un territoire (nom ou code)"
    config = {"recherche": searchable, "fiche": fiche, "figures": figures,
              "types": {"E": TYPE_NOUNS["ecole"].singular, "C": TYPE_NOUNS["college"].singular,
                        "L": TYPE_NOUNS["lycee"].singular, "R": TYPE_NOUNS["erea"].singular}}
    tile_note = " Carte en tuiles : une case par département." if basemap.kind == "tilegrid" else ""
    first = figures[0] if figures else {"titre": "", "legende": [], "manquants": [], "nc": "", "valeurs": {}}
    chooser = (f'<p class="choix"><label for="explorateur-chiffre">Chiffre clé de la carte</label>'
               f'<select id="explorateur-chiffre">{options}</select></p>') if figures else ""
    body = f"""<section class="explorateur" aria-labelledby="explorateur-titre">
<h2 id="explorateur-titre">Explorer</h2>
<div class="recherche-globale">
<label for="explorateur-recherche">Rechercher {e(what)}</label>
<div class="combo"><input id="explorateur-recherche" type="text" role="combobox" aria-autocomplete="list"
aria-expanded="false" aria-controls="explorateur-resultats" autocomplete="off" spellcheck="false"
aria-describedby="explorateur-aide" placeholder="ex. Toulouse, 0310001A, collège Jean Jaurès">
<ul id="explorateur-resultats" role="listbox" aria-label="Résultats de la recherche" hidden></ul></div>
<p id="explorateur-aide" class="aide">Flèches haut et bas pour parcourir les résultats, Entrée pour ouvrir,
Échap pour fermer.</p>
<p id="explorateur-statut" class="aide" role="status" aria-live="polite"></p>
</div>
<div class="carte-bloc">
<h3 id="carte-titre">Carte des départements : <span id="carte-chiffre">{e(first["titre"])}</span></h3>
{chooser}
<a class="passer" href="#apres-carte">Passer la carte</a>
<div class="carte-et-legende"><div class="carte">{_map_svg(basemap, first, hrefs, year)}</div>
<div class="legende-bloc" id="carte-legende" aria-live="polite">{legend_html(first)}</div></div>
<p class="aide" id="apres-carte" tabindex="-1">{plural(built, "département a", "départements ont")} une édition
construite : chacun est un lien vers elle ; les autres ne sont pas des liens.{tile_note}</p>
</div>
<script type="application/json" id="explorateur-donnees">{script_json(config)}</script>
</section>"""
    head = f"<style>{asset('explorer.css')}</style>"
    return head, body + f"<script>{asset('explorer.js')}</script>"


# ------------------------------------------------------------------ the map of a département
def _points_svg(rows: pd.DataFrame, has_fiche, points: Points, fiche: str) -> str:
    marks, records = [], rows.to_dict("records")
    # points of a crowded département smaller (the Nord has 2 500 établissements)
    big = float(np.clip(10 * np.sqrt(300 / max(len(points.kept), 1)), 5, 10))
    small = round(big * 0.7, 1)
    for n, x, y in zip(points.kept, points.x, points.y, strict=True):
        row = records[n]
        label = f"{row['nom']}, {row['commune']} ({row['uai']})".replace(", (", " (")
        if has_fiche[n]:
            href = "../" + fiche.replace("{uai}", row["uai"])
            marks.append(f'<a href="{e(href)}" aria-label="{e(label)} : fiche"><title>{e(label)}</title>'
                         f'<circle class="avec-fiche" cx="{x:g}" cy="{y:g}" r="{big:g}"/></a>')
        else:
            marks.append(f'<circle class="sans-fiche" cx="{x:g}" cy="{y:g}" r="{small:g}">'
                         f"<title>{e(label)}</title></circle>")
    outline = f'<path class="contour" d="{points.outline}"/>' if points.outline else ""
    return (f'<svg class="carte-points" viewBox="0 0 {WIDTH:g} {points.height:g}" role="group" '
            f'aria-labelledby="carte-titre">{outline}<g aria-hidden="true">'
            f'{"".join(m for m in marks if m.startswith("<circle"))}</g>'
            f'{"".join(m for m in marks if m.startswith("<a"))}</svg>')


def _list_rows(rows: pd.DataFrame, has_fiche, fiche: str) -> str:
    lines, records = [], rows.to_dict("records")
    order = np.lexsort((rows["nom"].str.lower().to_numpy(), rows["commune"].str.lower().to_numpy()))
    for n in order:
        row = records[n]
        noun = TYPE_NOUNS.get(row["type"])
        name = e(row["nom"])
        if has_fiche[n]:
            name = f'<a href="../{e(fiche.replace("{uai}", row["uai"]))}">{name}</a>'
        lines.append(f"<tr><td>{name}</td><td>{e(row['commune'])}</td><td>{e(noun.singular if noun else '')}</td>"
                     f"<td>{e(row['uai'])}</td></tr>")
    return "".join(lines)


def departement_page(label: str, code: str, year: int, edition_href: str, rows: pd.DataFrame, has_fiche,
                     points: Points, *, fiche: str, demo: bool) -> str:
    """The page of the établissements of one département: the map, then the list."""
    total, fiches = len(rows), int(np.count_nonzero(has_fiche))
    placed = len(points.kept)
    unplaced = (f" {plural(total - placed, 'établissement n’a', 'établissements n’ont')} pas de coordonnées "
                "dans l’annuaire : ils ne sont que dans la liste.") if placed < total else ""
    banner = f'<div class="demo" role="alert">{e(DEMO_WARNING)}</div>' if demo else ""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Établissements — {e(label)} — {year}</title>
<link rel="icon" href="data:,">
<style>{asset('explorer.css')}</style></head>
<body class="page-departement" data-departement="{e(code)}"><a class="skip" href="#contenu">Aller au contenu</a>{banner}
<header><p class="fil"><a href="../index.html">{e(TITLE)} — éditions {year}</a></p>
<h1>Établissements — {e(label)}</h1></header>
<main id="contenu" tabindex="-1">
<p><a href="../{e(edition_href)}">Édition {year} du département</a> ·
{plural(total, "établissement", "établissements")}, {plural(fiches, "fiche construite", "fiches construites")}.
<a href="#liste">Aller à la liste</a></p>
<h2 id="carte-titre">Carte des établissements de {e(label)}</h2>
<p class="aide">Un point plein est un lien vers la fiche de l’établissement ; un point creux, un établissement
sans fiche construite.{unplaced}</p>
<div class="carte">{_points_svg(rows, has_fiche, points, fiche)}</div>
<h2 id="liste">Liste des établissements</h2>
<div class="scroll" role="region" tabindex="0" aria-labelledby="liste">
<table><thead><tr><th scope="col">Établissement</th><th scope="col">Commune</th><th scope="col">Type</th>
<th scope="col">UAI</th></tr></thead><tbody>{_list_rows(rows, has_fiche, fiche)}</tbody></table></div>
<footer>Coordonnées : annuaire de l’éducation ; un nom en lien ouvre la fiche de l’établissement.</footer>
</main></body></html>
"""
