"""sources/rest.py's small helpers pinned exactly (mutants of bench/mutation.sh changed them unnoticed)."""

import email.utils
import json

import pytest
import requests

from wparchive.errors import RemoteError
from wparchive.sources import rest
from wparchive.sources.rest import (
    Client,
    _mib,
    _retry_after,
    _short,
    _shown,
    _wp_error,
    is_html,
    parse_json,
    redact_url,
    with_params,
)
from wparchive.sources.transport import Credentials


@pytest.mark.parametrize("origin,shown", [
    ("https://example.com:443", "https://example.com"), ("http://example.com:80", "http://example.com"),
    ("http://example.com:8080", "http://example.com:8080"), ("https://example.com:80", "https://example.com:80"),
    (None, ""),
])
def test_an_origin_is_shown_without_its_default_port(origin, shown):
    assert _shown(origin) == shown




def response(status=200, body=b"", headers=None, url="https://example.com/wp-json/wp/v2/posts/1", auth=None):
    r = requests.Response()
    r.status_code, r._content, r.url = status, body, url
    r.headers.update(headers or {})
    r.request = requests.Request("GET", url, headers={"Authorization": auth} if auth else {}).prepare()
    return r


@pytest.mark.parametrize("size,text", [(1048576, "1 MiB"), (1572864, "1.5 MiB"), (1048575, "1048575 bytes"),
                                       (0, "0 bytes")])
def test_mib(size, text):
    assert _mib(size) == text


@pytest.mark.parametrize("value,seconds", [("5", 5.0), (" 7 ", 7.0), ("", None), (None, None), ("soon", None),
                                           ("Wed, 02 Dec 2026 07:00:00 -0000", None),  # no zone: not a date
                                           ("Wed, 02 Dec 2026 07:00:10 GMT", 10.0),
                                           ("Wed, 02 Dec 2026 06:00:00 GMT", 0.0)])
def test_retry_after(monkeypatch, value, seconds):
    now = email.utils.parsedate_to_datetime("Wed, 02 Dec 2026 07:00:00 GMT").timestamp()
    monkeypatch.setattr(rest.time, "time", lambda: now)
    assert _retry_after(value) == seconds


def test_the_wait_before_each_retry(monkeypatch):
    monkeypatch.setattr(rest.random, "uniform", lambda low, high: (low, high)[1])
    client = Client(backoff=2.0)
    assert [client._wait_before(n, None) for n in (1, 2, 3, 5, 9)] == [
        (0.0, None), (4.0 + 1.0, None), (8.0 + 1.0, None), (30.0 + 1.0, None), (30.0 + 1.0, None)]
    assert client._wait_before(1, response(503, headers={"Retry-After": "3"})) == (3.0, 3.0)
    assert client._wait_before(2, response(503, headers={"Retry-After": "x"})) == (5.0, None)
    assert Client(backoff=0)._wait_before(3, None) == (0.0, None)


@pytest.mark.parametrize("text,short", [
    ("HTTPSConnectionPool: Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
     "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)')))",
     "certificate verify failed: self-signed certificate"),
    ("NewConnectionError('<urllib3.connection.HTTPConnection>: Failed to establish a new connection: [Errno 111] "
     "Connection refused')", "Connection refused"),
    ("Failed to resolve 'nowhere.invalid'", "host name not found"),
    ("Name or service not known", "host name not found"),
    ("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
     "the server closed the connection without answering"),
    ("RemoteDisconnected('Remote end closed connection without response')",
     "the server closed the connection without answering"),
    ("('Connection aborted.', BadStatusLine('x'))", "the server closed the connection without answering"),
    ("Max retries exceeded with url: /x?password=secret (Caused by ProtocolError('x'))", "ProtocolError"),
    ("odd failure at /x?password=secret " + "y" * 200, ("odd failure at /x?password=*** " + "y" * 200)[:160]),
])
def test_short(text, short):
    assert _short(Exception(text)) == short


def test_redact_and_with_params():
    assert redact_url("https://e.com/x?a=1&password=open%20sesame&PASSWORD='q'") == \
        "https://e.com/x?a=1&password=***&PASSWORD=***'q'"
    assert redact_url(None) == ""
    assert with_params("https://e.com/x", {"password": "p"}) == "https://e.com/x"
    assert with_params("https://e.com/x", {"a": "1/2,3:4 5", "password": "p"}) == "https://e.com/x?a=1/2,3:4+5"
    assert with_params("https://e.com/x?b=2", {"a": 1}) == "https://e.com/x?b=2&a=1"


def test_wordpress_errors_html_and_json():
    assert _wp_error(response(body=b'{"code": "c", "message": null}')) == ("c", "")
    assert _wp_error(response(body=b'{"code": 5, "message": "m"}')) == (None, None)
    assert _wp_error(response(body=b'["c"]')) == (None, None)
    assert _wp_error(response(body=b"<html>")) == (None, None)
    assert is_html(response(headers={"Content-Type": "Text/HTML"}))
    assert is_html(response(body=b"  <!DOCTYPE html>"))
    assert is_html(response(body=b"\n<HTML>"))
    assert not is_html(response(body=b"{}", headers={"Content-Type": "application/json"}))
    assert not is_html(response(body=b" " * 200 + b"<html>"))
    assert not is_html(response(body=b" " * 196 + b"<html>"))  # the first 200 bytes hold only "<htm"
    assert is_html(response(body=b" " * 195 + b"<html>"))
    with pytest.raises(RemoteError) as info:
        parse_json(response(body=b"<html>x</html>", url="https://e.com/x?password=p"))
    assert str(info.value) == ("https://e.com/x?password=*** returned an HTML page where JSON was expected (a firewall, "
                               "login or challenge page?); open it in a browser to check")
    with pytest.raises(RemoteError) as info:
        parse_json(response(body=b"[" * 100_000, url="https://e.com/x?password=p"))
    assert str(info.value) == "https://e.com/x?password=*** did not return valid JSON; is it a WordPress REST API?"


def test_json_with_a_byte_order_mark_and_bad_bytes():
    assert parse_json(response(body=b'\xef\xbb\xbf{"a": "\xff"}')) == {"a": "\ufffd"}


URL = "https://example.com/wp-json/wp/v2/posts/1"


@pytest.mark.parametrize("status,body,credentials,auth,message", [
    (403, {"code": "rest_post_incorrect_password", "message": "m"}, None, None,
     "the post is password-protected and the --post-password given was refused (HTTP 403 rest_post_incorrect_password)"),
    (401, {"code": "rest_forbidden", "message": "Sorry."}, Credentials("ed", "pw", "https://other.com"), None,
     "the post needs credentials (HTTP 401 rest_forbidden), but it is at https://example.com and those for ed are "
     "sent only to https://other.com; give a URL there"),
    (401, {"code": "rest_forbidden", "message": "Sorry."}, None, None,
     "the post needs credentials (HTTP 401 rest_forbidden: Sorry.); use --user NAME with WPARCHIVE_APP_PASSWORD or "
     "~/.netrc"),
    (403, None, None, None,
     "the post needs credentials (HTTP 403: not allowed); use --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc"),
    (403, {"code": "rest_forbidden", "message": "Sorry."}, Credentials("ed", "pw"), "Basic x",
     "credentials for ed were refused for the post (HTTP 403 rest_forbidden); check the application password (some "
     "servers strip the Authorization header before PHP sees it)"),
    (404, {"code": "rest_post_invalid_id", "message": "Invalid."}, None, None,
     f"the post was not found at {URL} (HTTP 404 rest_post_invalid_id)"),
    (503, None, None, None,
     f"{URL} answered HTTP 503 (maintenance?); retries ran out after 4; try again later, or slow down with --delay"),
    (429, None, None, None,
     f"{URL} answered HTTP 429; retries ran out after 4; try again later, or slow down with --delay"),
    (500, {"code": "boom", "message": ""}, None, None, f"{URL} answered HTTP 500 boom"),
    (500, None, None, None, f"{URL} answered HTTP 500"),
])
def test_error_for(status, body, credentials, auth, message):
    client = Client(credentials=credentials)
    r = response(status, json.dumps(body).encode() if body is not None else b"<html>", url=URL, auth=auth)
    assert str(client.error_for(r, "the post")) == message


def test_error_for_a_retried_status_says_why_the_retries_stopped():
    client = Client(retries=2)
    r = response(502, url=URL)
    r.retry_note = ""
    assert str(client.error_for(r, "x")) == f"{URL} answered HTTP 502; try again later, or slow down with --delay"
    r.retry_note = "retries stopped after 1: --max-retry-wait 60s was spent"
    assert str(client.error_for(r, "x")) == (f"{URL} answered HTTP 502; retries stopped after 1: --max-retry-wait 60s "
                                             "was spent; try again later, or slow down with --delay")
    assert str(client.error_for(response(502, url=URL), "x")) == (
        f"{URL} answered HTTP 502; retries ran out after 2; try again later, or slow down with --delay")


def test_the_response_deadline():
    client = Client(timeout=(3.0, 7.0), max_response_size=512 * 1024)
    assert client.response_deadline == 7.0 + 2.0


def test_a_password_comes_from_the_environment_then_netrc_for_that_host(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(rest.PASSWORD_ENV, raising=False)
    assert rest.find_password("example.com") is None  # no ~/.netrc
    netrc_file = tmp_path / ".netrc"
    netrc_file.write_text('machine example.com login ed password "abcd efgh"\n')
    netrc_file.chmod(0o600)
    assert rest.find_password("example.com") == "abcd efgh"
    assert rest.find_password("other.example") is None  # a ~/.netrc without this host
    monkeypatch.setenv(rest.PASSWORD_ENV, "from env")
    assert rest.find_password("example.com") == "from env"
    monkeypatch.setenv(rest.PASSWORD_ENV, "")
    assert rest.find_password("example.com") == "abcd efgh"
