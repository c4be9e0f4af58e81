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
from wparchive.errors import (
    EXIT_DIFFERENT,
    InputError,
)


@click.command("log")
@click.argument("ref", metavar="REF")
@archive_option
def log_cmd(ref: str, archive_dir: Path) -> int:
    """List the versions of one archived post, newest first.

    Columns: version, captured at, source, short content hash, what changed since the version
    before. REF is the URL the post was archived from, HOST/TYPE/ID, or the post's folder.

    \b
    Example:
        wparchive log example.com/posts/7660
        wparchive log https://example.com/2024/05/some-post/
    """
    archive = Archive(archive_dir)
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
    media = f", {media_checked} media files" if media_checked else ""
    click.echo(f"{checked} snapshots{media} checked, {len(problems)} problems")
    return EXIT_DIFFERENT if problems else 0
