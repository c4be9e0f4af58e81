"""Naming archived posts and versions: `REF[@V]` as design.md defines them.

REF is the URL a post was archived from (permalink, `?p=ID`, REST URL; with or without the scheme,
its path percent-encoded or typed in UTF-8), `HOST/TYPE/ID` (the host as typed, `127.0.0.1:8088`, or
as its folder, `127.0.0.1_8088`), a bare ID when it is unique in the archive, or the post's (or one
snapshot's) folder path. `@V` is a stable version id (`@20261202T004817Z-ce786e1c1d96`, or a
unique prefix of it or of its hash part, `@ce786e1c`), `@1` (oldest), `@N`, `@latest`, `@-1` (one before
latest) or a timestamp prefix such as `@2026-11-29` (the newest version captured then). Positions move
when older history is imported later; ids never do.

A URL whose host was not archived, but is another name of an archived one (`localhost`, `127.0.0.1`
and `[::1]` with the same port; `www.` or not), resolves to the post at that path there with a warning
naming the site; two candidates are an error listing both. Another site is never searched.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from wparchive.archive.store import _SNAPSHOT_NAME, Archive, PostKey, Snapshot, host_folder, pick_version
from wparchive.errors import InputError

_VERSION = re.compile(
    r"^(latest|-?\d+|\d{4}(?:-?\d{2}(?:-?\d{2}(?:[T ]?\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?)?Z?"
    r"|\d{8}T\d{6}Z-[0-9a-f]{0,12}(?:-\d*)?|[0-9a-f]{4,12})$")  # also a stable id, or a prefix of its hash part
_REST_ROUTE = re.compile(r"/wp/v2/([^/?#]+)/(\d+)/?$")
_KEY = re.compile(r"^([^/@]+)/([^/@]+)/(\d+)$")
_HOST = re.compile(r"^(?:localhost|[\w-]+(?:\.[\w-]+)+|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$")
log = logging.getLogger("wparchive.refs")


def split_version(text: str) -> tuple[str, str | None]:
    """`ref@V` -> (ref, V); a URL's own `@` (user info) is left alone unless V looks like a version."""
    if "@" in text:
        ref, _, version = text.rpartition("@")
        if ref and _VERSION.match(version):
            return ref, version
    return text, None


def _path_and_query(url: str) -> str:
    """A URL's path and query as a person reads them: percent-decoding and NFC, no trailing slash."""
    parts = urlsplit(url.strip())
    path = unicodedata.normalize("NFC", unquote(parts.path)).rstrip("/")
    return f"{path}?{parts.query}" if parts.query else path


def _is_url(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


def _schemeless_url(ref: str) -> str | None:
    """`example.com/2024/05/slug/` or `127.0.0.1:8088/?p=3` typed without its scheme."""
    host = ref.split("/", 1)[0].split("?", 1)[0]
    if _HOST.match(host) and ("/" in ref or "?" in ref) and not Path(ref).exists():
        return "http://" + ref
    return None


def site_of(archive: Archive, ref: str) -> str | None:
    """The archived site's folder when REF names a whole site (`example.com`, `127.0.0.1:8088`, its URL
    with no path, or its folder), else None."""
    text = ref.strip()
    if _is_url(text):
        try:
            parts = urlsplit(text)
        except ValueError:  # a malformed URL ("Invalid IPv6 URL") names no site
            return None
        if parts.path.strip("/") or parts.query:
            return None
        text = parts.netloc
    text = text.rstrip("/")
    if not text or "/" in text or "@" in text or text.isdigit():
        return None
    folder = host_folder(text)
    return folder if folder and (archive.root / folder).is_dir() and not folder.startswith(".") else None


def resolve_post(archive: Archive, ref: str) -> PostKey:
    """The archived post that REF names; InputError when there is none."""
    path = Path(ref)
    if path.is_dir():
        key = _key_from_path(archive, path.resolve())
        if key is not None:
            return key
    m = _KEY.match(ref.strip("/"))
    if ref.strip().isdigit():
        return _key_from_id(archive, int(ref))
    if m and not _is_url(ref):
        key = PostKey(host_folder(m.group(1)), m.group(2), int(m.group(3)))
        if archive.versions(key):
            return key
    url = ref if _is_url(ref) else _schemeless_url(ref)
    if url is not None:
        key = _key_from_url(archive, url)
        if key is not None:
            return key
    site = site_of(archive, ref)
    if site is not None:
        raise InputError(f"{ref} names a whole site ({site}), not one post; give HOST/TYPE/ID or a post's URL "
                         "('wparchive ls' lists them)")
    hint = (" (a version is an id such as @20261202T004817Z-ce786e1c1d96, @N, @-N, @latest or a timestamp "
            "such as @2026-11-29)") if "@" in ref else ""
    raise InputError(f"{ref} is not an archived post in {archive.root}; "
                     f"'wparchive ls' lists them (REF is a URL, HOST/TYPE/ID or a folder){hint}")


def _key_from_path(archive: Archive, path: Path) -> PostKey | None:
    root = archive.root.resolve()
    if _SNAPSHOT_NAME.match(path.name):
        path = path.parent
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    if len(parts) == 3 and parts[2].isdigit():
        return PostKey(parts[0], parts[1], int(parts[2]))
    return None


def _key_from_id(archive: Archive, wanted: int) -> PostKey:
    found = [key for key in archive.posts() if key.id == wanted and archive.versions(key)]
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(f"{wanted} is the ID of {len(found)} archived posts: "
                         f"{', '.join(key.ref for key in found)}; give one of them")
    raise InputError(f"no archived post has the ID {wanted} in {archive.root}; 'wparchive ls' lists them")


def _key_from_url(archive: Archive, url: str) -> PostKey | None:
    try:
        host = host_folder(url)
        parts = urlsplit(url)
    except ValueError:
        return None
    same_host = _matches_on(archive, url, host)
    if same_host is not None:
        return same_host
    # The host as typed is not archived (localhost for 127.0.0.1, www. or not): the same path on
    # another archived site, said plainly, or the candidates when there is more than one.
    if (archive.root / host).is_dir():
        return None
    found = [key for key in (_matches_on(archive, url, other) for other in _hosts(archive)
                             if _same_site(host, other)) if key is not None]
    if len(found) == 1:
        log.warning("%s is not an archived site; %s matched on %s by its path", parts.netloc, found[0].ref,
                    found[0].host)
        return found[0]
    if found:
        raise InputError(f"{parts.netloc} is not an archived site and that path matches posts of "
                         f"{len(found)} sites: {', '.join(key.ref for key in found)}; give one of them")
    return None


_LOOPBACK = re.compile(r"^(?:localhost|127(?:\.\d{1,3}){3}|ipv6_--1|ipv6_0-0-0-0-0-0-0-1)$")


def _site_name(folder: str) -> tuple[str, str]:
    """A host folder as (name, port), with the names of one machine made equal: every loopback name
    is one, and `www.` is dropped."""
    name, _, port = folder.rpartition("_")
    if not (name and port.isdigit()):
        name, port = folder, ""
    if _LOOPBACK.match(name):
        return "loopback", port
    return name.removeprefix("www."), port


def _same_site(a: str, b: str) -> bool:
    return a != b and _site_name(a) == _site_name(b)


def _hosts(archive: Archive) -> list[str]:
    if not archive.root.is_dir():
        return []
    return sorted(p.name for p in archive.root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _matches_on(archive: Archive, url: str, host: str) -> PostKey | None:
    split = urlsplit(url)
    query = parse_qs(split.query)
    route = query.get("rest_route", [split.path])[0]
    m = _REST_ROUTE.search(route)
    if m:
        key = PostKey(host, m.group(1), int(m.group(2)))
        return key if archive.versions(key) else None
    wanted_id = None
    for name in ("p", "page_id", "post"):
        if query.get(name, [""])[0].isdigit():
            wanted_id = int(query[name][0])
    if not (archive.root / host).is_dir():
        return None
    keys = [k for k in archive.posts() if k.host == host]
    if wanted_id is not None:
        return next((key for key in keys if key.id == wanted_id), None)
    wanted = _path_and_query(url)
    # Reading and parsing every post's snapshot.json is what makes a URL slow to resolve (about 0.2 ms a
    # post, see bench/refs.py); the path's last segment, in any of the forms it is stored in, picks the
    # few worth parsing. Should that miss a post stored some other way, the full scan still finds it.
    needles = _needles(wanted)
    found = _scan(keys, archive, wanted, needles) if needles else None
    return found if found is not None else _scan(keys, archive, wanted, ())


def _needles(path_and_query: str) -> tuple[bytes, ...]:
    segment = path_and_query.split("?", 1)[0].rstrip("/").rpartition("/")[2].lower()
    if not segment:
        return ()
    forms = {segment, quote(segment, safe=""), json.dumps(segment)[1:-1]}
    return tuple(form.lower().encode("utf-8") for form in forms)


def _scan(keys: list[PostKey], archive: Archive, wanted: str, needles: tuple[bytes, ...]) -> PostKey | None:
    for key in keys:
        latest = archive.latest(key)
        if latest is None:
            continue
        if needles:
            try:
                data = (latest.path / "snapshot.json").read_bytes().lower()
            except OSError:
                continue
            if not any(needle in data for needle in needles):
                continue
        try:
            meta = latest.meta()
        except InputError:  # one damaged snapshot (verify reports it) must not hide the rest
            continue
        urls = [meta.get("link") or "", (meta.get("source") or {}).get("url") or ""]
        if any(u and _path_and_query(str(u)) == wanted for u in urls):
            return key
    return None


def resolve_snapshot(archive: Archive, text: str) -> Snapshot:
    """`REF[@V]` (or a snapshot folder) to one stored version; the latest when no @V is given."""
    path = Path(text)
    if path.is_dir() and _SNAPSHOT_NAME.match(path.name) and (path / "snapshot.json").is_file():
        key = _key_from_path(archive, path.resolve())
        if key is not None:
            for snapshot in archive.versions(key):
                if snapshot.name == path.name:
                    return snapshot
        # A snapshot folder outside this archive still names one version of something.
        return Snapshot(PostKey("", "", 0), path, 0)
    ref, spec = split_version(text)
    key = resolve_post(archive, ref)
    return pick_version(key, archive.versions(key), spec)
