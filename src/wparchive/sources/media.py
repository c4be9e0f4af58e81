"""Downloading a post's media files (uploads): streamed to disk, hashed as they come, size-capped.

A file larger than the cap is stopped as soon as it passes it (the `Content-Length` a server
announces is not trusted alone), and a download has a whole-response deadline as every API request
has (read timeout plus the cap at MIN_RATE): a server dripping bytes, each within the read timeout,
cannot hold a run for ever. Credentials follow the client's rules: only to the site's own origin.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

from wparchive.sources.rest import MIN_RATE, Client, _short, redact_url
from wparchive.sources.transport import CURRENT, Deadline

CHUNK = 1 << 16
MAX_REDIRECTS = 5


@dataclass
class Download:
    """What one download gave: a file on disk with its hash, or why there is none."""

    url: str
    status: int | None = None
    sha256: str | None = None
    size: int | None = None
    type: str | None = None
    path: Path | None = None  # the temporary file holding the bytes (the caller moves it)
    error: str | None = None


def _get(client: Client, url: str, allowed: Callable[[str], bool]) -> requests.Response | str:
    """The response, following redirects only to where `allowed` says (never to another host unasked)."""
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = client.session.get(url, stream=True, timeout=client.timeout, allow_redirects=False,
                                          headers={"Accept": "*/*"})
        except requests.exceptions.RequestException as exc:
            return f"cannot download: {_short(exc)}"
        if not response.is_redirect:
            return response
        target = urljoin(url, response.headers.get("Location", ""))
        response.close()
        if not allowed(target):
            return f"redirected to {redact_url(target)}, which is not the site's uploads (see --media-host)"
        url = target
    return "too many redirects"


def download(client: Client, url: str, into: Path, max_size: int,
             allowed: Callable[[str], bool] = lambda _: True) -> Download:
    """GET `url` into a new temporary file in the folder `into`; failures are returned, not raised."""
    result = Download(url)
    into.mkdir(parents=True, exist_ok=True)
    seconds = client.timeout[1] + max_size / MIN_RATE
    # The timer shuts the socket of a server dripping its headers; the loop below checks the clock
    # between chunks, since a drip of body bytes never blocks one read for long.
    watchdog = CURRENT.deadline = Deadline(seconds)
    watchdog.timer.start()
    try:
        _download(client, url, into, max_size, allowed, result, watchdog, time.monotonic() + seconds)
    finally:
        watchdog.timer.cancel()
        CURRENT.deadline = None
    if watchdog.hit and result.error is not None:
        result.error = (f"timed out: the whole file did not arrive within {seconds:g}s "
                        "(the read timeout plus --media-max-size at 256 KiB/s)")
    return result


def _download(client: Client, url: str, into: Path, max_size: int, allowed: Callable[[str], bool],
              result: Download, watchdog: Deadline, deadline: float) -> None:
    tmp = into / f".download-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    response = _get(client, url, allowed)
    if isinstance(response, str):
        result.error = response
        return
    with response:
        result.status = response.status_code
        result.type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
        if response.status_code >= 400:
            result.error = f"HTTP {response.status_code}"
            return
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > max_size:
            result.error = f"larger than --media-max-size ({int(announced)} bytes announced)"
            return
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "xb") as f:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > max_size:
                        result.error = f"larger than --media-max-size (more than {max_size} bytes)"
                        break
                    if time.monotonic() > deadline:
                        result.error = "timed out"  # worded by `download`
                        watchdog.hit = True
                        break
                    digest.update(chunk)
                    f.write(chunk)
                else:
                    f.flush()
                    os.fsync(f.fileno())
        except requests.exceptions.RequestException as exc:
            result.error = f"download cut off: {_short(exc)}"
        except OSError as exc:
            result.error = f"cannot write it: {exc.strerror or exc}"
    if result.error is not None:
        tmp.unlink(missing_ok=True)
        return
    result.sha256, result.size, result.path = digest.hexdigest(), size, tmp
