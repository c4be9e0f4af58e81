"""Downloading a post's media files (uploads): streamed to disk, hashed as they come, size-capped.

A file larger than the cap is stopped as soon as it passes it (the `Content-Length` a server
announces is not trusted alone). Credentials follow the client's rules: only to the site's own origin.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

from wparchive.sources.rest import Client, _short, redact_url

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
    tmp = into / f".download-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    response = _get(client, url, allowed)
    if isinstance(response, str):
        result.error = response
        return result
    with response:
        result.status = response.status_code
        result.type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
        if response.status_code >= 400:
            result.error = f"HTTP {response.status_code}"
            return result
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > max_size:
            result.error = f"larger than --media-max-size ({int(announced)} bytes announced)"
            return result
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "xb") as f:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > max_size:
                        result.error = f"larger than --media-max-size (more than {max_size} bytes)"
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
        return result
    result.sha256, result.size, result.path = digest.hexdigest(), size, tmp
    return result
