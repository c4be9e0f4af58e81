"""README promises of the store that a crash cannot cheaply show: the durability sequence (recorded
calls), the lock's wait (a clock the test drives), safe names, verify's findings, and a damaged dump's
warning and salvage record."""

import json
import multiprocessing
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.archive.test_store import API, KEY, at, capture
from tests.conftest import FIXTURES, VERSION_ID
from wparchive import fsutil
from wparchive.archive import store
from wparchive.archive.store import Archive, LockedError
from wparchive.cli import cli

SEED = str(FIXTURES / "000_c02e2c25f0edbb6d.txt")


@pytest.fixture
def calls(monkeypatch):
    """Every fsync (by the path its descriptor names), rename and replace, in order."""
    seen = []
    real_fsync, real_rename, real_replace = os.fsync, os.rename, os.replace

    def fsync(fd):
        seen.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def rename(src, dst):
        seen.append(("rename", str(src), str(dst)))
        real_rename(src, dst)

    def replace(src, dst):
        seen.append(("replace", str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "replace", replace)
    return seen


def test_a_snapshot_is_fsynced_file_by_file_then_its_folder_then_renamed_then_its_parent(tmp_path, calls):
    archive = Archive(tmp_path)
    capture(archive, when=at(1))
    calls.clear()
    snapshot = capture(archive, content="<p>Two.</p>", when=at(2)).snapshot
    post_dir = str(archive.post_dir(KEY))
    (tmp,) = {os.path.dirname(c[1]) for c in calls if c[0] == "fsync" and c[1].endswith(".json")
              and os.path.basename(os.path.dirname(c[1])).startswith(".tmp-")}
    assert os.path.basename(tmp).startswith(f".tmp-{snapshot.name}-")
    assert calls == [("fsync", f"{tmp}/response.json"), ("fsync", f"{tmp}/post.txt"), ("fsync", f"{tmp}/post.md"),
                     ("fsync", f"{tmp}/snapshot.json"), ("fsync", tmp), ("rename", tmp, str(snapshot.path)),
                     ("fsync", post_dir)]


def test_a_state_file_is_fsynced_then_replaced_then_its_folder(tmp_path, calls):
    target = tmp_path / "host" / ".state.json"
    fsutil.atomic_write(target, b"{}\n")
    (fsync_tmp, replace, fsync_dir) = calls
    tmp = fsync_tmp[1]
    assert os.path.dirname(tmp) == str(target.parent) and os.path.basename(tmp).startswith("..state.json.")
    assert tmp.endswith(".tmp")
    assert replace == ("replace", tmp, str(target)) and fsync_dir == ("fsync", str(target.parent))
    assert target.read_bytes() == b"{}\n" and os.listdir(target.parent) == [".state.json"]


def test_a_failed_state_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / ".state.json"
    fsutil.atomic_write(target, b"old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        fsutil.atomic_write(target, b"new")
    assert os.listdir(tmp_path) == [".state.json"] and target.read_bytes() == b"old"


# -- the lock ----------------------------------------------------------------------------------
def _hold_lock(root, ready, release):
    archive = Archive(root)
    with archive.lock("example.com_8080"), archive.lock("www.northkoreainfo.com"):  # the sites these tests write
        ready.set()
        release.wait(30)


@pytest.fixture
def held(tmp_path):
    """Another process holding the archive's lock until `release` is set."""
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(tmp_path, ready, release))
    holder.start()
    assert ready.wait(30)
    yield release, holder
    release.set()
    holder.join(30)


def test_the_lock_waits_for_the_other_writer(tmp_path, held, monkeypatch):
    release, holder = held
    sleeps = []

    def sleep(seconds):  # the third wait: the other writer finishes
        sleeps.append(seconds)
        if len(sleeps) == 3:
            release.set()
            holder.join(30)

    monkeypatch.setattr(store.time, "sleep", sleep)
    assert capture(Archive(tmp_path, lock_timeout=3600), when=at(1)).status == "new"
    assert sleeps == [0.1, 0.1, 0.1]


def test_the_lock_gives_up_after_lock_timeout_seconds(tmp_path, held, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(store.time, "sleep", lambda s: clock.__setitem__(0, clock[0] + s))
    with pytest.raises(LockedError) as err:
        capture(Archive(tmp_path, lock_timeout=2), when=at(1))
    assert str(err.value) == (f"another wparchive process is writing example.com_8080 in {tmp_path} (waited 2s for "
                              "its lock); "
                              "try again when it has finished")
    assert 1001.9 < clock[0] < 1002.2  # it waited the two seconds, not less, not more
    assert list(tmp_path.iterdir()) == [tmp_path / ".locks"]


def test_lock_timeout_option(tmp_path, held, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(store.time, "sleep", lambda s: clock.__setitem__(0, clock[0] + s))
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "--lock-timeout", "5", SEED])
    assert (result.exit_code, VERSION_ID.sub("@ID", result.stdout)) == (5, "")  # busy: the lock time-out (README exit codes)
    assert result.stderr.splitlines()[-1] == (f"error: another wparchive process is writing www.northkoreainfo.com in {tmp_path} "
                                              "(waited 5s for its lock); try again when it has finished")
    assert 4.9 < clock[0] < 5.2


# -- safe names --------------------------------------------------------------------------------
@pytest.mark.parametrize("value,name", [
    ("con", "item-con"), ("CON", "item-CON"), ("nul.txt", "item-nul.txt"), ("Com1", "item-Com1"),
    ("lpt9.tar.gz", "item-lpt9.tar.gz"), ("aux", "item-aux"), ("prn", "item-prn"),
    ("console", "console"), ("com", "com"), ("lpt", "lpt"), ("auxiliary", "auxiliary"),
    ("", "item"), ("..", "item"), ("%2e%2e", "item"), ("../../etc", "etc"), ("a/b\\c:d", "a-b-c-d"),
    ("%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82", "привет"), (" -.x.- ", "x"), ("e\u0301", "\u00e9"), ("X-Files", "X-Files"), ("Xx", "Xx"),
])
def test_safe_name(value, name):
    assert fsutil.safe_name(value) == name


def test_safe_name_caps_the_length_in_bytes_without_splitting_a_character():
    assert fsutil.safe_name("a" * 300) == "a" * 100
    assert fsutil.safe_name("a" * 100) == "a" * 100
    assert fsutil.safe_name("a" * 101) == "a" * 100
    assert fsutil.safe_name("a" + "é" * 60) == "a" + "é" * 49  # 99 bytes: the 100th is half an é
    assert fsutil.safe_name("é" * 60) == "é" * 50
    assert fsutil.safe_name("a" * 99 + " b") == "a" * 99  # no trailing space after the cut
    assert fsutil.safe_name("x", "posts") == "x" and fsutil.safe_name("", "posts") == "posts"


def test_a_reserved_slug_is_archived_under_a_safe_name(tmp_path):
    archive = Archive(tmp_path)
    obj = dict(API, link="https://example.com/con/")
    from wparchive.model import Post, Source

    result = archive.capture(Post.from_api(obj), Source("api"), b"{}", site_url="https://example.com",
                             rest_base="aux")
    assert result.snapshot.path.parent.parent == tmp_path / "example.com" / "posts-aux"


# -- verify ------------------------------------------------------------------------------------
def verify(root):
    result = CliRunner().invoke(cli, ["verify", "--archive", str(root)])
    return result.exit_code, result.stdout


def test_verify_reports_a_state_files_leftover_temporary(tmp_path):
    capture(Archive(tmp_path), when=at(1))
    leftover = tmp_path / "example.com_8080" / "posts" / ".state.json.k2j3h4.tmp"
    leftover.write_bytes(b"{")
    assert verify(tmp_path) == (1, "stray: example.com_8080/posts/.state.json.k2j3h4.tmp: an interrupted write's "
                                   "temporary file; safe to delete\n1 snapshots checked, 1 problems\n")


def test_verify_reports_an_unreadable_snapshot_json(tmp_path):
    snapshot = capture(Archive(tmp_path), when=at(1)).snapshot
    (snapshot.path / "snapshot.json").write_text("{not json")
    rel = f"example.com_8080/posts/7/{snapshot.name}/snapshot.json"
    assert verify(tmp_path) == (1, f"unreadable: {rel}: Expecting property name enclosed in double quotes: "
                                   "line 1 column 2 (char 1)\n1 snapshots checked, 1 problems\n")
    (snapshot.path / "snapshot.json").write_text('{"files": []}')
    assert verify(tmp_path) == (1, f"unreadable: {rel}: files is not an object\n1 snapshots checked, 1 problems\n")


def test_verify_on_a_clean_archive(tmp_path):
    capture(Archive(tmp_path), when=at(1))
    capture(Archive(tmp_path), content="<p>Two.</p>", when=at(2))
    assert verify(tmp_path) == (0, "2 snapshots checked, 0 problems\n")


# -- a damaged dump, archived ------------------------------------------------------------------
def test_archiving_a_damaged_dump_warns_and_records_the_salvage(tmp_path):
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), SEED])
    assert result.exit_code == 0
    assert VERSION_ID.sub("@ID", result.stdout) == "new www.northkoreainfo.com/posts/7660@ID\n"
    assert result.stderr == (
        f"warning: {SEED}: damaged dump, post 7660 salvaged: cut off inside content.rendered; 9 raw control "
        "characters inside strings read as text; missing excerpt, author, featured_media, comment_status, "
        "ping_status, sticky, template, format, meta, categories, tags\n")
    (meta_path,) = Path(tmp_path).glob("www.northkoreainfo.com/posts/7660/*/snapshot.json")
    meta = json.loads(meta_path.read_text())
    assert meta["salvage"] == {
        "truncated": True, "cut_in": "content.rendered", "unreadable_from": None,
        "repairs": ["9 raw control characters inside strings read as text"],
        "missing_fields": ["excerpt", "author", "featured_media", "comment_status", "ping_status", "sticky",
                           "template", "format", "meta", "categories", "tags"]}
    assert meta["source"]["kind"] == "file" and meta["source"]["path"] == SEED


def test_verify_reports_what_is_not_a_snapshot_folder(tmp_path):
    snapshot = capture(Archive(tmp_path), when=at(1)).snapshot
    post_dir = snapshot.path.parent
    (post_dir / "notes.txt").write_text("mine")
    (post_dir / "old").mkdir()
    (post_dir / "20261129T100009Z-abcdefabcdef").write_text("a file named like a snapshot")
    assert verify(tmp_path) == (1, "unexpected: example.com_8080/posts/7/20261129T100009Z-abcdefabcdef: not a "
                                   "snapshot folder\nunexpected: example.com_8080/posts/7/notes.txt: not a snapshot "
                                   "folder\nunexpected: example.com_8080/posts/7/old: not a snapshot folder\n"
                                   "1 snapshots checked, 3 problems\n")


def test_verify_of_an_archive_not_made_yet(tmp_path):
    assert Archive(tmp_path / "not-yet").verify() == (0, [])


def test_write_file_never_overwrites(tmp_path):
    fsutil.write_file(tmp_path / "f", b"one")
    with pytest.raises(FileExistsError):
        fsutil.write_file(tmp_path / "f", b"two")
    assert (tmp_path / "f").read_bytes() == b"one"


def test_fsync_dir_where_it_cannot_is_a_no_op(tmp_path, monkeypatch):
    fsutil.fsync_dir(tmp_path / "missing")  # cannot be opened: nothing to make durable
    closed = []
    real_close = os.close

    def refuse(fd):
        raise OSError(22, "Invalid argument")  # some file systems refuse fsync on a folder

    def close(fd):
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(os, "fsync", refuse)
    monkeypatch.setattr(os, "close", close)
    fsutil.fsync_dir(tmp_path)
    assert len(closed) == 1  # and the folder's descriptor is not leaked


def test_atomic_write_makes_the_missing_folders(tmp_path):
    target = tmp_path / "host" / "posts" / ".state.json"  # a first run's state, before any post
    fsutil.atomic_write(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
