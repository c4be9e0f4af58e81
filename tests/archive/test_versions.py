"""`@V` in every form design.md gives, and the edges mutation testing found unpinned."""

from pathlib import Path

import pytest

from tests.archive.test_store import KEY, at, capture
from wparchive.archive.store import Archive, Problem, pick_version
from wparchive.errors import InputError


@pytest.fixture
def three(tmp_path):
    archive = Archive(tmp_path)
    for second, text in ((1, "A"), (2, "B"), (3, "C")):
        capture(archive, content=f"<p>{text}</p>", when=at(second))
    return archive


@pytest.mark.parametrize("spec,version", [
    (None, 3), ("latest", 3), ("1", 1), ("2", 2), ("3", 3), ("-1", 2), ("-2", 1),
    ("2026-11-29T10:00:02", 2), ("2026-11-29T10:00:02Z", 2), ("2026-11-29 10:00:02", 2),
    ("20261129T100002Z", 2), ("20261129100002", 2), ("202611291", 3), ("2026112910", 3),
    ("2026-11-29T10:00:0", 3), ("2026-11-29", 3), ("2026", 3), ("20261129", 3),
])
def test_pick_version(three, spec, version):
    assert three.read(KEY, spec).version == version


@pytest.mark.parametrize("spec,message", [
    ("0", "example.com_8080/posts/7 has no version @0 (it has 3: @1 to @3, or @-1 for the one before the latest)"),
    ("4", "example.com_8080/posts/7 has no version @4 (it has 3: @1 to @3, or @-1 for the one before the latest)"),
    ("-3", "example.com_8080/posts/7 has no version @-3 (it has 3: @1 to @3, or @-1 for the one before the latest)"),
    ("2026-11-29T10:00:09", "example.com_8080/posts/7 has no version captured at 2026-11-29T10:00:09; "
                            "'wparchive log example.com_8080/posts/7' lists them"),
    ("2026-11-29T10:00:02z", "example.com_8080/posts/7 has no version @2026-11-29T10:00:02z; 'wparchive log "
                             "example.com_8080/posts/7' lists them (cite a version by its id, or a unique prefix of it)"),
])
def test_pick_version_errors(three, spec, message):
    with pytest.raises(InputError) as err:
        three.read(KEY, spec)
    assert str(err.value) == message


def test_a_post_without_versions(tmp_path):
    with pytest.raises(InputError) as err:
        pick_version(KEY, [], "1")
    assert str(err.value) == "example.com_8080/posts/7 has no stored versions"
    assert Archive(tmp_path).latest(KEY) is None and Archive(tmp_path).versions(KEY) == []


def test_a_problem_outside_the_archive_is_shown_with_its_full_path():
    assert Problem(Path("/elsewhere/x"), "stray", "why").line(Path("/archive")) == "stray: /elsewhere/x: why"
    assert Problem(Path("/archive/h/x"), "stray", "why").line(Path("/archive")) == "stray: h/x: why"
