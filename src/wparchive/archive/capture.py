"""Capture targets into the archive: live posts through a `Locator`, saved dumps by import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from wparchive.archive.site import import_revisions
from wparchive.archive.store import Archive, CaptureResult
from wparchive.errors import InputError, WparchiveError
from wparchive.model import Source
from wparchive.sources.discover import Fetched, Locator
from wparchive.sources.dump import expand_sources, read_path


@dataclass
class TargetResult:
    """What happened to one target (a dump may give several results, one per post)."""

    target: str
    result: CaptureResult | None = None
    error: WparchiveError | None = None
    warning: str | None = None

    @property
    def line(self) -> str:
        if self.result is not None:
            return self.result.line
        return f"failed {self.target}: {self.error}"

    def to_json(self) -> dict[str, object]:
        """One target's outcome as `archive --json` prints it (README: "--json shapes")."""
        snapshot = self.result.snapshot if self.result is not None else None
        return {"target": self.target, "status": self.result.status if self.result is not None else "failed",
                "ref": snapshot.key.ref if snapshot is not None else None,
                "version": snapshot.version if snapshot is not None else None,
                "id": snapshot.name if snapshot is not None else None,
                "error": str(self.error) if self.error is not None else None}


def is_dump_path(target: str) -> bool:
    """A saved dump: `-`, a file, or a folder of them (read as `convert` reads it)."""
    return target == "-" or (not target.startswith(("http://", "https://")) and
                             (Path(target).is_file() or Path(target).is_dir()))


def capture_fetched(archive: Archive, fetched: Fetched, target: str) -> CaptureResult:
    return archive.capture(fetched.post, fetched.source(target), fetched.raw, site_url=fetched.site,
                           rest_base=fetched.rest_base)


def import_dump(archive: Archive, target: str) -> Iterator[TargetResult]:
    """Import every post of a saved dump as snapshots whose source is that file."""
    dump = read_path(target)
    path = "<stdin>" if target == "-" else str(Path(target).resolve())
    for warning in dump.warnings:
        yield TargetResult(target, warning=warning)
    for item in dump.posts:
        try:
            result = archive.capture(item.post, Source("file", path=path), item.raw, salvage=item.salvage)
        except WparchiveError as exc:
            yield TargetResult(target, error=exc)
        except ValueError as exc:  # urlsplit's verdict on a malformed URL ("Invalid IPv6 URL")
            yield TargetResult(target, error=InputError(f"{target} is not a valid URL ({exc}); check it"))
            continue
        yield TargetResult(target, result=result)


def capture_targets(archive: Archive, locator: Locator | None, targets: Iterable[str], *,
                    site: str | None = None, type_: str | None = None, revisions: bool = False,
                    autosaves: bool = False) -> Iterator[TargetResult]:
    """Capture each target in turn; a failure is reported and the next target still runs."""
    for target in targets:
        try:
            if is_dump_path(target):
                for name in expand_sources([target]):  # a folder: every .json/.jsonl below it
                    try:
                        yield from import_dump(archive, name)
                    except WparchiveError as exc:  # one bad file in a folder: the others still import
                        yield TargetResult(name, error=exc)
                continue
            if locator is None:
                raise WparchiveError(f"{target} needs the network, which this run has not set up")
            fetched = locator.fetch(target, site=site, type_=type_)
            if revisions:  # first, so that history keeps each text's earliest date
                import_revisions(archive, locator, fetched, autosaves)
            yield TargetResult(target, result=capture_fetched(archive, fetched, target))
        except WparchiveError as exc:
            yield TargetResult(target, error=exc)
