"""What `wparchive diff` compares: archived versions, snapshot folders, saved dumps, or the live post."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from wparchive.archive.refs import pick_version, resolve_post, resolve_snapshot, split_version
from wparchive.archive.store import _SNAPSHOT_NAME, Archive, Snapshot
from wparchive.diff.compare import Side
from wparchive.errors import InputError
from wparchive.render.document import metadata, render_text
from wparchive.sources.discover import Fetched, Locator
from wparchive.sources.dump import read_path


def snapshot_side(snapshot: Snapshot) -> Side:
    meta = snapshot.meta()
    where = f"{snapshot.key.ref}@{snapshot.version}" if snapshot.version else str(snapshot.path)
    try:
        markdown: str | None = snapshot.read_text("post.md")
    except InputError:
        markdown = None
    return Side(f"{where} ({meta.get('captured_at', '?')})", snapshot.read_text("post.txt"), meta, markdown,
                snapshot.id)


def _post_side(post: Any, label: str) -> Side:
    return Side(label, render_text(post), metadata(post))


def load_side(archive: Archive, text: str) -> Side:
    """One side: `REF[@V]`, a snapshot folder, or a saved dump file (its only post)."""
    if text.lower().endswith((".json", ".jsonl", ".txt")) and not Path(text).exists():
        raise InputError(f"{text}: no such file; check the path")
    if text == "-" or (Path(text).is_file()):
        dump = read_path(text)
        if len(dump.posts) != 1:
            raise InputError(f"{text} holds {len(dump.posts)} posts; diff compares one post with one post")
        return _post_side(dump.posts[0].post, text)
    return snapshot_side(resolve_snapshot(archive, text))


def previous_and_latest(archive: Archive, text: str) -> tuple[Side, Side]:
    """With one REF: its version before the latest against the latest."""
    if Path(text).is_file():
        raise InputError(f"{text} is a file; give two files to compare (diff OLD NEW)")
    if _SNAPSHOT_NAME.match(Path(text).name) and Path(text).is_dir():
        newer = resolve_snapshot(archive, text)  # this folder's version against the one before it
        key, spec = newer.key, str(newer.version)
    else:
        ref, spec = split_version(text)
        key = resolve_post(archive, ref)
    versions = archive.versions(key)
    if len(versions) < 2:
        raise InputError(f"{key.ref} has only one version; give two versions or files to compare "
                         "(for example REF@1 REF@latest), or use --live")
    newer = pick_version(key, versions, spec)
    if newer.version < 2:
        raise InputError(f"{key.ref}@{newer.version} is the first version; there is nothing before it")
    return snapshot_side(versions[newer.version - 2]), snapshot_side(newer)


_REVISION = re.compile(r"/(?:revisions|autosaves)/\d+/?$")


def live_target(snapshot: Snapshot) -> str:
    """Where to fetch the post now: the REST URL it was captured from, else its link."""
    meta = snapshot.meta()
    source = meta.get("source") or {}
    api = source.get("api_url")
    if api:
        # The route without the recorded query, but keeping `rest_route` on plain-permalink sites.
        parts = urlsplit(str(api))
        route = parse_qs(parts.query).get("rest_route")
        # A version imported from a revision was read at .../posts/ID/revisions/REV: the post is .../posts/ID.
        query = urlencode({"rest_route": _REVISION.sub("", route[0])}, safe="/") if route else ""
        return urlunsplit((parts.scheme, parts.netloc, _REVISION.sub("", parts.path), query, ""))
    if meta.get("link"):
        return str(meta["link"])
    raise InputError(f"{snapshot.key.ref} was not archived from a site (its source is a file); "
                     "--live needs a post archived from its URL")


def live_side(locator: Locator, snapshot: Snapshot) -> tuple[Side, Fetched]:
    fetched = locator.fetch(live_target(snapshot))
    side = _post_side(fetched.post, f"{fetched.url.split('?', 1)[0]} (live)")
    return Side(side.label, side.text, dict(side.meta, with_credentials=fetched.with_credentials)), fetched
