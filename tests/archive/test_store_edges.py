"""The store's edges, pinned exactly (mutation testing found them loose): host folders, keys, a
capture's bookkeeping, snapshot.json's bytes, listing the archive, reading damaged snapshots and
verify's findings inside a snapshot."""

import json
import os

import pytest

from tests.archive.test_store import API, KEY, at, capture
from wparchive.archive.store import Archive, PostKey, Snapshot, host_folder
from wparchive.errors import InputError
from wparchive.model import Post, Source


@pytest.mark.parametrize("value,folder", [
    ("https://Example.COM/x/", "example.com"), ("https://example.com:8080/", "example.com_8080"),
    ("example.com", "example.com"), ("EXAMPLE.com:81", "example.com_81"), ("https://[::1]:8080/", "ipv6_--1_8080"),
    ("https://[2001:db8::1]/", "ipv6_2001-db8--1"), ("https://example.com:99999/", "unknown-host"),
    ("", "unknown-host"), ("https://../", "unknown-host"), ("http://user:pw@host.test/", "host.test"),
])
def test_host_folder(value, folder):
    assert host_folder(value) == folder


def test_post_key_names():
    key = PostKey("example.com", "posts", 7)
    assert (key.ref, str(key)) == ("example.com/posts/7", "example.com/posts/7")
    snapshot = Snapshot(key, __import__("pathlib").Path("/a/20240101T000000Z-abc"), 2)
    assert (snapshot.name, snapshot.ref) == ("20240101T000000Z-abc", "example.com/posts/7@2")


@pytest.mark.parametrize("post_id", [None, 0, -3])
def test_a_post_without_a_valid_id_cannot_be_archived(tmp_path, post_id):
    obj = dict(API, id=post_id, slug="no-id")
    with pytest.raises(InputError) as err:
        Archive(tmp_path).capture(Post.from_api(obj), Source("api"), b"{}")
    assert str(err.value) == "post 'no-id' has no valid id, so it cannot be archived"
    assert list(tmp_path.iterdir()) == []


def test_a_live_capture_is_filed_under_the_site_not_the_link(tmp_path):
    archive = Archive(tmp_path)
    obj = dict(API, link="https://victim.example/hi/")
    key = archive.key_for(Post.from_api(obj), "https://attacker.example:8443/", "pages")
    assert key == PostKey("attacker.example_8443", "pages", 7)
    assert archive.key_for(Post.from_api(obj)) == PostKey("victim.example", "posts", 7)
    assert archive.key_for(Post.from_api(dict(obj, link="")), None) == PostKey("unknown-host", "posts", 7)


def test_snapshot_json_bytes_and_a_redacted_password(tmp_path):
    obj = dict(API, password="hunter2")
    raw = json.dumps(obj).encode()
    result = Archive(tmp_path).capture(Post.from_api(obj), Source("api", url="u"), raw, captured_at=at(4),
                                       salvage={"truncated": True})
    folder = result.snapshot.path
    assert b"hunter2" not in (folder / "response.json").read_bytes()
    assert json.loads((folder / "response.json").read_bytes())["password"] == ""
    text = (folder / "snapshot.json").read_text(encoding="utf-8")
    meta = json.loads(text)
    assert text == json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
    assert list(meta)[:5] == ["schema", "wparchive", "version_id", "captured_at", "source"]
    assert list(meta)[-5:] == ["content_hash", "with_credentials", "converter", "files", "salvage"]
    assert meta["source"]["redacted"] == ["password"] and meta["salvage"] == {"truncated": True}
    assert list(meta["files"]) == ["response.json", "post.txt", "post.md"]
    assert meta["files"]["response.json"]["size"] == (folder / "response.json").stat().st_size


def test_unicode_stays_readable_in_snapshot_json(tmp_path):
    folder = capture(Archive(tmp_path), when=at(1), title={"rendered": "Über"}).snapshot.path
    assert '"title": "Über"' in (folder / "snapshot.json").read_text(encoding="utf-8")


def test_a_revision_is_compared_with_the_version_before_its_date(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, content="<p>Old.</p>", when=at(10))
    capture(archive, content="<p>New.</p>", when=at(20))
    obj = dict(API, content={"rendered": "<p>Old.</p>"})
    same_as_before = archive.capture(Post.from_api(obj), Source("revision"), b"{}", captured_at=at(15),
                                     compare_before=True)
    assert (same_as_before.status, same_as_before.snapshot.version) == ("unchanged", 1)
    earliest = archive.capture(Post.from_api(dict(obj, content={"rendered": "<p>First.</p>"})), Source("revision"),
                               b"{}", captured_at=at(5), compare_before=True)
    assert earliest.line == f"new example.com_8080/posts/7@{earliest.snapshot.name}"
    assert earliest.snapshot.name.startswith("20261129T100005Z-")
    assert [s.name[:16] for s in archive.versions(KEY)] == ["20261129T100005Z", "20261129T100010Z",
                                                           "20261129T100020Z"]
    # Without compare_before the latest is the reference: the same text as the latest is unchanged.
    assert archive.capture(Post.from_api(dict(obj, content={"rendered": "<p>New.</p>"})), Source("api"), b"{}",
                           captured_at=at(30)).status == "unchanged"


def test_a_second_taken_keeps_its_real_time_and_a_sequence(tmp_path):
    # No time is invented (issue 8): a capture in a second already taken keeps that second, and its
    # `sequence` orders it after the version already there.
    archive = Archive(tmp_path)
    for second, text in ((1, "A"), (2, "B"), (3, "C")):
        capture(archive, content=f"<p>{text}</p>", when=at(second))
    again = capture(archive, content="<p>D</p>", when=at(1))
    assert again.snapshot.name.startswith("20261129T100001Z-")
    assert json.loads((again.snapshot.path / "snapshot.json").read_text())["sequence"] == 2
    assert [s.name[:16] for s in archive.versions(again.snapshot.key)] == [
        "20261129T100001Z", "20261129T100001Z", "20261129T100002Z", "20261129T100003Z"]


def test_listing_the_archive(tmp_path):
    archive = Archive(tmp_path)
    for post_id in (10, 9, 100):
        capture(archive, when=at(1), id=post_id)
    capture(archive, when=at(1), id=3, link="https://other.example/x/")
    (tmp_path / ".hidden-host").mkdir()
    (tmp_path / "example.com_8080" / "posts" / "not-an-id").mkdir()
    (tmp_path / "example.com_8080" / "posts" / "12").write_text("a file, not a post")
    (tmp_path / "example.com_8080" / "posts" / "٣").mkdir()  # a digit, but not an ASCII one
    assert [k.ref for k in archive.posts()] == ["example.com_8080/posts/9", "example.com_8080/posts/10",
                                                "example.com_8080/posts/100", "other.example/posts/3"]
    assert [k.id for k in archive.posts_of_type("https://example.com:8080", "posts")] == [9, 10, 100]
    assert list(archive.posts_of_type("https://example.com", "posts")) == []
    assert list(Archive(tmp_path / "none").posts()) == []
    post_dir = archive.post_dir(PostKey("example.com_8080", "posts", 9))
    (post_dir / "20200101T000000Z-aaaaaaaaaaaa").write_text("a file named like a snapshot")
    (post_dir / "2020-not-a-snapshot").mkdir()
    assert [s.version for s in archive.versions(PostKey("example.com_8080", "posts", 9))] == [1]


def test_damaged_snapshot_files_are_one_clear_error(tmp_path):
    snapshot = capture(Archive(tmp_path), when=at(1)).snapshot
    (snapshot.path / "snapshot.json").write_text("{broken")
    with pytest.raises(InputError) as err:
        snapshot.meta()
    assert str(err.value).startswith(f"{snapshot.path}: snapshot.json is unreadable (Expecting property name")
    assert str(err.value).endswith("); run 'wparchive verify'")
    (snapshot.path / "snapshot.json").write_text("[]")
    with pytest.raises(InputError) as err:
        snapshot.meta()
    assert str(err.value) == f"{snapshot.path}: snapshot.json is not an object; run 'wparchive verify'"
    (snapshot.path / "post.txt").unlink()
    with pytest.raises(InputError) as err:
        snapshot.read_bytes("post.txt")
    assert str(err.value) == f"{snapshot.path / 'post.txt'}: No such file or directory; run 'wparchive verify'"
    (snapshot.path / "post.md").write_bytes(b"\xff")
    with pytest.raises(InputError) as err:
        snapshot.read_text("post.md")
    assert str(err.value) == f"{snapshot.path / 'post.md'} is not UTF-8; run 'wparchive verify'"


def test_verify_inside_a_snapshot(tmp_path):
    archive = Archive(tmp_path)
    snapshot = capture(archive, when=at(1)).snapshot
    rel = f"example.com_8080/posts/7/{snapshot.name}"
    meta = json.loads((snapshot.path / "snapshot.json").read_text())
    meta["files"]["post.md"] = "not an object"
    meta["files"]["secrets.txt"] = {"sha256": "0", "size": 1}
    meta["content_hash"] = "f" * 64
    (snapshot.path / "snapshot.json").write_text(json.dumps(meta))
    os.unlink(snapshot.path / "post.txt")
    os.symlink("/etc/hostname", snapshot.path / "post.txt")
    lines = [p.line(tmp_path) for p in archive.verify()[1]]
    assert lines == [f"unexpected: {rel}/post.md: not a file a snapshot holds",
                     f"unexpected: {rel}/post.txt: not a regular file",
                     f"unexpected: {rel}/secrets.txt: not a file a snapshot holds",
                     f"mismatch: {rel}: folder name does not match content_hash"]
    meta["content_hash"] = 5
    (snapshot.path / "snapshot.json").write_text(json.dumps(meta))
    assert [p.line(tmp_path) for p in archive.verify()[1]][-1] == \
        f"mismatch: {rel}: folder name does not match content_hash"
    del meta["files"]
    (snapshot.path / "snapshot.json").write_text(json.dumps(meta))
    assert [p.line(tmp_path) for p in archive.verify()[1]] == [f"unreadable: {rel}/snapshot.json: 'files'"]


def test_a_size_change_alone_is_a_mismatch(tmp_path):
    archive = Archive(tmp_path)
    snapshot = capture(archive, when=at(1)).snapshot
    meta = json.loads((snapshot.path / "snapshot.json").read_text())
    meta["files"]["post.txt"]["size"] += 1  # the hash still matches
    (snapshot.path / "snapshot.json").write_text(json.dumps(meta))
    rel = f"example.com_8080/posts/7/{snapshot.name}"
    assert [p.line(tmp_path) for p in archive.verify()[1]] == [
        f"mismatch: {rel}/post.txt: sha256 or size differs from snapshot.json"]


def test_the_lock_is_reentrant_and_released(tmp_path):
    archive = Archive(tmp_path, lock_timeout=0)
    with archive.lock("example.com_8080"):
        with archive.lock("example.com_8080"):
            capture(archive, when=at(1))
        capture(archive, content="<p>Two.</p>", when=at(2))
    assert archive._held == {}
    other = Archive(tmp_path, lock_timeout=0)
    with other.lock("example.com_8080"):  # released: another writer gets it at once
        pass
