"""`wparchive archive`: single targets, and whole sites with `--all`."""

from __future__ import annotations

import json
import math
import shutil
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from wparchive.archive.capture import capture_targets, is_dump_path
from wparchive.archive.comments import archive_site_comments
from wparchive.archive.site import SiteArchiver, since_date
from wparchive.archive.store import Archive, host_folder
from wparchive.cli.many import archive_sites
from wparchive.cli.media import MediaRun, media_options, parse_size
from wparchive.cli.options import (
    archive_option,
    common_options,
    fail,
    is_quiet,
    make_client,
    network_options,
    redact_userinfo,
    strip_userinfo,
    warn,
)
from wparchive.cli.output import print_json
from wparchive.errors import EXIT_INTERRUPTED, EXIT_PARTIAL, EXIT_USAGE, InputError, WparchiveError
from wparchive.outputs.index import attach
from wparchive.sources.discover import Locator
from wparchive.sources.passwords import PostPasswords


def _terminate_as_interrupt(signum: int, frame: Any) -> None:
    # `kill` gets the same care as Ctrl-C: the snapshot in progress is discarded, the summary printed.
    raise KeyboardInterrupt


@click.command("archive")
@click.argument("targets", nargs=-1, metavar="TARGET...")
@archive_option
@click.option("--site", help="The site: for TARGETs given as a bare ID or slug, and for --all.")
@click.option("--type", "type_", help="REST type: posts, pages, a custom type's rest_base, or (with --all) all.")
@click.option("--all", "all_", is_flag=True, help="Archive the whole site given by --site (paginated, incremental).")
@click.option("--since", help="With --all: only posts modified after this date (YYYY-MM-DD[THH:MM:SS], UTC).")
@click.option("--full", is_flag=True, help="With --all: list every post again, not only those modified since.")
@click.option("--revisions", is_flag=True, help="Also import the posts' WordPress revisions (needs --user).")
@click.option("--autosaves", is_flag=True, help="With --revisions: import autosaves too.")
@click.option("--comments", is_flag=True,
              help="Also keep the posts' comments (approved ones; every status with --user), versioned apart.")
@media_options
@click.option("--skip-rendering-changes", "skip_rendering", is_flag=True,
              help="Do not store a capture whose text changed while the post did not (same modified_gmt "
                   "and raw content: a dynamic block, a random gallery, a theme update).")
@network_options
@click.option("--lock-timeout", type=float, default=30.0, show_default=True,
              help="Seconds to wait for another wparchive writing the same archive.")
@click.option("--json", "as_json", is_flag=True, help="Print the results (with --all: the summary) as JSON.")
@click.option("--post-passwords", "passwords_file", type=click.Path(dir_okay=False, path_type=Path),
              help="File of `ID-or-URL PASSWORD` lines for password-protected posts (mode 600; never stored).")
@click.option("--log-format/--no-log-format", default=None,
              help="With --all: start each summary line with the UTC time and the site (the default when "
                   "stderr is not a terminal, as in cron).")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A watch list (TOML, or one URL a line): archive every site in it.")
@click.option("--jobs", type=click.IntRange(1, 256), default=4, show_default=True,
              help="With --sites: how many sites at once (each keeps one request at a time).")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --sites: run one task per site on this Dask scheduler (needs wparchive[dask]).")
@common_options
def archive_cmd(targets: tuple[str, ...], archive_dir: Path, site: str | None, type_: str | None, all_: bool,
                since: str | None, full: bool, revisions: bool, autosaves: bool, comments: bool, media: bool,
                media_hosts: tuple[str, ...], media_max_size: str, skip_rendering: bool, user: str | None,
                post_password: str | None, timeout: float, retries: int, delay: float,
                max_retry_wait: float, max_response_size: int, lock_timeout: float,
                as_json: bool, passwords_file: Path | None, log_format: bool | None,
                sites_file: Path | None, jobs: int, scheduler: str | None) -> int:
    """Capture posts as new snapshots in the archive (nothing is written for an unchanged post).

    TARGET is a permalink (https://site/2024/05/slug/, ?p=ID, ?page_id=ID), a REST URL
    (https://site/wp-json/wp/v2/posts/ID), a bare ID or slug with --site, or a saved dump file
    (imported, its source recorded as that file), or a folder of them. Prints one line per post:
    `new REF@ID` (ID is the version's stable id: cite it), `unchanged REF`, `rendering REF: not
    stored` or `failed TARGET: why`.

    With --site URL --all, the whole site: listed 100 posts a page, incremental after the first
    run (only posts modified since), resumable after an interruption; posts that vanished are
    reported as `gone REF` and kept.

    \b
    Example:
        wparchive archive https://example.com/2024/05/some-post/
        wparchive archive --site https://example.com 7660 about-us
        WPARCHIVE_APP_PASSWORD=... wparchive archive --user editor https://example.com/?p=12
        wparchive archive --site https://example.com --all --type all
        wparchive archive fixtures/000_c02e2c25f0edbb6d.txt
        wparchive archive saved-dumps/ --json
        wparchive archive --comments example.WordPress.2024-05-01.xml
        wparchive archive --site https://example.com --all --comments
        wparchive archive --media --media-host cdn.example.com https://example.com/2024/05/some-post/
    """
    quiet = is_quiet()
    if not math.isfinite(lock_timeout) or not math.isfinite(timeout) or not math.isfinite(delay):
        raise click.UsageError("--lock-timeout, --timeout and --delay take finite numbers of seconds")
    if timeout <= 0:
        raise click.UsageError(f"--timeout {timeout:g} must be more than 0 seconds (the default is 30)")
    if lock_timeout < 0:
        raise click.UsageError(f"--lock-timeout {lock_timeout:g} must be 0 seconds or more")
    site, targets, url_password = strip_userinfo(site, targets, user)
    passwords = PostPasswords.read(passwords_file) if passwords_file is not None else None
    if targets.count("-") > 1:
        raise click.UsageError("'-' (standard input) is given more than once; it can be read only once")
    if sites_file is not None:
        if targets or site or all_ or type_ or user or revisions or autosaves or post_password:
            raise click.UsageError("--sites takes each site's URL, user, types and revisions from its file; "
                                   "give no TARGET, --site, --all, --type, --user or --revisions with it")
        return archive_sites(sites_file, archive_dir, jobs=jobs, scheduler=scheduler, since=since, full=full,
                             timeout=timeout, retries=retries, delay=delay, lock_timeout=lock_timeout,
                             quiet=quiet, as_json=as_json, max_retry_wait=max_retry_wait,
                             max_response_size=max_response_size)
    if scheduler:
        raise click.UsageError("--scheduler goes with --sites FILE")
    archive = Archive(archive_dir, lock_timeout=lock_timeout)
    if all_:
        if targets:
            raise click.UsageError("--all archives the whole --site; give no TARGET with it")
        if not site:
            raise click.UsageError("--all needs --site URL")
    elif not targets:
        raise click.UsageError("give at least one TARGET, or --site URL --all")
    if (since or full) and not all_:
        raise click.UsageError("--since and --full go with --all")
    if revisions and not user:
        raise InputError("--revisions needs credentials (WordPress shows revisions only to editors): "
                         "add --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc")
    max_size = parse_size(media_max_size)
    if (media_hosts or media_max_size != "50M") and not media:
        raise click.UsageError("--media-host and --media-max-size go with --media")
    index = attach(archive)  # the search index follows every capture of this run
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        if all_:
            assert site is not None
            client = make_client(user, site, timeout, retries, delay, max_retry_wait, max_response_size,
                                 password=url_password)
            locator = Locator(client, post_password=post_password, passwords=passwords, on_note=warn)
            keeper = MediaRun(archive, client, site, media_hosts, max_size, quiet or as_json) if media else None
            code = _archive_site(archive, locator, site, type_ or "posts", since, full, revisions, autosaves,
                                 quiet, as_json, log_format, keeper, skip_rendering)
            if comments and code not in (EXIT_INTERRUPTED, EXIT_USAGE):
                code = max(code, _archive_site_comments(archive, locator, site, full, quiet, as_json, log_format))
            return code
        needs_network = any(not is_dump_path(t) for t in targets)
        locator = None
        if needs_network:
            hint = site or next((t for t in targets if t.startswith(("http://", "https://"))), None)
            client = make_client(user, hint, timeout, retries, delay, max_retry_wait, max_response_size,
                                 password=url_password)
            locator = Locator(client, post_password=post_password, passwords=passwords, on_note=warn)
        keeper = None
        if media:
            if locator is None:
                raise click.UsageError("--media fetches files from the site; it goes with URLs or --site, "
                                       "not with saved files alone")
            keeper = MediaRun(archive, locator.client, site or "", media_hosts, max_size, quiet or as_json)
        return _archive_targets(archive, locator, targets, site, type_, revisions, autosaves, quiet, comments,
                                keeper, skip_rendering, as_json)
    finally:
        signal.signal(signal.SIGTERM, previous)
        index.close()


def _archive_targets(archive: Archive, locator: Locator | None, targets: tuple[str, ...], site: str | None,
                     type_: str | None, revisions: bool, autosaves: bool, quiet: bool, comments: bool = False,
                     keeper: MediaRun | None = None, skip_rendering: bool = False, as_json: bool = False) -> int:
    results = []
    # One target that is one post fails with its error line alone; several (or a folder) list each.
    single = len(targets) == 1 and not Path(targets[0]).is_dir()
    # Each capture holds its site's lock (Archive.capture), so other sites' writers are not held up.
    for item in capture_targets(archive, locator, targets, site=site, type_=type_, revisions=revisions,
                                autosaves=autosaves, comments=comments, skip_rendering=skip_rendering):
        if item.warning:
            warn(item.warning)
            continue
        results.append(item)
        if (item.error is None or not single or len(results) > 1 or item.refused) and not quiet and not as_json:
            click.echo(item.line)
        if keeper is not None and item.result is not None and item.fetched is not None:
            keeper.site = item.fetched.site
            keeper.keep(item.result.snapshot, item.fetched.api)
    failed = [r for r in results if r.error is not None]
    if as_json:
        print_json({"results": [r.to_json() for r in results],
                    **{status: sum(1 for r in results if r.to_json()["status"] == status)
                       for status in ("new", "unchanged", "skipped", "refused", "failed")}})
        if len(results) == 1 and failed:
            fail(str(failed[0].error))
            return failed[0].error.exit_code  # type: ignore[union-attr]
    if not failed:
        return EXIT_PARTIAL if keeper is not None and keeper.failures else 0
    if len(results) == 1:
        raise failed[0].error  # type: ignore[misc]
    if len(failed) < len(results):
        fail(f"{len(failed)} of {len(results)} targets failed (listed above); the rest were archived")
        return EXIT_PARTIAL
    fail(f"all {len(results)} targets failed (listed above)")
    return max(r.error.exit_code for r in failed)  # type: ignore[union-attr]


def _archive_site_comments(archive: Archive, locator: Locator, site: str, full: bool, quiet: bool,
                           as_json: bool, log_format: bool | None = None) -> int:
    """After the posts: every comment of the site, listed in pages (see archive/comments.py)."""
    try:
        with archive.lock(host_folder(site)):
            summary = archive_site_comments(archive, locator.client, locator.api_root(site), site, full=full)
    except WparchiveError as exc:
        fail(f"comments of {site}: {exc}")
        return EXIT_PARTIAL
    if not quiet and not as_json:
        for result in summary.results:
            if result.status == "new":
                click.echo(result.line)
    if not as_json:
        click.echo(_stamp(site, log_format) + summary.line(), err=True)
    return 0


def _stamp(site: str, log_format: bool | None) -> str:
    """`--log-format`'s start of a summary line: the UTC time and the site (default: stderr is no terminal)."""
    if log_format is None:
        log_format = not sys.stderr.isatty()
    if not log_format:
        return ""
    return f"{datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} {redact_userinfo(site)} "


def _archive_site(archive: Archive, locator: Locator, site: str, types: str, since: str | None, full: bool,
                  revisions: bool, autosaves: bool, quiet: bool, as_json: bool, log_format: bool | None,
                  keeper: MediaRun | None = None, skip_rendering: bool = False) -> int:
    cutoff = since_date(since) if since else None
    if log_format is None:  # a cron log or a pipe: each summary line says when and which site
        log_format = not sys.stderr.isatty()
    progress = Progress(enabled=not quiet and not as_json and sys.stderr.isatty())
    if keeper is not None and progress.enabled:
        keeper.quiet = True  # media lines would break the progress bar

    def on_result(line: str, result: Any, error: str | None) -> None:
        progress.step(line)
        # Data lines go to stdout whatever is a terminal; -q keeps those that need attention.
        if not as_json and (not quiet or line.split(" ", 1)[0] in ATTENTION):
            progress.echo(line)
        if keeper is not None and result is not None:
            if keeper.api is None:
                keeper.api = locator.api_root(site)
            keeper.keep(result.snapshot)

    def on_warning(message: str) -> None:
        if not progress.enabled and not as_json:  # under a bar (or with --json) they come after it, in the summary
            warn(message)

    archiver = SiteArchiver(archive, locator, site, on_result=on_result, on_total=progress.set_total,
                            on_warning=on_warning,
                            skip_rendering=skip_rendering)
    progress.describe = archiver.summary.line
    try:
        summary = archiver.run(types, since=cutoff, full=full, revisions=revisions, autosaves=autosaves)
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2))
    else:
        if progress.enabled:
            for message in summary.warnings:
                warn(message)
        stamp = _stamp(site, log_format)
        for line in summary.lines():
            click.echo(stamp + line, err=True)
    if summary.stopped:
        fail(summary.stopped)
        return EXIT_USAGE
    if summary.interrupted:
        fail("interrupted; run the same command again to resume")
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL if summary.failed or (keeper is not None and keeper.failures) else 0


ATTENTION = ("failed", "gone", "hidden", "trashed")


class Progress:
    """A progress bar on stderr that fits the terminal: one line, redrawn, the item text truncated."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.describe: Any = lambda: ""
        self.drawn = False

    def set_total(self, total: int) -> None:
        self.total = total

    def step(self, line: str) -> None:
        self.done += 1
        self.draw()

    def draw(self) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((80, 24)).columns
        total = max(self.total, self.done)
        head = f"archiving {self.done}/{total} "
        bar_width = 20
        filled = bar_width * self.done // total if total else 0
        bar = "[" + "#" * filled + "-" * (bar_width - filled) + "] "
        room = width - 1 - len(head) - len(bar)
        text = self.describe()
        if room < 10:
            bar, room = "", width - 1 - len(head)
        if len(text) > room:
            text = text[:max(0, room - 1)] + "…" if room > 0 else ""
        sys.stderr.write("\r\x1b[K" + head + bar + text)
        sys.stderr.flush()
        self.drawn = True

    def echo(self, line: str) -> None:
        if self.drawn and sys.stdout.isatty():  # the same terminal: the line goes above the bar
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
        click.echo(line)
        if self.drawn and sys.stdout.isatty():
            self.draw()

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
