"""Real-world markup a browser shows with text that the walk used to lose, glue or mis-mark (issue 11).

Each case is core-block markup as WordPress 6.x saves and renders it, classic-editor markup, or a
well-known converter edge case: (html, clean text, Markdown).
"""

import pytest

from wparchive.render.html import html_to_markdown, html_to_text

FILE_BLOCK = ('<div class="wp-block-file"><a id="wp-block-file--media-1" href="https://ex.com/f.pdf">6546</a>'
              '<a href="https://ex.com/f.pdf" class="wp-block-file__button wp-element-button" download '
              'aria-describedby="wp-block-file--media-1">Download</a></div>')
FORM = ('<form><label>Pick</label><select><option>Option 1</option><option>Option 2</option></select>'
        '<input type="text" value="typed"><input type="submit" value="Send"><button>Go</button></form>')
DATA_MEDIA = ('<figure class="wp-block-video"><video controls src="data:video/mp4;base64,AAAAIGZ0eXBpc29t">'
              '</video></figure><div class="wp-block-cover"><span aria-hidden="true" '
              'class="wp-block-cover__background has-background-dim"></span><img '
              'class="wp-block-cover__image-background" alt="A dot" src="data:image/png;base64,iVBORw0KGgo='
              '" data-object-fit="cover"/><div class="wp-block-cover__inner-container"><p>Over it</p></div>'
              '</div>')
MATH = ('<p><math><semantics><mrow><msup><mi>b</mi><mn>2</mn></msup></mrow><annotation '
        'encoding="application/x-tex">b^2</annotation></semantics></math> and <math><mfrac><mi>a</mi>'
        '<mrow><mi>b</mi><mo>+</mo><mn>1</mn></mrow></mfrac></math> and <math><msqrt><mi>x</mi>'
        '</msqrt><msub><mi>y</mi><mi>i</mi></msub></math></p>')
NESTED_CELLS = ('<table><tr><td>Outer<table><tr><td>i1</td><td>i2</td></tr><tr><td>i3</td><td>i4</td></tr>'
                '</table></td><td>Fruit:<ul><li>apples</li><li>pears</li></ul></td></tr></table>')
VERSE = ('<pre class="wp-block-verse">Roses <em>are</em> red,\n    violets <strong>are</strong> blue<br>'
         '\tand <a href="/more">so</a> on</pre>')

CASES = {
    "cells without a <tr> are a row": (
        "<table><td>1</td><td>2</td></table>", "1 | 2", "| 1 | 2 |\n| --- | --- |"),
    "cells before the first <tr> are a row of their own": (
        "<table><td>a</td><tr><td>b</td></tr></table>", "a\nb", "| a |\n| --- |\n| b |"),
    "stray cells outside a table keep their text apart": ("<td>x</td><td>y</td> z", "x y z", "x y z"),
    "a <pre> in a cell stays in its row": (
        "<table><tr><td>a<pre>p  q\nr</pre>b</td><td>c</td></tr></table>", "a p q r b | c",
        "| a p q r b | c |\n| --- | --- |"),
    "File block: the file name and its button apart": (
        FILE_BLOCK, "6546 Download", "[6546](https://ex.com/f.pdf) [Download](https://ex.com/f.pdf)"),
    "form controls apart; a button input shows its value": (
        FORM, "Pick Option 1 Option 2 Send Go", "Pick Option 1 Option 2 Send Go"),
    "aria-hidden icons dropped, the words beside them kept apart, hidden words kept": (
        '<p>Next<span class="icon" aria-hidden="true">→</span>page <i class="fa fa-star" aria-hidden="true">'
        '</i><span aria-hidden="true">Visible words stay</span></p>',
        "Next page Visible words stay", "Next page Visible words stay"),
    "data: URLs never reach the text": (
        DATA_MEDIA, "[video]\n\n[image: A dot]\n\nOver it", "\\[video\\]\n\n\\[image: A dot\\]\n\nOver it"),
    "a data: link keeps only its text": (
        '<p><a href="data:text/plain;base64,SGk=">the file</a></p>', "the file", "the file"),
    "<q> shows its quotation marks, nested ones single": (
        "<p>She said <q>hi <q>there</q></q>.</p>", "She said \u201chi \u2018there\u2019\u201d.",
        "She said \u201chi \u2018there\u2019\u201d."),
    "<li value> numbers the item and those after it": (
        '<ol><li value="100">Hundred</li><li>Next</li></ol>', "100. Hundred\n101. Next",
        "100. Hundred\n101. Next"),
    "<del>/<s>/<strike>: words kept, struck in Markdown": (
        "<p>Price <del>10</del> <s>9</s> <strike>8.5</strike> 8</p>", "Price 10 9 8.5 8",
        "Price ~~10~~ ~~9~~ ~~8.5~~ 8"),
    "MathML: the annotation, or the structure, never both": (
        MATH, "b^2 and a/(b + 1) and √x y_i", "b^2 and a/(b + 1) and √x y_i"),
    "nested table rows and list items in a cell": (
        NESTED_CELLS, "Outer; i1, i2; i3, i4 | Fruit:; apples; pears",
        "| Outer; i1, i2; i3, i4 | Fruit:; apples; pears |\n| --- | --- |"),
    "consecutive quote blocks stay two quotes": (
        '<blockquote class="wp-block-quote"><p>One</p></blockquote><blockquote class="wp-block-quote">'
        '<p>Two</p><p>Two b</p></blockquote>',
        "> One\n\n> Two\n\n> Two b", "> One\n\n> Two\n>\n> Two b"),
    "lines starting `* ` or `* * *` are not a list or a rule": (
        "<p>* not a list</p><p>* * *</p><p>*</p><hr>", "* not a list\n\n* * *\n\n*",
        "\\* not a list\n\n\\* * *\n\n\\*\n\n* * *"),
    "inside <code> only the text": (
        '<p><code><a href="https://google.com">Google</a> foo<strong>bar</strong>baz</code></p>',
        "Google foobarbaz", "`Google foobarbaz`"),
    "brackets in link text are escaped": (
        '<p><a href="/x">text]</a> <a href="/y">[unbalanced</a> <a href="/z"><img src="i.png" alt="a]b">'
        '</a></p>',
        "text] [unbalanced [image: a]b]", "[text\\]](/x) [\\[unbalanced](/y) [![a\\]b](i.png)](/z)"),
    "adjacent emphasis and emphasis around a line break": (
        "<p><em>em1</em><em>em2</em> <strong>b</strong><em>i</em> <strong>Title<br>Body</strong></p>",
        "em1em2 bi Title\nBody", "*em1*_em2_ **b**_i_ **Title**\\\n**Body**"),
    "adjacent code spans do not merge their backticks": (
        "<p><code>a</code><code>b</code> <code>c</code></p>", "ab c", "`ab` `c`"),
    "a line break in a heading stays a line break": ("<h2>Title<br>Sub</h2>", "Title\nSub", "## Title<br>Sub"),
    "a link around blocks keeps its URL on each": (
        '<a href="https://ex.com/p"><p>Para in link</p></a><a href="https://ex.com/i"><div>'
        '<img src="i.jpg" alt="I"></div></a>',
        "Para in link\n\n[image: I]", "[Para in link](https://ex.com/p)\n\n[![I](i.jpg)](https://ex.com/i)"),
    "a quote in a list item stays in the item": (
        "<ul><li>Item<blockquote><p>Quoted</p><p>More</p></blockquote></li><li>Next</li></ul>",
        "- Item\n\n  > Quoted\n\n  > More\n- Next", "- Item\n\n  > Quoted\n  >\n  > More\n- Next"),
    "adjacent lists of one kind stay separate lists": (
        "<ol><li>a</li></ol><ol><li>b</li></ol><ol><li>c</li></ol><ul><li>d</li></ul><ul><li>e</li></ul>",
        "1. a\n\n1. b\n\n1. c\n\n- d\n\n- e", "1. a\n\n1) b\n\n1. c\n\n- d\n\n+ e"),
    "two paragraphs in one list item stay two": (
        "<ul><li><p>Para one</p><p>Para two</p></li><li>Second</li></ul>",
        "- Para one\n  Para two\n- Second", "- Para one\n\n  Para two\n- Second"),
    "a nested ordered list not starting at 1 does not join the line above": (
        '<ul><li>Intro<ol start="5"><li>five</li><li>six</li></ol></li></ul>',
        "- Intro\n  5. five\n  6. six", "- Intro\n\n  5. five\n  6. six"),
    "verse keeps its emphasis, links and indentation": (
        VERSE, "Roses are red,\n    violets are blue\n\tand so on",
        "Roses *are* red,\\\n&nbsp;&nbsp;&nbsp;&nbsp;violets **are** blue\\\n&nbsp;&nbsp;&nbsp;&nbsp;and "
        "[so](/more) on"),
    "a line separator is a line break in Markdown too": ("<p>l1\u2028l2</p>", "l1\nl2", "l1\\\nl2"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fidelity(name):
    html, text, markdown = CASES[name]
    assert html_to_text(html) == text
    assert html_to_markdown(html) == markdown
