"""A small archive built through the library, with fixed capture times, for the output tests.

    example.com/posts/7   @1 2024-05-01 "Treaty talks" (nuclear)   @2 2024-05-03 "Treaty talks resume" (archived edit)
    example.com/pages/2   @1 2024-05-02 "About us"
    other.org/posts/9     @1 2024-05-04 "Other nuclear news"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wparchive.archive.store import Archive, Snapshot
from wparchive.model import Post, Source


def wp_post(post_id: int, title: str, content: str, *, type_: str = "post", site: str = "https://example.com",
            modified: str = "2024-04-01T08:00:00", **fields) -> dict:
    """A REST post object as WordPress sends it (view context, no _embed)."""
    obj = {"id": post_id, "date_gmt": "2024-03-31T08:00:00", "modified_gmt": modified, "slug": f"slug-{post_id}",
           "status": "publish", "type": type_, "link": f"{site}/?p={post_id}", "title": {"rendered": title},
           "content": {"rendered": content, "protected": False}, "excerpt": {"rendered": "", "protected": False},
           "author": 3, "categories": [1], "tags": [5, 6]}
    obj.update(fields)
    return obj


def capture(archive: Archive, obj: dict, when: datetime, *, site: str = "https://example.com",
            rest_base: str = "posts", raw: bytes | None = None, headers=()) -> Snapshot:
    api_url = f"{site}/wp-json/wp/v2/{rest_base}/{obj['id']}?_embed=author,wp:term"
    source = Source("api", url=obj["link"], api_url=api_url, http_status=200, headers=tuple(headers))
    raw = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode("utf-8")
    result = archive.capture(Post.from_api(obj), source, raw, site_url=site, rest_base=rest_base, captured_at=when)
    assert result.status == "new"
    return result.snapshot


def day(d: int, hour: int = 10) -> datetime:
    return datetime(2024, 5, d, hour, 0, 0, tzinfo=timezone.utc)


@dataclass
class Built:
    root: Path
    archive: Archive
    post_v1: Snapshot
    page_v1: Snapshot
    post_v2: Snapshot
    other_v1: Snapshot


def build(root: Path, archive: Archive | None = None) -> Built:
    archive = archive or Archive(root)
    post_v1 = capture(archive, wp_post(7, "Treaty talks", "<p>The nuclear treaty talks began in Vienna.</p>"), day(1))
    page_v1 = capture(archive, wp_post(2, "About us", "<p>We write about treaties and talks.</p>", type_="page"),
                      day(2), rest_base="pages")
    post_v2 = capture(archive, wp_post(7, "Treaty talks resume", "<p>The talks resumed in Geneva, archived.</p>",
                                       modified="2024-05-03T09:00:00"), day(3))
    other_v1 = capture(archive, wp_post(9, "Other nuclear news", "<p>Nothing about treaties here.</p>",
                                        site="https://other.org"), day(4), site="https://other.org")
    return Built(root, archive, post_v1, page_v1, post_v2, other_v1)


@pytest.fixture
def built(tmp_path) -> Built:
    return build(tmp_path / "archive")
