"""Downloading a post's media files (uploads): streamed to disk, hashed as they come, size-capped.

A file larger than the cap is stopped as soon as it passes it (the `Content-Length` a server
announces is not trusted alone). Credentials follow the client's rules: only to the site's own origin.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import requests

from wparchive.sources.rest import Client, _short, redact_url

CHUNK = 1 << 16


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


def download(client: Client, url: str, into: Path, max_size: int) -> Download:
    """GET `url` into a new temporary file in the folder `into`; failures are returned, not raised."""
    result = Download(url)
    into.mkdir(parents=True, exist_ok=True)
    tmp = into / f".download-{os.getpid()}-{os.urandom(4).hex()}.tmp"
    try:
        response = client.session.get(url, stream=True, timeout=client.timeout,
                                      headers={"Accept": "*/*"})
    except requests.exceptions.RequestException as exc:
        result.error = f"cannot download: {_short(exc)}"
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


def shown(url: str) -> str:
    return redact_url(url)
