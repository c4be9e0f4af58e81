"""Raw post content (`content.raw`, export files) to the HTML WordPress would render from it.

WordPress runs `the_content` filters on raw content: `do_blocks` (9), `wptexturize`, `wpautop`,
`shortcode_unautop` (10), `do_shortcode` (11). This module ports what decides the text and its
structure, line by line from WordPress 6.1's wp-includes/formatting.php and blocks.php:

- `wpautop` and `shortcode_unautop` are faithful ports (the shortcodes known to unautop are the ones
  core registers: caption, wp_caption, gallery, playlist, audio, video, embed). Regular expressions run
  with `re.ASCII`, as PCRE does without the `u` flag, so `\\s` is an ASCII space as in PHP.
  tests/integration/test_autop.py compares them with the real functions through php-cli.
- `do_blocks`: when the content holds a block comment (`has_blocks`), WordPress renders each block and
  skips `wpautop`; static blocks render as their saved HTML, which is what is kept here (block comments
  are dropped later by the walker). Departure: dynamic blocks (latest posts, archives, ...) need the
  site's database and render as nothing.
- `wptexturize`: ported in `texturize` (curly quotes, dashes, the ellipsis), run first as WordPress does.
- `capital_P_dangit` (11): ported in `texturize`.
- `do_shortcode`: left to the walker, which strips shortcode tags and keeps their inner text.
"""

from __future__ import annotations

import re

from wparchive.render.texturize import capital_p_dangit, wptexturize

_A = re.ASCII

# get_html_split_regex(): a comment, a CDATA section, or any other tag (unclosed ones run to the end).
# PHP's conditional `(?(?=!-)comment|cdata)` after `(?=!--|!\[CDATA\[)` is an alternation here.
_HTML_SPLIT_PHP = re.compile(
    r"(<(?:(?=!--|!\[CDATA\[)(?:!(?:-(?!->)[^\-]*+)*+(?:-->)?|!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+"
    r"(?:]]>)?)|[^>]*>?))", _A)

_ALLBLOCKS = (r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form"
              r"|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside"
              r"|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)")

_BR_PAIR = re.compile(r"<br\s*/?>\s*<br\s*/?>", _A)
_BLOCK_OPEN = re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])", _A)
_BLOCK_CLOSE = re.compile(r"(</" + _ALLBLOCKS + r">)", _A)
_HR = re.compile(r"(<hr\s*?/?>)", _A)
_OPTION_BEFORE = re.compile(r"\s*<option", _A)
_OPTION_AFTER = re.compile(r"</option>\s*", _A)
_OBJECT_OPEN = re.compile(r"(<object[^>]*>)\s*", _A)
_OBJECT_CLOSE = re.compile(r"\s*</object>", _A)
_PARAM_EMBED = re.compile(r"\s*(</?(?:param|embed)[^>]*>)\s*", _A)
_MEDIA_OPEN = re.compile(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", _A)
_MEDIA_CLOSE = re.compile(r"\s*([<\[]/(?:audio|video)[>\]])", _A)
_SOURCE_TRACK = re.compile(r"\s*(<(?:source|track)[^>]*>)\s*", _A)
_FIGCAPTION_OPEN = re.compile(r"\s*(<figcaption[^>]*>)", _A)
_FIGCAPTION_CLOSE = re.compile(r"</figcaption>\s*", _A)
_MANY_BREAKS = re.compile(r"\n\n+", _A)
_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n", _A)
_EMPTY_P = re.compile(r"<p>\s*</p>", _A)
_P_IN_CONTAINER = re.compile(r"<p>([^<]+)</(div|address|form)>", _A)
_P_AROUND_BLOCK = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", _A)
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>", _A)
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", _A | re.IGNORECASE)
_P_BEFORE_BLOCK = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)", _A)
_P_AFTER_BLOCK = re.compile(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", _A)
_PRESERVE = re.compile(r"<(script|style|svg).*?</\1>", _A | re.DOTALL)
_NEWLINE_TO_BR = re.compile(r"(?<!<br />)\s*\n", _A)
_BR_AFTER_BLOCK = re.compile(r"(</?" + _ALLBLOCKS + r"[^>]*>)\s*<br />", _A)
_BR_BEFORE_BLOCK = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", _A)
_LAST_NEWLINE = re.compile(r"\n</p>$", _A)

CORE_SHORTCODES = ("wp_caption", "caption", "gallery", "playlist", "audio", "video", "embed")
_SPACES = r"(?:[\r\n\t ]|\xa0|&nbsp;)"  # wp_spaces_regexp(); PHP's bytes "\xC2\xA0" are U+00A0
_UNAUTOP = re.compile(
    r"<p>" + _SPACES + r"*+"
    r"(\[(" + "|".join(map(re.escape, CORE_SHORTCODES)) + r")(?![\w-])"
    r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
    r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))"
    + _SPACES + r"*+</p>", _A)


def _replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """wp_replace_in_html_tags() with one pair: replace only inside tags and comments."""
    parts = _HTML_SPLIT_PHP.split(text)
    changed = False
    for i in range(1, len(parts), 2):
        if needle in parts[i]:
            parts[i] = parts[i].replace(needle, replacement)
            changed = True
    return "".join(parts) if changed else text


def wpautop(text: str, br: bool = True) -> str:
    """WordPress's wpautop(): blank lines to paragraphs, single newlines to `<br />`."""
    if not text.strip(" \t\n\r\x00\x0b"):
        return ""
    text += "\n"
    pre_tags: dict[str, str] = {}
    if "<pre" in text:
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for part in parts:
            start = part.find("<pre")
            if start < 0:  # malformed HTML
                text += part
                continue
            name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last
    text = _BR_PAIR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub("\n\n\\1", text)
    text = _BLOCK_CLOSE.sub("\\1\n\n", text)
    text = _HR.sub("\\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_in_html_tags(text, "\n", " <!-- wpnl --> ")
    if "<option" in text:
        text = _OPTION_BEFORE.sub("<option", text)
        text = _OPTION_AFTER.sub("</option>", text)
    if "</object>" in text:
        text = _OBJECT_OPEN.sub("\\1", text)
        text = _OBJECT_CLOSE.sub("</object>", text)
        text = _PARAM_EMBED.sub("\\1", text)
    if "<source" in text or "<track" in text:
        text = _MEDIA_OPEN.sub("\\1", text)
        text = _MEDIA_CLOSE.sub("\\1", text)
        text = _SOURCE_TRACK.sub("\\1", text)
    if "<figcaption" in text:
        text = _FIGCAPTION_OPEN.sub("\\1", text)
        text = _FIGCAPTION_CLOSE.sub("</figcaption>", text)
    text = _MANY_BREAKS.sub("\n\n", text)
    paragraphs = [p for p in _PARAGRAPH_SPLIT.split(text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = _EMPTY_P.sub("", text)
    text = _P_IN_CONTAINER.sub("<p>\\1</p></\\2>", text)
    text = _P_AROUND_BLOCK.sub("\\1", text)
    text = _P_AROUND_LI.sub("\\1", text)
    text = _P_BLOCKQUOTE.sub("<blockquote\\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub("\\1", text)
    text = _P_AFTER_BLOCK.sub("\\1", text)
    if br:
        text = _PRESERVE.sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _NEWLINE_TO_BR.sub("<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = _BR_AFTER_BLOCK.sub("\\1", text)
    text = _BR_BEFORE_BLOCK.sub("\\1", text)
    text = _LAST_NEWLINE.sub("</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


def shortcode_unautop(text: str) -> str:
    """WordPress's shortcode_unautop(): a core shortcode alone in a paragraph loses the `<p>`."""
    if "[" not in text:
        return text
    return _UNAUTOP.sub("\\1", text)


def has_blocks(text: str) -> bool:
    return "<!-- wp:" in text


def render_raw(text: str) -> str:
    """`the_content` as far as text and structure go: texturized; block content as saved, classic
    content autop'd."""
    text = wptexturize(text, CORE_SHORTCODES)
    if not has_blocks(text):
        text = wpautop(text)
    return capital_p_dangit(shortcode_unautop(text))


def render_raw_comment(text: str) -> str:
    """`comment_text` as far as text and structure go: wptexturize, then wpautop (comments have no
    blocks, and WordPress runs no shortcodes on them)."""
    return capital_p_dangit(wpautop(wptexturize(text, CORE_SHORTCODES)))
