"""`wparchive log SITE`: a whole site's timeline, as lines, JSON or an HTML page with its diffs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from wparchive.archive.store import Archive
from wparchive.fsutil import atomic_write
from wparchive.outputs.html import timeline_page
from wparchive.outputs.records import parse_date
from wparchive.outputs.timeline import site_timeline, timeline_rows

TABLE_LIMIT = 500  # rows of the HTML page's table (and diff pages written); the chart counts every version


def log_site(archive: Archive, host: str, since: str | None, until: str | None, as_json: bool, as_html: bool,
             output: Path | None) -> int:
    """Print (or write) the timeline of the site in folder `host`."""
    low = parse_date(since, "--since") if since else None
    high = parse_date(until, "--until") if until else None
    entries = site_timeline(archive, host, low, high)
    if as_html:
        if output is not None:
            output.mkdir(parents=True, exist_ok=True)
        page = timeline_page(host, timeline_rows(entries, output, TABLE_LIMIT), TABLE_LIMIT)
        if output is None:
            click.echo(page, nl=False)
        else:
            atomic_write(output / "index.html", page.encode("utf-8"))
            click.echo(str(output / "index.html"))
        return 0
    if as_json:  # a JSON array, one version per line, written as it is read
        first = True
        for entry in entries:
            click.echo(("[\n" if first else ",\n") + json.dumps(entry.to_json(), ensure_ascii=False), nl=False)
            first = False
        click.echo("[]" if first else "\n]")
        return 0
    for entry in entries:
        click.echo(entry.line)
    return 0
