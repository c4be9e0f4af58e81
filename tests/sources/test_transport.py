"""sources/transport.py pinned exactly: origins, credentials for one origin only, and the deadline's
cut-off (mutants of bench/mutation.sh changed these unnoticed)."""

import socket

import pytest
import requests

from wparchive.sources.transport import Credentials, Deadline, OriginAuth, origin_of


@pytest.mark.parametrize("url,origin", [
    ("Example.COM", "https://example.com:443"),
    ("//Example.COM/x", "https://example.com:443"),
    ("HTTP://Example.com/x", "http://example.com:80"),
    ("https://example.com:8443/", "https://example.com:8443"),
    ("http://example.com:443/", "http://example.com:443"),
    ("http://example.com:99999/", "http://example.com:80"),  # a port that cannot be: the scheme's
    ("https://", "https://:443"),
])
def test_origin_of(url, origin):
    assert origin_of(url) == origin


def test_credentials_never_show_their_password():
    assert repr(Credentials("editor", "abcd efgh")) == "Credentials(user='editor', password=***)"


def authorised(auth, url):
    return "Authorization" in auth(requests.Request("GET", url).prepare()).headers


def test_credentials_go_to_their_origin_only():
    pinned = OriginAuth(Credentials("editor", "pw", origin="https://Example.com/wp-json/"))
    assert pinned.origin == "https://example.com:443"
    assert [authorised(pinned, u) for u in ("http://example.com/x", "https://example.com:444/", "https://example.com/a",
                                            "https://EXAMPLE.com:443/b")] == [False, False, True, True]
    first = OriginAuth(Credentials("editor", "pw"))
    assert first.origin is None
    assert [authorised(first, u) for u in ("http://example.com:8080/a", "https://example.com/", "http://example.com:8080/b")] \
        == [True, False, True]
    assert first.origin == "http://example.com:8080"
    request = first(requests.Request("GET", "http://example.com:8080/").prepare())
    assert request.headers["Authorization"] == "Basic ZWRpdG9yOnB3"


def test_the_deadline_shuts_the_socket_of_its_request():
    deadline = Deadline(30)
    assert (deadline.hit, deadline.sock, deadline.timer.interval, deadline.timer.daemon) == (False, None, 30, True)
    deadline._cut_off()  # no socket yet: only marked
    assert deadline.hit is True
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(2)  # unshut, the read below would wait for the other end
        deadline.sock = ours
        deadline._cut_off()
        assert ours.recv(10) == b""  # shut: nothing more is read
    deadline._cut_off()  # a closed socket: no error
