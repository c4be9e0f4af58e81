"""`wparchive log`, `show`, `ls` and `verify`: reading the archive."""

from __future__ import annotations

from pathlib import Path

import click

from wparchive.archive.history import list_posts, log_entries
from wparchive.archive.refs import resolve_post, resolve_snapshot
from wparchive.archive.store import Archive
from wparchive.cli.options import archive_option
from wparchive.errors import (
    EXIT_DIFFERENT,
    InputError,
)
from wparchive.outputs.index import SearchIndex


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


@click.command("show")
@click.argument("ref", metavar="REF[@V]")
@click.option("--format", "fmt", type=click.Choice(list(SHOW_FILES)), default="text", show_default=True,
              help="text (post.txt), markdown (post.md), json (the response as received), meta (snapshot.json).")
@archive_option
def show_cmd(ref: str, fmt: str, archive_dir: Path) -> int:
    """Print one stored version of a post (the latest unless @V says otherwise).

    @V is @1 (the oldest), @N, @latest, @-1 (one before the latest), or a timestamp prefix such as
    @2026-11-29.

    \b
    Example:
        wparchive show example.com/posts/7660
        wparchive show example.com/posts/7660@1 --format markdown
        wparchive show example.com/posts/7660@-1 --format meta
    """
    snapshot = resolve_snapshot(Archive(archive_dir), ref)
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
    for problem in problems:
        click.echo(problem.line(archive.root))
    index_problems = SearchIndex(archive).check()
    for line in index_problems:
        click.echo(line)
    click.echo(f"{checked} snapshots checked, {len(problems) + len(index_problems)} problems")
    return EXIT_DIFFERENT if problems or index_problems else 0
