"""Checks of ``resources/indicators.yml`` when it is loaded, so that a typo in a declaration stops
the tool with a message naming the file, the indicator and the key, instead of a KeyError deep in a
computation or a sentence that prints "{sujet}"."""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path

from analysis.core.errors import InputError
from analysis.core.vocabulary import DEFAULT_TYPES, TYPES

# What every indicator declares, and what each kind adds (required, optional).
REQUIRED = {"title", "theme", "kind", "unit", "source", "definition"}
OPTIONAL = {"universe", "types", "comparable_since", "report_2018", "answered", "filter",
            "wording", "chart_label", "key_figure", "index_figure", "completeness_column", "coverage",
            "rank_order"}
KINDS = {
    "share": ({"condition"}, {"weight"}),
    "ratio": ({"numerator", "denominator"}, {"percent"}),
    "count": (set(), {"condition"}),
    "distinct": ({"column"}, set()),
    "subterritories": ({"of", "level", "type", "at_least"}, set()),
    # one share per level: what is said and drawn is declared per level (chart_labels)
    "distribution": ({"column", "levels"}, {"level_labels", "chart_labels"}),
}
NOT_FOR_DISTRIBUTIONS = {"wording", "chart_label", "key_figure", "index_figure", "rank_order"}
RANK_ORDERS = {"ascending", "descending"}
UNITS = {"%", "ratio", "count"}
UNIVERSES = {"etic", "perimetre"}
TOP_LEVEL = {"sources", "indicators", "unavailable", "shared", "themes"}
WORDING = {"sentence", "short", "counts", "counted", "unit_words"}
# The placeholders a clause may use (see the header of indicators.yml).
AGREEMENT = {"sujet", "s", "e", "publics", "nbsp"}
PLACEHOLDERS = {"sentence": AGREEMENT | {"v"}, "short": AGREEMENT | {"v"}, "counts": AGREEMENT | {"n"}}
COUNT_FORMS = {"zero", "one", "many"}
NOUN = {"singular", "plural", "gender"}
#: How the columns of ``answered`` tell who answered: any of them known (the boxes of one
#: question), or all of them (several questions, e.g. an answer and its weight).
ANSWERED_RULES = ("any", "all")


def answered_rule(answered) -> tuple[str, list[str]]:
    """("any" or "all", columns) of an ``answered`` declaration; a plain list is "any"."""
    if isinstance(answered, Mapping):
        ((how, columns),) = answered.items()
        return str(how), list(columns or [])
    return "any", list(answered or [])


def condition_columns(condition: Mapping) -> list[str]:
    """The columns a share's condition reads."""
    found: list[str] = []
    for kind, arg in (condition or {}).items():
        found += list(arg) if kind == "any_true" else [arg["column"]] if isinstance(arg, Mapping) else [arg]
    return found


def check_document(document: Mapping, path: Path, *, themes: Mapping[str, str]) -> None:
    """Raise :class:`InputError` at the first declaration that is not well formed."""

    def fail(message: str, *, hint: str | None = None):
        raise InputError(path, message, hint=hint or "See the header of the file for the keys and their meaning.")

    if not isinstance(document, Mapping) or "indicators" not in document or "sources" not in document:
        fail("expected the top-level keys 'sources' and 'indicators'")
    _unknown(set(document) - TOP_LEVEL, "the top level", fail)
    indicators = document["indicators"]
    for ident, spec in indicators.items():
        where = f"indicator '{ident}'"
        if not isinstance(spec, Mapping):
            fail(f"{where}: expected a mapping of keys")
        kind = spec.get("kind")
        if kind not in KINDS:
            fail(f"{where}, key 'kind': {kind!r} is not one of {', '.join(KINDS)}")
        required, optional = KINDS[kind]
        for key in sorted((REQUIRED | required) - set(spec)):
            fail(f"{where}: missing key '{key}'")
        allowed = REQUIRED | OPTIONAL | required | optional
        if kind == "distribution":
            allowed -= NOT_FOR_DISTRIBUTIONS
        _unknown(set(spec) - allowed, where, fail)
        _check_values(ident, spec, where, fail, themes=themes, sources=document["sources"], ids=indicators)
        _check_wording(spec.get("wording", {}), f"{where}, key 'wording", fail)
    for key, entry in (document.get("unavailable") or {}).items():
        where = f"unavailable figure '{key}'"
        if not isinstance(entry, Mapping):
            fail(f"{where}: expected the keys 'label' and 'reason'")
        for missing in sorted({"label", "reason"} - set(entry)):
            fail(f"{where}: missing key '{missing}'")
        _unknown(set(entry) - {"label", "reason"}, where, fail)


def _unknown(keys: set, where: str, fail) -> None:
    if keys:
        fail(f"{where}: unknown key '{sorted(map(str, keys))[0]}'")


def _check_values(ident: str, spec: Mapping, where: str, fail, *, themes, sources, ids) -> None:
    def check(key: str, ok: bool, expected: str) -> None:
        if key in spec and not ok:
            fail(f"{where}, key '{key}': {spec[key]!r} is not {expected}")

    check("unit", spec.get("unit") in UNITS, f"one of {', '.join(sorted(UNITS))}")
    check("theme", spec.get("theme") in themes, f"one of {', '.join(themes)}")
    check("source", spec.get("source") in sources, f"a source declared under 'sources' ({', '.join(sources)})")
    universe = spec.get("universe")
    check("universe", universe in UNIVERSES if not isinstance(universe, Mapping) else set(universe) == {"source"},
          f"one of {', '.join(sorted(UNIVERSES))}, or {{source: <group of a local source>}}")
    check("of", spec.get("of") in ids, "an indicator of this file")
    check("rank_order", spec.get("rank_order") in RANK_ORDERS, f"one of {', '.join(sorted(RANK_ORDERS))}")
    types = list(spec.get("types", DEFAULT_TYPES))
    check("types", set(types) <= set(TYPES), f"a list of types among {', '.join(TYPES)}")
    check("key_figure", set(spec.get("key_figure", [])) <= set(types), f"a list of its types ({', '.join(types)})")
    check("index_figure", isinstance(spec.get("index_figure"), Mapping)
          and set(spec.get("index_figure", {})) <= set(types), "a mapping {type: heading} of its types")
    _check_answered(spec, where, fail)
    levels = {str(level) for level in spec.get("levels", [])}
    for key in ("level_labels", "chart_labels"):
        check(key, isinstance(spec.get(key), Mapping) and {str(k) for k in spec.get(key, {})} <= levels,
              "a mapping {level: label} of its levels")


def _check_answered(spec: Mapping, where: str, fail) -> None:
    """``answered``: a list of columns, or {any: [...]} / {all: [...]}; it names the condition's
    columns (an establishment that did not answer the condition's question is never a "no"), and
    never the weight among columns of which any one suffices (the weight is known for nearly every
    establishment: those that skipped the question would count as "no")."""
    if "answered" not in spec:
        return
    answered = spec["answered"]
    expected = "a list of columns, or {any: [columns]} or {all: [columns]}"
    if isinstance(answered, Mapping):
        if len(answered) != 1 or next(iter(answered)) not in ANSWERED_RULES \
                or not isinstance(next(iter(answered.values())), list):
            fail(f"{where}, key 'answered': {answered!r} is not {expected}")
    elif not isinstance(answered, list):
        fail(f"{where}, key 'answered': {answered!r} is not {expected}")
    how, columns = answered_rule(answered)
    if not all(isinstance(c, str) for c in columns):
        fail(f"{where}, key 'answered': {answered!r} is not {expected}")
    if not columns:
        return                      # everybody answered (e.g. the response rate)
    for column in condition_columns(spec.get("condition") or {}):
        if column not in columns:
            fail(f"{where}, key 'answered': the condition reads '{column}', which it does not list",
                 hint="An establishment that did not answer that question would count as « non ».")
    weight = spec.get("weight")
    if weight and how == "any" and weight in columns and len(columns) > 1:
        fail(f"{where}, key 'answered': the weight '{weight}' is one of columns of which any one known "
             f"suffices, so an establishment that skipped the question would count as « non »",
             hint=f"Use {{all: {columns}}} (or leave the weight out: it is always required).")


def _check_wording(wording: Mapping, where: str, fail) -> None:
    if not isinstance(wording, Mapping):
        fail(f"{where}': expected a mapping")
    _unknown(set(wording) - WORDING, where + "'", fail)
    forms = wording.get("counts", {})
    if "counts" in wording and (not isinstance(forms, Mapping) or set(forms) != COUNT_FORMS):
        fail(f"{where}.counts': expected the forms {', '.join(sorted(COUNT_FORMS))}")
    texts = [(key, wording[key], PLACEHOLDERS[key]) for key in ("sentence", "short") if key in wording]
    texts += [(f"counts.{form}", text, PLACEHOLDERS["counts"]) for form, text in forms.items()]
    for key, text, allowed in texts:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(str(text)) if name is not None}
        except ValueError as exc:
            fail(f"{where}.{key}': {exc} in {text!r}")
        for name in sorted(names - allowed):
            fail(f"{where}.{key}': placeholder {{{name}}} does not exist (use {', '.join(sorted(allowed))})")
    counted = wording.get("counted")
    if counted is not None and (not isinstance(counted, Mapping) or set(counted) != NOUN
                                or counted.get("gender") not in ("m", "f")):
        fail(f"{where}.counted': expected {{singular, plural, gender: m or f}}")
    unit_words = wording.get("unit_words")
    if unit_words is not None and (not isinstance(unit_words, list) or len(unit_words) != 2):
        fail(f"{where}.unit_words': expected [singular, plural]")
