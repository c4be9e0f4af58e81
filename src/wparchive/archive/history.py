"""What `log` and `ls` show: versions of a post with what changed, and the archived posts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from wparchive.archive import events
from wparchive.archive.store import Archive, PostKey, Snapshot
from wparchive.errors import InputError

# Fields whose change `log` names, in this order; the text is compared by its post.txt hash.
LOGGED_FIELDS = ("title", "slug", "status", "link", "author", "categories", "tags", "excerpt", "date_gmt")


@dataclass(frozen=True)
class LogEntry:
    snapshot: Snapshot
    meta: dict[str, Any]
    changed: str  # "first capture", "rendering", or what changed ("text, title", "markup")

    @property
    def line(self) -> str:
        source = self.meta.get("source") or {}
        where = source.get("url") or source.get("path")  # a file or an export has a path, the rest a URL
        return (f"@{self.snapshot.version}\t{self.meta.get('captured_at', '')}\t{source.get('kind', '')}:"
                f"{where or ''}\t{self.snapshot.id}\t{self.changed}")


@dataclass(frozen=True)
class EventEntry:
    """A history event between versions (archive/events.py): the post was hidden, or gone."""

    key: PostKey
    event: dict[str, Any]

    @property
    def line(self) -> str:
        return (f"{self.event.get('event')}\t{self.event.get('at', '')}\tapi:{self.event.get('url', '')}\t-\t"
                f"{events.describe(self.event)}")


def _text_hash(meta: dict[str, Any]) -> str | None:
    files = meta.get("files")
    entry = files.get("post.txt") if isinstance(files, dict) else None
    return entry.get("sha256") if isinstance(entry, dict) else None


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """What differs between two versions' snapshot.json, as a short list."""
    if before is None:
        return "first capture"
    changed = ["text"] if _text_hash(before) != _text_hash(after) else []
    changed += [f for f in LOGGED_FIELDS if before.get(f) != after.get(f) and f != "title"]
    if before.get("title") != after.get("title"):
        changed.insert(0, "title")
    if not changed and before.get("content_hash") != after.get("content_hash"):
        changed.append("markup")
    if after.get("change") == "rendering" and set(changed) <= {"text", "title", "markup"}:
        return "rendering"  # the site showed the unchanged post differently (see README: log labels)
    return ", ".join(changed) or "nothing visible"


def seen_again(changed: str) -> str:
    """The label of a version captured after the post was found hidden or gone."""
    return "seen again" + ("" if changed == "nothing visible" else f", {changed}")


def follows_event(archive: Archive, key: PostKey, cache: dict[PostKey, set[str]]) -> set[str]:
    """The ids of a post's versions that an event (hidden, gone) follows; read once per post into `cache`."""
    if key not in cache:
        cache[key] = {str(e.get("after")) for e in events.read_events(archive.events_path(key))}
    return cache[key]


def log_entries(archive: Archive, key: PostKey) -> list[LogEntry | EventEntry]:
    """Versions of one post, newest first, each with what changed since the one before; the events
    seen between them (hidden, gone) in their place, and the version after one says `seen again`."""
    entries: list[LogEntry | EventEntry] = []
    previous = None
    seen = events.read_events(archive.events_path(key))
    placed: set[int] = set()
    for snapshot in archive.versions(key):
        meta = snapshot.meta()
        changed = changes(previous, meta)
        if entries and isinstance(entries[-1], EventEntry):
            changed = seen_again(changed)
        entries.append(LogEntry(snapshot, meta, changed))
        previous = meta
        for i, event in enumerate(seen):
            if event.get("after") == snapshot.id:
                entries.append(EventEntry(key, event))
                placed.add(i)
    # An event whose version is not there (damaged history) still shows, at the end.
    entries.extend(EventEntry(key, e) for i, e in enumerate(seen) if i not in placed)
    return entries[::-1]


@dataclass(frozen=True)
class ListedPost:
    key: PostKey
    slug: str
    title: str
    versions: int
    last_captured: str

    def row(self) -> list[str]:
        fields = [self.key.host, self.key.rest_base, str(self.key.id), self.slug, self.title,
                  str(self.versions), self.last_captured]
        return [" ".join(f.split()) for f in fields]  # no tab or newline may break a TSV row


def list_posts(archive: Archive) -> list[ListedPost]:
    out = []
    for key in archive.posts():
        versions = archive.versions(key)
        if not versions:
            continue
        try:
            meta = versions[-1].meta()
        except InputError:  # one damaged snapshot must not hide the rest of the archive
            meta = {"title": "(snapshot.json unreadable: run wparchive verify)"}
        # WordPress keeps non-Latin slugs percent-encoded; a person reads them decoded.
        out.append(ListedPost(key, unquote(str(meta.get("slug") or "")), str(meta.get("title") or ""), len(versions),
                              str(meta.get("captured_at") or "")))
    return out
