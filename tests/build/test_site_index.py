"""The index page of a millésime and the exports of all indicators (no kernel: fake editions)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis import indicators
from analysis.build import manifest
from analysis.build import site_index as index
from analysis.core.statuts import Statut

pytestmark = pytest.mark.shared_data

EDITIONS = {
    "france": "France",
    "region:76": "Région académique Occitanie",
    "academie:toulouse": "Académie de Toulouse",
    "departement:31": "Haute-Garonne (31)",
    "departement:34": "Hérault (34)",
    "departement:75": "Paris (75)",          # no data in the Occitanie files: n.c.
}


@pytest.fixture(scope="module")
def results(occitanie_store):
    return indicators.load(occitanie_store, 2018)


def fake_editions(year_dir: Path, ids=EDITIONS) -> None:
    """Edition folders as the batch leaves them: outputs and a manifest."""
    for ident, label in ids.items():
        slug = ident.replace(":", "-")
        folder = year_dir / slug
        folder.mkdir(parents=True, exist_ok=True)
        outputs = {}
        for fmt in ("html", "pdf"):
            path = folder / f"etat-des-lieux-2018-{slug}.{fmt}"
            path.write_text(f"{label} {fmt}", encoding="utf-8")
            outputs[fmt] = path
        manifest.write_manifest(folder, {
            "territoire": ident, "libelle": label, "slug": slug, "execution_key": "x",
            "render_key": "y", "inputs": {}, "timings": {},
            "outputs": manifest.outputs_record(folder, outputs)})


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.inputs, self.rows, self.icons = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "icon":
            self.icons.append(attrs["href"])
        elif "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "src" in attrs:
            self.srcs.append(attrs["src"])
        if tag == "input":
            self.inputs.append(attrs)
        if tag == "tr" and "data-search" in attrs:
            self.rows.append(attrs["data-search"])


@pytest.fixture(scope="module")
def built(results, tmp_path_factory):
    year_dir = tmp_path_factory.mktemp("reports") / "2018"
    fake_editions(year_dir)
    (year_dir / "departement-09").mkdir()          # a failed edition: folder without manifest
    paths = index.write_all(year_dir, results, 2018)
    page = paths["index"].read_text(encoding="utf-8")
    parser = Links()
    parser.feed(page)
    return year_dir, paths, page, parser


def without_explorer(page: str) -> str:
    """The page without its explorer (tests/build/test_explorer.py), whose map names every département."""
    return re.sub(r'<section class="explorateur".*?</section>', "", page, flags=re.S)


def test_lists_every_built_edition_grouped_by_level(built):
    _, _, page, parser = built
    assert len(parser.rows) == len(EDITIONS)
    headings = re.findall(r"<h2>([^<(]+)", page)
    assert [h.strip() for h in headings] == ["France", "Régions académiques", "Académies", "Départements"]
    assert "Ariège" not in without_explorer(page) and "departement:09" not in page
    for ident, label in EDITIONS.items():
        assert label in page and ident in page


def test_links_are_relative_and_exist(built):
    year_dir, _, page, parser = built
    tables = Links()
    tables.feed(without_explorer(page))
    reports = [h for h in tables.hrefs if h.startswith(("departement", "academie", "region", "france"))]
    assert len(reports) == 2 * len(EDITIONS)
    assert parser.hrefs[0] == "#contenu" and 'id="contenu"' in page       # the first link skips to the content
    for href in parser.hrefs[1:]:
        assert not re.match(r"^[a-z]+:", href), href          # no scheme: relative only
        if href.startswith("#"):                              # a link within the page (skip the map)
            assert f'id="{href[1:]}"' in page, href
        else:
            assert (year_dir / href).exists(), href
    assert parser.icons == ["data:,"]                         # an empty icon: no favicon.ico asked for


def test_self_contained_and_searchable(built):
    _, _, page, parser = built
    assert not re.search(r"https?://", page)
    assert parser.srcs == []                                   # no external script, image, font
    assert "<style>" in page and "<script>" in page
    search = [i for i in parser.inputs if i.get("type") == "search"]
    assert search and search[0]["id"] == "recherche"
    assert "addEventListener('input'" in page
    # the search keys carry the name without accents and the code
    assert any("haute-garonne" in row and "31" in row for row in parser.rows)
    assert any("herault" in row for row in parser.rows)


def test_key_figures_in_french(built, results):
    _, _, page, _ = built
    assert "Accès à internet" in page and "Élèves par terminal (collèges)" in page
    figures = dict(zip([label for _, _, label in index.KEY_FIGURES], index.key_figures(results, "departement:31")))
    ratio = figures["Élèves par terminal (collèges)"][0]
    assert re.fullmatch(r"\d+,\d", ratio)                      # decimal comma, one decimal
    assert figures["Accès à internet"][0].endswith("\u00a0%")
    assert figures["Accès à internet"][1].endswith("%\u00a0n.c.")
    paris = index.key_figures(results, "departement:75")
    # the files do not cover Paris: n.d. (not « sans objet »: it has établissements, the files lack them)
    assert {value for value, _ in paris} == {Statut.ABSENT.mark}
    assert "DONNÉES DE DÉMONSTRATION" not in page


def test_a_partly_covered_territory_is_marked_and_a_response_rate_has_no_nc(built, results):
    """The France of the Occitanie files shows Occitanie's values: marked ‡ as in the key figures,
    the mark explained under the table; the response rate is its own completeness: no « 0 % n.c. »."""
    _, _, page, _ = built
    labels = [label for _, _, label in index.KEY_FIGURES]
    france = dict(zip(labels, index.key_figures(results, "france")))
    region = dict(zip(labels, index.key_figures(results, "region:76")))
    assert france["Accès à internet"][0] == region["Accès à internet"][0] + " ‡"
    assert france["Taux de réponse ETIC"] == (region["Taux de réponse ETIC"][0] + " ‡", "")
    assert region["Taux de réponse ETIC"][1] == "" and not region["Taux de réponse ETIC"][0].endswith("‡")
    assert "territoire couvert en partie par les données" in page


def test_no_partial_mark_on_a_missing_value():
    rows = []
    for ident, typ, _ in index.KEY_FIGURES:
        for territory, statut in (("france", "secret"), ("region:76", "ok")):
            rows.append({"territoire": territory, "indicateur": ident, "type": typ, "unite": "%", "theme": "x",
                         "valeur": 50.0, "taux_nc": 10.0, "statut": statut, "couverture_donnees": "partielle"})
    results = pd.DataFrame(rows)
    assert {value for value, _ in index.key_figures(results, "france")} == {"s."}
    assert {value for value, _ in index.key_figures(results, "region:76")} == {"50\u00a0% ‡"}
    page = index.render_index([], results, 2018, demo=False)
    assert "territoire couvert en partie" not in page              # no edition listed, no mark to explain


def test_demo_banner(results):
    demo = results.assign(demo=True)
    page = index.render_index([], demo, 2018, demo=True)
    assert "DONNÉES DE DÉMONSTRATION" in page and 'class="demo"' in page


def test_exports_of_all_territories(built, results):
    year_dir, paths, _, _ = built
    table = pd.read_csv(paths["csv"], dtype={"territoire": str})
    assert {"france", "region:76", "academie:montpellier", "departement:31"} <= set(table["territoire"])
    # every row of the table, as `etat-des-lieux indicators` gives it: statut and motif included
    from analysis.indicators import export

    assert len(table) == len(export.rows(results)) and "motif" in table
    absent = table[table["statut"] == "absent"]
    assert absent["valeur"].isna().all() and absent["motif"].notna().any()
    sheets = pd.ExcelFile(paths["xlsx"]).sheet_names
    assert "Lisez-moi" in sheets and "Connectivité" in sheets
    # unchanged table: the workbook is not written again
    before = paths["xlsx"].stat().st_mtime_ns
    index.write_all(year_dir, results, 2018)
    assert paths["xlsx"].stat().st_mtime_ns == before
