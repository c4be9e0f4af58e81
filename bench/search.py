"""Benchmark: the search index (`wparchive index`, `wparchive search`) on synthetic archives.

    python bench/search.py [--sizes 10000,100000] [--versions-per-post 10] [--tmp DIR] [--keep [--reuse]]

For each N in --sizes, an archive of N versions (N / versions-per-post posts, each edited a few words at a
time between versions; ~2 KB of prose per version, Zipf-distributed words as in bench/diff.py) is made
through `Archive.capture`, the real pipeline (with fsync turned off while generating: this measures the
index, not the disk). Then, printed side by side:

  build s        `SearchIndex.sync(rebuild=True)` (what `wparchive index --rebuild` does), wall and CPU
  add ms         the per-capture index update (what `attach`'s listener does), mean of 200 new captures
  p50/p99 ms     query latency per query kind (a common word, a rare word, two words, a phrase, a prefix),
                 each over the latest versions (the default) and over --all-versions: 300 runs, or as many
                 as fit in 20 s (at least 30; then p99 is about the slowest run)
  grep s         the peer: `grep -rliw WORD --include=post.txt` over the archive for the rare word (one run,
                 page cache warm), which is what one would do without an index
  index MB / %   the index file (after a checkpoint) and its share of the archive's bytes (file sizes)

A report, not a test: figures depend on the machine. Needs nothing beyond the package itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from diff import Prose  # noqa: E402  (bench/diff.py)

from wparchive import fsutil  # noqa: E402
from wparchive.archive import store  # noqa: E402
from wparchive.archive.store import Archive  # noqa: E402
from wparchive.model import Post, Source  # noqa: E402
from wparchive.outputs.index import SearchIndex  # noqa: E402

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def post_object(post_id: int, title: str, paragraphs: list[str], version: int) -> dict:
    return {"id": post_id, "date_gmt": "2023-12-01T00:00:00", "modified_gmt": f"2024-01-01T00:{version:02d}:00",
            "slug": f"post-{post_id}", "status": "publish", "type": "post",
            "link": f"https://bench.example/?p={post_id}", "title": {"rendered": title},
            "content": {"rendered": "".join(f"<p>{p}</p>\n" for p in paragraphs), "protected": False},
            "excerpt": {"rendered": "", "protected": False}, "author": 1, "categories": [1], "tags": []}


def generate(root: Path, versions: int, per_post: int, seed: int = 1) -> None:
    prose = Prose(seed)
    archive = Archive(root)
    real_fsync, real_dir = os.fsync, fsutil.fsync_dir
    os.fsync = lambda fd: None  # type: ignore[assignment]
    store.fsync_dir = lambda path: None  # type: ignore[assignment]
    try:
        with archive.lock("bench.example"):
            for p in range(versions // per_post):
                title = " ".join(prose.phrase(5)).capitalize()
                paragraphs = [prose.paragraph() for _ in range(3)]
                for v in range(per_post):
                    if v:
                        k = prose.rng.randrange(len(paragraphs))
                        paragraphs[k] = prose.edit(paragraphs[k])
                    obj = post_object(p + 1, title, paragraphs, v)
                    raw = json.dumps(obj).encode()
                    archive.capture(Post.from_api(obj), Source("api", url=obj["link"], api_url=obj["link"]), raw,
                                    site_url="https://bench.example", rest_base="posts",
                                    captured_at=START + timedelta(days=v, seconds=p))
    finally:
        os.fsync, store.fsync_dir = real_fsync, real_dir


def archive_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.name.startswith(".index"))


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def queries(root: Path) -> dict[str, str]:
    """One query of each kind, with words taken from the archive itself."""
    text = next(root.rglob("post.txt")).read_text(encoding="utf-8")
    words = [w.strip(".,").lower() for w in text.split() if w.strip(".,").isalpha()]
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    rare = min((w for w in words if len(w) > 6), key=lambda w: counts[w])
    body = text.split("\n\n")[1].split()
    return {"common word": "the", "rare word": rare, "two words": f"{body[2].strip('.,')} {rare}",
            "phrase": '"' + " ".join(w.strip(".,") for w in body[3:6]) + '"', "prefix": rare[:4] + "*"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--versions-per-post", type=int, default=10)
    parser.add_argument("--tmp", help="where to make the archives (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the archives")
    parser.add_argument("--reuse", action="store_true", help="use the archives kept in --tmp by an earlier --keep "
                        "run as they are (the 200 captures added by that run included)")
    args = parser.parse_args()
    base = Path(args.tmp or tempfile.mkdtemp(prefix="wparchive-bench-search-"))
    print(f"python {sys.version.split()[0]}, sqlite {__import__('sqlite3').sqlite_version}, "
          f"{os.cpu_count()} CPUs; archives in {base}")
    print(f"{'versions':>9} {'gen s':>7} {'build s':>8} {'build cpu':>9} {'add ms':>7} {'index MB':>9} "
          f"{'archive MB':>10} {'index %':>7}")
    latency_rows = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            root = base / f"archive-{n}"
            if args.reuse and root.is_dir():
                gen_s = float("nan")
            else:
                shutil.rmtree(root, ignore_errors=True)
                _, gen_s, _ = timed(lambda root=root, n=n: generate(root, n, args.versions_per_post))
            index = SearchIndex(Archive(root))
            synced, build_s, build_cpu = timed(lambda index=index: index.sync(rebuild=True))
            # Per-capture updates, as `archive` makes them: the listener's own time.
            archive = Archive(root)
            live = SearchIndex(archive)
            prose = Prose(99)
            adds = []
            for k in range(200):
                obj = post_object(10_000_000 + k, "Added later", [prose.paragraph()], 0)
                result = archive.capture(Post.from_api(obj), Source("api", url=obj["link"]),
                                         json.dumps(obj).encode(), site_url="https://bench.example",
                                         rest_base="posts")
                t = time.perf_counter()
                live.add(result.snapshot)
                adds.append(time.perf_counter() - t)
            live.close()
            add_ms = statistics.mean(adds) * 1000
            import sqlite3
            conn = sqlite3.connect(index.path)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            index_mb = index.path.stat().st_size / 1e6
            archive_mb = archive_bytes(root) / 1e6
            print(f"{synced.indexed:>9} {gen_s:>7.1f} {build_s:>8.1f} {build_cpu:>9.1f} {add_ms:>7.2f} "
                  f"{index_mb:>9.1f} {archive_mb:>10.1f} {100 * index_mb / archive_mb:>6.1f}%")
            for kind, query in queries(root).items():
                for all_versions in (False, True):
                    times: list[float] = []
                    spent = 0.0
                    while len(times) < 300 and (spent < 20 or len(times) < 30):
                        t = time.perf_counter()
                        index.search(query, all_versions=all_versions)
                        times.append(time.perf_counter() - t)
                        spent += times[-1]
                    latency_rows.append((n, kind, query, all_versions, len(times), percentile(times, 0.5) * 1000,
                                         percentile(times, 0.99) * 1000))
            rare = queries(root)["rare word"]
            _, grep_s, _ = timed(lambda root=root, rare=rare: subprocess.run(
                ["grep", "-rliw", rare, "--include=post.txt", str(root)], stdout=subprocess.DEVNULL))
            latency_rows.append((n, "grep -rliw (peer)", rare, True, 1, grep_s * 1000, float("nan")))
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        print()
        print(f"{'versions':>9} {'query':<18} {'text':<32} {'scope':<8} {'runs':>5} {'p50 ms':>8} {'p99 ms':>8}")
        for n, kind, query, all_versions, runs, p50, p99 in latency_rows:
            scope = "all" if all_versions else "latest"
            print(f"{n:>9} {kind:<18} {query[:32]:<32} {scope:<8} {runs:>5} {p50:>8.2f} {p99:>8.2f}")
    finally:
        if not args.keep and not args.tmp:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
