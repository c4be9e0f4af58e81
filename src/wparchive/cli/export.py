"""`wparchive export`: the archive as JSON Lines, CSV, SQLite or WARC, for researchers and web archives."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from wparchive.archive.store import Archive
from wparchive.cli.options import archive_option, common_options
from wparchive.errors import InputError
from wparchive.outputs.export import atomic_output, atomic_path, write_csv, write_jsonl, write_sqlite
from wparchive.outputs.records import Selection, check_site, parse_date, versions
from wparchive.outputs.warc import write_warc

FORMATS = ("jsonl", "csv", "sqlite", "warc")


@click.command("export")
@archive_option
@click.option("--site", help="Only this site (its host, or a URL on it).")
@click.option("--type", "type_", help="Only this REST type (posts, pages, a custom type's rest_base).")
@click.option("--versions", "which", type=click.Choice(["latest", "all"]), default="all", show_default=True,
              help="Every version, or each post's latest only.")
@click.option("--since", help="Only versions captured on or after this date (YYYY-MM-DD[THH:MM:SSZ], UTC).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="What to write (see above).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (replaced only once the export is complete); '-' for stdout (jsonl, csv).")
@click.option("--bom", is_flag=True, help="With --format csv: start with a UTF-8 BOM, so Excel reads UTF-8.")
@common_options
def export_cmd(archive_dir: Path, site: str | None, type_: str | None, which: str, since: str | None, fmt: str,
               output: Path, bom: bool) -> int:
    """Export archived versions for other tools, one record per version, streamed (memory stays flat).

    \b
    jsonl   one JSON object per line: ref, version_id, version, latest, captured_at, source,
            the metadata of snapshot.json, and the clean text
    csv     the same as columns (every field quoted, CRLF, UTF-8; lists joined with "; "; a cell
            that a spreadsheet would run as a formula gets a leading ')
    sqlite  tables sites, posts, versions, terms with foreign keys (Datasette, sqlite-utils)
    warc    WARC 1.1 (gzipped records): each version's REST response with its request URL and
            headers, revisits for identical payloads, the clean text as a conversion record,
            snapshot.json as metadata, one warcinfo record

    \b
    Example:
        wparchive export --format jsonl -o posts.jsonl
        wparchive export --site example.com --versions latest --format csv --bom -o posts.csv
        wparchive export --format sqlite -o archive.db && datasette archive.db
        wparchive export --site example.com --format warc -o example.warc.gz
    """
    if not archive_dir.is_dir():
        raise InputError(f"{archive_dir} is not an archive folder; check --archive")
    if bom and fmt != "csv":
        raise click.UsageError("--bom goes with --format csv")
    archive = Archive(archive_dir)
    selection = Selection(site, type_, which == "all", parse_date(since, "--since") if since else None)
    check_site(archive, selection)
    selected = versions(archive, selection)
    stdout = str(output) == "-"
    if stdout and fmt in ("sqlite", "warc"):
        raise click.UsageError(f"--format {fmt} needs a file: give -o PATH")
    if fmt == "jsonl":
        if stdout:
            count = write_jsonl(selected, sys.stdout.buffer)
        else:
            with atomic_output(output) as f:
                count = write_jsonl(selected, f)
    elif fmt == "csv":
        if stdout:
            text = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            count = write_csv(selected, text, bom)
            text.flush()
            text.detach()
        else:
            with atomic_output(output, "w", encoding="utf-8", newline="") as f:
                count = write_csv(selected, f, bom)
    elif fmt == "sqlite":
        with atomic_path(output) as tmp:
            count = write_sqlite(selected, tmp)
    else:
        with atomic_output(output) as f:
            count = write_warc(selected, f, output.name)
    click.echo(f"{count} versions exported to {'stdout' if stdout else output}", err=True)
    return 0
