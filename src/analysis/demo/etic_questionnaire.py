"""The ETIC questionnaires (YAML) as the demo generator reads them: which raw columns a millésime
asks (``since`` / ``until``), the ENT answer's column, the answer codes from the lowest level up."""

from __future__ import annotations

from analysis.sources.questionnaires import for_year, questionnaire


def unasked_columns(name: str, year: int) -> set[str]:
    """Raw columns of the questions not asked in ``year`` (``since`` / ``until``)."""
    columns = set()
    for spec in questionnaire(name)["variables"].values():
        if isinstance(spec["column"], dict):
            continue
        since, until = spec.get("since"), spec.get("until")
        if (since is not None and year < int(since)) or (until is not None and year > int(until)):
            columns.add(spec["column"])
    return columns


def ent_column(name: str, year: int) -> str:
    return for_year(questionnaire(name)["variables"]["ent"]["column"], year)


def ordered_codes(name: str, variable: str, year: int) -> list[str]:
    """Raw codes of a category variable in ``year``, from the lowest level to the highest."""
    spec = questionnaire(name)["variables"][variable]
    codes = for_year(spec["codes"], year)
    levels = spec["levels"]
    return sorted(codes, key=lambda code: levels.index(codes[code]))
