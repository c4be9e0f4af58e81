"""Readers' comments: one model for comments from the REST API (`/wp/v2/comments`) and export files.

What a comment keeps is what a reader of the site saw: who (the name given), when, where in the
thread, its status and its text. Commenters' e-mail addresses, IP addresses and browser strings
(`context=edit` and exports carry them) are personal data the archive has no use for: never kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wparchive.errors import RemoteError
from wparchive.model import clean_str
from wparchive.sources.rest import Client, parse_json

PER_PAGE = 100


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True)
class Comment:
    """One comment, normalised."""

    id: int | None
    post: int | None
    parent: int | None  # None for a comment on the post itself
    author: str
    author_url: str
    date_gmt: str | None
    status: str  # "approved", "hold", "spam", "trash"
    type: str
    content_html: str
    content_is_raw: bool = False  # raw as typed (exports, context=edit): WordPress adds paragraphs on display

    @classmethod
    def from_api(cls, obj: dict[str, Any]) -> Comment:
        content = obj.get("content")
        html, raw = "", False
        if isinstance(content, dict):
            if isinstance(content.get("rendered"), str):
                html = content["rendered"]
            elif isinstance(content.get("raw"), str):
                html, raw = content["raw"], True
        elif isinstance(content, str):
            html = content
        date = obj.get("date_gmt")
        return cls(
            id=_int(obj.get("id")), post=_int(obj.get("post")), parent=_int(obj.get("parent")) or None,
            author=clean_str(str(obj.get("author_name") or "")), author_url=clean_str(str(obj.get("author_url") or "")),
            date_gmt=clean_str(date) if isinstance(date, str) and date else None,
            status=clean_str(str(obj.get("status") or "")) or "approved",
            type=clean_str(str(obj.get("type") or "")) or "comment",
            content_html=clean_str(html), content_is_raw=raw)

    def to_json(self) -> dict[str, Any]:
        """The stored form: REST's field names, nothing personal beyond the name and URL given."""
        return {"id": self.id, "post": self.post, "parent": self.parent, "author_name": self.author,
                "author_url": self.author_url, "date_gmt": self.date_gmt, "status": self.status,
                "type": self.type, "content": {"raw" if self.content_is_raw else "rendered": self.content_html}}


def comment_params(authenticated: bool) -> dict[str, Any]:
    """Listing parameters: approved comments anonymously; every status with credentials."""
    params: dict[str, Any] = {"per_page": PER_PAGE, "orderby": "id", "order": "asc"}
    if authenticated:
        params.update(status="all", context="edit")
    return params


def list_comments(client: Client, url: str, params: dict[str, Any], what: str) -> Iterator[Comment]:
    """Every comment of a `/wp/v2/comments` listing, 100 a page (one request per page, not per post).

    With credentials, also the spam and trash (WordPress lists them only when asked by status).
    """
    statuses = [params.get("status")]
    if params.get("status") == "all":
        statuses += ["spam", "trash"]
    seen: set[int] = set()
    for status in statuses:
        page = 1
        while True:
            query = dict(params, page=page)
            if status is not None:
                query["status"] = status
            response = client.get(url, query)
            if response.status_code == 400 and page > 1:
                break  # past the last page
            if response.status_code >= 400:
                raise client.error_for(response, what)
            body = parse_json(response)
            if not isinstance(body, list):
                raise RemoteError(f"{url} did not return a list of comments; is it a WordPress REST API?")
            fresh = 0
            for obj in body:
                if isinstance(obj, dict):
                    comment = Comment.from_api(obj)
                    if comment.id is not None:
                        if comment.id in seen:
                            continue
                        seen.add(comment.id)
                    fresh += 1
                    yield comment
            pages = response.headers.get("X-WP-TotalPages", "")
            # A page of nothing new ends the listing: a server repeating one page never loops us.
            if not body or not fresh or not pages.isdigit() or page >= int(pages):
                break
            page += 1

