"""Render a post's comments as a thread of clean text (`comments.txt`), and the hash that versions them.

    Reader One · 2024-05-03 10:00 UTC
      Top comment

      Reader Two · 2024-05-03 10:05 UTC
        A reply

Each comment is a header line (author, date, and its status when it is not approved) and its text
indented two spaces under it; a reply sits under its parent, two spaces further in. Comments whose
parent is not in the list (deleted, or not visible anonymously) start threads of their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from wparchive.render.autop import render_raw_comment
from wparchive.render.html import html_to_text, inline_text
from wparchive.sources.comments import Comment

MAX_DEPTH = 50  # deeper replies are shown at this depth (WordPress itself stops at 10 by default)


def comment_text(comment: Comment) -> str:
    """A comment's text as clean text (raw content gets WordPress's paragraphs first)."""
    html = render_raw_comment(comment.content_html) if comment.content_is_raw else comment.content_html
    return html_to_text(html).strip("\n")


def _date(value: str | None) -> str:
    if not value:
        return "undated"
    return value.replace("T", " ")[:16] + " UTC"


def _ordered(comments: Iterable[Comment]) -> list[Comment]:
    """By id: the order WordPress lists them in, stable whatever order they came in."""
    return sorted(comments, key=lambda c: (c.id is None, c.id or 0, c.date_gmt or ""))


def render_thread(comments: Iterable[Comment]) -> str:
    """The comments as an indented thread; "" when there are none."""
    ordered = _ordered(comments)
    ids = {c.id for c in ordered if c.id is not None}
    children: dict[int | None, list[Comment]] = {}
    for c in ordered:
        parent = c.parent if c.parent in ids and c.parent != c.id else None
        children.setdefault(parent, []).append(c)
    blocks: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[Comment, int]] = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        c, depth = stack.pop()
        if c.id is not None:
            if c.id in seen:  # a parent loop in damaged data: each comment once
                continue
            seen.add(c.id)
        pad = "  " * min(depth, MAX_DEPTH)
        status = "" if c.status == "approved" else f" [{c.status}]"
        header = f"{pad}{inline_text(c.author) or 'Anonymous'} · {_date(c.date_gmt)}{status}"
        text = comment_text(c)
        body = "\n".join((pad + "  " + line) if line else "" for line in text.split("\n")) if text else ""
        blocks.append(header + ("\n" + body if body else ""))
        stack.extend((child, depth + 1) for child in reversed(children.get(c.id, [])) if c.id is not None)
    # Comments in a parent loop never reached from a top-level one still appear.
    for c in ordered:
        if c.id is not None and c.id not in seen:
            seen.add(c.id)
            blocks.append(f"{inline_text(c.author) or 'Anonymous'} · {_date(c.date_gmt)}\n  {comment_text(c)}")
    return "\n\n".join(blocks) + "\n" if blocks else ""


def normalised(comments: Iterable[Comment]) -> list[dict[str, Any]]:
    """What decides whether the comments changed: never raw HTML, which WordPress renders per request."""
    return [{"id": c.id, "parent": c.parent, "author": inline_text(c.author), "date_gmt": c.date_gmt,
             "status": c.status, "text": comment_text(c)} for c in _ordered(comments)]


def comments_hash(comments: Iterable[Comment]) -> str:
    data = json.dumps(normalised(comments), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
