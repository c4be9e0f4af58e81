"""`wparchive export`: JSON Lines, CSV, SQLite (opened with sqlite-utils) and WARC (checked with warcio,
replayed with pywb), on the test archive of tests/outputs/conftest.py."""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlite_utils
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tests.outputs.conftest import capture, day, wp_post
from wparchive.cli import cli
from wparchive.outputs.warc import MINIMAL_NOTE

BIN = Path(sys.executable).parent


def export(root, *args: str):
    return CliRunner().invoke(cli, ["export", "--archive", str(root), *args], prog_name="wparchive")


def test_jsonl_one_record_per_version(built, tmp_path):
    out = tmp_path / "all.jsonl"
    result = export(built.root, "--format", "jsonl", "-o", str(out))
    assert (result.exit_code, result.stderr) == (0, f"4 versions exported to {out}\n")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["ref"], r["version_id"], r["version"], r["latest"]) for r in records] == [
        ("example.com/pages/2", built.page_v1.name, 1, True),
        ("example.com/posts/7", built.post_v1.name, 1, False),
        ("example.com/posts/7", built.post_v2.name, 2, True),
        ("other.org/posts/9", built.other_v1.name, 1, True)]
    assert records[2] == {
        "ref": "example.com/posts/7", "version_id": built.post_v2.name, "version": 2, "latest": True,
        "captured_at": "2024-05-03T10:00:00Z",
        "source": {"kind": "api", "url": "https://example.com/?p=7",
                   "api_url": "https://example.com/wp-json/wp/v2/posts/7?_embed=author,wp:term", "http_status": 200,
                   "etag": None, "last_modified": None},
        "id": 7, "type": "post", "slug": "slug-7", "link": "https://example.com/?p=7", "status": "publish",
        "title": "Treaty talks resume", "date_gmt": "2024-03-31T08:00:00", "modified_gmt": "2024-05-03T09:00:00",
        "author": 3, "categories": [1], "tags": [5, 6], "excerpt": "",
        "content_hash": json.loads((built.post_v2.path / "snapshot.json").read_text())["content_hash"],
        "text": "Treaty talks resume\n\nThe talks resumed in Geneva, archived.\n"}


@pytest.mark.parametrize(("options", "refs"), [
    (["--versions", "latest"], ["example.com/pages/2@1", "example.com/posts/7@2", "other.org/posts/9@1"]),
    (["--site", "example.com", "--type", "posts"], ["example.com/posts/7@1", "example.com/posts/7@2"]),
    (["--since", "2024-05-02T10:00:01Z"], ["example.com/posts/7@2", "other.org/posts/9@1"]),
])
def test_selection(built, options, refs):
    result = export(built.root, "--format", "jsonl", "-o", "-", *options)
    assert [f"{r['ref']}@{r['version']}" for r in map(json.loads, result.stdout.splitlines())] == refs


def test_csv_opens_correctly_in_a_spreadsheet(tmp_path):
    root = tmp_path / "archive"
    from wparchive.archive.store import Archive
    archive = Archive(root)
    capture(archive, wp_post(3, "=HYPERLINK(\"http://evil\")", '<p>Line one, "quoted".</p><p>Ünïcode – line two.</p>'),
            day(1))
    out = tmp_path / "x.csv"
    assert export(root, "--format", "csv", "--bom", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"ref","version_id","version","latest","captured_at",')
    assert b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    # A title that a spreadsheet would run as a formula is neutralised; commas, quotes, newlines survive.
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["text"] == "'=HYPERLINK(\"http://evil\")\n\nLine one, \"quoted\".\n\nÜnïcode – line two.\n"
    assert (rows[0]["categories"], rows[0]["tags"], rows[0]["latest"]) == ("1", "5; 6", "true")
    assert not export(root, "--format", "csv", "-o", "-").stdout.startswith("\ufeff")


def test_sqlite_has_tables_linked_by_foreign_keys(built, tmp_path):
    out = tmp_path / "archive.db"
    assert export(built.root, "--format", "sqlite", "-o", str(out)).exit_code == 0
    db = sqlite_utils.Database(out)
    assert set(db.table_names()) == {"sites", "posts", "versions", "terms"}
    assert {t: db[t].count for t in db.table_names()} == {"sites": 2, "posts": 3, "versions": 4, "terms": 12}
    assert {(fk.table, fk.column, fk.other_table, fk.other_column) for t in ("posts", "versions", "terms")
            for fk in db[t].foreign_keys} == {("posts", "site_id", "sites", "id"),
                                              ("versions", "post_id", "posts", "id"),
                                              ("terms", "version_id", "versions", "id")}
    rows = list(db.query("SELECT s.host, p.wp_id, v.version_id, v.title, group_concat(t.name, ',') AS terms "
                         "FROM versions v JOIN posts p ON p.id = v.post_id JOIN sites s ON s.id = p.site_id "
                         "JOIN terms t ON t.version_id = v.id WHERE v.latest GROUP BY v.id ORDER BY v.id"))
    assert rows == [
        {"host": "example.com", "wp_id": 2, "version_id": built.page_v1.name, "title": "About us", "terms": "1,5,6"},
        {"host": "example.com", "wp_id": 7, "version_id": built.post_v2.name, "title": "Treaty talks resume",
         "terms": "1,5,6"},
        {"host": "other.org", "wp_id": 9, "version_id": built.other_v1.name, "title": "Other nuclear news",
         "terms": "1,5,6"}]
    # The command-line tool opens it as it is, too.
    tables = subprocess.run([str(BIN / "sqlite-utils"), "tables", str(out), "--counts"], capture_output=True,
                            text=True, check=True).stdout
    assert json.loads(tables) == [{"table": "sites", "count": 2}, {"table": "posts", "count": 3},
                                  {"table": "versions", "count": 4}, {"table": "terms", "count": 12}]


def test_an_export_that_fails_leaves_no_file(built, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n")
    (built.post_v2.path / "post.txt").unlink()  # damaged archive: the export stops at this version
    result = export(built.root, "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"error: {built.post_v2.path / 'post.txt'}: No such file or directory; run 'wparchive verify'\n"
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "out.jsonl"]


def test_usage_errors(built, tmp_path):
    for args, message in [
        (["--format", "warc", "-o", "-"], "--format warc needs a file: give -o PATH"),
        (["--format", "jsonl", "--bom", "-o", "x"], "--bom goes with --format csv"),
    ]:
        result = export(built.root, *args)
        assert (result.exit_code, result.stderr) == (2, f"error: {message} (see 'wparchive export --help')\n")
    result = export(built.root, "--format", "jsonl", "-o", "-", "--site", "nowhere.net")
    assert (result.exit_code, result.stderr) == (
        2, f"error: --site nowhere.net: no site nowhere.net in {built.root}; 'wparchive ls' lists them\n")


# -- WARC ----------------------------------------------------------------------------------------------------
HEADERS = [("Date", "Fri, 03 May 2024 10:00:00 GMT"), ("Content-Type", "application/json; charset=UTF-8"),
           ("Content-Encoding", "gzip"), ("Link", '<https://example.com/?p=7>; rel="alternate"'),
           ("X-WP-Total", "1"), ("Content-Length", "99")]


def warc_records(path: Path) -> list:
    out = []
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            out.append((record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read()))
    return out


@pytest.fixture
def warc_archive(tmp_path):
    """A post archived twice: once before headers were recorded, then with them; and a second post whose
    response bytes are those of the first (a revisit)."""
    from wparchive.archive.store import Archive
    archive = Archive(tmp_path / "archive")
    first = capture(archive, wp_post(7, "Treaty talks", "<p>Old.</p>"), day(1))
    second = capture(archive, wp_post(7, "Treaty talks", "<p>New.</p>"), day(2), headers=HEADERS)
    same_bytes = (second.path / "response.json").read_bytes()
    third = capture(archive, wp_post(8, "Copy", "<p>Copy.</p>"), day(3), raw=same_bytes)
    return archive, first, second, third


def test_warc_records_and_warcio_check(warc_archive, tmp_path):
    archive, first, second, third = warc_archive
    out = tmp_path / "site.warc.gz"
    result = export(archive.root, "--format", "warc", "-o", str(out))
    assert (result.exit_code, result.stderr) == (0, f"3 versions exported to {out}\n")
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 9  # every record: 3 x 3, less the revisit, plus warcinfo
    assert check.stdout.count("digest present but not checked (revisit)") == 1
    records = warc_records(out)
    assert [r[0] for r in records] == ["warcinfo", "response", "conversion", "metadata", "response", "conversion",
                                       "metadata", "revisit", "conversion", "metadata"]
    assert {r[1].protocol for r in records} == {"WARC/1.1"}
    url7 = "https://example.com/wp-json/wp/v2/posts/7?_embed=author,wp:term"
    url8 = "https://example.com/wp-json/wp/v2/posts/8?_embed=author,wp:term"
    # The first version: stored before headers were recorded, so minimal ones, and its metadata says so.
    _, head, http, body = records[1]
    assert (head["WARC-Target-URI"], head["WARC-Date"]) == (url7, "2024-05-01T10:00:00Z")
    assert body == (first.path / "response.json").read_bytes()
    assert (http.statusline, http.headers) == ("200 OK", [("Content-Type", "application/json; charset=UTF-8"),
                                                          ("Content-Length", str(len(body)))])
    meta = json.loads(records[3][3])
    assert (meta["ref"], meta["version_id"], meta["http_headers"]) == ("example.com/posts/7", first.name, MINIMAL_NOTE)
    assert meta["snapshot"] == json.loads((first.path / "snapshot.json").read_text())
    assert records[2][1]["WARC-Refers-To"] == head["WARC-Record-ID"]
    assert records[3][1]["WARC-Concurrent-To"] == head["WARC-Record-ID"]
    assert records[3][1]["WARC-Target-URI"] is None  # so that replay tools never serve it for the URL
    assert records[2][1]["Content-Type"] == "text/plain; charset=utf-8"
    assert records[2][3] == (first.path / "post.txt").read_bytes()
    # The second: the headers WordPress sent, in order, but the body's own length and no encoding.
    _, head, http, body = records[4]
    assert http.headers == [("Date", "Fri, 03 May 2024 10:00:00 GMT"),
                            ("Content-Type", "application/json; charset=UTF-8"),
                            ("Link", '<https://example.com/?p=7>; rel="alternate"'), ("X-WP-Total", "1"),
                            ("Content-Length", str(len(body)))]
    assert json.loads(records[6][3])["http_headers"] == "recorded at capture"
    # The third has the same payload as the second: a revisit pointing at it.
    _, head, http, body = records[7]
    assert (head["WARC-Target-URI"], head["WARC-Refers-To-Target-URI"], head["WARC-Refers-To-Date"]) == (
        url8, url7, "2024-05-02T10:00:00Z")
    assert head["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert head["WARC-Payload-Digest"] == records[4][1]["WARC-Payload-Digest"]
    assert body == b""


def test_warc_of_an_imported_dump_is_a_resource_record(tmp_path, fixtures_dir):
    root = tmp_path / "archive"
    CliRunner().invoke(cli, ["archive", "--archive", str(root), str(fixtures_dir / "000_c02e2c25f0edbb6d.txt")])
    out = tmp_path / "dump.warc.gz"
    assert export(root, "--format", "warc", "-o", str(out)).exit_code == 0
    records = warc_records(out)
    assert [r[0] for r in records] == ["warcinfo", "resource", "conversion", "metadata"]
    assert records[1][1]["WARC-Target-URI"].startswith("urn:wparchive:www.northkoreainfo.com/posts/7660@")
    assert json.loads(records[3][3])["http_headers"] == "none: imported from a saved file, not fetched over HTTP"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def replay_with_pywb(warc: Path, workdir: Path, url: str, timestamp: str) -> requests.Response:
    """Make a pywb collection of `warc`, serve it on 127.0.0.1 and ask it for `url` as archived (id_: as is)."""
    workdir.mkdir()
    subprocess.run([str(BIN / "wb-manager"), "init", "c"], cwd=workdir, check=True, capture_output=True)
    subprocess.run([str(BIN / "wb-manager"), "add", "c", str(warc)], cwd=workdir, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([str(BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=workdir,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                return requests.get(f"http://127.0.0.1:{port}/c/{timestamp}id_/{url}", timeout=10)
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.skipif(shutil.which("wayback", path=str(BIN)) is None, reason="pywb is a test dependency: pip install -e '.[test]'")
def test_pywb_replays_the_exported_rest_response(warc_archive, tmp_path):
    archive, first, second, _ = warc_archive
    out = tmp_path / "site.warc.gz"
    assert export(archive.root, "--format", "warc", "-o", str(out)).exit_code == 0
    url = "https://example.com/wp-json/wp/v2/posts/7?_embed=author,wp:term"
    response = replay_with_pywb(out, tmp_path / "pywb", url, "20240502100000")
    assert response.status_code == 200
    assert response.content == (second.path / "response.json").read_bytes()
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
