"""`Post`: the one normalised model of a WordPress post that every later stage uses.

A REST post object comes in many shapes: full `view` or `edit` context, `_fields`-filtered, with or
without `_embedded`, `content` as `{rendered}`, `{raw}` or a bare string. `Post.from_api` reads them
all; the object itself is kept untouched in `Post.source`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Lone surrogates (from `\ud800` escapes) cannot be encoded as UTF-8; they become U+FFFD.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Control characters other than tab/newline carry no text and upset XML-based parsers.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# REST base of the core post types; custom types carry their own `rest_base` (see /wp/v2/types).
CORE_REST_BASES = {"post": "posts", "page": "pages", "attachment": "media"}


# A post's own password: WordPress includes it in `context=edit` responses to editors.
_PASSWORD_FIELD = re.compile(rb'("password"\s*:\s*)"(?:[^"\\]|\\.)+"')


def redact_secrets(raw: bytes) -> tuple[bytes, list[str]]:
    """The response with any non-empty `password` field blanked, and the names of what was blanked.

    This is the one change wparchive makes to a stored response: a secret must never reach the disk.
    """
    redacted, count = _PASSWORD_FIELD.subn(rb'\1""', raw)
    return (redacted, ["password"]) if count else (raw, [])


def clean_str(value: str) -> str:
    """Make a string from any source safe to encode and to parse: no lone surrogates, no NULs."""
    if _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value


def _rendered(value: Any) -> tuple[str, bool]:
    """Text of a `{rendered}`/`{raw}`/bare-string field, and whether it came from `raw` only."""
    if isinstance(value, str):
        return clean_str(value), False
    if isinstance(value, dict):
        rendered = value.get("rendered")
        if isinstance(rendered, str):
            return clean_str(rendered), False
        raw = value.get("raw")
        if isinstance(raw, str):
            return clean_str(raw), True
    return "", False


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():  # not "²" or "٣"
        return int(value)
    return None


def _str_or_none(value: Any) -> str | None:
    return clean_str(value) if isinstance(value, str) else None


def _embedded_terms(obj: dict[str, Any]) -> dict[tuple[str, int], str]:
    """`(taxonomy, id) -> name` from `_embedded["wp:term"]`, a list of lists of term objects."""
    names: dict[tuple[str, int], str] = {}
    embedded = obj.get("_embedded")
    groups = embedded.get("wp:term") if isinstance(embedded, dict) else None
    if not isinstance(groups, list):
        return names
    for group in groups:
        for term in group if isinstance(group, list) else ():
            if isinstance(term, dict) and isinstance(term.get("name"), str):
                term_id = _int_or_none(term.get("id"))
                if term_id is not None:
                    names[(str(term.get("taxonomy", "")), term_id)] = term_name(term["name"])
    return names


def term_name(name: str) -> str:
    """A term or author name as people read it: WordPress sends `News &amp; Views`."""
    return clean_str(html.unescape(name))


def sort_terms(terms: Iterable[str | int]) -> tuple[str | int, ...]:
    """Terms are a set: one order (names, then unknown IDs) whatever order WordPress sent them in."""
    return tuple(sorted(terms, key=lambda t: (isinstance(t, int), str(t).casefold(), str(t))))


# WordPress prepends these to `title.rendered` (never to `title.raw`); get_the_title() adds at most one:
# "Protected: " for a post with a password, else "Private: " for a private post. English only.
_PROTECTED_PREFIX = "Protected: "
_PRIVATE_PREFIX = "Private: "


def _without_title_prefix(title: str, status: str, protected: bool) -> str:
    """The title as the author wrote it, whether it was read with credentials (raw) or without."""
    prefix = _PROTECTED_PREFIX if protected else _PRIVATE_PREFIX if status == "private" else None
    return title[len(prefix):] if prefix and title.startswith(prefix) else title


def _terms(obj: dict[str, Any], key: str, taxonomy: str, names: dict) -> tuple[str | int, ...]:
    """Term names where `_embedded` gives them, otherwise the IDs as WordPress sent them."""
    values = obj.get(key)
    if not isinstance(values, list):
        return ()
    out: list[str | int] = []
    for value in values:
        term_id = _int_or_none(value)
        if term_id is None:
            if isinstance(value, str):
                out.append(clean_str(value))
            continue
        out.append(names.get((taxonomy, term_id), term_id))
    return sort_terms(out)


def _author(obj: dict[str, Any]) -> str | int | None:
    embedded = obj.get("_embedded")
    authors = embedded.get("author") if isinstance(embedded, dict) else None
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        name = authors[0].get("name")
        if isinstance(name, str) and name:
            return term_name(name)
    author = obj.get("author")
    return _int_or_none(author)


@dataclass(frozen=True)
class Post:
    """One WordPress post (or page, or custom-type item), normalised."""

    id: int | None
    type: str
    slug: str
    link: str
    status: str
    title_html: str
    date_gmt: str | None
    modified_gmt: str | None
    author: str | int | None
    categories: tuple[str | int, ...]
    tags: tuple[str | int, ...]
    content_html: str
    excerpt_html: str
    protected: bool
    content_is_raw: bool = False
    content_raw: str | None = None
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, obj: dict[str, Any]) -> Post:
        """Read a REST post object of any shape WordPress sends (view/edit context, `_fields`)."""
        content_field = obj.get("content")
        content_html, content_is_raw = _rendered(content_field)
        content_raw = None
        if isinstance(content_field, dict) and isinstance(content_field.get("raw"), str):
            content_raw = clean_str(content_field["raw"])
        title_html, _ = _rendered(obj.get("title"))
        excerpt_html, _ = _rendered(obj.get("excerpt"))
        protected = bool(isinstance(content_field, dict) and content_field.get("protected"))
        names = _embedded_terms(obj)
        status = _str_or_none(obj.get("status")) or ""
        title_html = _without_title_prefix(title_html, status, protected)
        return cls(
            id=_int_or_none(obj.get("id")),
            type=_str_or_none(obj.get("type")) or "post",
            slug=_str_or_none(obj.get("slug")) or "",
            link=_str_or_none(obj.get("link")) or "",
            status=status,
            title_html=title_html,
            date_gmt=_str_or_none(obj.get("date_gmt")),
            modified_gmt=_str_or_none(obj.get("modified_gmt")),
            author=_author(obj),
            categories=_terms(obj, "categories", "category", names),
            tags=_terms(obj, "tags", "post_tag", names),
            content_html=content_html,
            excerpt_html=excerpt_html,
            protected=protected,
            content_is_raw=content_is_raw,
            content_raw=content_raw,
            source=obj,
        )

    @property
    def withheld(self) -> bool:
        """Password-protected and sent without its content (no password, or a wrong one)."""
        return self.protected and not self.content_html.strip()

    @property
    def rest_base(self) -> str:
        """The REST base for this post's type, as far as the post itself tells."""
        return CORE_REST_BASES.get(self.type, self.type)


@dataclass(frozen=True)
class Source:
    """Where a capture came from, as recorded in snapshot.json."""

    kind: str  # "api", "file" (a saved REST dump), "wxr" (a WordPress export file) or "revision"
    url: str | None = None
    path: str | None = None
    api_url: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    redacted: tuple[str, ...] = ()  # response fields blanked before storing (a post's password)
    # The response headers as WordPress sent them, in order ((name, value) pairs; no cookies): for WARC.
    headers: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind in ("file", "wxr"):
            out["path"] = self.path
        else:
            out["url"] = self.url
        out.update(api_url=self.api_url, http_status=self.http_status, etag=self.etag,
                   last_modified=self.last_modified)
        if self.redacted:
            out["redacted"] = list(self.redacted)
        if self.headers:
            out["response_headers"] = [list(pair) for pair in self.headers]
        return out

    @property
    def label(self) -> str:
        return (self.path if self.kind in ("file", "wxr") else self.url) or ""
