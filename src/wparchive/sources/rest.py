"""HTTP to a live WordPress: one session, timeouts, bounded retries, and WordPress errors in one line.

Whatever a server does, a request is bounded: bodies are streamed and cut off at a size limit
(counted after decompression, so a gzip bomb stops there too) and at a whole-response deadline;
retries (exponential backoff with jitter, `Retry-After` honoured) are bounded in count and in total
wait, and counted truly in the final message; redirects are followed here, at most MAX_REDIRECTS.
Credentials go only into the `Authorization` header, and only to the exact origin (scheme, host,
port) they are for, whatever discovery or a redirect points at: never into a URL, a log line or the
archive.
"""

from __future__ import annotations

import json
import logging
import netrc
import os
import random
import re
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import requests.auth
import urllib3.exceptions

from wparchive import __version__
from wparchive.errors import InputError, RemoteError
from wparchive.sources.transport import (
    CURRENT,
    Adapter,
    Credentials,
    Deadline,
    OriginAuth,
    Session,
    origin_of,  # noqa: F401 - part of this module's API
)

log = logging.getLogger("wparchive")
USER_AGENT = f"wparchive/{__version__} (+https://wordpress.org/; archiver)"
PASSWORD_ENV = "WPARCHIVE_APP_PASSWORD"
RETRY_STATUSES = (429, 502, 503, 504)


class _Redact(logging.Filter):
    """urllib3 logs request lines with their query; a post password must not reach a log."""

    pattern = re.compile(r"(password=)[^&\s\"']*", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        record.msg = self.pattern.sub(r"\1***", str(record.msg))
        return True


REDACT = _Redact()
# Filters on a logger do not apply to records from its children: each urllib3 logger gets one.
for _name in ("urllib3", "urllib3.connectionpool", "urllib3.util.retry", "urllib3.response"):
    logging.getLogger(_name).addFilter(REDACT)


# Peak memory is about the idle process plus this (a cut-off response is held up to the limit): 32 MiB
# keeps any run under twice the idle process (bench/hostile.py) and is far above a real listing page.
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024
DEFAULT_MAX_RETRY_WAIT = 60.0
# The whole of a response must arrive at least this fast (on top of --timeout for the first byte):
# a server dripping bytes is cut off, the largest allowed response from a slow server is not.
MIN_RATE = 256 * 1024
MAX_REDIRECTS = 10
READ_CHUNK = 64 * 1024


class ResponseTooLarge(RemoteError):
    """A response went past --max-response-size (counted after decompression); never retried."""


class ResponseTimedOut(RemoteError):
    """A response did not arrive in whole within its deadline; never retried."""


def find_password(host: str) -> str | None:
    """The application password: WPARCHIVE_APP_PASSWORD, else ~/.netrc's entry for the host."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    try:
        entry = netrc.netrc().authenticators(host)
    except netrc.NetrcParseError as exc:
        # Application passwords contain spaces: unquoted, they break the file; say so, not "add the host".
        raise InputError(f"~/.netrc cannot be read: {exc.msg} (line {exc.lineno}); quote a password with "
                         'spaces: password "abcd efgh ijkl mnop qrst uvwx"') from None
    except OSError:
        return None
    return entry[2] if entry else None


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    # Without --user nothing is sent: requests would otherwise read ~/.netrc by itself.
    return request


class Client:
    """One `requests.Session` with the project's limits, retries, delay and error mapping.

    Every response is bounded: at most `max_response_size` bytes after decompression, read as they
    arrive; in whole within `timeout + max_response_size / MIN_RATE` seconds; at most `retries`
    retries waiting `max_retry_wait` seconds in all; at most MAX_REDIRECTS redirects.
    """

    def __init__(self, *, credentials: Credentials | None = None, timeout: tuple[float, float] = (10.0, 30.0),
                 retries: int = 4, backoff: float = 1.0, delay: float = 0.0,
                 max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
                 max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.max_response_size = max_response_size
        self._last = 0.0
        self.session = Session()
        self.session.mount("http://", Adapter())
        self.session.mount("https://", Adapter())
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.auth = OriginAuth(credentials) if credentials else _no_auth

    @property
    def response_deadline(self) -> float:
        """Seconds a whole response may take, from sending the request to its last byte."""
        return self.timeout[1] + self.max_response_size / MIN_RATE

    def get(self, url: str, params: dict[str, Any] | None = None, *, accept: str = "application/json"
            ) -> requests.Response:
        """GET, following redirects and retrying; the body read whole within the limits.

        Network failures become RemoteError (exit 3). A response that is still 429/502/503/504 after
        the retries is returned, its retries and the reason they stopped in `retry_note(response)`.
        """
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get_retrying(url, params, accept)
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            url, params = urljoin(response.url or url, location), None
        raise RemoteError(f"{redact_url(url)} redirects in a loop; check the URL")

    def _get_retrying(self, url: str, params: dict[str, Any] | None, accept: str) -> requests.Response:
        host = urlsplit(url).netloc
        waited = 0.0
        retry = 0
        while True:
            failure: RemoteError | None = None
            response: requests.Response | None = None
            try:
                response = self._get_once(url, params, accept)
            except (ResponseTooLarge, ResponseTimedOut):
                raise
            except RemoteError as exc:
                if not getattr(exc, "transient", False):
                    raise
                failure = exc
            if response is not None and response.status_code not in RETRY_STATUSES:
                return response
            wait, asked = self._wait_before(retry + 1, response)
            left = self.max_retry_wait - waited
            stop = None
            if retry >= self.retries:
                stop = f"retries ran out after {retry}" if self.retries else ""
            elif left <= 0 or (asked is not None and asked > left):
                stop = f"retries stopped after {retry}: " + (
                    f"it asked to wait {asked:g}s, more than --max-retry-wait {self.max_retry_wait:g}s allows"
                    if asked is not None else f"--max-retry-wait {self.max_retry_wait:g}s was spent")
            if stop is not None:
                if failure is not None:
                    raise RemoteError(f"{failure}{'; ' + stop if stop else ''}; "
                                      f"{failure.hint}")  # type: ignore[attr-defined]
                assert response is not None
                response.retry_note = stop  # type: ignore[attr-defined]
                return response
            wait = min(wait, left)
            why = str(failure) if failure is not None else f"HTTP {response.status_code}"  # type: ignore[union-attr]
            log.info("retry %d of %d for %s in %gs: %s", retry + 1, self.retries, host, round(wait, 1), why)
            if wait > 0:
                time.sleep(wait)
            waited += wait
            retry += 1

    def _wait_before(self, retry: int, response: requests.Response | None) -> tuple[float, float | None]:
        """(seconds to wait before retry number `retry`, what Retry-After asked for or None)."""
        if response is not None:
            asked = _retry_after(response.headers.get("Retry-After"))
            if asked is not None:
                return asked, asked
        if retry <= 1 or not self.backoff:  # as urllib3: no wait before the first retry
            return 0.0, None
        wait = min(30.0, self.backoff * 2 ** (retry - 1)) + random.uniform(0, self.backoff / 2)
        return wait, None

    def _get_once(self, url: str, params: dict[str, Any] | None, accept: str) -> requests.Response:
        if self.delay and self._last:
            wait = self._last + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        log.info("GET %s", redact_url(with_params(url, params or {})))
        started = time.monotonic()
        watchdog = CURRENT.deadline = Deadline(self.response_deadline)
        watchdog.timer.start()
        try:
            response = self._send(url, params, accept, started + self.response_deadline)
            if watchdog.hit:  # cut off: what arrived (an empty or partial answer) is not the answer
                raise RemoteError("cut off")
            if log.isEnabledFor(logging.DEBUG):  # -vv: each answer's status and time: a slow server shows
                log.debug("%s %s in %.0f ms (%d bytes)", response.status_code, redact_url(response.url),
                          (time.monotonic() - started) * 1000, len(response.content))
            return response
        except RemoteError as exc:
            if watchdog.hit and not isinstance(exc, (ResponseTooLarge, ResponseTimedOut)):
                # The deadline shut the socket: whatever broke then, it is a time-out.
                shown = requests.models.PreparedRequest()
                shown.prepare_url(url, params)
                raise self._timed_out(shown.url or url) from None
            raise
        finally:
            watchdog.timer.cancel()
            CURRENT.deadline = None
            self._last = time.monotonic()

    def _send(self, url: str, params: dict[str, Any] | None, accept: str, deadline: float) -> requests.Response:
        host = urlsplit(url).netloc
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, headers={"Accept": accept},
                                        allow_redirects=False, stream=True)
            try:
                response._content = self._read_body(response, deadline)
            finally:
                response.close()
            return response
        except (ResponseTooLarge, ResponseTimedOut):
            raise
        except requests.exceptions.SSLError as exc:
            raise RemoteError(f"TLS failed with {host}: {_short(exc)}; check the certificate or the URL") from None
        except requests.exceptions.ConnectTimeout:
            raise _transient(f"cannot connect to {host}: timed out", "check the URL, or try again later") from None
        except (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
            raise _transient(f"{host} timed out reading after connecting (no data for {self.timeout[1]:g}s)",
                             "try again later or raise --timeout") from None
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema, ValueError):
            raise InputError(f"{redact_url(url)} is not a valid URL; check it") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                urllib3.exceptions.HTTPError, OSError) as exc:
            reached = "response" in locals()
            what = f"{host} broke off its answer" if reached else f"cannot connect to {host}"
            raise _transient(f"{what}: {_short(exc)}", "check the URL and the network") from None
        # Every other failure of requests is caught above: its RequestException is an OSError.

    def _timed_out(self, url: str) -> ResponseTimedOut:
        return ResponseTimedOut(f"{redact_url(url)} timed out: the whole response did not arrive within "
                                f"{self.response_deadline:g}s; try again later or raise --timeout")

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        """The body, decompressed as it arrives and cut off at the size limit or the deadline."""
        url = redact_url(response.url)
        body = bytearray()  # grown in place: a cut-off response never holds more than the limit
        while True:
            if time.monotonic() > deadline:
                raise self._timed_out(url)
            chunk = response.raw.read1(READ_CHUNK, decode_content=True)
            if not chunk:
                return bytes(body)
            if len(body) + len(chunk) > self.max_response_size:
                raise ResponseTooLarge(f"{url} sent more than {_mib(self.max_response_size)} (--max-response-"
                                       "size); nothing was written; raise --max-response-size if it is right")
            body += chunk

    def get_json(self, url: str, params: dict[str, Any] | None = None, *, what: str = "the post"
                 ) -> tuple[Any, requests.Response]:
        """GET a REST URL and return its JSON; any HTTP or WordPress error becomes a RemoteError."""
        response = self.get(url, params)
        if response.status_code >= 400:
            raise self.error_for(response, what)
        return parse_json(response), response

    def error_for(self, response: requests.Response, what: str) -> RemoteError:
        """One clear line for a failed REST response."""
        status = response.status_code
        code, message = _wp_error(response)
        detail = f"HTTP {status}" + (f" {code}" if code else "")
        url = redact_url(response.url)
        if status in (401, 403):
            if code == "rest_post_incorrect_password":
                return RemoteError(f"{what} is password-protected and the --post-password given was refused "
                                   f"({detail})")
            sent = response.request is not None and "Authorization" in response.request.headers
            if self.credentials is not None and not sent:
                where = urlsplit(url)
                return RemoteError(f"{what} needs credentials ({detail}), but it is at {where.scheme}://"
                                   f"{where.hostname} and those for {self.credentials.user} are sent only to "
                                   f"{_shown(self.session.auth.origin)}; give a URL there")
            if self.credentials is None:
                return RemoteError(f"{what} needs credentials ({detail}: {message or 'not allowed'}); "
                                   f"use --user NAME with {PASSWORD_ENV} or ~/.netrc")
            return RemoteError(f"credentials for {self.credentials.user} were refused for {what} ({detail}); "
                               "check the application password (some servers strip the Authorization "
                               "header before PHP sees it)")
        if status == 404:
            return RemoteError(f"{what} was not found at {url} ({detail})")
        if status in RETRY_STATUSES:
            stop = getattr(response, "retry_note", None)
            stop = f"retries ran out after {self.retries}" if stop is None else stop
            maintenance = " (maintenance?)" if status == 503 else ""
            return RemoteError(f"{url} answered {detail}{maintenance}{'; ' + stop if stop else ''}; "
                               "try again later, or slow down with --delay")
        return RemoteError(f"{url} answered {detail}" + (f": {message}" if message else ""))


def _transient(message: str, hint: str) -> RemoteError:
    """A failure worth retrying; its hint goes after the retry count in the final message."""
    error = RemoteError(message)
    error.transient = True  # type: ignore[attr-defined]
    error.hint = hint  # type: ignore[attr-defined]
    return error


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _shown(origin: str | None) -> str:
    """An origin as a user would type it: without the scheme's default port."""
    return re.sub(r"^(https://[^/]+):443$|^(http://[^/]+):80$", lambda m: m.group(1) or m.group(2), origin or "")


def _mib(size: int) -> str:
    return f"{size / 1048576:g} MiB" if size >= 1048576 else f"{size} bytes"


def _short(exc: BaseException) -> str:
    """The useful end of requests' nested exception text ("Connection refused"), never the URL."""
    text = str(exc)
    m = re.search(r"\[SSL: \w+\] (.+?) \(_ssl\.c:\d+\)", text) or re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    if m:
        return m.group(1).strip()
    if "Failed to resolve" in text or "Name or service not known" in text:
        return "host name not found"
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return "the server closed the connection without answering"
    cause = re.search(r"Caused by (\w+)", text)
    if cause:  # the request line (with its query) is in the rest: name only what went wrong
        return cause.group(1)
    return redact_url(text)[:160]


def redact_url(url: str) -> str:
    return _Redact.pattern.sub(r"\1***", url or "")


def _wp_error(response: requests.Response) -> tuple[str | None, str | None]:
    try:
        body = response.json()
    except ValueError:
        return None, None
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        return body["code"], str(body.get("message") or "")
    return None, None


def is_html(response: requests.Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    head = response.content[:200].lstrip().lower()
    return "html" in ctype or head.startswith((b"<!doctype", b"<html"))


def refuse_html(response: requests.Response) -> None:
    """An HTML page (a firewall or challenge) where JSON was expected is an error."""
    if is_html(response):
        raise RemoteError(f"{redact_url(response.url)} returned an HTML page where JSON was expected (a "
                          "firewall, login or challenge page?); open it in a browser to check")


def parse_json(response: requests.Response) -> Any:
    """The JSON body of a 2xx response; an HTML page (a firewall or challenge) is an error."""
    url = redact_url(response.url)
    refuse_html(response)
    try:
        return json.loads(response.content.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError):
        raise RemoteError(f"{url} did not return valid JSON; is it a WordPress REST API?") from None


def with_params(url: str, params: dict[str, Any]) -> str:
    """`url` with `params` added to its query (for URLs that are recorded, so never a password)."""
    clean = {k: v for k, v in params.items() if k != "password"}
    if not clean:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(clean, safe="/,:")
