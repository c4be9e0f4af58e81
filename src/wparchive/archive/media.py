"""A post's media files kept with it: a content-addressed store shared by the whole archive.

    <archive>/.media/<ab>/<sha256>            each file once, however many posts use it
    <archive>/.media/index.jsonl              URL -> sha256, size, type (so re-runs download nothing held)
    <post folder>/media/<snapshot name>.json  per snapshot: URL -> sha256, size, type (or why it is missing)

Which files: the featured image, images in the content (`src`, and of a `srcset` only its largest
candidate), and links to files in the uploads. Only the site's own uploads (`/wp-content/uploads/` on
the site's host), unless `--media-host HOST` allows another host. A file that is missing (404) or too
large is recorded in the list with the reason; it never fails the capture.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from wparchive.archive.store import MEDIA_ROOT, Archive, Problem, Snapshot, sha256
from wparchive.errors import InputError, WparchiveError
from wparchive.fsutil import atomic_write, fsync_dir
from wparchive.model import Post
from wparchive.render.autop import render_raw
from wparchive.render.parse import parse_html
from wparchive.sources.discover import ApiRoot
from wparchive.sources.media import download
from wparchive.sources.rest import Client, parse_json

DEFAULT_MAX_SIZE = 50 * 2**20
UPLOADS = "/wp-content/uploads/"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_SRCSET_ITEM = re.compile(r"\s*(\S+)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*(?:,|$)")


@dataclass
class MediaResult:
    key: str
    downloaded: int = 0
    reused: int = 0
    missing: list[str] = field(default_factory=list)  # "URL: why"
    skipped: bool = False  # the snapshot's list existed already: nothing to do

    @property
    def line(self) -> str:
        what = f"media {self.key}: {self.downloaded} downloaded, {self.reused} already held"
        return what + (f", {len(self.missing)} missing" if self.missing else "")


def _largest_srcset(value: str) -> str | None:
    best, best_size = None, -1.0
    for m in _SRCSET_ITEM.finditer(value or ""):
        if not m.group(1):
            continue
        size = float(m.group(2)) if m.group(2) else 1.0
        if size > best_size:
            best, best_size = m.group(1), size
    return best


def media_urls(post: Post, base_url: str) -> list[str]:
    """Media URLs a post uses, in document order, each once (absolute, without fragments)."""
    html = render_raw(post.content_html) if post.content_is_raw else post.content_html
    found: list[str] = []
    if html.strip():
        root = parse_html(html)
        for el in root.iter("img", "a", "source", "video", "audio"):
            if el.tag == "a":
                href = el.get("href") or ""
                if UPLOADS in href:
                    found.append(href)
                continue
            if el.get("src"):
                found.append(el.get("src") or "")
            largest = _largest_srcset(el.get("srcset") or "")
            if largest:
                found.append(largest)
    out: list[str] = []
    for url in found:
        absolute = urljoin(base_url, url.strip()).split("#", 1)[0]
        if absolute.startswith(("http://", "https://")) and absolute not in out:
            out.append(absolute)
    return out


def allowed(url: str, site_url: str, hosts: Iterable[str]) -> bool:
    """The site's own uploads, or any file on a host given with --media-host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in {h.lower() for h in hosts}:
        return True
    site = urlsplit(site_url if "//" in site_url else "//" + site_url)  # --site may have no scheme
    return host == (site.hostname or "").lower() and UPLOADS in parts.path


def featured_url(client: Client, api: ApiRoot, post: Post) -> str | None:
    """The featured image's URL (one request to /wp/v2/media/ID), None when there is none or it fails."""
    ident = post.source.get("featured_media") if isinstance(post.source, dict) else None
    if not isinstance(ident, int) or isinstance(ident, bool) or ident <= 0:
        return None
    try:
        response = client.get(api.url(f"/wp/v2/media/{ident}"), {"_fields": "source_url"})
        if response.status_code >= 400:
            return None
        data = parse_json(response)
    except WparchiveError:
        return None
    url = data.get("source_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


class MediaStore:
    """The archive's media: blobs by sha256, the URL index, and each snapshot's list.

    The index is JSON Lines, appended one line per download and read once per run: a site of many
    thousand files never rewrites it whole. A line torn by a crash is skipped when read.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.root = archive.media_root()
        self._index: dict[str, Any] | None = None

    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = {}
            try:
                lines = self.archive.media_index_path().read_text(encoding="utf-8").splitlines()
            except OSError:
                lines = []
            for line in lines:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                    self._index[entry["url"]] = entry
        return self._index

    def remember(self, url: str, entry: dict[str, Any]) -> None:
        self.index()[url] = dict(entry, url=url)
        path = self.archive.media_index_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as f:
            f.write((json.dumps(dict(entry, url=url), ensure_ascii=False) + "\n").encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())

    def held(self, entry: Any) -> bool:
        return (isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and _SHA.match(entry["sha256"]) is not None
                and self.archive.media_blob_path(entry["sha256"]).is_file())

    def keep(self, tmp: Path, digest: str) -> Path:
        """Move a downloaded file into the store under its hash (once; a second copy is dropped)."""
        path = self.archive.media_blob_path(digest)
        if path.is_file():
            tmp.unlink(missing_ok=True)
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        return path


def archive_media(archive: Archive, client: Client, api: ApiRoot | None, snapshot: Snapshot, site_url: str,
                  *, hosts: Iterable[str] = (), max_size: int = DEFAULT_MAX_SIZE,
                  store: MediaStore | None = None) -> MediaResult:
    """Keep the media one stored snapshot uses; nothing is fetched when its list exists already."""
    result = MediaResult(snapshot.key.ref)
    list_path = archive.media_list_path(snapshot)
    if list_path.is_file():
        result.skipped = True
        return result
    try:
        post = Post.from_api(json.loads(snapshot.read_bytes("response.json")))
    except ValueError:
        raise InputError(f"{snapshot.path}: response.json is not JSON; run 'wparchive verify'") from None
    urls = media_urls(post, post.link or site_url)
    if api is not None:
        featured = featured_url(client, api, post)
        if featured and featured not in urls:
            urls.insert(0, featured)
    store = store or MediaStore(archive)
    hosts = list(hosts)
    entries: dict[str, Any] = {}
    # The post's site for its list, then the store shared by every site (always in this order).
    with archive.lock(snapshot.key.host), archive.lock(MEDIA_ROOT):
        index = store.index()
        for url in urls:
            if not allowed(url, site_url, hosts):
                continue
            known = index.get(url)
            if store.held(known):
                entries[url] = {k: known[k] for k in ("sha256", "size", "type")}
                result.reused += 1
                continue
            got = download(client, url, store.root, max_size, lambda u: allowed(u, site_url, hosts))
            if got.error is not None or got.path is None or got.sha256 is None:
                entries[url] = {"error": got.error, "http_status": got.status}
                result.missing.append(f"{url}: {got.error}")
                continue
            store.keep(got.path, got.sha256)
            entries[url] = {"sha256": got.sha256, "size": got.size, "type": got.type}
            store.remember(url, entries[url])
            result.downloaded += 1
        data = {"snapshot": snapshot.name, "post": snapshot.key.ref, "media": entries}
        atomic_write(list_path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return result


def local_markdown(archive: Archive, snapshot: Snapshot) -> str:
    """post.md with every archived media URL replaced by the path of its file in the archive."""
    text = snapshot.read_text("post.md")
    try:
        data = json.loads(archive.media_list_path(snapshot).read_text(encoding="utf-8"))
    except OSError:
        raise InputError(f"{snapshot.key.ref}@{snapshot.version} has no archived media; archive it with "
                         "--media first") from None
    except ValueError:
        raise InputError(f"{archive.media_list_path(snapshot)} is unreadable; run 'wparchive verify'") from None
    media = data.get("media") if isinstance(data, dict) else None
    # Longest URLs first, so that a URL that is a prefix of another never rewrites part of it.
    for url, entry in sorted((media or {}).items(), key=lambda item: -len(item[0])):
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and _SHA.match(entry["sha256"]):
            path = archive.media_blob_path(entry["sha256"]).resolve()
            text = text.replace(f"]({url})", f"]({path.as_uri()})").replace(f"]({url} ", f"]({path.as_uri()} ")
    return text


def verify_media(archive: Archive) -> tuple[int, list[Problem]]:
    """Re-hash every stored media file, and check that each snapshot's list names files that are held."""
    checked, problems = 0, []
    root = archive.media_root()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            for blob in sorted(folder.iterdir()):
                if blob.name.endswith(".tmp"):
                    problems.append(Problem(blob, "stray", "an interrupted download; safe to delete"))
                    continue
                if not _SHA.match(blob.name) or not stat.S_ISREG(os.lstat(blob).st_mode):
                    problems.append(Problem(blob, "unexpected", "not a media file of the store"))
                    continue
                checked += 1
                if sha256(blob.read_bytes()) != blob.name:
                    problems.append(Problem(blob, "mismatch", "sha256 differs from its name"))
        for leftover in sorted(root.glob(".download-*.tmp")):
            problems.append(Problem(leftover, "stray", "an interrupted download; safe to delete"))
    for key in archive.posts():
        folder = archive.post_dir(key) / "media"
        if not folder.is_dir():
            continue
        for listing in sorted(folder.iterdir()):
            try:
                data = json.loads(listing.read_text(encoding="utf-8"))
                entries = data["media"]
                assert isinstance(entries, dict)
            except (OSError, ValueError, KeyError, TypeError, AssertionError):
                problems.append(Problem(listing, "unreadable", "not a media list"))
                continue
            for url, entry in entries.items():
                digest = entry.get("sha256") if isinstance(entry, dict) else None
                if digest is None:
                    continue
                if not isinstance(digest, str) or not _SHA.match(digest) \
                        or not archive.media_blob_path(digest).is_file():
                    problems.append(Problem(listing, "missing", f"{url}: its file is not in the media store"))
    return checked, problems
