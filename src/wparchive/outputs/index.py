"""The search index: SQLite FTS5 over every version's clean text, in `ARCHIVE/.index.sqlite`.

The snapshots stay the source of truth; the index is derived from them and can be dropped and rebuilt at
any time. It is kept up to date by a listener on the archive (`attach`): each new snapshot is added as soon
as it is in place, in the same run, without the archive stage knowing about this one. The database is in
WAL mode and searches open it read-only, so a search never waits for a capture and never holds one up.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wparchive.archive.store import Archive, PostKey, Snapshot, host_folder
from wparchive.errors import InputError

log = logging.getLogger(__name__)

INDEX_SCHEMA = "1"
HIT_START, HIT_END = "\x02", "\x03"  # snippet() markers; clean text never holds control characters
BUSY_MS = 30_000

# Two tables: `docs` (small rows: what a search filters and shows) and `texts` (the text FTS5 indexes and
# snippets are cut from), so that filtering thousands of matches never reads the texts.
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,        -- host/type/id/version-id, as in the archive
    post TEXT NOT NULL,               -- host/type/id: the REF
    host TEXT NOT NULL,
    rest_base TEXT NOT NULL,
    name TEXT NOT NULL,               -- the version id (snapshot folder name)
    captured_at TEXT NOT NULL,
    title TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,        -- post.txt's sha256 from snapshot.json: what `verify` compares
    latest INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS docs_post ON docs (post, name);
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    title, body, content='texts', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS texts_ai AFTER INSERT ON texts BEGIN
    INSERT INTO fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER IF NOT EXISTS texts_ad AFTER DELETE ON texts BEGIN
    INSERT INTO fts (fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER IF NOT EXISTS docs_ad AFTER DELETE ON docs BEGIN
    DELETE FROM texts WHERE id = old.id;
END;
"""


def _connect_rw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # the index can always be rebuilt; the archive is fsynced
    conn.executescript(_TABLES)
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (INDEX_SCHEMA,))
    return conn


def _unreadable(path: Path, exc: Exception | str) -> InputError:
    return InputError(f"{path}: the search index is unreadable ({exc}); run 'wparchive index --rebuild'")


def _split_text(text: str) -> tuple[str, str]:
    """post.txt is the title, a blank line, the body."""
    title, sep, body = text.partition("\n\n")
    return (title, body) if sep else ("", text)


def _row(snapshot: Snapshot) -> tuple[Any, ...]:
    meta = snapshot.meta()
    files = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    entry = files.get("post.txt") if isinstance(files.get("post.txt"), dict) else {}
    _, body = _split_text(snapshot.read_text("post.txt"))
    key = snapshot.key
    return (f"{key.ref}/{snapshot.name}", key.ref, key.host, key.rest_base, snapshot.name,
            str(meta.get("captured_at") or ""), str(meta.get("title") or ""), body, str(entry.get("sha256") or ""))


def _insert(conn: sqlite3.Connection, snapshot: Snapshot) -> None:
    """Index one snapshot (`latest` is set afterwards, by _mark_latest)."""
    path, post, host, rest_base, name, captured_at, title, body, sha = _row(snapshot)
    rowid = conn.execute("INSERT INTO docs (path, post, host, rest_base, name, captured_at, title, text_sha256) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (path, post, host, rest_base, name, captured_at, title,
                                                             sha)).lastrowid
    conn.execute("INSERT INTO texts (id, title, body) VALUES (?, ?, ?)", (rowid, title, body))


def _mark_latest(conn: sqlite3.Connection, archive: Archive, ref: str) -> None:
    """Flag the post's latest version, in the archive's own order (versions of one second are ordered by
    their `sequence`, not by their names)."""
    host, rest_base, ident = ref.split("/")
    versions = archive.versions(PostKey(host, rest_base, int(ident)))
    latest = versions[-1].name if versions else ""
    conn.execute("UPDATE docs SET latest = (name = ?) WHERE post = ?", (latest, ref))


@dataclass(frozen=True)
class SyncResult:
    indexed: int
    added: int
    removed: int


@dataclass(frozen=True)
class Hit:
    ref: str
    version_id: str
    captured_at: str
    title: str
    snippet: str  # matches between HIT_START and HIT_END
    latest: bool
    rank: float

    def to_json(self) -> dict[str, Any]:
        return {"ref": self.ref, "version_id": self.version_id, "captured_at": self.captured_at,
                "title": self.title, "snippet": self.snippet.replace(HIT_START, "").replace(HIT_END, ""),
                "highlighted": self.snippet.replace(HIT_START, "**").replace(HIT_END, "**"),
                "latest": self.latest, "rank": round(self.rank, 6)}


def _on_disk(archive: Archive) -> Iterator[Snapshot]:
    for key in archive.posts():
        yield from archive.versions(key)


class SearchIndex:
    """The index of one archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.path = archive.index_path
        self._writer: sqlite3.Connection | None = None
        self._writer_inode: int | None = None

    # -- writing: SQLite's own lock (BEGIN IMMEDIATE, waiting up to BUSY_MS) keeps one writer at a time, also
    # across processes archiving different sites (each holds only its own site's lock) -----------------
    def sync(self, rebuild: bool = False) -> SyncResult:
        """Bring the index in line with the snapshots: add what is missing, drop what is gone.
        With `rebuild`, start from an empty index (a damaged index file is replaced)."""
        if rebuild:
            self.drop()
        try:
            conn = _connect_rw(self.path)
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self.path, exc) from None
        try:
            conn.execute("BEGIN IMMEDIATE")
            indexed = {path: rowid for rowid, path in conn.execute("SELECT id, path FROM docs")}
            touched: set[str] = set()
            added = 0
            for snapshot in _on_disk(self.archive):
                path = f"{snapshot.key.ref}/{snapshot.name}"
                if indexed.pop(path, None) is None:
                    _insert(conn, snapshot)
                    touched.add(snapshot.key.ref)
                    added += 1
            for path, rowid in indexed.items():
                conn.execute("DELETE FROM docs WHERE id = ?", (rowid,))
                touched.add(path.rsplit("/", 1)[0])
            for post in touched:
                _mark_latest(conn, self.archive, post)
            total = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
            conn.execute("COMMIT")
            if rebuild:
                conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
            return SyncResult(total, added, len(indexed))
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self.path, exc) from None
        finally:
            conn.close()

    def drop(self) -> None:
        """Delete the index (it is only ever derived from the snapshots)."""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def add(self, snapshot: Snapshot) -> None:
        """Index one new snapshot (the archive's listener). The connection stays open between captures: closing
        the last one checkpoints the WAL, which would cost a sync per capture."""
        conn = self._writer_connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM docs WHERE path = ?", (f"{snapshot.key.ref}/{snapshot.name}",))
            _insert(conn, snapshot)
            _mark_latest(conn, self.archive, snapshot.key.ref)
            conn.execute("COMMIT")
        except BaseException:
            self.close()
            raise

    def _writer_connection(self) -> sqlite3.Connection:
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            inode = None
        if self._writer is not None and inode != self._writer_inode:  # dropped or rebuilt meanwhile
            self.close()
        if self._writer is None:
            self._writer = _connect_rw(self.path)
            self._writer_inode = os.stat(self.path).st_ino
        return self._writer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # -- reading -----------------------------------------------------------------------------------------
    def _connect_ro(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise InputError(f"{self.archive.root} has no search index yet; run 'wparchive index' to build it")
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_MS / 1000)
            schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self.path, exc) from None
        if schema != (INDEX_SCHEMA,):
            conn.close()
            raise _unreadable(self.path, f"made by another version of wparchive: schema {schema and schema[0]}")
        return conn

    def search(self, query: str, *, site: str | None = None, type_: str | None = None, since: str | None = None,
               all_versions: bool = False, limit: int = 20) -> list[Hit]:
        """Versions matching an FTS5 query, best first (bm25, a title match weighing ten times a body match)."""
        where, params = ["fts MATCH ?"], [query]
        if site:
            where.append("d.host = ?")
            params.append(host_folder(site))
        if type_:
            where.append("d.rest_base = ?")
            params.append(type_)
        if since:
            where.append("d.captured_at >= ?")
            params.append(since)
        if not all_versions:
            where.append("d.latest = 1")
        # Ranked first, snippets after for the few rows shown: snippet() on every match would cost the most.
        sql = (f"SELECT fts.rowid, d.post, d.name, d.captured_at, d.title, d.latest, bm25(fts, 10.0, 1.0) AS rank "
               f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE {' AND '.join(where)} "
               f"ORDER BY rank, d.captured_at DESC LIMIT ?")
        snippet_sql = (f"SELECT snippet(fts, -1, '{HIT_START}', '{HIT_END}', '…', 16) FROM fts "
                       "WHERE fts MATCH ? AND rowid = ?")
        conn = self._connect_ro()
        try:
            try:
                rows = conn.execute(sql, [*params, limit]).fetchall()
            except sqlite3.OperationalError:
                # Not FTS5 syntax (a hyphen, a colon, a stray quote): search for the words in it as they are.
                words = re.findall(r"\w+", query)
                if not words:
                    raise InputError(f"the search QUERY {query!r} has no words to search for") from None
                params[0] = " ".join(f'"{word}"' for word in words)
                rows = conn.execute(sql, [*params, limit]).fetchall()
            hits = []
            for rowid, post, name, at, title, latest, rank in rows:
                snippet = conn.execute(snippet_sql, (params[0], rowid)).fetchone()[0] or ""
                hits.append(Hit(post, name, at, title, " ".join(snippet.split()), bool(latest), rank))
        except sqlite3.DatabaseError as exc:
            raise _unreadable(self.path, exc) from None
        finally:
            conn.close()
        return hits

    def check(self) -> list[str]:
        """How the index disagrees with the snapshots, one line each; [] when it agrees or does not exist."""
        if not self.path.is_file():
            return []
        try:
            conn = self._connect_ro()
            indexed = {path: sha for path, sha in conn.execute("SELECT path, text_sha256 FROM docs")}
            conn.close()
        except (InputError, sqlite3.DatabaseError) as exc:
            return [f"index: {self.path.name}: {exc}"]
        missing = stale = 0
        for snapshot in _on_disk(self.archive):
            path = f"{snapshot.key.ref}/{snapshot.name}"
            sha = indexed.pop(path, None)
            if sha is None:
                missing += 1
                continue
            try:
                files = snapshot.meta().get("files") or {}
                if (files.get("post.txt") or {}).get("sha256") != sha:
                    stale += 1
            except (InputError, AttributeError):
                stale += 1
        lines = []
        hint = "run 'wparchive index' to bring it up to date"
        if missing:
            lines.append(f"index: {self.path.name}: {missing} snapshots are not in the search index; {hint}")
        if indexed:
            lines.append(f"index: {self.path.name}: {len(indexed)} indexed snapshots are not in the archive; {hint}")
        if stale:
            lines.append(f"index: {self.path.name}: {stale} snapshots' text differs from the search index; "
                         "run 'wparchive index --rebuild'")
        return lines


def attach(archive: Archive) -> SearchIndex:
    """Keep `archive`'s search index up to date with every capture from now on (building it first if it
    does not exist yet). An index that cannot be written is reported, never a reason to lose a capture."""
    index = SearchIndex(archive)
    state = {"broken": False}
    if archive.root.is_dir() and not index.path.exists():
        try:
            index.sync()
        except (sqlite3.DatabaseError, InputError, OSError) as exc:
            log.warning("the search index %s could not be built (%s); run 'wparchive index --rebuild'",
                        index.path, exc)
            state["broken"] = True

    def listener(snapshot: Snapshot) -> None:
        if state["broken"]:
            return
        try:
            index.add(snapshot)
        except (sqlite3.DatabaseError, InputError, OSError) as exc:
            state["broken"] = True  # said once; `verify` will show the index is behind
            log.warning("the search index %s was not updated (%s); run 'wparchive index --rebuild'",
                        index.path, exc)

    archive.listeners.append(listener)
    return index

