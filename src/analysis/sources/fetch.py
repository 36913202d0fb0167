"""Downloads you can trust: resume only the same file, check what came before replacing anything.

A download goes to ``<raw>/<source>/<file>.part`` with a small record beside it
(``<file>.part.json``: the URL and the server's validators, ``ETag`` and ``Last-Modified``).
Then:

- **resume** an interrupted download only when the server confirms the file did not change:
  ``Range`` with ``If-Range`` (the ETag, else the Last-Modified date). A server that answers
  200 instead of 206 (file changed, or no range support) sends the whole file: it replaces the
  partial one. Without a validator, the download starts again;
- **check** before replacing anything: HTTP status, ``Content-Type`` (an HTML page — what a portal
  sends for an error or a login — is refused), the length announced, then the whole schema of
  the source (:func:`analysis.sources.validation.validated`), then the expected sha256 when
  ``params/sources.yml`` gives one. Only then does the file replace the stored copy
  (:meth:`Store.add`);
- a **dropped connection** is a :class:`DownloadError` saying how much arrived and that running
  the same command again resumes it; other failures of a URL (HTTP error, HTML page, invalid
  file, wrong sha256) move on to the source's next URL, and are all listed when none works.

``fetch_source(..., url=URL)`` downloads from an explicit URL (a mirror, an académie's portal,
a test server) through the same checks (``etat-des-lieux data fetch SOURCE --url URL``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import requests

from analysis.core import digests
from analysis.core.errors import AnalysisError, DownloadError, InputError, OfflineError
from analysis.sources.provenance import Provenance
from analysis.sources.registry import Source
from analysis.sources.store import SUFFIX_OF, Store
from analysis.sources.validation import validated

CHUNK = 1 << 16
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 120
#: Content types that are certainly no data export.
NOT_DATA_TYPES = ("text/html", "application/xhtml")

Progress = Callable[[int, int | None], None]


class _UrlFailed(Exception):
    """This URL did not give the file (the next one is tried)."""


def fetch_source(store: Store, source: Source, *, force: bool = False, url: str | None = None,
                 progress: Progress | None = None, session: requests.Session | None = None) -> Provenance:
    """Download a source into the store (first URL that gives a valid file) and record its provenance.

    Without ``force``, a source already in the store is not downloaded again (its record is
    returned). ``url`` replaces the source's URLs by one explicit URL.
    """
    urls = check_fetchable(source, url)
    present = store.records(source.key)
    if present and not force:
        return present[0]
    folder = store.raw / source.key
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / (source.filename + ".part")
    session = session or requests.Session()
    errors = []
    for candidate in urls:
        try:
            final_url = _download(session, candidate, part, progress)
            record = _store(store, source, part, candidate, final_url, explicit=bool(url))
        except _UrlFailed as failed:
            errors.append(f"{candidate}: {failed}")
            _discard(part)
            continue
        _discard(part)
        return record
    unverified = "" if source.url_verified or url else " (these URLs were constructed, never verified)"
    raise DownloadError(
        f"Could not download {source.key}{unverified}; nothing was replaced:\n  "
        + "\n  ".join(errors)
        + f"\n  → Download it by hand from {source.page or 'the portal'} and run "
          f"`etat-des-lieux data import PATH`, or give a mirror with --url.")


def check_fetchable(source: Source, url: str | None = None) -> tuple[str, ...]:
    """The URLs to try for a source; an error saying how to bring it when there is none."""
    urls = (url,) if url else source.urls
    if not urls:
        raise AnalysisError(
            f"Source '{source.key}' ({source.dataset_id}) has no public download URL: "
            f"{source.title} is not published as a file.\n  → Bring a copy with "
            f"`etat-des-lieux data import PATH` (layout: see params/sources.yml), or download it "
            f"from a mirror with `etat-des-lieux data fetch {source.key} --url URL`.")
    return tuple(urls)


def _store(store: Store, source: Source, part: Path, url: str, final_url: str, *, explicit: bool) -> Provenance:
    try:
        checked = validated(part, source)
    except InputError as err:
        raise _UrlFailed(f"the file is refused: {err.message}"
                         + (f" (column '{err.column}')" if err.column else "")
                         + (f" ({err.row_unit} {err.row})" if err.row else "")) from None
    sha = digests.file_sha256(part)
    if source.sha256 and sha != source.sha256:
        raise _UrlFailed(f"sha256 {sha[:12]}… is not the expected {source.sha256[:12]}… "
                         "(params/sources.yml): the file changed on the server, or is not the one expected")
    notes = []
    if not source.url_verified and not explicit:
        notes.append("URL constructed by analogy (unverified) — it answered.")
    if explicit:
        notes.append("Downloaded from an explicit URL (--url).")
    if final_url != url:
        notes.append(f"Redirected to {final_url}.")
    name = Path(source.filename).stem + SUFFIX_OF.get(checked.form.format, Path(source.filename).suffix)
    record, _ = store.add(part, source, method="fetch", origin=url, note=" ".join(notes),
                          target_name=name, checked=checked)
    return record


# ----------------------------------------------------------------------------------- HTTP
def _download(session: requests.Session, url: str, part: Path, progress: Progress | None) -> str:
    """Download ``url`` into ``part`` (resuming when the server confirms the same file); returns
    the final URL (after redirects)."""
    sidecar = part.with_name(part.name + ".json")
    known = _read_sidecar(sidecar)
    offset = part.stat().st_size if part.exists() else 0
    validator = known.get("etag") or known.get("last_modified")
    if offset and (known.get("url") != url or not validator):
        offset = 0                      # nothing proves the partial file is this URL's current one
    headers = {"Range": f"bytes={offset}-", "If-Range": validator} if offset else {}
    response = _get(session, url, headers)
    if offset and response.status_code == 416:           # the range does not exist any more
        response.close()
        offset, response = 0, _get(session, url, {})
    if hasattr(response.raw, "enforce_content_length"):
        # Keep what arrived before a drop (urllib3 would discard its last buffer): the length
        # is checked below, and the bytes kept are what a resume continues from.
        response.raw.enforce_content_length = False
    with response:
        _check_response(response, url)
        if offset and not (response.status_code == 206 and _range_start(response) == offset):
            offset = 0                                   # the server sent the whole (changed) file
        length = response.headers.get("Content-Length")
        total = int(length) + offset if length and length.isdigit() else None
        _write_sidecar(sidecar, {"url": url, "etag": response.headers.get("ETag"),
                                 "last_modified": response.headers.get("Last-Modified"), "total": total})
        done = offset
        try:
            with open(part, "ab" if offset else "wb") as f:
                for block in response.iter_content(CHUNK):
                    f.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
        except (requests.RequestException, OSError) as exc:
            raise _dropped(url, part, done, total, response, exc) from None
        if total is not None and done < total:
            raise _dropped(url, part, done, total, response, "the server closed the connection")
        return response.url


def _get(session: requests.Session, url: str, headers: dict) -> requests.Response:
    try:
        return session.get(url, stream=True, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                           allow_redirects=True)
    except requests.ConnectionError as exc:
        if _is_offline(exc):
            raise OfflineError(
                f"No network: cannot reach {url}.\n"
                f"  → On a connected machine, download the file and run `etat-des-lieux data import "
                f"PATH`; without data, `etat-des-lieux data demo` builds the marked demo dataset.") from None
        raise _UrlFailed(f"cannot connect ({_reason(exc)})") from None
    except requests.Timeout:
        raise _UrlFailed(f"no answer within {CONNECT_TIMEOUT} s") from None
    except requests.RequestException as exc:
        raise _UrlFailed(f"request failed ({_reason(exc)})") from None


def _check_response(response: requests.Response, url: str) -> None:
    if response.status_code >= 400:
        raise _UrlFailed(f"HTTP {response.status_code} {response.reason or ''}".rstrip())
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind.startswith(NOT_DATA_TYPES):
        head = next(response.iter_content(2048), b"").decode("utf-8", errors="replace")
        title = re.search(r"<title[^>]*>(.*?)</title>", head, flags=re.I | re.S)
        shown = f" « {title.group(1).strip()[:80]} »" if title else ""
        raise _UrlFailed(f"the server sent an HTML page{shown} ({kind}), not the data file")


def _range_start(response: requests.Response) -> int | None:
    found = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return int(found.group(1)) if found else None


def _dropped(url, part: Path, done: int, total, response, cause) -> DownloadError:
    resumable = bool(response.headers.get("ETag") or response.headers.get("Last-Modified"))
    got = f"{done:,} of {total:,} bytes" if total else f"{done:,} bytes"
    then = (f"run the same command again to resume it (the partial file is kept: {part})" if resumable
            else "run the same command again: the server gives no ETag or Last-Modified date, so the "
                 "download will start over")
    return DownloadError(f"The connection to {url} dropped after {got} ({_reason(cause)}); "
                         f"nothing was replaced.\n  → {then}.")


def _reason(exc) -> str:
    text = str(exc)
    found = re.search(r"(Connection refused|Connection reset by peer|Read timed out|"
                      r"Remote end closed connection|the server closed the connection)", text)
    if found is None and ("IncompleteRead" in text or "Connection broken" in text):
        return "connection broken"
    return found.group(1) if found else (text.splitlines()[0][:160] if text else type(exc).__name__)


def _read_sidecar(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_sidecar(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    part.with_name(part.name + ".json").unlink(missing_ok=True)


def _is_offline(exc: requests.ConnectionError) -> bool:
    text = str(exc)
    return any(s in text for s in ("NameResolution", "Name or service not known",
                                   "Temporary failure in name resolution", "Network is unreachable",
                                   "No address associated", "nodename nor servname"))
