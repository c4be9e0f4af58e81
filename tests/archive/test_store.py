"""The snapshot store: layout, atomic writes, crash safety, the lock, verify, and REF[@V]."""

import json
import multiprocessing
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wparchive import fsutil
from wparchive.archive import store
from wparchive.archive.refs import pick_version, resolve_post, resolve_snapshot, split_version
from wparchive.archive.store import Archive, LockedError, PostKey
from wparchive.errors import InputError
from wparchive.model import Post, Source

API = {"id": 7, "type": "post", "slug": "hi", "link": "https://Example.COM:8080/hi/", "status": "publish",
       "title": {"rendered": "Hi"}, "content": {"rendered": "<p>One.</p>"}, "modified_gmt": "2024-01-01T00:00:00"}
KEY = PostKey("example.com_8080", "posts", 7)


def capture(archive, content="<p>One.</p>", when=None, **fields):
    obj = dict(API, content={"rendered": content}, **fields)
    raw = json.dumps(obj).encode()
    return archive.capture(Post.from_api(obj), Source("api", url=obj["link"]), raw, captured_at=when)


def at(second):
    return datetime(2026, 11, 29, 10, 0, second, tzinfo=timezone.utc)


def test_layout_and_snapshot_json(tmp_path):
    archive = Archive(tmp_path)
    result = capture(archive, when=at(5))
    assert result.line == f"new example.com_8080/posts/7@{result.snapshot.name}"
    folder = result.snapshot.path
    assert folder.parent == tmp_path / "example.com_8080" / "posts" / "7"
    assert folder.name.startswith("20261129T100005Z-") and len(folder.name) == 29
    assert sorted(p.name for p in folder.iterdir()) == ["post.md", "post.txt", "response.json", "snapshot.json"]
    assert (folder / "post.txt").read_text() == "Hi\n\nOne.\n"
    meta = json.loads((folder / "snapshot.json").read_text())
    assert meta["schema"] == 1 and meta["captured_at"] == "2026-11-29T10:00:05Z"
    assert meta["source"] == {"kind": "api", "url": API["link"], "api_url": None, "http_status": None,
                              "etag": None, "last_modified": None}
    assert folder.name.endswith(meta["content_hash"][:12])
    assert meta["files"]["post.txt"] == {"sha256": store.sha256(b"Hi\n\nOne.\n"), "size": 9}


def test_unchanged_modified_gmt_only_and_same_second(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    assert capture(archive, when=at(2), modified_gmt="2025-01-01T00:00:00").status == "unchanged"
    # wp-container-N classes differ per request; the text does not.
    assert capture(archive, content='<p class="wp-container-9">One.</p>', when=at(3)).status == "unchanged"
    second = capture(archive, content="<p>Two.</p>", when=at(1), modified_gmt="2026-11-29T10:00:01")
    assert second.line == f"new example.com_8080/posts/7@{second.snapshot.name}"
    # The real second is kept (no invented time); the order within it is kept by `sequence`.
    assert second.snapshot.name.startswith("20261129T100001Z-") and second.snapshot.version == 2
    assert [s.version for s in archive.versions(KEY)] == [1, 2]
    assert [s.name for s in archive.versions(KEY)][1] == second.snapshot.name
    meta = second.snapshot.meta()
    assert (meta["captured_at"], meta["sequence"], meta["version_id"]) == ("2026-11-29T10:00:01Z", 2,
                                                                          second.snapshot.name)


def test_versions_of_one_second_keep_their_order_whatever_their_hashes(tmp_path):
    archive = Archive(tmp_path)
    bodies = ["<p>One.</p>", "<p>Two.</p>", "<p>Three.</p>", "<p>Four.</p>", "<p>Five.</p>"]
    made = [capture(archive, content=b, when=at(1), modified_gmt=f"2026-11-29T10:00:0{i}").snapshot.name
            for i, b in enumerate(bodies)]
    assert made != sorted(made)  # the hashes alone would give another order
    assert [s.name for s in archive.versions(KEY)] == made
    assert [s.read_text("post.txt") for s in archive.versions(KEY)] == [f"Hi\n\n{b[3:-4]}\n" for b in bodies]


def test_the_same_content_back_within_one_second_gets_its_own_id(tmp_path):
    archive = Archive(tmp_path)
    a1 = capture(archive, when=at(1)).snapshot
    capture(archive, content="<p>Two.</p>", when=at(1), modified_gmt="2026-11-29T10:00:01")
    a2 = capture(archive, when=at(1), modified_gmt="2026-11-29T10:00:02").snapshot
    assert a2.name == a1.name + "-2"
    assert [s.name for s in archive.versions(KEY)][::2] == [a1.name, a2.name]
    assert archive.verify() == (3, [])


def test_a_capture_is_compared_with_the_latest_made_the_same_way(tmp_path):
    archive = Archive(tmp_path)

    def made(content, with_credentials):
        obj = dict(API, content={"rendered": content})
        return archive.capture(Post.from_api(obj), Source("api", url=obj["link"]), b"{}",
                               with_credentials=with_credentials)

    assert made("<p>One.</p><p>Log in</p>", False).status == "new"
    second = made("<p>One.</p><p>Log out</p>", True)  # the same post, seen by an editor
    assert (second.status, second.rendering) == ("new", True)
    assert second.snapshot.meta()["with_credentials"] is True and second.snapshot.meta()["change"] == "rendering"
    # Anonymous again: compared with the last anonymous capture, not with the editor's.
    assert made("<p>One.</p><p>Log in</p>", False).status == "unchanged"
    assert made("<p>One.</p><p>Log out</p>", True).status == "unchanged"
    assert len(archive.versions(KEY)) == 2


def test_rendering_changes_are_marked_and_can_be_skipped(tmp_path):
    archive = Archive(tmp_path)

    def made(content, modified, raw, **kwargs):
        obj = dict(API, content={"rendered": content, "raw": raw}, modified_gmt=modified)
        return archive.capture(Post.from_api(obj), Source("api"), b"{}", **kwargs)

    made("<p>Gallery: a b</p>", "2026-01-01T00:00:00", "<!-- wp:gallery /-->")
    skipped = made("<p>Gallery: b a</p>", "2026-01-01T00:00:00", "<!-- wp:gallery /-->", skip_rendering=True)
    assert (skipped.status, skipped.rendering, skipped.line) == (
        "skipped", True, "rendering example.com_8080/posts/7: not stored (--skip-rendering-changes)")
    stored = made("<p>Gallery: b a</p>", "2026-01-01T00:00:00", "<!-- wp:gallery /-->")
    assert (stored.status, stored.rendering) == ("new", True)
    assert stored.line == f"new example.com_8080/posts/7@{stored.snapshot.name} (rendering)"
    # The raw content changed with the same modified_gmt (a direct database edit): an edit, not rendering.
    edit = made("<p>Gallery: c</p>", "2026-01-01T00:00:00", "<!-- wp:gallery {\"ids\":[3]} /-->")
    assert (edit.status, edit.rendering) == ("new", False)
    assert "change" not in edit.snapshot.meta()
    # Made private without a new modified_gmt: a change of the site's, not of its rendering.
    obj = dict(API, content={"rendered": "<p>Gallery: d</p>", "raw": "<!-- wp:gallery {\"ids\":[3]} /-->"},
               modified_gmt="2026-01-01T00:00:00", status="private")
    status = archive.capture(Post.from_api(obj), Source("api"), b"{}", skip_rendering=True)
    assert (status.status, status.rendering) == ("new", False)


def test_versions_are_named_by_id_prefix_or_hash_prefix_and_ambiguity_is_an_error(tmp_path):
    archive = Archive(tmp_path)
    one = capture(archive, when=at(1)).snapshot
    two = capture(archive, content="<p>Two.</p>", when=at(2), modified_gmt="2026-11-29T10:00:02").snapshot
    for spec in (one.name, one.name[:18], one.name[17:25], one.name[17:21]):
        assert archive.read(KEY, spec).name == one.name, spec
    assert archive.read(KEY, two.name[17:23]).name == two.name
    assert archive.read(KEY, "20261129T10000").name == two.name  # a timestamp prefix: the newest then
    three = capture(archive, content="<p>Three.</p>", when=at(2), modified_gmt="2026-11-29T10:00:03").snapshot
    with pytest.raises(InputError) as error:
        archive.read(KEY, "20261129T100002Z-")
    assert str(error.value) == (f"@20261129T100002Z- is ambiguous for {KEY.ref}: it names 2 versions "
                                f"({two.name}, {three.name}); give more of the id")
    with pytest.raises(InputError) as error:
        archive.read(KEY, "fffffff")
    assert str(error.value) == (f"{KEY.ref} has no version @fffffff; 'wparchive log {KEY.ref}' lists them "
                                "(cite a version by its id, or a unique prefix of it)")


def test_crash_between_file_writes_leaves_nothing_visible(tmp_path, monkeypatch):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    real_write = fsutil.write_file
    calls = []

    def failing_write(path, data):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError("disk full (injected)")
        real_write(path, data)

    monkeypatch.setattr(store, "write_file", failing_write)
    with pytest.raises(OSError, match="injected"):
        capture(archive, content="<p>Changed.</p>", when=at(9))
    assert calls == ["response.json", "post.txt"]
    assert len(archive.versions(KEY)) == 1
    assert [p.name for p in archive.post_dir(KEY).iterdir() if p.name.startswith(".")] == []
    assert archive.verify() == (1, [])


def test_killed_capture_leaves_a_stray_that_verify_reports_and_next_capture_clears(tmp_path):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    stray = archive.post_dir(KEY) / ".tmp-20261129T100009Z-abcdefabcdef-1234"
    stray.mkdir()
    (stray / "response.json").write_bytes(b"{")
    checked, problems = archive.verify()
    assert [p.line(tmp_path) for p in problems] == [
        "stray: example.com_8080/posts/7/.tmp-20261129T100009Z-abcdefabcdef-1234: an interrupted capture's "
        "temporary folder; safe to delete"]
    capture(archive, content="<p>Changed.</p>", when=at(9))
    assert not stray.exists() and archive.verify() == (2, [])


def test_verify_finds_tampering(tmp_path):
    archive = Archive(tmp_path)
    snap = capture(archive, when=at(1)).snapshot
    (snap.path / "post.txt").write_text("tampered\n")
    (snap.path / "post.md").unlink()
    (snap.path / "extra").write_text("x")
    lines = [p.line(tmp_path) for p in archive.verify()[1]]
    rel = f"example.com_8080/posts/7/{snap.name}"
    assert lines == [f"missing: {rel}/post.md: listed in snapshot.json but not on disk",
                     f"mismatch: {rel}/post.txt: sha256 or size differs from snapshot.json",
                     f"unexpected: {rel}/extra: not listed in snapshot.json"]


def _hold_lock(root, ready, release, host="example.com_8080"):
    with Archive(root).lock(host):
        ready.set()
        release.wait(10)


def test_lock_makes_a_second_writer_wait_then_fail(tmp_path):
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(LockedError, match="another wparchive process is writing example.com_8080 in "):
            capture(Archive(tmp_path, lock_timeout=0.3), when=at(1))
    finally:
        release.set()
        holder.join(10)
    assert capture(Archive(tmp_path, lock_timeout=0.3), when=at(1)).status == "new"


def test_hostile_host_type_slug_stay_inside(tmp_path):
    archive = Archive(tmp_path / "a")
    obj = dict(API, link="https://../../evil/x", type="../../etc")
    archive.capture(Post.from_api(obj), Source("api"), b"{}", rest_base="../../../x")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files and all((tmp_path / "a") in p.parents for p in files)


def test_versions_and_refs(tmp_path):
    archive = Archive(tmp_path)
    for second, text in ((1, "A"), (2, "B"), (3, "C")):
        capture(archive, content=f"<p>{text}</p>", when=at(second))
    versions = archive.versions(KEY)
    assert split_version("example.com_8080/posts/7@-1") == ("example.com_8080/posts/7", "-1")
    assert split_version("https://user@example.com/x/") == ("https://user@example.com/x/", None)
    assert pick_version(KEY, versions, "1").version == 1
    assert pick_version(KEY, versions, "latest").version == 3
    assert pick_version(KEY, versions, "-1").version == 2
    assert pick_version(KEY, versions, "2026-11-29T10:00:02").version == 2
    assert pick_version(KEY, versions, "2026-11-29").version == 3
    with pytest.raises(InputError, match="has no version @4"):
        pick_version(KEY, versions, "4")
    assert resolve_post(archive, "example.com_8080/posts/7") == KEY
    assert resolve_post(archive, "https://example.com:8080/hi") == KEY
    assert resolve_post(archive, str(archive.post_dir(KEY))) == KEY
    assert resolve_snapshot(archive, str(versions[0].path)).version == 1
    assert resolve_snapshot(archive, "example.com_8080/posts/7@1").read_text("post.txt") == "Hi\n\nA\n"
    with pytest.raises(InputError, match="is not an archived post"):
        resolve_post(archive, "example.com/posts/8")


def test_atomic_write_replaces_whole(tmp_path):
    target = Path(tmp_path) / "f.txt"
    fsutil.atomic_write(target, b"one")
    fsutil.atomic_write(target, b"two")
    assert target.read_bytes() == b"two" and os.listdir(tmp_path) == ["f.txt"]


def test_verify_during_a_live_run_does_not_call_its_temporaries_stray(tmp_path):
    """A capture in progress in another process (it holds the lock) has a temporary folder and a state
    file's temporary: verify must not advise deleting them; once the writer is gone, they are stray."""
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    live = archive.post_dir(KEY) / ".tmp-20261129T100009Z-abcdefabcdef-1234"
    live.mkdir()
    state_tmp = tmp_path / "example.com_8080" / "posts" / "..state.json.x1y2.tmp"
    state_tmp.write_bytes(b"{")
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        assert Archive(tmp_path).verify() == (1, [])
    finally:
        release.set()
        holder.join(10)
    assert [p.line(tmp_path) for p in Archive(tmp_path).verify()[1]] == [
        "stray: example.com_8080/posts/..state.json.x1y2.tmp: an interrupted write's temporary file; safe to delete",
        "stray: example.com_8080/posts/7/.tmp-20261129T100009Z-abcdefabcdef-1234: an interrupted capture's "
        "temporary folder; safe to delete"]


def test_protected_post_without_its_password_is_stored_as_withheld(tmp_path):
    archive = Archive(tmp_path)
    snap = archive.capture(
        Post.from_api(dict(API, title={"rendered": "Locked"}, content={"rendered": "", "protected": True})),
        Source("api", url=API["link"]), b"{}", captured_at=at(1)).snapshot
    assert (snap.path / "post.txt").read_text() == (
        "Locked\n\n[password-protected: WordPress sent no content without the post's password]\n")
    front = (snap.path / "post.md").read_text()
    assert '\nstatus: "publish"\nprotected: true\n' in front
    assert front.endswith('tags: []\ncontent_withheld: true\nsource: "https://Example.COM:8080/hi/"\n---\n')
    meta = json.loads((snap.path / "snapshot.json").read_text())
    assert (meta["protected"], meta["content_withheld"]) == (True, True)
    # With the password, the content is a new version; the flag is gone from it.
    unlocked = archive.capture(
        Post.from_api(dict(API, title={"rendered": "Locked"}, content={"rendered": "<p>In.</p>", "protected": True})),
        Source("api", url=API["link"]), b"{}", captured_at=at(2))
    assert unlocked.status == "new"
    assert "content_withheld" not in json.loads((unlocked.snapshot.path / "snapshot.json").read_text())


def test_locks_are_per_site(tmp_path):
    # Another site's writer holds its lock: this site's capture goes ahead at once.
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release, "other.example"))
    holder.start()
    try:
        assert ready.wait(10)
        assert capture(Archive(tmp_path, lock_timeout=0), when=at(1)).status == "new"
        with pytest.raises(LockedError, match="another wparchive process is writing other.example in "):
            with Archive(tmp_path, lock_timeout=0).lock("other.example"):
                pass
    finally:
        release.set()
        holder.join(10)
    assert sorted(p.name for p in (tmp_path / ".locks").iterdir()) == ["example.com_8080.lock", "other.example.lock"]
