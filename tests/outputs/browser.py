"""Headless Chromium (Debian's `chromium`) for the HTML page tests: the DOM as rendered, a screenshot, and
every request the page made (from Chromium's net log).

Nothing leaves the machine: every host name resolves to nothing (`--host-resolver-rules`), and the net log
tells the page's own requests (initiator "null", the opaque origin of a file:// page) from Chromium's
background ones (initiator "not an origin"), which the flags below reduce but do not stop entirely.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        message = "Debian's chromium is not installed: run 'sudo bash tests/wp/install-packages.sh'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class Loaded:
    dom: str
    requests: list[str]  # URLs the page itself asked for


def _page_requests(net_log: Path) -> list[str]:
    data = json.loads(net_log.read_text(encoding="utf-8"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in data["events"] if e["type"] == start and "url" in e.get("params", {})
            and e["params"].get("initiator") != "not an origin"]


def load(page: Path, workdir: Path) -> Loaded:
    """Open `page` in a fresh headless Chromium profile; the DOM after load and the page's requests."""
    workdir.mkdir(parents=True, exist_ok=True)
    net_log = workdir / "net-log.json"
    result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={workdir / 'profile'}", f"--log-net-log={net_log}",
                             "--dump-dom", page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return Loaded(result.stdout, _page_requests(net_log))


def screenshot(page: Path, workdir: Path, size: tuple[int, int] = (1000, 700)) -> list[list[tuple[int, int, int]]]:
    """The page as rendered, as rows of RGB pixels."""
    workdir.mkdir(parents=True, exist_ok=True)
    png = workdir / "shot.png"
    result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={workdir / 'profile-shot'}",
                             f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", f"--screenshot={png}",
                             page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return decode_png(png.read_bytes())


def decode_png(data: bytes) -> list[list[tuple[int, int, int]]]:
    """A minimal PNG reader: 8-bit RGB or RGBA, not interlaced (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[list[tuple[int, int, int]]] = []
    previous = bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        previous = line
    return rows
