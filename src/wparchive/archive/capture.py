"""Capture targets into the archive: live posts through a `Locator`, saved dumps by import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from wparchive.archive.site import import_revisions
from wparchive.archive.store import Archive, CaptureResult
from wparchive.errors import InputError, WparchiveError
from wparchive.model import Source
from wparchive.sources.discover import Fetched, Locator
from wparchive.sources.dump import read_path


@dataclass
class TargetResult:
    """What happened to one target (a dump may give several results, one per post)."""

    target: str
    result: CaptureResult | None = None
    error: WparchiveError | None = None
    warning: str | None = None
    refused: bool = False  # an object in a dump that is not a post

    @property
    def line(self) -> str:
        if self.result is not None:
            return self.result.line
        if self.refused:
            return f"refused {self.error}"
        return f"failed {self.target}: {self.error}"


def is_dump_path(target: str) -> bool:
    return target == "-" or (not target.startswith(("http://", "https://")) and Path(target).is_file())


def capture_fetched(archive: Archive, fetched: Fetched, target: str, *, skip_rendering: bool = False
                    ) -> CaptureResult:
    return archive.capture(fetched.post, fetched.source(target), fetched.raw, site_url=fetched.site,
                           rest_base=fetched.rest_base, with_credentials=fetched.with_credentials,
                           skip_rendering=skip_rendering)


def import_dump(archive: Archive, target: str) -> Iterator[TargetResult]:
    """Import every post of a saved dump as snapshots whose source is that file."""
    dump = read_path(target)
    path = "<stdin>" if target == "-" else str(Path(target).resolve())
    for warning in dump.warnings:
        yield TargetResult(target, warning=warning)
    for refused in dump.refused:  # a term, user, comment... in a file of posts: nothing is written for it
        yield TargetResult(target, error=InputError(refused), refused=True)
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
                    autosaves: bool = False, skip_rendering: bool = False) -> Iterator[TargetResult]:
    """Capture each target in turn; a failure is reported and the next target still runs."""
    for target in targets:
        try:
            if is_dump_path(target):
                yield from import_dump(archive, target)
                continue
            if locator is None:
                raise WparchiveError(f"{target} needs the network, which this run has not set up")
            fetched = locator.fetch(target, site=site, type_=type_)
            for warning in fetched.warnings:
                yield TargetResult(target, warning=warning)
            imported = import_revisions(archive, locator, fetched, autosaves) if revisions else 0
            # Revisions first, so that history keeps each text's earliest date.
            result = capture_fetched(archive, fetched, target, skip_rendering=skip_rendering)
            yield TargetResult(target, result=replace(result, revisions=imported))
        except WparchiveError as exc:
            yield TargetResult(target, error=exc)
