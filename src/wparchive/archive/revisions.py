"""WordPress revisions as versions: which are already imported, and the fields a revision lacks."""

from __future__ import annotations

import html
import re
from typing import Any

from wparchive.archive.versions import Snapshot
from wparchive.errors import WparchiveError
from wparchive.render.html import html_to_text


def no_excerpt_written(obj: dict[str, Any]) -> bool:
    excerpt = obj.get("excerpt")
    return isinstance(excerpt, dict) and excerpt.get("raw") == ""  # known only with context=edit


def raw_text(value: Any) -> str:
    return value.get("raw") or "" if isinstance(value, dict) and isinstance(value.get("raw"), str) else ""


def auto_excerpt(content_html: str) -> str:
    """WordPress's excerpt of a post with none written (wp_trim_excerpt): its first 55 words, `[…]` after."""
    words = html_to_text(content_html).split()
    text = " ".join(words[:55]) + (" […]" if len(words) > 55 else "")
    return f"<p>{html.escape(text, quote=False)}</p>" if text else ""


def revision_id(data: dict[str, Any]) -> int | None:
    value = data.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_REVISION_URL = re.compile(r"/revisions/(\d+)$")


def imported_revision_ids(versions: list[Snapshot]) -> set[int]:
    """The WordPress revision ids already in these versions (older snapshots name them in source.api_url)."""
    known: set[int] = set()
    for snapshot in versions:
        try:
            meta = snapshot.meta()
        except WparchiveError:
            continue
        if isinstance(meta.get("revision"), int):
            known.add(meta["revision"])
            continue
        source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
        m = _REVISION_URL.search(str(source.get("api_url") or "").split("?")[0])
        if source.get("kind") == "revision" and m:
            known.add(int(m.group(1)))
    return known
