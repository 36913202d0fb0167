from analysis.fiches.listing import FOLDER, fiche_path, present


def test_present_lists_the_built_fiches_only(tmp_path):
    assert present(tmp_path) == set()
    path = fiche_path(tmp_path, "0310001H")
    path.parent.mkdir()
    path.write_text("<html></html>")
    (tmp_path / FOLDER / "0310002J.pdf").write_bytes(b"%PDF")
    assert present(tmp_path) == {"0310001H"}
