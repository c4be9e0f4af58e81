"""The command line: the click layer only. It parses options, calls the library and prints results.

One module per command group (`convert`, `archive`, `history` for log/show/ls/verify, `diff`), the
group and its error handling in `app`, shared options and output helpers in `options`.
"""

from __future__ import annotations

from wparchive.cli.app import cli
from wparchive.cli.archive import archive_cmd
from wparchive.cli.convert import convert_cmd
from wparchive.cli.diff import diff_cmd
from wparchive.cli.export import export_cmd
from wparchive.cli.history import log_cmd, ls_cmd, show_cmd, verify_cmd
from wparchive.cli.search import index_cmd, search_cmd

for _command in (convert_cmd, archive_cmd, log_cmd, show_cmd, ls_cmd, verify_cmd, diff_cmd, search_cmd, index_cmd,
                 export_cmd):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="wparchive")


__all__ = ["cli", "main"]
