"""Benchmark of naming posts as people type them (issue 17), not a test: how long `resolve_post` takes for
each REF form, and shell completion, on an archive of N posts of one site, with `find` as the peer (the
cost of merely listing the archive's post folders).

Builds the archive in a temporary folder through `Archive.capture` (Korean, percent-encoded permalinks, as
a whole-site run stores them), then times, best of 3, in process:
  HOST/TYPE/ID, the bare ID, the raw UTF-8 permalink, the same with `localhost` for `127.0.0.1`,
  completing `127.0.0.1_8088/posts/1` (click's completion callback), and `wparchive ls` (CliRunner);
  peer: `find ARCHIVE -mindepth 3 -maxdepth 3 -type d` as a subprocess.

    python bench/refs.py [--sizes 1000,5000]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import click  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from wparchive.archive.refs import resolve_post  # noqa: E402
from wparchive.archive.store import Archive  # noqa: E402
from wparchive.cli import cli  # noqa: E402
from wparchive.cli.complete import complete_ref  # noqa: E402
from wparchive.model import Post, Source  # noqa: E402

SITE = "http://127.0.0.1:8088"


def build(root: Path, n: int) -> None:
    archive = Archive(root)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for i in range(1, n + 1):
        slug = quote(f"김민수의-글-{i}").lower()
        obj = {"id": i, "type": "post", "slug": slug, "link": f"{SITE}/2023/08/{slug}/", "status": "publish",
               "title": {"rendered": f"글 {i}"}, "content": {"rendered": f"<p>본문 {i}.</p>"}}
        listing = f"{SITE}/wp-json/wp/v2/posts?per_page=100&page={i // 100 + 1}"
        archive.capture(Post.from_api(obj), Source("api", url=listing, api_url=listing, http_status=200),
                        json.dumps(obj).encode(), site_url=SITE, rest_base="posts",
                        captured_at=start + timedelta(seconds=i))


def best_of(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def measure(n: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        t = time.perf_counter()
        build(root, n)
        built = time.perf_counter() - t
        archive = Archive(root)
        raw = f"{SITE}/2023/08/김민수의-글-{n}/"
        key = best_of(lambda: resolve_post(archive, f"127.0.0.1:8088/posts/{n}"))
        ident = best_of(lambda: resolve_post(archive, str(n)))
        utf8 = best_of(lambda: resolve_post(archive, raw))
        local = best_of(lambda: resolve_post(archive, raw.replace("127.0.0.1", "localhost")))
        ctx = click.Context(cli, obj=None)
        ctx.params["archive_dir"] = root
        complete = best_of(lambda: complete_ref(ctx, None, "127.0.0.1_8088/posts/1"))  # type: ignore[arg-type]
        runner = CliRunner()
        listing = best_of(lambda: runner.invoke(cli, ["ls", "--archive", str(root)]))
        find = best_of(lambda: subprocess.run(["find", str(root), "-mindepth", "3", "-maxdepth", "3", "-type", "d"],
                                              capture_output=True, check=True))
    return (f"{n:>6} {built:>8.1f} {key * 1e3:>8.1f} {ident * 1e3:>8.1f} {utf8 * 1e3:>12.1f} "
            f"{local * 1e3:>13.1f} {complete * 1e3:>12.1f} {listing * 1e3:>8.1f} {find * 1e3:>15.1f}")


def main() -> None:
    logging.getLogger("wparchive.refs").setLevel(logging.ERROR)  # the localhost form's warning, 3 times a size
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {sys.platform}")
    print(f"{'posts':>6} {'build s':>8} {'key ms':>8} {'id ms':>8} {'utf8 URL ms':>12} {'localhost ms':>13} "
          f"{'complete ms':>12} {'ls ms':>8} {'find ms (peer)':>15}")
    for n in (int(x) for x in args.sizes.split(",")):
        print(measure(n))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"cpu {usage.ru_utime + usage.ru_stime:.1f} s, peak rss {usage.ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
