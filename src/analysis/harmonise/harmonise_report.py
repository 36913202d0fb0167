"""The harmonisation report: what happened on the way from the raw files to the harmonised table
(everything not matched or excluded, counted, with examples); kept with the cached table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class HarmoniseReport:
    """What happened on the way: counts and examples of everything not matched or excluded."""

    annee: int
    vintage: str
    sources: dict[str, list[str]] = field(default_factory=dict)
    annuaire_rows: int = 0
    annuaire_duplicate_lines: int = 0
    hors_perimetre: dict[str, int] = field(default_factory=dict)
    etic_rows: dict[str, int] = field(default_factory=dict)
    etic_absent_annuaire: list[str] = field(default_factory=list)
    etic_hors_perimetre_annuaire: list[str] = field(default_factory=list)
    etic_nature_differs: list[str] = field(default_factory=list)
    uai_departement_mismatch: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    ignored_answers: list[str] = field(default_factory=list)
    couverture_unmatched: int = 0
    experimentations_unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The universe of the millésime: reference date per survey (ISO), the annuaire's last update,
    #: the establishments left out because opened after the reference date (all of them, and
    #: those in the survey's field, which counted as non-respondents before), respondents opened
    #: after it (kept: they answered).
    date_reference: dict[str, str] = field(default_factory=dict)
    annuaire_date: str = ""
    ouverts_apres_reference: list[str] = field(default_factory=list)
    ouverts_apres_reference_champ: list[str] = field(default_factory=list)
    repondants_ouverts_apres_reference: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> HarmoniseReport:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def summary(self) -> list[str]:
        lines = [f"millésime {self.annee} (carte des académies {self.vintage})",
                 f"annuaire: {self.annuaire_rows} lignes, {self.annuaire_duplicate_lines} lignes "
                 "en double fusionnées"]
        if self.hors_perimetre:
            total = sum(self.hors_perimetre.values())
            lines.append(f"hors périmètre (annuaire): {total} entrées "
                         f"({', '.join(f'{k}: {v}' for k, v in list(self.hors_perimetre.items())[:5])}…)")
        for key, n in self.etic_rows.items():
            lines.append(f"{key}: {n} réponses")
        for label, items in (("réponses ETIC absentes de l'annuaire", self.etic_absent_annuaire),
                             ("réponses ETIC hors périmètre dans l'annuaire (nature changée depuis)",
                              self.etic_hors_perimetre_annuaire),
                             ("UAI dont le préfixe contredit le département", self.uai_departement_mismatch),
                             ("établissements non placés dans un département", self.unplaced),
                             ("réponses ignorées (question non posée ce millésime)", self.ignored_answers)):
            if items:
                lines.append(f"{label}: {len(items)} ({', '.join(items[:5])}{'…' if len(items) > 5 else ''})")
        if self.ouverts_apres_reference:
            lines.append(f"ouverts après la date de référence ({', '.join(self.date_reference.values())}), "
                         f"hors de l'univers: {len(self.ouverts_apres_reference)}, dont "
                         f"{len(self.ouverts_apres_reference_champ)} dans le champ de l'enquête")
        if self.couverture_unmatched:
            lines.append(f"couverture: {self.couverture_unmatched} UAI hors périmètre")
        return lines
