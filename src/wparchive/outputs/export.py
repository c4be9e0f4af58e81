"""Exports for researchers: JSON Lines, CSV and SQLite, one record per version, streamed.

Every format is written to a temporary file beside the target and renamed into place when complete, so an
interrupted export leaves no half-written file under the name asked for. Memory stays flat: one version is
read, written and forgotten at a time (SQLite keeps only the site and post ids seen).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from wparchive.outputs.records import Version

# The metadata every record carries, in this order (snapshot.json's names).
META_KEYS = ("id", "type", "slug", "link", "status", "title", "date_gmt", "modified_gmt", "author", "categories",
             "tags", "excerpt", "content_hash")
CSV_COLUMNS = ("ref", "version_id", "version", "latest", "captured_at", "source_kind", "source_url", "api_url",
               *META_KEYS, "text")
# A spreadsheet runs a cell starting with these as a formula (CSV injection); such cells get a leading "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A path beside `path` to write, renamed onto it only when the block ends without an error."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_output(path: Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """A file written beside `path` and renamed onto it only when complete (and on disk)."""
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())


def record(version: Version) -> dict[str, Any]:
    """One version as an export record: where it is, where it came from, its metadata and its clean text."""
    meta = version.meta
    source = version.source
    out: dict[str, Any] = {"ref": version.ref, "version_id": version.version_id, "version": version.snapshot.version,
                           "latest": version.latest, "captured_at": version.captured_at, "source": source}
    out.update({k: meta.get(k) for k in META_KEYS})
    out["text"] = version.text
    return out


def write_jsonl(versions: Iterable[Version], out: IO[bytes]) -> int:
    count = 0
    for version in versions:
        out.write(json.dumps(record(version), ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(versions: Iterable[Version], out: IO[str], bom: bool = False) -> int:
    """RFC 4180 CSV: every field quoted, CRLF between records, UTF-8 (with a BOM for Excel if asked);
    lists joined with "; "; cells that a spreadsheet would run as a formula prefixed with "'"."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for version in versions:
        rec = record(version)
        src = rec.pop("source")
        rec.update(source_kind=src.get("kind"), source_url=version.source_url, api_url=src.get("api_url"))
        writer.writerow([_cell(rec.get(c)) for c in CSV_COLUMNS])
        count += 1
    return count


_SQLITE_SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE sites (id INTEGER PRIMARY KEY, host TEXT NOT NULL UNIQUE);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    ref TEXT NOT NULL UNIQUE,
    rest_base TEXT NOT NULL,
    wp_id INTEGER NOT NULL
);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id),
    version_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    latest INTEGER NOT NULL,
    captured_at TEXT NOT NULL,
    source_kind TEXT, source_url TEXT, api_url TEXT, http_status INTEGER,
    type TEXT, slug TEXT, link TEXT, status TEXT, title TEXT, date_gmt TEXT, modified_gmt TEXT,
    author TEXT, excerpt TEXT, content_hash TEXT, text TEXT,
    UNIQUE (post_id, version_id)
);
CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    taxonomy TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX posts_site ON posts (site_id);
CREATE INDEX versions_post ON versions (post_id);
CREATE INDEX terms_version ON terms (version_id);
CREATE INDEX terms_name ON terms (taxonomy, name);
"""


def write_sqlite(versions: Iterable[Version], path: Path) -> int:
    """A database with tables sites, posts, versions and terms, linked by foreign keys (Datasette and
    sqlite-utils open it as it is). `path` must not exist yet: the caller renames it into place."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_SQLITE_SCHEMA)
        sites: dict[str, int] = {}
        posts: dict[str, int] = {}
        count = 0
        for version in versions:
            key = version.snapshot.key
            if key.host not in sites:
                sites[key.host] = conn.execute("INSERT INTO sites (host) VALUES (?)", (key.host,)).lastrowid or 0
            if key.ref not in posts:
                posts[key.ref] = conn.execute(
                    "INSERT INTO posts (site_id, ref, rest_base, wp_id) VALUES (?, ?, ?, ?)",
                    (sites[key.host], key.ref, key.rest_base, key.id)).lastrowid or 0
            meta, src = version.meta, version.source
            author = meta.get("author")
            row_id = conn.execute(
                "INSERT INTO versions (post_id, version_id, version, latest, captured_at, source_kind, source_url, "
                "api_url, http_status, type, slug, link, status, title, date_gmt, modified_gmt, author, excerpt, "
                "content_hash, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (posts[key.ref], version.version_id, version.snapshot.version, int(version.latest),
                 version.captured_at, src.get("kind"), version.source_url, src.get("api_url"),
                 src.get("http_status"), meta.get("type"), meta.get("slug"), meta.get("link"), meta.get("status"),
                 meta.get("title"), meta.get("date_gmt"), meta.get("modified_gmt"),
                 None if author is None else str(author), meta.get("excerpt"), meta.get("content_hash"),
                 version.text)).lastrowid
            for taxonomy, field in (("category", "categories"), ("post_tag", "tags")):
                names = meta.get(field)
                for name in names if isinstance(names, list) else []:
                    conn.execute("INSERT INTO terms (version_id, taxonomy, name) VALUES (?, ?, ?)",
                                 (row_id, taxonomy, str(name)))
            count += 1
            if count % 1000 == 0:
                conn.commit()
        conn.commit()
        return count
    finally:
        conn.close()
