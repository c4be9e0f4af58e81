"""The compiled renderer (Cython builds of the render modules, the C loops of `_cwalk.pyx` and the C port
of the text rules in `_ctext.pyx`) gives the pure-Python reference's bytes: on every post of
bench/convert.py's corpus and on seeded random malformed fragments (20,000 here, bounded for the suite; `python bench/differential.py` runs 50,000).

Where no C compiler built it, these tests skip, except on CI, where the build must have happened.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.render.fuzz import fragments
from wparchive import __version__
from wparchive.render import blocks, engine, markdown, parse
from wparchive.render import html as reference

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_posts  # noqa: E402 - bench/ is not a package

try:
    from wparchive.render import _ctext, _cwalk
    from wparchive.render._compiled import html as compiled
except ImportError:
    if os.environ.get("CI"):
        raise  # CI has a C compiler: the README's install must have built the compiled renderer
    compiled = _cwalk = _ctext = None

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
    assert compiled.render_text is _ctext.render
    assert reference.walk_tree is None and reference.render_text is None  # the reference is all Python


@needs_compiled
def test_same_bytes_on_every_post_of_the_bench_corpus():
    posts = make_posts(4 * 2**20, seed=1)
    assert len(posts) > 300
    assert _differences(posts) == []


@needs_compiled
def test_same_bytes_on_20000_fuzzed_fragments():
    assert _differences(fragments(20_000, seed=16)) == []


def _c_text(html: str) -> str | None:
    """The C port's text of a fragment, prepared as `html._walk` prepares it; None where it falls back."""
    if "[" in html:
        html = parse.expand_captions(html)
    return _ctext.render(parse.parse_html(html), parse.shortcode_pattern(html))


@needs_compiled
def test_every_post_of_the_bench_corpus_takes_the_c_text_port():
    posts = make_posts(4 * 2**20, seed=1)
    assert [i for i, html in enumerate(posts) if _c_text(html) != reference.html_to_text(html)] == []


@needs_compiled
@pytest.mark.parametrize("html", [
    "<p>x<math><mi>a</mi></math></p>",  # prepare_tree's rewrites
    "<p>a<button>b</button>c</p>",
    "<p>Send <input type=submit value=Go></p>",
    '<p>a<span aria-hidden="true">★</span>b</p>',
    '<p>a<span aria-hidden="false">b</span></p>',  # (any aria-hidden: the reference's rewrite decides)
    '<p><a class="wp-block-file__button" href="/f.pdf">Download</a>file</p>',
    "<table><tr><td><ul><li>a<li>b</ul></td></tr></table>",  # a cell's inner structure
    "<table><tr><td>a<table><tr><td>b</td></tr></table></td></tr></table>",
    "<table><tr><td>a</td></tr><table><tr><td>b</td></tr></table></table>",  # a table in a table
    "<table><tr><td>a&#1;b</td></tr></table>",
    '<video><source src="/v.mp4"></video>',  # its <source> child
    '<ol start="99999999999999999999"><li>a</li></ol>',  # past a C integer
    '<ol><li value="-99999999999999999999">a</li></ol>',
])
def test_what_the_c_text_port_leaves_to_the_reference_renders_the_same(html):
    assert _c_text(html) is None
    assert compiled.html_to_text(html) == reference.html_to_text(html)


@needs_compiled
@pytest.mark.parametrize(("html", "text"), [
    ('<p>a<span title="aria-hidden">b</span></p><p>aria-hidden</p>', "ab\n\naria-hidden"),
    ('<ol start=" 7 "><li>a<li value="x">b</ol>', "7. a\n8. b"),
    ("<table><tr><td> a\xa0 b </td><td></td></tr><tr><td></td></tr></table>", "a b |"),
    ("<blockquote><ul><li><p>a</p><pre>\n x\xa0y\n\n z \n</pre></li></ul></blockquote>",
     "> - a\n>    x y\n>\n>    z "),
    ("<p>e\u0301 \u2001 \u30ab\u3099</p>", "\xe9 \u2003 \u30ac"),  # NFC where it changes something
    ("<p>a&#28;b \u3000&#28;c</p><p>\u3000</p>", "ab \u3000\x1cc".replace("\x1c", "")),
    ('<p>[gallery ids="1"]x<span>[/gal</span>lery] [x]y[/x]</p>', "x y"),  # one run of text across <span>
])
def test_c_text_port_examples(html, text):
    assert _c_text(html) == reference.html_to_text(html) == text


@needs_compiled
def test_c_byte_collapse_is_the_reference_collapse_on_20000_random_texts():
    pieces = (" ", "  ", "\n", "\t", "\r\n", "\xa0", "\x1c", "\x1f", "\u3000", "\u2003", "\x85", "a", "bc",
              "word.", "é", "日本", "\u20a0", "\xc2", "longerwordthaneight", "x y z w v u t s")
    rng = random.Random(16)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 24))) for _ in range(20_000)]
    assert [t for t in texts if _ctext.collapse(t) != blocks.collapse(t)] == []


@needs_compiled
def test_c_markdown_escape_is_the_reference_escape_on_20000_random_texts():
    pieces = ("a", "*", "_", "~", "`", "[", "]", "(", ":", "<", "b", "/", "!", "?", "&", "&amp;", "&#12;", "&x",
              "\\", "|", " ", "\xa0", "\u3000", "é", "日", "1", ".", "\xb2")
    rng = random.Random(16)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    flags = [(False, False), (True, False), (False, True), (True, True)]
    assert [(t, f) for t in texts for f in flags if _ctext.escape_inline(t, *f) != markdown.escape_inline(t, *f)] == []


@needs_compiled
@pytest.mark.parametrize("line", ["", "plain", "# h", "#", "####### no", "> q", "+ p", "- d", "-", "---  ", "==", "* s",
                                  "*x", "1. one", "1) one", "1234567890. no", "\u0661. arabic digit", "\xb2. no",
                                  " # not at start", "=a"])
def test_c_line_start_escape_is_the_reference_escape(line):
    assert _ctext.escape_line_start(line) == markdown.escape_line_start(line)


@needs_compiled
def test_nfc_is_skipped_only_for_characters_nfc_never_changes():
    # Second halves of canonical compositions: NFC may merge them with the character before.
    seconds = set()
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            seconds.add(int(decomposition.split()[1], 16))
    for first, last in _ctext.NFC_STABLE:
        for code in range(first, last + 1):
            char = chr(code)
            assert unicodedata.combining(char) == 0 and unicodedata.normalize("NFC", char) == char, hex(code)
            assert code not in seconds and not 0x1100 <= code <= 0x11FF, hex(code)  # (Hangul jamo compose too)


@needs_compiled
@pytest.mark.parametrize("text", ["", "ascii", "caf\xe9", "e\u0301", "\u2019quoted\u201d", "\u2001", "\u30ab\u3099",
                                  "\u0300", "\uf900", "日本語", "\U0001f642", "a\u2003b", "\u1100\u1161"])
def test_c_nfc_is_the_reference_nfc(text):
    result = _ctext.nfc(text)
    assert result == blocks.nfc(text) == unicodedata.normalize("NFC", text)


@needs_compiled
@pytest.mark.parametrize("html", ["", "a", "<p>é 日本 🙂</p>", "a\x00b\x08c\x0bd\x1fe\x7f", "\t\n\r", "a\ud800b"])
def test_c_document_bytes_are_the_reference_bytes(html):
    assert _ctext.document(html) == parse._document(html)


@needs_compiled
@pytest.mark.parametrize("text", [
    "", " ", "a", "  a  b\t\nc  ", "\xa0a\xa0\xa0b\xa0", "a\x1cb\x1f c", "a\u3000 b", "a\u3000\x1c  b\n",
    "\x85", "a\x85b", "\u2003\u2003x", "x\u200ay\u200bz", "日本\u3000語  text", "\x0b\x0c\r\n",
])
def test_c_collapse_is_the_reference_collapse(text):
    assert _ctext.collapse(text) == blocks.collapse(text)


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
