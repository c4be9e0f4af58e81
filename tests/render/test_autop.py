"""Raw content (`content.raw`) rendered as WordPress renders it: wpautop, shortcode_unautop, captions."""

from wparchive.model import Post
from wparchive.render import render_markdown, render_text
from wparchive.render.autop import render_raw, render_raw_comment, shortcode_unautop, wpautop


def _raw(content: str) -> Post:
    return Post.from_api({"id": 3, "title": {"raw": "Raw"}, "content": {"raw": content}})


def test_classic_post_with_a_list_keeps_its_paragraphs():
    # A block tag anywhere used to skip the paragraph split: the paragraphs ran into one line.
    post = _raw("First para\nsecond line.\n\nSecond para.\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
                "Third para.\n\nFourth para.")
    assert render_text(post) == ("Raw\n\nFirst para\nsecond line.\n\nSecond para.\n\n- one\n- two\n\n"
                                 "Third para.\n\nFourth para.\n")


def test_pre_is_untouched_and_blank_lines_around_it_are_paragraphs():
    assert wpautop("a\n<pre>x\n\n  y</pre>\nb") == "<p>a</p>\n<pre>x\n\n  y</pre>\n<p>b</p>\n"


def test_block_content_is_not_autopd():
    raw = "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>B</p>"
    assert render_raw(raw) == raw
    assert render_text(_raw(raw)) == "Raw\n\nOne two\n\nB\n"


def test_standalone_core_shortcode_loses_its_paragraph():
    assert shortcode_unautop(wpautop('[gallery ids="1"]\n\ntext')) == '[gallery ids="1"]\n<p>text</p>\n'
    assert shortcode_unautop("<p>[unknown]</p>") == "<p>[unknown]</p>"


def test_caption_attribute_is_the_figure_caption():
    post = _raw('[caption id="attachment_5" align="alignnone" width="300" caption="The harbour at dawn"]'
                '<img src="h.jpg" alt="Harbour" width="300" height="200" />[/caption]\n\nAfter.')
    assert render_text(post) == "Raw\n\n[image: Harbour]\n\nThe harbour at dawn\n\nAfter.\n"
    assert render_markdown(post).endswith("\n![Harbour](h.jpg)\n\nThe harbour at dawn\n\nAfter.\n")


def test_caption_text_after_the_image_is_the_figure_caption():
    post = _raw('[caption id="attachment_9" width="300"]<a href="/big.jpg"><img src="x.jpg" alt="Cat" />'
                '</a> A <em>cat</em>[/caption]\n[unknown a="b"]Kept text[/unknown]')
    assert render_text(post) == "Raw\n\n[image: Cat]\n\nA cat\n\nKept text\n"


def test_raw_content_is_texturized_as_wordpress_renders_it():
    post = _raw("It's \"quoted\" -- see <code>it's</code>...\n\n<!-- a comment -->Done.")
    assert render_text(post) == "Raw\n\nIt\u2019s \u201cquoted\u201d \u2014 see it's\u2026\n\nDone.\n"


def test_raw_comment_is_texturized_and_autopd_as_comment_text_does():
    assert render_raw_comment("It's \"x\" -- y\nline\n\n[gallery]") == (
        "<p>It&#8217;s &#8220;x&#8221; &#8212; y<br />\nline</p>\n<p>[gallery]</p>\n")
