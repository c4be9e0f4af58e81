"""Every Markdown rendering means what its HTML meant: rendered back to HTML by a CommonMark renderer
(markdown-it-py, with the pipe tables and strike-through wparchive writes), its clean text must equal
the source's clean text, which carries both the words and the structure (paragraphs, line breaks,
list markers and nesting, quote prefixes, table rows).

The corpus is every HTML fragment in the test suite: each string literal under tests/ that holds a tag,
plus the raw classic-editor inputs of the wpautop comparison rendered as WordPress would.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.render.autop_cases import AUTOP_INPUTS
from wparchive.render.autop import render_raw
from wparchive.render.html import html_to_markdown, html_to_text

TESTS = Path(__file__).resolve().parent.parent
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
# An embed is a line `[video: URL]` in text and a link named "video" in Markdown: the same fact. (An
# inline file's `[video]` reads back as a shortcode, which clean text removes, so both are left out.)
_EMBED = re.compile(r"^(?:\[(?:video|audio|embed)(?:: [^\]]*)?\]|video|audio|embed)$\n*", re.MULTILINE)

COMMONMARK = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _corpus() -> list[str]:
    found = set()
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _TAG.search(node.value):
                found.add(node.value)
    found.update(render_raw(text) for text in AUTOP_INPUTS)
    return sorted(found)


CORPUS = _corpus()


def _visible(text: str, verse: bool) -> str:
    text = _EMBED.sub("", text)
    # Text puts a blank line between list items that have no list around them; Markdown has no such
    # thing as an item outside a list.
    text = text.replace("\n\n- ", "\n- ")
    if verse:  # a verse's indentation is &nbsp; in Markdown, which clean text turns into spaces
        text = "\n".join(line.lstrip() for line in text.split("\n"))
    return text


def test_the_corpus_is_the_suites_markup():
    assert len(CORPUS) >= 150
    assert any("wp-block-verse" in html for html in CORPUS)


@pytest.mark.parametrize("index", range(len(CORPUS)))
def test_markdown_renders_back_to_the_same_text(index):
    html = CORPUS[index]
    verse = "wp-block-verse" in html
    rendered_back = COMMONMARK.render(html_to_markdown(html))
    assert _visible(html_to_text(rendered_back), verse) == _visible(html_to_text(html), verse)
