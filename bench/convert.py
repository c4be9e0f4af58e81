"""Benchmark: wparchive's HTML-to-text converter against inscriptis, html2text, BeautifulSoup and lxml.

    python bench/convert.py [--mb 4] [--repeat 3] [--seed 1] [--profile] [--check] [--show N ...]

Builds a deterministic corpus of WordPress 6.1 `content.rendered` HTML (bench/corpus.py, at least
`--mb` MiB of UTF-8), then converts every post with each tool in this one process, on one core:

  wparchive text      `wparchive.render.html.html_to_text(html)`
  wparchive markdown  `wparchive.render.html.html_to_markdown(html)` (extra row)
  wparchive parse     `wparchive.render.html.parse_html(html)` only: the parse share of the two rows above
  inscriptis          `inscriptis.get_text(html)`
  html2text           a NEW `html2text.HTML2Text()` per post, `body_width = 0`, `.handle(html)`
                      (an instance keeps parser state after `handle`, so reusing one is not safe)
  BeautifulSoup       `BeautifulSoup(html, "lxml").get_text("\\n")`
  lxml floor          `lxml.html.document_fromstring(html).text_content()`: parse plus one C-level
                      text join, the least any lxml-based converter can do. `document_fromstring`
                      accepts fragments with leading text, and skips `fragment_fromstring`'s extra
                      copy of the body's children.

Each tool gets one untimed warm-up pass over the whole corpus, then `--repeat` timed passes
(`time.perf_counter`, `gc.collect()` before each, gc left enabled); the best pass is reported.
MB means MiB (2**20 bytes) of UTF-8 input throughout. This is a report, not a test: it exits 0 even
when a tool is missing or fails (the row says why).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import re
import sys
import time
from collections.abc import Callable
from importlib import metadata

from corpus import make_posts

MIB = 2**20


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _tools() -> list[tuple[str, Callable[[str], object] | str]]:
    """(row name, converter or the reason it is unavailable), in table order."""
    tools: list[tuple[str, Callable[[str], object] | str]] = []
    try:
        from wparchive.render.html import html_to_markdown, html_to_text
        from wparchive.render.parse import parse_html

        tools += [("wparchive text", html_to_text), ("wparchive markdown", html_to_markdown),
                  ("wparchive parse only", parse_html)]
    except ImportError as exc:
        tools.append(("wparchive text", f"import failed: {exc}"))
    try:
        import inscriptis

        tools.append(("inscriptis", inscriptis.get_text))
    except ImportError as exc:
        tools.append(("inscriptis", f"import failed: {exc}"))
    try:
        import html2text

        def h2t(html: str) -> str:
            h = html2text.HTML2Text()
            h.body_width = 0
            return h.handle(html)

        tools.append(("html2text", h2t))
    except ImportError as exc:
        tools.append(("html2text", f"import failed: {exc}"))
    try:
        from bs4 import BeautifulSoup

        def bs4_text(html: str) -> str:
            return BeautifulSoup(html, "lxml").get_text("\n")

        tools.append(("BeautifulSoup+lxml", bs4_text))
    except ImportError as exc:
        tools.append(("BeautifulSoup+lxml", f"import failed: {exc}"))
    try:
        import lxml.html

        def floor(html: str) -> str:
            return lxml.html.document_fromstring(html).text_content()

        tools.append(("lxml floor", floor))
    except ImportError as exc:
        tools.append(("lxml floor", f"import failed: {exc}"))
    return tools


def _run(fn: Callable[[str], object], posts: list[str]) -> tuple[float, int]:
    gc.collect()
    out = 0
    start = time.perf_counter()
    for html in posts:
        result = fn(html)
        if isinstance(result, str):
            out += len(result)
    return time.perf_counter() - start, out


def _versions() -> None:
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}")
    try:
        from lxml import etree

        libxml = ".".join(map(str, etree.LIBXML_VERSION))
        print(f"lxml {_version('lxml')} (libxml2 {libxml})")
    except ImportError:
        print("lxml not installed")
    for dist in ("wparchive", "inscriptis", "html2text", "beautifulsoup4"):
        print(f"{dist} {_version(dist)}")
    try:
        import wparchive

        print(f"wparchive imported from {wparchive.__file__}")
    except ImportError:
        pass


def benchmark(posts: list[str], repeat: int) -> dict[str, float]:
    size = sum(len(p.encode("utf-8")) for p in posts)
    mb = size / MIB
    best: dict[str, float] = {}
    print(f"\n{'tool':<22}{'seconds':>10}{'MB/s':>9}{'out chars':>12}   runs (s)")
    print("-" * 78)
    for name, fn in _tools():
        if isinstance(fn, str):
            print(f"{name:<22}{'-':>10}{'-':>9}{'-':>12}   {fn}")
            continue
        try:
            _run(fn, posts)  # warm-up
            runs = [_run(fn, posts) for _ in range(repeat)]
        except Exception as exc:  # a report, not a test: say what broke and go on
            print(f"{name:<22}{'-':>10}{'-':>9}{'-':>12}   failed: {type(exc).__name__}: {exc}")
            continue
        seconds = min(t for t, _ in runs)
        best[name] = seconds
        out = "-" if name.endswith("parse only") else f"{runs[0][1]:,}"
        times = " ".join(f"{t:.3f}" for t, _ in runs)
        print(f"{name:<22}{seconds:>10.3f}{mb / seconds:>9.2f}{out:>12}   {times}", flush=True)
    return best


def ratios(best: dict[str, float]) -> None:
    wp = best.get("wparchive text")
    if wp is None:
        print("\nwparchive text did not run; no ratios.")
        return
    print()
    ins = best.get("inscriptis")
    if ins is not None:
        r = ins / wp
        verdict = "met" if r >= 3 else "NOT met"
        print(f"wparchive text speed / inscriptis speed : {r:5.2f}x  (goal >= 3x: {verdict})")
    floor = best.get("lxml floor")
    if floor is not None:
        r = wp / floor
        verdict = "met" if r <= 2 else "NOT met"
        print(f"wparchive text time / lxml floor time   : {r:5.2f}x  (goal <= 2x: {verdict})")
    for other in ("html2text", "BeautifulSoup+lxml"):
        if other in best:
            print(f"wparchive text speed / {other + ' speed':<17}: {best[other] / wp:5.2f}x")
    parse = best.get("wparchive parse only")
    if parse is not None:
        print(f"parse_html share of wparchive text time : {parse / wp:5.0%}  (the rest is the Python walk)")
        md = best.get("wparchive markdown")
        if md is not None:
            print(f"parse_html share of wparchive md time   : {parse / md:5.0%}")


def profile(posts: list[str], top: int = 15) -> None:
    from wparchive.render.html import html_to_text

    prof = cProfile.Profile()
    prof.enable()
    for html in posts:
        html_to_text(html)
    prof.disable()
    stats = pstats.Stats(prof)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\ncProfile of wparchive html_to_text over the corpus: {total:.3f}s under the profiler")
    print(f"{'ncalls':>10}{'tottime':>9}{'%':>6}{'cumtime':>9}  function")
    for (path, line, func), (_cc, nc, tt, ct, _callers) in rows[:top]:
        where = f"{path.rsplit('/', 1)[-1]}:{line}({func})" if path != "~" else func
        print(f"{nc:>10}{tt:>9.3f}{tt / total:>6.0%}{ct:>9.3f}  {where}")
    # Parse = everything under parse_html (regex pass, encode, libxml2); walk = the rest of _walk.
    parse = sum(ct for (path, _l, func), (_c, _n, _t, ct, _k) in stats.stats.items()  # type: ignore
                if func == "parse_html" and path.endswith("htmlparse.py"))
    rest = total - parse
    print(f"under the profiler: parse_html {parse:.3f}s ({parse / total:.0%}), "
          f"everything else (walk, flush, regex collapse, NFC) {rest:.3f}s ({rest / total:.0%})")


# Patterns the clean text must not contain, outside <pre> blocks (those are checked separately).
_CHECKS = {
    "undecoded entity": re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE),
    "no-break space": re.compile("\xa0"),
    "caption shortcode": re.compile(r"\[/?caption"),
    "wp block comment": re.compile(r"wp:|/wp:"),
    "script/style text": re.compile(r"dataLayer|widgets\.js|border: 1px"),
    "3+ newlines": re.compile(r"\n\n\n"),
    "trailing space": re.compile(r"[ \t]\n|[ \t]$"),
    "uncollapsed spaces": re.compile(r"[^\s|]  +\S"),
    "tag-like text": re.compile(r"<[a-z/!]"),
}


def _expected(html: str) -> tuple[list[str], list[str]]:
    """The text of every <pre> (less the newline HTML drops after `<pre>`), and every img alt."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    pres = []
    for pre in root.iter("pre"):
        text = pre.text_content()
        text = text[1:] if text.startswith("\n") else text
        pres.append(text.rstrip("\n"))
    alts = [" ".join(img.get("alt", "").split()) for img in root.iter("img")
            if img.get("alt", "").strip() and not any(a.tag == "noscript" for a in img.iterancestors())]
    return pres, alts


def check(posts: list[str]) -> None:
    """Scan wparchive's text of every post for what the clean-text rules forbid."""
    from wparchive.render.html import html_to_text

    print("\nClean-text checks over every post (posts with a hit; first example):")
    names = list(_CHECKS) + ["pre not verbatim", "image alt missing"]
    hits: dict[str, list[tuple[int, str]]] = {name: [] for name in names}
    for i, html in enumerate(posts):
        text = html_to_text(html)
        pres, alts = _expected(html)
        rest = text
        for pre in pres:
            if pre.strip() and pre in rest:
                rest = rest.replace(pre, "\x01", 1)
            elif pre.strip():
                hits["pre not verbatim"].append((i, pre[:80]))
        for alt in alts:
            if f"[image: {alt}]" not in text:
                hits["image alt missing"].append((i, alt))
        for name, pattern in _CHECKS.items():
            m = pattern.search(rest)
            if m:
                hits[name].append((i, rest[max(0, m.start() - 40): m.end() + 40]))
    for name, found in hits.items():
        posts_hit = sorted({i for i, _ in found})
        example = f"  post {found[0][0]}: {found[0][1]!r}" if found else ""
        print(f"  {name:<24}{len(posts_hit):>5}{example}")


def show(posts: list[str], indices: list[int]) -> None:
    from wparchive.render.html import html_to_text

    for i in indices:
        if not 0 <= i < len(posts):
            print(f"\n(no post {i}; the corpus has {len(posts)})")
            continue
        print(f"\n===== post {i}: HTML ({len(posts[i].encode('utf-8')):,} bytes) =====")
        print(posts[i])
        print(f"===== post {i}: wparchive html_to_text =====")
        print(html_to_text(posts[i]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in MiB of UTF-8 (default 4)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per tool; best is kept (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--profile", action="store_true", help="cProfile wparchive's text conversion, top 15")
    ap.add_argument("--check", action="store_true", help="scan wparchive's text for rule violations")
    ap.add_argument("--show", type=int, action="append", default=[], metavar="N",
                    help="print post N's HTML and wparchive text (repeatable)")
    ap.add_argument("--no-bench", action="store_true", help="skip the timing table")
    args = ap.parse_args(argv)
    try:
        _versions()
        posts = make_posts(int(args.mb * MIB), seed=args.seed)
        size = sum(len(p.encode("utf-8")) for p in posts)
        print(f"\ncorpus: {len(posts)} posts, {size:,} bytes ({size / MIB:.2f} MiB) UTF-8, seed {args.seed}; "
              f"best of {max(1, args.repeat)} after 1 warm-up pass; single process, single thread")
        if not args.no_bench:
            ratios(benchmark(posts, max(1, args.repeat)))
        if args.profile:
            profile(posts)
        if args.check:
            check(posts)
        if args.show:
            show(posts, args.show)
    except Exception as exc:  # a report: never fail the caller
        print(f"\nbenchmark aborted: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
