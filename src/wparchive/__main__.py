"""The entry point of `wparchive` and `python -m wparchive`.

The command line's modules are imported inside the guard: a Ctrl-C (or `kill`) during start-up,
before the commands' own handlers exist, exits 130 quietly instead of printing a traceback from
whichever import it interrupted.
"""

import signal
import sys

EXIT_INTERRUPTED = 130  # as wparchive.errors, which is not imported yet when this one is needed


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        from wparchive.cli import main as cli_main
    except KeyboardInterrupt:
        sys.exit(EXIT_INTERRUPTED)
    try:
        cli_main()
    except KeyboardInterrupt:  # between start-up and the command group's own handling
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
