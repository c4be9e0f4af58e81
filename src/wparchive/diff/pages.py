"""Two saved listing pages (`/wp/v2/posts?per_page=100` saved on Monday and on Tuesday), compared post by
post: matched by WordPress ID, with the posts added, removed and changed, and the diff of each changed one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wparchive.diff.compare import Comparison, Side, compare, to_json
from wparchive.render.document import metadata, render_text
from wparchive.sources.dump import read_path


@dataclass(frozen=True)
class PagePost:
    id: int | None
    title: str


@dataclass
class PageComparison:
    a_label: str
    b_label: str
    added: list[PagePost] = field(default_factory=list)
    removed: list[PagePost] = field(default_factory=list)
    changed: list[tuple[PagePost, Comparison]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        return (f"{len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed, "
                f"{self.unchanged} unchanged")


def read_dump_sides(a: str, b: str, *, ignore_whitespace: bool = False
                    ) -> tuple[Side, Side] | PageComparison:
    """Two saved dumps: two sides when each holds one post, else their posts compared by ID."""
    dump_a, dump_b = read_path(a), read_path(b)
    if len(dump_a.posts) == 1 and len(dump_b.posts) == 1:
        return _side(dump_a.posts[0].post, a), _side(dump_b.posts[0].post, b)
    return compare_pages(a, [item.post for item in dump_a.posts], b, [item.post for item in dump_b.posts],
                         ignore_whitespace=ignore_whitespace)


def _side(post: Any, label: str) -> Side:
    return Side(label, render_text(post), metadata(post))


def compare_pages(a_label: str, a_posts: list[Any], b_label: str, b_posts: list[Any], *,
                  ignore_whitespace: bool = False) -> PageComparison:
    """Posts matched by ID, in the order of the newer page (then the removed ones in the older page's)."""
    result = PageComparison(a_label, b_label)
    # A post without an ID cannot be matched: it counts as removed from A or added in B.
    old = {post.id: post for post in a_posts if post.id is not None}
    seen: set[int] = set()
    for post in b_posts:
        listed = PagePost(post.id, _title(post))
        if post.id is None or post.id not in old:
            result.added.append(listed)
            continue
        if post.id in seen:  # the same ID twice on one page: the first one counts
            continue
        seen.add(post.id)
        comparison = compare(_side(old[post.id], f"{a_label} post {post.id}"),
                             _side(post, f"{b_label} post {post.id}"), ignore_whitespace=ignore_whitespace)
        if comparison.identical:
            result.unchanged += 1
        else:
            result.changed.append((listed, comparison))
    new_ids = {post.id for post in b_posts}
    for post in a_posts:
        if post.id is None or post.id not in new_ids:
            result.removed.append(PagePost(post.id, _title(post)))
    return result


def _title(post: Any) -> str:
    return str(metadata(post).get("title") or "")


def _name(post: PagePost) -> str:
    return f"{post.id if post.id is not None else '(no id)'} {post.title}".rstrip()


def format_page_summary(c: PageComparison) -> str:
    """`added ID TITLE`, `removed ID TITLE`, `changed ID TITLE` lines, then the counts."""
    lines = [f"changed {_name(p)}" for p, _ in c.changed]
    lines += [f"added {_name(p)}" for p in c.added]
    lines += [f"removed {_name(p)}" for p in c.removed]
    lines.append(f"{c.a_label} -> {c.b_label}: {c.summary()}")
    return "".join(line + "\n" for line in lines)


def page_to_json(c: PageComparison) -> dict[str, Any]:
    def post(p: PagePost) -> dict[str, Any]:
        return {"id": p.id, "title": p.title}

    return {"sides": {"a": c.a_label, "b": c.b_label}, "identical": c.identical,
            "added": [post(p) for p in c.added], "removed": [post(p) for p in c.removed],
            "changed": [{**post(p), "diff": to_json(comparison)} for p, comparison in c.changed],
            "unchanged": c.unchanged}
