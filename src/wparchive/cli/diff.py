"""`wparchive diff`: what changed between two captures, or between the archive and the live post."""

from __future__ import annotations

import json
from pathlib import Path

import click

from wparchive.archive.capture import capture_fetched
from wparchive.archive.refs import resolve_snapshot
from wparchive.archive.store import Archive
from wparchive.cli.complete import complete_ref
from wparchive.cli.options import archive_option, common_options, is_quiet, make_client, network_options
from wparchive.cli.output import color_wanted, print_json
from wparchive.diff.comments import comment_sides
from wparchive.diff.compare import (
    compare,
    format_meta,
    format_notes,
    format_stat,
    format_unified,
    format_words,
    to_json,
)
from wparchive.diff.pages import PageComparison, format_page_summary, page_to_json, read_dump_sides
from wparchive.diff.sides import live_side, live_target, load_side, previous_and_latest, snapshot_side
from wparchive.errors import (
    EXIT_DIFFERENT,
)
from wparchive.sources.discover import Locator


@click.command("diff")
@click.argument("a", metavar="A", shell_complete=complete_ref)
@click.argument("b", metavar="[B]", required=False, shell_complete=complete_ref)
@archive_option
@click.option("--words", is_flag=True, help="Word diff inside changed paragraphs: [-removed-]{+added+}.")
@click.option("--meta", "meta_only", is_flag=True, help="Only the metadata fields that differ: field: old -> new.")
@click.option("--stat", is_flag=True, help="Paragraphs and words added and removed.")
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object, for scripts.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the output (auto: on a terminal, unless TERM=dumb or NO_COLOR is set).")
@click.option("--ignore-whitespace", is_flag=True, help="Changes in whitespace only are not differences.")
@click.option("--live", is_flag=True, help="Compare the latest archived version of A with the post on the site now.")
@click.option("--save", is_flag=True, help="With --live: archive what was fetched, if it changed.")
@click.option("--comments", "comments", is_flag=True,
              help="Compare versions of the posts' archived comments (their threads) instead of the posts.")
@network_options
@common_options
def diff_cmd(a: str, b: str | None, archive_dir: Path, words: bool, meta_only: bool, stat: bool, as_json: bool,
             color: str, ignore_whitespace: bool, live: bool, save: bool, user: str | None,
             post_password: str | None, timeout: float, retries: int, delay: float, comments: bool = False) -> int:
    """Show what changed between two versions of a post; exit 0 when identical, 1 when not (like diff).

    A and B are each REF@V (an archived post and version), a snapshot folder, or a saved dump file.
    Two saved listing pages (several posts each) are compared post by post, matched by ID: a line
    per changed, added or removed post and the counts, then each changed post's diff. With -q
    (--quiet) nothing is printed: the exit code is the answer.
    With A alone: its version before the latest against the latest (or, with @V, the version
    before V against V). With --live: the latest archived version against the post as it is now.

    \b
    Example:
        wparchive diff example.com/posts/7660
        wparchive diff example.com/posts/7660@1 example.com/posts/7660@latest --words
        wparchive diff old-dump.json new-dump.json --stat
        wparchive diff example.com/posts/7660 --live --save
        wparchive diff monday-page.json tuesday-page.json --stat
        wparchive diff example.com/posts/7660 --comments
    """
    archive = Archive(archive_dir)
    if comments and live:
        raise click.UsageError("--comments compares archived comments; it does not go with --live")
    if save and not live:
        raise click.UsageError("--save goes with --live")
    if live:
        if b is not None:
            raise click.UsageError("--live compares one REF with the site; give no B")
        snapshot = resolve_snapshot(archive, a)
        locator = Locator(make_client(user, live_target(snapshot), timeout, retries, delay),
                          post_password=post_password)
        side_a = snapshot_side(snapshot)
        side_b, fetched = live_side(locator, snapshot)
        if save:
            # Recorded as archived from the same URL as the version compared against.
            origin = (snapshot.meta().get("source") or {}).get("url") or live_target(snapshot)
            result = capture_fetched(archive, fetched, origin)
            if not is_quiet():
                click.echo(result.line, err=True)
    elif comments:
        side_a, side_b = comment_sides(archive, a, b)
    elif b is None:
        side_a, side_b = previous_and_latest(archive, a)
    elif _is_dump(a) and _is_dump(b):
        sides = read_dump_sides(a, b, ignore_whitespace=ignore_whitespace)
        if isinstance(sides, PageComparison):
            return _print_pages(sides, as_json, words, meta_only, stat, color_wanted(color))
        side_a, side_b = sides
    else:
        side_a, side_b = load_side(archive, a), load_side(archive, b)
    comparison = compare(side_a, side_b, ignore_whitespace=ignore_whitespace)
    if is_quiet():  # as git diff --quiet and diff -q: the answer is the exit code
        return 0 if comparison.identical else EXIT_DIFFERENT
    use_color = color_wanted(color)
    if as_json:
        click.echo(json.dumps(to_json(comparison), ensure_ascii=False, indent=2))
    else:
        sections = []
        if words:
            sections.append(format_words(comparison, use_color))
        elif not (meta_only or stat):
            sections.append(format_unified(comparison, use_color))
        if meta_only or not stat:
            sections.append(format_meta(comparison))
        if stat and not comparison.identical:
            sections.append(format_stat(comparison))
        sections.append(format_notes(comparison))
        click.echo("".join(sections), nl=False, color=use_color)  # also into a pipe, with --color always
    return 0 if comparison.identical else EXIT_DIFFERENT


def _is_dump(text: str) -> bool:
    return text == "-" or Path(text).is_file()


def _print_pages(pages: PageComparison, as_json: bool, words: bool, meta_only: bool, stat: bool,
                 use_color: bool) -> int:
    """Two listing pages: a line per added, removed or changed post and the counts, then each changed
    post's diff (in the form asked for)."""
    code = 0 if pages.identical else EXIT_DIFFERENT
    if is_quiet():
        return code
    if as_json:
        print_json(page_to_json(pages))
        return code
    sections = [format_page_summary(pages)]
    for _, comparison in pages.changed:
        if stat:
            sections.append(f"{comparison.b.label}: {format_stat(comparison)}")
            continue
        sections.append("\n")
        if not meta_only:
            sections.append((format_words if words else format_unified)(comparison, use_color))
        sections.append(format_meta(comparison))
    click.echo("".join(sections), nl=False, color=use_color)
    return code
