"""A local HTTP server (127.0.0.1) imitating an Opendatasoft portal, for the download tests.

It serves datasets at the portal's v2.1 export URLs,
``/api/explore/v2.1/catalog/datasets/<id>/exports/<csv|json|parquet|geojson>``, as the real
portals do: CSV with labels (``use_labels=true``) or field names (the default) as header and the
``delimiter`` asked; JSON as a list of records keyed by field names, values typed; Parquet with
typed columns. Every answer carries ``ETag`` and ``Last-Modified`` and honours ``Range`` with
``If-Range`` (206 when the validator matches the current file, else the whole file with 200).

And the ways downloads go wrong, switched on per test:

- :meth:`Portal.publish` again between two requests: the file changed on the server;
- ``drop_after[dataset_id] = n``: the connection closes after ``n`` bytes of the body;
- ``html[dataset_id] = status``: an HTML page (error or login) instead of the export;
- an unknown dataset: 404; ``/r/<dataset_id>``: a 302 redirect to its CSV export (like the
  stable links of data.gouv.fr);
- ``endless[dataset_id] = True``: a body that never ends (chunked, no ``Content-Length``);
- ``announce[dataset_id] = n``: a ``Content-Length`` of ``n`` bytes whatever is sent;
- ``rate[dataset_id] = b``: the body trickles at ``b`` bytes a second;
- ``silent[dataset_id] = True``: the connection is accepted and nothing is ever sent;
- ``stall_after[dataset_id] = n``: ``n`` bytes of the body, then nothing (the connection open);
- ``no_validators[dataset_id] = True``: no ``ETag`` nor ``Last-Modified`` (nothing to resume).

Every server that waits is released by :meth:`Portal.stop`.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import io
import json
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from analysis.sources import layouts

EXPORT = re.compile(r"^/api/explore/v2\.1/catalog/datasets/(?P<id>[^/]+)/exports/(?P<fmt>[a-z]+)$")
NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")


def field_name(label: str, layout_key: str) -> str:
    """The portal's field name of a label: the normalised label, or its declared alias."""
    aliases = layouts.ALIASES.get(layout_key, {}).get(label)
    return layouts.normalised(aliases[0] if aliases else label)


def field_names(frame: pd.DataFrame, layout_key: str) -> pd.DataFrame:
    """A copy of a labelled frame with the portal's field names as columns."""
    return frame.rename(columns={c: field_name(c, layout_key) for c in frame.columns})


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns the portal would type as numbers (every value a number without a leading zero),
    typed; "" is null. What the JSON and Parquet exports carry."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        filled = values[values != ""]
        if len(filled) and filled.str.match(NUMBER).all():
            numbers = pd.to_numeric(values.where(values != ""))
            whole = (numbers.dropna() % 1 == 0).all() and not filled.str.contains(".", regex=False).any()
            out[column] = numbers.astype("Int64") if whole else numbers
        else:
            out[column] = values.where(values != "", None)
    return pd.DataFrame(out)


@dataclass
class Dataset:
    labels: pd.DataFrame | None          # text, labelled columns (a table), or None (a file)
    layout_key: str = ""
    raw: bytes = b""                     # a file served as is (GeoJSON)
    modified: float = field(default_factory=time.time)

    def body(self, fmt: str, use_labels: bool, delimiter: str) -> tuple[bytes, str]:
        if self.labels is None:
            return self.raw, "application/geo+json"
        frame = self.labels if use_labels else field_names(self.labels, self.layout_key)
        if fmt == "csv":
            return frame.to_csv(sep=delimiter, index=False, lineterminator="\r\n").encode("utf-8"), \
                "text/csv; charset=utf-8"
        if fmt == "json":
            records = typed(field_names(self.labels, self.layout_key)).to_dict(orient="records")
            clean = [{k: (None if v is None or v is pd.NA or v != v else v) for k, v in r.items()}
                     for r in records]
            return json.dumps(clean, ensure_ascii=False, default=_json_default).encode("utf-8"), \
                "application/json; charset=utf-8"
        if fmt == "parquet":
            buffer = io.BytesIO()
            typed(field_names(self.labels, self.layout_key)).to_parquet(buffer, index=False)
            return buffer.getvalue(), "application/octet-stream"
        raise KeyError(fmt)


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(type(value))


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):   # a client that left: what tests do
            super().handle_error(request, client_address)


class Portal:
    """The server: ``url`` is its root; :meth:`export_url` the export URL of a dataset."""

    def __init__(self):
        self.datasets: dict[str, Dataset] = {}
        self.drop_after: dict[str, int] = {}
        self.html: dict[str, int] = {}
        self.endless: dict[str, bool] = {}
        self.announce: dict[str, int] = {}
        self.rate: dict[str, float] = {}
        self.silent: dict[str, bool] = {}
        self.stall_after: dict[str, int] = {}
        self.no_validators: dict[str, bool] = {}
        self.sent: dict[str, int] = {}              # bytes of body sent, per dataset
        self.stopping = threading.Event()
        self.requests: list[dict] = []
        portal = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server API)
                portal._answer(self)

            def log_message(self, *args):
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        # serve_forever checks for shutdown every poll_interval (0.5 s by default: each stop waited it)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    # ------------------------------------------------------------------ setup
    def start(self) -> Portal:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()                            # releases the silent, stalled and endless answers
        self.httpd.shutdown()
        self.httpd.server_close()

    def publish(self, dataset_id: str, labels: pd.DataFrame | None = None, layout_key: str = "",
                raw: bytes = b"") -> None:
        """Put a dataset on the portal (again: the file changed on the server)."""
        previous = self.datasets.get(dataset_id)
        modified = time.time()
        if previous and modified <= previous.modified + 1:
            modified = previous.modified + 1          # Last-Modified has a one-second resolution
        self.datasets[dataset_id] = Dataset(labels, layout_key, raw, modified)

    def export_url(self, dataset_id: str, fmt: str = "csv", **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"{self.url}/api/explore/v2.1/catalog/datasets/{dataset_id}/exports/{fmt}"
        return url + (f"?{query}" if query else "")

    # ------------------------------------------------------------------ serving
    def _answer(self, handler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": query, "range": handler.headers.get("Range"),
                              "if_range": handler.headers.get("If-Range")})
        if parts.path.startswith("/r/"):
            target = self.export_url(parts.path[3:], "csv", use_labels="true", delimiter="%3B")
            return self._send(handler, 302, b"", "text/plain", {"Location": target})
        found = EXPORT.match(parts.path)
        dataset = self.datasets.get(found["id"]) if found else None
        if dataset is None:
            return self._send(handler, 404, b'{"error_code": "DatasetNotFound"}', "application/json")
        if found["id"] in self.silent:
            self.stopping.wait(60)
            return None
        if found["id"] in self.endless:
            return self._endless(handler, found["id"])
        if found["id"] in self.html:
            page = (b"<!DOCTYPE html><html><head><title>Erreur - data.education.gouv.fr</title></head>"
                    b"<body><h1>Service indisponible</h1></body></html>")
            return self._send(handler, self.html[found["id"]], page, "text/html; charset=utf-8")
        body, kind = dataset.body(found["fmt"], query.get("use_labels", "false") == "true",
                                  query.get("delimiter", ";").replace("%3B", ";"))
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = email.utils.formatdate(dataset.modified, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified, "Accept-Ranges": "bytes"}
        if found["id"] in self.no_validators:
            headers = {}
        start, status = 0, 200
        wanted = re.match(r"bytes=(\d+)-$", handler.headers.get("Range") or "")
        validator = handler.headers.get("If-Range")
        if wanted and (validator is None or validator in (etag, modified)):
            start = int(wanted.group(1))
            if start >= len(body):
                return self._send(handler, 416, b"", "text/plain",
                                  {"Content-Range": f"bytes */{len(body)}"})
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
        if found["id"] in self.rate or found["id"] in self.stall_after:
            return self._slow(handler, found["id"], status, body[start:], kind, headers)
        self._send(handler, status, body[start:], kind, headers, drop_after=self.drop_after.get(found["id"]),
                   length=self.announce.get(found["id"]))

    def _endless(self, handler, dataset_id: str) -> None:
        """Chunks of a CSV line, sent until the client leaves or the portal stops."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv; charset=utf-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"0310001A;" * 1000
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        self.sent[dataset_id] = 0
        try:
            while not self.stopping.is_set():
                handler.wfile.write(framed)
                self.sent[dataset_id] += len(chunk)
        except OSError:
            pass                                       # the client left: what the test expects
        handler.close_connection = True

    def _slow(self, handler, dataset_id: str, status: int, body: bytes, kind: str, headers: dict) -> None:
        """The body at ``rate`` bytes a second, or up to ``stall_after`` bytes then nothing."""
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        stall, rate = self.stall_after.get(dataset_id), self.rate.get(dataset_id)
        self.sent[dataset_id] = 0
        try:
            for i in range(len(body)):
                if stall is not None and i >= stall:
                    self.stopping.wait(60)
                    break
                handler.wfile.write(body[i:i + 1])
                handler.wfile.flush()
                self.sent[dataset_id] += 1
                if rate and self.stopping.wait(1 / rate):
                    break
        except OSError:
            pass
        handler.close_connection = True

    @staticmethod
    def _send(handler, status: int, body: bytes, kind: str, headers: dict | None = None,
              drop_after: int | None = None, length: int | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if drop_after is not None:
            handler.send_header("Connection", "close")
        handler.end_headers()
        if drop_after is not None:
            handler.wfile.write(body[:drop_after])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)      # socket.SHUT_RDWR: the connection drops mid-body
            return
        try:
            handler.wfile.write(body)
        except OSError:
            pass                                # the client refused what was announced and left
