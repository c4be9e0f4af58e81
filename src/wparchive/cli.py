"""The `wparchive` command line: parses options, calls the library, prints results. No logic here."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from wparchive import __version__
from wparchive.convert import FORMATS, convert, join_outputs, write_outputs
from wparchive.errors import EXIT_INTERRUPTED, EXIT_PARTIAL, EXIT_USAGE, WparchiveError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)


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


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="wparchive")
