"""`wparchive archive --sites FILE`: a watch list of sites, run `--jobs` at a time or on a Dask cluster."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import click

from wparchive.archive.many import RunOptions, SiteOutcome, run_sites
from wparchive.archive.site import since_date
from wparchive.archive.watchlist import read_watch_list
from wparchive.cli.options import fail


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def archive_sites(sites_file: Path, archive_dir: Path, *, jobs: int, scheduler: str | None, since: str | None,
                  full: bool, timeout: float, retries: int, delay: float, lock_timeout: float, quiet: bool,
                  as_json: bool) -> int:
    specs = read_watch_list(sites_file)  # every entry checked before anything runs
    options = RunOptions(archive_dir=archive_dir, lock_timeout=lock_timeout, timeout=timeout, retries=retries,
                         delay=delay, since=since_date(since) if since else None, full=full)

    def on_outcome(outcome: SiteOutcome) -> None:
        if as_json or quiet:
            return
        if outcome.error is not None:
            click.echo(f"failed {outcome.host}: {outcome.error}")
        else:
            click.echo(f"{'interrupted' if outcome.interrupted else 'done'} {outcome.host}: {outcome.line}")

    # `kill` gets the same care as Ctrl-C: every site finishes or discards its snapshot in progress.
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        summary = run_sites(specs, options, jobs=jobs, scheduler=scheduler, on_outcome=on_outcome)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2))
    else:
        if quiet:
            for outcome in summary.failed:
                click.echo(f"failed {outcome.host}: {outcome.error or outcome.line}", err=True)
        click.echo(summary.line(), err=True)
    if summary.interrupted:
        fail("interrupted; run the same command again to resume every site")
    elif summary.failed and summary.exit_code != 0:
        names = ", ".join(o.host for o in summary.failed)
        fail(f"{len(summary.failed)} of {summary.sites} sites failed ({names}); the others were archived"
             if len(summary.failed) < summary.sites else f"every site failed ({names})")
    return summary.exit_code
