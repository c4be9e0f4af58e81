"""SIGKILL at random moments of a whole-site run against a local synthetic WordPress (bench/fakewp.py
on 127.0.0.1): after every kill the archive verifies (at most a killed write's temporary leftovers,
which the next run removes), every run gets further, and a last run completes with a clean archive.

Bounded: KILLS runs, each killed within MAX_DELAY seconds, then one run with a time-out. Seeded, so
a failure replays. The figures go to stdout (`pytest -s`) for the README.
"""

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.site import FakeServer, child_env
from wparchive.archive.store import Archive

KILLS = 20
POSTS = 300
MAX_DELAY = 2.5
ROOT = Path(__file__).resolve().parents[2]


def site_run(server, archive, work):
    return subprocess.Popen([sys.executable, "-m", "wparchive", "archive", "--site", server.url, "--all", "--quiet",
                             "--retries", "0", "--archive", str(archive)], cwd=work, env=child_env(work),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def snapshots(archive):
    return len(list(archive.glob("*/posts/*/2*")))


def test_twenty_sigkills_then_a_complete_run(tmp_path):
    rng = random.Random(10)
    archive = tmp_path / "archive"
    figures = []
    with FakeServer() as server:
        server.reset(POSTS)
        server.open = True
        for _ in range(KILLS):
            proc = site_run(server, archive, tmp_path)
            delay = rng.uniform(0.3, MAX_DELAY)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            proc.stderr.close()
            checked, problems = Archive(archive).verify()
            assert [p for p in problems if p.kind != "stray"] == [], problems
            figures.append((round(delay, 2), proc.returncode, snapshots(archive), len(problems)))
        start = time.monotonic()
        proc = site_run(server, archive, tmp_path)
        _, err = proc.communicate(timeout=300)
        last = time.monotonic() - start
    print(f"\nkill test: {KILLS} SIGKILLs of a {POSTS}-post site run, then one complete run ({last:.1f}s)")
    print("delay s | exit | snapshots after | stray leftovers")
    for row in figures:
        print(" | ".join(str(v) for v in row))
    assert proc.returncode == 0, err
    # The last kill may have left a listing to resume: the summary then also says how many posts of it
    # the interrupted runs had archived.
    assert re.search(r" 0 failed(, \d+ archived before the interruption this run resumed)?\n\Z", err), err
    assert Archive(archive).verify() == (POSTS, [])
    assert snapshots(archive) == POSTS
    counts = [row[2] for row in figures]
    assert counts == sorted(counts)  # nothing archived is ever lost
