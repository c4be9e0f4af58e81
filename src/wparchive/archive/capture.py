"""Capture targets into the archive: live posts through a `Locator`, saved dumps by import."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from wparchive.archive.comments import CommentsResult, archive_post_comments, capture_comments
from wparchive.archive.site import import_revisions
from wparchive.archive.store import Archive, CaptureResult, Snapshot, host_folder
from wparchive.errors import InputError, WparchiveError
from wparchive.fsutil import atomic_write
from wparchive.model import Source
from wparchive.sources.discover import Fetched, Locator
from wparchive.sources.dump import expand_sources
from wparchive.sources.inputs import iter_input
from wparchive.sources.wxr import MediaItem, WxrPost, rest_base_of


@dataclass
class TargetResult:
    """What happened to one target (a dump may give several results, one per post)."""

    target: str
    result: CaptureResult | None = None
    error: WparchiveError | None = None
    warning: str | None = None
    comments: CommentsResult | None = None
    fetched: Fetched | None = None  # for a live capture: where it came from (the media step needs it)
    refused: bool = False  # an object in a dump that is not a post
    note: str | None = None  # the line to print instead of the result's own

    @property
    def line(self) -> str:
        if self.result is not None:
            head = self.note if self.note is not None else self.result.line
            return head + (f"\n{self.comments.line}" if self.comments and self.comments.line else "")
        if self.refused:
            return f"refused {self.error}"
        return f"failed {self.target}: {self.error}"

    def to_json(self) -> dict[str, object]:
        """One target's outcome as `archive --json` prints it (README: "--json shapes")."""
        snapshot = self.result.snapshot if self.result is not None else None
        status = self.result.status if self.result is not None else "refused" if self.refused else "failed"
        return {"target": self.target, "status": status,
                "ref": snapshot.key.ref if snapshot is not None else None,
                "version": snapshot.version if snapshot is not None else None,
                "id": snapshot.name if snapshot is not None else None,
                "rendering": bool(self.result is not None and self.result.rendering),
                "error": str(self.error) if self.error is not None else None}


def is_dump_path(target: str) -> bool:
    """A saved dump: `-`, a file, or a folder of them (read as `convert` reads it)."""
    return target == "-" or (not target.startswith(("http://", "https://")) and
                             (Path(target).is_file() or Path(target).is_dir()))


def capture_fetched(archive: Archive, fetched: Fetched, target: str, *, skip_rendering: bool = False
                    ) -> CaptureResult:
    return archive.capture(fetched.post, fetched.source(target), fetched.raw, site_url=fetched.site,
                           rest_base=fetched.rest_base, with_credentials=fetched.with_credentials,
                           skip_rendering=skip_rendering)


def import_dump(archive: Archive, target: str, comments: bool = False) -> Iterator[TargetResult]:
    """Import every post of a saved dump or export file as snapshots whose source is that file."""
    path = "<stdin>" if target == "-" else str(Path(target).resolve())
    attachments: list[MediaItem] = []
    site_url = None
    for event in iter_input(target):
        if event.media is not None:
            attachments.append(event.media)
            continue
        if event.warning is not None:
            yield TargetResult(target, warning=event.warning)
            continue
        if event.refused is not None:  # a term, user, comment... in a file of posts: nothing is written
            yield TargetResult(target, error=InputError(event.refused), refused=True)
            continue
        item = event.post
        if item is None:
            continue
        site_url = getattr(item, "site_url", None) or site_url  # an export says which site it is from
        rest_base = rest_base_of(item.post.type) if event.kind == "wxr" else None
        try:
            result = archive.capture(item.post, Source(event.kind, path=path), item.raw, salvage=item.salvage,
                                     site_url=site_url, rest_base=rest_base)
        except WparchiveError as exc:
            yield TargetResult(target, error=exc)
            continue
        except ValueError as exc:  # urlsplit's verdict on a malformed URL ("Invalid IPv6 URL")
            yield TargetResult(target, error=InputError(f"{target} is not a valid URL ({exc}); check it"))
            continue
        stored = None
        if comments and isinstance(item, WxrPost):  # an export holds every comment, whatever its status
            stored = capture_comments(archive, result.snapshot.key, item.comments, {"kind": "wxr", "path": path},
                                      "all")
        yield TargetResult(target, result=result, comments=stored)
    if attachments and site_url:
        record_attachments(archive, site_url, attachments, path)


def record_attachments(archive: Archive, site_url: str, items: list[MediaItem], path: str) -> None:
    """An export's attachments, kept as media items of the site (merged by id with earlier imports)."""
    target = archive.media_items_path(site_url)
    with archive.lock(host_folder(site_url)):
        try:
            known = json.loads(target.read_text(encoding="utf-8")).get("items", [])
        except (OSError, ValueError, AttributeError):
            known = []
        by_id = {item.get("id"): item for item in known if isinstance(item, dict)}
        for item in items:
            by_id[item.id] = {"id": item.id, "url": item.url, "title": item.title, "parent": item.parent,
                              "date_gmt": item.date_gmt, "source": path}
        ordered = sorted(by_id.values(), key=lambda item: (item.get("id") is None, item.get("id") or 0))
        atomic_write(target, (json.dumps({"items": ordered}, ensure_ascii=False, indent=2) + "\n").encode())


def content_kept(archive: Archive, fetched: Fetched) -> Snapshot | None:
    """The latest version of a password-protected post fetched without its password, when that
    version holds its content (archived with the password or credentials): not to be replaced."""
    if not fetched.post.withheld:
        return None
    latest = archive.latest(archive.key_for(fetched.post, fetched.site, fetched.rest_base))
    if latest is None:
        return None
    meta = latest.meta()
    return latest if meta.get("protected") and not meta.get("content_withheld") else None


def capture_targets(archive: Archive, locator: Locator | None, targets: Iterable[str], *,
                    site: str | None = None, type_: str | None = None, revisions: bool = False,
                    autosaves: bool = False, comments: bool = False, skip_rendering: bool = False
                    ) -> Iterator[TargetResult]:
    """Capture each target in turn; a failure is reported and the next target still runs."""
    for target in targets:
        try:
            if is_dump_path(target):
                for name in expand_sources([target]):  # a folder: every dump or export below it
                    try:
                        yield from import_dump(archive, name, comments)
                    except WparchiveError as exc:  # one bad file in a folder: the others still import
                        yield TargetResult(name, error=exc)
                continue
            if locator is None:
                raise WparchiveError(f"{target} needs the network, which this run has not set up")
            fetched = locator.fetch(target, site=site, type_=type_)
            for warning in fetched.warnings:
                yield TargetResult(target, warning=warning)
            note = None
            kept = content_kept(archive, fetched)
            if kept is not None:  # an empty body now says only that no password was given this time
                result = CaptureResult("unchanged", kept)
                note = f"protected {kept.key.ref}: archived with its content before; no password given this run"
            else:
                imported = import_revisions(archive, locator, fetched, autosaves) if revisions else 0
                # Revisions first, so that history keeps each text's earliest date.
                result = replace(capture_fetched(archive, fetched, target, skip_rendering=skip_rendering),
                                 revisions=imported)
                if fetched.post.withheld and result.status == "new":
                    note = f"protected {result.snapshot.cite} (content withheld: no password)"
        except WparchiveError as exc:
            yield TargetResult(target, error=exc)
            continue
        if not comments:
            yield TargetResult(target, result=result, fetched=fetched, note=note)
            continue
        try:  # the post is archived already; a failure here is the comments' alone
            stored = archive_post_comments(archive, locator.client, fetched.api, result.snapshot.key)
        except WparchiveError as exc:
            yield TargetResult(target, result=result, fetched=fetched, note=note)
            yield TargetResult(target, error=type(exc)(f"comments of {result.snapshot.key.ref}: {exc}"))
            continue
        yield TargetResult(target, result=result, comments=stored, fetched=fetched, note=note)
