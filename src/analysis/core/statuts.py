"""The statut of an indicator row: whether it has a value, and if not why, and how that is printed.

Every row of the indicator table (:mod:`analysis.indicators`) carries one :class:`Statut` in its
``statut`` column, decided once where the table is made; the report, the charts and maps, the
CSV/xlsx exports, the index page and the command line all read it from there and print its
:attr:`~Statut.mark`. A row has a value only when its statut is :attr:`Statut.OK`.

======================  ======  ==============================================================
statut                  mark    when
======================  ======  ==============================================================
``ok``                          a value (enough respondents)
``nc``                  n.c.    non communiqué: nobody in the universe answered the question
``secret``              s.      secret statistique: fewer respondents than the threshold
                                (:data:`SECRET_THRESHOLD`), the value is never shown
``absent``              n.d.    non disponible: the source has no data for the millésime, or the
                                data folder (or a local source) does not cover the territory;
                                the row's ``motif`` says which
``hors_questionnaire``  n.d.    a level (answer) that the millésime's questionnaire does not have
``vide``                –       sans objet: no establishment of that type in the territory
======================  ======  ==============================================================

When several apply to a row, the first of :data:`PRECEDENCE` wins (absent > hors_questionnaire
> vide > nc > secret: with no respondent at all a row is nc, not secret). :class:`Statut` is a
``str`` enum: ``Statut.OK == "ok"``, so the column stays plain strings in parquet and CSV files.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["BREAK_MARK", "EMPTY", "NC", "ND", "PARTIAL_MARK", "PRECEDENCE", "SECRET", "SECRET_THRESHOLD", "Extent",
           "Statut", "UNCOVERED"]

#: Fewer respondents than this and a value is secret (« s. »); ``--threshold`` changes it.
SECRET_THRESHOLD = 5

NC = "n.c."          # non communiqué
SECRET = "s."        # secret statistique
ND = "n.d."          # non disponible
EMPTY = "\u2013"     # EN DASH: sans objet

#: Marks beside a value (not statuts): a territory the data cover only in part (its value is that of
#: its covered part), and a break of comparability between millésimes (the question changed).
PARTIAL_MARK = "‡"
BREAK_MARK = "†"

#: The ``motif`` of a row whose territory the data folder does not cover at all.
UNCOVERED = "les fichiers de données ne couvrent pas ce territoire"


class Statut(StrEnum):
    """Why a row of the indicator table has a value or not (see the module docstring)."""

    OK = "ok"
    NC = "nc"
    SECRET = "secret"
    ABSENT = "absent"
    HORS_QUESTIONNAIRE = "hors_questionnaire"
    VIDE = "vide"

    @property
    def mark(self) -> str:
        """What a table cell, a chart or the index page prints instead of a value ("" for ok)."""
        return _MARKS[self]

    @property
    def words(self) -> str:
        """The mark in words, for legends and alt texts ("non communiqué")."""
        return _WORDS[self]

    @property
    def has_value(self) -> bool:
        return self is Statut.OK

    @property
    def not_available(self) -> bool:
        """No source to tell (absent) or nothing to count (vide): a chart by type leaves such a
        row out, where it draws a stub for nc and secret."""
        return self in (Statut.ABSENT, Statut.VIDE)

    @classmethod
    def parse(cls, value: object) -> Statut:
        """The statut named by a code, a mark or words ("secret", "s.", "n.d.", "sans objet"…);
        anything else, a missing value included, is :attr:`NC` (never a value by mistake)."""
        if isinstance(value, Statut):
            return value
        if value is None or value != value:          # None, NaN
            return cls.NC
        return _ALIASES.get(str(value).strip().lower(), cls.NC)

    @classmethod
    def most_telling(cls, statuts) -> Statut:
        """One statut for several rows drawn as one (a stacked bar): ok if any has a value, else
        the first found of absent, hors_questionnaire, vide, secret (somebody answered), nc."""
        found = {cls.parse(s) for s in statuts}
        if cls.OK in found:
            return cls.OK
        order = (cls.ABSENT, cls.HORS_QUESTIONNAIRE, cls.VIDE, cls.SECRET, cls.NC)
        return next((s for s in order if s in found), cls.NC)


_MARKS = {Statut.OK: "", Statut.NC: NC, Statut.SECRET: SECRET, Statut.ABSENT: ND,
          Statut.HORS_QUESTIONNAIRE: ND, Statut.VIDE: EMPTY}
_WORDS = {Statut.OK: "", Statut.NC: "non communiqué", Statut.SECRET: "secret statistique",
          Statut.ABSENT: "non disponible",
          Statut.HORS_QUESTIONNAIRE: "modalité absente du questionnaire de l'année",
          Statut.VIDE: "sans objet"}
_ALIASES = {**{s.value: s for s in Statut},
            "s": Statut.SECRET, "s.": Statut.SECRET, "secret statistique": Statut.SECRET,
            "nd": Statut.ABSENT, "n.d.": Statut.ABSENT, "non disponible": Statut.ABSENT,
            "so": Statut.VIDE, "sans objet": Statut.VIDE, EMPTY: Statut.VIDE,
            "n.c.": Statut.NC, "non communiqué": Statut.NC}

#: Which reason wins when several apply to one row (:func:`analysis.indicators.compute.compute`).
PRECEDENCE = (Statut.ABSENT, Statut.HORS_QUESTIONNAIRE, Statut.VIDE, Statut.NC, Statut.SECRET)


class Extent(StrEnum):
    """How much of a territory the data of a source family cover (``couverture_donnees``,
    :mod:`analysis.harmonise.extent`): every département, some, or none. A row of a territory
    of extent :attr:`NONE` is « n.d. » (statut absent, ``motif`` :data:`UNCOVERED`)."""

    COMPLETE = "complète"
    PARTIAL = "partielle"
    NONE = "aucune"
