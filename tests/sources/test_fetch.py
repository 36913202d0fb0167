"""Downloads against a local HTTP server on loopback: resume, hash, provenance, offline message."""

from __future__ import annotations

import dataclasses
import http.server
import threading

import pytest

from analysis.core.errors import AnalysisError, OfflineError
from analysis.sources.fetch import fetch_source
from analysis.sources.provenance import sha256_file
from analysis.sources.registry import load_registry

BODY = ("Code_UAI;Millesime;Code_nature;typ_etab;NbTerminaux;AccWeb_ADSL\n" + "x;2018;340;C;1;oui\n" * 5000).encode()


class RangeHandler(http.server.BaseHTTPRequestHandler):
    requests_seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        RangeHandler.requests_seen.append(self.headers.get("Range") or "")
        if self.path.startswith("/missing"):
            self.send_error(404)
            return
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            self.send_response(206)
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(BODY) - start))
        self.end_headers()
        self.wfile.write(BODY[start:])

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    RangeHandler.requests_seen = []
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _source(urls):
    return dataclasses.replace(load_registry()["etic_2d"], urls=tuple(urls))


def test_download_records_provenance(server, empty_store):
    seen = []
    record = fetch_source(empty_store, _source([f"{server}/missing", f"{server}/etic.csv"]),
                          progress=lambda done, total: seen.append((done, total)))
    path = empty_store.raw / "etic_2d" / "fr-en-etic_2d.csv"
    assert path.read_bytes() == BODY
    assert record.sha256 == sha256_file(path) and record.size == len(BODY)
    assert record.origin == f"{server}/etic.csv" and record.method == "fetch"
    assert record.millesimes == [2018]
    assert seen[-1] == (len(BODY), len(BODY))
    assert "unverified" in record.note


def test_resume_uses_range(server, empty_store):
    folder = empty_store.raw / "etic_2d"
    folder.mkdir(parents=True)
    (folder / "fr-en-etic_2d.csv.part").write_bytes(BODY[:1000])
    fetch_source(empty_store, _source([f"{server}/etic.csv"]))
    assert RangeHandler.requests_seen == ["bytes=1000-"]
    assert (folder / "fr-en-etic_2d.csv").read_bytes() == BODY


def test_present_file_is_not_downloaded_again(server, empty_store):
    fetch_source(empty_store, _source([f"{server}/etic.csv"]))
    fetch_source(empty_store, _source([f"{server}/etic.csv"]))
    assert len(RangeHandler.requests_seen) == 1


def test_offline_fails_fast_with_next_step(empty_store):
    source = _source(["http://no-such-host.invalid/etic.csv"])
    with pytest.raises(OfflineError, match="data import"):
        fetch_source(empty_store, source)


def test_http_errors_are_listed(server, empty_store):
    with pytest.raises(AnalysisError, match="HTTP 404"):
        fetch_source(empty_store, _source([f"{server}/missing"]))
