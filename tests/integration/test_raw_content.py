"""Raw content rendered by wparchive reads exactly like the real WordPress's `content.rendered`.

Each post is created on the test WordPress; the REST API in the edit context returns both its raw and
its rendered content. The clean text and the Markdown body of a post read from `raw` alone (as an export
file or a raw-only dump holds it) must equal those of the same post read from `rendered`.
"""

from __future__ import annotations

import uuid

import pytest

from wparchive.model import Post
from wparchive.render import render_markdown, render_text

TOKEN = uuid.uuid4().hex[:8]

CLASSIC = {
    "paragraphs around a list and a table": (
        "First paragraph, it's \"quoted\" -- with a dash...\nand a second line.\n\n"
        "Second paragraph.\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\nThird paragraph.\n\n"
        "<table>\n<tr><td>a</td><td>b</td></tr>\n</table>\nFourth paragraph.\n\nFifth."),
    "pre, blockquote, heading": (
        "<h2>Heading's here</h2>\nText under it.\n\n<pre>code  'kept'\n\n  as is -- here</pre>\n"
        "<blockquote>Quoted \"line\"\n\nsecond quoted para</blockquote>\nAfter."),
    "caption shortcode, with the caption after the image and as an attribute": (
        '[caption id="attachment_1" align="alignnone" width="300"]<img src="https://example.invalid/a.jpg" '
        'alt="Harbour" width="300" height="200" /> The harbour at dawn[/caption]\n\n'
        '[caption id="attachment_2" align="alignnone" width="300" caption="A cat\'s nap"]'
        '<img src="https://example.invalid/b.jpg" alt="Cat" width="300" height="200" />[/caption]\n\nAfter.'),
    "block content is not autop'd": (
        "<!-- wp:paragraph -->\n<p>One \"block\"\nparagraph</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:list -->\n<ul><li>It's a list</li></ul>\n<!-- /wp:list -->"),
}


@pytest.mark.parametrize("name", list(CLASSIC))
def test_raw_content_reads_like_the_rendered_content(wordpress, name):
    created = wordpress.create_post(f"Raw {TOKEN}", CLASSIC[name])
    response = wordpress.rest("GET", f"/wp/v2/posts/{created['id']}", params={"context": "edit"})
    assert response.status_code == 200
    content = response.json()["content"]
    assert content["raw"] == CLASSIC[name]
    from_raw = Post.from_api({"id": created["id"], "title": {"raw": "T"}, "content": {"raw": content["raw"]}})
    from_rendered = Post.from_api({"id": created["id"], "title": {"raw": "T"},
                                   "content": {"rendered": content["rendered"]}})
    assert from_raw.content_is_raw and not from_rendered.content_is_raw
    assert render_text(from_raw) == render_text(from_rendered)
    assert render_markdown(from_raw) == render_markdown(from_rendered)
