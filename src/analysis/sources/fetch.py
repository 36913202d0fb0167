"""Downloads you can trust: bounded, resumed only for the same file, checked before replacing anything.

A download goes to ``<raw>/<source>/<file>.part`` with a small record beside it
(``<file>.part.json``: the URL and the server's validators, ``ETag`` and ``Last-Modified``).
Then:

- **bounds** (:mod:`analysis.sources.limits`): a file larger than its source's maximum size is
  refused before a byte is written when the server announces it (``Content-Length``), and
  stopped as soon as it grows past it when the server does not (an endless body); an announced
  size that the disk cannot hold (the download and its stored copy) is refused before it
  starts. A server that does not answer, sends nothing for a while, trickles below the minimum
  rate or takes longer than the total time is left, and the message says how long it took;
- **resume** an interrupted download only when the server confirms the file did not change:
  ``Range`` with ``If-Range`` (the ETag, else the Last-Modified date). A server that answers
  200 instead of 206 (file changed, or no range support) sends the whole file: it replaces the
  partial one. Without a validator, the download starts again. The ``.part`` is kept after a
  dropped connection, a stalled or too slow server, or Ctrl-C only when it can be resumed (and
  the message says so); otherwise, and after every refusal, it is removed;
- **check** before replacing anything: HTTP status, ``Content-Type`` (an HTML page — what a portal
  sends for an error or a login — is refused), the length announced, then the whole schema of
  the source (:func:`analysis.sources.validation.validated`), then the expected sha256 when
  ``params/sources.yml`` gives one. Only then does the file replace the stored copy
  (:meth:`Store.add`, which refuses a copy with fewer rows unless ``accept_fewer``). A ZIP or
  gzip download is read as the one file it holds (:mod:`analysis.sources.archives`);
- a failure of a URL (HTTP error, HTML page, invalid file, wrong sha256, too large, too slow)
  moves on to the source's next URL; all are listed when none works. A dropped connection, a
  full disk and Ctrl-C stop at once.

``fetch_source(..., url=URL)`` downloads from an explicit URL (a mirror, an académie's portal,
a test server) through the same checks (``etat-des-lieux data fetch SOURCE --url URL``).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import requests
import urllib3

from analysis.core import digests
from analysis.core.errors import AnalysisError, DownloadError, InputError, OfflineError, french_spaces
from analysis.sources import archives
from analysis.sources.limits import DownloadLimits, duration_text, max_bytes, size_text
from analysis.sources.provenance import Provenance
from analysis.sources.registry import Source
from analysis.sources.replacement import FewerRowsError
from analysis.sources.store import SUFFIX_OF, Store
from analysis.sources.validation import validated

CHUNK = 1 << 16
#: Content types that are certainly no data export.
NOT_DATA_TYPES = ("text/html", "application/xhtml")
LOG = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]


class _UrlFailed(Exception):
    """This URL did not give the file (the next one is tried)."""


def fetch_source(store: Store, source: Source, *, force: bool = False, url: str | None = None,
                 progress: Progress | None = None, session: requests.Session | None = None,
                 limits: DownloadLimits | None = None, accept_fewer: bool = False) -> Provenance:
    """Download a source into the store (first URL that gives a valid file) and record its provenance.

    Without ``force``, a source already in the store is not downloaded again (its record is
    returned). ``url`` replaces the source's URLs by one explicit URL. ``accept_fewer``: a file
    with fewer rows or établissements than the stored copy may replace it.
    """
    urls = check_fetchable(source, url)
    present = store.records(source.key)
    if present and not force:
        return present[0]
    folder = store.raw / source.key
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(folder, exc, "rien n'a été téléchargé") from None
    part = folder / (source.filename + ".part")
    download = _Download(session or requests.Session(), limits or DownloadLimits(), max_bytes(source), progress)
    errors = []
    for candidate in urls:
        try:
            final_url = download.get(candidate, part)
            record = _store(store, source, part, candidate, final_url, explicit=bool(url), accept_fewer=accept_fewer)
        except _UrlFailed as failed:
            errors.append(f"{candidate} : {failed}")
            _discard(part)
            continue
        except FewerRowsError as err:
            _discard(part)
            raise err.naming(candidate) from None
        except (KeyboardInterrupt, SystemExit):
            if part.exists() and _read_sidecar(part.with_name(part.name + ".json")).get("total") == part.stat().st_size:
                _discard(part)             # whole, being checked: a resume could only start it again
                LOG.warning(french_spaces("téléchargement interrompu pendant la vérification du fichier reçu : "
                                          "il est supprimé, rien n'a été remplacé"))
            raise
        _discard(part)
        return record
    unverified = "" if source.url_verified or url else " (ces URL ont été construites, jamais vérifiées)"
    raise DownloadError(french_spaces(
        f"téléchargement de {source.key} impossible{unverified} ; rien n'a été remplacé :\n  "
        + "\n  ".join(errors)
        + f"\n  → téléchargez-le à la main depuis {source.page or 'le portail'} et lancez "
          f"`etat-des-lieux data import CHEMIN`, ou donnez un miroir avec --url."))


def check_fetchable(source: Source, url: str | None = None) -> tuple[str, ...]:
    """The URLs to try for a source; an error saying how to bring it when there is none."""
    urls = (url,) if url else source.urls
    if not urls:
        raise AnalysisError(french_spaces(
            f"la source « {source.key} » ({source.dataset_id}) n'a pas d'adresse de téléchargement publique : "
            f"{source.title} n'est pas publié sous forme de fichier.\n  → apportez-en une copie avec "
            f"`etat-des-lieux data import CHEMIN` (colonnes : voir params/sources.yml), ou téléchargez-la "
            f"depuis un miroir avec `etat-des-lieux data fetch {source.key} --url URL`."))
    return tuple(urls)


def _store(store: Store, source: Source, part: Path, url: str, final_url: str, *, explicit: bool,
           accept_fewer: bool) -> Provenance:
    try:
        with archives.unpacked(part, part.parent, max_bytes(source)) as (inner, packing):
            checked = validated(inner, source)
            sha = packing.sha256 if packing else digests.file_sha256(inner)
            if source.sha256 and sha != source.sha256:
                raise _UrlFailed(f"son sha256 {sha[:12]}… n'est pas celui attendu, {source.sha256[:12]}… "
                                 "(params/sources.yml) : le fichier a changé sur le serveur, ou ce n'est pas "
                                 "celui attendu")
            notes = []
            if not source.url_verified and not explicit:
                notes.append("URL constructed by analogy (unverified) — it answered.")
            if explicit:
                notes.append("Downloaded from an explicit URL (--url).")
            if final_url != url:
                notes.append(f"Redirected to {final_url}.")
            name = Path(source.filename).stem + SUFFIX_OF.get(checked.form.format, Path(source.filename).suffix)
            record, _ = store.add(inner, source, method="fetch", origin=url, note=" ".join(notes),
                                  target_name=name, checked=checked, packing=packing, accept_fewer=accept_fewer)
    except FewerRowsError:
        raise
    except InputError as err:
        raise _UrlFailed(french_spaces("le fichier est refusé : " + err.detail.splitlines()[0])) from None
    return record


# ----------------------------------------------------------------------------------- HTTP
class _Download:
    """One source's downloads: the HTTP session, the limits, the source's maximum size."""

    def __init__(self, session: requests.Session, limits: DownloadLimits, limit: int, progress: Progress | None):
        self.session, self.limits, self.limit, self.progress = session, limits, limit, progress

    def get(self, url: str, part: Path) -> str:
        """Download ``url`` into ``part`` (resuming when the server confirms the same file);
        returns the final URL (after redirects)."""
        sidecar = part.with_name(part.name + ".json")
        known = _read_sidecar(sidecar)
        offset = part.stat().st_size if part.exists() else 0
        validator = known.get("etag") or known.get("last_modified")
        if offset and (known.get("url") != url or not validator):
            offset = 0                      # nothing proves the partial file is this URL's current one
        started = time.monotonic()
        headers = {"Range": f"bytes={offset}-", "If-Range": validator} if offset else {}
        response = self._request(url, headers, started)
        if offset and response.status_code == 416:           # the range does not exist any more
            response.close()
            offset, response = 0, self._request(url, {}, started)
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
            self._check_room(total, offset, part, url)
            try:
                _write_sidecar(sidecar, {"url": url, "etag": response.headers.get("ETag"),
                                         "last_modified": response.headers.get("Last-Modified"), "total": total})
            except OSError as exc:
                raise _cannot_write(part.parent, exc, "rien n'a été téléchargé") from None
            self._receive(response, part, offset, total, started, url)
            return response.url

    def _request(self, url: str, headers: dict, started: float) -> requests.Response:
        try:
            return self.session.get(url, stream=True, headers=headers, allow_redirects=True,
                                    timeout=(self.limits.connect, self.limits.first_byte))
        except requests.ConnectionError as exc:
            if isinstance(exc, requests.ConnectTimeout) or "timed out" in str(exc).lower():
                raise _UrlFailed("pas de connexion au serveur en "
                                 f"{duration_text(time.monotonic() - started)}") from None
            if _is_offline(exc):
                raise OfflineError(french_spaces(
                    f"pas de réseau : {url} est injoignable.\n  → sur une machine connectée, téléchargez le "
                    f"fichier et lancez `etat-des-lieux data import CHEMIN` ; sans données, `etat-des-lieux "
                    f"data demo` crée le jeu de démonstration, marqué comme tel.")) from None
            raise _UrlFailed(f"connexion impossible ({_reason(exc)})") from None
        except requests.Timeout:
            raise _UrlFailed(f"le serveur a accepté la connexion mais n'a rien répondu en "
                             f"{duration_text(time.monotonic() - started)}") from None
        except requests.RequestException as exc:
            raise _UrlFailed(f"la requête a échoué ({_reason(exc)})") from None

    def _check_room(self, total: int | None, offset: int, part: Path, url: str) -> None:
        """Refuse before writing a byte a file announced larger than the source's maximum, or
        than the disk can hold (what remains to download, then the stored copy)."""
        if total is None:
            return
        if total > self.limit:
            raise _UrlFailed(f"le serveur annonce {size_text(total)}, plus que la taille maximale de "
                             f"{size_text(self.limit)} de cette source (max_size_mb de params/sources.yml)")
        needed = (total - offset) + total
        free = shutil.disk_usage(part.parent).free
        if needed > free:
            _discard(part)
            raise DownloadError(french_spaces(
                f"{url} annonce {size_text(total)} : il faut {size_text(needed)} sur le disque (le "
                f"téléchargement, puis sa copie vérifiée) et il reste {size_text(free)} dans {part.parent} ; "
                f"rien n'a été téléchargé.\n  → libérez de la place sur ce disque, ou téléchargez dans un "
                f"autre dossier avec --data-dir."))

    def _receive(self, response: requests.Response, part: Path, offset: int, total: int | None,
                 started: float, url: str) -> None:
        """Write the body into ``part`` within the limits; the ``.part`` is kept on the way out
        only when it can be resumed."""
        done, recent = offset, deque([(time.monotonic(), offset)])
        try:
            with open(part, "ab" if offset else "wb", buffering=0) as f:     # a full disk shows at once
                while block := self._read(response, done, total, started, url, part):
                    done += len(block)
                    if done > self.limit:
                        raise _UrlFailed(f"le serveur a envoyé plus de {size_text(self.limit)}, la taille maximale "
                                         f"de cette source (max_size_mb de params/sources.yml), en "
                                         f"{duration_text(time.monotonic() - started)} ; téléchargement arrêté")
                    _write(f, block, part)
                    self._check_pace(recent, done, started, response, part, url, total)
                    if self.progress:
                        self.progress(done, total)
        except (KeyboardInterrupt, SystemExit):   # Ctrl-C, SIGTERM: keep the .part only to resume it
            _interrupted(part, done, total, response)
            raise
        except _UrlFailed:                        # a refusal: nothing of it is kept
            _discard(part)
            raise
        if total is not None and done < total:
            raise _dropped(url, part, done, total, response, "the server closed the connection", started)

    def _read(self, response, done: int, total, started: float, url: str, part: Path) -> bytes:
        try:
            return response.raw.read1(CHUNK, decode_content=True)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            if "timed out" in str(exc).lower():
                raise _dropped(url, part, done, total, response,
                               f"plus rien reçu pendant {duration_text(self.limits.first_byte)}", started) from None
            raise _dropped(url, part, done, total, response, exc, started) from None

    def _check_pace(self, recent: deque, done: int, started: float, response, part: Path, url: str, total) -> None:
        """Leave a server past the total time, or below the minimum rate over the last window."""
        now = time.monotonic()
        if now - started > self.limits.total:
            raise _too_slow(url, part, done, total, response, started,
                            f"le téléchargement dure depuis plus de {duration_text(self.limits.total)}, le maximum")
        recent.append((now, done))
        while len(recent) > 2 and now - recent[1][0] >= self.limits.rate_window:
            recent.popleft()
        since, then = recent[0]
        if now - since >= self.limits.rate_window and (done - then) / (now - since) < self.limits.min_rate:
            raise _too_slow(url, part, done, total, response, started,
                            f"le serveur envoie {size_text((done - then) / (now - since))} par seconde depuis "
                            f"{duration_text(now - since)}, sous le minimum de {size_text(self.limits.min_rate)} "
                            "par seconde")


def _write(f, block: bytes, part: Path) -> None:
    view = memoryview(block)
    try:
        while view:
            view = view[f.write(view):]
    except OSError as exc:
        _discard(part)
        raise _cannot_write(part.parent, exc, "le fichier partiel est supprimé, rien n'a été remplacé") from None


def _cannot_write(folder: Path, exc: OSError, then: str) -> DownloadError:
    """A data folder the download cannot write to: a full disk, a read-only folder."""
    return DownloadError(french_spaces(
        f"écriture impossible dans {folder} ({exc.strerror or exc}) : disque plein, dossier en lecture seule "
        f"ou sans droit d'écriture ; {then}.\n  → libérez de la place ou donnez-vous le droit d'y écrire, ou "
        f"téléchargez dans un autre dossier avec --data-dir."))


def _check_response(response: requests.Response, url: str) -> None:
    if response.status_code >= 400:
        raise _UrlFailed(f"HTTP {response.status_code} {response.reason or ''}".rstrip())
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind.startswith(NOT_DATA_TYPES):
        head = next(response.iter_content(2048), b"").decode("utf-8", errors="replace")
        title = re.search(r"<title[^>]*>(.*?)</title>", head, flags=re.I | re.S)
        shown = f" « {title.group(1).strip()[:80]} »" if title else ""
        raise _UrlFailed(f"le serveur a envoyé une page HTML{shown} ({kind}), pas le fichier de données")


def _range_start(response: requests.Response) -> int | None:
    found = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return int(found.group(1)) if found else None


def _resumable(response: requests.Response) -> bool:
    """Whether the server lets a partial file be resumed: a validator, and ranges not refused."""
    return bool(response.headers.get("ETag") or response.headers.get("Last-Modified")) \
        and response.headers.get("Accept-Ranges", "bytes").lower() != "none"


def _got(done: int, total: int | None) -> str:
    return f"{size_text(done)} sur {size_text(total)}" if total else size_text(done)


def _kept_or_not(part: Path, response) -> str:
    """What happens to the partial file, said; removed when it cannot be resumed."""
    if _resumable(response):
        return f"la même commande le reprend (le fichier partiel est gardé : {part})"
    _discard(part)
    return ("le fichier partiel est supprimé (le serveur ne donne ni ETag ni date Last-Modified : le "
            "téléchargement reprendra du début)")


def _dropped(url, part: Path, done: int, total, response, cause, started: float) -> DownloadError:
    return DownloadError(french_spaces(
        f"la connexion à {url} s'est interrompue après {_got(done, total)} en "
        f"{duration_text(time.monotonic() - started)} ({_reason(cause)}) ; rien n'a été remplacé.\n"
        f"  → {_kept_or_not(part, response)}."))


def _too_slow(url, part: Path, done: int, total, response, started: float, why: str) -> DownloadError:
    return DownloadError(french_spaces(
        f"téléchargement de {url} abandonné après {duration_text(time.monotonic() - started)} et "
        f"{_got(done, total)} : {why} ; rien n'a été remplacé.\n  → {_kept_or_not(part, response)} ; "
        f"réessayez plus tard, ou depuis un miroir avec --url."))


def _interrupted(part: Path, done: int, total, response) -> None:
    """Ctrl-C (or SIGTERM) during a download: say what became of the partial file."""
    LOG.warning(french_spaces(f"téléchargement interrompu après {_got(done, total)} : "
                              f"{_kept_or_not(part, response)}"))


def _reason(exc) -> str:
    text = str(exc)
    found = re.search(r"(Connection refused|Connection reset by peer|Read timed out|"
                      r"Remote end closed connection|the server closed the connection)", text)
    words = {"Connection refused": "connexion refusée", "Connection reset by peer": "connexion réinitialisée",
             "Read timed out": "plus de réponse", "Remote end closed connection": "le serveur a fermé la connexion",
             "the server closed the connection": "le serveur a fermé la connexion"}
    if found is None and ("IncompleteRead" in text or "Connection broken" in text):
        return "connexion rompue"
    if found:
        return words[found.group(1)]
    return text.splitlines()[0][:160] if text else type(exc).__name__


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
