"""The versions an output takes, one at a time: a selection of the archive (site, type, latest or all,
since) walked in path order, each version read only when its turn comes, so memory stays flat."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wparchive.archive.store import Archive, PostKey, Snapshot, host_folder
from wparchive.errors import InputError


@dataclass(frozen=True)
class Selection:
    """Which versions: of one site (host, as given or as a URL), one REST type, latest or all, captured since."""

    site: str | None = None
    type_: str | None = None
    all_versions: bool = True
    since: str | None = None  # a captured_at prefix bound: "2026-11-29" or "2026-11-29T10:00:00Z"

    @property
    def host(self) -> str | None:
        return host_folder(self.site) if self.site else None

    def wants(self, key: PostKey) -> bool:
        return (self.host is None or key.host == self.host) and (self.type_ is None or key.rest_base == self.type_)


def parse_date(text: str, option: str) -> str:
    """A --since/--until DATE as the ISO prefix captured_at values are compared with."""
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%d") if fmt == "%Y-%m-%d" else parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
    raise InputError(f"{option} {text} is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)")


@dataclass(frozen=True)
class Version:
    """One stored version with what outputs need: its snapshot, its snapshot.json, and its clean text."""

    snapshot: Snapshot
    meta: dict[str, Any]
    latest: bool

    @property
    def version_id(self) -> str:
        return self.snapshot.name

    @property
    def ref(self) -> str:
        return self.snapshot.key.ref

    @property
    def captured_at(self) -> str:
        return str(self.meta.get("captured_at") or "")

    @property
    def text(self) -> str:
        return self.snapshot.read_text("post.txt")

    @property
    def source(self) -> dict[str, Any]:
        source = self.meta.get("source")
        return source if isinstance(source, dict) else {}

    @property
    def source_url(self) -> str:
        src = self.source
        return str((src.get("path") if src.get("kind") == "file" else src.get("url")) or "")


def check_site(archive: Archive, selection: Selection) -> None:
    """A --site naming no archived site is a mistake to report, not an empty result."""
    host = selection.host
    if host is not None and not (archive.root / host).is_dir():
        raise InputError(f"--site {selection.site}: no site {host} in {archive.root}; 'wparchive ls' lists them")


def versions(archive: Archive, selection: Selection) -> Iterator[Version]:
    """The selected versions, post by post in path order, each post's oldest first."""
    for key in archive.posts():
        if not selection.wants(key):
            continue
        every = archive.versions(key)
        for snapshot in every if selection.all_versions else every[-1:]:
            meta = snapshot.meta()
            if selection.since and str(meta.get("captured_at") or "") < selection.since:
                continue
            yield Version(snapshot, meta, snapshot is every[-1])
