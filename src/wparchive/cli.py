"""The `wparchive` command line: parses options, calls the library, prints results. No logic here."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from wparchive import __version__
from wparchive.capture import capture_fetched
from wparchive.cli_archive import archive_cmd
from wparchive.cli_options import archive_option, fail, make_client, network_options, warn
from wparchive.convert import FORMATS, convert, join_outputs, write_outputs
from wparchive.diff import compare, format_meta, format_stat, format_unified, format_words, to_json
from wparchive.errors import (
    EXIT_DIFFERENT,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_USAGE,
    InputError,
    WparchiveError,
)
from wparchive.history import list_posts, log_entries
from wparchive.locate import Locator
from wparchive.refs import resolve_post, resolve_snapshot
from wparchive.remote import REDACT
from wparchive.sides import live_side, live_target, load_side, previous_and_latest, snapshot_side
from wparchive.store import Archive

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns every failure into one `error:` line and the exit code of design.md."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "wparchive"
            fail(f"{exc.format_message()} (see '{where} --help')")
            code = EXIT_USAGE
        except click.ClickException as exc:
            fail(exc.format_message())
            code = exc.exit_code
        except click.Abort:
            fail("interrupted")
            code = EXIT_INTERRUPTED
        except WparchiveError as exc:
            fail(str(exc))
            code = exc.exit_code
        except OSError as exc:  # the file system refused: a path the user can fix
            where = exc.filename or "a file"
            fail(f"cannot use {where}: {exc.strerror or exc}; check the path and its permissions")
            code = EXIT_USAGE
        except KeyboardInterrupt:
            fail("interrupted")
            code = EXIT_INTERRUPTED
        except Exception as exc:  # a bug: say so in one line unless asked for the traceback
            if debug:
                raise
            fail(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug and report it)")
            code = EXIT_USAGE
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="wparchive")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (repeat for more).")
@click.option("--debug", is_flag=True, help="Show tracebacks and HTTP debugging on stderr.")
def cli(verbose: int, debug: bool) -> None:
    """Archive WordPress posts as immutable, versioned snapshots; convert saved REST dumps to
    clean text; show what changed between captures.

    \b
    Example:
        wparchive convert fixtures/000_c02e2c25f0edbb6d.txt
        wparchive archive https://example.com/2024/05/some-post/
    """
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    for handler in logging.getLogger().handlers:  # whatever logs, a post password never reaches stderr
        handler.addFilter(REDACT)
    # urllib3 reports each retry as a warning; that is detail, shown with -v.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.ERROR)


@cli.command("convert")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output: clean text, Markdown with front matter, or normalised JSON.")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per post (<id>-<slug>.<ext>) into this folder.")
def convert_cmd(sources: tuple[str, ...], fmt: str, output: Path | None) -> int:
    """Convert saved REST API dumps to clean text, Markdown or JSON. Never touches the archive.

    SOURCE is a file (any extension; its content decides the format), `-` for standard input, or a
    folder (every .json and .jsonl below it). A dump may hold one post object, an array of them
    (a saved /wp/v2/posts page) or JSON Lines. Damaged dumps are salvaged, with a `warning:` line
    saying what was repaired or lost.

    \b
    Example:
        wparchive convert fixtures/000_c02e2c25f0edbb6d.txt
        wparchive convert --format markdown -o out/ saved-posts.json
        curl -s https://example.com/wp-json/wp/v2/posts/1 | wparchive convert -
    """
    run = convert(sources, fmt)
    for kind, message in run.messages:
        (warn if kind == "warning" else fail)(message)
    if output is not None:
        written = write_outputs(run.outputs, fmt, output)
        for path in written:
            click.echo(str(path))
    elif run.outputs:
        click.echo(join_outputs([text for _, text in run.outputs], fmt), nl=False)
    if run.failed:
        return EXIT_PARTIAL if run.outputs else EXIT_USAGE
    return 0


@cli.command("log")
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


@cli.command("show")
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


@cli.command("ls")
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


@cli.command("verify")
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
    click.echo(f"{checked} snapshots checked, {len(problems)} problems")
    return EXIT_DIFFERENT if problems else 0


@cli.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="[B]", required=False)
@archive_option
@click.option("--words", is_flag=True, help="Word diff inside changed paragraphs: [-removed-]{+added+}.")
@click.option("--meta", "meta_only", is_flag=True, help="Only the metadata fields that differ: field: old -> new.")
@click.option("--stat", is_flag=True, help="Paragraphs and words added and removed.")
@click.option("--json", "as_json", is_flag=True, help="Everything as one JSON object, for scripts.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the output (auto: when stdout is a terminal and NO_COLOR is not set).")
@click.option("--ignore-whitespace", is_flag=True, help="Changes in whitespace only are not differences.")
@click.option("--live", is_flag=True, help="Compare the latest archived version of A with the post on the site now.")
@click.option("--save", is_flag=True, help="With --live: archive what was fetched, if it changed.")
@network_options
def diff_cmd(a: str, b: str | None, archive_dir: Path, words: bool, meta_only: bool, stat: bool, as_json: bool,
             color: str, ignore_whitespace: bool, live: bool, save: bool, user: str | None,
             post_password: str | None, timeout: float, retries: int, delay: float) -> int:
    """Show what changed between two versions of a post; exit 0 when identical, 1 when not (like diff).

    A and B are each REF@V (an archived post and version), a snapshot folder, or a saved dump file.
    With A alone: its version before the latest against the latest (or, with @V, the version
    before V against V). With --live: the latest archived version against the post as it is now.

    \b
    Example:
        wparchive diff example.com/posts/7660
        wparchive diff example.com/posts/7660@1 example.com/posts/7660@latest --words
        wparchive diff old-dump.json new-dump.json --stat
        wparchive diff example.com/posts/7660 --live --save
    """
    archive = Archive(archive_dir)
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
            click.echo(result.line, err=True)
    elif b is None:
        side_a, side_b = previous_and_latest(archive, a)
    else:
        side_a, side_b = load_side(archive, a), load_side(archive, b)
    comparison = compare(side_a, side_b, ignore_whitespace=ignore_whitespace)
    use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
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
        click.echo("".join(sections), nl=False, color=use_color)  # also into a pipe, with --color always
    return 0 if comparison.identical else EXIT_DIFFERENT


cli.add_command(archive_cmd)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="wparchive")
