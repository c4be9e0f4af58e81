"""The `wparchive` group: global options, and every failure as one `error:` line with design.md's exit code."""

from __future__ import annotations

import errno
import logging
import sys
from typing import Any

import click

from wparchive import __version__
from wparchive.cli.options import fail
from wparchive.errors import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    WparchiveError,
)
from wparchive.sources.rest import REDACT

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
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                fail(f"the disk is full: cannot write {where} ({exc.strerror}); free some space and run the "
                     "same command again")
            else:
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
