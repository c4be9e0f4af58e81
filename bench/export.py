"""Benchmark: `wparchive export` in every format on existing archives: wall time, output size, peak memory.

    python bench/export.py ARCHIVE [ARCHIVE...]      (e.g. the ones `bench/search.py --keep` leaves)

Each export runs as its own child process (`python -m wparchive export --format F -o FILE`); its peak
resident set comes from `os.wait4`'s rusage for that child alone. Memory should not grow with the
archive's size (exports stream one version at a time; WARC keeps ~100 bytes per distinct payload for
revisits). A report, not a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("jsonl", "csv", "sqlite", "warc")


def run(archive: Path, fmt: str, out: Path) -> tuple[float, int, float]:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "wparchive", "export", "--archive", str(archive), "--format", fmt,
                              "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"export --format {fmt} of {archive} exited {child.returncode}")
    return wall, out.stat().st_size, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    archives = [Path(a) for a in sys.argv[1:]]
    if not archives:
        raise SystemExit(__doc__)
    print(f"{'archive':<40} {'format':<7} {'wall s':>7} {'output MB':>10} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for archive in archives:
            for fmt in FORMATS:
                wall, size, rss = run(archive, fmt, Path(tmp) / f"out.{fmt}")
                print(f"{str(archive)[-40:]:<40} {fmt:<7} {wall:>7.1f} {size / 1e6:>10.1f} {rss:>12.1f}")
                os.unlink(Path(tmp) / f"out.{fmt}")


if __name__ == "__main__":
    main()
