"""Naming archived posts and versions: `REF[@V]` as design.md defines them.

REF is the URL a post was archived from (permalink, `?p=ID`, REST URL), `HOST/TYPE/ID`, or the post's
(or one snapshot's) folder path. `@V` is a stable version id (`@20261202T004817Z-ce786e1c1d96`, or a
unique prefix of it or of its hash part, `@ce786e1c`), `@1` (oldest), `@N`, `@latest`, `@-1` (one before
latest) or a timestamp prefix such as `@2026-11-29` (the newest version captured then). Positions move
when older history is imported later; ids never do.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from wparchive.archive.store import _SNAPSHOT_NAME, Archive, PostKey, Snapshot, host_folder, pick_version
from wparchive.errors import InputError

_VERSION = re.compile(
    r"^(latest|-?\d+|\d{4}(?:-?\d{2}(?:-?\d{2}(?:[T ]?\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?)?Z?"
    r"|\d{8}T\d{6}Z-[0-9a-f]{0,12}(?:-\d*)?|[0-9a-f]{4,12})$")  # also a stable id, or a prefix of its hash part
_REST_ROUTE = re.compile(r"/wp/v2/([^/?#]+)/(\d+)/?$")
_KEY = re.compile(r"^([^/@]+)/([^/@]+)/(\d+)$")


def split_version(text: str) -> tuple[str, str | None]:
    """`ref@V` -> (ref, V); a URL's own `@` (user info) is left alone unless V looks like a version."""
    if "@" in text:
        ref, _, version = text.rpartition("@")
        if ref and _VERSION.match(version):
            return ref, version
    return text, None


def _normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return f"{(parts.hostname or '').lower()}{path}?{parts.query}" if parts.query else \
        f"{(parts.hostname or '').lower()}{path}"


def resolve_post(archive: Archive, ref: str) -> PostKey:
    """The archived post that REF names; InputError when there is none."""
    path = Path(ref)
    if path.is_dir():
        key = _key_from_path(archive, path.resolve())
        if key is not None:
            return key
    m = _KEY.match(ref.strip("/"))
    if m and not ref.startswith(("http://", "https://")):
        key = PostKey(m.group(1).lower(), m.group(2), int(m.group(3)))
        if archive.versions(key):
            return key
    elif ref.startswith(("http://", "https://")):
        key = _key_from_url(archive, ref)
        if key is not None:
            return key
    hint = (" (a version is an id such as @20261202T004817Z-ce786e1c1d96, @N, @-N, @latest or a timestamp "
            "such as @2026-11-29)") if "@" in ref else ""
    raise InputError(f"{ref} is not an archived post in {archive.root}; "
                     f"'wparchive ls' lists them (REF is a URL, HOST/TYPE/ID or a folder){hint}")


def _key_from_path(archive: Archive, path: Path) -> PostKey | None:
    root = archive.root.resolve()
    if _SNAPSHOT_NAME.match(path.name):
        path = path.parent
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    if len(parts) == 3 and parts[2].isdigit():
        return PostKey(parts[0], parts[1], int(parts[2]))
    return None


def _key_from_url(archive: Archive, url: str) -> PostKey | None:
    host = host_folder(url)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    route = query.get("rest_route", [parts.path])[0]
    m = _REST_ROUTE.search(route)
    if m:
        key = PostKey(host, m.group(1), int(m.group(2)))
        return key if archive.versions(key) else None
    wanted_id = None
    for name in ("p", "page_id", "post"):
        if query.get(name, [""])[0].isdigit():
            wanted_id = int(query[name][0])
    wanted = _normalise_url(url)
    for key in archive.posts():
        if key.host != host:
            continue
        if wanted_id is not None:
            if key.id == wanted_id:
                return key
            continue
        latest = archive.latest(key)
        if latest is None:
            continue
        meta = latest.meta()
        urls = [meta.get("link") or "", (meta.get("source") or {}).get("url") or ""]
        if any(u and _normalise_url(u) == wanted for u in urls):
            return key
    return None


def resolve_snapshot(archive: Archive, text: str) -> Snapshot:
    """`REF[@V]` (or a snapshot folder) to one stored version; the latest when no @V is given."""
    path = Path(text)
    if path.is_dir() and _SNAPSHOT_NAME.match(path.name) and (path / "snapshot.json").is_file():
        key = _key_from_path(archive, path.resolve())
        if key is not None:
            for snapshot in archive.versions(key):
                if snapshot.name == path.name:
                    return snapshot
        # A snapshot folder outside this archive still names one version of something.
        return Snapshot(PostKey("", "", 0), path, 0)
    ref, spec = split_version(text)
    key = resolve_post(archive, ref)
    return pick_version(key, archive.versions(key), spec)
