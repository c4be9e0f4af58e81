"""`wparchive log`, `show`, `ls` and `verify`: reading the archive."""

from __future__ import annotations

from pathlib import Path

import click

from wparchive.archive.comments import comment_snapshot, verify_comments
from wparchive.archive.history import list_posts, log_entries
from wparchive.archive.media import local_markdown, verify_media
from wparchive.archive.refs import resolve_post, resolve_snapshot, split_version
from wparchive.archive.store import Archive
from wparchive.cli.options import archive_option
from wparchive.cli.timeline import log_site
from wparchive.errors import (
    EXIT_DIFFERENT,
    InputError,
)
from wparchive.outputs.index import SearchIndex
from wparchive.outputs.timeline import site_host


@click.command("log")
@click.argument("ref", metavar="REF|SITE")
@archive_option
@click.option("--since", help="With SITE: only versions captured on or after this date (YYYY-MM-DD[THH:MM:SSZ]).")
@click.option("--until", help="With SITE: only versions captured on or before this date (a day includes all of it).")
@click.option("--json", "as_json", is_flag=True, help="With SITE: a JSON array, one version per line.")
@click.option("--html", "as_html", is_flag=True, help="With SITE: a self-contained HTML page with a chart.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="With SITE --html: write index.html and the diff page of each change into this folder.")
def log_cmd(ref: str, archive_dir: Path, since: str | None, until: str | None, as_json: bool, as_html: bool,
            output: Path | None) -> int:
    """List the versions of one archived post, or of every post of a site, newest first.

    Columns: version, captured at, source, short content hash, what changed since the version
    before. REF is the URL the post was archived from, HOST/TYPE/ID, or the post's folder.

    SITE (a host such as example.com, or the site's URL) lists every version of every post of that
    site: captured at, REF@VERSION-ID, @N, what changed, title. With --html, a page with a chart of
    versions per day by kind of change and a table of the latest changes; with -o DIR as well, the
    table links each change to its own HTML diff, written beside it.

    \b
    Example:
        wparchive log example.com/posts/7660
        wparchive log https://example.com/2024/05/some-post/
        wparchive log example.com --since 2026-11-01
        wparchive log example.com --html -o example-history/
    """
    archive = Archive(archive_dir)
    host = site_host(archive, ref)
    if host is not None:
        if output is not None and not as_html:
            raise click.UsageError("-o/--output goes with --html")
        if as_json and as_html:
            raise click.UsageError("choose one of --json and --html")
        return log_site(archive, host, since, until, as_json, as_html, output)
    if since or until or as_json or as_html or output:
        raise click.UsageError("--since, --until, --json, --html and -o go with a SITE (a host such as example.com)")
    key = resolve_post(archive, ref)
    for entry in log_entries(archive, key):
        click.echo(entry.line)
    return 0


SHOW_FILES = {"text": "post.txt", "markdown": "post.md", "json": "response.json", "meta": "snapshot.json"}
COMMENT_SHOW_FILES = {"text": "comments.txt", "markdown": "comments.txt", "json": "comments.json",
                      "meta": "snapshot.json"}


@click.command("show")
@click.argument("ref", metavar="REF[@V]")
@click.option("--format", "fmt", type=click.Choice(list(SHOW_FILES)), default="text", show_default=True,
              help="text (post.txt), markdown (post.md), json (the response as received), meta (snapshot.json).")
@click.option("--comments", "comments", is_flag=True,
              help="Print the post's archived comments as a thread instead (@V picks their version).")
@click.option("--local-media", "local_media", is_flag=True,
              help="With --format markdown: image and file URLs point to the files archived with --media.")
@archive_option
def show_cmd(ref: str, fmt: str, comments: bool, local_media: bool, archive_dir: Path) -> int:
    """Print one stored version of a post (the latest unless @V says otherwise).

    @V is @1 (the oldest), @N, @latest, @-1 (one before the latest), or a timestamp prefix such as
    @2026-11-29.

    \b
    Example:
        wparchive show example.com/posts/7660
        wparchive show example.com/posts/7660@1 --format markdown
        wparchive show example.com/posts/7660@-1 --format meta
        wparchive show example.com/posts/7660 --comments
        wparchive show example.com/posts/7660 --format markdown --local-media > post.md
    """
    if local_media and (fmt != "markdown" or comments):
        raise click.UsageError("--local-media goes with --format markdown (and not --comments)")
    if comments:
        archive = Archive(archive_dir)
        post_ref, spec = split_version(ref)
        folder = comment_snapshot(archive, resolve_post(archive, post_ref), spec)
        name = COMMENT_SHOW_FILES[fmt]
        try:
            click.echo((folder / name).read_bytes(), nl=False)
        except OSError as exc:
            raise InputError(f"{folder / name}: {exc.strerror or exc}; run 'wparchive verify'") from None
        return 0
    archive = Archive(archive_dir)
    snapshot = resolve_snapshot(archive, ref)
    if local_media:
        click.echo(local_markdown(archive, snapshot), nl=False)
        return 0
    data = snapshot.read_bytes(SHOW_FILES[fmt])
    click.echo(data, nl=False)
    return 0


@click.command("ls")
@archive_option
def ls_cmd(archive_dir: Path) -> int:
    """List archived posts: site, type, id, slug, title, versions, last captured (tab-separated).

    \b
    Example:
        wparchive ls
        wparchive ls --archive /srv/wp-archive | sort -t$'\\t' -k7
    """
    if not archive_dir.is_dir():
        raise InputError(f"{archive_dir} is not an archive folder; check --archive")
    for listed in list_posts(Archive(archive_dir)):
        click.echo("\t".join(listed.row()))
    return 0


@click.command("verify")
@archive_option
def verify_cmd(archive_dir: Path) -> int:
    """Re-hash every stored file against its snapshot's manifest, and find stray partial writes.

    Exits 0 when everything matches, 1 on any mismatch, missing file or leftover temporary folder.

    \b
    Example:
        wparchive verify --archive /srv/wp-archive
    """
    archive = Archive(archive_dir)
    if not archive_dir.is_dir():
        raise InputError(f"{archive_dir} is not an archive folder; check --archive")
    checked, problems = archive.verify()
    comments_checked, comment_problems = verify_comments(archive)
    media_checked, media_problems = verify_media(archive)
    checked += comments_checked
    problems += comment_problems + media_problems
    for problem in problems:
        click.echo(problem.line(archive.root))
    index_problems = SearchIndex(archive).check()
    for line in index_problems:
        click.echo(line)
    media = f", {media_checked} media files" if media_checked else ""
    click.echo(f"{checked} snapshots{media} checked, {len(problems) + len(index_problems)} problems")
    return EXIT_DIFFERENT if problems or index_problems else 0
