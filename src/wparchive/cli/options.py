"""Options and output helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from wparchive.errors import InputError
from wparchive.sources.rest import (
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRY_WAIT,
    Client,
    Credentials,
    find_password,
    origin_of,
)


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)


def archive_option(f: Any) -> Any:
    return click.option("--archive", "archive_dir", envvar="WPARCHIVE_ARCHIVE", default="archive",
                        show_default=True, type=click.Path(file_okay=False, path_type=Path),
                        help="Archive folder (or set WPARCHIVE_ARCHIVE).")(f)


def network_options(f: Any) -> Any:
    options = [
        click.option("--user", help="WordPress user for an Application Password, read from "
                     "WPARCHIVE_APP_PASSWORD or ~/.netrc (never from the command line)."),
        click.option("--post-password", envvar="WPARCHIVE_POST_PASSWORD", help="Password of a "
                     "password-protected post (used for the request only, never stored)."),
        click.option("--timeout", type=float, default=30.0, show_default=True,
                     help="Seconds to wait for a server's answer (connecting waits at most 10)."),
        click.option("--retries", type=click.IntRange(0, 10), default=4, show_default=True,
                     help="Retries on connection errors, 429 and 502/503/504, with backoff."),
        click.option("--delay", type=click.FloatRange(0), default=0.0, show_default=True,
                     help="Seconds to wait between requests."),
        click.option("--max-retry-wait", type=click.FloatRange(0), default=DEFAULT_MAX_RETRY_WAIT,
                     show_default=True, help="Seconds one request may spend waiting between its retries "
                     "(Retry-After and backoff) in all."),
        click.option("--max-response-size", type=SIZE, default=str(DEFAULT_MAX_RESPONSE_SIZE // 1048576) + "M",
                     show_default=True, help="Largest response accepted, after decompression (bytes, or with "
                     "K, M or G); a larger one is an error and nothing is written."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


class _Size(click.ParamType):
    """A byte count: `65536`, `512K`, `64M`, `1G` (powers of 1024)."""

    name = "SIZE"
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("IB").removesuffix("B")
        number, unit = (text[:-1], text[-1]) if text[-1:] in "KMG" and text[-1:] else (text, "")
        if not number.isdigit() or int(number) <= 0:
            self.fail(f"{value} is not a size; use bytes or a number with K, M or G (64M)", param, ctx)
        return int(number) * self.units[unit]


SIZE = _Size()


def make_client(user: str | None, host_hint: str | None, timeout: float, retries: int, delay: float,
                max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
                max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE) -> Client:
    credentials = None
    if user:
        try:
            host = (urlsplit(host_hint).hostname if host_hint and "//" in host_hint else host_hint) or ""
            origin = origin_of(host_hint) if host_hint else None
        except ValueError:
            raise InputError(f"{host_hint} is not a valid URL; check it") from None
        password = find_password(host)  # ~/.netrc is looked up by the host the credentials are for
        if not password:
            raise InputError(f"--user {user} needs a password: set WPARCHIVE_APP_PASSWORD or add {host or 'the host'} "
                             "to ~/.netrc")
        credentials = Credentials(user, password, origin)
    return Client(credentials=credentials, timeout=(min(10.0, timeout), timeout), retries=retries, delay=delay,
                  max_retry_wait=max_retry_wait, max_response_size=max_response_size)
