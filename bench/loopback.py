"""A threaded HTTP server on 127.0.0.1 in a daemon thread, and a whole answer written to it: what the
synthetic sites (bench/fakesites.py, bench/site.py) and the fault server of the tests
(tests/faultserver.py) share. Bound to the loopback interface only; `with` starts and stops it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LoopbackServer:
    """`handler` served on a free port of 127.0.0.1; `url` is its origin."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], name: str,
                 server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer) -> None:
        self.httpd = server_class(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True  # a hung client never keeps a test or a benchmark alive
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def __enter__(self) -> Any:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def answer(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes, *,
           own_date: bool = False) -> None:
    """A whole answer with its length; with `own_date`, the server's own `Date` header instead of one
    in `headers` (send_response adds it, as a real server does)."""
    handler.send_response(status)
    for name, value in headers.items():
        if not (own_date and name == "Date"):
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
