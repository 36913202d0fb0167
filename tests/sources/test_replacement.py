"""What a new copy of a source replaces (the same name, or a stored copy sharing rows with it;
never a complement) and what it would lose: how many rows and établissements, which, by millésime."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.sources import replacement
from analysis.sources.registry import load_registry

SOURCE = load_registry()["etic_2d"]


def _keys(*pairs) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["Code_UAI", "Millesime"])


def _store(tmp_path, files: dict) -> list[Path]:
    folder = tmp_path / "raw" / "etic_2d"
    folder.mkdir(parents=True)
    paths = []
    for name, keys in files.items():
        path = folder / name
        text = "Code_UAI;Millesime;Code_nature;typ_etab;NbTerminaux;AccWeb_ADSL\n"
        text += "".join(f"{uai};{year};340;C;1;oui\n" for uai, year in keys)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


OLD = [("0341893Y", "2018"), ("0340002T", "2018"), ("0341893Y", "2019"), ("0340011C", "2019")]


def test_a_new_copy_replaces_the_same_name_and_the_copies_it_shares_rows_with(tmp_path):
    stored = _store(tmp_path, {"fr-en-etic_2d.csv": OLD[:2], "export (3).csv": OLD[2:],
                               "autre-region.csv": [("0310001A", "2019")]})
    plan = replacement.plan(stored, SOURCE, _keys(*OLD), stored[0].parent / "fr-en-etic_2d.csv")
    assert [p.name for p in plan.replaced] == ["fr-en-etic_2d.csv", "export (3).csv"]
    assert (plan.rows_before, plan.rows_after, len(plan.lost), plan.kept) == (4, 4, 0, 4)
    assert not plan.fewer


def test_a_complement_replaces_nothing(tmp_path):
    stored = _store(tmp_path, {"fr-en-etic_2d.csv": OLD[:2]})
    plan = replacement.plan(stored, SOURCE, _keys(*OLD[2:]), stored[0].parent / "fr-en-etic_2d-2019.csv")
    assert plan.replaced == [] and not plan.fewer


def test_a_shorter_copy_says_how_many_which_and_by_millesime(tmp_path):
    stored = _store(tmp_path, {"fr-en-etic_2d.csv": OLD})
    plan = replacement.plan(stored, SOURCE, _keys(OLD[0], OLD[2]), stored[0])
    assert plan.fewer and (plan.rows_before, plan.rows_after) == (4, 2)
    message = " ".join(str(replacement.fewer_error("neuf.csv", plan, SOURCE)).split())
    assert message.startswith("fichier neuf.csv : ce fichier remplacerait fr-en-etic_2d.csv (4 lignes) "
                              "mais n'en a que 2 ; 2 établissements de la copie actuelle n'y sont plus "
                              "(millésime 2018 : 1, millésime 2019 : 1) : 0340002T, 0340011C ; rien n'a été remplacé")
    assert "--accept-fewer" in message and "sous un autre nom" not in message


def test_as_many_rows_but_other_etablissements_is_fewer_too(tmp_path):
    stored = _store(tmp_path, {"fr-en-etic_2d.csv": OLD})
    plan = replacement.plan(stored, SOURCE, _keys(*OLD[:3], ("0310001A", "2019")), stored[0])
    assert plan.rows_after == plan.rows_before and plan.fewer and plan.lost.to_dict("records") == \
        [{"Code_UAI": "0340011C", "Millesime": "2019"}]


def test_a_stored_copy_that_can_no_longer_be_read_is_replaced_without_comparison(tmp_path):
    stored = _store(tmp_path, {"fr-en-etic_2d.csv": OLD})
    stored[0].write_bytes(b"\x00\x01 abime")
    plan = replacement.plan(stored, SOURCE, _keys(OLD[0]), stored[0])
    assert plan.replaced == stored and not plan.fewer


def test_a_second_copy_of_the_boundary_file_replaces_the_first(tmp_path):
    import json

    source = load_registry()["departements_geo"]
    folder = tmp_path / "raw" / "departements_geo"
    folder.mkdir(parents=True)

    def geo(name, codes):
        features = [{"type": "Feature", "properties": {"code": c, "nom": c}, "geometry": None} for c in codes]
        path = folder / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        return path

    stored = [geo("departements-avec-outre-mer.geojson", ["31", "971"]), geo("departements.geojson", ["31"])]
    keys = pd.DataFrame({"code": ["31"]})
    plan = replacement.plan(stored, source, keys, folder / "departements-avec-outre-mer (1).geojson")
    assert plan.replaced == stored[:1] and plan.fewer          # not the old undeclared file: used_files' business
    message = " ".join(str(replacement.fewer_error("x.geojson", plan, source)).split())
    assert "1 territoire de la copie actuelle n'y est plus : 971" in message
