"""Many sites: `archive --sites FILE` with --jobs 1, 4, 16, 64 and on a Dask LocalCluster of 2 workers.

    python bench/many.py                         # 200 sites x 200 posts, 50 ms a request (long)
    python bench/many.py --sites 40 --posts 50   # a smaller run

N synthetic sites (bench/fakesites.py) listen on 127.0.0.1, each answering every request after a delay
(a real site's latency). For each way of running, a first run into an empty archive, then an unchanged
re-run. Printed side by side: wall time, CPU time (the command and the worker processes it waited for),
requests the sites answered, posts per second, and peak memory: the largest single process for local
runs (the command or any one worker), and the command and each Dask worker for the cluster.
Nothing here is a test; the figures go into the README.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fakesites import FakeSites  # noqa: E402


def _children_usage() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def run(sites: FakeSites, watch: Path, archive: Path, extra: list[str]) -> dict[str, float]:
    served = sites.served
    cpu_before, _ = _children_usage()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "wparchive", "archive", "--sites", str(watch), "--archive",
                           str(archive), "--quiet", *extra], capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu_after, maxrss = _children_usage()
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {proc.stderr}")
    return {"wall": wall, "cpu": cpu_after - cpu_before, "requests": sites.served - served, "maxrss_kb": maxrss,
            "summary": proc.stderr.strip()}


def worker_peaks(address: str) -> list[int]:
    from distributed import Client

    def peak() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with Client(address, set_as_default=False) as client:
        return sorted(client.run(peak).values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--jobs", default="1,4,16,64")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    total_posts = args.sites * args.posts
    print(f"{args.sites} sites x {args.posts} posts, {args.latency * 1000:.0f} ms a request, "
          f"{os.cpu_count()} cores")
    print(f"{'how':<17}{'run':<11}{'wall s':>9}{'cpu s':>9}{'requests':>10}{'posts/s':>9}{'peak RSS MB':>13}")
    work = Path(tempfile.mkdtemp(prefix="wparchive-many-"))
    try:
        with FakeSites(args.sites, args.posts, latency=args.latency) as sites:
            watch = work / "sites.txt"
            watch.write_text("\n".join(sites.urls) + "\n", encoding="utf-8")
            ways = [(f"--jobs {j}", ["--jobs", j]) for j in args.jobs.split(",")]
            cluster = None
            if not args.no_dask:
                from distributed import LocalCluster
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=50)
                ways.append(("dask 2 workers", ["--scheduler", cluster.scheduler_address]))
            try:
                for name, extra in ways:
                    archive = work / name.replace(" ", "_")
                    for label in ("first", "unchanged"):
                        r = run(sites, watch, archive, extra)
                        rate = total_posts / r["wall"] if label == "first" else float("nan")
                        peak = f"{r['maxrss_kb'] / 1024:.0f}"
                        if extra[0] == "--scheduler":
                            peak += " (workers " + ", ".join(f"{p / 1024:.0f}" for p in worker_peaks(extra[1])) + ")"
                        print(f"{name:<17}{label:<11}{r['wall']:>9.1f}{r['cpu']:>9.1f}{r['requests']:>10}"
                              f"{rate:>9.0f}  {peak}", flush=True)
                    shutil.rmtree(archive, ignore_errors=True)
            finally:
                if cluster is not None:
                    cluster.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
