"""How the commands print for people and for scripts: tables, JSON, colour and the pager.

Like git: aligned columns, colour and a pager only on a terminal; plain lines into a pipe; TERM=dumb
and NO_COLOR mean no colour.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import click


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def color_wanted(choice: str) -> bool:
    """--color always|never|auto; auto: a terminal that is not dumb, and NO_COLOR unset."""
    if choice != "auto":
        return choice == "always"
    return stdout_is_terminal() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _width(text: str) -> int:
    # CJK and other wide characters take two columns on a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A header row and columns aligned for a terminal (the last column is not padded)."""
    widths = [max([_width(header[i])] + [_width(row[i]) for row in rows]) for i in range(len(header))]
    lines = []
    for row in [list(header), *rows]:
        cells = [cell + " " * (widths[i] - _width(cell)) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip() + "\n")
    return "".join(lines)


def tsv(rows: Sequence[Sequence[str]]) -> str:
    return "".join("\t".join(" ".join(cell.split()) for cell in row) + "\n" for row in rows)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def page(data: bytes, *, use_pager: bool = True) -> None:
    """Print through $PAGER (else `less` with LESS=FRX unless LESS is set) on a terminal, as git does;
    straight to stdout into a pipe, with --no-pager, or when PAGER is empty or `cat`."""
    if not data.endswith(b"\n"):  # every format ends with a newline, so a shell prompt starts on its own line
        data += b"\n"
    command = os.environ.get("PAGER")
    if command is None:
        command = "less"
    if not use_pager or not stdout_is_terminal() or not command.strip() or command.strip() == "cat":
        click.echo(data, nl=False)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit when it fits one screen, keep colours, leave the screen as it was
    try:
        process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError):  # no such pager: the text still reaches the reader
        click.echo(data, nl=False)
        return
    assert process.stdin is not None
    # Ctrl-C belongs to the pager (less uses it to stop a search), as with git: wparchive waits for it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        try:
            process.stdin.write(data)
            process.stdin.close()
        except BrokenPipeError:  # the reader quit the pager early
            pass
        process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
