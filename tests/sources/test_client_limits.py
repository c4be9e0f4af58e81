"""The Client's limits at their edges, against tests/faultserver.py on 127.0.0.1: the size limit to
the byte, memory under a gzip bomb, `--delay` below a second, the time in `-vv`'s answer line,
get_json's errors, redirects counted, and a broken answer told from no connection (mutants of rest.py changed each
unnoticed)."""

import logging
import re
import socket
import time
import tracemalloc

import pytest

from tests.faultserver import FaultServer, gzip_bomb
from wparchive.errors import InputError, RemoteError
from wparchive.sources import rest
from wparchive.sources.rest import Client, ResponseTooLarge


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


@pytest.mark.parametrize("size, refused", [(1000, False), (1001, True)])
def test_the_size_limit_holds_to_the_byte(server, size, refused):
    server.routes["/x"] = lambda h: h.send(200, b"[" + b" " * (size - 2) + b"]")
    client = Client(max_response_size=1000, retries=0)
    if refused:
        with pytest.raises(ResponseTooLarge) as error:
            client.get(f"{server.url}/x")
        assert str(error.value) == (f"{server.url}/x sent more than 1000 bytes (--max-response-size); nothing "
                                    "was written; raise --max-response-size if it is right")
    else:
        assert len(client.get(f"{server.url}/x").content) == 1000


def test_a_gzip_bomb_never_inflates_in_memory_past_the_limit(server):
    # Read a chunk at a time, a cut-off response holds at most the limit and one chunk; asked for all
    # that is available at once, urllib3 inflates what arrived in one go (about 22 MB here).
    bomb = gzip_bomb(256 * 1024 * 1024)
    server.routes["/bomb"] = lambda h: h.send(200, bomb, {"Content-Encoding": "gzip"})
    client = Client(max_response_size=2 * 1024 * 1024, retries=0)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLarge):
            client.get(f"{server.url}/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024, peak


def test_a_delay_below_a_second_is_kept_between_requests(server, monkeypatch):
    server.routes["/x"] = lambda h: h.send(200, [])
    slept = []
    monkeypatch.setattr(rest.time, "sleep", slept.append)
    client = Client(delay=0.4, retries=0)
    client.get(f"{server.url}/x")
    assert slept == []  # nothing to wait for before the first request
    client.get(f"{server.url}/x")
    assert len(slept) == 1 and 0.2 < slept[0] <= 0.4, slept


def test_the_answer_line_of_vv_gives_its_time_in_milliseconds(server, caplog):
    server.routes["/slow"] = lambda h: (time.sleep(0.25), h.send(200, [1]))
    with caplog.at_level(logging.DEBUG, logger="wparchive"):
        Client(retries=0).get(f"{server.url}/slow")
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    m = re.fullmatch(rf"200 {re.escape(server.url)}/slow in (\d+) ms \(3 bytes\)", line)
    assert m, line
    assert 250 <= int(m.group(1)) < 5000


def test_get_json_names_the_post_by_default(server):
    server.routes["/missing"] = lambda h: h.send(404, {"code": "rest_post_invalid_id", "message": "Invalid post ID."})
    with pytest.raises(RemoteError) as error:
        Client(retries=0).get_json(f"{server.url}/missing")
    assert str(error.value) == f"the post was not found at {server.url}/missing (HTTP 404 rest_post_invalid_id)"


@pytest.mark.parametrize("status", [400, 401])
def test_get_json_refuses_every_4xx(server, status):
    server.routes["/bad"] = lambda h: h.send(status, {"code": "rest_invalid_param", "message": "Bad page."})
    with pytest.raises(RemoteError) as error:
        Client(retries=0).get_json(f"{server.url}/bad", what="the listing")
    assert str(error.value) == {
        400: f"{server.url}/bad answered HTTP 400 rest_invalid_param: Bad page.",
        401: "the listing needs credentials (HTTP 401 rest_invalid_param: Bad page.); use --user NAME with "
             "WPARCHIVE_APP_PASSWORD or ~/.netrc"}[status]


def test_get_json_gives_the_json_and_the_response(server):
    server.routes["/ok"] = lambda h: h.send(200, {"id": 3})
    data, response = Client(retries=0).get_json(f"{server.url}/ok")
    assert (data, response.status_code) == ({"id": 3}, 200)


def redirect_chain(h):
    """/r?n=N redirects to /r?n=N-1, and /r?n=0 answers: N redirects in all."""
    n = int(h.query.get("n", "0"))
    if n:
        h.send(302, b"", {"Location": f"/r?n={n - 1}"})
    else:
        h.send(200, [n])


def test_ten_redirects_are_followed(server):
    server.routes["/r"] = redirect_chain
    response = Client(retries=0).get(f"{server.url}/r?n=10")
    assert (response.status_code, response.content, len(server.requests)) == (200, b"[0]", 11)


def test_the_eleventh_redirect_is_a_loop(server):
    server.routes["/r"] = redirect_chain
    with pytest.raises(RemoteError) as error:
        Client(retries=0).get(f"{server.url}/r?n=11")
    assert str(error.value) == f"{server.url}/r?n=0 redirects in a loop; check the URL"
    assert len(server.requests) == 11


def test_a_location_on_an_answer_that_is_no_redirect_is_not_followed(server):
    server.routes["/created"] = lambda h: h.send(201, {"id": 1}, {"Location": "/elsewhere"})
    response = Client(retries=0).get(f"{server.url}/created")
    assert (response.status_code, [p for p, _ in server.requests]) == (201, ["/created"])


def test_a_url_that_is_no_url_is_bad_input():
    with pytest.raises(InputError) as error:
        Client(retries=0).get("http://")
    assert str(error.value) == "http:// is not a valid URL; check it"


def test_an_answer_broken_off_is_told_from_no_connection(server):
    def broken(h):
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b'[{"id": 1')
        h.close_connection = True
    server.routes["/broken"] = broken
    with pytest.raises(RemoteError) as error:
        Client(retries=0).get(f"{server.url}/broken")
    assert str(error.value).startswith(f"127.0.0.1:{server.port} broke off its answer: "), str(error.value)
    assert str(error.value).endswith("; check the URL and the network")



@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed(server, status):
    server.routes["/old"] = lambda h: h.send(status, b"", {"Location": "/new"})
    server.routes["/new"] = lambda h: h.send(200, [status])
    response = Client(retries=0).get(f"{server.url}/old")
    assert (response.status_code, response.content) == (200, f"[{status}]".encode())


@pytest.mark.parametrize("status", [300, 304, 309])
def test_other_statuses_with_a_location_are_answers(server, status):
    server.routes["/old"] = lambda h: h.send(status, b"", {"Location": "/new"})
    assert Client(retries=0).get(f"{server.url}/old").status_code == status
    assert [p for p, _ in server.requests] == ["/old"]


def flaky(statuses):
    """Answers each status in turn, then 200."""
    left = list(statuses)
    return lambda h: h.send(left.pop(0), {"code": "busy"}) if left else h.send(200, [1])


def test_a_retry_is_made_while_any_retry_wait_is_left(server, monkeypatch):
    monkeypatch.setattr(rest.time, "sleep", lambda s: None)
    server.routes["/x"] = flaky([503])
    response = Client(retries=2, max_retry_wait=0.5).get(f"{server.url}/x")
    assert (response.status_code, len(server.requests)) == (200, 2)


def test_each_retry_is_logged_with_its_wait_and_its_reason(server, monkeypatch, caplog):
    monkeypatch.setattr(rest.time, "sleep", lambda s: None)
    monkeypatch.setattr(rest.random, "uniform", lambda a, b: 0.26)
    server.routes["/x"] = flaky([503, 502])
    with caplog.at_level(logging.INFO, logger="wparchive"):
        assert Client(retries=2, backoff=1.0).get(f"{server.url}/x").status_code == 200
    host = f"127.0.0.1:{server.port}"
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("retry")] == [
        f"retry 1 of 2 for {host} in 0s: HTTP 503", f"retry 2 of 2 for {host} in 2.3s: HTTP 502"]


def test_a_retried_failure_is_logged_with_what_failed(monkeypatch, caplog):
    monkeypatch.setattr(rest.time, "sleep", lambda s: None)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with caplog.at_level(logging.INFO, logger="wparchive"), pytest.raises(RemoteError):
        Client(retries=1, backoff=0).get(f"http://127.0.0.1:{port}/x")
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("retry")] == [
        f"retry 1 of 1 for 127.0.0.1:{port} in 0s: cannot connect to 127.0.0.1:{port}: Connection refused"]
