"""A post's comments in the archive, versioned apart from the post (a new comment is not a post version).

    <post folder>/comments/<YYYYMMDDTHHMMSSZ>-<hash12>/{comments.json, comments.txt, snapshot.json}

Snapshots are written like post snapshots: into a temporary folder, renamed into place when whole,
and nothing is written when the comments' hash equals the latest snapshot's. Whole sites are listed
through `/wp/v2/comments` pages (100 comments a request, whatever the number of posts), and re-runs
ask only for comments made since the newest one seen (`after`); `--full` lists them all again, which
is also what notices edited, moderated or deleted comments.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from wparchive import __version__
from wparchive.archive.listing import gmt
from wparchive.archive.store import (
    _SNAPSHOT_NAME,
    _TIME_FORMAT,
    COMMENT_FILES,
    SCHEMA,
    TMP_PREFIX,
    Archive,
    PostKey,
    Problem,
    host_folder,
    sha256,
    utc_now,
    verify_snapshot,
)
from wparchive.errors import InputError
from wparchive.fsutil import atomic_write, fsync_dir, write_file
from wparchive.render.comments import comments_hash, render_thread
from wparchive.sources.comments import Comment, comment_params, list_comments
from wparchive.sources.discover import ApiRoot
from wparchive.sources.rest import Client, with_params


@dataclass(frozen=True)
class CommentsResult:
    status: str  # "new", "unchanged", or "none" (no comments, and none archived before: nothing written)
    key: PostKey
    path: Path
    count: int

    @property
    def line(self) -> str:
        if self.status == "none":
            return ""
        what = f"{self.count} comment{'s' if self.count != 1 else ''}"
        if self.status == "new":
            return f"new comments {self.key.ref} ({what})"
        return f"unchanged comments {self.key.ref} ({what})"


def read_comments(folder: Path) -> list[Comment]:
    """The comments of one comment snapshot folder."""
    try:
        data = json.loads((folder / "comments.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: comments.json is unreadable ({exc}); run 'wparchive verify'") from None
    items = data.get("comments") if isinstance(data, dict) else None
    return [Comment.from_api(c) for c in items or [] if isinstance(c, dict)]


def capture_comments(archive: Archive, key: PostKey, comments: list[Comment], source: dict[str, Any],
                     scope: str) -> CommentsResult:
    """Store a post's comments as a new snapshot unless they equal the latest one's."""
    digest = comments_hash(comments)
    with archive.lock(key.host):
        folder = archive.comments_dir(key)
        existing = archive.comment_snapshots(key)
        if not comments and not existing:  # nothing to keep, and nothing kept before: no empty folder
            return CommentsResult("none", key, folder, 0)
        folder.mkdir(parents=True, exist_ok=True)
        for child in folder.iterdir():  # under the lock, no one else is writing here
            if child.name.startswith(TMP_PREFIX) and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
        if existing and existing[-1].name.endswith("-" + digest[:12]) and _hash_of(existing[-1]) == digest:
            return CommentsResult("unchanged", key, existing[-1], len(comments))
        when = utc_now()
        taken = {p.name[:16] for p in existing}
        while when.strftime(_TIME_FORMAT) in taken:
            when += timedelta(seconds=1)
        name = f"{when.strftime(_TIME_FORMAT)}-{digest[:12]}"
        stored = {"post": key.ref, "comments": [c.to_json() for c in sorted(comments, key=lambda c: c.id or 0)]}
        files = {
            "comments.json": (json.dumps(stored, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            "comments.txt": render_thread(comments).encode("utf-8"),
        }
        meta = {
            "schema": SCHEMA, "wparchive": __version__, "captured_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": source, "post": key.ref, "scope": scope, "count": len(comments), "content_hash": digest,
            "files": {n: {"sha256": sha256(d), "size": len(d)} for n, d in files.items()},
        }
        files["snapshot.json"] = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        tmp = folder / f"{TMP_PREFIX}{name}-{secrets.token_hex(4)}"
        tmp.mkdir()
        try:
            for file_name, data in files.items():
                write_file(tmp / file_name, data)
            fsync_dir(tmp)
            os.rename(tmp, folder / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        fsync_dir(folder)
        return CommentsResult("new", key, folder / name, len(comments))


def _hash_of(folder: Path) -> str | None:
    try:
        return json.loads((folder / "snapshot.json").read_text(encoding="utf-8")).get("content_hash")
    except (OSError, ValueError, AttributeError):
        return None


def _scope(client: Client) -> str:
    return "all" if client.credentials is not None else "approved"


def archive_post_comments(archive: Archive, client: Client, api: ApiRoot, key: PostKey) -> CommentsResult:
    """List one post's comments (100 a request) and store them."""
    url = api.url("/wp/v2/comments")
    params = dict(comment_params(client.credentials is not None), post=key.id)
    comments = list(list_comments(client, url, params, f"the comments of {key.ref}"))
    source = {"kind": "api", "url": with_params(url, {k: v for k, v in params.items() if k != "page"})}
    return capture_comments(archive, key, comments, source, _scope(client))


@dataclass
class CommentsSummary:
    listed: int = 0
    new: int = 0
    unchanged: int = 0
    orphans: int = 0  # comments on posts that are not in the archive (not archived, or attachments)
    results: list[CommentsResult] = field(default_factory=list)

    def line(self) -> str:
        return (f"comments: {self.listed} listed, {self.new} posts with new comments, "
                f"{self.unchanged} unchanged, {self.orphans} on posts not archived")


def archive_site_comments(archive: Archive, client: Client, api: ApiRoot, site: str, *,
                          full: bool = False) -> CommentsSummary:
    """Every comment of a site, listed in pages; incremental after the first complete run."""
    summary = CommentsSummary()
    state_path = archive.comments_state_path(site)
    state = _read_state(state_path)
    scope = _scope(client)
    newest_seen = gmt(state.get("newest")) if state.get("scope") == scope and not full else None
    params = comment_params(client.credentials is not None)
    if newest_seen is not None:
        # `after` is strict; a second earlier keeps a comment made later in that same second.
        params["after"] = (newest_seen - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    url = api.url("/wp/v2/comments")
    by_post: dict[int, list[Comment]] = {}
    newest = newest_seen
    for comment in list_comments(client, url, params, f"the comments of {site}"):
        summary.listed += 1
        if comment.post is not None:
            by_post.setdefault(comment.post, []).append(comment)
        when = gmt(comment.date_gmt)
        if when is not None and (newest is None or when > newest):
            newest = when
    host = host_folder(site)
    keys = {}
    for key in archive.posts():
        if key.host == host and key.id not in keys:
            keys[key.id] = key
    source = {"kind": "api", "url": with_params(url, {k: v for k, v in params.items() if k != "page"})}
    targets = set(by_post)
    if newest_seen is None:  # a complete listing: posts whose comments all went are updated too
        targets |= {ident for ident, key in keys.items() if archive.comment_snapshots(key)}
    for post_id in sorted(targets):
        key = keys.get(post_id)
        if key is None:
            summary.orphans += len(by_post.get(post_id, []))
            continue
        comments = by_post.get(post_id, [])
        if newest_seen is not None:
            previous = archive.comment_snapshots(key)
            merged = {c.id: c for c in (read_comments(previous[-1]) if previous else [])}
            merged.update({c.id: c for c in comments})
            comments = list(merged.values())
        result = capture_comments(archive, key, comments, source, scope)
        if result.status == "none":
            continue
        summary.results.append(result)
        if result.status == "new":
            summary.new += 1
        else:
            summary.unchanged += 1
    new_state = {"scope": scope, "newest": newest.strftime("%Y-%m-%dT%H:%M:%S") if newest else None}
    if new_state != state:
        atomic_write(state_path, (json.dumps(new_state) + "\n").encode())
    return summary


def verify_comments(archive: Archive) -> tuple[int, list[Problem]]:
    """Re-hash every comment snapshot against its manifest, and find interrupted writes."""
    checked, problems = 0, []
    for key in archive.posts():
        folder = archive.comments_dir(key)
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if child.name.startswith(TMP_PREFIX):
                problems.append(Problem(child, "stray", "an interrupted capture's temporary folder; safe to delete"))
            elif _SNAPSHOT_NAME.match(child.name) and child.is_dir():
                checked += 1
                problems.extend(verify_snapshot(child, COMMENT_FILES))
            else:
                problems.append(Problem(child, "unexpected", "not a comment snapshot folder"))
    return checked, problems


def comment_snapshot(archive: Archive, key: PostKey, spec: str | None = None) -> Path:
    """One comment snapshot of a post: the latest, `@N`, or a stable id / timestamp prefix."""
    found = archive.comment_snapshots(key)
    if not found:
        raise InputError(f"{key.ref} has no archived comments; archive it with --comments")
    if spec is None or spec == "latest":
        return found[-1]
    if spec.lstrip("-").isdigit() and len(spec) <= 4:
        n = int(spec)
        index = n - 1 if n > 0 else len(found) - 1 + n
        if n != 0 and 0 <= index < len(found):
            return found[index]
        raise InputError(f"{key.ref} has no comment version @{spec} (it has {len(found)})")
    matches = [p for p in found if p.name.startswith(spec) or p.name.split("-", 1)[1].startswith(spec)]
    if not matches:
        raise InputError(f"{key.ref} has no comment version {spec}")
    return matches[-1]


def _read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
