import json

from analysis.fiches import batch, listing


def test_all_fiches_then_nothing_to_do(small_store, tmp_path):
    year_dir = tmp_path / "2018"
    first = batch.build_all(small_store, 2018, year_dir)
    table_uais = set(json.loads((first.folder / batch.KEY_FILE).read_text())["uais"])
    assert first.written == first.total == len(table_uais) > 30
    assert listing.present(year_dir) == table_uais
    assert (first.folder / "fiche.css").exists()
    assert not list(first.folder.glob(".*.tmp"))
    again = batch.build_all(small_store, 2018, year_dir)
    assert again.skipped and again.written == 0
    one = listing.fiche_path(year_dir, sorted(table_uais)[0])
    stamp = one.stat().st_mtime_ns
    forced = batch.build_all(small_store, 2018, year_dir, force=True)
    assert not forced.skipped and forced.written == 0 and forced.unchanged == forced.total
    assert one.stat().st_mtime_ns == stamp                               # same content: not rewritten


def test_missing_fiche_or_other_key_builds_again(small_store, tmp_path):
    year_dir = tmp_path / "2018"
    batch.build_all(small_store, 2018, year_dir)
    gone = sorted(listing.present(year_dir))[0]
    listing.fiche_path(year_dir, gone).unlink()
    again = batch.build_all(small_store, 2018, year_dir)
    assert not again.skipped and again.written == 1
    assert batch.key(small_store, 2018, 3) != batch.key(small_store, 2018, 5)        # another threshold


def test_write_page_is_atomic_and_skips_same_content(tmp_path):
    path = tmp_path / "0310001H.html"
    assert batch.write_page(path, "a")
    assert not batch.write_page(path, "a")
    assert batch.write_page(path, "b") and path.read_text() == "b"
    assert [p.name for p in tmp_path.iterdir()] == ["0310001H.html"]


def test_some_fiches_read_their_departement_only(small_store, tmp_path):
    done = batch.build_some(small_store, 2018, tmp_path / "2018", ["0118363F"])
    assert done.total == 1 and listing.present(tmp_path / "2018") == {"0118363F"}


def test_many_fiches_shared_out_among_processes(small_millesime, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_FROM", 10)
    done = batch.write_fiches(small_millesime, tmp_path, processes=2)
    assert done.written == done.total == len(small_millesime.uais)
    assert listing.present(tmp_path) == set(small_millesime.uais)
    serial = batch.write_fiches(small_millesime, tmp_path / "serial", processes=1)
    for path in serial.paths:
        assert path.read_bytes() == listing.fiche_path(tmp_path, path.stem).read_bytes()
    again = batch.write_fiches(small_millesime, tmp_path, processes=2)
    assert again.written == 0 and again.unchanged == again.total
