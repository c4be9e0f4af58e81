"""`wparchive log`, `show`, `ls` and `verify`: reading the archive."""

from __future__ import annotations

from pathlib import Path

import click

from wparchive.archive.comments import comment_snapshot, verify_comments
from wparchive.archive.history import EventEntry, LogEntry, list_posts, log_entries
from wparchive.archive.media import local_markdown, verify_media
from wparchive.archive.refs import resolve_post, resolve_snapshot, site_of, split_version
from wparchive.archive.store import Archive
from wparchive.cli import output
from wparchive.cli.complete import complete_ref
from wparchive.cli.options import archive_option, common_options, is_quiet
from wparchive.cli.output import csv_text, page, print_json, table, tsv
from wparchive.cli.timeline import log_site
from wparchive.errors import (
    EXIT_DIFFERENT,
    InputError,
)
from wparchive.outputs.index import SearchIndex


def log_json(entry: LogEntry | EventEntry) -> dict[str, object]:
    """One version, or one event, as `log --json` prints it (README: "--json shapes")."""
    if isinstance(entry, EventEntry):
        event = entry.event
        return {"ref": entry.key.ref, "event": event.get("event"), "at": event.get("at"),
                "http_status": event.get("http_status"), "url": event.get("url"), "was": event.get("was"),
                "after": event.get("after")}
    meta = entry.meta
    source = meta.get("source") or {}
    return {"ref": entry.snapshot.key.ref, "version": entry.snapshot.version, "id": entry.snapshot.name,
            "captured_at": meta.get("captured_at"), "source": {"kind": source.get("kind"),
            "where": source.get("url") or source.get("path")},
            "content_hash": meta.get("content_hash"),
            "changed": [] if entry.changed == "first capture" else entry.changed.split(", ")}


@click.command("log")
@click.argument("ref", metavar="REF|SITE", shell_complete=complete_ref)
@archive_option
@click.option("--since", help="With SITE: only versions captured on or after this date (YYYY-MM-DD[THH:MM:SSZ]).")
@click.option("--until", help="With SITE: only versions captured on or before this date (a day includes all of it).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the versions as a JSON array, for scripts (with SITE: one version per line).")
@click.option("--html", "as_html", is_flag=True, help="With SITE: a self-contained HTML page with a chart.")
@click.option("-o", "--output", "html_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With SITE --html: write index.html and the diff page of each change into this folder.")
@common_options
def log_cmd(ref: str, archive_dir: Path, since: str | None, until: str | None, as_json: bool, as_html: bool,
            html_dir: Path | None) -> int:
    """List the versions of one archived post, or of every post of a site, newest first.

    Columns: version, captured at, source, short content hash, what changed since the version
    before. A whole-site run that found the post hidden or gone adds a line of its own (`hidden`
    or `gone`, when, the URL asked, -, the HTTP answer); the version after it says `seen again`.
    REF is the URL the post was archived from (with or without https://), HOST/TYPE/ID,
    the post's ID when it is unique in the archive, or the post's folder.

    SITE (a host such as example.com, or the site's URL) lists every version of every post of that
    site: captured at, REF@VERSION-ID, @N, what changed, title. With --html, a page with a chart of
    versions per day by kind of change and a table of the latest changes; with -o DIR as well, the
    table links each change to its own HTML diff, written beside it.

    \b
    Example:
        wparchive log example.com/posts/7660
        wparchive log https://example.com/2024/05/some-post/
        wparchive log 7660 --json
        wparchive log example.com --since 2026-11-01
        wparchive log example.com --html -o example-history/
    """
    archive = Archive(archive_dir)
    host = site_of(archive, ref)
    if host is not None:
        if html_dir is not None and not as_html:
            raise click.UsageError("-o/--output goes with --html")
        if as_json and as_html:
            raise click.UsageError("choose one of --json and --html")
        return log_site(archive, host, since, until, as_json, as_html, html_dir)
    if since or until or as_html or html_dir:
        raise click.UsageError("--since, --until, --html and -o go with a SITE (a host such as example.com)")
    key = resolve_post(archive, ref)
    entries = log_entries(archive, key)
    if as_json:
        print_json([log_json(entry) for entry in entries])
        return 0
    for entry in entries:
        click.echo(entry.line)
    return 0


SHOW_FILES = {"text": "post.txt", "markdown": "post.md", "json": "response.json", "meta": "snapshot.json"}
COMMENT_SHOW_FILES = {"text": "comments.txt", "markdown": "comments.txt", "json": "comments.json",
                      "meta": "snapshot.json"}


@click.command("show")
@click.argument("ref", metavar="REF[@V]", shell_complete=complete_ref)
@click.option("--format", "fmt", type=click.Choice(list(SHOW_FILES)), default="text", show_default=True,
              help="text (post.txt), markdown (post.md), json (the response as received), meta (snapshot.json).")
@click.option("--comments", "comments", is_flag=True,
              help="Print the post's archived comments as a thread instead (@V picks their version).")
@click.option("--local-media", "local_media", is_flag=True,
              help="With --format markdown: image and file URLs point to the files archived with --media.")
@click.option("--no-pager", is_flag=True, help="Print straight to the terminal, not through $PAGER.")
@archive_option
@common_options
def show_cmd(ref: str, fmt: str, comments: bool, local_media: bool, no_pager: bool, archive_dir: Path) -> int:
    """Print one stored version of a post (the latest unless @V says otherwise).

    @V is @1 (the oldest), @N, @latest, @-1 (one before the latest), a timestamp prefix such as
    @2026-11-29, or the version's stable id (its folder name, or a unique prefix of it). On a
    terminal the text goes through $PAGER (less when unset, with LESS=FRX unless LESS is set), as
    git does; never into a pipe. The output always ends with a newline.

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
            data = (folder / name).read_bytes()
        except OSError as exc:
            raise InputError(f"{folder / name}: {exc.strerror or exc}; run 'wparchive verify'") from None
        page(data, use_pager=not no_pager)
        return 0
    archive = Archive(archive_dir)
    snapshot = resolve_snapshot(archive, ref)
    if local_media:
        page(local_markdown(archive, snapshot).encode("utf-8"), use_pager=not no_pager)
        return 0
    page(snapshot.read_bytes(SHOW_FILES[fmt]), use_pager=not no_pager)
    return 0


LS_HEADER = ("SITE", "TYPE", "ID", "SLUG", "TITLE", "VERSIONS", "LAST CAPTURED")


@click.command("ls")
@archive_option
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "csv", "json"]),
              help="table (aligned, with a header: the default on a terminal), tsv (the default into a "
              "pipe, no header), csv (with a header) or json.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@common_options
def ls_cmd(archive_dir: Path, fmt: str | None, as_json: bool) -> int:
    """List archived posts: site, type, id, slug, title, versions, last captured.

    On a terminal: a header and aligned columns. Into a pipe: tab-separated lines without a header
    (for sort, cut, awk). --format csv for a spreadsheet, --json for scripts.

    \b
    Example:
        wparchive ls
        wparchive ls --archive /srv/wp-archive | sort -t$'\\t' -k7
        wparchive ls --format csv > posts.csv
    """
    if not archive_dir.is_dir():
        raise InputError(f"{archive_dir} is not an archive folder; check --archive")
    if as_json:
        if fmt not in (None, "json"):
            raise click.UsageError(f"--json and --format {fmt} disagree; give one")
        fmt = "json"
    listed = list_posts(Archive(archive_dir))
    rows = [post.row() for post in listed]
    fmt = fmt or ("table" if output.stdout_is_terminal() else "tsv")
    if fmt == "json":
        print_json([{"ref": post.key.ref, "site": post.key.host, "type": post.key.rest_base, "id": post.key.id,
                     "slug": post.slug, "title": post.title, "versions": post.versions,
                     "last_captured": post.last_captured} for post in listed])
    elif fmt == "csv":
        click.echo(csv_text(LS_HEADER, rows), nl=False)
    elif fmt == "table":
        click.echo(table(LS_HEADER, rows), nl=False)
    else:
        click.echo(tsv(rows), nl=False)
    return 0


@click.command("verify")
@archive_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object, for scripts.")
@common_options
def verify_cmd(archive_dir: Path, as_json: bool) -> int:
    """Re-hash every stored file against its snapshot's manifest, and find stray partial writes.

    Exits 0 when everything matches, 1 on any mismatch, missing file or leftover temporary folder.
    With -q only the problems are printed, without the count.

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
    index_problems = SearchIndex(archive).check()
    if as_json:
        print_json({"checked": checked, "media_files": media_checked, "ok": not (problems or index_problems),
                    "problems": [{"kind": p.kind, "path": _relative(p.path, archive.root), "detail": p.detail}
                                 for p in problems],
                    "index_problems": index_problems})
        return EXIT_DIFFERENT if problems or index_problems else 0
    for problem in problems:
        click.echo(problem.line(archive.root))
    for line in index_problems:
        click.echo(line)
    if not is_quiet():
        media = f", {media_checked} media files" if media_checked else ""
        click.echo(f"{checked} snapshots{media} checked, {len(problems) + len(index_problems)} problems")
    return EXIT_DIFFERENT if problems or index_problems else 0


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
