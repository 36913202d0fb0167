"""One printed value: sentences, chart labels, table cells, the index page and the edition cache key
print an indicator value the same way (core.formatting.fmt_value)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.build import keys, site_index  # noqa: E402
from analysis.core.formatting import THOUSANDS_SEP, UNIT_SEP  # noqa: E402
from analysis.report import charts, narrative  # noqa: E402
from analysis.report.chapter import cell_text  # noqa: E402

# (value, unit, indicator whose wording fits the unit, as printed)
CASES = [
    (99.6, "%", "connectivite.acces_internet", f"99,6{UNIT_SEP}%"),
    (0.4, "%", "connectivite.acces_internet", f"0,4{UNIT_SEP}%"),
    (100.0, "%", "connectivite.acces_internet", f"100{UNIT_SEP}%"),
    (2.27, "ratio", "equipement.eleves_par_terminal", "2,3"),
    (63059.0, "count", "perimetre.etablissements", f"63{THOUSANDS_SEP}059"),
]


def row(value: float, unit: str, ind: str, **kw) -> pd.Series:
    base = {"territoire": "departement:31", "indicateur": ind, "type": "ensemble", "titre": "Titre",
            "theme": ind.split(".")[0], "unite": unit, "valeur": value, "taux_nc": 10.0, "statut": "ok",
            "source": "ETIC 2018", "univers": 100, "non_communique": 10}
    base.update(kw)
    return pd.Series(base)


def chart_labels(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


@pytest.mark.parametrize(("value", "unit", "ind", "printed"), CASES, ids=[c[3] for c in CASES])
def test_every_consumer_prints_the_same_value(value, unit, ind, printed):
    r = row(value, unit, ind)
    assert printed in narrative.sentence(r)
    assert cell_text(r) == printed
    frame = pd.DataFrame([r, row(value, unit, ind, type="college")])
    assert printed in chart_labels(charts.bar_by_type(frame, "Titre", "ETIC 2018"))
    assert printed in chart_labels(charts.bar_comparison(frame.assign(type="ensemble", territoire=["a", "b"]),
                                                         "Titre", "ETIC 2018"))
    ident, type_, _ = site_index.KEY_FIGURES[0]
    results = pd.DataFrame([row(value, unit, ident, type=type_)])
    assert site_index.key_figures(results, "departement:31")[0][0] == printed


def test_stacked_shares_print_as_the_sentence_says():
    frame = pd.DataFrame([row(99.6, "%", "services.ent", type="college")])
    fig = charts.stacked_distribution(frame.assign(oui=99.6, non=0.4), ["oui", "non"], ["oui", "non"], "Titre",
                                      "ETIC 2018", by="type")
    assert f"99,6{UNIT_SEP}%" in chart_labels(fig)
    assert f"0,4{UNIT_SEP}% non" in fig.alt_text


def test_the_cache_key_moves_with_the_printed_value():
    def key(value: float) -> str:
        return keys.printed_values(pd.DataFrame([row(value, "%", "connectivite.acces_internet")]))["departement:31"]

    assert key(99.6) != key(99.7)          # the text of the child editions changes: rebuild them
    assert key(97.6) == key(97.7)          # both print "98 %": nothing to rebuild
