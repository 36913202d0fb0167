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
