"""The compiled renderer against the pure-Python reference on N seeded random malformed fragments.

    python bench/differential.py [--count 50000] [--seed 16]

The suite runs 20,000 (tests/render/test_compiled.py, bounded in time); this runs the issue's
50,000 and prints how many differ (text or Markdown), with the first few, and the time taken.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.render.fuzz import fragments  # noqa: E402 - the suite's generator, so both check the same
from wparchive.render import html as reference  # noqa: E402


def _outcome(convert, html: str) -> object:
    try:
        return convert(html)
    except Exception as exc:  # noqa: BLE001 - a failure must be the same failure in both
        return type(exc).__name__, str(exc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    try:
        from wparchive.render._compiled import html as compiled
    except ImportError as exc:
        print(f"compiled renderer not built ({exc}); nothing to compare")
        return 0
    start = time.perf_counter()
    htmls = fragments(args.count, args.seed)
    differing = [h for h in htmls
                 if _outcome(reference.html_to_text, h) != _outcome(compiled.html_to_text, h)
                 or _outcome(reference.html_to_markdown, h) != _outcome(compiled.html_to_markdown, h)]
    failing = sum(isinstance(_outcome(reference.html_to_text, h), tuple) for h in htmls)
    print(f"{len(htmls):,} fragments (seed {args.seed}): {len(differing)} differ; "
          f"{failing} raise the same exception in both; {time.perf_counter() - start:.1f} s")
    for h in differing[:5]:
        print(f"  {h!r}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
