"""Exceptions that carry the exit code promised in design.md."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3
EXIT_PARTIAL = 4
EXIT_BUSY = 5  # another wparchive holds the archive's lock: try again later
EXIT_INTERRUPTED = 130


class WparchiveError(Exception):
    """An error the user can act on; its message is one line, printed as `error: <message>`."""

    exit_code = EXIT_USAGE


class InputError(WparchiveError):
    """Bad input: an unreadable or invalid dump, an unknown reference or version."""

    exit_code = EXIT_USAGE


class RemoteError(WparchiveError):
    """The remote side failed: network, HTTP error, no WordPress API, auth refused."""

    exit_code = EXIT_REMOTE
