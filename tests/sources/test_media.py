"""Media downloads against a hostile server: a whole-file deadline, as every API request has."""

from __future__ import annotations

import time

import pytest

from tests.faultserver import FaultServer
from wparchive.sources.media import download
from wparchive.sources.rest import Client


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def drip_with_length(h, data: bytes, every: float) -> None:
    """A body with its length announced, one byte every `every` seconds: each read well within the
    read timeout, so only a whole-file deadline stops it."""
    h.send_response(200)
    h.send_header("Content-Type", "image/png")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    for byte in data:
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(every)


@pytest.mark.parametrize("route", [
    lambda h: h.drip(b"x" * 60, 0.05, {"Content-Type": "image/png"}),  # chunked: no length
    lambda h: drip_with_length(h, b"x" * 60, 0.05),
])
def test_a_dripping_download_is_cut_off_at_the_whole_file_deadline(server, tmp_path, route):
    server.routes["/wp-content/uploads/a.png"] = route
    client = Client(timeout=(1.0, 0.5), retries=0)
    # 0.5 s read timeout + 64 KiB at 256 KiB/s = 0.75 s; the drip would take 3 s
    got = download(client, f"{server.url}/wp-content/uploads/a.png", tmp_path, 64 * 1024)
    assert (got.error, got.path, got.sha256) == (
        "timed out: the whole file did not arrive within 0.75s (the read timeout plus --media-max-size "
        "at 256 KiB/s)", None, None)
    assert list(tmp_path.iterdir()) == []  # no temporary left behind


def test_a_download_within_the_deadline_is_kept_whole(server, tmp_path):
    server.routes["/wp-content/uploads/a.png"] = lambda h: drip_with_length(h, b"png!", 0.01)
    got = download(Client(timeout=(1.0, 0.5), retries=0), f"{server.url}/wp-content/uploads/a.png", tmp_path, 64 * 1024)
    assert (got.error, got.size, got.type, got.path.read_bytes()) == (None, 4, "image/png", b"png!")
