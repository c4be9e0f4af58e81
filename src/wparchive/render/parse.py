"""Parsing post HTML with lxml so that no text is lost: stray end tags, deep nesting, control characters.

Also the two source-level rewrites WordPress content needs before its markup is read: shortcode tags
and the paragraphs of raw classic-editor content.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from wparchive.model import clean_str

# libxml2 drops an end tag with no open element (logging it), so `text</p>text</p>` (a dump whose `<p>`
# tags were lost) would run the paragraphs together; a browser makes each stray `</p>` an empty
# paragraph. When libxml2 reports one, the fragment is parsed again with a marker element after every
# `</p>`: a block boundary, and a no-op after a well-formed `</p>`, which ended its block already.
_END_P = re.compile(r"</p\s*>", re.IGNORECASE)
_SHORTCODE_CLOSE = re.compile(r"\[/([A-Za-z_][\w-]*)\]")
_CORE_SHORTCODES = ("caption", "wp_caption", "gallery", "audio", "video", "playlist", "embed")
_BLOCKISH = re.compile(r"<(?:p|div|h[1-6]|ul|ol|table|pre|blockquote|figure)\b", re.IGNORECASE)
# Container tags flattened when a document nests deeper than libxml2 will parse.
_CONTAINERS = re.compile(
    r"</?(?:div|section|article|main|aside|header|footer|nav|figure|span|font|center|blockquote"
    r"|ul|ol|li|table|tbody|thead|tr|td|th|b|i|em|strong|a)\b[^>]*>",
    re.IGNORECASE,
)


def shortcode_pattern(html: str) -> re.Pattern[str] | None:
    """Shortcode tags to strip: the core ones, plus any name that also appears as `[/name]`.

    Only paired or known names are removed, so prose such as "[citation needed]" survives.
    """
    names = set(_CORE_SHORTCODES)
    if "[/" in html:
        names.update(m.group(1).lower() for m in _SHORTCODE_CLOSE.finditer(html))
    if "[" not in html:
        return None
    alternation = "|".join(sorted(re.escape(n) for n in names))
    return re.compile(rf"\[/?(?:{alternation})(?:\s[^\]]*)?/?\]", re.IGNORECASE)


def autop(text: str) -> str:
    """A small `wpautop`: classic-editor raw content keeps paragraphs as blank lines, not tags."""
    if _BLOCKISH.search(text):
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join("<p>" + p.replace("\n", "<br />\n") + "</p>\n" for p in paragraphs)


_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_LOCAL = threading.local()


def _parser() -> etree.HTMLParser:
    # One parser per thread: creating one costs about as much as parsing a short post.
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    return parser


def _encode(html: str) -> bytes:
    """UTF-8 bytes without lone surrogates or control characters (they carry no text)."""
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        data = clean_str(html).encode("utf-8")
    cleaned = data.translate(None, _CONTROL_BYTES)
    return cleaned if len(cleaned) != len(data) else data


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def parse_html(html: str) -> etree._Element:
    """Parse a fragment into an lxml tree that keeps every piece of text."""
    parser = _parser()
    root = etree.fromstring(b"<html><body>" + _encode(html), parser)
    if any(e.message == "Unexpected end tag : p" for e in parser.error_log):
        html = _END_P.sub("</p><wpapb></wpapb>", html)
        root = etree.fromstring(b"<html><body>" + _encode(html), parser)
    if _too_deep(parser):
        # Nested deeper than libxml2 allows (it would drop the text): flatten containers, then, if
        # that is still too deep, fall back to the bare text so nothing is lost.
        flat = _CONTAINERS.sub(" ", html)
        root = etree.fromstring(b"<html><body>" + _encode(flat), parser)
        if _too_deep(parser):
            root = etree.fromstring(b"<html><body><p></p></body></html>", parser)
            root[0][0].text = clean_str(re.sub(r"<[^>]*>", " ", flat))
    if root is None:
        root = etree.fromstring(b"<html><body></body></html>", parser)
    return root
