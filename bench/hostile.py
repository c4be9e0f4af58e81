"""Peak memory and wall time of `wparchive archive` against a hostile server on 127.0.0.1, beside
the idle process (`archive --help`: start-up and imports). Goal: every run's peak under 2x idle.

    python -m bench.hostile            # from the repository root; about a minute

Each case runs the CLI in a child process (bench/site.py's wrapper reads its VmHWM). The server is
tests/faultserver.py: a body far past the size limit, a gzip bomb, a drip, a site whose listing
repeats for ever, and an ordinary post for comparison.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.site import CHILD, child_env
from tests.faultserver import FaultServer, gzip_bomb, wp_post

MIB = 2**20


def child(args: list[str], work: Path) -> tuple[int | None, float, int, str]:
    side = work / "rss.json"
    side.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(side), *args], cwd=work, env=child_env(work),
                          capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    try:
        rss = json.loads(side.read_text())
        peak = rss.get("vmhwm") or rss.get("maxrss")
    except (OSError, ValueError):
        peak = None
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return peak, wall, done.returncode, last


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="wparchive-bench-hostile-"))
    bomb = gzip_bomb(1024 * MIB)
    post = json.dumps(wp_post(1)).encode()
    try:
        with FaultServer() as server:
            server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(200, post)
            server.routes["/wp-json/wp/v2/posts/2"] = lambda h: h.big(110 * MIB)
            server.routes["/wp-json/wp/v2/posts/3"] = lambda h: h.send(200, bomb, {"Content-Encoding": "gzip"})
            server.routes["/wp-json/wp/v2/posts/4"] = lambda h: h.drip(post[:100], 0.05)
            link = {"Link": f'<{server.url}/wp-json/>; rel="https://api.w.org/"'}
            server.routes["/"] = lambda h: h.send(200, b"<html></html>", {"Content-Type": "text/html", **link})
            many = [wp_post(i) for i in range(1, 101)]
            server.routes["/wp-json/wp/v2/posts"] = lambda h: h.send(
                200, many, {"X-WP-Total": "100", "X-WP-TotalPages": "1000000000"})
            rest = f"{server.url}/wp-json/wp/v2/posts"
            archive = ["archive", "--archive", str(work / "a"), "--retries", "0"]
            cases = [
                ("idle: archive --help", ["archive", "--help"]),
                ("ordinary post", [*archive, f"{rest}/1"]),
                ("110 MiB body, default limit (32M)", [*archive, f"{rest}/2"]),
                ("110 MiB body, --max-response-size 16M", [*archive, "--max-response-size", "16M", f"{rest}/2"]),
                ("gzip bomb 1 MiB -> 1 GiB, default limit", [*archive, f"{rest}/3"]),
                ("gzip bomb, --max-response-size 16M", [*archive, "--max-response-size", "16M", f"{rest}/3"]),
                ("drip 1 byte/50 ms, --timeout 1 --max-response-size 64K",
                 [*archive, "--timeout", "1", "--max-response-size", "64K", f"{rest}/4"]),
                ("site: pages repeating for ever (X-WP-TotalPages 1e9)",
                 [*archive, "--site", server.url, "--all", "--quiet"]),
            ]
            rows = []
            for name, args in cases:
                shutil.rmtree(work / "a", ignore_errors=True)
                rows.append((name, *child(args, work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    idle = rows[0][1] or 0
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; peak RSS (VmHWM) of each child process")
    print(f"{'case':58} {'peak MB':>8} {'x idle':>7} {'wall s':>7} {'exit':>5}  last stderr line")
    for name, peak, wall, code, last in rows:
        ratio = f"{peak / idle:.2f}" if peak and idle else "?"
        print(f"{name:58} {(peak or 0) / 1e6:8.1f} {ratio:>7} {wall:7.2f} {code:5}  {last[:110]}")
    worst = max((r[1] or 0) for r in rows[1:]) / idle if idle else float("inf")
    print(f"worst / idle: {worst:.2f} (goal < 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
