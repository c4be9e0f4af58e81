"""Compiled renderer against the pure-Python one, passes interleaved so the shared machine's swings
hit both alike: `python bench/renderer_ab.py [--rounds 8] [--mb 4]`.

Prints, for text and Markdown, each renderer's best and median CPU time over the corpus of
bench/convert.py, the gain, and in how many rounds the compiled pass was the faster.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable

from corpus import make_posts


def _pass(convert: Callable[[str], str], posts: list[str]) -> float:
    gc.collect()
    start = time.process_time()
    for html in posts:
        convert(html)
    return time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--mb", type=float, default=4.0)
    args = ap.parse_args()
    from wparchive.render import engine
    from wparchive.render import html as reference

    if not engine.COMPILED:
        print(f"compiled renderer not in use ({engine.WHY_NOT_COMPILED}); nothing to compare")
        return
    posts = make_posts(int(args.mb * 2**20), seed=1)
    for name, python, compiled in (("text", reference.html_to_text, engine.html_to_text),
                                   ("markdown", reference.html_to_markdown, engine.html_to_markdown)):
        _pass(python, posts), _pass(compiled, posts)  # warm-up
        py, cy = [], []
        for _ in range(args.rounds):
            py.append(_pass(python, posts))
            cy.append(_pass(compiled, posts))
        median = args.rounds // 2
        wins = sum(c < p for p, c in zip(py, cy, strict=True))
        print(f"{name:<9} pure Python best {min(py):.3f} s, median {sorted(py)[median]:.3f} s | compiled best "
              f"{min(cy):.3f} s, median {sorted(cy)[median]:.3f} s | gain {min(py) / min(cy):.2f}x best, "
              f"{sorted(py)[median] / sorted(cy)[median]:.2f}x median | compiled faster in {wins} of {args.rounds}")


if __name__ == "__main__":
    main()
