"""The French text of a chapter, on the demo data: sentences print the values of the table and
compare with the parents; paragraphs about the edition; question changes from the questionnaire."""

from __future__ import annotations

from analysis.core import nc
from analysis.core.formatting import UNIT_SEP, fmt_value
from analysis.report import text
from analysis.report.chapter import Chapter
from tests.report.conftest import reference


def test_a_sentence_prints_the_value_its_rate_and_the_parents(demo_chapters, demo_results):
    dep = demo_chapters["departement:31"]
    said = dep.sentence("connectivite.acces_internet")
    ref = reference(demo_results, "departement:31", "connectivite.acces_internet")
    assert said.startswith(fmt_value(ref["valeur"], "%")) and nc.rate(ref["taux_nc"]) in said
    for parent, where in (("academie:toulouse", "dans l'académie de Toulouse"), ("france", "en France")):
        other = reference(demo_results, parent, "connectivite.acces_internet")
        assert f"{fmt_value(other['valeur'], '%')} ({nc.rate(other['taux_nc'])}) {where}" in said
    assert "contre" not in dep.sentence("connectivite.acces_internet", compare=False)
    short = dep.sentence("connectivite.acces_adsl", compare=False, short=True)
    assert "ont accès à internet par l'ADSL" in short and "écoles" not in short


def test_sentences_of_a_list_and_a_sub_range(demo_chapters):
    region = demo_chapters["region:76"]
    said = region.sentences([("equipement.eleves_par_terminal", t) for t in ("ecole", "college")])
    assert len(said) == 2 and "écoles publiques" in said[0] and "collèges publics" in said[1]
    spread = region.sub_range("connectivite.thd")
    values = region.sublevel_values("connectivite.thd")
    low = values.loc[values["statut"] == "ok", "valeur"].min()
    # what varies is named: two ranges in a row (collèges, lycées) never read alike
    assert spread.startswith(f"Couverture en très haut débit (écoles, collèges et lycées){UNIT_SEP}: selon les "
                             f"départements, de {fmt_value(low, '%')} (")
    colleges, lycees = (region.sub_range("services.ent", t) for t in ("college", "lycee"))
    assert "(collèges publics)" in colleges and "(lycées publics)" in lycees
    assert demo_chapters["departement:31"].sub_range("connectivite.thd") == ""


def test_no_double_parenthesis_and_every_share_has_its_rate(demo_chapters):
    dep = demo_chapters["departement:31"]
    for ind in ("connectivite.acces_rtc", "connectivite.thd", "equipement.tni_au_moins_un"):
        said = dep.sentence(ind, compare=False)
        assert ") (" not in said and said.endswith(f"{UNIT_SEP}n.c.).") and f"){UNIT_SEP};" not in said, said
    thd = dep.sentence("connectivite.thd", compare=False)
    assert f"(débit potentiel supérieur à 30{UNIT_SEP}Mbit/s{UNIT_SEP}; " in thd
    inds = ["services.ressources_entrainement", "services.ressources_logiciels_outils",
            "services.ressources_manuels_numeriques", "services.ressources_aucune"]
    top = dep.top_resources(inds)
    rate = nc.rate(dep.row("services.ressources_entrainement")["taux_nc"])
    assert ") (" not in top and top.startswith(f"Les types de ressources numériques les plus utilisés par les "
                                               f"écoles, collèges et lycées publics ({rate}) sont{UNIT_SEP}:")
    none = dep.row("services.ressources_aucune")
    assert top.endswith(f"n'utiliser aucune ressource numérique ({nc.rate(none['taux_nc'])}).")


def test_the_question_change_note_comes_from_the_questionnaire():
    note = text.question_change("services.ent")
    assert "SiEntDisponible" in note and f"{UNIT_SEP}:" in note and "{nbsp}" not in note
    assert "trois tranches" in text.question_change("connectivite.classes_internet")
    assert text.question_change("connectivite.acces_internet") == ""
    assert Chapter.question_change("services.ent") == note  # also ch.question_change(ind)


def test_a_change_since_the_previous_millesime(demo_store):
    ch = Chapter("departement:31", 2019, store=demo_store)
    assert ch.previous_year == 2018
    assert "depuis 2018" in ch.sentence("connectivite.acces_internet")
    assert "la question a changé depuis 2018" in ch.sentence("services.ent")  # SiEntDisponible -> SiEntUtilise


def test_paragraphs_of_the_edition(demo_chapters, demo_results):
    france, dep = demo_chapters["france"], demo_chapters["departement:31"]
    n = reference(demo_results, "france", "perimetre.etablissements")["valeur"]
    assert fmt_value(n, "count") in france.intro()[1]
    assert france.sources_status()[1] == []  # the demo dataset has every source
    assert dep.notes() == []  # full coverage: nothing to warn about
    secret = dep.secret_text()
    assert secret.startswith("Seuil du secret statistique") and "le département de la Haute-Garonne (31)" in secret
    assert "chaque département de la région académique Occitanie" in demo_chapters["region:76"].completeness_intro()
    assert dep.experimentations_note() == ""
    assert demo_chapters["region:76"].experimentations_note().endswith(f"par département{UNIT_SEP}:")
    shares = dep.distribution_text("perimetre.education_prioritaire", "college")
    assert shares.startswith(f"Collèges{UNIT_SEP}: hors REP ") and "REP+" in shares
    top = dep.top_resources(["services.ressources_entrainement", "services.ressources_manuels_numeriques",
                             "services.ressources_autres", "services.ressources_aucune"])
    assert top.startswith("Les types de ressources numériques les plus utilisés")


def test_a_perimeter_says_what_it_contains_and_nothing_of_the_types_it_has_none_of(demo_store, tmp_path,
                                                                                    monkeypatch):
    import shutil

    from analysis.harmonise.table import load_etablissements
    from tests.conftest import ROOT

    table, _ = load_etablissements(demo_store, 2018)
    public = table[(table["secteur"] == "public") & (table["departement"] == "34")]
    uai = list(public.loc[public["type"] == "college", "uai"][:21]) + list(public.loc[public["type"] == "lycee",
                                                                                       "uai"][:16])
    (tmp_path / "params" / "perimetres").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "sources.yml", tmp_path / "params" / "sources.yml")
    (tmp_path / "params" / "perimetres" / "tne.yml").write_text(
        "nom: TNE\nparent: departement:34\netablissements: [" + ", ".join(uai) + "]\n", encoding="utf-8")
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(tmp_path))
    ch = Chapter("perimetre:tne", 2018, store=demo_store)
    assert ch.notes()[0] == "Périmètre sur mesure (37\u00a0établissements)."       # no `params/perimetres/tne.yml`
    assert ch.present_types == ("college", "lycee")
    assert ch.establishments() == f"37{UNIT_SEP}collèges et lycées publics (21{UNIT_SEP}collèges et 16{UNIT_SEP}lycées)"
    assert ch.intro()[1].startswith(f"Le périmètre compte 37{UNIT_SEP}collèges et lycées publics (21")
    assert ch.sentence("perimetre.etablissements") == f"37{UNIT_SEP}collèges et lycées sont recensés dans l'annuaire."
    assert ch.sentence("perimetre.part_public", compare=False) == f"100{UNIT_SEP}% des collèges et lycées sont publics."
    said = ch.sentences([("perimetre.etablissements", t) for t in ("ecole", "college", "lycee")], compare=False)
    assert said == [f"21{UNIT_SEP}collèges sont recensés dans l'annuaire.",
                    f"16{UNIT_SEP}lycées sont recensés dans l'annuaire."]         # no « écoles : sans objet »
    key = ch.key_figures()
    assert not key["Établissements"].str.contains("écoles").any()
    assert "collèges et lycées publics" in set(key["Établissements"])


def test_a_collectivity_method_names_its_special_cases_and_no_project_file(demo_store):
    ch = Chapter("collectivite:departement:34", 2018, store=demo_store)
    paragraphs = ch.collectivity_method()
    assert paragraphs[0].startswith(f"Cette édition est celle d'une collectivité territoriale{UNIT_SEP}:")
    assert paragraphs[0].endswith(f"ont ici le même territoire{UNIT_SEP}: seuls leurs noms diffèrent.")
    assert paragraphs[1].startswith(f"Cas particuliers (carte des collectivités d'aujourd'hui, pour tous les "
                                    f"millésimes){UNIT_SEP}:\n\n- ")
    assert "Métropole de Lyon" in paragraphs[1]
    assert not any("params/" in p or ".yml" in p for p in paragraphs)   # no developer text in a report
    assert Chapter("departement:34", 2018, store=demo_store).collectivity_method() == []
