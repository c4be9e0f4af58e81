"""The archive on disk: immutable, versioned snapshots of posts, written atomically under a lock.

    <root>/<host>/<rest_base>/<id>/<YYYYMMDDTHHMMSSZ>-<hash12>/{response.json,post.txt,post.md,snapshot.json}
    <root>/<host>/<rest_base>/<id>/events.json      (what runs saw that is no version: archive/events.py)

A snapshot is written into a temporary folder beside its final place and renamed into place only
when every file is written and fsynced, so a crash leaves either nothing or a whole snapshot.

Past 400 lines for a reason: this module owns every path inside the archive (snapshots, state files,
events files, comment snapshots, media store and lists), so that no other module composes one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wparchive import __version__
from wparchive.archive import events
from wparchive.archive.versions import (  # noqa: F401 - re-exported: the store's public names
    _SNAPSHOT_NAME,
    _TIME_FORMAT,
    CaptureResult,
    PostKey,
    Snapshot,
    _time_order,
    pick_version,
)
from wparchive.errors import EXIT_BUSY, InputError, WparchiveError
from wparchive.fsutil import fsync_dir, safe_name, write_file
from wparchive.model import Post, Source, redact_secrets
from wparchive.render.document import CONVERTER, content_hash, metadata, render_markdown, render_text

SCHEMA = 1
FILES = ("response.json", "post.txt", "post.md")
TMP_PREFIX = ".tmp-"
LOCKS_FOLDER = ".locks"  # one lock file per site folder
STATE_NAME = ".state.json"  # whole-site progress, one per post type folder
SITE_STATE_NAME = ".site.json"  # whole-site runs: what was learnt about a site (API root, quirks)
COMMENTS_DIR = "comments"  # a post's comments, versioned apart from it: <post>/comments/<snapshot>/
COMMENT_FILES = ("comments.json", "comments.txt")
COMMENTS_STATE_NAME = ".comments-state.json"  # whole-site comment listing progress, one per site
MEDIA_ROOT = ".media"  # the archive's media files by sha256 (archive/media.py), shared by every site
MEDIA_LISTS = "media"  # <post>/media/<snapshot name>.json: the media one snapshot uses
INDEX_NAME = ".index.sqlite"  # the search index (outputs/index.py): derived from the snapshots, rebuildable
EVENTS_NAME = "events.json"  # <post>/events.json: what a run saw that is no version (archive/events.py)


class LockedError(WparchiveError):
    """Another process holds the archive's lock: neither bad input nor a remote failure, so its own
    exit code (5), which a script can take as "try again later"."""

    exit_code = EXIT_BUSY


def host_folder(url_or_host: str) -> str:
    """Lower-cased host, a port as host_port; sanitised so no server can choose a path."""
    parts = urlsplit(url_or_host if "//" in url_or_host else "//" + url_or_host)
    try:
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        host, port = "", None
    if ":" in host:  # an IPv6 address: keep it readable and distinct from any host name
        host = "ipv6_" + host.replace(":", "-")
    name = f"{host}_{port}" if port else host
    return safe_name(name, "unknown-host")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class Archive:
    """A folder of snapshots with a small API shared by the CLI and the site crawler."""

    def __init__(self, root: Path | str, lock_timeout: float = 30.0) -> None:
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        self._held: dict[str, tuple[Any, int]] = {}  # host folder -> (open lock file, depth)
        # Called with each new snapshot once it is in place (still under the lock). Later stages hook in
        # here (the search index) without the archive importing them; a listener's failure is its own.
        self.listeners: list[Callable[[Snapshot], None]] = []

    # -- locking ---------------------------------------------------------------------------
    def lock_path(self, host: str) -> Path:
        """The lock file of one site's folder (`.locks/<host>.lock`, beside the sites), or of the media
        store that every site shares (`.locks/.media.lock`)."""
        name = host if host == MEDIA_ROOT else safe_name(host, "unknown-host")  # the shared media store's lock
        return self.root / LOCKS_FOLDER / f"{name}.lock"

    @contextmanager
    def lock(self, host: str) -> Iterator[None]:
        """Hold the write lock of one site's folder (`host` as `host_folder` names it); waits up to
        `lock_timeout` seconds for another process. Locks are per site, so processes archiving
        different sites into one archive run side by side; the same site has one writer at a time."""
        held = self._held.get(host)
        if held:
            self._held[host] = (held[0], held[1] + 1)
            try:
                yield
            finally:
                f, depth = self._held[host]
                self._held[host] = (f, depth - 1)
            return
        path = self.lock_path(host)
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path, "a+b")  # noqa: SIM115 - held for the with-block
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    f.close()
                    raise LockedError(
                        f"another wparchive process is writing {host} in {self.root} (waited "
                        f"{self.lock_timeout:g}s for its lock); try again when it has finished") from None
                time.sleep(0.1)
        self._held[host] = (f, 1)
        try:
            yield
        finally:
            del self._held[host]
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            f.close()

    def writer_active(self, host: str) -> bool:
        """True while a process holds the write lock of one site (its temporaries are live, not stray)."""
        if self._held.get(host):
            return True
        try:
            f = open(self.lock_path(host), "rb")  # noqa: SIM115 - closed below
        except OSError:
            return False
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            f.close()  # closing drops a shared lock taken here
        return False

    # -- writing ---------------------------------------------------------------------------
    def type_folder(self, site_url: str, rest_base: str) -> Path:
        """The folder of one post type of one site: the same sanitised names as the snapshots in it."""
        return self.root / host_folder(site_url) / safe_name(rest_base, "posts")

    def state_path(self, site_url: str, rest_base: str) -> Path:
        """Where whole-site runs keep their progress for one post type (`.state.json`)."""
        return self.type_folder(site_url, rest_base) / STATE_NAME

    @property
    def index_path(self) -> Path:
        """Where the search index lives (with SQLite's -wal and -shm files beside it)."""
        return self.root / INDEX_NAME

    def site_state_path(self, site_url: str) -> Path:
        """Where whole-site runs remember what they learnt about a site (API root, its quirks)."""
        return self.root / host_folder(site_url) / SITE_STATE_NAME

    def key_for(self, post: Post, site_url: str | None = None, rest_base: str | None = None) -> PostKey:
        """Where a post is filed. A live capture is filed under the site it was fetched from, never
        under the host its `link` claims (a server could otherwise overwrite another site's posts);
        a dump has only its `link` to go by."""
        if post.id is None or post.id <= 0:
            raise InputError(f"post {post.slug or post.title_html!r} has no valid id, so it cannot be archived")
        host = host_folder(site_url) if site_url else "unknown-host"
        if host == "unknown-host":
            host = host_folder(post.link or "")
        return PostKey(host, safe_name(rest_base or post.rest_base, "posts"), post.id)

    def capture(self, post: Post, source: Source, raw: bytes, *, site_url: str | None = None,
                rest_base: str | None = None, captured_at: datetime | None = None,
                salvage: dict[str, Any] | None = None, compare_before: bool = False,
                with_credentials: bool | None = None, extra: dict[str, Any] | None = None,
                skip_rendering: bool = False) -> CaptureResult:
        """Store `post` as a new version unless its content hash equals a version it would sit next to.

        A live capture is compared with the latest version and with the latest one made the same way
        (`with_credentials`: pages render differently per visitor). With `compare_before` (an imported
        revision, dated in the past) the versions just before and just after `captured_at` are.
        `extra` goes into snapshot.json (a revision's id, who saved it). A capture whose text changed
        while the post did not is a rendering change: stored, and marked, unless `skip_rendering`.
        """
        key = self.key_for(post, site_url, rest_base)
        digest = content_hash(post)
        back = False
        raw, redacted = redact_secrets(raw)
        if redacted:
            source = replace(source, redacted=tuple(redacted))
        with self.lock(key.host):
            post_dir = self.post_dir(key)
            post_dir.mkdir(parents=True, exist_ok=True)
            self._remove_stale_temporaries(post_dir)
            when = captured_at or utc_now()
            stamp = when.strftime(_TIME_FORMAT)
            existing = self.versions(key)
            if compare_before:
                before = [s for s in existing if s.name[:16] <= stamp]
                after = [s for s in existing if s.name[:16] > stamp]
                neighbours = before[-1:] + after[:1]
                compared = before[-1] if before else None
            else:
                neighbours = existing[-1:]
                compared = _latest_made_like(existing, with_credentials)
                if compared is not None and compared not in neighbours:
                    neighbours.append(compared)
                # Seen hidden or gone since its latest version: back now, which is a version of its own.
                if existing and events.open_event(self.events_path(key), existing[-1].name) is not None:
                    neighbours, back = [], True
            for neighbour in neighbours:
                if _content_hash_of(neighbour) == digest:
                    return CaptureResult("unchanged", neighbour)
            # A post back after an event is a version whatever changed (never a skipped rendering).
            rendering = not back and compared is not None and _is_rendering_change(compared, post)
            if rendering and skip_rendering:
                assert compared is not None
                return CaptureResult("skipped", compared, rendering=True)
            # No invented times: two versions in one second keep that second, and their order is kept
            # by `sequence` (1 for the first version of a second).
            same_second = [s for s in existing if s.name[:16] == stamp]
            names = {s.name for s in existing}
            name = f"{stamp}-{digest[:12]}"
            n = 2
            while name in names:
                name = f"{stamp}-{digest[:12]}-{n}"
                n += 1
            meta_extra: dict[str, Any] = {"with_credentials": with_credentials}
            if same_second:
                meta_extra["sequence"] = len(same_second) + 1
            if rendering:
                meta_extra["change"] = "rendering"
            meta_extra.update(extra or {})
            # Its place among the versions: after every version of its second and before (without
            # listing the folder again).
            version = sum(1 for s in existing if s.name[:16] <= stamp) + 1
            snapshot = Snapshot(key, post_dir / name, version)
            try:
                self._write_snapshot(post_dir, name, post, source, raw, when, digest, salvage, meta_extra)
            finally:
                # Once in place, a snapshot is told to the listeners (the search index) even when an
                # interrupt arrives while its folder entry is made durable: the index never lags.
                if (post_dir / name).is_dir():
                    for listener in self.listeners:
                        listener(snapshot)
            return CaptureResult("new", snapshot, rendering=rendering)

    def _write_snapshot(self, post_dir: Path, name: str, post: Post, source: Source, raw: bytes,
                        when: datetime, digest: str, salvage: dict[str, Any] | None,
                        extra: dict[str, Any]) -> None:
        files = {
            "response.json": raw,
            "post.txt": render_text(post).encode("utf-8"),
            "post.md": render_markdown(post, source=source.label).encode("utf-8"),
        }
        meta: dict[str, Any] = {
            "schema": SCHEMA,
            "wparchive": __version__,
            "version_id": name,
            "captured_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": source.to_json(),
        }
        meta.update(metadata(post))
        if post.withheld:  # a later run with the password replaces it with the content, as a new version
            meta["content_withheld"] = True
        meta["content_hash"] = digest
        if post.content_raw is not None:  # tells a rendering change from an edit
            meta["content_raw_sha256"] = sha256(post.content_raw.encode("utf-8"))
        meta.update(extra)
        meta["converter"] = CONVERTER
        meta["files"] = {n: {"sha256": sha256(data), "size": len(data)} for n, data in files.items()}
        meta["salvage"] = salvage
        files["snapshot.json"] = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        tmp = post_dir / f"{TMP_PREFIX}{name}-{secrets.token_hex(4)}"
        try:  # the folder is made inside: an interrupt right after mkdir still removes it
            tmp.mkdir()
            for file_name, data in files.items():
                write_file(tmp / file_name, data)
            fsync_dir(tmp)
            os.rename(tmp, post_dir / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        fsync_dir(post_dir)

    def remove_stale_temporaries(self, site_url: str, rest_base: str) -> None:
        """Remove what killed processes left in one type's folder: temporary snapshot folders and
        temporary state files. Call it under the lock."""
        folder = self.type_folder(site_url, rest_base)
        if not folder.is_dir():
            return
        for child in folder.glob(f"*/{TMP_PREFIX}*"):
            shutil.rmtree(child, ignore_errors=True)
        for child in folder.glob(".*.tmp"):
            child.unlink(missing_ok=True)
        for child in folder.glob(f"*/.{EVENTS_NAME}.*.tmp"):
            child.unlink(missing_ok=True)

    def _remove_stale_temporaries(self, post_dir: Path) -> None:
        # Safe under the lock: no other process can be writing into this folder now.
        for child in post_dir.iterdir():
            if child.name.startswith(TMP_PREFIX) and child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            elif _is_events_temporary(child.name):
                child.unlink(missing_ok=True)

    # -- reading ---------------------------------------------------------------------------
    def post_dir(self, key: PostKey) -> Path:
        return self.root / key.host / key.rest_base / str(key.id)

    def events_path(self, key: PostKey) -> Path:
        """Where a post's history events (hidden, gone) are kept, beside its snapshots."""
        return self.post_dir(key) / EVENTS_NAME

    def comments_dir(self, key: PostKey) -> Path:
        """Where a post's comment snapshots live (named like post snapshots, and as immutable)."""
        return self.post_dir(key) / COMMENTS_DIR

    def comments_state_path(self, site_url: str) -> Path:
        """Where whole-site comment runs keep how far they have listed."""
        return self.root / host_folder(site_url) / COMMENTS_STATE_NAME

    def media_root(self) -> Path:
        return self.root / MEDIA_ROOT

    def media_blob_path(self, digest: str) -> Path:
        """Where the media file with this sha256 is kept (two-character fan-out, like git's objects)."""
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise InputError(f"{digest!r} is not a sha256")
        return self.media_root() / digest[:2] / digest

    def media_index_path(self) -> Path:
        return self.media_root() / "index.jsonl"

    def media_items_path(self, site_url: str) -> Path:
        """A site's attachments as an export file lists them (id, URL, title, parent post, date)."""
        return self.root / host_folder(site_url) / "media-items.json"

    def media_list_path(self, snapshot: Snapshot) -> Path:
        """The list of media one snapshot uses (kept beside the immutable snapshot, named after it)."""
        return self.post_dir(snapshot.key) / MEDIA_LISTS / f"{snapshot.name}.json"

    def comment_snapshots(self, key: PostKey) -> list[Path]:
        """A post's comment snapshot folders, oldest first."""
        folder = self.comments_dir(key)
        if not folder.is_dir():
            return []
        return sorted(c for c in folder.iterdir() if _SNAPSHOT_NAME.match(c.name) and c.is_dir())

    def versions(self, key: PostKey) -> list[Snapshot]:
        """Every stored version of one post, oldest first."""
        post_dir = self.post_dir(key)
        if not post_dir.is_dir():
            return []
        names = sorted(c.name for c in post_dir.iterdir() if _SNAPSHOT_NAME.match(c.name) and c.is_dir())
        return [Snapshot(key, post_dir / n, i) for i, n in enumerate(_time_order(post_dir, names), 1)]

    def posts(self) -> Iterator[PostKey]:
        """Every archived post, in path order."""
        if not self.root.is_dir():
            return
        for host in sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for base in sorted(p for p in host.iterdir() if p.is_dir()):
                ids = [p.name for p in base.iterdir() if p.is_dir() and p.name.isascii() and p.name.isdigit()]
                for ident in sorted(ids, key=int):
                    yield PostKey(host.name, base.name, int(ident))

    def posts_of_type(self, site_url: str, rest_base: str) -> Iterator[PostKey]:
        """The archived posts of one post type of one site (named as the site run names them)."""
        folder = self.type_folder(site_url, rest_base)
        for key in self.posts():
            if key.host == folder.parent.name and key.rest_base == folder.name:
                yield key

    def read(self, key: PostKey, version: str | None = None) -> Snapshot:
        """One stored version: `version` as in `REF@V` ("1", "-1", "latest", a timestamp prefix)."""
        return pick_version(key, self.versions(key), version)

    def latest(self, key: PostKey) -> Snapshot | None:
        versions = self.versions(key)
        return versions[-1] if versions else None

    # -- checking --------------------------------------------------------------------------
    def verify(self) -> tuple[int, list[Problem]]:
        """Re-hash every stored file against its manifest; report mismatches and stray writes."""
        checked = 0
        problems: list[Problem] = []
        if not self.root.is_dir():
            return 0, problems
        # atomic_write's temporary files (a state file's) left by a killed process.
        for leftover in sorted(self.root.glob("*/*/.*.tmp")) + sorted(self.root.glob("*/.*.tmp")):
            if self._stray(leftover):
                problems.append(Problem(leftover, "stray", "an interrupted write's temporary file; safe to delete"))
        for key in self.posts():
            post_dir = self.post_dir(key)
            for child in sorted(post_dir.iterdir()):
                if child.name.startswith(TMP_PREFIX):
                    if self._stray(child):
                        problems.append(Problem(child, "stray", "an interrupted capture's temporary folder; "
                                                               "safe to delete"))
                elif _SNAPSHOT_NAME.match(child.name) and child.is_dir():
                    checked += 1
                    problems.extend(verify_snapshot(child))
                elif child.name in (COMMENTS_DIR, MEDIA_LISTS) and child.is_dir():
                    pass  # checked by archive/comments.py and archive/media.py (`wparchive verify` runs all)
                elif child.name == EVENTS_NAME and child.is_file():
                    why = events.problem(child)
                    if why:
                        problems.append(Problem(child, "unreadable", why))
                elif _is_events_temporary(child.name):
                    if self._stray(child):
                        problems.append(Problem(child, "stray", "an interrupted write's temporary file; "
                                                               "safe to delete"))
                else:
                    problems.append(Problem(child, "unexpected", "not a snapshot folder"))
        return checked, problems

    def _stray(self, temporary: Path) -> bool:
        # A temporary is live while a writer holds the lock (it is renamed or removed before the lock
        # is released); it is stray only if it still exists once no writer holds the lock.
        try:
            host = temporary.relative_to(self.root).parts[0]
        except (ValueError, IndexError):
            return temporary.exists()
        return not self.writer_active(host) and temporary.exists()


def _is_events_temporary(name: str) -> bool:
    return name.startswith(f".{EVENTS_NAME}.") and name.endswith(".tmp")  # atomic_write's, for events.json


def _latest_made_like(versions: list[Snapshot], with_credentials: bool | None) -> Snapshot | None:
    """The latest version captured the same way (with or without credentials), else the latest."""
    if with_credentials is not None:
        for snapshot in reversed(versions):
            try:
                made = snapshot.meta().get("with_credentials")
            except InputError:
                continue
            if made == with_credentials:
                return snapshot
    return versions[-1] if versions else None


def _is_rendering_change(compared: Snapshot, post: Post) -> bool:
    """True when the post is as it was (same `modified_gmt`, same raw content where both are known):
    what changed is how the site rendered it (a dynamic block, a random gallery, a theme update)."""
    try:
        meta = compared.meta()
    except InputError:
        return False
    if not post.modified_gmt or meta.get("modified_gmt") != post.modified_gmt:
        return False
    if meta.get("content_withheld") != (True if post.withheld else None):
        return False  # a protected post's content arriving (a password given), or withheld again
    now = metadata(post)
    if any(meta.get(f) != now[f] for f in ("slug", "status", "link", "date_gmt", "author", "categories", "tags")):
        return False  # a change of status or terms is the site's, however it was saved
    known = meta.get("content_raw_sha256")
    return not (known and post.content_raw is not None and known != sha256(post.content_raw.encode("utf-8")))


@dataclass(frozen=True)
class Problem:
    path: Path
    kind: str  # "mismatch", "missing", "unexpected", "stray", "unreadable"
    detail: str

    def line(self, root: Path) -> str:
        try:
            shown = self.path.relative_to(root)
        except ValueError:
            shown = self.path
        return f"{self.kind}: {shown}: {self.detail}"


def _content_hash_of(snapshot: Snapshot) -> str | None:
    """A version's content hash; None when its snapshot.json is damaged (then a capture is new)."""
    try:
        return snapshot.meta().get("content_hash")
    except InputError:
        return None


def verify_snapshot(folder: Path, allowed: tuple[str, ...] = FILES) -> list[Problem]:
    """Re-hash one snapshot folder's files against its manifest (`allowed`: the file names it may hold)."""
    try:
        meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
        manifest = meta["files"]
        if not isinstance(manifest, dict):
            raise ValueError("files is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [Problem(folder / "snapshot.json", "unreadable", str(exc))]
    problems = []
    for name, expected in sorted(manifest.items()):
        path = folder / str(name)
        # A tampered manifest must not make verify read devices, FIFOs or files outside the folder.
        if not isinstance(expected, dict) or name not in allowed:
            problems.append(Problem(path, "unexpected", "not a file a snapshot holds"))
            continue
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                problems.append(Problem(path, "unexpected", "not a regular file"))
                continue
            data = path.read_bytes()
        except OSError:
            problems.append(Problem(path, "missing", "listed in snapshot.json but not on disk"))
            continue
        if len(data) != expected.get("size") or sha256(data) != expected.get("sha256"):
            problems.append(Problem(path, "mismatch", "sha256 or size differs from snapshot.json"))
    for child in sorted(folder.iterdir()):
        if child.name not in manifest and child.name != "snapshot.json":
            problems.append(Problem(child, "unexpected", "not listed in snapshot.json"))
    digest = meta.get("content_hash", "")
    named = _SNAPSHOT_NAME.match(folder.name)
    if not isinstance(digest, str) or named is None or named.group(2) != digest[:12]:
        problems.append(Problem(folder, "mismatch", "folder name does not match content_hash"))
    return problems
