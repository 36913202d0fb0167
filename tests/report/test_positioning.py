"""The « Positionnement » and « Évolution » sections of the synthèse, on the demo data."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from analysis.core import territories
from analysis.core.formatting import fmt_value
from analysis.report.chapter import Chapter, NoFigure
from analysis.report.figure_store import StoredFigure
from analysis.report.positioning import specs
from analysis.report.svg_layers import SVG
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def lozere(demo_store):
    return Chapter("departement:48", 2018, store=demo_store)


# Fewer pupils per terminal ranks first; every other key figure ranks its highest value first.
LOWEST_FIRST = {"equipement.eleves_par_terminal"}
# What the rank column says of a territory without a published value, by statut.
UNRANKED_MARK = {"secret": "s.", "nc": "n.c.", "absent": "n.d.", "hors_questionnaire": "n.d.", "vide": "–"}


def hand_rank(results, territory_id, ind, type_, members):
    """1 + the peers printed ahead (higher, or lower for LOWEST_FIRST), among the peers with a
    published value (plain pandas)."""
    rows = results[(results["indicateur"] == ind) & (results["type"] == type_)
                   & results["territoire"].isin(members) & (results["statut"] == "ok")]
    shown = {r.territoire: fmt_value(r.valeur, r.unite) for r in rows.itertuples()}
    number = {t: float(s.split("\u00a0")[0].replace("\u202f", "").replace(",", ".")) for t, s in shown.items()}
    mine = number[territory_id]
    ahead = [v < mine if ind in LOWEST_FIRST else v > mine for v in number.values()]
    return 1 + sum(ahead), len(number)


def test_ranks_of_the_table_are_those_computed_by_hand(lozere):
    table = lozere.positioning_table()
    assert len(table) == len(specs(lozere)) >= 8
    france = [d.id for d in territories.list_territories("departement")]
    column = "Rang parmi les départements de France"
    quarters = ["premier quart", "deuxième quart", "troisième quart", "dernier quart"]
    checked = 0
    for (ind, type_), cell, quart in zip(specs(lozere), table[column], table["Quart"]):
        statut = lozere.row(ind, type_)["statut"]
        if statut != "ok":                                        # the mark of its statut, no rank
            assert cell.split(" ")[0] == UNRANKED_MARK[statut], (ind, statut, cell)
            assert quart == "–", (ind, quart)                     # no rank, no quarter
            continue
        rank, ranked = hand_rank(lozere.results, "departement:48", ind, type_, france)
        match = re.match(r"(\d+)(?:er|e)( ex aequo)? sur (\d+)", cell)
        assert match and (int(match[1]), int(match[3])) == (rank, ranked), (ind, cell)
        # the quarter of the ranks 1..ranked the rank falls in (first quarter: the first ranks)
        assert quart == quarters[int(4 * (rank - 1) / ranked)], (ind, rank, ranked, quart)
        checked += 1
    assert checked >= 6
    assert len(set(table["Quart"]) - {"–"}) >= 2                 # the demo's Lozère is in several quarters
    assert "Rang parmi les départements de la région académique Occitanie" in table.columns
    assert any(ind in LOWEST_FIRST for ind, _ in specs(lozere))


def test_the_intro_says_which_figures_rank_their_lowest_value_first(lozere):
    intro = lozere.positioning_intro()
    assert "par valeur décroissante (1 = valeur la plus élevée), sauf pour" in intro
    assert "Nombre d'élèves par terminal\u00a0», classé par valeur croissante (1 = valeur la plus faible)" in intro
    assert intro.count("Nombre d'élèves par terminal") == 1        # three types, one title
    note = lozere.positioning_note()
    assert note.startswith("Rang par valeur décroissante (1 = valeur la plus élevée), sauf pour «\u00a0Nombre")


def test_chart_and_map_show_every_peer_and_outline_the_territory(lozere):
    strip = lozere.positioning_chart()
    assert isinstance(strip, StoredFigure) and "Position parmi les départements de France" in strip.alt_text
    ind, type_ = next((i, t) for i, t in specs(lozere) if lozere.row(i, t)["statut"] == "ok")
    france = [d.id for d in territories.list_territories("departement")]
    _, ranked = hand_rank(lozere.results, "departement:48", ind, type_, france)
    svg = ET.fromstring(strip.svg)
    row = svg.find(".//*[@id='axes_1']")
    peers = [u for g in row if g.get("id", "").startswith("PathCollection") for u in g.iter(f"{{{SVG}}}use")]
    highlighted = list(svg.find(".//*[@id='territoire-0']").iter(f"{{{SVG}}}use"))
    assert (len(peers), len(highlighted)) == (ranked, 1)          # every ranked peer drawn, Lozère over its dot
    assert "Lozère (48)" in strip.svg and "Position parmi les départements de France" in strip.svg
    fig = lozere.positioning_map()
    assert isinstance(fig, StoredFigure) and "cerné d'un trait épais" in fig.alt_text
    assert "Lozère (48) parmi les départements de France" in fig.alt_text
    contour = ET.fromstring(fig.svg).find(".//*[@id='48-contour']")
    assert contour is not None and len(list(contour)) >= 1 and "fill: none" in contour[0].get("style")


def test_every_member_of_a_group_is_drawn_over_the_same_figure_of_its_peers(demo_store, lozere):
    """The peers are drawn once for the group; each member's layer differs by its dot, its value,
    its title and its source line only (:mod:`analysis.report.svg_layers`)."""
    herault = Chapter("departement:34", 2018, store=demo_store, results=lozere.results)
    a, b = lozere.positioning_chart(), herault.positioning_chart()
    assert "Lozère (48)" in a.svg and "Hérault (34)" in b.svg and "Lozère (48)" not in b.svg
    def peers(svg):
        root = ET.fromstring(svg)
        return [u.attrib for g in root.iter() if g.get("id", "").startswith("PathCollection")
                for u in g.iter(f"{{{SVG}}}use")]
    assert peers(a.svg) == peers(b.svg)


def test_a_group_of_peers_the_data_only_partly_cover_is_left_out(lozere, demo_store):
    """As with the Occitanie files alone: the départements of France are not peers, those of the
    région académique are; the intro says why."""
    results = lozere.results.copy()
    occitanie = {d.id for d in territories.children(territories.parse_territory("region:76"), "departement")}
    outside = (results["niveau"] == "departement") & ~results["territoire"].isin(occitanie)
    results.loc[outside, "couverture_donnees"] = "aucune"
    results.loc[results["niveau"] == "france", "couverture_donnees"] = "partielle"
    ch = Chapter("departement:48", 2018, store=demo_store, results=results)
    table = ch.positioning_table()
    assert [c for c in table.columns if c.startswith("Rang")] == [
        "Rang parmi les départements de la région académique Occitanie"]
    assert f"parmi les départements de France\u00a0: les données n'en couvrent que {len(occitanie)} sur 101." \
        in ch.positioning_intro()
    assert "13 sur 101" not in lozere.positioning_intro()


def test_the_figures_of_peers_state_the_nc_rates_of_the_territory_and_the_peers(lozere):
    strip = lozere.positioning_chart()
    assert strip.source_text.startswith("Source")
    assert "Lozère " in strip.source_text and "n.c. selon les départements de France et l'indicateur" \
        in strip.source_text
    fig = lozere.positioning_map()
    footer = getattr(fig, "footer_text", "") or getattr(fig, "source_text", "")
    assert "n.c. selon les départements de France" in footer and "et l'indicateur" not in footer


def test_france_has_no_peers(demo_store):
    france = Chapter("france", 2018, store=demo_store)
    assert france.positioning_table().empty
    assert france.positioning_intro().startswith("Pas de positionnement pour la France, qui n'a pas de territoires")
    assert isinstance(france.positioning_chart(), NoFigure) and isinstance(france.positioning_map(), NoFigure)


def test_series_over_millesimes_marks_the_ent_break(demo_store):
    later = Chapter("departement:48", 2019, store=demo_store)
    table = later.series_table().set_index("Indicateur")
    assert {"2018", "2019"} <= set(table.columns)
    assert table.loc["Accès à un ENT", "2019"].endswith("†") and not table.loc["Accès à un ENT", "2018"].endswith("†")
    assert not table.loc["Accès à internet", "2019"].endswith("†")
    first = Chapter("departement:48", 2018, store=demo_store)
    assert first.series_table().empty
    assert first.series_intro().startswith("Aucun millésime antérieur à 2018")      # 2019 is in the folder
    assert "l'édition 2019 la présente" in first.series_intro()
    assert "les millésimes 2018 et 2019" in later.series_intro()


def test_a_perimeter_edition_has_no_positioning_and_is_compared_with_its_parent(demo_store, tmp_path, monkeypatch):
    (tmp_path / "params" / "perimetres").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "sources.yml", tmp_path / "params" / "sources.yml")
    (tmp_path / "params" / "perimetres" / "littoral.yml").write_text(
        'nom: Littoral\nparent: departement:34\ndepartements: ["34", "30"]\n', encoding="utf-8")
    monkeypatch.setenv("ETAT_DES_LIEUX_ROOT", str(tmp_path))
    ch = Chapter("perimetre:littoral", 2018, store=demo_store)
    assert "périmètre sur mesure" in ch.positioning_intro()
    assert [p.id for p in ch.compared_parents][:1] == ["departement:34"]
    assert ch.row("connectivite.acces_internet")["univers"] == sum(
        ch.row("connectivite.acces_internet", "ensemble", f"departement:{d}")["univers"] for d in ("30", "34"))
    assert "périmètre sur mesure" in ch.map("connectivite.acces_fibre").text


@pytest.mark.parametrize("values, unit", [([99.5, 99.8, 100.0, 100.0, 99.9, 99.6, 99.7], "%"),   # Haute-Garonne
                                          ([100.0] * 5, "%"), ([2.2, 2.21, 2.25], "ratio"),
                                          ([12.0, 87.0, 55.5], "%")])
def test_strip_ticks_are_distinct_and_true(values, unit):
    """Peers between 99.5 and 100 % once had every tick printed « 100 % »: each tick now prints
    its own value, exactly, with one decimal at most, and the axis shows every dot."""
    import pandas as pd

    from analysis.report.peer_charts import group_strips
    from analysis.report.style import figure_bytes

    frame = pd.DataFrame({"territoire": [f"departement:{i}" for i in range(len(values))], "valeur": values,
                          "rang": range(1, len(values) + 1), "statut": "ok"})
    fig = group_strips((("Accès à internet", frame, unit),), title="t", source="s", peers_label="départements",
                       reference=(None,))                       # the peers' figure, drawn once for the group
    figure_bytes(fig, "svg")                                     # lays the axis out
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    assert lo <= min(values) and max(values) <= hi and (unit != "%" or hi < 100.5)
    shown = [(t.get_position()[0], t.get_text()) for t in ax.get_xticklabels() if lo <= t.get_position()[0] <= hi]
    labels = [text for _, text in shown]
    assert len(shown) >= 2 and len(set(labels)) == len(labels)
    for value, text in shown:
        number = text.replace("\u00a0%", "").replace("\u202f", "").replace(",", ".")
        assert float(number) == pytest.approx(value) and len(number.partition(".")[2]) <= 1
