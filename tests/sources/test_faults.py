"""A hostile server (tests/faultserver.py on 127.0.0.1) against the HTTP client: every response is
bounded in bytes and in time, whatever it sends, and every failure is one clear line."""

import json
import re

import pytest
from click.testing import CliRunner

from tests.faultserver import FaultServer, gzip_bomb, wp_post
from wparchive.cli import cli


def mask_ids(text):
    """Version ids (`@20261202T051114Z-418efb246ca0`) hold the time of the run: `@ID` instead."""
    return re.sub(r"@\d{8}T\d{6}Z-[0-9a-f]{12}", "@ID", text)


@pytest.fixture(autouse=True)
def home(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("WPARCHIVE_APP_PASSWORD", "WPARCHIVE_POST_PASSWORD", "WPARCHIVE_ARCHIVE", "NETRC"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def archive(tmp_path, *args):
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--retries", "0", *args])


def nothing_written(tmp_path):
    """No file in the archive but a lock (folders at most: the lock's place)."""
    root = tmp_path / "a"
    return not root.exists() or all(p.is_dir() or p.name == ".lock" for p in root.rglob("*"))


def test_a_body_past_the_size_limit_is_cut_off_and_nothing_written(server, tmp_path):
    server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.big(110 * 1024 * 1024)
    rest = f"{server.url}/wp-json/wp/v2/posts/1"
    result = archive(tmp_path, "--max-response-size", "1M", rest)
    assert (result.exit_code, result.stdout, result.stderr) == (
        3, "", f"error: {rest}?_embed=author%2Cwp%3Aterm sent more than 1 MiB (--max-response-size); nothing was "
        "written; raise --max-response-size if it is right\n")
    assert nothing_written(tmp_path)


def test_a_gzip_bomb_is_cut_off_counting_the_inflated_bytes(server, tmp_path):
    bomb = gzip_bomb(256 * 1024 * 1024)
    assert len(bomb) < 300_000  # what crosses the wire is small; what it inflates to is not
    server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(200, bomb, {"Content-Encoding": "gzip"})
    rest = f"{server.url}/wp-json/wp/v2/posts/1"
    result = archive(tmp_path, "--max-response-size", "2M", rest)
    assert (result.exit_code, result.stderr) == (
        3, f"error: {rest}?_embed=author%2Cwp%3Aterm sent more than 2 MiB (--max-response-size); nothing was "
        "written; raise --max-response-size if it is right\n")
    assert nothing_written(tmp_path)


def test_a_gzipped_post_within_the_limit_is_archived_as_sent_decoded(server, tmp_path):
    import gzip
    body = json.dumps(wp_post(1, origin=server.url)).encode()
    server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(200, gzip.compress(body), {"Content-Encoding": "gzip"})
    result = archive(tmp_path, "--max-response-size", str(len(body)), f"{server.url}/wp-json/wp/v2/posts/1")
    assert (result.exit_code, mask_ids(result.stdout)) == (0, f"new 127.0.0.1_{server.port}/posts/1@ID\n"), result.output
    [saved] = (tmp_path / "a").rglob("response.json")
    assert saved.read_bytes() == body


def test_a_server_dripping_bytes_is_cut_off_by_the_whole_response_deadline(server, tmp_path):
    body = json.dumps(wp_post(1)).encode()
    server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.drip(body[:40], 0.1)  # 4 s if read whole
    rest = f"{server.url}/wp-json/wp/v2/posts/1"
    # The deadline is --timeout plus --max-response-size at 256 KiB/s: 0.5 + 0.25 s here.
    result = archive(tmp_path, "--timeout", "0.5", "--max-response-size", "64K", rest)
    assert (result.exit_code, result.stderr) == (
        3, f"error: {rest}?_embed=author%2Cwp%3Aterm timed out: the whole response did not arrive within 0.75s; "
        "try again later or raise --timeout\n")
    assert nothing_written(tmp_path)


def test_a_read_timeout_after_connecting_says_so(server, tmp_path):
    def stall(h):
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        h.wfile.write(b'{"id": 1,')
        h.wfile.flush()
        h.rfile.read(1)  # the client gives up first; then the connection closes and this returns

    server.routes["/wp-json/wp/v2/posts/1"] = stall
    result = archive(tmp_path, "--timeout", "0.3", f"{server.url}/wp-json/wp/v2/posts/1")
    assert (result.exit_code, result.stderr) == (
        3, f"error: 127.0.0.1:{server.port} timed out reading after connecting (no data for 0.3s); try again "
        "later or raise --timeout\n")


def test_retry_after_is_bounded_and_the_maintenance_503_says_so(server, tmp_path):
    server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(
        503, b"<html><body>Briefly unavailable for scheduled maintenance.</body></html>",
        {"Content-Type": "text/html", "Retry-After": "100000"})
    rest = f"{server.url}/wp-json/wp/v2/posts/1"
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), rest])
    assert (result.exit_code, result.stderr) == (
        3, f"error: {rest}?_embed=author%2Cwp%3Aterm answered HTTP 503 (maintenance?); retries stopped after 0: it "
        "asked to wait 100000s, more than --max-retry-wait 60s allows; try again later, or slow down with --delay\n")
    assert len(server.requests) == 1


def test_a_site_run_on_a_site_in_maintenance_says_503_not_no_api(server, tmp_path):
    """Issue 9: WordPress in maintenance answers every URL 503 with Retry-After; a whole-site run into an
    empty archive said `no WordPress REST API found` after asking three URLs through their retries."""
    server.routes["*"] = lambda h: h.send(
        503, b"<html><body>Briefly unavailable for scheduled maintenance. Check back in a minute.</body></html>",
        {"Content-Type": "text/html", "Retry-After": "0"})
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--site", server.url, "--all",
                                      "--retries", "2", "--delay", "0"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        3, "", f"error: {server.url}/ answered HTTP 503 (maintenance?); retries ran out after 2; try again later, "
        "or slow down with --delay\n")
    assert [path.split("?")[0] for path, _ in server.requests] == ["/"] * 3  # the front page, tried three times: no more
    assert [p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file()] == \
        [f".locks/127.0.0.1_{server.port}.lock"]


def test_a_redirect_body_is_bounded_too(server, tmp_path):
    def redirect(h):
        h.send_response(302)
        h.send_header("Location", "/elsewhere")
        h.send_header("Content-Length", str(50 * 1024 * 1024))
        h.end_headers()
        h.wfile.write(b" " * (50 * 1024 * 1024))

    server.routes["/wp-json/wp/v2/posts/1"] = redirect
    result = archive(tmp_path, "--max-response-size", "1M", f"{server.url}/wp-json/wp/v2/posts/1")
    assert result.exit_code == 3
    assert result.stderr.endswith(" sent more than 1 MiB (--max-response-size); nothing was written; raise "
                                  "--max-response-size if it is right\n")


def test_a_server_dripping_its_headers_is_cut_off_by_the_deadline_too(server, tmp_path):
    written = []

    def drip_headers(h):
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(150):  # 15 s if read whole; each byte well within the read timeout
            h.wfile.write(b"X")
            h.wfile.flush()
            written.append(1)
            __import__("time").sleep(0.1)

    server.routes["/wp-json/wp/v2/posts/1"] = drip_headers
    rest = f"{server.url}/wp-json/wp/v2/posts/1"
    result = archive(tmp_path, "--timeout", "0.5", "--max-response-size", "64K", rest)
    assert (result.exit_code, result.stderr) == (
        3, f"error: {rest}?_embed=author%2Cwp%3Aterm timed out: the whole response did not arrive within 0.75s; "
        "try again later or raise --timeout\n")
    assert len(written) < 150  # the socket was shut at the deadline: the server could not drip on
