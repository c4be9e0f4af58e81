"""Many sites in one run: each site a task (`run_site`), run side by side by `wparchive.parallel`.

A task carries only plain data (the site's entry and the run's options), never a password: a worker,
local or on a Dask cluster, reads the Application Password from its own environment or `~/.netrc`, so
credentials never travel through a scheduler. Each task opens the archive itself and holds only its
site's lock, so sites do not wait for each other and a second writer of the same site is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wparchive.archive.site import SiteArchiver
from wparchive.archive.store import Archive
from wparchive.archive.watchlist import SiteSpec
from wparchive.errors import EXIT_INTERRUPTED, EXIT_PARTIAL, EXIT_USAGE, InputError, WparchiveError
from wparchive.parallel import Interrupted, run_all
from wparchive.sources.discover import Locator
from wparchive.sources.rest import (
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRY_WAIT,
    Client,
    Credentials,
    find_password,
    origin_of,
)


@dataclass(frozen=True)
class RunOptions:
    """What every site of a run shares (the command's options)."""

    archive_dir: Path
    lock_timeout: float = 30.0
    timeout: float = 30.0
    retries: int = 4
    delay: float = 0.0
    since: datetime | None = None
    full: bool = False
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT
    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE


@dataclass
class SiteOutcome:
    """How one site's run ended: its summary (as JSON) or the error that stopped it."""

    url: str
    host: str
    summary: dict[str, Any] | None = None
    line: str = ""
    error: str | None = None
    exit_code: int = 0
    interrupted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"site": self.url, "host": self.host, "exit_code": self.exit_code, "error": self.error,
                "interrupted": self.interrupted, "summary": self.summary}


def _client(spec: SiteSpec, options: RunOptions) -> Client:
    credentials = None
    if spec.user:
        host = urlsplit(spec.url if "//" in spec.url else "//" + spec.url).hostname or ""
        password = find_password(host)
        if not password:
            raise InputError(f"user {spec.user} needs a password on this machine: set "
                             f"WPARCHIVE_APP_PASSWORD or add {host} to ~/.netrc")
        credentials = Credentials(spec.user, password, origin_of(spec.url))  # for that origin only
    delay = options.delay if spec.delay is None else spec.delay
    return Client(credentials=credentials, timeout=(min(10.0, options.timeout), options.timeout),
                  retries=options.retries, delay=delay, max_retry_wait=options.max_retry_wait,
                  max_response_size=options.max_response_size)


def run_site(spec: SiteSpec, options: RunOptions) -> SiteOutcome:
    """Archive one site of a watch list; failures come back in the outcome, never raised."""
    outcome = SiteOutcome(spec.url, spec.host)
    archiver: SiteArchiver | None = None
    try:
        archive = Archive(options.archive_dir, lock_timeout=options.lock_timeout)
        archiver = SiteArchiver(archive, Locator(_client(spec, options)), spec.url)
        for types in spec.types:
            summary = archiver.run(types, since=options.since, full=options.full or spec.full,
                                   revisions=spec.revisions, autosaves=spec.autosaves)
            if summary.interrupted:
                break
    except WparchiveError as exc:
        outcome.error, outcome.exit_code = str(exc), exc.exit_code
    except KeyboardInterrupt:  # between the archiver's own checks: still a clean stop
        outcome.interrupted = True
    if archiver is not None:
        summary = archiver.summary
        outcome.summary = summary.to_json()
        outcome.line = summary.line()
        outcome.interrupted = outcome.interrupted or summary.interrupted
        if outcome.error is None and summary.stopped:  # a full disk: the run stopped early
            outcome.error, outcome.exit_code = summary.stopped, EXIT_USAGE
        if outcome.error is None and summary.failed:
            outcome.exit_code = EXIT_PARTIAL
    if outcome.interrupted:
        outcome.exit_code = EXIT_INTERRUPTED
    return outcome


@dataclass
class ManySummary:
    """Every site's outcome, in the order they ended, and the totals."""

    outcomes: list[SiteOutcome] = field(default_factory=list)
    interrupted: bool = False
    sites: int = 0

    @property
    def failed(self) -> list[SiteOutcome]:
        return [o for o in self.outcomes if o.error is not None or o.exit_code not in (0, EXIT_INTERRUPTED)]

    def totals(self) -> dict[str, int]:
        keys = ("new", "changed", "unchanged", "failed", "revisions")
        out = dict.fromkeys(keys, 0)
        for outcome in self.outcomes:
            for key in keys:
                out[key] += int((outcome.summary or {}).get(key) or 0)
        return out

    def line(self) -> str:
        t = self.totals()
        ok = len(self.outcomes) - len(self.failed)
        text = (f"{self.sites} sites: {ok} done, {len(self.failed)} failed"
                + (f", {self.sites - len(self.outcomes)} not run" if len(self.outcomes) < self.sites else "")
                + f"; posts: {t['new']} new, {t['changed']} changed, {t['unchanged']} unchanged, "
                f"{t['failed']} failed")
        if t["revisions"]:
            text += f", {t['revisions']} revisions imported"
        return text + (" (interrupted)" if self.interrupted else "")

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        failed = self.failed
        if not failed:
            return 0
        if len(failed) < self.sites:
            return EXIT_PARTIAL
        codes = {o.exit_code for o in failed}
        return codes.pop() if len(codes) == 1 else EXIT_PARTIAL

    def to_json(self) -> dict[str, Any]:
        return {"sites": [o.to_json() for o in self.outcomes], "total": self.totals(),
                "failed": [o.url for o in self.failed], "interrupted": self.interrupted,
                "exit_code": self.exit_code}


def run_sites(specs: Iterable[SiteSpec], options: RunOptions, *, jobs: int = 1, scheduler: str | None = None,
              on_outcome: Callable[[SiteOutcome], None] | None = None) -> ManySummary:
    """Run every site, `jobs` at a time (or as Dask tasks); `on_outcome` hears of each as it ends."""
    work = list(specs)
    result = ManySummary(sites=len(work))
    # Workers, on a cluster above all, do not share this process's working directory.
    task = partial(run_site, options=replace(options, archive_dir=options.archive_dir.absolute()))
    try:
        for _, outcome in run_all(task, work, jobs=jobs, scheduler=scheduler):
            result.outcomes.append(outcome)
            result.interrupted = result.interrupted or outcome.interrupted
            if on_outcome:
                on_outcome(outcome)
            if outcome.interrupted and jobs <= 1 and not scheduler:
                break  # a sequential run stops at the site that was interrupted
    except Interrupted as stop:
        result.interrupted = True
        for _, outcome in stop.done:
            result.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    except KeyboardInterrupt:  # a sequential run: the site in progress already stopped cleanly
        result.interrupted = True
    return result
