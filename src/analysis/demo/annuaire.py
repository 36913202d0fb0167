"""Synthetic establishments (écoles, collèges, lycées, EREA) and the annuaire file.

:func:`establishments` builds one row per establishment with the internal fields every other demo
file derives from (UAI, département, nature, sector, éducation prioritaire, pupils, coordinates,
persistent latent scores). :func:`annuaire_frame` formats it in the 69-column annuaire layout.
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from analysis.core import territories
from analysis.core.uai import CHECK_LETTERS
from analysis.sources import layouts

from . import targets as T
from .geography import Geography, geography
from .sampling import allocate, pick, rng_for, share_count

# Persistent establishment-level latent dimensions (standard normal), shared by every millésime.
LATENTS = ("resp", "lazy", "conn", "equip", "mobile", "recent", "maint", "tni", "ent", "res",
           "wifi", "impr3d", "classes")

LIBELLE_NATURE = {
    "101": "ECOLE MATERNELLE",
    "151": "ECOLE DE NIVEAU ELEMENTAIRE",
    "340": "COLLEGE",
    "300": "LYCEE ENSEIGNT GENERAL ET TECHNOLOGIQUE",
    "301": "LYCEE D ENSEIGNEMENT TECHNOLOGIQUE",
    "302": "LYCEE D ENSEIGNEMENT GENERAL",
    "306": "LYCEE POLYVALENT",
    "307": "LYCEE ENS GENERAL TECHNO PROF AGRICOLE",
    "310": "LYCEE CLIMATIQUE",
    "320": "LYCEE PROFESSIONNEL",
    "370": "ETAB REGIONAL/LYCEE ENSEIGNEMENT ADAPTE",
}
TYPE_ETABLISSEMENT = {"ecole": "Ecole", "college": "Collège", "lycee": "Lycée", "erea": "EREA"}
MEN = "MINISTERE DE L'EDUCATION NATIONALE"
ANNUAIRE_DATE = "2018-10-25"
# Current académie map for the annuaire (a snapshot downloaded today carries it).
ANNUAIRE_VINTAGE = "2020"
EPSG = {"971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}

_PATRONS = np.array([
    "Jules Ferry", "Jean Moulin", "Victor Hugo", "Jean Jaurès", "Louis Pasteur", "Marie Curie",
    "Jacques Prévert", "Paul Langevin", "Albert Camus", "Jean de la Fontaine", "Pierre et Marie Curie",
    "Antoine de Saint-Exupéry", "Georges Brassens", "Simone Veil", "Charles Péguy", "Voltaire",
    "Molière", "Condorcet", "Jean Zay", "Lucie Aubrac", "Paul Éluard", "Louise Michel", "Jean Rostand",
    "Marcel Pagnol", "Frédéric Mistral", "George Sand", "Colette", "Les Tilleuls", "Le Château",
    "Les Platanes", "Du Centre", "Du Bourg", "Les Écureuils", "Pablo Picasso", "Claude Monet",
    "Aimé Césaire", "Olympe de Gouges", "Robert Desnos", "Camille Claudel", "Joliot-Curie",
])
_SAINTS = np.array([
    "Sainte-Marie", "Saint-Joseph", "Notre-Dame", "Jeanne d'Arc", "Saint-Michel", "La Salle",
    "Sainte-Thérèse", "Saint-Louis", "Immaculée Conception", "Saint-Vincent", "Sacré-Cœur",
    "Sainte-Anne", "Saint-Martin", "Saint-Paul",
])
_STREETS = np.array([
    "rue de l'École", "avenue de la République", "rue Jean Jaurès", "place de la Mairie",
    "chemin des Écoliers", "rue du Stade", "boulevard Victor Hugo", "rue des Écoles", "allée des Tilleuls",
    "route de la Gare", "rue Pasteur", "impasse du Moulin",
])
_SYLLABLES_A = ["Mont", "Ville", "Saint-", "Beau", "Roche", "Font", "Bois", "Champ", "Mar", "Lan",
                "Pont", "Val", "Cour", "Cha", "Bel", "Ker", "Port", "Neuf", "Sainte-", "Plou"]
_SYLLABLES_B = ["bert", "mont", "ville", "lieu", "sac", "gny", "court", "bourg", "vert", "lac",
                "ac", "ière", "ange", "oux", "eix", "zac", "mer", "neuve", "fort", "rieu"]
_SUFFIXES = ["", "", "", "", "-sur-Loire", "-en-Bois", "-la-Forêt", "-le-Château", "-sur-Mer", "-les-Bains"]


def _ascii_upper(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()


@cache
def _commune_name(code: str) -> str:
    h = zlib.crc32(code.encode())
    first, second = _SYLLABLES_A[h % 20], _SYLLABLES_B[(h >> 5) % 20]
    if first.endswith("-"):
        second = second.capitalize()
    return first + second + _SUFFIXES[(h >> 10) % 10]


def _type_factor(geo: Geography, values: dict[str, float], overrides: dict[str, float] | None = None):
    factor = np.array([values[t] for t in geo.typo], dtype=float)
    for code, value in (overrides or {}).items():
        factor[geo.index(code)] = value
    return factor


def _allocate_nature_counts(geo: Geography, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Counts per département (aligned with ``geo.codes``) for each nature group."""
    n_college = share_count(T.KIND_SHARES["college"], T.TOTAL_ESTABLISHMENTS)
    n_lycee = share_count(T.KIND_SHARES["lycee"], T.TOTAL_ESTABLISHMENTS)
    n_ecole = T.TOTAL_ESTABLISHMENTS - n_college - n_lycee - T.EREA_COUNT
    noise = lambda sd: np.exp(sd * rng.standard_normal(len(geo)))  # noqa: E731
    pop = geo.pop

    ecole_factor = _type_factor(geo, {"M": 1.0, "G": 1.0, "V": 1.0, "R": 1.1, "D": 0.55},
                                {"75": 0.42, "92": 0.55, "93": 0.55, "94": 0.55, "13": 0.75, "69": 0.85,
                                 "976": 0.5})
    college_factor = _type_factor(geo, {"M": 0.95, "G": 1.0, "V": 1.0, "R": 1.0, "D": 0.8},
                                  {"75": 0.75, "92": 0.8, "93": 0.8, "94": 0.8})
    counts = {
        "ecole": allocate(n_ecole, pop**0.85 * ecole_factor * noise(0.08), minimum=60),
        "340": allocate(n_college, pop**0.78 * college_factor * noise(0.08), minimum=8),
        "370": allocate(T.EREA_COUNT, pop**0.8 * noise(0.3), minimum=0),
    }
    nature_totals = dict(zip(T.LYCEE_NATURES, allocate(n_lycee, np.array(list(T.LYCEE_NATURES.values())))))
    # Agricultural lycées: rural-leaning, none in Paris and the petite couronne.
    agri_w = pop**0.6 * _type_factor(geo, {"M": 0.8, "G": 1.0, "V": 1.2, "R": 1.6, "D": 0.8},
                                     {"75": 0.0, "92": 0.0, "93": 0.0, "94": 0.0})
    counts["307"] = allocate(int(nature_totals["307"]), agri_w * noise(0.2), minimum=0)
    climatic = np.zeros(len(geo))
    for code in ("05", "38", "66", "73", "65", "74"):
        climatic[geo.index(code)] = 1.0
    counts["310"] = allocate(int(nature_totals["310"]), climatic, minimum=0)
    # Lycées under the ministry: one allocation (at least 3 per département), natures shuffled.
    men = [c for c in T.LYCEE_NATURES if c not in ("307", "310")]
    men_total = sum(int(nature_totals[c]) for c in men)
    men_counts = allocate(men_total, pop**0.8 * college_factor * noise(0.1), minimum=3)
    natures = np.repeat(np.array(men), [int(nature_totals[c]) for c in men])
    natures = natures[rng.permutation(len(natures))]
    dep_of_slot = np.repeat(np.arange(len(geo)), men_counts)
    for code in men:
        counts[code] = np.bincount(dep_of_slot[natures == code], minlength=len(geo))
    return counts


def _uais(geo: Geography, dep_idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique valid UAIs: département prefix + 4 random digits + check letter."""
    numbers = np.empty(len(dep_idx), dtype=np.int64)
    for d, code in enumerate(geo.codes):
        rows = np.flatnonzero(dep_idx == d)
        # "0" + département on the mainland (31 -> 0310000, zero-padded below), 620 / 720 for
        # Corsica, the INSEE code overseas.
        prefix = {"2A": 620, "2B": 720}.get(code) or int(code)
        suffixes = rng.choice(10_000, size=len(rows), replace=False)
        numbers[rows] = prefix * 10_000 + suffixes
    letters = np.array(list(CHECK_LETTERS))[numbers % 23]
    digits = np.char.zfill(numbers.astype(str), 7)
    return np.char.add(digits, letters)


def _points(geo: Geography, dep_idx: np.ndarray, rng: np.random.Generator):
    """Latitude / longitude uniformly inside one of the département's blobs."""
    n = len(dep_idx)
    lat = np.empty(n)
    lon = np.empty(n)
    u_blob = rng.random(n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    radius_u = np.sqrt(rng.random(n))
    for d, blobs in enumerate(geo.centres):
        rows = np.flatnonzero(dep_idx == d)
        areas = np.array([b[2] ** 2 for b in blobs])
        which = np.searchsorted(np.cumsum(areas) / areas.sum(), u_blob[rows], side="right")
        which = np.minimum(which, len(blobs) - 1)
        b = np.array(blobs)[which]
        r = b[:, 2] * radius_u[rows]
        lat[rows] = b[:, 0] + r * np.sin(angle[rows])
        lon[rows] = b[:, 1] + r * np.cos(angle[rows]) / np.cos(np.radians(b[:, 0]))
    return lat, lon


def departement_effects(seed: int) -> dict[str, np.ndarray]:
    """Standard-normal département effects per dimension (aligned with ``geography().codes``)."""
    geo = geography()
    rng = rng_for(seed, "departement-effects")
    return {name: rng.standard_normal(len(geo)) for name in LATENTS + ("thd", "nc")}


def establishments(seed: int) -> pd.DataFrame:
    """One row per establishment: the internal table every demo file is derived from.

    Columns: uai, dep (COG code), dep_idx, kind (ecole/college/lycee/erea), nature (code_nature),
    public (bool), rep ("", "REP", "REP+"), pupils, lat, lon, plus one ``z_<dimension>`` persistent
    latent score per :data:`LATENTS` entry. Sorted by UAI.
    """
    geo = geography()
    rng = rng_for(seed, "establishments")
    counts = _allocate_nature_counts(geo, rng)
    dep_parts, nature_parts = [], []
    for nature, per_dep in counts.items():
        dep_parts.append(np.repeat(np.arange(len(geo)), per_dep))
        nature_parts.append(np.full(int(per_dep.sum()), nature))
    dep_idx = np.concatenate(dep_parts)
    nature = np.concatenate(nature_parts).astype(object)
    n = len(dep_idx)
    kind = np.where(nature == "ecole", "ecole",
                    np.where(nature == "340", "college", np.where(nature == "370", "erea", "lycee")))

    # Sector: exact number of private establishments per nature, weighted by the département.
    public = np.ones(n, dtype=bool)
    for key, share in T.PUBLIC_SHARE.items():
        rows = np.flatnonzero(nature == key)
        n_private = len(rows) - share_count(share, len(rows))
        private = pick(rng, geo.priv[dep_idx[rows]], n_private)
        public[rows[private]] = False

    # Écoles: maternelle (101) or élémentaire / primaire (151).
    ecole_rows = np.flatnonzero(nature == "ecole")
    maternelle_p = np.where(public[ecole_rows], T.MATERNELLE_SHARE["public"], T.MATERNELLE_SHARE["private"])
    nature[ecole_rows] = np.where(rng.random(len(ecole_rows)) < maternelle_p, "101", "151")

    # Éducation prioritaire: exact counts over all écoles / collèges, public only, urban départements.
    rep = np.full(n, "", dtype=object)
    for k, shares in T.REP_SHARES.items():
        all_rows = np.flatnonzero(kind == k)
        rows = all_rows[public[all_rows]]
        intensity = geo.rep[dep_idx[rows]]
        plus = pick(rng, intensity**3, share_count(shares["REP+"], len(all_rows)))
        rep[rows[plus]] = "REP+"
        remaining = rows[~plus]
        chosen = pick(rng, geo.rep[dep_idx[remaining]] ** 1.5, share_count(shares["REP"], len(all_rows)))
        rep[remaining[chosen]] = "REP"

    # Pupils: lognormal around the nature mean, bigger in cities and in éducation prioritaire.
    mean = np.array([T.MEAN_PUPILS[c] for c in nature], dtype=float)
    size_typo = _type_factor(geo, {"M": 1.2, "G": 1.05, "V": 0.95, "R": 0.7, "D": 1.2},
                             {"75": 1.5, "92": 1.4, "93": 1.4, "94": 1.35})
    size = mean * size_typo[dep_idx] * np.where(rep == "REP+", 1.4, np.where(rep == "REP", 1.3, 1.0))
    sd = np.where(kind == "ecole", 0.5, 0.35)
    pupils = size * np.exp(sd * rng.standard_normal(n) - sd**2 / 2)
    pupils = np.clip(np.rint(pupils), np.where(kind == "ecole", 8, 40), 3_000).astype(np.int64)

    uai = _uais(geo, dep_idx, rng)
    lat, lon = _points(geo, dep_idx, rng)
    frame = pd.DataFrame({
        "uai": uai, "dep": geo.codes[dep_idx], "dep_idx": dep_idx, "kind": kind,
        "nature": nature.astype(str), "public": public, "rep": rep.astype(str), "pupils": pupils,
        "lat": lat, "lon": lon,
    })
    latent_rng = rng_for(seed, "latents")
    for name in LATENTS:
        frame[f"z_{name}"] = latent_rng.standard_normal(n)
    frame["commune_u"] = latent_rng.random(n)
    frame["opened"] = latent_rng.integers(0, 50 * 365, n)
    frame = frame.sort_values("uai", kind="stable").reset_index(drop=True)
    return frame


# ------------------------------------------------------------------------------------------------
# Annuaire layout
# ------------------------------------------------------------------------------------------------


def _lambert(lat: np.ndarray, lon: np.ndarray, dep: np.ndarray):
    """Projected coordinates (Lambert 93 on the mainland, the local CRS overseas) and EPSG."""
    from pyproj import Transformer

    x = np.empty(len(lat))
    y = np.empty(len(lat))
    epsg = np.array([EPSG.get(d, 2154) for d in dep])
    for code in np.unique(epsg):
        rows = epsg == code
        transformer = Transformer.from_crs(4326, int(code), always_xy=True)
        x[rows], y[rows] = transformer.transform(lon[rows], lat[rows])
    return x, y, epsg


def _fmt(values: np.ndarray, pattern: str) -> np.ndarray:
    spec = pattern[1:]
    return np.array([format(v, spec) for v in values.tolist()], dtype=object)



def _o(value) -> np.ndarray:
    """Object array (or 0-d object array for a scalar): np.where then creates no new strings."""
    if isinstance(value, np.ndarray):
        return value if value.dtype == object else value.astype(object)
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def _where(condition: np.ndarray, yes, no) -> np.ndarray:
    return np.where(condition, _o(yes), _o(no))


def _table(values: dict[str, str], keys: np.ndarray) -> np.ndarray:
    """Map keys through ``values`` (object result)."""
    labels = np.array(list(values), dtype=object)
    texts = np.array(list(values.values()), dtype=object)
    order = np.argsort(labels.astype(str))
    position = np.searchsorted(labels.astype(str)[order], keys.astype(str))
    return texts[order][position]


@dataclass(frozen=True)
class _Rows:
    """The establishments as arrays, in the annuaire's row order, and the masks its columns use."""

    est: pd.DataFrame
    dep_idx: np.ndarray
    dep: np.ndarray          # COG code of the département
    kind: np.ndarray
    nature: np.ndarray
    public: np.ndarray
    uai: np.ndarray
    is_ecole: np.ndarray
    is_college: np.ndarray
    is_lycee: np.ndarray
    hier: pd.DataFrame       # the territories of each département, on the annuaire's (current) map

    @classmethod
    def of(cls, est: pd.DataFrame) -> _Rows:
        geo = geography()
        dep_idx = est["dep_idx"].to_numpy()
        kind = est["kind"].to_numpy().astype(str)
        return cls(est=est, dep_idx=dep_idx, dep=geo.codes[dep_idx], kind=kind,
                   nature=est["nature"].to_numpy().astype(str), public=est["public"].to_numpy().astype(bool),
                   uai=est["uai"].to_numpy().astype(object), is_ecole=kind == "ecole",
                   is_college=kind == "college", is_lycee=kind == "lycee",
                   hier=territories.hierarchy(ANNUAIRE_VINTAGE).set_index("departement").reindex(geo.codes))

    @property
    def n(self) -> int:
        return len(self.dep_idx)

    def lookup(self, column: str) -> np.ndarray:
        """A column of the territories table, for each establishment's département."""
        return self.hier[column].to_numpy().astype(object)[self.dep_idx]

    def bits(self, rng: np.random.Generator, p: float) -> np.ndarray:
        """"1" with probability ``p``, else "0" (one draw per establishment)."""
        return _where(rng.random(self.n) < p, "1", "0")


_EMPTY = _o("")
_NAME_PREFIX = {"101": "Ecole maternelle", "151": "Ecole élémentaire", "340": "Collège",
                "300": "Lycée général et technologique", "302": "Lycée général et technologique",
                "301": "Lycée technologique", "306": "Lycée polyvalent", "320": "Lycée professionnel",
                "307": "Lycée agricole", "310": "Lycée climatique", "370": "EREA"}
# Optional sections of collèges and lycées, with the share of them that have one.
_SECTIONS = (("Apprentissage", 0.1), ("Segpa", 0.25), ("Section_arts", 0.05), ("Section_cinema", 0.03),
             ("Section_theatre", 0.04), ("Section_sport", 0.1), ("Section_internationale", 0.03),
             ("Section_europeenne", 0.2), ("GRETA", 0.15))


def annuaire_frame(est: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The annuaire de l'éducation (69 columns, official order) for the establishments.

    The columns are written by groups, in a fixed order: each group draws from one random
    generator in turn, so the order of the calls below decides every drawn value.
    """
    rng = rng_for(seed, "annuaire-columns")
    rows = _Rows.of(est)
    out: dict[str, np.ndarray] = {c: np.full(rows.n, "", dtype=object) for c in layouts.ANNUAIRE}
    out.update(_name_columns(rows, rng))
    out.update(_address_columns(rows, rng))
    out.update(_territory_columns(rows))
    out.update(_teaching_columns(rows, rng))
    out.update(_service_columns(rows, rng))
    out.update(_pupil_columns(rows, rng))
    out.update(_location_columns(rows))
    out.update(_status_columns(rows, rng))
    return object_frame(out, layouts.ANNUAIRE, rows.n)


def _name_columns(rows: _Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """« Collège privé Sainte-Marie », « Ecole élémentaire publique Jules Ferry », its type and sector."""
    n, public, is_ecole = rows.n, rows.public, rows.is_ecole
    patron = _PATRONS.astype(object)[rng.integers(0, len(_PATRONS), n)]
    saint = _SAINTS.astype(object)[rng.integers(0, len(_SAINTS), n)]
    prefix = _table(_NAME_PREFIX, rows.nature)
    prefix = _where((rows.nature == "151") & (rng.random(n) < 0.4), "Ecole primaire", prefix)
    sector_word = _where(public, _where(is_ecole, " publique ", " "), _where(is_ecole, " privée ", " privé "))
    return {"Nom_etablissement": prefix + sector_word + _where(public, patron, saint),
            "Type_etablissement": _table(TYPE_ETABLISSEMENT, rows.kind),
            "Statut_public_prive": _where(public, "Public", "Privé")}


def _address_columns(rows: _Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Commune (a few per département, the first one, the chef-lieu, larger), postcode, street."""
    n, dep = rows.n, rows.dep
    counts = np.bincount(rows.dep_idx, minlength=len(rows.hier))[rows.dep_idx]
    n_communes = np.maximum(1, np.rint(counts * 0.55)).astype(np.int64)
    commune_no = 1 + np.floor(rows.est["commune_u"].to_numpy() ** 2.0 * n_communes).astype(np.int64)
    is_drom = np.char.str_len(dep.astype(str)) == 3
    three = np.array([f"{i:03d}" for i in range(1000)], dtype=object)
    two = three[:100].copy()
    two[:] = [f"{i:02d}" for i in range(100)]
    dep_o = dep.astype(object)
    code_commune = dep_o + _where(is_drom, two[commune_no % 100], three[commune_no % 1000])
    unique_codes, inverse = np.unique(code_commune.astype(str), return_inverse=True)
    names = np.array([_commune_name(c) for c in unique_codes.tolist()], dtype=object)
    upper_names = np.array([_ascii_upper(c) for c in names.tolist()], dtype=object)[inverse]
    corsica = np.isin(dep, ["2A", "2B"])
    corsica_digit = _where(dep == "2A", "1", "2")
    cp_tail = _where(is_drom, two[commune_no % 100],
                     _where(corsica, corsica_digit + two[commune_no % 100], three[commune_no * 10 % 1000]))
    code_postal = _where(corsica, "20", dep_o) + cp_tail
    street = _STREETS.astype(object)[rng.integers(0, len(_STREETS), n)]
    numbers = np.array([str(i) for i in range(200)], dtype=object)
    return {"Code_commune": code_commune, "Nom_commune": names[inverse], "Code postal": code_postal,
            "Adresse_1": numbers[rng.integers(1, 120, n)] + " " + street,
            "Adresse_3": code_postal + " " + upper_names}


def _territory_columns(rows: _Rows) -> dict[str, np.ndarray]:
    """Département, académie and région (current map: the annuaire is a snapshot)."""
    dep_o = rows.dep.astype(object)
    return {"Code_departement": _where(np.char.str_len(rows.dep.astype(str)) == 2, "0" + dep_o, dep_o),
            "Code_academie": rows.lookup("academie_code"), "Code_region": rows.lookup("region"),
            "Libelle_departement": rows.lookup("departement_nom"),
            "Libelle_academie": rows.lookup("academie_nom"), "Libelle_region": rows.lookup("region_nom")}


def _teaching_columns(rows: _Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Levels of an école (maternelle, élémentaire) and tracks of a lycée (générale, techno, pro)."""
    nature, is_ecole = rows.nature, rows.is_ecole
    maternelle = (nature == "101") | (rng.random(rows.n) < 0.4)
    out = {"Ecole_maternelle": _where(is_ecole, _where(maternelle, "1", "0"), _EMPTY),
           "Ecole_elementaire": _where(is_ecole, _where(nature == "151", "1", "0"), _EMPTY)}
    for column, flag in (("Voie_generale", np.isin(nature, ["300", "302", "306", "310"])),
                         ("Voie_technologique", np.isin(nature, ["300", "301", "306", "307"])),
                         ("Voie_professionnelle", _professional(nature))):
        out[column] = _where(rows.is_lycee, _where(flag, "1", "0"), _where(rows.is_college, "0", _EMPTY))
    return out


def _professional(nature: np.ndarray) -> np.ndarray:
    """The natures of a lycée with a voie professionnelle."""
    return np.isin(nature, ["306", "320", "307"])


def _service_columns(rows: _Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """E-mail, canteen, boarding, ULIS, sections, and what a lycée offers (lycée des métiers, post-bac)."""
    is_lycee, is_2d = rows.is_lycee, ~rows.is_ecole
    out = {"Mail": _where(rows.public, "ce." + rows.uai + "@ac-" + rows.lookup("academie") + ".fr", _EMPTY),
           "Restauration": rows.bits(rng, 0.85),
           "Hebergement": _where(is_lycee | (rows.kind == "erea"), rows.bits(rng, 0.6), "0"),
           "ULIS": rows.bits(rng, 0.15)}
    for column, p in _SECTIONS:
        out[column] = _where(is_2d, rows.bits(rng, p), _EMPTY)
    out["Lycee_Agricole"] = _where(is_lycee, _where(rows.nature == "307", "1", "0"), _EMPTY)
    out["Lycee_militaire"] = _where(is_lycee, "0", _EMPTY)
    out["Lycee_des_metiers"] = _where(is_lycee, _where(_professional(rows.nature), rows.bits(rng, 0.3), "0"), _EMPTY)
    out["Post_BAC"] = _where(is_lycee, rows.bits(rng, 0.45), _EMPTY)
    return out


def _pupil_columns(rows: _Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Éducation prioritaire and pupils (not given for agricultural lycées and some private ones)."""
    pupils = rows.est["pupils"].to_numpy()
    no_pupils = (rows.nature == "307") | (~rows.public & (rng.random(rows.n) < 0.15))
    pupil_text = np.array([str(i) for i in range(int(pupils.max()) + 1)], dtype=object)[pupils]
    return {"Appartenance_Education_Prioritaire": rows.est["rep"].to_numpy().astype(object),
            "Nombre_d_eleves": _where(no_pupils, _EMPTY, pupil_text)}


def _location_columns(rows: _Rows) -> dict[str, np.ndarray]:
    """WGS84 position, and projected coordinates with their EPSG code."""
    lat = rows.est["lat"].to_numpy()
    lon = rows.est["lon"].to_numpy()
    lat_s = _fmt(lat, "%.6f")
    lon_s = _fmt(lon, "%.6f")
    x, y, epsg = _lambert(lat, lon, rows.dep)
    epsg_names = {str(c): f"EPSG:{c}" for c in sorted(set(EPSG.values()) | {2154})}
    return {"position": lat_s + "," + lon_s, "latitude": lat_s, "longitude": lon_s,
            "coordonnee_X": _fmt(x, "%.1f"), "coordonnee_Y": _fmt(y, "%.1f"),
            "epsg": _table(epsg_names, epsg.astype(str)),
            "precision_localisation": np.full(rows.n, "Numéro de rue", dtype=object)}


def _status_columns(rows: _Rows, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Private contract, opening date, state, ministry, nature and identifier."""
    n, public, nature = rows.n, rows.public, rows.nature
    simple = rows.is_ecole & (rng.random(n) < 0.2)
    days = rows.est["opened"].to_numpy()
    unique_days, day_index = np.unique(days, return_inverse=True)
    dates = np.datetime_as_string(np.datetime64("1965-01-01") + unique_days.astype("timedelta64[D]"), unit="D")
    return {
        "Type_contrat_prive": _where(public, "SANS OBJET", _where(simple, "CONTRAT SIMPLE TOUTES CLASSES",
                                                                  "CONTRAT D'ASSOCIATION TOUTES CLASSES")),
        "Code_type_contrat_prive": _where(public, "99", _where(simple, "21", "30")),
        "date_ouverture": dates.astype(object)[day_index],
        "date_maj_ligne": np.full(n, ANNUAIRE_DATE, dtype=object),
        "etat": np.full(n, "OUVERT", dtype=object),
        "ministere_tutelle": _where(nature == "307", "AGRICULTURE", MEN),
        "etablissement_multi_lignes": np.full(n, "0", dtype=object),
        "rpi_concentre": _where(rows.is_ecole, "0", _EMPTY),
        "code_nature": nature.astype(object),
        "libelle_nature": _table(LIBELLE_NATURE, nature),
        "Identifiant_de_l_etablissement": rows.uai,
    }


def object_frame(columns: dict[str, np.ndarray], layout: tuple[str, ...], n: int) -> pd.DataFrame:
    """DataFrame of text columns in ``layout`` order (object dtype: no string inference cost)."""
    data = np.empty((n, len(layout)), dtype=object)
    for j, name in enumerate(layout):
        data[:, j] = columns[name]
    return pd.DataFrame(data, columns=list(layout), dtype=object)
