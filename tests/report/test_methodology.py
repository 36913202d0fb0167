"""The methodology of an edition, on the demo data: sources, provenance, verification, and the
harmonisation report in French."""

from __future__ import annotations

import json
from types import SimpleNamespace

from analysis.core.formatting import THOUSANDS_SEP, UNIT_SEP
from analysis.core.markup import autolink, plain
from analysis.report import methodology
from analysis.report.methodology import harmonisation_report_lines


def test_sources_provenance_and_verification(demo_chapters):
    dep = demo_chapters["departement:31"]
    prov = dep.provenance_table()
    assert {"annuaire", "etic_1d", "etic_2d"} <= set(prov["Source"]) and prov["sha256"].str.len().eq(64).all()
    assert set(prov["Démo"]) == {"oui"} and set(prov["Méthode"]) == {"fichier de démonstration"}
    assert "**données de démonstration**" in dep.provenance_markdown()
    # a published report never shows a path of the machine that built it
    said = dep.provenance_markdown() + " ".join(prov["Origine"])
    assert "fichier de démonstration généré par le projet" in said
    assert all(r.origin not in said for r in dep.store.records()) and str(dep.store.data_dir) not in said
    sources = dep.sources_table()
    assert (sources.loc[sources["Fichiers présents"] == "aucun", "Millésimes"] == "–").all()
    assert "fichiers synthétiques de démonstration" in dep.verification_text()
    assert dep.licences_text().startswith(("Toutes les sources sont publiées sous", "Licences"))


def test_harmonisation_lines(demo_chapters):
    lines = demo_chapters["france"].harmonisation_lines()
    assert lines[0].startswith(f"Annuaire{UNIT_SEP}: ") and any("ETIC second degré" in line for line in lines)


def test_harmonisation_report_in_french():
    from analysis.harmonise.harmonise_report import HarmoniseReport

    report = HarmoniseReport(annee=2018, vintage="2016", annuaire_rows=6183, annuaire_duplicate_lines=9,
                             hors_perimetre={"INSTITUT MEDICO-EDUCATIF": 108}, etic_rows={"etic_2d": 475},
                             etic_absent_annuaire=["0300046M", "0301094B"],
                             notes=["Pas de réponses etic_1d pour 2018 : écoles hors du champ de l'enquête."])
    lines = harmonisation_report_lines(report)
    assert lines[0] == f"Annuaire{UNIT_SEP}: 6{THOUSANDS_SEP}183 lignes lues, dont 9 en double (fusionnées)."
    assert any("« INSTITUT MEDICO-EDUCATIF »" in line for line in lines)
    assert any(line.startswith("Réponses ETIC sans correspondance") and "0300046M" in line for line in lines)
    assert any("ETIC premier degré" in line for line in lines)


def test_harmonisation_report_counts_the_establishments_opened_after_the_survey():
    from analysis.harmonise.harmonise_report import HarmoniseReport

    report = HarmoniseReport(annee=2018, vintage="2016",
                             date_reference={"etic_2d": "2018-08-31", "etic_1d": "2018-08-31"},
                             ouverts_apres_reference=["0313010D", "0820917B", "0999999Z"],
                             ouverts_apres_reference_champ=["0313010D", "0820917B"])
    line = next(line for line in harmonisation_report_lines(report) if "date de référence" in line)
    assert f"(31{UNIT_SEP}août 2018)" in line and f"{UNIT_SEP}: 3, dont 2 du champ" in line and "0820917B" in line


def _boundaries(path, codes):
    features = [{"type": "Feature", "properties": {"code": c, "nom": f"Département {c}"},
                 "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}} for c in codes]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_one_boundary_file_the_declared_one_and_the_annex_describes_it(tmp_path, empty_store):
    """Of a folder of département files, only the declared name is imported; a data folder that
    holds others (an older import) reads the declared one, and the annex describes that file and
    lists the others as not read, with why, naming no path of this machine."""
    from analysis.harmonise import boundaries
    from analysis.sources import used_files

    folder = tmp_path / "france-geojson"
    folder.mkdir()
    declared = _boundaries(folder / "departements-avec-outre-mer.geojson", ["31", "971"])
    other = _boundaries(folder / "departements.geojson", ["31"])
    report = empty_store.import_paths([folder])
    assert [r.file for r in report.added] == [declared.name] and [i.path.name for i in report.ignored] == [other.name]
    source = empty_store.registry["departements_geo"]
    empty_store.add(other, source, method="import", origin=str(other))           # as an older import did
    found = used_files.used_files(empty_store, "departements_geo")
    assert [p.name for p in found.used] == [declared.name]
    assert {p.name: why for p, why in found.unused.items()} == {other.name: used_files.NOT_DECLARED}
    assert [p.name for p in found.unexpected] == [declared.name]          # not the declared sha256
    assert set(boundaries.departements(empty_store)["code"]) == {"31", "971"}
    ch = SimpleNamespace(store=empty_store, local_source_applies=lambda group: False)
    said = plain(methodology.provenance_markdown(ch))          # as it reads (names and URLs are escaped)
    assert said.startswith(f"- **{declared.name}** (Contours des départements")
    # web addresses are links (Markdown autolinks: active in the HTML and the PDF)
    assert f"copie locale du jeu de données {source.dataset_id} (<{source.page}>)" in said
    assert "différente de l'empreinte que déclare le registre des sources" in said
    assert said.endswith(f"non lu, la source « {source.title} » n'en lisant qu'un ({declared.name}){UNIT_SEP}: "
                         f"**{other.name}** (n'est pas le fichier que déclare le registre des sources).")
    assert str(tmp_path) not in said and str(empty_store.data_dir) not in said
    table = methodology.provenance_table(ch).set_index("Fichier")
    assert table.loc[other.name, "Lu"] == "non" and table.loc[declared.name, "Lu"] == "oui"
    assert str(tmp_path) not in " ".join(table["Origine"])
    present = methodology.sources_table(ch).set_index("Source")["Fichiers présents"]
    assert f"{other.name} (non lu)" in " ".join(present)
    assert f"[{source.title}](<{source.page}>) — {source.producer}" in present.index


def test_a_downloaded_file_names_its_address_as_a_link():
    record = SimpleNamespace(demo=False, method="fetch", origin="https://example.org/etic.csv", source="etic_2d",
                             file="etic.csv")
    ch = SimpleNamespace(store=SimpleNamespace(registry={}))
    assert methodology._origin(ch, record, link=autolink) == "téléchargé de <https://example.org/etic.csv>"
    assert methodology._origin(ch, record) == "téléchargé de https://example.org/etic.csv"   # a table cell
    assert methodology.link("ETIC", None) == "ETIC"


def test_the_accessibility_section_says_what_conforms_and_what_is_not_claimed():
    text = methodology.accessibility_text()
    for said in ("RGAA\u00a04.1", "WCAG\u00a02.1", "PDF/UA-1", "«\u00a0Données du graphique\u00a0»", "axe-core",
                 "aucun audit RGAA complet", "clavier"):
        assert said in text, said
    assert " :" not in text and " ;" not in text                  # French typography: no-break spaces
    assert text.count("\n- ") == 4 and text.splitlines()[2].startswith("- **Version HTML**")
