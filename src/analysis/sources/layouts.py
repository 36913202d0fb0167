"""Column layouts of the official files, in their published order, and how headers are matched.

Used to validate inputs (schemas.py) and to write the demo dataset in exactly the official
layout (demo.py). Layouts marked UNVERIFIED follow params/sources.yml: no official file was at hand.

The layouts hold the *labels* of the portal's ``use_labels=true`` export. A header is matched to
them case-, accent- and punctuation-insensitively (:func:`normalised`: ``Code postal``,
``code_postal`` and ``CODE-POSTAL`` are one column), which also matches the field names of the
default export and of the JSON and Parquet exports; :data:`ALIASES` adds the few field names that
differ from their label.
"""

import re
import unicodedata
from functools import cache

# fr-en-annuaire-education (69 columns, export with use_labels).
ANNUAIRE = (
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Adresse_1",
    "Adresse_2",
    "Adresse_3",
    "Code postal",
    "Code_commune",
    "Nom_commune",
    "Code_departement",
    "Code_academie",
    "Code_region",
    "Ecole_maternelle",
    "Ecole_elementaire",
    "Voie_generale",
    "Voie_technologique",
    "Voie_professionnelle",
    "Telephone",
    "Fax",
    "Web",
    "Mail",
    "Restauration",
    "Hebergement",
    "ULIS",
    "Apprentissage",
    "Segpa",
    "Section_arts",
    "Section_cinema",
    "Section_theatre",
    "Section_sport",
    "Section_internationale",
    "Section_europeenne",
    "Lycee_Agricole",
    "Lycee_militaire",
    "Lycee_des_metiers",
    "Post_BAC",
    "Appartenance_Education_Prioritaire",
    "GRETA",
    "SIREN_SIRET",
    "Nombre_d_eleves",
    "Fiche_onisep",
    "position",
    "Type_contrat_prive",
    "Libelle_departement",
    "Libelle_academie",
    "Libelle_region",
    "coordonnee_X",
    "coordonnee_Y",
    "epsg",
    "nom_circonscription",
    "latitude",
    "longitude",
    "precision_localisation",
    "date_ouverture",
    "date_maj_ligne",
    "etat",
    "ministere_tutelle",
    "etablissement_multi_lignes",
    "rpi_concentre",
    "rpi_disperse",
    "code_nature",
    "libelle_nature",
    "Code_type_contrat_prive",
    "PIAL",
    "etablissement_mere",
    "type_rattachement_etablissement_mere",
    "code_bassin_formation",
    "libelle_bassin_formation",
)

# fr-en-adresse-et-geolocalisation-etablissements-premier-et-second-degre (35 columns).
GEOLOCALISATION = (
    "numero_uai",
    "appellation_officielle",
    "denomination_principale",
    "patronyme_uai",
    "secteur_public_prive_libe",
    "adresse_uai",
    "lieu_dit_uai",
    "boite_postale_uai",
    "code_postal_uai",
    "localite_acheminement_uai",
    "libelle_commune",
    "coordonnee_x",
    "coordonnee_y",
    "EPSG",
    "latitude",
    "longitude",
    "appariement",
    "localisation",
    "nature_uai",
    "nature_uai_libe",
    "etat_etablissement",
    "etat_etablissement_libe",
    "code_departement",
    "code_region",
    "code_academie",
    "code_commune",
    "libelle_departement",
    "libelle_region",
    "libelle_academie",
    "position",
    "secteur_prive_code_type_contrat",
    "secteur_prive_libelle_type_contrat",
    "code_ministere",
    "libelle_ministere",
    "date_ouverture",
)

# fr-en-etic_2d (81 columns, millésimes 2018 and 2019).
ETIC_2D = (
    "Code_UAI",
    "Millesime",
    "Code_nature",
    "nature_uai",
    "typ_etab",
    "Academie",
    "Departement",
    "NbEleve",
    "NbEnseignant",
    "SiEtabCentreRessource",
    "SiProjetNumEcole",
    "SiEntDisponible",
    "SiProjEtabIntegreENT",
    "Maint_PersCollect",
    "Maint_PrestaExt",
    "Maint_PersonnelEducNatHsEtab",
    "Maint_PersonnelEtab",
    "Maint_AutreNeSaitPas",
    "Maint_Personne",
    "NbRessourceEdit",
    "TpRess_ManuelNum",
    "TpRess_AnimScienLogiSimu",
    "TpRess_Bdd",
    "TpRess_LogiOutils",
    "TpRess_OuvRef",
    "TpRess_ResEntrainement",
    "TpRess_Autres",
    "TpRess_aucune",
    "ServInt_NoteElev",
    "ServInt_AbsElev",
    "ServInt_EdtElevCls",
    "ServInt_CahierTxt",
    "ServInt_DocRessPeda",
    "ServInt_AgdActuEtab",
    "ServInt_PlatApp",
    "ServInt_Autres",
    "ServInt_aucun",
    "NbTerminaux",
    "NbTablette",
    "NbTablettePC",
    "NbMicroMoins5",
    "NbMicroPortable",
    "NbPortAffEl",
    "NbPortAffEns",
    "NbEleveEqASH",
    "NbPosteEqASH",
    "NbTBI",
    "propClassesAvecTBI",
    "NbVideoProj",
    "NbClassMobile",
    "NbLecteurMpx",
    "NbImpr3D",
    "AccWeb_RTC",
    "AccWeb_CableFibreOptique",
    "AccWeb_ADSL",
    "AccWeb_AutresHautDebit",
    "AccWeb_NeSaitPas",
    "AccWeb_Aucun",
    "DebitWeb",
    "SiWifi",
    "SalleInternet",
    "PostesInfoElvHorsCours",
    "SiPareFeuEtab",
    "SiOuifiltrageWeb",
    "ControlePosteriori",
    "SiCharteUsageWeb",
    "Diffch_AnnexeeRI",
    "Diffch_DossierRentreeEnseignants",
    "Diffch_CRConseilAdmin",
    "Diffch_DiffusionParents",
    "Diffch_Autres",
    "AccesParentCharte",
    "ElvAuthentif",
    "SiVisioConferenc",
    "SiEntUtilise",
    "TypeMatHandi_Tablette",
    "TypeMatHandi_OrdiPort",
    "TypeMatHandi_LogApp",
    "TypeMatHandi_Autre",
    "Code_region",
    "Libelle_region",
)

# fr-en-etic_1d: UNVERIFIED layout (see src/analysis/resources/questionnaires/etic_1d.yml).
ETIC_1D = (
    "Code_UAI", "Millesime", "Code_nature", "nature_uai", "Academie", "Departement",
    "NbEleve", "NbClasse", "SiEntDisponible", "SiEntUtilise",
    "Maint_PersCollect", "Maint_PrestaExt", "Maint_PersonnelEducNatHsEcole", "Maint_PersonnelEcole",
    "Maint_AutreNeSaitPas", "Maint_Personne", "NbRessourceEdit",
    "TpRess_ManuelNum", "TpRess_AnimScienLogiSimu", "TpRess_Bdd", "TpRess_LogiOutils",
    "TpRess_OuvRef", "TpRess_ResEntrainement", "TpRess_Autres", "TpRess_aucune",
    "NbTerminaux", "NbTablette", "NbTablettePC", "NbMicroMoins5", "NbMicroPortable",
    "NbTBI", "propClassesAvecTBI", "NbVideoProj", "NbClassMobile", "NbImpr3D",
    "AccWeb_RTC", "AccWeb_CableFibreOptique", "AccWeb_ADSL", "AccWeb_AutresHautDebit",
    "AccWeb_NeSaitPas", "AccWeb_Aucun", "DebitWeb", "SiWifi", "SalleInternet",
    "SiEnseignantReferent", "Code_region", "Libelle_region",
)

# Coverage per establishment (France THD + Arcep joined on UAI, as eCarto did): UNVERIFIED layout.
# Débits in Mbit/s (potential, best technology); operators = number of operators with good
# outdoor coverage ("bonne couverture") at the establishment's address.
COUVERTURE = (
    "uai", "millesime", "dsl_min", "dsl_max", "ftth_min", "ftth_max", "cable_min", "cable_max",
    "debit_max_potentiel", "nb_operateurs_3g", "nb_operateurs_4g",
)

# Experimentations (PIA): one row per establishment engaged in a programme. UNVERIFIED layout.
# programme in {colleges_lab, efran, profan}; projet = project name (e-FRAN: one of 21 projects).
EXPERIMENTATIONS = ("uai", "millesime", "programme", "projet", "url")

LAYOUTS = {
    "annuaire": ANNUAIRE,
    "geolocalisation": GEOLOCALISATION,
    "etic_2d": ETIC_2D,
    "etic_1d": ETIC_1D,
    "couverture": COUVERTURE,
    "experimentations": EXPERIMENTATIONS,
}

#: Field names (or labels of other export vintages) that differ from the layout's label, per
#: layout: {label: (other names…)}. Seen in the portal's field metadata as used by public code
#: (annuaire exports of 2023–2024: ``coordX_origine``… replace ``coordonnee_X``…).
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "annuaire": {
        "coordonnee_X": ("coordX_origine",),
        "coordonnee_Y": ("coordY_origine",),
        "epsg": ("epsg_origine",),
        "etablissement_multi_lignes": ("multi_uai",),
    },
}


def normalised(name: str) -> str:
    """A column name without case, accents or punctuation: ``"Numéro UAI"`` → ``"numero_uai"``."""
    text = unicodedata.normalize("NFKD", str(name).strip().lstrip("\ufeff"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@cache
def canonical_names(layout_key: str) -> dict[str, str]:
    """{normalised name: layout label} for a layout's labels and their aliases."""
    out: dict[str, str] = {}
    for label in LAYOUTS.get(layout_key, ()):
        for name in (label, *ALIASES.get(layout_key, {}).get(label, ())):
            key = normalised(name)
            if key in out and out[key] != label:
                raise AssertionError(f"{layout_key}: '{name}' and '{out[key]}' normalise alike")
            out[key] = label
    return out


def match_header(columns: list[str], layout_key: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Rename map {column as written: layout label}, and the columns that read as the same label.

    Columns the layout does not know keep their name.
    """
    known = canonical_names(layout_key)
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    duplicates = []
    for column in columns:
        label = known.get(normalised(column))
        if label is None:
            continue
        if label in seen:
            duplicates.append((seen[label], column, label))
            continue
        seen[label] = column
        mapping[column] = label
    return mapping, duplicates


def missing(columns: list[str], wanted: tuple[str, ...] | list[str], layout_key: str | None = None) -> list[str]:
    """The names of ``wanted`` absent from ``columns`` (compared as :func:`normalised` names, and
    through the layout's aliases when ``layout_key`` is given)."""
    present = {normalised(c) for c in columns}
    if layout_key:
        present |= {normalised(label) for label in match_header(columns, layout_key)[0].values()}
    return [w for w in wanted if normalised(w) not in present]
