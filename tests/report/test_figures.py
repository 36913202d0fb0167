"""The figures of a chapter, on the demo data: charts titled with the territory and the millésime,
with their source line and n.c. rate, labels from the declarations; maps; or why there is none."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.core.formatting import UNIT_SEP  # noqa: E402
from analysis.report.figures import NoFigure  # noqa: E402


def legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def test_charts_carry_title_source_and_nc_rate(demo_chapters):
    region = demo_chapters["region:76"]
    fig = region.chart_by_type("equipement.eleves_par_terminal")
    assert isinstance(fig, Figure) and fig.get_suptitle().endswith("Région académique Occitanie, 2018")
    assert fig.source_text.startswith(f"Source{UNIT_SEP}: ETIC 2018 (") and "n.c." in fig.source_text
    for fig in (region.chart_distribution("connectivite.classes_internet"),
                region.chart_yes_no("equipement.part_terminaux_mobiles", "mobiles", "non mobiles"),
                region.chart_ranked(["services.ressources_entrainement", "services.ressources_autres"], "R"),
                region.chart_comparison("connectivite.acces_fibre"),
                region.chart_sublevel("connectivite.acces_fibre")):
        assert isinstance(fig, Figure), fig
        assert fig.source_text.startswith(f"Source{UNIT_SEP}:") and "n.c." in fig.source_text
    perimetre = region.chart_distribution("perimetre.part_type", by="territoire")
    assert isinstance(perimetre, Figure) and "Annuaire" in perimetre.source_text


def test_bar_labels_come_from_the_declarations(demo_chapters):
    dep = demo_chapters["departement:31"]
    grouped = dep.chart_grouped(["connectivite.acces_adsl", "connectivite.acces_fibre", "connectivite.acces_rtc"],
                                "Accès à internet par technologie")
    assert legend_texts(grouped) == ["ADSL", "Fibre optique ou câble", "RTC"]
    mine = dep.chart_grouped({"connectivite.acces_adsl": "A", "connectivite.acces_rtc": "B"}, "T")
    assert legend_texts(mine) == ["A", "B"]
    debit = dep.chart_distribution("connectivite.debit_web", reverse=True)
    assert legend_texts(debit)[0] == "≥ 100 Mbit/s" and legend_texts(debit)[-1] == "< 2 Mbit/s"
    ranked = dep.chart_ranked(["services.ressources_entrainement"], "R")
    assert "Ressources pour s'entraîner" in [t.get_text() for t in ranked.axes[0].get_yticklabels()]


def test_maps_and_their_absence(demo_chapters):
    region, dep = demo_chapters["region:76"], demo_chapters["departement:31"]
    fig = region.map("equipement.eleves_par_terminal", "college")
    assert isinstance(fig, Figure) and fig.basemap == "tilegrid"  # the demo data have no boundaries
    assert set(fig.patches_by_code) == {c.code for c in region.children}
    assert "n.c." in fig.source_text and "collèges publics, par département" in fig.alt_text
    no_map = dep.map("equipement.eleves_par_terminal", "college")
    assert isinstance(no_map, NoFigure) and not no_map
    assert "édition départementale" in no_map.text and "l'académie de Toulouse" in no_map.text
    assert demo_chapters["france"].chart_comparison("connectivite.acces_internet").text == ""  # no parent


def test_a_figure_that_compares_territories_states_the_nc_rate_of_each(demo_chapters, demo_results):
    from analysis.core.formatting import fmt_pct
    from tests.report.conftest import reference

    dep = demo_chapters["departement:31"]
    rates = {t: fmt_pct(reference(demo_results, t, "connectivite.acces_internet")["taux_nc"])
             for t in ("departement:31", "academie:toulouse", "region:76", "france")}
    fig = dep.chart_comparison("connectivite.acces_internet")
    assert fig.source_text == (f"Source{UNIT_SEP}: ETIC 2018 (n.c.{UNIT_SEP}: Haute-Garonne {rates['departement:31']}, "
                               f"académie de Toulouse {rates['academie:toulouse']}, région académique Occitanie "
                               f"{rates['region:76']}, France {rates['france']})")
    said = dep.sentence("connectivite.acces_internet")
    assert f"({rates['academie:toulouse']}{UNIT_SEP}n.c.) dans l'académie de Toulouse" in said
    assert f"({rates['france']}{UNIT_SEP}n.c.) en France" in said
    # the figures of the sub-territories: the territory's rate and the spread of theirs
    region = demo_chapters["region:76"]
    for fig in (region.map("services.ent", "college"), region.chart_sublevel("services.ent", "college")):
        assert "n.c. selon les départements" in fig.source_text, fig.source_text
    # the key figures: one rate per territory column, in their order
    cell = dep.key_figures([("connectivite.acces_internet", "ensemble")])["n.c."].iloc[0]
    assert cell == " / ".join(rates.values())


def _with_nc_rates(results, territory: str, rates: dict):
    """The indicator table with the n.c. rates of some (indicator, type) rows of ``territory`` set."""
    out = results.copy()
    for (ind, type_), rate in rates.items():
        rows = (out["territoire"] == territory) & (out["indicateur"] == ind) & (out["type"] == type_)
        assert rows.sum() == 1, (ind, type_)
        out.loc[rows, "taux_nc"] = rate
    return out


@pytest.mark.parametrize("rates, said, not_said", [
    ((10.0, 25.0), f"(de 10 à 25{UNIT_SEP}%{UNIT_SEP}n.c.)", f"10{UNIT_SEP}%{UNIT_SEP}n.c."),
    ((12.0, 12.2), f"(12{UNIT_SEP}%{UNIT_SEP}n.c.)", "de 12"),          # the same rate once rounded
], ids=["rates-differ", "same-rate"])
def test_grouped_bars_whose_rates_differ_within_a_type_give_their_range(small_store, rates, said, not_said):
    """Bars of one type whose n.c. rates differ give the range of the rates, never the rate of the
    first bar alone; bars that share their rate give it once."""
    from analysis import indicators
    from analysis.report.chapter import Chapter

    inds = ["connectivite.acces_adsl", "connectivite.acces_fibre"]
    results = _with_nc_rates(indicators.load(small_store, 2018), "departement:34",
                             {(ind, "college"): rate for ind, rate in zip(inds, rates)})
    herault = Chapter("departement:34", 2018, store=small_store, results=results)
    assert [herault.row(ind, "college")["statut"] for ind in inds] == ["ok", "ok"]
    fig = herault.chart_grouped(inds, "T", types=("college",))
    assert fig.source_text.endswith(said), fig.source_text
    assert not_said not in fig.source_text.replace(said, "")


def _printed(results, territoire, ind, type_="ensemble") -> str:
    """A value of the indicator table as the report prints it (or its mark)."""
    from analysis.core.formatting import fmt_value

    row = results[(results["territoire"] == territoire) & (results["indicateur"] == ind)
                  & (results["type"] == type_)].iloc[0]
    return fmt_value(row["valeur"], row["unite"], reason=row["statut"])


def test_the_data_of_every_chart_are_the_values_of_the_indicator_table(small_store):
    """« Données du graphique »: each chart's table gives, for every bar, dot or area, the value of
    the indicator table as the report prints it, and the n.c. rate the report states."""
    from analysis.core import nc
    from analysis.core.vocabulary import TYPE_LABELS
    from analysis.report.chapter import Chapter

    academie = Chapter("academie:montpellier", 2018, store=small_store)
    results = academie.results
    by_name = {c.nom: c.id for c in academie.children} | {c.label: c.id for c in academie.children}
    ind = "connectivite.acces_internet"
    for fig in (academie.chart_sublevel(ind), academie.map(ind)):
        table = fig.data_table.set_index("Territoire")
        assert len(table) == len(academie.children)
        for name, row in table.iterrows():
            assert row["Part"] == _printed(results, by_name[name], ind)
            expected = nc.stated_rate(results[(results["territoire"] == by_name[name]) & (results["indicateur"] == ind)
                                              & (results["type"] == "ensemble")].iloc[0])
            assert row["Taux de n.c."] == (nc.percent_range([expected]) if expected is not None else "")
    herault = Chapter("departement:34", 2018, store=small_store)
    comparison = herault.chart_comparison(ind).data_table.set_index("Territoire")["Part"]
    drawn = herault.comparison(ind, "ensemble")              # a partly covered parent is left out
    assert len(comparison) == len(drawn) >= 2
    assert comparison.to_dict() == {r.libelle: _printed(herault.results, r.territoire, ind) for r in drawn.itertuples()}
    chain = [herault.territory] + herault.compared_parents
    by_type = herault.chart_by_type("equipement.eleves_par_terminal").data_table.set_index("Type d'établissement")
    assert len(by_type) >= 2
    types = {label: code for code, label in TYPE_LABELS.items()}
    for name, value in by_type["Valeur"].items():
        assert value == _printed(herault.results, herault.territory.id, "equipement.eleves_par_terminal", types[name])
    shares = herault.chart_distribution("perimetre.part_type", by="territoire").data_table.set_index("Territoire")
    levels = dict(herault.levels("perimetre.part_type"))
    for label, row in shares.iterrows():
        territory = next(t for t in chain if t.label == label)
        for level_id, level_label in levels.items():
            type_ = herault.published_types(level_id)[0]
            assert row[level_label] == _printed(herault.results, territory.id, level_id, type_)


def test_the_data_of_the_peers_strip_chart_give_every_peer():
    import pandas as pd

    from analysis.report.peer_charts import peer_strips

    frame = pd.DataFrame({"territoire": ["departement:31", "departement:09", "departement:12"],
                          "libelle": ["Haute-Garonne (31)", "Ariège (09)", "Aveyron (12)"],
                          "valeur": [99.6, 100.0, None], "rang": [2, 1, None], "statut": ["ok", "ok", "secret"]})
    fig = peer_strips([("Accès à internet", frame, "%")], "departement:31", title="t", source="s",
                      peers_label="départements", reference=[None])
    assert fig.data_table.to_dict("list") == {"Territoire": ["Haute-Garonne (31)", "Ariège (09)", "Aveyron (12)"],
                                              "Accès à internet": ["99,6\u00a0%", "100\u00a0%", "s."]}
