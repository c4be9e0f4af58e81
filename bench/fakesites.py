"""Many synthetic WordPress sites on 127.0.0.1, one port each, for multi-site tests and benchmarks.

Each site is a `FakeWordPress` (bench/fakewp.py) behind its own `ThreadingHTTPServer`, bound to the
loopback interface only, answering only requests that identify as wparchive, with an optional delay
per request (a real site's latency). Servers live in the calling process's threads and stop when the
`FakeSites` context ends.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

from bench.fakewp import FakeWordPress
from bench.loopback import LoopbackServer, answer


class FakeSite:
    """One synthetic site on its own port; counts the requests it answered."""

    def __init__(self, posts: int, latency: float = 0.0) -> None:
        self.lock = threading.Lock()
        self.latency = latency
        self.served = 0
        self.down = False  # a site that is down answers 503 to everything
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if owner.latency:
                    time.sleep(owner.latency)
                agent = self.headers.get("User-Agent", "")
                with owner.lock:
                    if not agent.startswith("wparchive/"):
                        status, headers, body = 403, {"Content-Type": "text/plain"}, b"not for you\n"
                    elif owner.down:
                        status, headers, body = 503, {"Content-Type": "text/html"}, b"<html>Down</html>"
                    else:
                        status, headers, body = owner.fake.handle(
                            "GET", owner.fake.url + self.path, dict(self.headers.items()))
                        owner.served += 1
                answer(self, status, headers, body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = LoopbackServer(Handler, "fakesite")
        self.url = self.server.url
        self.fake = FakeWordPress(self.url, posts)
        self.server.start()

    def close(self) -> None:
        self.server.close()


class FakeSites:
    """`count` sites of `posts` posts each: `with FakeSites(20, 30) as sites: sites.urls`."""

    def __init__(self, count: int, posts: int, latency: float = 0.0) -> None:
        self.sites = [FakeSite(posts, latency) for _ in range(count)]

    @property
    def urls(self) -> list[str]:
        return [site.url for site in self.sites]

    @property
    def served(self) -> int:
        return sum(site.served for site in self.sites)

    def __enter__(self) -> FakeSites:
        return self

    def __exit__(self, *exc: object) -> None:
        for site in self.sites:
            site.close()
