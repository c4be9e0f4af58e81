"""Benchmark: the README's nightly whole-site run against a real WordPress 6.1 (the test site, tests/wp/).

    python bench/realwp.py [--posts 250] [--tmp DIR]

Starts a private WordPress on 127.0.0.1 (tests/wp/start.sh: MariaDB on a unix socket, `php -S`), gives
it the awkward content of real sites (tests/wp/harness.py `add_awkward_content`: two password-protected
posts, a private, a draft, a pending and a scheduled post, a private, a draft and a protected page; the
install's "Hello world!" keeps a local modified time equal to its GMT time, since the time zone is set
after installing) and --posts published posts, then runs, each in its own process,

    wparchive archive --site URL --all --type all --quiet --archive DIR [--user admin]

three times, anonymously and with the application password: first (empty archive), unchanged (nothing
changed on the site), and after one post was edited. Requests are counted on the server's side
(router.php logs each one), per REST type; `other` is discovery, /wp/v2/types and /wp/v2/users/me.
Bytes written: files new or changed under the archive. The site is stopped at the end.

Goals (issue 9): per type, first run <= ceil(N/100) + 3 requests; unchanged re-run <= 3 requests per type
in all and 0 bytes written; exit 0 each time. A report, not a test: it always exits 0.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.wp.harness import start_wordpress, stop_wordpress, wordpress_available  # noqa: E402

WPARCHIVE = Path(sys.executable).parent / "wparchive"


def per_type(lines: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in lines:
        path = urlsplit(line.split(" ", 1)[1]).path
        m = re.match(r"^/wp-json/wp/v2/([^/]+)", path)
        kind = m.group(1) if m and m.group(1) not in ("types", "users") else "other"
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def tree(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for path in root.rglob("*"):
        if path.is_file():
            st = path.stat()
            out[str(path)] = (st.st_size, st.st_mtime_ns)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--posts", type=int, default=250, help="published posts to add (default 250)")
    parser.add_argument("--tmp", type=Path, help="parent folder of the site and archives")
    args = parser.parse_args()
    ok, reason = wordpress_available()
    if not ok:
        print(f"skipped: {reason}")
        return 0
    work = Path(tempfile.mkdtemp(prefix="wparchive-bench-realwp-", dir=args.tmp))
    print(f"Python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    wp = start_wordpress(work / "site")
    try:
        wp.add_awkward_content("bench")
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda i: wp.create_post(f"Bench {i:04d}", f"<p>Body {i}.</p>"), range(args.posts)))
        counts = {base: int(wp.rest("GET", f"/wp/v2/{base}", params={"per_page": 1}).headers["X-WP-Total"])
                  for base in ("posts", "pages")}
        print(f"WordPress 6.1 at {wp.url}: {counts['posts']} published posts, {counts['pages']} published pages "
              "(and the awkward content above)\n")
        head = f"{'mode':<12}{'run':<11}{'exit':>5}{'posts':>7}{'pages':>7}{'other':>7}{'goal/type':>11}" \
               f"{'bytes written':>15}{'wall s':>8}"
        print(head)
        print("-" * len(head))
        for user in (False, True):
            archive = work / ("archive-user" if user else "archive-anon")
            env = {"PATH": "/usr/bin:/bin"}
            if user:
                env["WPARCHIVE_APP_PASSWORD"] = wp.app_password
            cmd = [str(WPARCHIVE), "archive", "--site", wp.url, "--all", "--type", "all", "--quiet",
                   "--archive", str(archive)] + (["--user", wp.user] if user else [])
            for name in ("first", "unchanged", "1 edited"):
                if name == "1 edited":
                    listed = wp.rest("GET", "/wp/v2/posts", params={"per_page": 1, "search": "Bench 0007"}).json()
                    wp.update_post(listed[0]["id"], content=f"<p>Edited {time.time()}.</p>")
                before = tree(archive) if archive.exists() else {}
                mark = wp.requests_mark()
                start = time.perf_counter()
                done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
                wall = time.perf_counter() - start
                requests = per_type(wp.requests_since(mark))
                after = tree(archive)
                written = sum(size for p, (size, mt) in after.items() if before.get(p) != (size, mt))
                goal = {"first": f"<= {math.ceil(max(counts.values()) / 100) + 3}", "unchanged": "<= 3, 0 B"}
                print(f"{'--user' if user else 'anonymous':<12}{name:<11}{done.returncode:>5}"
                      f"{requests.get('posts', 0):>7}{requests.get('pages', 0):>7}{requests.get('other', 0):>7}"
                      f"{goal.get(name, '-'):>11}{written:>15,}{wall:>8.2f}")
                if done.returncode:
                    print("    " + done.stderr.strip().replace("\n", "\n    "))
    finally:
        stop_wordpress(work / "site", check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a report: exit 0 even so, with the reason
        print(f"bench/realwp.py failed: {type(exc).__name__}: {exc}")
    sys.exit(0)
