"""The explorer of the index page at national scale: build times, file sizes, search latency.

    .venv/bin/python benchmarks/explorer_bench.py [--data-dir DATA] [--boundaries DIR]
        [--fiches all|none|N] [--json FILE]

1. the national demo dataset (63 059 établissements), generated and imported into a temporary
   folder unless ``--data-dir`` is given, with the département boundaries of ``--boundaries``
   (default ``../shared/data/raw/france-geojson`` when it is there; else the map is the tile grid);
2. a millésime folder with fake editions of France and the 101 départements (a page and a
   manifest each: no kernel) and fake fiches (``--fiches``: every établissement by default);
3. times ``site_index.write_all`` (index, exports and explorer) and the explorer alone
   (``explorer.build``): cold, unchanged, and after one more edition (a département removed,
   then built again: what it writes);
4. sizes of the search file, the index, the basemap and the département pages;
5. in Chromium (Debian's ``chromium`` driven by Playwright), the index from its ``file://``
   address: the search file's loading (first focus until ready), then the latency of every
   keystroke of a few searches, typed one character at a time (the input handler and the layout
   of the results, measured inside the page): median and max.

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
SHARED_GEOJSON = ROOT.parent / "shared" / "data" / "raw" / "france-geojson"
QUERIES = ("0310", "college jean", "saint", "e", "lycee victor hugo marseille", "ecole maternelle publique")


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def data_folder(base: Path, given: Path | None, boundaries: Path | None):
    from analysis.sources.store import Store

    if given:
        return Store(given)
    from analysis.demo import write_demo_files

    write_demo_files(base / "generated", seed=2018, years=(2018,))
    store = Store(base / "data")
    store.import_paths([base / "generated"], demo=True).check()
    if boundaries and (boundaries / "departements-avec-outre-mer.geojson").exists():
        # demo and real files never share a data folder: the boundaries join the demo, marked as it is
        store.import_paths([boundaries / "departements-avec-outre-mer.geojson"], demo=True).check()
    return store


def fake_site(year_dir: Path, store, fiches: str) -> list[str]:
    from analysis.build import explorer
    from analysis.core import territories
    from tests.build.explorer_site import fake_edition, fake_fiche

    fake_edition(year_dir, "france", "France")
    deps = territories.list_territories("departement", territories.vintage_for_year(2018))
    for t in deps:
        fake_edition(year_dir, t.id, t.label)
    uais = list(explorer.etablissements(store, 2018)["uai"])
    chosen = uais if fiches == "all" else [] if fiches == "none" else uais[:: max(1, len(uais) // int(fiches))]
    for uai in chosen:
        fake_fiche(year_dir, uai)
    return uais


def build_times(year_dir: Path, store, results) -> dict:
    from analysis.build import explorer, site_index

    def explore():
        return explorer.build(year_dir, results, 2018, site_index.built_editions(year_dir), store=store)

    numbers = {}
    _, numbers["index_cold_s"] = timed(lambda: site_index.write_all(year_dir, results, 2018, xlsx=False,
                                                                    store=store))
    _, numbers["index_unchanged_s"] = timed(lambda: site_index.write_all(year_dir, results, 2018, xlsx=False,
                                                                         store=store))
    shutil.rmtree(year_dir / explorer.FOLDER)
    explorer.state_file(year_dir, 2018).unlink()
    out, numbers["explorer_cold_s"] = timed(explore)
    numbers["explorer_cold_files"] = len(out.written)
    out, numbers["explorer_unchanged_s"] = timed(explore)
    numbers["explorer_unchanged_files"] = len(out.written)
    moved = year_dir / "departement-31"
    shutil.move(moved, year_dir.parent / "aside")
    explore()
    shutil.move(year_dir.parent / "aside", moved)
    out, numbers["explorer_new_edition_s"] = timed(explore)
    numbers["explorer_new_edition_files"] = sorted(p.name for p in out.written)
    return numbers


def sizes(year_dir: Path) -> dict:
    from analysis.build import explorer

    folder = year_dir / explorer.FOLDER
    pages = sorted(folder.glob("departement-*.html"), key=lambda p: p.stat().st_size)
    return {"search_file_bytes": (year_dir / explorer.search_file(2018)).stat().st_size,
            "index_bytes": (year_dir / "index.html").stat().st_size,
            "basemap_bytes": (folder / "fond-de-carte.json").stat().st_size,
            "departement_pages": len(pages),
            "departement_page_max_bytes": pages[-1].stat().st_size if pages else 0,
            "departement_page_max": pages[-1].name if pages else "",
            "departement_pages_total_bytes": sum(p.stat().st_size for p in pages)}


KEYSTROKE = """(text) => {
  const input = document.getElementById('explorateur-recherche');
  const start = performance.now();
  input.value = text;
  input.dispatchEvent(new Event('input'));
  document.getElementById('explorateur-resultats').offsetHeight;   // the layout of the results
  return [performance.now() - start, document.querySelectorAll('#explorateur-resultats li').length];
}"""


def search_latency(index: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        page.goto(index.as_uri())
        start = time.perf_counter()
        page.focus("#explorateur-recherche")
        page.wait_for_function("document.getElementById('explorateur-statut').textContent === ''")
        page.evaluate(KEYSTROKE, "x")
        load = time.perf_counter() - start
        times, per_query = [], {}
        for _ in range(2):                                      # the second round: a warm page
            for query in QUERIES:
                page.evaluate(KEYSTROKE, "")
                mine = [page.evaluate(KEYSTROKE, query[: n + 1]) for n in range(len(query))]
                times += [t for t, _ in mine]
                per_query[query] = {"max_ms": round(max(t for t, _ in mine), 1), "shown": mine[-1][1]}
        browser.close()
    return {"search_load_s": round(load, 2), "keystrokes": len(times),
            "keystroke_median_ms": round(statistics.median(times), 1), "keystroke_max_ms": round(max(times), 1),
            "per_query": per_query}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--boundaries", type=Path, default=SHARED_GEOJSON if SHARED_GEOJSON.exists() else None)
    parser.add_argument("--fiches", default="all", help="all, none, or how many fake fiches")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from analysis import indicators

    with tempfile.TemporaryDirectory(prefix="bench-explorer-") as tmp:
        base = Path(tmp)
        store, seconds = timed(lambda: data_folder(base, args.data_dir, args.boundaries))
        print(f"data folder: {seconds:.1f} s")
        results, seconds = timed(lambda: indicators.load(store, 2018))
        print(f"indicators: {seconds:.1f} s")
        year_dir = base / "rapports" / "2018"
        uais, seconds = timed(lambda: fake_site(year_dir, store, args.fiches))
        print(f"fake editions and fiches: {seconds:.1f} s ({len(uais)} établissements)")
        numbers = {"etablissements": len(uais), **build_times(year_dir, store, results), **sizes(year_dir)}
        from tests.conftest import CHROMIUM

        if Path(CHROMIUM).exists():
            numbers.update(search_latency(year_dir / "index.html"))
        else:
            print(f"no Chromium at {CHROMIUM}: the search's latency is not measured")
    for key, value in numbers.items():
        print(f"{key:32} {round(value, 2) if isinstance(value, float) else value}")
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
