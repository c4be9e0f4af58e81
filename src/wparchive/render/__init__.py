"""Render: a `Post` to clean text (`post.txt`), Markdown (`post.md`) and normalised JSON, by one walk
over lxml's tree (`html`, `parse`, `markdown`); `convert` writes renderings of saved dumps to files.
Takes posts from `sources`; gives strings and bytes. Never touches the archive."""

from wparchive.render.document import (
    CONVERTER,
    content_hash,
    metadata,
    render_markdown,
    render_text,
    to_json,
)

__all__ = ["CONVERTER", "content_hash", "metadata", "render_markdown", "render_text", "to_json"]
