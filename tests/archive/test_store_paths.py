"""The store's edges pinned exactly: its paths and probes, the order of versions taken in one second,
and when a new capture is a rendering change (the post as it was, the site's HTML different) and when
it is not (a protected post's content arriving or withheld again, an unreadable earlier version).

Each case pins a line of archive/store.py or archive/versions.py that a mutant (bench/mutation.sh)
changed unnoticed.
"""

import json
from pathlib import Path

import pytest

from tests.archive.test_store import API, KEY, at, capture
from wparchive.archive.store import TMP_PREFIX, Archive, pick_version
from wparchive.archive.versions import Snapshot
from wparchive.errors import InputError
from wparchive.model import Post, Source

HOST = "example.com_8080"


def test_writer_active_sees_this_process_another_writer_and_nobody(tmp_path):
    archive = Archive(tmp_path, lock_timeout=0)
    assert archive.writer_active(HOST) is False  # no lock file yet
    with archive.lock(HOST):
        assert archive.writer_active(HOST) is True  # held here
    assert archive.lock_path(HOST).is_file()
    assert archive.writer_active(HOST) is False  # a lock file nobody holds
    other = Archive(tmp_path, lock_timeout=0)
    with other.lock(HOST):
        assert archive.writer_active(HOST) is True  # held by another writer (its own open file)
    assert archive.writer_active(HOST) is False


def test_paths_of_comments_state_and_media(tmp_path):
    archive = Archive(tmp_path)
    assert archive.comments_state_path("https://Example.COM:8080/blog") == tmp_path / HOST / ".comments-state.json"
    digest = "ab" + "0" * 62
    assert archive.media_blob_path(digest) == tmp_path / ".media" / "ab" / digest
    with pytest.raises(InputError) as info:
        archive.media_blob_path("AB" + "0" * 62)
    assert str(info.value) == f"'AB{'0' * 62}' is not a sha256"


def test_paths_of_the_media_index_and_a_snapshots_media_list(tmp_path):
    archive = Archive(tmp_path)
    snapshot = capture(archive, when=at(1)).snapshot
    assert archive.media_index_path() == tmp_path / ".media" / "index.jsonl"
    assert archive.media_list_path(snapshot) == tmp_path / HOST / "posts" / "7" / "media" / f"{snapshot.name}.json"


def test_comment_snapshots_are_the_snapshot_folders_only(tmp_path):
    archive = Archive(tmp_path)
    folder = archive.comments_dir(KEY)
    folder.mkdir(parents=True)
    (folder / "20261129T100001Z-0123456789ab").mkdir()
    (folder / "20261129T100002Z-0123456789ab").write_text("a file named like a snapshot")
    (folder / "notes").mkdir()
    assert archive.comment_snapshots(KEY) == [folder / "20261129T100001Z-0123456789ab"]


def two_in_one_second(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, content="<p>A</p>", when=at(1))
    capture(archive, content="<p>B</p>", when=at(1))
    folders = sorted(p for p in archive.post_dir(KEY).iterdir() if p.name.startswith("2026"))
    return archive, folders


@pytest.mark.parametrize("first_meta", [
    "not json",  # unreadable: counted first
    {"sequence": "9"},  # not a number: counted first
])
def test_versions_in_one_second_are_ordered_by_sequence_read_leniently(tmp_path, first_meta):
    archive, (first, second) = two_in_one_second(tmp_path)
    (second / "snapshot.json").write_text(json.dumps({"sequence": 1}))
    (first / "snapshot.json").write_text(first_meta if isinstance(first_meta, str) else json.dumps(first_meta))
    assert [s.name for s in archive.versions(KEY)] == [first.name, second.name]
    (first / "snapshot.json").write_text(json.dumps({"sequence": 2}))
    assert [s.name for s in archive.versions(KEY)] == [second.name, first.name]


def test_an_id_prefix_naming_no_version(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    with pytest.raises(InputError) as info:
        archive.read(KEY, "2026X")  # a year with an X is no time (only a Z may end one)
    assert str(info.value) == (f"{HOST}/posts/7 has no version @2026X; 'wparchive log {HOST}/posts/7' lists them "
                               "(cite a version by its id, or a unique prefix of it)")
    with pytest.raises(InputError) as info:
        archive.read(KEY, "20261129T100001Z-fff")
    assert str(info.value) == (f"{HOST}/posts/7 has no version @20261129T100001Z-fff; "
                               f"'wparchive log {HOST}/posts/7' lists them")


def test_a_hash_prefix_naming_two_versions_is_ambiguous():
    versions = [Snapshot(KEY, Path(f"/a/20261129T10000{i}Z-abcd{i}0000000"), i) for i in (1, 2)]
    assert pick_version(KEY, versions, "abcd1") is versions[0]
    with pytest.raises(InputError) as info:
        pick_version(KEY, versions, "abcd")
    assert str(info.value) == (f"@abcd is ambiguous for {HOST}/posts/7: it names 2 versions (20261129T100001Z-abcd10000000, "
                               "20261129T100002Z-abcd20000000); give more of the id")


def test_an_empty_version_names_none(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    with pytest.raises(InputError) as info:
        archive.read(KEY, "")
    assert str(info.value) == (f"{HOST}/posts/7 has no version @; 'wparchive log {HOST}/posts/7' lists them "
                               "(cite a version by its id, or a unique prefix of it)")


def test_verify_finds_a_site_state_files_leftover_temporary(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    leftover = tmp_path / HOST / ".site.json.k2j3h4.tmp"
    leftover.write_bytes(b"{")
    checked, problems = archive.verify()
    assert (checked, [(p.path, p.kind, p.detail) for p in problems]) == (
        1, [(leftover, "stray", "an interrupted write's temporary file; safe to delete")])


def test_remove_stale_temporaries_of_one_type(tmp_path):
    archive = Archive(tmp_path)
    snapshot = capture(archive, when=at(1)).snapshot
    post_dir = snapshot.path.parent
    stale_folder = post_dir / f"{TMP_PREFIX}20261129T100002Z-0123456789ab-1a2b3c4d"
    stale_folder.mkdir()
    (stale_folder / "post.txt").write_text("half")
    stale_state = post_dir.parent / ".state.json.k2j3h4.tmp"
    stale_state.write_text("{")
    archive.remove_stale_temporaries("https://example.com:8080/", "pages")  # another type: left alone
    assert stale_folder.is_dir() and stale_state.is_file()
    archive.remove_stale_temporaries("https://example.com:8080/", "posts")
    assert sorted(p.name for p in post_dir.parent.rglob("*")) == sorted(
        ["7", snapshot.name, *(p.name for p in snapshot.path.iterdir())])


# -- rendering changes -------------------------------------------------------------------------
MODIFIED = "2026-01-01T00:00:00"


def made(archive, second, *, title="Hi", withheld=False):
    content = {"rendered": "", "protected": True} if withheld else {"rendered": "<p>Body.</p>", "protected": True}
    obj = dict(API, title={"rendered": title}, content=content, modified_gmt=MODIFIED)
    return archive.capture(Post.from_api(obj), Source("api"), b"{}", captured_at=at(second))


def test_the_content_of_a_protected_post_arriving_is_not_a_rendering_change(tmp_path):
    archive = Archive(tmp_path)
    assert made(archive, 1, withheld=True).status == "new"
    arrived = made(archive, 2)
    assert (arrived.status, arrived.rendering) == ("new", False)


def test_content_withheld_again_is_not_a_rendering_change(tmp_path):
    archive = Archive(tmp_path)
    made(archive, 1)
    withheld = made(archive, 2, withheld=True)
    assert (withheld.status, withheld.rendering) == ("new", False)


def test_a_withheld_post_rendered_otherwise_is_a_rendering_change(tmp_path):
    archive = Archive(tmp_path)
    made(archive, 1, withheld=True)
    again = made(archive, 2, title="Hi!", withheld=True)
    assert (again.status, again.rendering) == ("new", True)


def test_an_unreadable_earlier_version_is_no_rendering_change(tmp_path):
    archive = Archive(tmp_path)
    first = made(archive, 1).snapshot
    (first.path / "snapshot.json").write_text("not json")
    again = made(archive, 2, title="Hi!")
    assert (again.status, again.rendering) == ("new", False)
    assert "change" not in json.loads((again.snapshot.path / "snapshot.json").read_text())
