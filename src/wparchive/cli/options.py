"""Options and output helpers shared by the command modules."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import click

from wparchive.errors import InputError
from wparchive.render.engine import RENDERER, WHY_NOT_COMPILED
from wparchive.sources.rest import (
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRY_WAIT,
    REDACT,
    Client,
    Credentials,
    find_password,
    origin_of,
)

DEFAULT_ARCHIVE = "archive"
_GLOBALS = "wparchive.globals"


def warn(message: str) -> None:
    if not is_quiet():  # -q: errors only
        click.echo(f"warning: {message}", err=True)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)


# Global options (-v, --debug, -q, --archive) are accepted before the command (`wparchive -v log REF`)
# and after it (`wparchive log -v REF`), as people type them. Both places feed one shared state in
# click's ctx.meta, which every context of one invocation shares.


def global_state() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    meta: dict[str, Any] = ctx.meta if ctx is not None else {}
    return meta.setdefault(_GLOBALS, {"verbose": 0, "debug": False, "quiet": False, "archive": None})


def is_quiet() -> bool:
    return bool(global_state()["quiet"])


class _StderrHandler(logging.Handler):
    """Log records as `warning: ...`/`info: ...` lines on the stderr of the moment (CliRunner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)
        except Exception:  # a log line must never break a run
            self.handleError(record)


def configure_logging() -> None:
    """-v: each request; -vv: also each response's status and time; --debug: everything, urllib3 too."""
    state = global_state()
    verbose, debug = state["verbose"], state["debug"]
    level = logging.DEBUG if debug or verbose >= 2 else logging.INFO if verbose else logging.WARNING
    if state["quiet"] and not (debug or verbose):  # -q: no warning lines, from logging either
        level = logging.ERROR
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.addFilter(REDACT)  # whatever logs, a post password never reaches stderr
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("wparchive").setLevel(level)
    # urllib3 reports each retry as a warning; that is detail, shown with -v.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.ERROR)
    if (verbose or debug) and WHY_NOT_COMPILED and not state.get("renderer_said"):
        # Said once, and only when the slower pure-Python renderer runs (`--version` always says which).
        state["renderer_said"] = True
        logging.getLogger("wparchive").info(
            "renderer: %s (the compiled one was not built or not loaded: %s)", RENDERER, WHY_NOT_COMPILED)


def _add_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        global_state()["verbose"] += value
    configure_logging()


def _set_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        global_state()[param.name or ""] = True
    configure_logging()


def _set_archive(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    state = global_state()
    if value is not None:
        state["archive"] = value
    return state["archive"] or Path(os.environ.get("WPARCHIVE_ARCHIVE") or DEFAULT_ARCHIVE)


_ARCHIVE_HELP = "Archive folder (default: WPARCHIVE_ARCHIVE, else ./archive)."


def common_options(f: Any) -> Any:
    """-v, --debug and -q, for the group and every command."""
    options = [
        click.option("-v", "--verbose", count=True, expose_value=False, callback=_add_verbose,
                     help="More detail on stderr: -v each request, -vv also each status and time."),
        click.option("--debug", is_flag=True, expose_value=False, callback=_set_flag,
                     help="Show tracebacks and HTTP debugging on stderr."),
        click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_flag,
                     help="Print less: no warnings; archive prints only its summary, verify only problems, "
                     "diff nothing (the exit code answers)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def group_archive_option(f: Any) -> Any:
    return click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
                        expose_value=False, callback=_set_archive, help=_ARCHIVE_HELP,
                        shell_complete=_complete_dirs)(f)


def archive_option(f: Any) -> Any:
    return click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path),
                        callback=_set_archive, help=_ARCHIVE_HELP, shell_complete=_complete_dirs)(f)


def _complete_dirs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="dir")]


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
                max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
                max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE, password: str | None = None) -> Client:
    credentials = None
    if user:
        try:
            host = (urlsplit(host_hint).hostname if host_hint and "//" in host_hint else host_hint) or ""
            origin = origin_of(host_hint) if host_hint else None
        except ValueError:
            raise InputError(f"{host_hint} is not a valid URL; check it") from None
        password = find_password(host) or password  # ~/.netrc is looked up by the host the credentials are for
        if not password:
            raise InputError(f"--user {user} needs a password: set WPARCHIVE_APP_PASSWORD or add {host or 'the host'} "
                             "to ~/.netrc")
        credentials = Credentials(user, password, origin)
    return Client(credentials=credentials, timeout=(min(10.0, timeout), timeout), retries=retries, delay=delay,
                  max_retry_wait=max_retry_wait, max_response_size=max_response_size)
