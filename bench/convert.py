"""Benchmark: wparchive's HTML-to-text converter against inscriptis, html2text, BeautifulSoup and lxml.

    python bench/convert.py [--mb 4] [--repeat 3] [--seed 1] [--profile] [--check] [--show N ...]
    python bench/convert.py --wxr EXPORT.xml [--wxr ...] [--repeat 3]
    python bench/convert.py --wxr-mb 4 [--repeat 3]

Builds a deterministic corpus of WordPress 6.1 `content.rendered` HTML (bench/corpus.py, at least
`--mb` MiB of UTF-8), then converts every post with each tool in this one process, on one core.

With `--wxr` (or `--wxr-mb N`: bench/wxr.py's deterministic export of N MiB, block-editor posts of
~3 KiB, written to a temporary file), the corpus is instead the bodies of WordPress export files
(`content:encoded`, read by wparchive's own reader, sources/wxr.py), which hold the post as saved,
without WordPress's paragraphs: every tool is given the body as WordPress would show it,
`render.autop.render_raw(body)` (what wparchive renders for an export), and an extra row times the
product's whole call on the raw body, `html_to_text(render_raw(body))` (render/document.py). Rows:

  wparchive text      `wparchive.render.engine.html_to_text(html)`: the renderer in use (compiled where
                      `pip install` built it; the header says which)
  wparchive markdown  `wparchive.render.engine.html_to_markdown(html)` (extra row)
  wparchive autop+text  (`--wxr` only) `html_to_text(render_raw(body))` on the raw bodies: autop included
  wparchive text/md (pure Python)  `wparchive.render.html`'s, the reference, for the compiled gain
  wparchive parse     `wparchive.render.parse.parse_html(html)` only: the parse share of the rows above
  inscriptis          `inscriptis.get_text(html)`
  html2text           a NEW `html2text.HTML2Text()` per post, `body_width = 0`, `.handle(html)`
                      (an instance keeps parser state after `handle`, so reusing one is not safe)
  BeautifulSoup       `BeautifulSoup(html, "lxml").get_text("\\n")`
  resiliparse         `resiliparse.extract.html2text.extract_plain_text(html)` (C++; keeps lists and tables)
  html-to-markdown    `html_to_markdown.convert(html, options).content` (Rust), the Markdown peer; options
                      turn off its metadata, document-structure and image extraction
  lxml floor          `lxml.html.document_fromstring(html).text_content()`: parse plus one C-level
                      text join, the least any lxml-based converter can do. `document_fromstring`
                      accepts fragments with leading text, and skips `fragment_fromstring`'s extra
                      copy of the body's children.

Each tool gets one untimed warm-up pass over the whole corpus, then `--repeat` timed passes, the
passes of all tools interleaved (pass 1 of each tool, then pass 2, ...; `gc.collect()` before each,
gc left enabled); CPU time (`time.process_time`) and wall time
(`time.perf_counter`) of the best pass by CPU are printed. Goals are checked per pass (pass i of
one tool against pass i of the other), and the table says in how many passes of how many each held.
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
        from wparchive.render import html as reference
        from wparchive.render.engine import html_to_markdown, html_to_text
        from wparchive.render.parse import parse_html

        tools += [("wparchive text", html_to_text), ("wparchive markdown", html_to_markdown),
                  ("wparchive parse only", parse_html)]
        if html_to_text is not reference.html_to_text:
            tools += [("wparchive text (py)", reference.html_to_text),
                      ("wparchive md (py)", reference.html_to_markdown)]
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
        from resiliparse.extract.html2text import extract_plain_text

        tools.append(("resiliparse", extract_plain_text))
    except ImportError as exc:
        tools.append(("resiliparse", f"import failed: {exc}"))
    try:
        import html_to_markdown as h2m

        # Markdown only: no metadata, document structure or image extraction, which it does by default.
        options = h2m.ConversionOptions(extract_metadata=False, include_document_structure=False,
                                        extract_images=False)

        def h2m_markdown(html: str) -> str:
            return h2m.convert(html, options).content

        tools.append(("html-to-markdown", h2m_markdown))
    except ImportError as exc:
        tools.append(("html-to-markdown", f"import failed: {exc}"))
    try:
        import lxml.html

        def floor(html: str) -> str:
            return lxml.html.document_fromstring(html).text_content()

        tools.append(("lxml floor", floor))
    except ImportError as exc:
        tools.append(("lxml floor", f"import failed: {exc}"))
    return tools


def _run(fn: Callable[[str], object], posts: list[str]) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, characters out) of one pass."""
    gc.collect()
    out = 0
    start, cpu = time.perf_counter(), time.process_time()
    for html in posts:
        result = fn(html)
        if isinstance(result, str):
            out += len(result)
    return time.process_time() - cpu, time.perf_counter() - start, out


def _versions() -> None:
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}")
    try:
        from lxml import etree

        libxml = ".".join(map(str, etree.LIBXML_VERSION))
        print(f"lxml {_version('lxml')} (libxml2 {libxml})")
    except ImportError:
        print("lxml not installed")
    for dist in ("wparchive", "inscriptis", "html2text", "beautifulsoup4", "resiliparse", "html-to-markdown"):
        print(f"{dist} {_version(dist)}")
    try:
        import wparchive
        from wparchive.render.engine import RENDERER, WHY_NOT_COMPILED

        print(f"wparchive imported from {wparchive.__file__}; renderer: {RENDERER} {WHY_NOT_COMPILED}")
    except ImportError:
        pass


def _raw_body_tool() -> list[tuple[str, Callable[[str], object] | str]]:
    try:
        from wparchive.render.autop import render_raw
        from wparchive.render.engine import html_to_text

        return [("wparchive autop+text", lambda body: html_to_text(render_raw(body)))]
    except ImportError as exc:
        return [("wparchive autop+text", f"import failed: {exc}")]


def benchmark(posts: list[str], repeat: int, bodies: list[str] | None = None) -> dict[str, list[float]]:
    """Every tool's CPU seconds per timed pass, after printing the table. `bodies`: raw export bodies,
    for the row that renders them as wparchive does (`posts` are then their rendered HTML)."""
    size = sum(len(p.encode("utf-8")) for p in posts)
    mb = size / MIB
    passes: dict[str, list[float]] = {}
    print(f"\n{'tool':<22}{'CPU s':>8}{'wall s':>8}{'MB/s':>8}{'out chars':>12}   CPU s of each pass")
    print("-" * 86)
    rows = [(name, fn, posts) for name, fn in _tools()]
    if bodies is not None:
        rows[1:1] = [(name, fn, bodies) for name, fn in _raw_body_tool()]
    failed: dict[str, str] = {name: fn for name, fn, _ in rows if isinstance(fn, str)}
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name, fn, _ in rows if name not in failed}
    # Passes interleaved (pass 1 of every tool, then pass 2...), so that pass i of two tools ran at
    # nearly the same time: on a shared machine the load moves between passes, not within one.
    for timed in (False, *([True] * repeat)):
        for name, fn, inputs in rows:
            if name in failed:
                continue
            try:
                result = _run(fn, inputs)  # type: ignore[arg-type]
            except Exception as exc:  # a report, not a test: say what broke and go on
                failed[name] = f"failed: {type(exc).__name__}: {exc}"
                continue
            if timed:
                runs[name].append(result)
    for name, _fn, _inputs in rows:
        if name in failed:
            print(f"{name:<22}{'-':>8}{'-':>8}{'-':>8}{'-':>12}   {failed[name]}")
            continue
        cpu, wall, out = min(runs[name])
        passes[name] = [r[0] for r in runs[name]]
        chars = "-" if name.endswith("parse only") else f"{out:,}"
        times = " ".join(f"{r[0]:.3f}" for r in runs[name])
        print(f"{name:<22}{cpu:>8.3f}{wall:>8.3f}{mb / cpu:>8.2f}{chars:>12}   {times}", flush=True)
    return passes


def _goal(label: str, ours: list[float] | None, theirs: list[float] | None, limit: float) -> None:
    """`ours / theirs <= limit` in each pass; the best passes' ratio, and how many passes met it."""
    if not ours or not theirs:
        print(f"{label:<44}: not measured (a tool did not run)")
        return
    met = sum(o / t <= limit for o, t in zip(ours, theirs, strict=False))
    n = min(len(ours), len(theirs))
    print(f"{label:<44}: {min(ours) / min(theirs):5.2f}x  (goal <= {limit}x: met in {met} of {n} passes)")


def ratios(passes: dict[str, list[float]]) -> None:
    """Time ratios (CPU) against the goals of README "Speed and scale"."""
    wp = passes.get("wparchive text")
    if wp is None:
        print("\nwparchive text did not run; no ratios.")
        return
    print("\nCPU time ratios (best pass; lower is faster):")
    _goal("wparchive text / lxml floor", wp, passes.get("lxml floor"), 1.5)
    _goal("wparchive text / resiliparse", wp, passes.get("resiliparse"), 1.0)
    _goal("wparchive markdown / html-to-markdown", passes.get("wparchive markdown"), passes.get("html-to-markdown"),
          1.0)
    whole = passes.get("wparchive autop+text")
    if whole is not None:
        for other in ("lxml floor", "resiliparse"):
            if other in passes:
                print(f"{'wparchive autop+text / ' + other:<44}: {min(whole) / min(passes[other]):5.2f}x  "
                      f"(autop included; the peers are given the autop'd HTML)")
    for other in ("inscriptis", "html2text", "BeautifulSoup+lxml"):
        if other in passes:
            print(f"{'wparchive text / ' + other:<44}: {min(wp) / min(passes[other]):5.2f}x")
    for ours, python in (("wparchive text", "wparchive text (py)"), ("wparchive markdown", "wparchive md (py)")):
        if python in passes and ours in passes:
            print(f"{'compiled gain, ' + ours:<44}: {min(passes[python]) / min(passes[ours]):5.2f}x faster")
    parse = passes.get("wparchive parse only")
    if parse is not None:
        print(f"{'parse_html share of wparchive text time':<44}: {min(parse) / min(wp):5.0%}")


def profile(posts: list[str], top: int = 15) -> None:
    from wparchive.render.engine import html_to_text

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


def read_wxr_bodies(paths: list[str]) -> list[str]:
    """The `content:encoded` body of every post, page and attachment of the exports, as wparchive reads them."""
    from wparchive.sources.wxr import read_wxr

    bodies = []
    for path in paths:
        with open(path, "rb") as raw:
            bodies += [event.post.post.content_html for event in read_wxr(raw, path) if event.post is not None]
    return bodies


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in MiB of UTF-8 (default 4)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per tool; best is kept (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--profile", action="store_true", help="cProfile wparchive's text conversion, top 15")
    ap.add_argument("--check", action="store_true", help="scan wparchive's text for rule violations")
    ap.add_argument("--show", type=int, action="append", default=[], metavar="N",
                    help="print post N's HTML and wparchive text (repeatable)")
    ap.add_argument("--wxr", action="append", default=[], metavar="FILE",
                    help="use the post bodies of these WordPress exports as the corpus (repeatable)")
    ap.add_argument("--wxr-mb", type=int, metavar="N",
                    help="use the bodies of bench/wxr.py's generated export of N MiB as the corpus")
    ap.add_argument("--no-bench", action="store_true", help="skip the timing table")
    args = ap.parse_args(argv)
    try:
        _versions()
        bodies = None
        if args.wxr_mb:
            import tempfile
            from pathlib import Path

            import wxr

            folder = Path(tempfile.mkdtemp())
            generated = folder / f"generated-{args.wxr_mb}mib.xml"
            wxr.generate(generated, args.wxr_mb)
            args.wxr.append(str(generated))
        if args.wxr:
            from wparchive.render.autop import render_raw

            bodies = [b for b in read_wxr_bodies(args.wxr) if b.strip()]
            if args.wxr_mb:
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
            posts = [render_raw(b) for b in bodies]
            raw = sum(len(b.encode("utf-8")) for b in bodies)
            what = f"the non-empty bodies of {', '.join(args.wxr)} ({raw:,} bytes as exported), rendered by autop"
        else:
            posts = make_posts(int(args.mb * MIB), seed=args.seed)
            what = f"bench/corpus.py, seed {args.seed}"
        size = sum(len(p.encode("utf-8")) for p in posts)
        print(f"\ncorpus: {len(posts)} posts, {size:,} bytes ({size / MIB:.2f} MiB) UTF-8: {what}; "
              f"best of {max(1, args.repeat)} after 1 warm-up pass; single process, single thread")
        if not args.no_bench:
            ratios(benchmark(posts, max(1, args.repeat), bodies))
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
