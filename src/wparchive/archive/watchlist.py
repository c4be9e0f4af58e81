"""A watch list: the sites one `archive --sites FILE` run archives, from TOML or a plain list of URLs.

TOML, one `[[site]]` table a site (keys below), optionally after a `[defaults]` table whose keys every
site takes unless it sets its own:

    [defaults]
    delay = 0.5

    [[site]]
    url = "https://example.com"
    user = "archivist"          # its Application Password from WPARCHIVE_APP_PASSWORD or ~/.netrc
    types = ["posts", "pages"]  # or "all"
    revisions = true

A plain text file lists one URL a line; `#` starts a comment. Every entry is checked before anything
runs: a bad one is an error naming its line.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wparchive.archive.store import host_folder
from wparchive.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Keys a site may set, with what each must be.
KEYS = {"url": "a URL", "user": "a user name", "types": "a type or a list of types",
        "revisions": "true or false", "autosaves": "true or false", "delay": "a number of seconds",
        "full": "true or false"}


@dataclass(frozen=True)
class SiteSpec:
    """One site of a watch list, with where it was written (for error messages)."""

    url: str
    line: int
    user: str | None = None
    types: tuple[str, ...] = ("posts",)
    revisions: bool = False
    autosaves: bool = False
    delay: float | None = None
    full: bool = False

    @property
    def host(self) -> str:
        return host_folder(self.url)


def read_watch_list(path: Path) -> list[SiteSpec]:
    """Every site of the file, checked; InputError (exit 2) naming the line of the first bad entry."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the watch list ({exc.strerror or exc}); check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: the watch list is not UTF-8 text") from None
    toml = path.suffix.lower() == ".toml" or re.search(r"^\s*\[", text, re.M) is not None
    sites = _from_toml(path, text) if toml else _from_lines(path, text)
    if not sites:
        raise InputError(f"{path}: the watch list names no site; add a [[site]] table or a URL a line")
    seen: dict[str, SiteSpec] = {}
    for spec in sites:
        if spec.host in seen:
            raise InputError(f"{path}:{spec.line}: {spec.url} is the same site as line {seen[spec.host].line}; "
                             "list each site once (give it several types instead)")
        seen[spec.host] = spec
    return sites


def _from_lines(path: Path, text: str) -> list[SiteSpec]:
    sites = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            sites.append(SiteSpec(url=_check_url(path, number, line), line=number))
    return sites


def _from_toml(path: Path, text: str) -> list[SiteSpec]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"site", "defaults"})
    if unknown:
        raise InputError(f"{path}:{_key_line(text, 1, unknown[0])}: unknown table or key {unknown[0]!r}; "
                         "a watch list has [[site]] tables and an optional [defaults]")
    defaults = data.get("defaults", {})
    entries = data.get("site", [])
    if not isinstance(defaults, dict) or not isinstance(entries, list):
        raise InputError(f"{path}: [defaults] must be a table and the sites [[site]] tables")
    lines = _table_lines(text, r"\[\[[ \t]*site[ \t]*\]\]")
    default_line = (_table_lines(text, r"\[[ \t]*defaults[ \t]*\]") or [0])[0]
    base = _check_keys(path, default_line, defaults, text, need_url=False)
    sites = []
    for n, entry in enumerate(entries):
        line = lines[n] if n < len(lines) else 0
        if not isinstance(entry, dict):
            raise InputError(f"{path}:{line}: a [[site]] must be a table")
        values = dict(base, **_check_keys(path, line, entry, text, need_url=True))
        url = values.pop("url")
        if values.get("revisions") and not values.get("user"):
            raise InputError(f"{path}:{line}: revisions = true needs user = NAME (WordPress shows revisions "
                             "only to editors)")
        sites.append(SiteSpec(url=url, line=line, **values))
    return sites


def _check_keys(path: Path, line: int, table: dict[str, Any], text: str, *, need_url: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    where = f"{path}:{line}" if line else str(path)
    for key, value in table.items():
        if key not in KEYS or (key == "url" and not need_url):
            at = f"{path}:{_key_line(text, line, key)}" if line else where
            raise InputError(f"{at}: unknown key {key!r}; a site takes {', '.join(k for k in KEYS)}")
        expected = KEYS[key]
        if key == "url":
            if not isinstance(value, str):
                raise InputError(f"{where}: url must be {expected}")
            out["url"] = _check_url(path, line, value)
        elif key == "user":
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"{where}: user must be {expected}")
            out["user"] = value.strip()
        elif key == "types":
            types = [value] if isinstance(value, str) else value
            if not isinstance(types, list) or not types or not all(
                    isinstance(t, str) and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in types):
                raise InputError(f"{where}: types must be {expected} (posts, pages, a rest_base, or all)")
            out["types"] = tuple(types)
        elif key == "delay":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0:
                raise InputError(f"{where}: delay must be {expected} (0 or more)")
            out["delay"] = float(value)
        else:
            if not isinstance(value, bool):
                raise InputError(f"{where}: {key} must be {expected}")
            out[key] = value
    if need_url and "url" not in out:
        raise InputError(f"{where}: this [[site]] has no url")
    return out


def _check_url(path: Path, line: int, url: str) -> str:
    url = url.strip()
    candidate = url if "//" in url else "https://" + url
    if not re.match(r"^https?://[^/\s?#]+", candidate) or " " in url:
        raise InputError(f"{path}:{line}: {url!r} is not a site URL (https://example.com)")
    if host_folder(candidate) == "unknown-host":
        raise InputError(f"{path}:{line}: {url!r} has no usable host name")
    if "@" in candidate.split("//", 1)[1].split("/", 1)[0]:
        raise InputError(f"{path}:{line}: the URL carries credentials; give user = NAME and the password "
                         "through WPARCHIVE_APP_PASSWORD or ~/.netrc")
    return url.rstrip("/")


def _table_lines(text: str, header: str) -> list[int]:
    """Line numbers (from 1) of the lines that open a table with this header pattern."""
    return [n for n, line in enumerate(text.splitlines(), 1) if re.match(rf"[ \t]*{header}", line)]


def _key_line(text: str, start: int, key: str) -> int:
    """The line, from `start` on, where `key` is set or opened as a table (else `start`)."""
    pattern = re.compile(rf"[ \t]*(\[+[ \t]*)?[\"']?{re.escape(key)}[\"']?[ \t]*(=|\])")
    for number, line in enumerate(text.splitlines()[start - 1:], start):
        if pattern.match(line):
            return number
    return start
