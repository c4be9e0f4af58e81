"""A small threaded HTTP server on 127.0.0.1 that plays any fault a hostile server can: routes are
functions that write whatever they like (dripped bytes, gzip bombs, endless pages, redirects).

Every loop in a route is bounded, every handler thread is a daemon, and the server stops with the
`with` block, so no test can hang on it. It also records each request's path and headers.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bench.loopback import LoopbackServer, answer

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        path, _, query = self.path.partition("?")
        with owner.lock:
            owner.requests.append((self.path, dict(self.headers.items())))
        route = owner.routes.get(path) or owner.routes.get("*")
        try:
            if route is None:
                self.send(404, {"code": "rest_no_route", "message": "No route was found."})
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client cut us off: what the size limit and the deadline are for

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.path.partition("?")[2]).items()}

    def send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        """A whole answer; `body` as bytes, or anything JSON can encode."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        answer(self, status, {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}, data)

    def drip(self, data: bytes, every: float, headers: dict[str, str] | None = None) -> None:
        """Send `data` one byte every `every` seconds (chunked: no length announced); bounded by len(data)."""
        self.send_response(200)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for byte in data:
            self.wfile.write(b"1\r\n" + bytes([byte]) + b"\r\n")
            self.wfile.flush()
            time.sleep(every)
        self.wfile.write(b"0\r\n\r\n")

    def big(self, size: int, chunk: bytes = b" " * 65536) -> None:
        """A JSON-looking body of `size` bytes, written in chunks; the count written is recorded."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = 0
        try:
            while sent < size:
                part = chunk[: size - sent]
                self.wfile.write(part)
                sent += len(part)
        finally:
            with self.server.owner.lock:
                self.server.owner.sent.append(sent)


    def log_message(self, format: str, *args: object) -> None:
        pass  # a test reads the client's stderr: the server keeps quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client cutting a fault off mid-answer is the expected end


class FaultServer:
    """`with FaultServer() as s: s.routes["/x"] = lambda h: h.send(200, {...})`; `s.url` is its origin."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sent: list[int] = []  # bytes written by `big` before it finished or was cut off
        self.lock = threading.Lock()
        self.server = LoopbackServer(Handler, "faultserver", _Server)
        self.server.httpd.owner = self  # type: ignore[attr-defined]
        self.port, self.url = self.server.port, self.server.url

    def __enter__(self) -> FaultServer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()

    def headers_of(self, prefix: str) -> list[dict[str, str]]:
        """The headers of every request whose path starts with `prefix`."""
        with self.lock:
            return [h for p, h in self.requests if p.startswith(prefix)]


def gzip_bomb(inflated: int) -> bytes:
    """A gzip body of zeros that inflates to `inflated` bytes (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: with the gzip wrapper
    zeros = b"\0" * (1 << 20)
    parts = [compressor.compress(zeros) for _ in range(inflated >> 20)]
    parts.append(compressor.flush())
    return b"".join(parts)


def wp_post(post_id: Any, base: str = "posts", origin: str = "http://127.0.0.1") -> dict[str, Any]:
    """A small published post as WordPress lists it."""
    return {"id": post_id, "date_gmt": "2024-01-01T00:00:00", "modified_gmt": "2024-01-01T00:00:00",
            "slug": f"post-{post_id}", "status": "publish", "type": "post",
            "link": f"{origin}/?p={post_id}", "title": {"rendered": f"Post {post_id}"},
            "content": {"rendered": f"<p>Body of {post_id}.</p>", "protected": False},
            "excerpt": {"rendered": "", "protected": False}, "author": 1, "categories": [], "tags": []}
