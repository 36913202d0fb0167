"""The cover of an edition says what is true of its data: the sources whose files are in the data
folder (never a hard-coded list), and their dates in French."""

from __future__ import annotations

from analysis.build import editions
from analysis.core.formatting import UNIT_SEP, fmt_date


def test_the_cover_names_the_sources_present_and_dates_in_french(occitanie_store):
    meta = editions.render_meta(editions.edition_for("departement:31", 2018), occitanie_store)
    source = meta["source"]
    assert source.startswith(f"Sources{UNIT_SEP}: annuaire de l'Éducation nationale ; enquête ETIC")
    assert "Label numérique (région académique Occitanie)" in source and "IGN (fonds de carte)" in source
    for absent in ("Arcep", "France THD", "Banque des Territoires"):       # no such file in the folder
        assert absent not in source
    imported = max(r.retrieved_at for r in occitanie_store.records())
    assert meta["date"] == (f"Données importées le {fmt_date(imported)} ; annuaire du 14{UNIT_SEP}décembre 2022")


def test_the_demo_cover_says_synthetic(demo_store):
    meta = editions.render_meta(editions.edition_for("departement:48", 2018), demo_store)
    assert meta["source"] == "Données synthétiques de démonstration"
    assert meta["date"].startswith("Données synthétiques générées le ") and "-" not in meta["date"]


def test_the_sources_follow_the_files(demo_store):
    names = editions.sources_present(demo_store)
    assert names[:2] == ["annuaire de l'Éducation nationale", "enquête ETIC (ministère de l'Éducation nationale)"]
    assert "Observatoire France THD, Arcep" in names and "Banque des Territoires, MENJ" in names

