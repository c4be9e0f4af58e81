"""`wparchive convert`: saved dumps to clean text, Markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from wparchive.cli.options import common_options, fail, group_archive_option, warn
from wparchive.errors import (
    EXIT_PARTIAL,
    EXIT_USAGE,
)
from wparchive.render.convert import FORMATS, ConvertRun, OutputFiles, OutputStream, iter_convert


@click.command("convert")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output: clean text, Markdown with front matter, or normalised JSON.")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per post (<id>-<slug>.<ext>) into this folder.")
@click.option("--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Convert this many files at once (worker processes); the output is the same.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Convert one file per task on this Dask scheduler (workers must see the files).")
@click.option("--jsonl", is_flag=True, help="JSON Lines: one compact JSON object per post and line (implies "
              "--format json).")
@group_archive_option  # accepted like every global option; convert never touches the archive
@common_options
def convert_cmd(sources: tuple[str, ...], fmt: str, output: Path | None, jobs: int, scheduler: str | None,
                jsonl: bool) -> int:
    """Convert saved REST API dumps or WordPress export files to clean text, Markdown or JSON.
    Never touches the archive.

    SOURCE is a file (any extension; its content decides the format), `-` for standard input, or a
    folder (every .json, .jsonl and .xml below it). A WordPress export (WXR, from Tools > Export) is
    streamed post by post; its attachments are not posts and are left out. A dump may hold one post
    object, an array of them (a saved /wp/v2/posts page) or JSON Lines. Damaged dumps and exports are
    salvaged, with a `warning:` line saying what was repaired or lost.

    \b
    Example:
        wparchive convert fixtures/000_c02e2c25f0edbb6d.txt
        wparchive convert --format markdown -o out/ saved-posts.json
        wparchive convert --format json example.WordPress.2024-05-01.xml
        curl -s https://example.com/wp-json/wp/v2/posts/1 | wparchive convert -
        wparchive convert --jobs 4 --format markdown -o out/ dumps/
        wparchive convert --jsonl saved-posts.json | jq -r .title
    """
    if jsonl:
        if fmt not in ("text", "json") and click.get_current_context().get_parameter_source("fmt") != \
                click.core.ParameterSource.DEFAULT:
            raise click.UsageError(f"--jsonl prints JSON; it does not go with --format {fmt}")
        if output is not None:
            raise click.UsageError("--jsonl prints to standard output; without -o, or use --format json -o DIR")
        fmt = "json"
    run = ConvertRun()
    files = OutputFiles(fmt, output) if output is not None else None
    stream = OutputStream(fmt, lambda text: click.echo(text, nl=False))
    for kind, value in iter_convert(sources, fmt, run, jobs=jobs, scheduler=scheduler):
        if kind == "output":
            if files is not None:
                click.echo(str(files.add(*value)))
            elif jsonl:  # streamed too: one line per post as it is read
                click.echo(json.dumps(json.loads(value[1]), ensure_ascii=False, separators=(",", ":")))
            else:
                stream.add(value[1])
        else:
            (warn if kind == "warning" else fail)(value)
    if stream.count:
        stream.close()
    if run.failed:
        return EXIT_PARTIAL if run.converted else EXIT_USAGE
    return 0
