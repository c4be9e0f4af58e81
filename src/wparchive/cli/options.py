"""Options and output helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import click

from wparchive.errors import InputError
from wparchive.sources.rest import Client, Credentials, find_password


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
    ]
    for option in reversed(options):
        f = option(f)
    return f


def redact_userinfo(url: str) -> str:
    """`url` without a `user:password@` part, for anything printed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))


def strip_userinfo(site: str | None, targets: tuple[str, ...], user: str | None
                   ) -> tuple[str | None, tuple[str, ...], str | None]:
    """URLs without their `user:password@`; the password is used only for `--user` of the same name.

    A password in a URL ends up in shell history and logs, so it is never printed; without `--user`
    it is refused rather than silently ignored.
    """
    password = None
    cleaned = []
    for value in ([site] if site else []) + list(targets):
        try:
            parts = urlsplit(value) if "//" in value else None
        except ValueError:
            parts = None
        if parts is None or "@" not in parts.netloc:
            cleaned.append(value)
            continue
        bare = redact_userinfo(value)
        name = unquote(parts.username or "")
        if not user or name != user:
            raise InputError(f"{bare} has credentials in it (user:password@); they are not used from a URL: "
                             "give --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc, and the URL without them")
        password = unquote(parts.password) if parts.password else password
        cleaned.append(bare)
    if site:
        return cleaned[0], tuple(cleaned[1:]), password
    return site, tuple(cleaned), password


def make_client(user: str | None, host_hint: str | None, timeout: float, retries: int, delay: float,
                password: str | None = None) -> Client:
    credentials = None
    if user:
        try:
            host = (urlsplit(host_hint).hostname if host_hint and "//" in host_hint else host_hint) or ""
        except ValueError:
            raise InputError(f"{host_hint} is not a valid URL; check it") from None
        password = find_password(host) or password
        if not password:
            raise InputError(f"--user {user} needs a password: set WPARCHIVE_APP_PASSWORD or add {host or 'the host'} "
                             "to ~/.netrc")
        credentials = Credentials(user, password)
    return Client(credentials=credentials, timeout=(min(10.0, timeout), timeout), retries=retries, delay=delay)
