"""Render a `Post` as clean text (`post.txt`), Markdown (`post.md`) and normalised JSON."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from wparchive import __version__
from wparchive.model import Post
from wparchive.render.autop import render_raw
from wparchive.render.engine import html_to_markdown, html_to_text, inline_text

# Recorded in every snapshot, so a later reader knows which rules produced post.txt/post.md.
CONVERTER: dict[str, Any] = {
    "name": "wparchive.html",
    "version": __version__,
    "options": {"text_rules": "design.md clean text", "markdown": "commonmark+pipe-tables+strikethrough"},
}

# The metadata that, with title and body, decides whether a capture is a new version.
# `modified_gmt` is left out: a save that changes nothing is not a version.
HASHED_FIELDS = ("id", "type", "slug", "link", "status", "title", "date_gmt", "author",
                 "categories", "tags")


# post.txt's body for a password-protected post archived without its password: say so, never "empty".
WITHHELD_NOTE = "[password-protected: WordPress sent no content without the post's password]"


def _body_html(post: Post) -> str:
    return render_raw(post.content_html) if post.content_is_raw else post.content_html


def render_title(post: Post) -> str:
    """The title as one line of text: entities decoded, markup stripped."""
    return inline_text(post.title_html)


def render_text(post: Post) -> str:
    """`post.txt`: title, blank line, body; LF line ends and a final newline."""
    title = render_title(post)
    body = WITHHELD_NOTE if post.withheld else html_to_text(_body_html(post))
    parts = [p for p in (title, body) if p]
    return "\n\n".join(parts) + "\n" if parts else ""


def render_excerpt(post: Post) -> str:
    return html_to_text(post.excerpt_html)


def metadata(post: Post) -> dict[str, Any]:
    """The post's fields that snapshot.json and `convert --format json` record."""
    return {
        "id": post.id,
        "type": post.type,
        "slug": post.slug,
        "link": post.link,
        "status": post.status,
        "title": render_title(post),
        "date_gmt": post.date_gmt,
        "modified_gmt": post.modified_gmt,
        "author": post.author,
        "categories": list(post.categories),
        "tags": list(post.tags),
        "protected": post.protected,
        "excerpt": render_excerpt(post),
    }


def _yaml_scalar(value: Any) -> str:
    # JSON scalars and flow sequences are valid YAML, and JSON quoting is unambiguous for any text.
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


def render_markdown(post: Post, source: str | None = None) -> str:
    """`post.md`: YAML front matter, a blank line, the body as Markdown; final newline."""
    meta = metadata(post)
    front = {
        "id": meta["id"],
        "type": meta["type"],
        "slug": meta["slug"],
        "title": meta["title"],
        "link": meta["link"],
        "status": meta["status"],
        "protected": meta["protected"],
        "date_gmt": meta["date_gmt"],
        "modified_gmt": meta["modified_gmt"],
        "author": meta["author"],
        "categories": meta["categories"],
        "tags": meta["tags"],
    }
    if post.protected:
        front["protected"] = True
    if post.withheld:
        front["content_withheld"] = True
    if source is not None:
        front["source"] = source
    lines = ["---"] + [f"{key}: {_yaml_scalar(value)}" for key, value in front.items()] + ["---"]
    body = html_to_markdown(_body_html(post))
    return "\n".join(lines) + "\n" + ("\n" + body + "\n" if body else "")


def content_hash(post: Post) -> str:
    """sha256 over title, Markdown body and the metadata that makes a version (never raw HTML)."""
    meta = metadata(post)
    normalised = {key: meta[key] for key in HASHED_FIELDS}
    normalised["body"] = html_to_markdown(_body_html(post))
    data = json.dumps(normalised, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def to_json(post: Post, salvage: dict[str, Any] | None = None, source: str | None = None
            ) -> dict[str, Any]:
    """The normalised post with its rendered text, as `convert --format json` prints it."""
    out = metadata(post)
    out["text"] = render_text(post)
    out["source"] = source
    out["salvage"] = salvage
    return out
