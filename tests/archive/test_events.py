"""A post's history events (archive/events.py): `hidden` and `gone` recorded once per transition,
beside the snapshots, shown by `log`, checked by `verify`, and closed by the next capture."""

import json
from datetime import datetime, timezone

from click.testing import CliRunner

from wparchive.archive import events
from wparchive.archive.history import EventEntry, LogEntry, log_entries
from wparchive.archive.store import Archive, PostKey
from wparchive.cli import cli
from wparchive.model import Post, Source

API = {"id": 7, "type": "post", "slug": "hi", "link": "https://example.com/hi/", "status": "publish",
       "title": {"rendered": "Hi"}, "content": {"rendered": "<p>One.</p>"}, "modified_gmt": "2024-01-01T00:00:00"}
KEY = PostKey("example.com", "posts", 7)
URL = "https://example.com/wp-json/wp/v2/posts/7"


def at(minute: int) -> datetime:
    return datetime(2026, 12, 1, 3, minute, 0, tzinfo=timezone.utc)


def capture(archive: Archive, minute: int, **fields):
    obj = dict(API, **fields)
    return archive.capture(Post.from_api(obj), Source("api", url=obj["link"]), json.dumps(obj).encode(),
                           site_url="https://example.com", rest_base="posts", captured_at=at(minute))


def record(archive: Archive, kind: str, minute: int, status: int = 401) -> bool:
    latest = archive.latest(KEY)
    with archive.lock(KEY.host):
        return events.record_event(archive.events_path(KEY), kind, at=at(minute), http_status=status, url=URL,
                                   was="publish", latest_id=latest.id)


def log(archive: Archive, *args: str):
    return CliRunner().invoke(cli, ["log", "--archive", str(archive.root), KEY.ref, *args],
                              env={"WPARCHIVE_ARCHIVE": None})


def test_hidden_is_recorded_once_and_the_post_back_is_a_new_version(tmp_path):
    archive = Archive(tmp_path)
    first = capture(archive, 0).snapshot
    path = tmp_path / "example.com/posts/7/events.json"
    assert record(archive, "hidden", 5) is True
    snapshot_bytes = (first.path / "snapshot.json").read_bytes()
    written = path.read_bytes()
    assert json.loads(written) == {"schema": 1, "events": [
        {"event": "hidden", "at": "2026-12-01T03:05:00Z", "http_status": 401, "url": URL, "was": "publish",
         "after": first.id}]}
    # Still hidden on the next run: nothing written (not even the same bytes again).
    mtime = path.stat().st_mtime_ns
    assert record(archive, "hidden", 10) is False
    assert (path.read_bytes(), path.stat().st_mtime_ns) == (written, mtime)
    # Hidden, then gone: a transition of its own.
    assert record(archive, "gone", 15, status=404) is True
    assert [e["event"] for e in events.read_events(path)] == ["hidden", "gone"]
    # Back with the same content: a new version all the same (the log shows the interval), not "unchanged".
    back = capture(archive, 20)
    assert back.status == "new" and not back.rendering
    assert (first.path / "snapshot.json").read_bytes() == snapshot_bytes  # no snapshot is ever altered
    assert capture(archive, 25).status == "unchanged"  # the event is closed by that version
    assert events.open_event(path, back.snapshot.id) is None
    assert record(archive, "hidden", 30) is True  # hidden again later: a new transition

    entries = log_entries(archive, KEY)
    assert [(type(e).__name__, e.line.split("\t")[0]) for e in entries] == [
        ("EventEntry", "hidden"), ("LogEntry", "@2"), ("EventEntry", "gone"), ("EventEntry", "hidden"),
        ("LogEntry", "@1")]
    assert isinstance(entries[1], LogEntry) and entries[1].changed == "seen again"
    assert isinstance(entries[0], EventEntry)
    result = log(archive)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"hidden\t2026-12-01T03:30:00Z\tapi:{URL}\t-\tanswered HTTP 401 (it was publish; unpublished, or made "
        "private)\n"
        f"@2\t2026-12-01T03:20:00Z\tapi:https://example.com/hi/\t{back.snapshot.id}\tseen again\n"
        f"gone\t2026-12-01T03:15:00Z\tapi:{URL}\t-\tanswered HTTP 404 (it was publish; deleted)\n"
        f"hidden\t2026-12-01T03:05:00Z\tapi:{URL}\t-\tanswered HTTP 401 (it was publish; unpublished, or made "
        "private)\n"
        f"@1\t2026-12-01T03:00:00Z\tapi:https://example.com/hi/\t{first.id}\tfirst capture\n")
    as_json = json.loads(log(archive, "--json").stdout)
    assert as_json[0] == {"ref": KEY.ref, "event": "hidden", "at": "2026-12-01T03:30:00Z", "http_status": 401,
                          "url": URL, "was": "publish", "after": back.snapshot.id}
    assert as_json[1]["changed"] == ["seen again"] and as_json[1]["id"] == back.snapshot.id
    assert [e.get("event") for e in as_json] == ["hidden", None, "gone", "hidden", None]


def test_the_version_back_names_what_changed_meanwhile(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, 0)
    record(archive, "hidden", 5)
    capture(archive, 10, title={"rendered": "Hi again"})
    assert log_entries(archive, KEY)[0].changed == "seen again, title, text"


def test_skip_rendering_never_skips_the_version_back(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, 0)
    record(archive, "gone", 5, status=410)
    obj = dict(API, content={"rendered": "<p>One, rendered otherwise.</p>"})
    back = archive.capture(Post.from_api(obj), Source("api", url=API["link"]), json.dumps(obj).encode(),
                           site_url="https://example.com", rest_base="posts", captured_at=at(10),
                           skip_rendering=True)
    assert (back.status, back.rendering) == ("new", False)


def test_verify_reads_the_events_file_and_its_temporaries(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, 0)
    record(archive, "hidden", 5)
    assert archive.verify() == (1, [])
    path = archive.events_path(KEY)
    leftover = path.parent / ".events.json.abc123.tmp"  # what a killed atomic_write leaves
    leftover.write_text("{")
    assert [p.line(tmp_path) for p in archive.verify()[1]] == [
        "stray: example.com/posts/7/.events.json.abc123.tmp: an interrupted write's temporary file; safe to delete"]
    capture(archive, 10)  # a capture under the lock clears it
    assert not leftover.exists()
    path.write_text('{"events": [{"event": "renamed"}]}\n')
    assert [p.line(tmp_path) for p in archive.verify()[1]] == [
        "unreadable: example.com/posts/7/events.json: not an events file (an object whose `events` each have "
        "`event` and `at`)"]
    path.write_text("{")
    [problem] = archive.verify()[1]
    assert problem.kind == "unreadable" and problem.detail.startswith("not readable as JSON")
    # A damaged events file hides no version: the log still lists them.
    assert [e.line.split("\t")[0] for e in log_entries(archive, KEY)] == ["@2", "@1"]


def test_the_site_timeline_labels_the_version_back_as_log_does(tmp_path):
    archive = Archive(tmp_path)
    first = capture(archive, 0).snapshot
    record(archive, "hidden", 5)
    back = capture(archive, 10).snapshot
    result = CliRunner().invoke(cli, ["log", "--archive", str(tmp_path), "example.com"],
                                env={"WPARCHIVE_ARCHIVE": None})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (f"2026-12-01T03:10:00Z\texample.com/posts/7@{back.id}\t@2\tseen again\tHi\n"
                             f"2026-12-01T03:00:00Z\texample.com/posts/7@{first.id}\t@1\tfirst capture\tHi\n")
