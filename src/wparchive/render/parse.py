"""Parsing post HTML with lxml so that no text is lost: stray end tags, deep nesting, control characters.

Also the source-level rewrite WordPress content needs before its markup is read: shortcode tags
(raw content's paragraphs are `autop`'s).
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
# Container tags flattened when a document nests deeper than libxml2 will parse.
_CONTAINERS = re.compile(
    r"</?(?:div|section|article|main|aside|header|footer|nav|figure|span|font|center|blockquote"
    r"|ul|ol|li|table|tbody|thead|tr|td|th|b|i|em|strong|a)\b[^>]*>",
    re.IGNORECASE,
)


_CAPTION_SHORTCODE = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.IGNORECASE | re.DOTALL)
_CAPTION_ATTRIBUTE = re.compile(r"""(?:^|\s)caption\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""",
                                re.IGNORECASE)
_CAPTIONED_IMAGE = re.compile(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL)


def expand_captions(html: str) -> str:
    """`[caption]` shortcodes as WordPress's img_caption_shortcode() renders them: a figure whose
    caption is the `caption="..."` attribute (older WordPress) or the text after the image.

    Departure: WordPress drops the caption when the shortcode has no `width`; it is kept here."""
    if "caption" not in html or "[/" not in html:
        return html

    def figure(match: re.Match[str]) -> str:
        content = match.group(3)
        attribute = _CAPTION_ATTRIBUTE.search(match.group(2))
        if attribute is not None:
            caption = next(g for g in attribute.groups() if g is not None)
        else:
            image = _CAPTIONED_IMAGE.search(content)
            caption = ""
            if image is not None:
                content, caption = image.group(1), image.group(2).strip()
        if not caption.strip():
            return content
        return f"<figure>{content}<figcaption>{caption}</figcaption></figure>"

    return _CAPTION_SHORTCODE.sub(figure, html)


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


def _document(html: str) -> bytes:
    """What libxml2 is given: the fragment as the body of a document (the compiled renderer makes the
    same bytes in one C copy, `_ctext.document`)."""
    return b"<html><body>" + _encode(html)


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def parse_html(html: str) -> etree._Element:
    """Parse a fragment into an lxml tree that keeps every piece of text."""
    parser = _parser()
    root = etree.fromstring(_document(html), parser)
    if any(e.message == "Unexpected end tag : p" for e in parser.error_log):
        html = _END_P.sub("</p><wpapb></wpapb>", html)
        root = etree.fromstring(_document(html), parser)
    if _too_deep(parser):
        # Nested deeper than libxml2 allows (it would drop the text): flatten containers, then, if
        # that is still too deep, fall back to the bare text so nothing is lost.
        flat = _CONTAINERS.sub(" ", html)
        root = etree.fromstring(_document(flat), parser)
        if _too_deep(parser):
            root = etree.fromstring(b"<html><body><p></p></body></html>", parser)
            root[0][0].text = clean_str(re.sub(r"<[^>]*>", " ", flat))
    if root is None:
        root = etree.fromstring(b"<html><body></body></html>", parser)
    return root
