"""The compiled renderer (Cython builds of the render modules plus the C loops of `_cwalk.pyx`) gives
the pure-Python reference's bytes: on every post of bench/convert.py's corpus and on seeded random
malformed fragments (20,000 here, bounded for the suite; `python bench/differential.py` runs 50,000).

Where no C compiler built it, these tests skip, except on CI, where the build must have happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.render.fuzz import fragments
from wparchive import __version__
from wparchive.render import blocks, engine
from wparchive.render import html as reference

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_posts  # noqa: E402 - bench/ is not a package

try:
    from wparchive.render import _cwalk
    from wparchive.render._compiled import html as compiled
except ImportError:
    if os.environ.get("CI"):
        raise  # CI has a C compiler: the README's install must have built the compiled renderer
    compiled = _cwalk = None

needs_compiled = pytest.mark.skipif(compiled is None, reason="compiled renderer not built (no C compiler)")


def _outcome(convert, html: str) -> str | tuple[str, str]:
    # A failure must also be the same failure in both.
    try:
        return convert(html)
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)


def _differences(htmls: list[str]) -> list[str]:
    return [html for html in htmls
            if _outcome(reference.html_to_text, html) != _outcome(compiled.html_to_text, html)
            or _outcome(reference.html_to_markdown, html) != _outcome(compiled.html_to_markdown, html)]


def test_the_compiled_renderer_is_in_use_where_built():
    assert engine.COMPILED is (compiled is not None)
    assert (engine.html_to_text is compiled.html_to_text) if compiled else (engine.html_to_text is reference.html_to_text)


@needs_compiled
def test_compiled_modules_are_extensions_and_walk_in_c():
    assert Path(compiled.__file__).suffix in (".so", ".pyd")
    assert compiled.walk_tree is _cwalk.walk
    assert reference.walk_tree is None  # the reference walks in Python


@needs_compiled
def test_same_bytes_on_every_post_of_the_bench_corpus():
    posts = make_posts(4 * 2**20, seed=1)
    assert len(posts) > 300
    assert _differences(posts) == []


@needs_compiled
def test_same_bytes_on_20000_fuzzed_fragments():
    assert _differences(fragments(20_000, seed=16)) == []


@needs_compiled
@pytest.mark.parametrize("text", [
    "", " ", "a", "  a  b\t\nc  ", "\xa0a\xa0\xa0b\xa0", "a\x1cb\x1f c", "a\u3000 b", "a\u3000\x1c  b\n",
    "\x85", "a\x85b", "\u2003\u2003x", "x\u200ay\u200bz", "日本\u3000語  text", "\x0b\x0c\r\n",
])
def test_c_collapse_is_the_reference_collapse(text):
    assert _cwalk.collapse(text) == blocks.collapse(text)


@needs_compiled
@pytest.mark.parametrize("text", ["", "plain\ttext\nlines", "a\u2028b", "a\x85b\u2029c", "a\x0cb", "a\rb",
                                  "a\x7fb", "\x00", "\x1f", "é and 日本"])
@pytest.mark.parametrize("markdown", [False, True])
def test_c_final_scan_is_the_reference_scan(text, markdown):
    assert _cwalk.clean_breaks(text, markdown, blocks.clean_breaks) == blocks.clean_breaks(text, markdown)


def _cli(*args: str, pure: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("WPARCHIVE_PURE_PYTHON", None)
    if pure:
        env["WPARCHIVE_PURE_PYTHON"] = "1"
    return subprocess.run([sys.executable, "-m", "wparchive", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_version_says_pure_python_when_forced():
    done = _cli("--version", pure=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"wparchive, version {__version__} (renderer: pure Python)\n", "")


@needs_compiled
def test_version_says_compiled_where_built():
    done = _cli("--version", pure=False)
    assert (done.returncode, done.stdout) == (0, f"wparchive, version {__version__} (renderer: compiled (Cython))\n")


def test_verbose_says_once_which_renderer(tmp_path):
    dump = tmp_path / "post.json"
    dump.write_text('{"id": 1, "title": {"rendered": "T"}, "content": {"rendered": "<p>a  b</p>"}}')
    done = _cli("-v", "convert", str(dump), pure=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "T\n\na b\n"
    assert done.stderr.splitlines().count(
        "info: renderer: pure Python (the compiled one was not built or not loaded: WPARCHIVE_PURE_PYTHON is set)") == 1
    quiet = _cli("convert", str(dump), pure=True)
    assert "renderer" not in quiet.stderr


@needs_compiled
def test_verbose_says_nothing_about_the_compiled_renderer(tmp_path):
    dump = tmp_path / "post.json"
    dump.write_text('{"id": 1, "title": {"rendered": "T"}, "content": {"rendered": "<p>a</p>"}}')
    done = _cli("-v", "convert", str(dump), pure=False)
    assert (done.returncode, done.stdout) == (0, "T\n\na\n")
    assert "renderer" not in done.stderr
