"""Generate the chapter notebooks of the report (run: ``.venv/bin/python notebooks/_make_notebooks.py``).

The notebooks are thin: every cell calls :class:`analysis.report.chapter.Chapter` (``ch``) and the
chart, map and narrative modules; the logic lives (and is tested) in the library. Editing a
chapter means editing this file and running it again: the .ipynb files are written without
outputs, ready for papermill.

Cell conventions (see src/analysis/render/notebook.py):
- first code cell tagged ``parameters`` (papermill), second builds ``ch`` and the style;
- figures: ``#| label: fig-…`` and ``#| fig-cap:``; tables: ``#| label: tbl-…`` and ``#| tbl-cap:``;
- cells that check the key values against ``indicators.load`` print nothing (deterministic: an
  empty output, compared by nbval) and are tagged ``key-values``, ``nbval-check-output`` and
  ``remove-cell`` (run by nbval and papermill, dropped from the book).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

PARAMETERS = '''territoire = "france"
annee = 2018
data_dir = None  # None: $ETAT_DES_LIEUX_DATA, else the project's data/ folder
seuil_secret = 5'''

SETUP = '''from analysis.report.chapter import Chapter
from analysis.report.style import apply_style

ch = Chapter(territoire, annee, data_dir, seuil_secret)
apply_style()'''


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def figure(label: str, caption: str, body: str):
    return code(f'#| label: fig-{label}\n#| fig-cap: "{caption}"\n{body.strip()}')


def table(label: str, caption: str, body: str):
    return code(f'#| label: tbl-{label}\n#| tbl-cap: "{caption}"\n{body.strip()}')


def check(body: str):
    """A cell asserting key values against indicators.load: no output, not in the book."""
    header = ("# Key values: the chapter's figures are those of indicators.load.\n"
              "from analysis import indicators\n"
              "_ref = indicators.load(ch.store, ch.year, threshold=ch.threshold)\n"
              "_ref = _ref[_ref['territoire'] == ch.territory.id].set_index(['indicateur', 'type'])\n")
    return code(header + body.strip(), "key-values", "nbval-check-output", "remove-cell")


CHECK_VALUE = '''
for _ind, _type in {specs}:
    _row = _ref.loc[(_ind, _type)]
    _mine = ch.value(_ind, _type)
    if _row["statut"] == "ok":
        assert abs(_mine - _row["valeur"]) < 1e-9, (_ind, _type, _mine, _row["valeur"])
        _said = ch.sentence(_ind, _type)
        if _row["unite"] == "count" and _row["valeur"] == 0:
            assert "ucun" in _said, _ind          # "Aucun établissement…", not "0 établissement"
        else:
            assert narrative.fmt_indicator(_row["valeur"], _row["unite"]) in _said, _ind
    else:
        assert _mine != _mine, (_ind, _type)  # NaN: never a number for a missing value
        assert "nan" not in ch.sentence(_ind, _type), _ind
'''


def check_values(specs: list[tuple[str, str]]):
    return check("from analysis.report import narrative\n" + CHECK_VALUE.format(specs=repr(specs)).strip())


def opening(title: str, intro: str | None = None) -> list:
    cells = [md(f"# {title}"), code(PARAMETERS, "parameters"), code(SETUP), code("ch.header()")]
    if intro:
        cells.append(md(intro))
    return cells


# ------------------------------------------------------------------------------ 00 synthèse
KEY_FIGURES = [
    ("perimetre.etablissements", "ensemble"),
    ("perimetre.taux_reponse_etic", "ensemble"),
    ("connectivite.acces_internet", "ensemble"),
    ("connectivite.classes_internet_50_plus", "ensemble"),
    ("connectivite.thd", "ensemble"),
    ("equipement.eleves_par_terminal", "ecole"),
    ("equipement.eleves_par_terminal", "college"),
    ("equipement.eleves_par_terminal", "lycee"),
    ("equipement.part_terminaux_mobiles", "ensemble"),
    ("equipement.tni_au_moins_un", "ensemble"),
    ("services.ent", "ensemble"),
    ("services.eleves_avec_ent", "ensemble"),
    ("experimentations.colleges_lab", "ensemble"),
    ("experimentations.efran", "ensemble"),
    ("experimentations.profan", "ensemble"),
]


def synthese() -> list:
    return [
        *opening("Synthèse"),
        code("ch.say(*ch.intro())"),
        md("## Chiffres clés"),
        table("chiffres-cles", "Chiffres clés du territoire, comparés à ses territoires de rattachement",
              f"ch.table(ch.key_figures({KEY_FIGURES!r}), note=TABLE_NOTE)".replace(
                  "ch.table(", "from analysis.report.chapter import TABLE_NOTE\n\nch.table(", 1)),
        md("## En bref"),
        md("### Connectivité"),
        code('ch.say(bullets=ch.sentences(["connectivite.acces_internet", '
             '"connectivite.classes_internet_50_plus", "connectivite.wifi_absent", "connectivite.thd"]))'),
        md("### Équipement"),
        code('ch.say(bullets=ch.sentences([("equipement.eleves_par_terminal", t) for t in ch.etic_types]\n'
             '                             + ["equipement.part_terminaux_mobiles", "equipement.tni_au_moins_un"]))'),
        md("### Services et ressources"),
        code('ch.say(bullets=ch.sentences(["services.ent", "services.eleves_avec_ent"]))'),
        md("### Expérimentations"),
        code('ch.say(bullets=ch.sentences(["experimentations.colleges_lab", "experimentations.efran", '
             '"experimentations.profan"]))'),
        check_values(KEY_FIGURES),
    ]


# ------------------------------------------------------------------------------ 01 méthodologie
PERIMETRE_NOTE = """
Le périmètre des établissements varie selon les sources :

- les écoles, collèges et lycées **privés sous contrat** sont recensés dans l'annuaire mais
  absents de l'enquête ETIC, qui ne porte que sur les établissements publics ;
- les **lycées hors tutelle du ministère de l'Éducation nationale** (agricoles, maritimes,
  militaires…) figurent dans l'annuaire mais ne sont pas couverts par l'enquête ETIC ;
- les **établissements régionaux d'enseignement adapté** (EREA) sont recensés mais, comme en 2018,
  ne sont pas comptés dans l'« ensemble » des écoles, collèges et lycées ;
- l'annuaire est un instantané, daté par sa date de téléchargement (voir la provenance des
  fichiers en annexe) : il sert de périmètre à tous les millésimes.
"""


def methodologie() -> list:
    return [
        *opening("Méthodologie"),
        md("## Périmètre de l'étude {#sec-perimetre}"),
        code('ch.say(ch.sentence("perimetre.etablissements"), ch.sentence("perimetre.part_public"),\n'
             '       bullets=ch.sentences([("perimetre.etablissements", t) for t in ("ecole", "college", "lycee")],\n'
             '                            compare=False))'),
        figure("perimetre-types", "Répartition des écoles et des types d'établissements",
               'ch.show_figure(ch.chart_distribution("perimetre.part_type", "Répartition des établissements par type",\n'
               '                                     by="territoire"))'),
        figure("perimetre-secteur", "Répartition des établissements entre secteur public et privé",
               'ch.show_figure(ch.chart_yes_no("perimetre.part_public", "public", "privé", "Type de secteur"))'),
        code('ch.say("Éducation prioritaire (part des établissements hors REP, en REP et en REP+) :",\n'
             '       bullets=[ch.distribution_text("perimetre.education_prioritaire", t) for t in ("ecole", "college")])'),
        figure("perimetre-rep", "Répartition des écoles et collèges selon l'éducation prioritaire (REP, REP+)",
               'ch.show_figure(ch.chart_distribution("perimetre.education_prioritaire",\n'
               '                                     "Répartition des écoles et collèges hors REP, REP et REP+"))'),
        figure("perimetre-lycees", "Répartition des lycées par nature",
               'ch.show_figure(ch.chart_ranked(dict(ch.levels("perimetre.lycees_par_nature")),\n'
               '                               "Répartition des lycées par nature", "lycee"))'),
        md(PERIMETRE_NOTE),
        md("### Champ de l'enquête ETIC et taux de réponse"),
        code('ch.say(ch.sentence("perimetre.champ_etic"),\n'
             '       bullets=ch.sentences([("perimetre.taux_reponse_etic", t) for t in ("ensemble",) + ch.etic_types]))'),
        figure("taux-reponse", "Taux de réponse à l'enquête ETIC par type d'établissement",
               'ch.show_figure(ch.chart_by_type("perimetre.taux_reponse_etic", "Taux de réponse à l\'enquête ETIC"))'),
        md("## Sources des données {#sec-sources}"),
        md("L'enquête ETIC (technologies de l'information et de la communication) est conduite chaque "
           "année par le ministère de l'Éducation nationale (DEPP et DNE) auprès des écoles (ETIC 1, "
           "premier degré) et des collèges et lycées publics (ETIC 2, second degré). Ses données sont "
           "**déclaratives**. L'annuaire de l'Éducation nationale donne le périmètre (nature, secteur, "
           "éducation prioritaire). La couverture très haut débit et mobile vient de l'Observatoire "
           "France THD et de l'Arcep, les expérimentations de la Banque des Territoires."),
        table("sources", "Sources de données, fichiers présents et vérifications",
              'ch.table(ch.sources_table(), source="Source : registre des sources (params/sources.yml) et dossier de données",\n'
              '         note="Adresse vérifiée : l\'URL de téléchargement a été testée ; format vérifié : '
              'les colonnes lues ont été contrôlées sur un fichier officiel.")'),
        code('ch.say(ch.licences_text(), ch.verification_text())'),
        md("## Complétude des données {#sec-completude}"),
        md("La qualité des données est hétérogène. Le taux de données non communiquées (**n.c.**) est "
           "la part des établissements du champ d'un indicateur qui n'ont pas répondu à la question "
           "(ou pas à l'enquête) ; il accompagne chaque chiffre de ce rapport. Une valeur calculée sur "
           f"moins de répondants que le seuil du secret statistique n'est pas publiée (« s. »)."),
        code('ch.say(ch.sentence("perimetre.taux_reponse_etic"), ch.secret_text())'),
        table("completude-familles", "Taux de n.c. par famille d'indicateurs et type d'établissement (minimum à maximum)",
              'from analysis.report.chapter import TABLE_NOTE\n\n'
              'ch.table(ch.completeness_by_theme(), source=ch.source_line("perimetre.taux_reponse_etic"), note=TABLE_NOTE)'),
        md("### Harmonisation des fichiers"),
        code('ch.say("Rapprochement des fichiers (ensemble du dossier de données, tous territoires) :",\n'
             '       bullets=narrative.harmonisation_lines(ch.harmonisation))'.replace(
                 "ch.say(", "from analysis.report import narrative\n\nch.say(", 1)),
        check_values([("perimetre.etablissements", "ensemble"), ("perimetre.part_public", "ensemble"),
                      ("perimetre.taux_reponse_etic", "ensemble")]),
    ]


# ------------------------------------------------------------------------------ 02 connectivité
DEBIT_LABELS = {"100_plus": "≥ 100 Mbit/s", "50_100": "50 à 100", "10_50": "10 à 50", "2_10": "2 à 10",
                "moins_2": "< 2 Mbit/s"}
TECHNOLOGIES = {"connectivite.acces_adsl": "ADSL", "connectivite.acces_fibre": "Fibre optique ou câble",
                "connectivite.acces_rtc": "RTC"}


def connectivite() -> list:
    return [
        *opening("Connectivité", "L'accès à des infrastructures performantes est le prérequis au "
                 "développement des usages numériques en classe : il reste une priorité "
                 "d'investissement pour les collectivités territoriales."),
        md("## Accès à internet"),
        code('ch.say(ch.sentence("connectivite.acces_internet"),\n'
             '       "Par technologie (un établissement peut déclarer plusieurs accès) :",\n'
             f'       bullets=ch.sentences({list(TECHNOLOGIES)!r}, compare=False, short=True))'),
        figure("acces-technologie", "Accès à internet par technologie et type d'établissement",
               f'ch.show_figure(ch.chart_grouped({TECHNOLOGIES!r},\n'
               '                                "Accès à internet par technologie"))'),
        figure("acces-comparaison", "Accès à internet : comparaison territoriale",
               'ch.show_figure(ch.chart_comparison("connectivite.acces_internet"))'),
        md("## Classes connectées"),
        code('ch.say(ch.sentence("connectivite.classes_internet_50_plus"),\n'
             '       bullets=ch.sentences([("connectivite.classes_internet_50_plus", t) for t in ch.etic_types],\n'
             '                            compare=False))'),
        figure("classes-connectees", "Proportion des classes connectées à internet par type d'établissement",
               'ch.show_figure(ch.chart_distribution("connectivite.classes_internet",\n'
               '                                     "Proportion des classes connectées à internet"))'),
        code('ch.say(narrative.question_change("connectivite.classes_internet"))'.replace(
            "ch.say(", "from analysis.report import narrative\n\nch.say(", 1)),
        md("## Wifi"),
        code('ch.say(ch.sentence("connectivite.wifi_absent"))'),
        figure("wifi", "Accès au wifi par type d'établissement",
               'ch.show_figure(ch.chart_distribution("connectivite.wifi", "Accès au wifi"))'),
        md("## Débit internet"),
        code('ch.say(ch.sentence("connectivite.debit_inferieur_10"))'),
        figure("debit", "Débit internet déclaré par type d'établissement",
               'ch.show_figure(ch.chart_distribution("connectivite.debit_web", "Débit internet déclaré", reverse=True,\n'
               '                                     labels=DEBIT_LABELS))'.replace(
                   "ch.show_figure(", f"DEBIT_LABELS = {DEBIT_LABELS!r}\nch.show_figure(", 1)),
        md("## Couverture très haut débit et mobile"),
        code('ch.say(ch.sentence("connectivite.thd"),\n'
             '       bullets=ch.sentences(["connectivite.departements_thd_90_plus", "connectivite.couverture_3g",\n'
             '                             "connectivite.couverture_4g"]))'),
        figure("carte-thd", "Couverture en très haut débit des écoles, collèges et lycées par département",
               'ch.show_figure(ch.map("connectivite.thd"))\nch.say(ch.sub_range("connectivite.thd"))'),
        figure("thd-comparaison", "Couverture en très haut débit : comparaison territoriale",
               'ch.show_figure(ch.chart_comparison("connectivite.thd"))'),
        md("## Disparités territoriales"),
        code('ch.say(ch.sentence("connectivite.acces_fibre"), ch.sub_range("connectivite.acces_fibre"))'),
        figure("carte-fibre", "Accès à internet par la fibre optique ou le câble par département",
               'ch.show_figure(ch.map("connectivite.acces_fibre"))'),
        figure("fibre-comparaison", "Accès par la fibre optique ou le câble : comparaison territoriale",
               'ch.show_figure(ch.chart_comparison("connectivite.acces_fibre"))'),
        check_values([("connectivite.acces_internet", "ensemble"), ("connectivite.classes_internet_50_plus", "ensemble"),
                      ("connectivite.acces_fibre", "ensemble"), ("connectivite.thd", "ensemble")]),
    ]


# ------------------------------------------------------------------------------ 03 équipement
REP_RATIO = {"equipement.eleves_par_terminal_hors_rep": "Hors REP",
             "equipement.eleves_par_terminal_rep": "REP",
             "equipement.eleves_par_terminal_rep_plus": "REP+",
             "equipement.eleves_par_terminal": "Moyenne générale"}
REP_AGE = {"equipement.part_terminaux_moins_5_ans_hors_rep": "Hors REP",
           "equipement.part_terminaux_moins_5_ans_rep": "REP",
           "equipement.part_terminaux_moins_5_ans_rep_plus": "REP+",
           "equipement.part_terminaux_moins_5_ans": "Moyenne générale"}


def equipement() -> list:
    return [
        *opening("Équipement", "Deux familles d'équipements numériques sont distinguées : les terminaux "
                 "(ordinateurs fixes et portables, tablettes) et les autres équipements (tableaux "
                 "numériques interactifs, imprimantes 3D)."),
        md("## Nombre d'élèves par terminal"),
        code('ch.say(bullets=ch.sentences([("equipement.eleves_par_terminal", t) for t in ch.etic_types + ("ensemble",)]))'),
        figure("eleves-terminal", "Nombre moyen d'élèves par terminal selon le type d'établissement",
               'ch.show_figure(ch.chart_by_type("equipement.eleves_par_terminal", "Nombre moyen d\'élèves par terminal"))'),
        figure("carte-eleves-terminal", "Nombre moyen d'élèves par terminal dans les collèges publics, par département",
               'ch.show_figure(ch.map("equipement.eleves_par_terminal", "college"))\n'
               'ch.say(ch.sub_range("equipement.eleves_par_terminal", "college"))'),
        figure("eleves-terminal-comparaison", "Nombre moyen d'élèves par terminal dans les collèges publics : comparaison territoriale",
               'ch.show_figure(ch.chart_comparison("equipement.eleves_par_terminal", "college"))'),
        md("## Éducation prioritaire"),
        code('ch.say(bullets=ch.sentences([(i, t) for t in ("ecole", "college") if t in ch.etic_types\n'
             '                             for i in ("equipement.eleves_par_terminal_hors_rep", "equipement.eleves_par_terminal_rep",\n'
             '                                       "equipement.eleves_par_terminal_rep_plus")], compare=False))'),
        figure("eleves-terminal-rep", "Nombre moyen d'élèves par terminal selon le type d'établissement et l'éducation prioritaire",
               f'ch.show_figure(ch.chart_grouped({REP_RATIO!r},\n'
               '                                "Élèves par terminal et éducation prioritaire", types=("ecole", "college")))'),
        md("## Terminaux mobiles"),
        code('ch.say(ch.sentence("equipement.part_terminaux_mobiles"),\n'
             '       bullets=ch.sentences([("equipement.part_terminaux_mobiles", t) for t in ch.etic_types], compare=False))'),
        figure("terminaux-mobiles", "Proportion de terminaux mobiles dans les différents types d'établissements",
               'ch.show_figure(ch.chart_yes_no("equipement.part_terminaux_mobiles", "terminaux mobiles",\n'
               '                               "terminaux non mobiles", "Part des terminaux mobiles"))'),
        md("## Âge des terminaux"),
        code('ch.say(ch.sentence("equipement.part_terminaux_moins_5_ans"),\n'
             '       bullets=ch.sentences([("equipement.part_terminaux_moins_5_ans", t) for t in ch.etic_types], compare=False))'),
        figure("terminaux-5-ans", "Proportion de terminaux de moins de 5 ans par type d'établissement",
               'ch.show_figure(ch.chart_by_type("equipement.part_terminaux_moins_5_ans", "Part des terminaux de moins de 5 ans"))'),
        figure("terminaux-5-ans-rep", "Proportion de terminaux de moins de 5 ans selon l'éducation prioritaire",
               f'ch.show_figure(ch.chart_grouped({REP_AGE!r},\n'
               '                                "Terminaux de moins de 5 ans et éducation prioritaire", types=("ecole", "college")))'),
        md("## Maintenance des équipements"),
        md("Depuis la loi de refondation de l'École de 2013, les collectivités territoriales sont "
           "responsables de la maintenance des équipements numériques des écoles, collèges et lycées."),
        code('ch.say(ch.sentence("equipement.maintenance_collectivite"))'),
        figure("maintenance", "Part des établissements dont la maintenance est assurée par la collectivité",
               'ch.show_figure(ch.chart_yes_no("equipement.maintenance_collectivite",\n'
               '                               "personnel de la collectivité ou mandaté", "autres",\n'
               '                               "Maintenance des équipements"))'),
        md("## Autres équipements"),
        code('ch.say(ch.sentence("equipement.tni_au_moins_un"),\n'
             '       bullets=ch.sentences([("equipement.imprimante_3d_au_moins_une", t) for t in ch.etic_types], compare=False))'),
        figure("tni", "Part des établissements déclarant au moins un TNI",
               'ch.show_figure(ch.chart_by_type("equipement.tni_au_moins_un", "Au moins un tableau numérique interactif"))'),
        figure("imprimantes-3d", "Part des établissements déclarant au moins une imprimante 3D",
               'ch.show_figure(ch.chart_by_type("equipement.imprimante_3d_au_moins_une", "Au moins une imprimante 3D"))'),
        check_values([("equipement.eleves_par_terminal", "college"), ("equipement.eleves_par_terminal", "lycee"),
                      ("equipement.part_terminaux_mobiles", "ensemble"), ("equipement.tni_au_moins_un", "ensemble")]),
    ]


# ------------------------------------------------------------------------------ 04 services
RESSOURCES = ["services.ressources_entrainement", "services.ressources_logiciels_outils",
              "services.ressources_banques_documents", "services.ressources_ouvrages_reference",
              "services.ressources_manuels_numeriques", "services.ressources_animations_simulation",
              "services.ressources_autres", "services.ressources_aucune"]


def services() -> list:
    return [
        *opening("Services et ressources", "Les espaces numériques de travail (ENT) sont devenus un "
                 "service pivot des établissements, portail de services administratifs et pédagogiques ; "
                 "l'offre de ressources pédagogiques numériques est étoffée et variée."),
        md("## Accès aux espaces numériques de travail"),
        code('ch.say(ch.sentence("services.ent"), ch.sentence("services.eleves_avec_ent"),\n'
             '       bullets=ch.sentences([("services.ent", t) for t in ch.etic_types], compare=False))'),
        code('ch.say(narrative.question_change("services.ent"))'.replace(
            "ch.say(", "from analysis.report import narrative\n\nch.say(", 1)),
        figure("ent", "Part des écoles et établissements publics ayant accès à un ENT",
               'ch.show_figure(ch.chart_yes_no("services.ent", "accès à un ENT", "pas d\'accès à un ENT",\n'
               '                               "Accès à un ENT"))'),
        code('ch.say(ch.sentence("services.colleges_100pct_ent") if ch.children else "")'),
        figure("carte-ent", "Part des collèges publics ayant accès à un ENT par département",
               'ch.show_figure(ch.map("services.ent", "college"))\nch.say(ch.sub_range("services.ent", "college"))'),
        figure("ent-comparaison", "Part des collèges publics ayant accès à un ENT : comparaison territoriale",
               'ch.show_figure(ch.chart_comparison("services.ent", "college"))'),
        md("## Ressources pédagogiques numériques"),
        code(f'ch.say(ch.top_resources({RESSOURCES!r}))'),
        figure("ressources", "Proportion d'établissements utilisant les différents types de ressources numériques",
               f'ch.show_figure(ch.chart_ranked({RESSOURCES!r},\n'
               '                               "Types de ressources numériques utilisées"))'),
        check_values([("services.ent", "ensemble"), ("services.eleves_avec_ent", "ensemble"),
                      ("services.ressources_entrainement", "ensemble")]),
    ]


# ------------------------------------------------------------------------------ 05 expérimentations
PROGRAMMES = """
Trois programmes nationaux d'expérimentation, financés par le Programme d'investissements
d'avenir (PIA), sont recensés :

- **Collèges lab** : l'appel à projets « Collèges numériques et innovation pédagogique » (2017)
  soutient des collèges qui expérimentent la réorganisation des espaces, le cloud et
  l'usage des équipements personnels (BYOD) ;
- **e-FRAN** (Espaces de formation, de recherche et d'animation numérique) : des projets qui
  fédèrent écoles, collèges, lycées, collectivités, laboratoires de recherche et entreprises,
  avec une évaluation des résultats des élèves ;
- **ProFan** : une expérimentation conduite dans des lycées professionnels pour doter les élèves
  des compétences qu'appellent les transformations numériques du travail.
"""


def experimentations() -> list:
    return [
        *opening("Expérimentations"),
        md(PROGRAMMES),
        md("## Établissements engagés"),
        code('ch.say(bullets=ch.sentences(["experimentations.colleges_lab", "experimentations.efran",\n'
             '                             "experimentations.efran_projets", "experimentations.profan"]))\n'
             'ch.say(ch.source_line("experimentations.colleges_lab"))'),
        md("## Répartition territoriale"),
        code('ch.say(ch.experimentations_note())'),
        table("experimentations", "Établissements engagés dans une expérimentation, par sous-territoire",
              'ch.table(ch.experimentations_table(), source=ch.source_line("experimentations.colleges_lab"))'),
        check_values([("experimentations.colleges_lab", "ensemble"), ("experimentations.efran", "ensemble"),
                      ("experimentations.profan", "ensemble")]),
    ]


# ------------------------------------------------------------------------------ 06 annexes
def annexes() -> list:
    return [
        *opening("Annexes"),
        md("## Territoires de l'édition"),
        table("territoires", "Régions académiques, académies et départements de l'édition",
              'ch.table(ch.territories_table(), source=f"Source : référentiel des territoires, carte des académies {ch.vintage}")'),
        md("## Dictionnaire des données"),
        code('ch.say(ch.dictionary_markdown())'),
        md("## Complétude par territoire"),
        code('ch.say(ch.completeness_intro())'),
        table("completude-territoires", "Taux de réponse et taux de n.c. des principaux indicateurs, par territoire",
              'from analysis.report.chapter import TABLE_NOTE\n\n'
              'ch.table(ch.completeness_by_subterritory(), source=ch.source_line("perimetre.taux_reponse_etic"),\n'
              '         note=TABLE_NOTE)'),
        md("## Provenance des fichiers"),
        md("Chaque fichier d'entrée est conservé tel quel avec sa fiche de provenance : adresse ou "
           "origine de la copie, date de récupération, empreinte sha256 (qui permet de vérifier "
           "qu'il n'a pas été modifié) et licence."),
        code('ch.say(ch.provenance_markdown())'),
        md("## Figures du rapport 2018 non reproduites"),
        table("non-reproduites", "Figures du rapport 2018 que les données ouvertes ne permettent pas de reproduire",
              'ch.table(ch.unavailable_table(), source="Source : catalogue des indicateurs")'),
    ]


NOTEBOOKS = {
    "00-synthese.ipynb": synthese,
    "01-methodologie.ipynb": methodologie,
    "02-connectivite.ipynb": connectivite,
    "03-equipement.ipynb": equipement,
    "04-services-ressources.ipynb": services,
    "05-experimentations.ipynb": experimentations,
    "06-annexes.ipynb": annexes,
}


def build(name: str):
    nb = new_notebook(cells=NOTEBOOKS[name]())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives the same files
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    return nb


def main(folder: Path = HERE) -> list[Path]:
    written = []
    for name in NOTEBOOKS:
        nb = build(name)
        nbformat.validate(nb)
        path = folder / name
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
