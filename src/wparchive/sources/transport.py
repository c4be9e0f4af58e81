"""The connection layer under the Client: sessions whose requests a whole-response deadline can
cut off, and credentials that go to one origin only.

A server can drip its status line and headers one byte at a time, each well within the read
timeout (http.client reads them line by line), so a timer per request shuts its socket when the
deadline passes. Redirects are left to the Client (requests would read a redirect's whole body).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter


def origin_of(url: str) -> str:
    """`scheme://host:port`, lower-cased, with the scheme's default port spelled out."""
    parts = urlsplit(url if "//" in url else "https://" + url)
    scheme = (parts.scheme or "https").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{scheme}://{(parts.hostname or '').lower()}:{port or (443 if scheme == 'https' else 80)}"


class Deadline:
    """The whole-response deadline of the request in progress on this thread. A timer shuts the
    request's socket when it passes, so a server dripping its status line or headers (which
    http.client reads line by line, each read within the read timeout) is cut off too."""

    def __init__(self, seconds: float) -> None:
        self.hit = False
        self.sock: socket.socket | None = None
        self.timer = threading.Timer(seconds, self._cut_off)
        self.timer.daemon = True

    def _cut_off(self) -> None:
        self.hit = True
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


CURRENT = threading.local()  # .deadline: the Deadline of this thread's request, if any


class DeadlineConnection(urllib3.connection.HTTPConnection):
    def getresponse(self) -> Any:  # type: ignore[override]
        deadline = getattr(CURRENT, "deadline", None)
        if deadline is not None:
            deadline.sock = self.sock
            if deadline.hit:  # passed while connecting or sending
                deadline._cut_off()
        return super().getresponse()


class DeadlineHTTPSConnection(urllib3.connection.HTTPSConnection):
    getresponse = DeadlineConnection.getresponse  # type: ignore[assignment]


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = DeadlineConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = DeadlineHTTPSConnection  # type: ignore[assignment]


class Adapter(HTTPAdapter):
    """requests' adapter, with connections that the whole-response deadline can cut off."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class Session(requests.Session):
    """A Session that leaves redirects to the Client, which follows them with its limits and asks
    `_OriginAuth` afresh for each URL."""

    def resolve_redirects(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        # Even with allow_redirects=False, requests reads a redirect's whole body here (to offer
        # `Response.next`): unbounded. The Client reads it, bounded, instead.
        return iter(())


@dataclass
class Credentials:
    user: str
    password: str
    origin: str | None = None  # the only scheme://host:port they go to; None: the first request's

    def __repr__(self) -> str:  # never show the password, even in a debugger or traceback
        return f"Credentials(user={self.user!r}, password=***)"


class OriginAuth(requests.auth.AuthBase):
    """Basic auth for one origin only (scheme, host and port): a `Link` or a redirect to any other
    origin, another port of the same host included, never gets the password."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.origin = origin_of(credentials.origin) if credentials.origin else None

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        origin = origin_of(request.url or "")
        if self.origin is None:
            self.origin = origin
        if origin == self.origin:
            return requests.auth.HTTPBasicAuth(self.credentials.user, self.credentials.password)(request)
        return request
