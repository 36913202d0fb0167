"""The methodology of an edition: its sources, the files it read and how they were matched.

Functions of a chapter ``ch`` (exposed as its methods) for the methodology chapter and the
annexes: the registry of sources and what the data folder holds, licences, unverified addresses
and layouts, the provenance of every file, and the harmonisation report in French.

File names, origins (URLs), dataset titles and licences come from the data folder and from
``params/``: in the Markdown written here they are quoted literally
(:func:`analysis.core.markup.markdown_text`), never read as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.core.formatting import UNIT_SEP, fmt_number
from analysis.core.markup import Markdown, autolink, link
from analysis.core.markup import markdown_text as md
from analysis.core.vocabulary import SURVEY_NAMES
from analysis.report.display import bullet_list
from analysis.sources import used_files as files_read

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

COLON = UNIT_SEP + ":"
_METHODS = {"fetch": "téléchargé", "import": "copie locale", "demo": "fichier de démonstration"}


def _size(size: int) -> str:
    if size >= 100_000:
        return f"{fmt_number(size / 1e6, 1)}{UNIT_SEP}Mo"
    return f"{fmt_number(max(size / 1e3, 1), 0)}{UNIT_SEP}ko"


def _unused(ch: Chapter) -> dict[str, dict[str, str]]:
    """Source key -> {file name: why it is not read} for the files of the data folder that the
    tool leaves aside (a boundary source reads its declared file only)."""
    out = {}
    for key in ch.store.registry:
        unused = files_read.used_files(ch.store, key).unused
        if unused:
            out[key] = {path.name: why for path, why in unused.items()}
    return out


def _sources(ch: Chapter) -> dict:
    """The registry's sources an edition speaks of: the national ones, and a local source
    (``params/sources/``) only where it covers some establishment of the territory."""
    out = {}
    for key, source in ch.store.registry.items():
        if source.join is None or ch.local_source_applies(source.join.group):
            out[key] = source
    return out


def sources_table(ch: Chapter) -> pd.DataFrame:
    """The registry of sources, what the data folder holds and what was verified."""
    records = []
    by_source: dict[str, list] = {}
    for r in ch.store.records():
        by_source.setdefault(r.source, []).append(r)
    unused = _unused(ch)
    for key, source in _sources(ch).items():
        held = by_source.get(key, [])
        years = sorted({y for r in held for y in r.millesimes})
        names = [r.file + (" (non lu)" if r.file in unused.get(key, {}) else "") for r in held]
        title = link(source.title, source.page)
        records.append({
            "Source": Markdown(f"{title} — {md(source.producer)}") if source.producer else title,
            "Fichiers présents": ", ".join(names) if held else "aucun",
            "Millésimes": ", ".join(map(str, years)) if years else "–",
            "Adresse vérifiée": "oui" if source.url_verified else "non",
            "Format vérifié": "oui" if source.layout_verified else "non",
        })
    return pd.DataFrame(records)


def licences_text(ch: Chapter) -> str:
    """The licences of the sources, said once when they are all the same."""
    names = list(dict.fromkeys(s.licence.name for s in _sources(ch).values()))
    if len(names) == 1:
        return f"Toutes les sources sont publiées sous {names[0]}."
    return "Licences" + UNIT_SEP + ": " + "; ".join(
        f"{s.title}{UNIT_SEP}: {s.licence.name}" for s in _sources(ch).values()) + "."


def unverified_sources(ch: Chapter) -> tuple[list[str], list[str]]:
    """Titles of the sources whose download URL / column layout were not verified."""
    reg = _sources(ch).values()
    return ([s.title for s in reg if not s.url_verified], [s.title for s in reg if not s.layout_verified])


def verification_text(ch: Chapter) -> str:
    """Which sources have an unverified download address or column layout."""
    urls, layouts = ch.unverified_sources()
    held = {r.source for r in ch.store.records()}
    parts, sep = [], UNIT_SEP + "; "
    if urls:
        parts.append(f"Adresses de téléchargement non vérifiées{UNIT_SEP}: {sep.join(urls)}.")
    if layouts:
        parts.append(f"Format des colonnes non vérifié sur un fichier officiel{UNIT_SEP}: {sep.join(layouts)}.")
    used = []
    for key, source in _sources(ch).items():
        if key in held and not (source.url_verified and source.layout_verified):
            what = ("adresse et format non vérifiés" if not (source.url_verified or source.layout_verified)
                    else "adresse non vérifiée" if not source.url_verified else "format non vérifié")
            used.append(f"{source.title} ({what})")
    if used:
        parts.append(f"Fichiers présents concernés{UNIT_SEP}: {sep.join(used)}.")
    if ch.demo:
        parts.append("Le dossier de données contient des fichiers synthétiques de démonstration.")
    return " ".join(parts)


def _origin(ch: Chapter, r, quote=str, link=str) -> str:
    """Where a file came from, as a published report says it: the URL it was downloaded from; for
    a local copy, the dataset it is a copy of and its page (never a path of the machine that built
    the report); for a demo file, that the project generated it. ``quote``: how the names are
    written, ``link``: the addresses (:func:`md` and :func:`analysis.core.markup.autolink`, an
    active link, in Markdown)."""
    source = ch.store.registry.get(r.source)
    if r.demo or r.method == "demo":
        return "fichier de démonstration généré par le projet"
    if r.method == "fetch" and str(r.origin).startswith(("http://", "https://")):
        return f"téléchargé de {link(r.origin)}"
    name = Path(str(r.origin)).name if r.origin else ""
    text = "copie locale" + (f" (fichier « {quote(name)} »)" if name and name != r.file else "")
    if source is not None:
        text += f" du jeu de données {quote(source.dataset_id)}" + (f" ({link(source.page)})" if source.page else "")
    return text


_NOT_READ = {files_read.NOT_DECLARED: "n'est pas le fichier que déclare le registre des sources",
             files_read.OTHER_SHA256: "n'a pas l'empreinte sha256 que déclare le registre des sources",
             files_read.OTHER_COPY: "une autre copie du même fichier est lue"}


def provenance_table(ch: Chapter) -> pd.DataFrame:
    """Every input file: source, file, origin (URL or dataset of a local copy), date, sha256,
    licence, and whether it is read."""
    records = []
    unused = _unused(ch)
    for r in ch.store.records():
        records.append({"Source": r.source, "Fichier": r.file, "Méthode": _METHODS.get(r.method, r.method),
                        "Origine": _origin(ch, r), "Date": r.retrieved_at[:10], "Taille": _size(r.size),
                        "sha256": r.sha256, "Licence": r.licence, "Démo": "oui" if r.demo else "non",
                        "Lu": "non" if r.file in unused.get(r.source, {}) else "oui"})
    return pd.DataFrame(records)


def provenance_markdown(ch: Chapter) -> str:
    """The provenance of the files read, as a Markdown list (long hashes read better so), then the
    files of the data folder that are not read, and why."""
    items, unused = [], _unused(ch)
    unexpected = {(key, p.name) for key in ch.store.registry
                  for p in files_read.used_files(ch.store, key).unexpected}
    for r in ch.store.records():
        if r.file in unused.get(r.source, {}):
            continue
        title = ch.store.registry[r.source].title if r.source in ch.store.registry else r.source
        origin = _origin(ch, r, md, autolink)
        text = (f"**{md(r.file)}** ({md(title)}){UNIT_SEP}: {origin}, le {md(r.retrieved_at[:10])}, "
                f"{_size(r.size)}{UNIT_SEP}; licence{UNIT_SEP}: {md(r.licence)}"
                + (f"{UNIT_SEP}; millésimes{UNIT_SEP}: {', '.join(map(str, r.millesimes))}" if r.millesimes else "")
                + (f"{UNIT_SEP}; **données de démonstration**" if r.demo else "")
                + f".  \n  sha256{UNIT_SEP}: `{_hex(r.sha256)}`"
                + (" (**différente de l'empreinte que déclare le registre des sources**)"
                   if (r.source, r.file) in unexpected else ""))
        items.append(text)
    if not items:
        return "Aucun fichier dans le dossier de données."
    text = bullet_list(items)
    for key, files in unused.items():
        source = ch.store.registry[key]
        read = files_read.used_files(ch.store, key).used
        names = ", ".join(f"**{md(name)}** ({_NOT_READ.get(why, md(why))})" for name, why in files.items())
        many = len(files) > 1
        text += (f"\n\n{'Fichiers présents' if many else 'Fichier présent'} dans le dossier de données mais "
                 f"{'non lus' if many else 'non lu'}, la source « {md(source.title)} » n'en lisant qu'un"
                 + (f" ({md(read[0].name)})" if read else "") + f"{UNIT_SEP}: {names}.")
    return text


def _hex(digest: str) -> str:
    """A sha256 as recorded, or nothing but its hexadecimal digits (it goes in a code span)."""
    return "".join(c for c in str(digest) if c in "0123456789abcdef")


_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


def _date_fr(iso: str) -> str:
    """``"2018-08-31"`` → ``"31 août 2018"``."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{'1er' if day == 1 else day}{UNIT_SEP}{_MONTHS[month - 1]} {year}"


def harmonisation_lines(ch: Chapter) -> list[str]:
    """The harmonisation report of the millésime, one French line per fact."""
    return harmonisation_report_lines(ch.harmonisation)


def harmonisation_report_lines(report) -> list[str]:
    """The harmonisation report (``analysis.harmonise.harmonise_report.HarmoniseReport``) in
    French, one line per fact: rows read, annuaire entries excluded, ETIC rows not matched, and so on."""
    lines = []
    if report.annuaire_rows:
        text = f"Annuaire{COLON} {fmt_number(report.annuaire_rows)} lignes lues"
        if report.annuaire_duplicate_lines:
            text += f", dont {fmt_number(report.annuaire_duplicate_lines)} en double (fusionnées)"
        lines.append(text + ".")
    if report.hors_perimetre:
        total = sum(report.hors_perimetre.values())
        top = sorted(report.hors_perimetre.items(), key=lambda kv: -kv[1])[:5]
        detail = ", ".join(f"« {md(k)} »{COLON} {fmt_number(v)}" for k, v in top)
        more = f" et {len(report.hors_perimetre) - 5} autres natures" if len(report.hors_perimetre) > 5 else ""
        lines.append(f"Entrées de l'annuaire écartées car hors du périmètre (ni école, ni collège, ni "
                     f"lycée, ni EREA){COLON} {fmt_number(total)} ({detail}{more}).")
    for key, n in report.etic_rows.items():
        lines.append(f"Réponses {SURVEY_NAMES.get(key, key)} pour {report.annee}{COLON} {fmt_number(n)}.")
    if getattr(report, "ouverts_apres_reference", None):
        when = " et ".join(_date_fr(d) for d in sorted(set(report.date_reference.values())))
        field = report.ouverts_apres_reference_champ
        lines.append(
            f"Établissements de l'annuaire ouverts après la date de référence de l'enquête ({when}), "
            f"hors de l'univers du millésime{COLON} {fmt_number(len(report.ouverts_apres_reference))}, dont "
            f"{fmt_number(len(field))} du champ de l'enquête qui auraient sinon été comptés comme non-répondants"
            + (f" ({', '.join(field[:5])}{', …' if len(field) > 5 else ''})" if field else "") + ".")

    def listed(items: Sequence[str]) -> str:
        head = ", ".join(items[:5])
        return f"{fmt_number(len(items))} ({head}{', …' if len(items) > 5 else ''})"

    facts = (
        ("Réponses ETIC sans correspondance dans l'annuaire (conservées, placées par le département "
         "déclaré dans ETIC)", report.etic_absent_annuaire),
        ("Réponses ETIC d'établissements classés hors périmètre dans l'annuaire (nature changée "
         "depuis ; la nature déclarée dans ETIC est retenue)", report.etic_hors_perimetre_annuaire),
        ("Réponses ETIC dont la nature diffère de celle de l'annuaire (celle d'ETIC est retenue)",
         report.etic_nature_differs),
        ("UAI dont le préfixe contredit le département de l'annuaire", report.uai_departement_mismatch),
        ("Établissements placés dans aucun département", report.unplaced),
        ("Réponses ignorées (question non posée ce millésime)", report.ignored_answers),
        ("Expérimentations sans établissement correspondant", report.experimentations_unmatched),
    )
    for label, items in facts:
        if items:
            lines.append(f"{label}{COLON} {listed(list(items))}.")
    if report.couverture_unmatched:
        lines.append(f"Lignes de couverture sans établissement correspondant{COLON} "
                     f"{fmt_number(report.couverture_unmatched)}.")
    for note in report.notes:
        for key, name in SURVEY_NAMES.items():
            note = note.replace(key, name)
        lines.append(note)
    return lines


def local_source_lines(ch: Chapter, group: str) -> list[str]:
    """What each file of a local source group covers and for which millésimes (French lines)."""
    from analysis.core import territories
    from analysis.core.vocabulary import PUBLIC, TYPE_NOUNS

    lines = []
    held = {r.source: r for r in ch.store.records()}
    for key, source in ch.store.registry.items():
        if source.join is None or source.join.group != group:
            continue
        coverage = source.join.coverage
        types = [t for t in coverage.types if t in TYPE_NOUNS]
        what = " et ".join(TYPE_NOUNS[t].plural for t in types) or "établissements"
        if coverage.secteur == "public":
            feminine = bool(types) and all(TYPE_NOUNS[t].gender == "f" for t in types)
            what += " " + PUBLIC["f" if feminine else "m"][1]
        areas = []
        for name, codes in (("academie", coverage.academies), ("region", coverage.regions),
                            ("departement", coverage.departements)):
            for code in codes:
                try:
                    areas.append(territories.parse_territory(f"{name}:{code}", ch.vintage).label)
                except territories.TerritoryError:
                    areas.append(str(code))
        where = f" ({', '.join(areas)})" if areas else ""
        record = held.get(key)
        if record is None:
            state = "absente du dossier de données"
        elif source.millesime_column is None:
            state = "liste non datée, qui n'est rattachée à aucun millésime"
        else:
            state = f"millésimes {', '.join(map(str, record.millesimes))}" if record.millesimes else "aucun millésime"
        lines.append(f"{md(source.title)}{COLON} {what}{where}{UNIT_SEP}; {state}.")
    return lines


def accessibility_text() -> str:
    """The « Accessibilité » section (French Markdown): what the publication conforms to, how it
    is checked, and what no automatic check can say."""
    sep = UNIT_SEP
    return "\n\n".join([
        "Cette publication est conçue pour être accessible aux personnes en situation de handicap, "
        "lecteurs d'écran et navigation au clavier compris, selon le référentiel général d'amélioration de "
        f"l'accessibilité (RGAA{sep}4.1, qui reprend les critères de niveaux A et AA des WCAG{sep}2.1) pour la "
        f"version HTML et selon la norme PDF/UA-1 (ISO{sep}14289-1) pour la version PDF.",
        bullet_list([
            f"**Version HTML**{sep}: langue déclarée (français), titres hiérarchisés, table des matières et lien "
            "d'évitement vers le contenu, navigation complète au clavier avec un focus visible, tableaux dotés "
            "d'en-têtes, tableaux larges défilant dans un cadre qui prend le focus, contrastes suffisants, mise en "
            "page lisible sur un téléphone. Chaque graphique a un texte alternatif qui en donne les valeurs et, "
            f"sous lui, ses données en tableau («{sep}Données du graphique{sep}»).",
            f"**Version PDF**{sep}: document balisé PDF/UA-1{sep}: langue, titre affiché par les lecteurs, signets, "
            "ordre de lecture, texte alternatif de chaque figure, en-têtes des tableaux, liens actifs.",
            f"**Vérifications**{sep}: des tests automatiques contrôlent, à chaque version de l'outil qui produit "
            "ce rapport, l'absence d'erreur relevée par axe-core (règles WCAG 2.1 A et AA) sur grand écran et "
            "sur téléphone, le parcours au clavier, la conformité du PDF à PDF/UA-1 (vérifiée à sa production "
            "puis par le contrôleur pdfua) et l'égalité des données des graphiques avec la table des indicateurs.",
            f"**Limites**{sep}: les contrôles automatiques ne couvrent qu'une partie des critères, et aucun audit "
            "RGAA complet n'a été conduit{sep}: la publication ne revendique donc pas d'état de conformité au "
            "sens du RGAA. Les cartes se lisent mal sans la vue{sep}: leurs valeurs sont dans leurs données et "
            "dans les tableaux du rapport.",
        ]),
    ])
