"""Synthetic NATIONAL demo dataset, in exactly the official file layouts.

:func:`write_demo_files` writes, under the registry's file names, an annuaire de l'éducation,
ETIC 2d and 1d answers for each requested millésime, the coverage file and the experimentations
file for the whole country (101 départements), calibrated on the 2018 national figures of the
eCarto report. Every value is synthetic: see the ``DEMO.md`` written beside the files.

Same seed -> same bytes. The whole national dataset for two millésimes takes a few seconds
(``benchmarks/demo_bench.py``).

Modules: :mod:`.geography` (approximate départemental table), :mod:`.targets` (calibration
targets), :mod:`.sampling` (vectorised primitives), :mod:`.annuaire`, :mod:`.etic`,
:mod:`.coverage`, :mod:`.calibration` (national figures recomputed from the written files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.sources import load_registry

from .annuaire import annuaire_frame, establishments
from .coverage import couverture_frame, experimentations_frame
from .etic import etic_frames

__all__ = ["DEMO_KEYS", "DEFAULT_SEED", "DEFAULT_YEARS", "DemoData", "generate_demo", "write_demo_files",
           "write_csv", "demo_note"]

DEFAULT_SEED = 2018
DEFAULT_YEARS = (2018, 2019)
#: Registry keys of the files written, in writing order.
DEMO_KEYS = ("annuaire", "etic_2d", "etic_1d", "couverture", "experimentations")


@dataclass(frozen=True)
class DemoData:
    """The demo frames (text columns in the official layouts), by registry key."""

    seed: int
    years: tuple[int, ...]
    frames: dict[str, pd.DataFrame]


def generate_demo(seed: int = DEFAULT_SEED, years: tuple[int, ...] = DEFAULT_YEARS) -> DemoData:
    """Build the demo frames in memory (nothing written)."""
    years = tuple(sorted({int(y) for y in years}))
    if not years:
        raise ValueError("years must name at least one millésime")
    if min(years) < 2018:
        raise ValueError(f"The demo starts with millésime 2018 (the report's); got {min(years)}")
    est = establishments(seed)
    frames = {"annuaire": annuaire_frame(est, seed)}
    frames.update(etic_frames(est, seed, years))
    frames["couverture"] = couverture_frame(est, seed, years)
    frames["experimentations"] = experimentations_frame(est, seed, years)
    return DemoData(seed=seed, years=years, frames=frames)


def write_csv(frame: pd.DataFrame, path: Path, separator: str = ";", encoding: str = "utf-8-sig") -> Path:
    """Write text columns as the official exports: ``separator``, UTF-8 with BOM, "\\n" lines.

    Fields are joined directly (fast) when none needs quoting; otherwise pandas quotes them.
    """
    header = list(frame.columns)
    values = frame.to_numpy(dtype=object)
    columns = [values[:, j].tolist() for j in range(values.shape[1])]
    lines = [separator.join(header)] + list(map(separator.join, zip(*columns)))
    text = "\n".join(lines) + "\n"
    # Quoting is needed only if a field holds a separator, a quote or a line break: then the
    # counts of separators and line breaks in the joined text are off.
    clean = (text.count(separator) == len(lines) * (len(header) - 1) and text.count("\n") == len(lines)
             and '"' not in text and "\r" not in text)
    if not clean:
        frame.to_csv(path, sep=separator, index=False, encoding=encoding, lineterminator="\n")
        return path
    path.write_bytes(text.encode(encoding))
    return path


def demo_note(data: DemoData) -> str:
    """Text of DEMO.md: what the files are (synthetic) and how they were made."""
    counts = {key: len(frame) for key, frame in data.frames.items()}
    years = ", ".join(str(y) for y in data.years)
    return f"""# DONNÉES DE DÉMONSTRATION — SYNTHÉTIQUES

**Ces fichiers ne contiennent aucune donnée officielle.** Ils ont été générés par
`analysis.demo.write_demo_files(seed={data.seed}, years=({years}))` pour faire tourner la chaîne de
l'état des lieux sans connexion. Aucun établissement, aucune réponse, aucune couverture décrits ici
n'existent : les identifiants UAI sont valides (bon préfixe départemental, bonne lettre clé) mais
tirés au hasard, les noms et les communes sont inventés.

Les fichiers ont exactement la disposition des fichiers officiels (colonnes dans l'ordre de
`src/analysis/layouts.py`, séparateur `;`, UTF-8 avec BOM, nombres ETIC écrits `311.0`,
`oui`/`non`, case vide = pas de réponse). Les valeurs sont calibrées sur les chiffres nationaux
2018 du rapport eCarto (parts nationales, taux de n.c.) avec des contrastes territoriaux
aléatoires (graine fixe) ; {', '.join(str(y) for y in data.years[1:]) or 'aucun autre millésime'}
: petites évolutions plausibles, sans source.

| fichier | lignes | contenu |
|---|---:|---|
| fr-en-annuaire-education.csv | {counts['annuaire']} | écoles, collèges, lycées, EREA des 101 départements (aucune COM) |
| fr-en-etic_2d.csv | {counts['etic_2d']} | réponses ETIC second degré public, millésimes {years} (non-répondants absents) |
| fr-en-etic_1d.csv | {counts['etic_1d']} | réponses ETIC écoles publiques (disposition NON VÉRIFIÉE) |
| couverture-etablissements.csv | {counts['couverture']} | débit potentiel THD, opérateurs 3G/4G (disposition NON VÉRIFIÉE) |
| experimentations.csv | {counts['experimentations']} | collèges lab, e-FRAN (projets « e-FRAN démo nn »), ProFan |

Choix documentés :
- périmètre : 63 059 écoles, collèges, lycées et EREA, tous dans les 101 départements ; aucune
  collectivité d'outre-mer (COM) ;
- l'annuaire porte la carte académique actuelle (instantané) ; les fichiers ETIC portent la
  carte en vigueur au millésime ;
- lycées : les 10,9 % que le camembert du rapport n'attribue à aucun type sont des lycées
  d'enseignement général (nature 302) ;
- REP / REP+ : 8 % / 5 % de toutes les écoles et 10 % / 5 % de tous les collèges (comme le
  graphique du rapport), uniquement parmi les établissements publics.

Licence : données synthétiques de démonstration (générées par le projet, aucune valeur officielle).
"""


def write_demo_files(out_dir: Path, *, seed: int = DEFAULT_SEED,
                     years: tuple[int, ...] = DEFAULT_YEARS) -> list[Path]:
    """Write the national demo dataset into ``out_dir``; return the files written.

    The files are named as the registry's ``filename`` (fr-en-annuaire-education.csv,
    fr-en-etic_2d.csv, fr-en-etic_1d.csv, couverture-etablissements.csv, experimentations.csv),
    followed by ``DEMO.md``, which says they are synthetic.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = generate_demo(seed, years)
    registry = load_registry()
    written = []
    for key in DEMO_KEYS:
        source = registry[key]
        written.append(write_csv(data.frames[key], out_dir / source.filename, source.separator, source.encoding))
    note = out_dir / "DEMO.md"
    note.write_text(demo_note(data), encoding="utf-8")
    written.append(note)
    return written
