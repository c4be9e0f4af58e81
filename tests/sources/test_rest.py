"""The HTTP client against small servers on 127.0.0.1: connection errors and 5xx are retried, within
bounds, and end in one clear error."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wparchive.errors import RemoteError
from wparchive.sources import rest
from wparchive.sources.rest import Client


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answers: list = []  # per request: an int status, or "drop" to close without answering
    seen: list = []

    def do_GET(self):
        self.seen.append(self.path)
        answer = self.answers.pop(0) if self.answers else 200
        if answer == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        body = json.dumps({"ok": answer == 200, "path": self.path}).encode()
        self.send_response(answer)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(port=0):
    handler = type("H", (Handler,), {"answers": [], "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, handler


@pytest.fixture
def no_backoff(monkeypatch):
    waits = []
    monkeypatch.setattr(rest.time, "sleep", waits.append)  # the client's own backoff (sources/rest.py)
    return waits


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_is_retried_until_the_server_is_up(monkeypatch):
    port = free_port()  # nothing listens there yet: the first attempt is refused
    started = []

    def sleep(seconds):  # the backoff: the server comes up meanwhile
        if not started:
            started.append(serve(port))

    monkeypatch.setattr(rest.time, "sleep", sleep)
    data, response = Client(retries=2).get_json(f"http://127.0.0.1:{port}/wp-json/")
    assert data == {"ok": True, "path": "/wp-json/"} and response.status_code == 200
    httpd, handler = started[0]
    assert handler.seen == ["/wp-json/"]
    httpd.shutdown()


def test_a_dropped_connection_is_retried(no_backoff):
    httpd, handler = serve()
    handler.answers[:] = ["drop", "drop"]
    data, _ = Client(retries=2).get_json(f"http://127.0.0.1:{httpd.server_port}/x")
    assert data == {"ok": True, "path": "/x"} and handler.seen == ["/x", "/x", "/x"]
    assert len(no_backoff) == 1  # as urllib3 did: no wait before the first retry, a backoff before the second
    httpd.shutdown()


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_busy_statuses_are_retried(no_backoff, status):
    httpd, handler = serve()
    handler.answers[:] = [status]
    data, _ = Client(retries=1).get_json(f"http://127.0.0.1:{httpd.server_port}/y")
    assert data["ok"] and handler.seen == ["/y", "/y"]
    httpd.shutdown()


@pytest.mark.parametrize("status", [500, 404, 403])
def test_other_errors_are_not_retried(no_backoff, status):
    httpd, handler = serve()
    handler.answers[:] = [status]
    with pytest.raises(RemoteError):
        Client(retries=3).get_json(f"http://127.0.0.1:{httpd.server_port}/z")
    assert handler.seen == ["/z"] and no_backoff == []
    httpd.shutdown()


def test_retries_are_bounded_in_count_then_one_error(no_backoff):
    httpd, handler = serve()
    handler.answers[:] = [503] * 10
    with pytest.raises(RemoteError) as err:
        Client(retries=3).get_json(f"http://127.0.0.1:{httpd.server_port}/w")
    assert str(err.value) == (f"http://127.0.0.1:{httpd.server_port}/w answered HTTP 503 (maintenance?); retries ran "
                              "out after 3; try again later, or slow down with --delay")
    assert len(handler.seen) == 4
    httpd.shutdown()


def test_a_refused_connection_ends_in_one_error_after_its_retries(no_backoff):
    port = free_port()
    with pytest.raises(RemoteError) as err:
        Client(retries=2).get(f"http://127.0.0.1:{port}/")
    assert str(err.value) == (f"cannot connect to 127.0.0.1:{port}: Connection refused; retries ran out after 2; "
                              "check the URL and the network")
    assert len(no_backoff) == 1  # no wait before the first retry


def test_retries_are_bounded_in_total_time(monkeypatch):
    httpd, handler = serve()
    handler.answers[:] = [503] * 20
    waits = []
    monkeypatch.setattr(rest.time, "sleep", waits.append)
    with pytest.raises(RemoteError) as err:
        Client(retries=10, max_retry_wait=20).get_json(f"http://127.0.0.1:{httpd.server_port}/v")
    # Backoffs of about 2, 4, 8 s fit in 20 s; the next (about 16 s) would not: the retries stop there.
    assert sum(waits) <= 20 and len(handler.seen) < 11
    assert "--max-retry-wait 20s" in str(err.value)
    httpd.shutdown()
