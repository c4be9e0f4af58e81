"""`wparchive search` and `wparchive index`, and the index's place in `archive` and `verify`.

The archive is built through the library (tests/outputs/conftest.py); the commands run through CliRunner.
"""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from tests.outputs.conftest import build, capture, day, wp_post
from wparchive.archive.store import Archive
from wparchive.cli import cli
from wparchive.outputs import index as index_module
from wparchive.outputs.index import SearchIndex, attach


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def search(root, *args: str):
    return run("search", "--archive", str(root), *args)


@pytest.fixture
def indexed(tmp_path):
    """The test archive with its search index kept up to date as it was captured (as `archive` does)."""
    archive = Archive(tmp_path / "archive")
    index = attach(archive)
    built = build(tmp_path / "archive", archive)
    index.close()  # as when the `archive` run ends
    return built


def test_results_are_ranked_with_ref_version_id_date_title_and_marked_snippet(indexed):
    result = search(indexed.root, "treaty")
    assert (result.exit_code, result.stderr) == (0, "")
    # A title match outranks body matches; only each post's latest version by default; stemming finds "treaties".
    assert result.stdout == (
        f"example.com/posts/7@{indexed.post_v2.name}\t2024-05-03T10:00:00Z\tTreaty talks resume\t**Treaty** talks resume\n"
        f"other.org/posts/9@{indexed.other_v1.name}\t2024-05-04T10:00:00Z\tOther nuclear news\tNothing about **treaties** here.\n"
        f"example.com/pages/2@{indexed.page_v1.name}\t2024-05-02T10:00:00Z\tAbout us\tWe write about **treaties** and talks.\n")


def test_all_versions_finds_words_only_an_older_version_had(indexed):
    assert search(indexed.root, "vienna").exit_code == 1  # gone from the latest version
    result = search(indexed.root, "vienna", "--all-versions")
    assert result.stdout == (f"example.com/posts/7@{indexed.post_v1.name}\t2024-05-01T10:00:00Z\tTreaty talks\t"
                             "The nuclear treaty talks began in **Vienna**.\n")


@pytest.mark.parametrize(("options", "refs"), [
    (["--site", "example.com"], ["example.com/posts/7", "example.com/pages/2"]),
    (["--site", "https://other.org/some/page"], ["other.org/posts/9"]),
    (["--type", "pages"], ["example.com/pages/2"]),
    (["--since", "2024-05-03"], ["example.com/posts/7", "other.org/posts/9"]),
    (["--since", "2024-05-03T10:00:01Z"], ["other.org/posts/9"]),
    (["--all-versions", "--site", "example.com", "--type", "posts"], ["example.com/posts/7", "example.com/posts/7"]),
    (["--limit", "1"], ["example.com/posts/7"]),
])
def test_filters(indexed, options, refs):
    result = search(indexed.root, "treaty", *options)
    assert [line.split("@")[0] for line in result.stdout.splitlines()] == refs


def test_json_is_one_array(indexed):
    result = search(indexed.root, "geneva", "--json")
    assert json.loads(result.stdout) == [{
        "ref": "example.com/posts/7", "version_id": indexed.post_v2.name, "captured_at": "2024-05-03T10:00:00Z",
        "title": "Treaty talks resume", "snippet": "The talks resumed in Geneva, archived.",
        "highlighted": "The talks resumed in **Geneva**, archived.", "latest": True,
        "rank": json.loads(result.stdout)[0]["rank"]}]
    assert json.loads(result.stdout)[0]["rank"] < 0  # bm25: lower is better
    assert (search(indexed.root, "nothingmatches", "--json").stdout, search(indexed.root, "x", "--json").exit_code) \
        == ("[]\n", 1)


def test_colour_marks_matches_when_asked(indexed):
    result = search(indexed.root, "geneva", "--color", "always")
    assert result.stdout.endswith("\tThe talks resumed in \x1b[1;31mGeneva\x1b[m, archived.\n")


def test_query_syntax_phrase_prefix_and_plain_words_with_punctuation(indexed):
    assert search(indexed.root, '"talks resumed"').stdout.startswith("example.com/posts/7@")
    assert search(indexed.root, '"resumed talks"').exit_code == 1
    assert search(indexed.root, "gene*").stdout.startswith("example.com/posts/7@")
    # Not FTS5 syntax (a hyphen would be a column filter): the words are searched as they are.
    result = search(indexed.root, "talks-resumed:")
    assert (result.exit_code, result.stdout.split("@")[0]) == (0, "example.com/posts/7")


def test_bad_input_is_one_error_line(indexed, tmp_path):
    result = search(indexed.root, '"')
    assert (result.exit_code, result.stderr) == (2, "error: the search QUERY '\"' has no words to search for\n")
    result = search(indexed.root, "x", "--since", "May")
    assert (result.exit_code, result.stderr) == (
        2, "error: --since May is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n")
    result = search(tmp_path / "nowhere", "x")
    assert (result.exit_code, result.stderr) == (2, f"error: {tmp_path / 'nowhere'} is not an archive folder; "
                                                    "check --archive\n")


def test_capture_through_archive_command_updates_the_index_in_the_same_run(tmp_path, fixtures_dir):
    root = tmp_path / "archive"
    result = run("archive", "--archive", str(root), str(fixtures_dir / "000_c02e2c25f0edbb6d.txt"))
    assert result.exit_code == 0
    found = search(root, "proliferation")
    assert found.stdout.split("\t")[0].startswith("www.northkoreainfo.com/posts/7660@")
    assert run("verify", "--archive", str(root)).stdout == "1 snapshots checked, 0 problems\n"


def test_first_capture_into_an_archive_without_index_builds_it_from_the_files(tmp_path):
    built = build(tmp_path / "archive")  # captured by the library, nothing indexed
    assert not built.archive.index_path.exists()
    archive = Archive(built.root)
    attach(archive)
    capture(archive, wp_post(11, "Late addition", "<p>Armistice.</p>"), day(5))
    result = search(built.root, "armistice OR geneva")
    assert [line.split("@")[0] for line in result.stdout.splitlines()] == ["example.com/posts/11", "example.com/posts/7"]


def test_search_without_index_says_how_to_build_it(built):
    result = search(built.root, "treaty")
    assert (result.exit_code, result.stderr) == (
        2, f"error: {built.root} has no search index yet; run 'wparchive index' to build it\n")
    result = run("index", "--archive", str(built.root))
    assert (result.exit_code, result.stdout) == (
        0, f"4 versions indexed (4 added, 0 removed) in {built.root / '.index.sqlite'}\n")
    assert search(built.root, "treaty").exit_code == 0


def test_index_can_be_dropped_or_damaged_and_rebuilt(indexed):
    before = search(indexed.root, "treaty OR nuclear", "--all-versions").stdout
    indexed.archive.index_path.write_bytes(b"not a database at all" * 100)
    result = search(indexed.root, "treaty")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {indexed.archive.index_path}: the search index is unreadable (")
    assert result.stderr.endswith("); run 'wparchive index --rebuild'\n")
    assert run("index", "--archive", str(indexed.root), "--rebuild").exit_code == 0
    assert search(indexed.root, "treaty OR nuclear", "--all-versions").stdout == before
    indexed.archive.index_path.unlink()
    assert run("index", "--archive", str(indexed.root)).exit_code == 0
    assert search(indexed.root, "treaty OR nuclear", "--all-versions").stdout == before


def test_verify_reports_an_index_that_disagrees_with_the_files(indexed, tmp_path):
    root = str(indexed.root)
    assert run("verify", "--archive", root).stdout == "4 snapshots checked, 0 problems\n"
    # A capture made without the index (an older wparchive, or a copy from elsewhere)...
    capture(Archive(indexed.root), wp_post(12, "Unindexed", "<p>x</p>"), day(6))
    # ...and a snapshot removed by hand.
    other = indexed.other_v1.path
    for f in other.iterdir():
        f.unlink()
    other.rmdir()
    result = run("verify", "--archive", root)
    assert (result.exit_code, result.stdout) == (1, (
        "index: .index.sqlite: 1 snapshots are not in the search index; run 'wparchive index' to bring it up to date\n"
        "index: .index.sqlite: 1 indexed snapshots are not in the archive; run 'wparchive index' to bring it up to "
        "date\n"
        "4 snapshots checked, 2 problems\n"))
    assert run("index", "--archive", root).stdout == (
        f"4 versions indexed (1 added, 1 removed) in {indexed.archive.index_path}\n")
    assert run("verify", "--archive", root).stdout == "4 snapshots checked, 0 problems\n"


def test_verify_reports_indexed_text_that_differs(indexed):
    conn = sqlite3.connect(indexed.archive.index_path)
    conn.execute("UPDATE docs SET text_sha256 = 'x' WHERE name = ?", (indexed.page_v1.name,))
    conn.commit()
    conn.close()
    result = run("verify", "--archive", str(indexed.root))
    assert (result.exit_code, result.stdout) == (1, (
        "index: .index.sqlite: 1 snapshots' text differs from the search index; run 'wparchive index --rebuild'\n"
        "4 snapshots checked, 1 problems\n"))


def test_a_search_and_a_capture_never_wait_for_each_other(indexed, monkeypatch):
    monkeypatch.setattr(index_module, "BUSY_MS", 2000)  # were they to wait, fail in 2 s rather than 30
    # A search in progress (an open read transaction) does not hold up a capture's index update...
    reader = sqlite3.connect(f"{indexed.archive.index_path.as_uri()}?mode=ro", uri=True)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM docs").fetchone() == (4,)
    capture(indexed.archive, wp_post(13, "Ceasefire", "<p>Ceasefire declared.</p>"), day(7))
    assert reader.execute("SELECT count(*) FROM docs").fetchone() == (4,)  # its own consistent view
    reader.rollback()
    assert reader.execute("SELECT count(*) FROM docs").fetchone() == (5,)  # the capture's update is in
    # ...and a write in progress (an index update not yet committed) does not hold up a search.
    writer = sqlite3.connect(indexed.archive.index_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM docs")
    done = []
    thread = threading.Thread(target=lambda: done.append(SearchIndex(indexed.archive).search("ceasefire")))
    thread.start()
    thread.join(10)
    writer.execute("ROLLBACK")
    writer.close()
    assert [hit.ref for hit in done[0]] == ["example.com/posts/13"]


def test_an_index_that_cannot_be_written_never_loses_a_capture(tmp_path, caplog):
    archive = Archive(tmp_path / "archive")
    index = attach(archive)
    built = build(tmp_path / "archive", archive)
    index.close()
    archive.index_path.write_bytes(b"garbage" * 1000)
    snapshot = capture(archive, wp_post(14, "Kept anyway", "<p>Kept.</p>"), day(8))
    assert (snapshot.path / "post.txt").read_text() == "Kept anyway\n\nKept.\n"
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"the search index {archive.index_path} was not updated"]
    assert run("index", "--archive", str(built.root), "--rebuild").exit_code == 0
    assert search(built.root, "kept").stdout.startswith("example.com/posts/14@")


def test_an_index_of_another_schema_asks_for_a_rebuild(indexed):
    conn = sqlite3.connect(indexed.archive.index_path)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    result = search(indexed.root, "treaty")
    assert (result.exit_code, result.stderr) == (
        2, f"error: {indexed.archive.index_path}: the search index is unreadable (made by another version of "
           "wparchive: schema 0); run 'wparchive index --rebuild'\n")
    assert run("index", "--archive", str(indexed.root), "--rebuild").exit_code == 0
    assert search(indexed.root, "treaty").exit_code == 0


def test_two_versions_in_one_second_latest_is_the_later_one(tmp_path):
    archive = Archive(tmp_path / "archive")
    attach(archive).close()
    # Names order these two by hash; the archive orders them by capture (sequence), and so must search and log.
    first = capture(archive, wp_post(20, "Same second", "<p>Zebra two.</p>"), day(9))
    second = capture(archive, wp_post(20, "Same second", "<p>Zebra one.</p>", modified="2024-05-09T10:00:00"), day(9))
    assert first.name > second.name  # so name order would get it wrong
    assert [s.name for s in archive.versions(first.key)] == [first.name, second.name]
    result = search(tmp_path / "archive", "zebra")
    assert result.stdout.split("\t")[0] == f"example.com/posts/20@{second.name}"
    log = run("log", "--archive", str(tmp_path / "archive"), "example.com").stdout
    assert [line.split("\t")[2] for line in log.splitlines()] == ["@2", "@1"]
