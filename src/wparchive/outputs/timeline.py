"""A site's timeline: every version of every post of one site, newest first, with `log`'s labels.

Only the snapshot folder names of the site are held in memory (to order them across posts); each
version's snapshot.json is read when its line is produced, with the one before it for what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wparchive.archive.history import changes, follows_event, seen_again
from wparchive.archive.store import Archive, PostKey, Snapshot
from wparchive.diff.compare import compare
from wparchive.diff.sides import snapshot_side
from wparchive.errors import InputError
from wparchive.fsutil import atomic_write
from wparchive.outputs.html import TimelineRow, diff_page

FIRST = "first capture"


def name_bound(date: str, upper: bool) -> str:
    """A --since/--until date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) as a folder-name prefix to compare with;
    an --until day includes all of that day."""
    compact = date.replace("-", "").replace(":", "")
    if upper and len(compact) == 8:
        return compact + "T999999Z"
    return compact


@dataclass(frozen=True)
class TimelineEntry:
    snapshot: Snapshot
    meta: dict[str, Any]
    changed: str  # as `log` says it: "first capture", "text, title", ...
    previous: Snapshot | None

    @property
    def labels(self) -> list[str]:
        return [] if self.changed == FIRST else self.changed.split(", ")

    @property
    def kind(self) -> str:
        """What the chart counts this version as: "new" for a first capture, else its first label."""
        return "new" if self.changed == FIRST else self.labels[0]

    @property
    def captured_at(self) -> str:
        return str(self.meta.get("captured_at") or "")

    @property
    def title(self) -> str:
        return " ".join(str(self.meta.get("title") or "").split())

    @property
    def line(self) -> str:
        s = self.snapshot
        return "\t".join([self.captured_at, f"{s.key.ref}@{s.name}", f"@{s.version}", self.changed, self.title])

    def to_json(self) -> dict[str, Any]:
        source = self.meta.get("source") or {}
        return {"ref": self.snapshot.key.ref, "version": self.snapshot.version, "id": self.snapshot.name,
                "captured_at": self.meta.get("captured_at"), "title": self.meta.get("title"),
                "source": {"kind": source.get("kind"),
                           "where": source.get("path") if source.get("kind") == "file" else source.get("url")},
                "content_hash": self.meta.get("content_hash"), "changed": self.labels}


def site_timeline(archive: Archive, host: str, since: str | None = None, until: str | None = None,
                  ) -> Iterator[TimelineEntry]:
    """Every version of every post of the site in folder `host`, newest first (by capture time, then REF)."""
    if not (archive.root / host).is_dir():
        raise InputError(f"{host} is not an archived site in {archive.root}; 'wparchive ls' lists them")
    low = name_bound(since, False) if since else ""
    high = name_bound(until, True) if until else None
    names: list[tuple[str, str, int, PostKey]] = []
    for key in archive.posts():
        if key.host != host:
            continue
        for snapshot in archive.versions(key):
            stamp = snapshot.name[:16]
            if stamp >= low[:16] and (high is None or stamp <= high):
                names.append((stamp, key.ref, snapshot.version, key))
    names.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)  # in one second: by version
    followed: dict[PostKey, set[str]] = {}
    for _, _, version, key in names:
        versions = archive.versions(key)
        if version > len(versions):  # removed since the listing: skip rather than fail
            continue
        snapshot = versions[version - 1]
        meta = snapshot.meta()
        previous = versions[version - 2] if version > 1 else None
        changed = changes(previous.meta() if previous else None, meta)
        if previous is not None and previous.name in follows_event(archive, key, followed):
            changed = seen_again(changed)  # as `log REF` says it
        yield TimelineEntry(snapshot, meta, changed, previous)


def timeline_rows(entries: Iterator[TimelineEntry], out_dir: Path | None, limit: int) -> Iterator[TimelineRow]:
    """The entries as rows of the timeline page; with `out_dir`, the diff page of each of the first `limit`
    versions that have one before them is written to `out_dir/diffs/` and linked."""
    for position, entry in enumerate(entries):
        href = None
        key = entry.snapshot.key
        if out_dir is not None and entry.previous is not None and position < limit:
            name = f"{key.rest_base}-{key.id}-{entry.snapshot.name}.html"
            comparison = compare(snapshot_side(entry.previous), snapshot_side(entry.snapshot))
            atomic_write(out_dir / "diffs" / name, diff_page(comparison).encode("utf-8"))
            href = f"diffs/{name}"
        yield TimelineRow(entry.captured_at, key.ref, entry.snapshot.name, entry.kind, entry.labels, entry.title,
                          href)
