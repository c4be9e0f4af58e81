"""`wparchive search` and `wparchive index`: full-text search over the archive, and its index."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from wparchive.archive.store import Archive
from wparchive.cli.options import archive_option, common_options
from wparchive.errors import InputError
from wparchive.outputs.index import HIT_END, HIT_START, SearchIndex
from wparchive.outputs.records import parse_date

BOLD_RED, RESET = "\x1b[1;31m", "\x1b[m"


def _existing(archive_dir: Path) -> Archive:
    if not archive_dir.is_dir():
        raise InputError(f"{archive_dir} is not an archive folder; check --archive")
    return Archive(archive_dir)


@click.command("search")
@click.argument("query")
@archive_option
@click.option("--site", help="Only this site (its host, or a URL on it).")
@click.option("--type", "type_", help="Only this REST type (posts, pages, a custom type's rest_base).")
@click.option("--since", help="Only versions captured on or after this date (YYYY-MM-DD[THH:MM:SSZ], UTC).")
@click.option("--all-versions", is_flag=True, help="Search every version, not only each post's latest.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True,
              help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="The results as one JSON array, for scripts.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Highlight matches in colour (auto: when stdout is a terminal and NO_COLOR is not set); "
                   "otherwise matches are marked **like this**.")
@common_options
def search_cmd(query: str, archive_dir: Path, site: str | None, type_: str | None, since: str | None,
               all_versions: bool, limit: int, as_json: bool, color: str) -> int:
    """Full-text search of the archived posts, best match first (SQLite FTS5, bm25 ranking).

    One line per result, tab-separated: REF@VERSION-ID (the stable id of the version), captured at,
    title, and a snippet with the matches marked. QUERY is words (all must match; English word forms
    match each other: "archive" finds "archived"), "a phrase", prefix*, OR, NOT, or title:word.
    Exits 0 with results, 1 with none.

    \b
    Example:
        wparchive search 'nuclear treaty'
        wparchive search '"non-proliferation treaty" OR npt' --site example.com --since 2026-01-01
        wparchive search withdrawal --all-versions --json
    """
    archive = _existing(archive_dir)
    cutoff = parse_date(since, "--since") if since else None
    hits = SearchIndex(archive).search(query, site=site, type_=type_, since=cutoff, all_versions=all_versions,
                                       limit=limit)
    use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    start, end = (BOLD_RED, RESET) if use_color else ("**", "**")
    if as_json:
        click.echo(json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2))
        return 0 if hits else 1
    for hit in hits:
        snippet = hit.snippet.replace(HIT_START, start).replace(HIT_END, end)
        fields = [f"{hit.ref}@{hit.version_id}", hit.captured_at, " ".join(hit.title.split()), snippet]
        click.echo("\t".join(fields), color=use_color)
    return 0 if hits else 1


@click.command("index")
@archive_option
@click.option("--rebuild", is_flag=True, help="Drop the index and build it again from the snapshots.")
@common_options
def index_cmd(archive_dir: Path, rebuild: bool) -> int:
    """Bring the search index (ARCHIVE/.index.sqlite) up to date with the snapshots, or rebuild it.

    `archive` keeps the index up to date as it captures; this is for an archive made or changed
    otherwise (copied, restored, or by an older wparchive), or an index that `verify` reports.
    The index is derived from the snapshots only: deleting it loses nothing.

    \b
    Example:
        wparchive index
        wparchive index --rebuild --archive /srv/wp-archive
    """
    archive = _existing(archive_dir)
    index = SearchIndex(archive)
    result = index.sync(rebuild=rebuild)  # beside running captures: SQLite keeps one writer at a time
    click.echo(f"{result.indexed} versions indexed ({result.added} added, {result.removed} removed) "
               f"in {index.path}")
    return 0
