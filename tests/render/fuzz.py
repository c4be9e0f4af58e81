"""Seeded random malformed HTML fragments for the differential test of the two renderers.

Each fragment is a few tokens drawn from what the walker treats specially: blocks, lists with
`start`/`value`, tables (nested, stray cells), pre and verse, links, emphasis and code, quotes,
images and embeds, shortcodes, stray and unclosed tags, entities and every kind of space and control
character the rules name. Same seed, same fragments.
"""

from __future__ import annotations

import random

_TAGS = ("p", "div", "span", "b", "strong", "em", "i", "code", "a", "del", "s", "q", "ul", "ol", "li", "table",
         "tr", "td", "th", "tbody", "pre", "blockquote", "h1", "h2", "h3", "figure", "figcaption", "br", "hr",
         "img", "iframe", "video", "audio", "source", "sup", "math", "mi", "mo", "button", "dl", "dt", "dd", "section",
         "script", "style", "noscript", "template", "caption", "details", "summary", "abbr", "kbd", "font", "x-y")
_ATTRS = (' href="https://example.com/a b?c=(1)"', ' href="data:text/plain,x"', ' href=""', ' src="/img.png"',
          ' src="data:image/png;base64,AA"', ' alt="an  image&nbsp;here"', ' alt=""', ' start="3"', ' start="x"',
          ' value="10"', ' value="-2"', ' class="wp-block-verse"', ' aria-hidden="true"', ' data="/o.swf"',
          ' class="screen-reader-text"', ' style="display:none"', ' title="t"', ' class="wp-block-file__button"',
          ' value="99999999999999999999999"', ' start=" 7 "', ' alt="a&#28;b&#1;c"', ' type="submit"')
_TEXTS = ("word", "two words", "  spaced   out  ", "\n", "\t", "\xa0", "&nbsp;", "&amp;", "&lt;b&gt;", "&#12;",
          "&#x2028;", "\u2028", "\u3000", "\u2003", "\x1c", "\x85", "*star*", "_under_", "`tick`", "``", "# hash",
          "1. one", "- dash", "> gt", "[link](x)", "|pipe|", "\\", "é", "e\u0301", "日本語", "🙂", "[caption]",
          "[/caption]", "[gallery ids=1]", "[citation needed]", "[x]y[/x]", "<!-- c -->", "<?pi x?>",
          "<![CDATA[c]]>", "&", "<", ">", "\r\n", "\x0b", "\x7f", "'quoted'", '"dq"', "---", "===", "~~",
          "&#28;", "&#1;", "&#3;", "&#x85;", "\u2001", "\u0300", "\uf900", "\u30ac", "<input value=v>")


def fragment(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 14)):
        roll = rng.random()
        tag = rng.choice(_TAGS)
        if roll < 0.35:
            attrs = "".join(rng.choice(_ATTRS) for _ in range(rng.randint(0, 2)))
            out.append(f"<{tag}{attrs}>")
        elif roll < 0.55:
            out.append(f"</{tag}>")
        elif roll < 0.6:
            out.append(rng.choice(("<", "</", "<p", "<a href='", "&#", "<!--", "<td><td>", "</p></p>", "<br/>")))
        else:
            out.append(rng.choice(_TEXTS))
    return "".join(out)


def fragments(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [fragment(rng) for _ in range(count)]
