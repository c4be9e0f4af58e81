"""HTTP to a live WordPress: one session, timeouts, bounded retries, and WordPress errors in one line.

Retries are urllib3's `Retry` (exponential backoff with jitter, `Retry-After` honoured), bounded in
count and in total time. Credentials go only into the `Authorization` header, and only to the host
they are for (never over http:// once it was reached over https://): never into a URL, a log line or
the archive.
"""

from __future__ import annotations

import json
import logging
import netrc
import os
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import requests.auth
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from wparchive import __version__
from wparchive.errors import InputError, RemoteError

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


class BoundedRetry(Retry):
    """urllib3's Retry, but never waiting longer than `budget` seconds in all for one request."""

    budget: float = 120.0
    max_retry_after: float = 60.0

    def __init__(self, *args: Any, deadline: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def new(self, **kwargs: Any) -> BoundedRetry:
        retry = super().new(**kwargs)
        # Not constructor arguments, so `Retry.new` would drop them: keep the client's settings.
        retry.budget, retry.max_retry_after = self.budget, self.max_retry_after
        retry.deadline = self.deadline if self.deadline is not None else time.monotonic() + self.budget
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), self.max_retry_after)

    def increment(self, *args: Any, **kwargs: Any) -> BoundedRetry:
        retry = super().increment(*args, **kwargs)
        if retry.deadline is not None and time.monotonic() > retry.deadline:
            raise MaxRetryError(kwargs.get("_pool"), kwargs.get("url") or "", kwargs.get("error"))
        return retry


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


class _Session(requests.Session):
    """A Session that never reads ~/.netrc by itself: credentials come from `--user` only."""

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        # requests would re-read ~/.netrc on every redirect (`?p=ID` -> permalink) and add its
        # credentials even without --user; keep only its stripping of Authorization across hosts.
        original = response.request.url or ""
        if "Authorization" in prepared_request.headers and self.should_strip_auth(original, prepared_request.url or ""):
            del prepared_request.headers["Authorization"]


@dataclass
class Credentials:
    user: str
    password: str
    host: str | None = None  # the only host they are sent to; None: the host of the first request

    def __repr__(self) -> str:  # never show the password, even in a debugger or traceback
        return f"Credentials(user={self.user!r}, password=***)"


class _HostAuth(requests.auth.AuthBase):
    """Basic auth for one host only: a page's `Link` to another host (or http://) never gets the password."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.host = credentials.host.lower() if credentials.host else None
        self.https: bool | None = None  # reached over https first: never sent over plain http after that

    @property
    def origin(self) -> str:
        return f"{'http' if self.https is False else 'https'}://{self.host}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(request.url or "")
        host = (parts.hostname or "").lower()
        if self.host is None:
            self.host = host
        if host == self.host and self.https is None:
            self.https = parts.scheme == "https"
        if host == self.host and (parts.scheme == "https" or not self.https):
            return requests.auth.HTTPBasicAuth(self.credentials.user, self.credentials.password)(request)
        return request


class Client:
    """One `requests.Session` with the project's timeouts, retries, delay and error mapping."""

    def __init__(self, *, credentials: Credentials | None = None, timeout: tuple[float, float] = (10.0, 30.0),
                 retries: int = 4, backoff: float = 1.0, delay: float = 0.0, retry_budget: float = 120.0,
                 max_retry_after: float = 60.0) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.delay = delay
        self.requests = 0
        self._last = 0.0
        retry = BoundedRetry(
            total=retries, connect=retries, read=retries, status=retries, redirect=10,
            status_forcelist=RETRY_STATUSES, allowed_methods=("GET", "HEAD"), backoff_factor=backoff,
            backoff_jitter=backoff / 2, backoff_max=30.0, raise_on_status=False,
            respect_retry_after_header=True)
        retry.budget = retry_budget
        retry.max_retry_after = max_retry_after
        self.retries = retries
        self.session = _Session()
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.auth = _HostAuth(credentials) if credentials else _no_auth

    def get(self, url: str, params: dict[str, Any] | None = None, *, accept: str = "application/json"
            ) -> requests.Response:
        """GET with the politeness delay; network failures become RemoteError (exit 3)."""
        if self.delay and self._last:
            wait = self._last + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        host = urlsplit(url).netloc
        self.requests += 1
        log.info("GET %s", redact_url(with_params(url, params or {})))
        started = time.monotonic()
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, headers={"Accept": accept})
            if log.isEnabledFor(logging.DEBUG):  # -vv: each answer's status and time: a slow server shows
                log.debug("%s %s in %.0f ms (%d bytes)", response.status_code, redact_url(response.url),
                          (time.monotonic() - started) * 1000, len(response.content))
            return response
        except requests.exceptions.SSLError as exc:
            raise RemoteError(f"TLS failed with {host}: {_short(exc)}; check the certificate or the URL") from None
        except requests.exceptions.ConnectTimeout:
            raise RemoteError(f"cannot connect to {host}: timed out after {self.retries} retries; "
                              "check the URL, or try again later") from None
        except requests.exceptions.ReadTimeout:
            raise RemoteError(f"{host} did not answer within {self.timeout[1]:g}s; try again later "
                              "or raise --timeout") from None
        except requests.exceptions.TooManyRedirects:
            raise RemoteError(f"{url} redirects in a loop; check the URL") from None
        except requests.exceptions.RetryError:
            raise RemoteError(f"{host} kept failing after {self.retries} retries; try again later, "
                              "or slow down with --delay") from None
        except requests.exceptions.ConnectionError as exc:
            raise RemoteError(f"cannot connect to {host}: {_short(exc)}; check the URL and the network") from None
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, ValueError):
            raise InputError(f"{redact_url(url)} is not a valid URL; check it") from None
        except requests.exceptions.RequestException as exc:
            raise RemoteError(f"request to {host} failed: {_short(exc)}") from None
        finally:
            self._last = time.monotonic()

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
                                   f"{self.session.auth.origin}; give a URL there")
            if self.credentials is None:
                return RemoteError(f"{what} needs credentials ({detail}: {message or 'not allowed'}); "
                                   f"use --user NAME with {PASSWORD_ENV} or ~/.netrc")
            return RemoteError(f"credentials for {self.credentials.user} were refused for {what} ({detail}); "
                               "check the application password (some servers strip the Authorization "
                               "header before PHP sees it)")
        if status == 404:
            return RemoteError(f"{what} was not found at {url} ({detail})")
        if status in RETRY_STATUSES:
            return RemoteError(f"{url} answered {detail} after {self.retries} retries; try again later, "
                               "or slow down with --delay")
        return RemoteError(f"{url} answered {detail}" + (f": {message}" if message else ""))


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


def parse_json(response: requests.Response) -> Any:
    """The JSON body of a 2xx response; an HTML page (a firewall or challenge) is an error."""
    url = redact_url(response.url)
    if is_html(response):
        raise RemoteError(f"{url} returned an HTML page where JSON was expected (a firewall, login or "
                          "challenge page?); open it in a browser to check")
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
