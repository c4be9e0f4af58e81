"""The `wparchive` group: global options, and every failure as one `error:` line with design.md's exit code."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from wparchive import __version__
from wparchive.cli.options import common_options, fail, group_archive_option
from wparchive.errors import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    WparchiveError,
)
from wparchive.render.engine import RENDERER

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns every failure into one `error:` line and the exit code of design.md."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        if not argv and "_WPARCHIVE_COMPLETE" not in os.environ:
            # Bare `wparchive`, as bare `git`: the help, and success.
            with self.make_context(prog_name or "wparchive", ["--help"], resilient_parsing=True) as ctx:
                click.echo(self.get_help(ctx))
            if standalone_mode:
                sys.exit(0)
            return 0
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.UsageError as exc:
            fail(f"{_usage_message(exc)} (see '{self._help_path(exc, argv)} --help')")
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

    def _help_path(self, exc: click.UsageError, argv: list[str]) -> str:
        """The help that explains the mistake: the subcommand's when one was named."""
        if exc.ctx is not None and exc.ctx.command is not self:
            return exc.ctx.command_path
        name = next((arg for arg in argv if arg in self.commands), None)
        return f"wparchive {name}" if name else "wparchive"


def _usage_message(exc: click.UsageError) -> str:
    # click says "Option '--color' requires an argument."; one error line reads better without the stop.
    return exc.format_message().rstrip(".")


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="wparchive",
                      message=f"%(prog)s, version %(version)s (renderer: {RENDERER})")
@common_options
@group_archive_option
def cli() -> None:
    """Archive WordPress posts as immutable, versioned snapshots; convert saved REST dumps to
    clean text; show what changed between captures.

    \b
    Example:
        wparchive convert fixtures/000_c02e2c25f0edbb6d.txt
        wparchive archive https://example.com/2024/05/some-post/

    Global options (-v, -q, --debug, --archive) go before or after the command:
    `wparchive -v archive URL` and `wparchive archive URL -v` are the same.
    """
