"""Markdown that GitHub reads as the post says (issue 17): a `|` in inline code inside a table cell, a
`<br>` in a cell, `~` that would strike text through; and `protected` in the front matter."""

from __future__ import annotations

import pytest

from wparchive.model import Post
from wparchive.render import render_markdown
from wparchive.render.html import html_to_markdown, html_to_text
from wparchive.render.markdown import escape_inline


def table(*cells: str) -> str:
    return "<table><tr><th>A</th><th>B</th></tr><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"


def test_pipe_in_inline_code_in_a_cell_is_escaped():
    assert html_to_markdown(table("<code>a|b</code>", "x|y")) == "| A | B |\n| --- | --- |\n| `a\\|b` | x\\|y |"


def test_pipe_in_inline_code_outside_a_table_is_left_alone():
    assert html_to_markdown("<p><code>a|b</code> and a|b</p>") == "`a|b` and a|b"


def test_br_in_a_cell_is_kept():
    assert html_to_markdown(table("one<br>two", "<br>three<br />")) == (
        "| A | B |\n| --- | --- |\n| one<br>two | three |")


def test_br_in_a_cell_is_a_space_in_clean_text():
    assert html_to_text(table("one<br>two", "x")) == "A | B\none two | x"


@pytest.mark.parametrize(("text", "markdown"), [
    ("~~not struck~~", "\\~\\~not struck\\~\\~"),
    ("~one~", "\\~one\\~"),
    ("about ~5 km", "about \\~5 km"),
    ("a ~ b", "a ~ b"),
])
def test_tildes_that_would_strike_through_are_escaped(text, markdown):
    assert escape_inline(text, False) == markdown
    assert html_to_markdown(f"<p>{text}</p>") == markdown


def test_tildes_in_code_stay():
    assert html_to_markdown("<p><code>~~x~~</code></p>") == "`~~x~~`"


@pytest.mark.parametrize("protected", [True, False])
def test_front_matter_says_whether_the_post_is_protected(protected):
    post = Post.from_api({"id": 7, "title": {"rendered": "T"}, "status": "publish",
                          "content": {"rendered": "" if protected else "<p>x</p>", "protected": protected}})
    front = render_markdown(post).split("---\n")[1]
    assert f"\nstatus: \"publish\"\nprotected: {str(protected).lower()}\n" in front
