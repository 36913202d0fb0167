"""Downloads with a cache, resume, sha256 and a provenance record per file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import requests

from analysis.core.errors import AnalysisError, OfflineError
from analysis.sources.provenance import Provenance
from analysis.sources.registry import Source
from analysis.sources.store import Store

CHUNK = 1 << 16
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 120


def fetch_source(store: Store, source: Source, *, force: bool = False,
                 progress: Callable[[int, int | None], None] | None = None,
                 session: requests.Session | None = None) -> Provenance:
    """Download a source into the store (first URL that answers) and record its provenance.

    An interrupted download leaves ``<file>.part``; the next call resumes it with an HTTP Range
    request when the server allows it.
    """
    if not source.urls:
        raise AnalysisError(
            f"Source '{source.key}' ({source.dataset_id}) has no public download URL: "
            f"{source.title} is not published as a file. Bring a copy with "
            f"`etat-des-lieux data import PATH` (layout: see params/sources.yml)."
        )
    target_dir = store.raw / source.key
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.filename
    if target.exists() and not force:
        try:
            return Provenance.read(target)
        except FileNotFoundError:
            pass
    session = session or requests.Session()
    errors = []
    for url in source.urls:
        try:
            _download(session, url, target, progress)
        except requests.ConnectionError as exc:
            if _is_offline(exc):
                raise OfflineError(
                    f"No network: cannot reach {url}.\n"
                    f"  → On a connected machine, download it (page: {source.page}) and run "
                    f"`etat-des-lieux data import PATH`; without data, `etat-des-lieux data demo` "
                    f"builds the marked demo dataset."
                ) from None
            errors.append(f"{url}: {exc}")
            continue
        except requests.HTTPError as exc:
            errors.append(f"{url}: HTTP {exc.response.status_code}")
            continue
        note = "" if source.url_verified else "URL constructed by analogy (unverified) — it answered."
        record, _ = store.add(target, source, method="fetch", origin=url, note=note)
        return record
    unverified = "" if source.url_verified else " (this URL was constructed, never verified)"
    raise AnalysisError(
        f"Could not download {source.key}{unverified}:\n  " + "\n  ".join(errors)
        + f"\n  → Download it by hand from {source.page} and run `etat-des-lieux data import PATH`."
    )


def _download(session: requests.Session, url: str, target: Path,
              progress: Callable[[int, int | None], None] | None) -> None:
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with session.get(url, stream=True, headers=headers,
                     timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)) as response:
        if response.status_code == 416:          # already complete
            part.replace(target)
            return
        response.raise_for_status()
        if offset and response.status_code != 206:
            offset = 0                            # server ignored Range: start again
        length = response.headers.get("Content-Length")
        total = int(length) + offset if length and length.isdigit() else None
        done = offset
        with open(part, "ab" if offset else "wb") as f:
            for block in response.iter_content(CHUNK):
                f.write(block)
                done += len(block)
                if progress:
                    progress(done, total)
    part.replace(target)


def _is_offline(exc: requests.ConnectionError) -> bool:
    text = str(exc)
    return any(s in text for s in ("NameResolution", "Name or service not known",
                                   "Temporary failure in name resolution", "Network is unreachable",
                                   "No address associated", "nodename nor servname"))
