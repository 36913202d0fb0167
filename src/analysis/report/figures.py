"""The figures of a chapter: charts and maps of its indicators, or why there is nothing to draw.

Functions of a chapter ``ch`` (exposed as its methods: ``ch.chart_by_type(...)``). Each returns a
matplotlib figure (drawn by :mod:`.charts` or :mod:`.maps`, titled with the territory and the
millésime, with the source line and its n.c. rate), or a :class:`NoFigure` holding the French
reason why there is none; ``ch.show_figure`` (:mod:`.display`) shows either. Bar labels come
from the indicator declarations (``chart_label`` in ``indicators.yml``) unless given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from analysis import indicators
from analysis.core.formatting import UNIT_SEP
from analysis.core.statuts import Statut
from analysis.core.vocabulary import LEVEL_NOUNS, TYPE_ORDER, the_territory
from analysis.report import narrative

if TYPE_CHECKING:
    from analysis.report.chapter import Chapter

__all__ = ["NoFigure"]


class NoFigure:
    """Nothing to draw, and why (French Markdown); shown in place of the figure."""

    def __init__(self, text: str = ""):
        self.text = text

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"NoFigure({self.text!r})"

    def _repr_markdown_(self) -> str:
        return self.text


def _not_available(frame: pd.DataFrame) -> pd.Series:
    """Rows without a source or without establishment (absent, vide): no bar, not even a stub."""
    return frame["statut"].map(lambda s: Statut.parse(s).not_available).astype(bool)


def _labels(inds: Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    """Indicator -> bar label: those given, else each declaration's ``chart_label``."""
    if isinstance(inds, Mapping):
        return dict(inds)
    return {i: indicators.catalogue()[i].chart_label for i in inds}


def _subject_title(ch: Chapter, ind: str, type_: str, row, title: str | None, by_sublevel: bool = False) -> str:
    subject = narrative.subject(type_, public=ch.public(ind), ensemble=ch.ensemble_for(row))
    where = f"par {LEVEL_NOUNS[ch.sublevel].singular}" if by_sublevel else str(ch.year)
    return title or f"{row['titre']} — {subject}, {where}"


def chart_by_type(ch: Chapter, ind: str, title: str | None = None, *, types: Sequence[str] | None = None,
                  **kwargs):
    """Bars by type of establishment (types whose source is absent are left out)."""
    from analysis.report import charts

    frame = ch.rows(ind, types)
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(ind, types))
    row = frame.iloc[0]
    return charts.bar_by_type(frame, ch.title(title or str(row["titre"])), ch.source_of(frame),
                              unit=str(row["unite"]), **kwargs)


def chart_comparison(ch: Chapter, ind: str, type_: str = "ensemble", title: str | None = None, **kwargs):
    """The territory against its parents and France (nothing for France itself)."""
    from analysis.report import charts

    frame = ch.comparison(ind, type_)
    if len(frame) < 2 or frame["statut"].eq(Statut.ABSENT).all():
        return NoFigure("")  # France has no parent; an absent source is said by the text
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(ind, [type_]))
    row = frame.iloc[0]
    return charts.bar_comparison(frame, _subject_title(ch, ind, type_, row, title), ch.comparison_source(frame),
                                 unit=str(row["unite"]), highlight=ch.territory.id, label_col="libelle", **kwargs)


def chart_distribution(ch: Chapter, base: str, title: str | None = None, *, types: Sequence[str] | None = None,
                       by: str = "type", reverse: bool = False, labels: Mapping[str, str] | None = None,
                       **kwargs):
    """100 % stacked bars of a distribution (one bar per type, or per territory with
    ``by="territoire"``: the territory and its parents). ``labels``: level -> legend label, in
    place of the declared ``chart_labels``."""
    from analysis.report import charts

    cat = indicators.catalogue()
    levels = [(i, (labels or {}).get(cat[i].level, cat[i].chart_label)) for i, _ in ch.levels(base)]
    if reverse:
        levels = levels[::-1]
    ids = [i for i, _ in levels]
    if by == "territoire":
        type_ = (types or ch.published_types(ids[0]))[0]
        chain = [ch.territory] + ch.compared_parents
        frame = pd.DataFrame([ch.row(i, type_, t) for t in chain for i in ids]).reset_index(drop=True)
        bar_labels = {t.id: t.label for t in chain}
        order = [t.id for t in chain]
    else:
        types = types or ch.published_types(ids[0])
        frame = pd.concat([ch.rows(i, types) for i in ids], ignore_index=True)
        bar_labels, order = None, [t for t in TYPE_ORDER if t in set(frame["type"])] if len(frame) else None
    # a type without establishment or source has no bar; a territory without data keeps its bar (n.d.)
    frame = frame[~_not_available(frame) | (by == "territoire")]
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(ids[0], types))
    bar_by = "territoire" if by == "territoire" else "type"
    if bar_by == "type" and len(ids) > 3 and "figsize" not in kwargs:
        kwargs["figsize"] = (6.4, 4.2)  # room for the legend of many levels
    first = frame[frame["indicateur"] == ids[0]]
    source = ch.source_of(first) if bar_by == "type" else ch.comparison_source(first)  # each territory's n.c.
    kwargs.setdefault("note", ch.levels_note(base))  # the levels the year's questionnaire does not have
    return charts.stacked_distribution(frame, ids, [lab for _, lab in levels], ch.title(title or cat[ids[0]].title),
                                       source, by=bar_by, order=order, bar_labels=bar_labels, **kwargs)


def chart_yes_no(ch: Chapter, ind: str, yes: str, no: str, title: str | None = None, *,
                 types: Sequence[str] | None = None, **kwargs):
    """A share and its complement as 100 % stacked bars by type (e.g. public / privé)."""
    from analysis.report import charts

    frame = ch.rows(ind, types)
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(ind, types))
    wide = frame.assign(oui=frame["valeur"], non=100 - frame["valeur"])
    return charts.stacked_distribution(wide, ["oui", "non"], [yes, no], ch.title(title or str(frame.iloc[0]["titre"])),
                                       ch.source_of(frame), by="type", **kwargs)


def chart_grouped(ch: Chapter, inds: Sequence[str] | Mapping[str, str], title: str, *,
                  types: Sequence[str] | None = None, **kwargs):
    """Bars grouped by type, one colour per indicator (e.g. hors REP / REP / REP+); ``inds``:
    indicator ids (labelled by their ``chart_label``) or a mapping id -> label."""
    from analysis.report import charts

    labels = _labels(inds)
    frames = []
    for ind in labels:
        ts = [t for t in (types or ch.published_types(ind)) if t in ch.published_types(ind)]
        frames.append(ch.rows(ind, ts))
    frame = pd.concat(frames, ignore_index=True)
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(next(iter(labels)), types))
    present = [i for i in labels if i in set(frame["indicateur"])]
    if "figsize" not in kwargs:  # never wider than the text: many bars get thinner, not smaller text
        bars = frame["type"].nunique() * len(present)
        kwargs["figsize"] = (min(6.4, max(4.8, 1.4 + 0.55 * bars)), 3.8)
    # one rate per type when the bars of a type share it, else the range of every bar's rate
    shared = frame.dropna(subset=["taux_nc"]).assign(r=lambda f: f["taux_nc"].round()).groupby("type")["r"].nunique()
    source = ch.source_of(frame, by="type" if (shared <= 1).all() else None)
    return charts.grouped_bars(frame, "type", "indicateur", ch.title(title), source,
                               unit=str(frame["unite"].iloc[0]), hue_order=present, hue_labels=labels, **kwargs)


def chart_ranked(ch: Chapter, inds: Sequence[str] | Mapping[str, str], title: str, type_: str = "ensemble",
                 **kwargs):
    """Several shares of one type, ranked (e.g. the types of digital resources)."""
    from analysis.report import charts

    labels = _labels(inds)
    frame = pd.DataFrame([ch.row(i, type_) for i in labels]).reset_index(drop=True)
    frame = frame[~_not_available(frame)]
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(next(iter(labels)), [type_]))
    source = ch.source_of(frame, by=None)
    frame = frame.assign(libelle=frame["indicateur"].map(labels), indicateur="ensemble_des_modalites")
    return charts.ranked_bars(frame.drop(columns=["territoire"]), ch.title(title), source,
                              unit=str(frame["unite"].iloc[0]), label_col="libelle", category="Catégorie", **kwargs)


def chart_sublevel(ch: Chapter, ind: str, type_: str = "ensemble", title: str | None = None, **kwargs):
    """Sub-territories ranked, with the territory's value as a reference line."""
    from analysis.report import charts

    frame = ch.sublevel_values(ind, type_)
    if frame.empty:
        return NoFigure("")
    frame = frame[~_not_available(frame)]
    if not ch.has_data(frame):
        return NoFigure(ch.no_data(ind, [type_]))
    row = ch.row(ind, type_)
    reference = (ch.territory.nom if ch.territory.level != "france" else "France",
                 float(row["valeur"])) if row["statut"] == Statut.OK else None
    return charts.ranked_bars(frame, ch.title(_subject_title(ch, ind, type_, row, title, by_sublevel=True)),
                              ch.sublevel_source(ind, type_), unit=str(row["unite"]), label_col="nom",
                              reference=reference, **kwargs)


def choropleth_map(ch: Chapter, ind: str, type_: str = "ensemble", title: str | None = None, **kwargs):
    """Choropleth of the sub-territories (départements), or why there is none."""
    if not ch.children:
        text = (f"Pas de carte pour un périmètre sur mesure{UNIT_SEP}: il n'est pas découpé en "
                "sous-territoires." if ch.is_perimeter else
                f"Pas de carte pour une collectivité{UNIT_SEP}: son édition ne la découpe pas en "
                "sous-territoires." if ch.is_collectivity else
                f"Pas de carte pour une édition départementale{UNIT_SEP}: le département n'a pas de "
                "sous-territoire dans ce rapport.")
        if ch.compared_parents:
            names = narrative.join([the_territory(p.label, p.level) for p in ch.compared_parents])
            text += f" La comparaison avec {names} en tient lieu."
        return NoFigure(text)
    frame = ch.sublevel_values(ind, type_)
    if frame["statut"].eq(Statut.ABSENT).all():
        return NoFigure(f"Pas de carte{UNIT_SEP}: "
                        + narrative.missing_reason(ch.row(ind, type_), threshold=ch.threshold) + ".")
    if not (frame["statut"] == Statut.OK).any():
        noun = LEVEL_NOUNS[ch.sublevel].singular
        return NoFigure(f"Pas de carte{UNIT_SEP}: aucun {noun} n'a de valeur publiable.")
    from analysis.report import maps

    row = ch.row(ind, type_)
    # n.d. where the data do not cover a département, – where it has no establishment concerned
    values = frame.assign(statut=frame["statut"].where(
        frame["statut"].isin([Statut.OK, Statut.SECRET, Statut.ABSENT, Statut.VIDE]), Statut.NC.value))
    source = ch.sublevel_source(ind, type_)
    if ch.geometries is not None:
        registry = ch.store.registry
        producer = registry["departements_geo"].producer if "departements_geo" in registry else ""
        source += f"{UNIT_SEP}; fond de carte{UNIT_SEP}: {producer.split(',')[0].strip() or 'IGN'}"
    options = maps.MapOptions(title=ch.title(_subject_title(ch, ind, type_, row, title, by_sublevel=True)),
                              source=source, unit=str(row["unite"]), **kwargs)
    return maps.choropleth(values, ch.geometries, level=ch.sublevel, vintage=ch.vintage, options=options)
