"""Read WordPress export files (WXR 1.0-1.2, Tools > Export, `wp export`) as a stream of posts.

The file is parsed with `lxml.etree.iterparse` and every `<item>` is cleared once read, so memory stays
flat however big the export. Damaged exports are salvaged item by item: bytes first pass through
`_CleanStream`, which makes them parseable (a wrong encoding declaration, stray control characters)
and counts what it repaired per line; a file cut off (PHP's time limit ends exports mid-item) keeps
every item that was complete.
"""

from __future__ import annotations

import codecs
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from wparchive.errors import InputError
from wparchive.model import Post, clean_str
from wparchive.sources.comments import Comment

HINT = "expected a WordPress export file (WXR, from Tools > Export or `wp export`)"
# Every WXR version (1.0, 1.1, 1.2) puts its elements in a namespace under this prefix.
WP_NAMESPACE = "http://wordpress.org/export/"
_HEAD = 65536  # bytes looked at to recognise an export
_CHUNK = 1 << 16
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([A-Za-z0-9._-]+)\2")


def looks_like_wxr(head: bytes) -> bool:
    """Whether the first bytes of a file are a WordPress export (an RSS feed in the WXR namespace)."""
    text = head[:_HEAD].decode("latin-1")
    return "<rss" in text and WP_NAMESPACE in text


_ACTIVE = threading.local()  # the stream being decoded, for the error handler to count its repairs


def _repair_decoding(error: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 in a file that says it is: old exports are Windows-1252 in practice.
    # Only called for bytes that really are invalid: the incremental decoder joins characters split
    # across chunks by itself.
    assert isinstance(error, UnicodeDecodeError)
    stream = getattr(_ACTIVE, "stream", None)
    if stream is not None:
        line = stream.lines + error.object.count(b"\n", 0, error.start)
        stream.repairs.setdefault(line, [0, 0])[1] += error.end - error.start
    return error.object[error.start:error.end].decode("cp1252", "replace"), error.end


codecs.register_error("wparchive-wxr", _repair_decoding)


class _CleanStream:
    """A file-like object giving the parser UTF-8 XML it can read, whatever the file declared.

    Counts, per line, the characters it removed and the bytes it had to re-decode, so that each item
    can say what was repaired in it.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._decoder: Any = None
        self.lines = 1
        self.repairs: dict[int, list[int]] = {}  # line -> [control characters, re-decoded bytes]
        self.declared: str | None = None
        self.done = False

    def _start(self, head: bytes) -> bytes:
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        m = _DECLARATION.match(head)
        encoding = "utf-8"
        if m:
            self.declared = m.group(3).decode("ascii").lower()
            head = head[: m.start(3)] + b"UTF-8" + head[m.end(3):]
            try:
                encoding = codecs.lookup(self.declared).name
            except LookupError:
                encoding = "utf-8"
            if encoding != "utf-8":
                # A declaration of Latin-1 over UTF-8 text is common (a plugin's header, a hand edit):
                # believe the bytes when they decode as UTF-8 with non-ASCII in them.
                try:
                    head.decode("utf-8")
                    if any(b > 127 for b in head):
                        encoding = "utf-8"
                except UnicodeDecodeError as exc:
                    if exc.reason == "unexpected end of data":  # cut short at the end of the chunk only
                        encoding = "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)("wparchive-wxr")
        return head

    def read(self, size: int = _CHUNK) -> bytes:
        if self.done:
            return b""
        data = self._raw.read(max(size, 4096))
        if self._decoder is None:
            data = self._start(data)
        final = not data
        _ACTIVE.stream = self
        try:
            text = self._decoder.decode(data, final)
        finally:
            _ACTIVE.stream = None
        if final:
            self.done = True
        if _CONTROL.search(text):
            for offset, line in enumerate(text.split("\n")):
                found = len(_CONTROL.findall(line))
                if found:
                    self.repairs.setdefault(self.lines + offset, [0, 0])[0] += found
            text = _CONTROL.sub("", text)
        self.lines += text.count("\n")
        return text.encode("utf-8")


@dataclass
class MediaItem:
    """An attachment of the export: a file in the site's uploads, not a post."""

    id: int | None
    url: str
    title: str
    parent: int | None
    date_gmt: str | None


@dataclass
class WxrPost:
    """One post read from an export, with the JSON object stored as its response.json."""

    post: Post
    name: str
    raw: bytes
    comments: list[Comment] = field(default_factory=list)
    site_url: str | None = None  # the channel's wp:base_site_url: where the posts are filed
    salvage: dict[str, Any] | None = None


@dataclass
class WxrEvent:
    """What the stream yields: a post, a media item, or a warning (in the order met)."""

    post: WxrPost | None = None
    media: MediaItem | None = None
    warning: str | None = None


def _local(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _family(ns: str) -> str:
    if ns.startswith(WP_NAMESPACE):
        return "excerpt" if ns.rstrip("/").endswith("/excerpt") else "wp"
    return {"http://purl.org/rss/1.0/modules/content/": "content",
            "http://purl.org/dc/elements/1.1/": "dc"}.get(ns, ns)


def _text(el: Any) -> str:
    return clean_str("".join(el.itertext())) if el is not None else ""


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _gmt(value: str) -> str | None:
    """WXR's `YYYY-MM-DD HH:MM:SS` as REST's `YYYY-MM-DDTHH:MM:SS`; unset dates (zeros) are None."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    return value.replace(" ", "T")


_COMMENT_STATUS = {"1": "approved", "0": "hold", "spam": "spam", "trash": "trash"}


def _fields(item: Any) -> tuple[dict[str, str], list[tuple[str, str, str]], list[Any]]:
    """The item's simple fields by `family:name`, its terms (domain, nicename, name), comment elements."""
    fields: dict[str, str] = {}
    terms: list[tuple[str, str, str]] = []
    comments: list[Any] = []
    for child in item:
        ns, name = _local(child.tag)
        key = f"{_family(ns)}:{name}" if ns else name
        if key == "category":
            terms.append((child.get("domain") or "category", child.get("nicename") or "", _text(child)))
        elif key == "wp:comment":
            comments.append(child)
        elif key not in fields:
            fields[key] = _text(child)
    return fields, terms, comments


def _comment(el: Any, post_id: int | None) -> Comment:
    # Only these fields are read: the e-mail address and IP an export also holds are never kept.
    f = {_local(c.tag)[1]: _text(c) for c in el}
    return Comment(
        id=_int(f.get("comment_id", "")), post=post_id, parent=_int(f.get("comment_parent", "")) or None,
        author=f.get("comment_author", ""), author_url=f.get("comment_author_url", ""),
        date_gmt=_gmt(f.get("comment_date_gmt", "")),
        status=_COMMENT_STATUS.get(f.get("comment_approved", ""), f.get("comment_approved", "")),
        type=f.get("comment_type", "") or "comment", content_html=f.get("comment_content", ""),
        content_is_raw=True)


def rest_base_of(post_type: str) -> str:
    """Where an exported type is filed: posts, pages, otherwise the post type's own name."""
    return {"post": "posts", "page": "pages"}.get(post_type, post_type)


def _post(fields: dict[str, str], terms: list[tuple[str, str, str]], comments: list[Comment],
          authors: dict[str, str]) -> tuple[Post, dict[str, Any]]:
    login = fields.get("dc:creator", "")
    author: str | None = authors.get(login) or login or None
    categories = tuple(name for domain, _, name in terms if domain == "category")
    tags = tuple(name for domain, _, name in terms if domain == "post_tag")
    protected = bool(fields.get("wp:post_password", ""))
    content = fields.get("content:encoded", "")
    post_type = fields.get("wp:post_type", "") or "post"
    obj: dict[str, Any] = {
        "id": _int(fields.get("wp:post_id", "")),
        "type": post_type,
        "slug": fields.get("wp:post_name", ""),
        "link": fields.get("link", ""),
        "guid": fields.get("guid", ""),
        "status": fields.get("wp:status", ""),
        "date": _gmt(fields.get("wp:post_date", "")),
        "date_gmt": _gmt(fields.get("wp:post_date_gmt", "")),
        "modified": _gmt(fields.get("wp:post_modified", "")),
        "modified_gmt": _gmt(fields.get("wp:post_modified_gmt", "")),
        "title": {"raw": fields.get("title", "")},
        "content": {"raw": content, "protected": protected},
        "excerpt": {"raw": fields.get("excerpt:encoded", "")},
        "author": author,
        "author_login": login,
        "parent": _int(fields.get("wp:post_parent", "")) or 0,
        "menu_order": _int(fields.get("wp:menu_order", "")) or 0,
        "sticky": fields.get("wp:is_sticky", "0").strip() == "1",
        "comment_status": fields.get("wp:comment_status", ""),
        "categories": list(categories),
        "tags": list(tags),
        "terms": [{"taxonomy": d, "slug": s, "name": n} for d, s, n in terms],
        "comments": [c.to_json() for c in comments],
    }
    post = Post(
        id=obj["id"], type=post_type, slug=obj["slug"], link=obj["link"], status=obj["status"],
        title_html=obj["title"]["raw"], date_gmt=obj["date_gmt"], modified_gmt=obj["modified_gmt"],
        author=author, categories=categories, tags=tags, content_html=content,
        excerpt_html=obj["excerpt"]["raw"], protected=protected, content_is_raw=True, content_raw=content,
        source=obj)
    return post, obj


def _repairs_between(stream: _CleanStream, first: int, last: int) -> list[str]:
    controls = redecoded = 0
    for line, (c, r) in stream.repairs.items():
        if first <= line < last:
            controls += c
            redecoded += r
    out = []
    if controls:
        out.append(f"{controls} control characters removed")
    if redecoded:
        out.append(f"{redecoded} bytes that were not UTF-8 read as Windows-1252")
    return out


def read_wxr(raw: IO[bytes], name: str) -> Iterator[WxrEvent]:
    """Stream the posts, attachments and warnings of one export. Raises InputError when it is none."""
    stream = _CleanStream(raw)
    parser = etree.iterparse(stream, events=("start", "end"), huge_tree=True, resolve_entities=False,
                             no_network=True, remove_comments=True, remove_pis=True)
    authors: dict[str, str] = {}
    depth = 0
    seen_rss = False
    seen_wp = False  # an element of the WXR namespace (wp:wxr_version comes first in every export)
    items = 0
    kept = 0
    # The last post read, held until the next item ends: then the lines it spans (so its repairs) are
    # known, and a file cut off inside the next item can say so on the last post it kept.
    pending: list[Any] | None = None  # [post, first line, first line of the next item or None]
    channel: Any = None
    site_urls: dict[str, str] = {}
    item_start = 0

    def finish(until_line: int) -> Iterator[WxrEvent]:
        nonlocal pending
        if pending is None:
            return
        post, first, next_start = pending
        pending = None
        repairs = _repairs_between(stream, first, next_start or until_line)
        if repairs:
            post.salvage = {"truncated": False, "cut_in": None, "unreadable_from": None, "repairs": repairs,
                            "missing_fields": []}
            yield WxrEvent(warning=f"{name}: damaged export, {_what(post)} salvaged: {'; '.join(repairs)}")
        yield WxrEvent(post=post)

    try:
        for event, el in parser:
            ns, local = _local(el.tag)
            if event == "start":
                depth += 1
                seen_wp = seen_wp or _family(ns) == "wp"
                if depth == 1:
                    seen_rss = local == "rss"
                elif depth == 2 and local == "channel":
                    channel = el
                elif depth == 3 and local == "item":
                    item_start = el.sourceline or 0
                    if pending is not None:
                        pending[2] = item_start
                continue
            depth -= 1
            if depth == 2 and _family(ns) == "wp" and local == "author":
                f = {_local(c.tag)[1]: _text(c) for c in el}
                login = f.get("author_login", "")
                if login:
                    authors[login] = f.get("author_display_name", "") or login
                el.clear()
            elif depth == 2 and local == "item":
                items += 1
                fields, terms, comment_els = _fields(el)
                comments = [_comment(c, _int(fields.get("wp:post_id", ""))) for c in comment_els]
                el.clear()
                while el.getprevious() is not None:  # drop what was read before it: flat memory
                    del channel[0]
                yield from finish(item_start)
                if fields.get("wp:post_type") == "attachment":
                    yield WxrEvent(media=MediaItem(
                        id=_int(fields.get("wp:post_id", "")), url=fields.get("wp:attachment_url", ""),
                        title=fields.get("title", ""), parent=_int(fields.get("wp:post_parent", "")) or None,
                        date_gmt=_gmt(fields.get("wp:post_date_gmt", ""))))
                    continue
                post, obj = _post(fields, terms, comments, authors)
                data = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
                kept += 1
                site = site_urls.get("base_site_url") or site_urls.get("base_blog_url") or None
                pending = [WxrPost(post, name, data.encode("utf-8"), comments, site_url=site), item_start, None]
            elif depth == 2 and _family(ns) == "wp" and local in ("base_site_url", "base_blog_url"):
                site_urls[local] = _text(el).strip()
            elif depth == 2:
                el.clear()
    except etree.XMLSyntaxError as exc:
        if not seen_rss or channel is None:
            raise InputError(f"{name} is not a readable WordPress export ({_reason(exc)}); {HINT}") from None
        line = exc.position[0] if exc.position else 0
        truncated = stream.done and line >= stream.lines - 1
        what = "cut off" if truncated else f"unreadable ({_reason(exc)})"
        where = f"at line {line}" if line else ""
        if pending is not None:
            pending[0].salvage = {"truncated": False, "cut_in": None, "unreadable_from": None,
                                  "repairs": _repairs_between(stream, pending[1], pending[2] or line + 1),
                                  "missing_fields": [], "export_damaged": f"{what} {where}".strip()}
            yield WxrEvent(post=pending[0])
            pending = None
        lost = depth >= 3  # inside an item when it stopped
        yield WxrEvent(warning=f"{name}: damaged export, {what} {where}; {kept} complete posts kept"
                               + ("; the item it stopped in and any after it are lost" if lost else ""))
        return
    if not seen_rss or channel is None or not seen_wp:
        raise InputError(f"{name} is XML but not a WordPress export (no <rss><channel> with wp: elements); "
                         f"{HINT}")
    yield from finish(stream.lines + 1)
    if not kept and not items:
        yield WxrEvent(warning=f"{name}: the export holds no posts")


def _what(post: WxrPost) -> str:
    return f"post {post.post.id}" if post.post.id is not None else "a post"


def _reason(exc: Exception) -> str:
    return str(exc).split(", line")[0].strip() or type(exc).__name__
