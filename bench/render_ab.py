"""Benchmark: this checkout's renderer against another checkout's, interleaved post by post.

    git worktree add /tmp/wparchive-main main
    python bench/render_ab.py /tmp/wparchive-main/src [--mb 2] [--passes 11] [--seed 1]

On a busy machine, `bench/convert.py`'s best-of-N wall times of two separate runs can differ by 50%
from load alone. Here both versions live in one process (the other checkout's package is copied to a
temporary folder as `wparchive_base`), and every post is converted by both, in alternating order, with
CPU time (`time.process_time`) summed per version: load drift hits both sides alike. Prints CPU seconds
per pass over the corpus (bench/corpus.py) for `html_to_text` and `html_to_markdown`, and their ratio.
A report, not a test: it exits 0.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from corpus import make_posts

_IMPORT = re.compile(r"\b(from|import) wparchive\b")


def _load_base(src: Path, folder: Path) -> object:
    """The other checkout's `wparchive.render.html`, imported as `wparchive_base.render.html`."""
    target = folder / "wparchive_base"
    shutil.copytree(src / "wparchive", target)
    for path in target.rglob("*.py"):
        path.write_text(_IMPORT.sub(r"\1 wparchive_base", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("wparchive_base.render.html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_src", type=Path, help="the other checkout's src/ folder")
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--passes", type=int, default=11)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import wparchive.render.html as new

    with tempfile.TemporaryDirectory() as folder:
        base = _load_base(args.base_src, Path(folder))
        posts = make_posts(int(args.mb * 2**20), args.seed)
        clock = time.process_time
        print(f"{len(posts)} posts, {args.mb} MiB, {args.passes} interleaved passes; CPU s/pass")
        for name in ("html_to_text", "html_to_markdown"):
            f_base, f_new = getattr(base, name), getattr(new, name)
            for post in posts:  # warm-up
                f_base(post)
                f_new(post)
            t_base = t_new = 0.0
            for n in range(args.passes):
                gc.collect()
                for post in posts:
                    for which in ((0, 1) if n % 2 else (1, 0)):
                        start = clock()
                        (f_base if which == 0 else f_new)(post)
                        if which == 0:
                            t_base += clock() - start
                        else:
                            t_new += clock() - start
            print(f"{name:18} base {t_base / args.passes:.3f}  this {t_new / args.passes:.3f}  "
                  f"ratio {t_new / t_base:.3f}")


if __name__ == "__main__":
    main()
