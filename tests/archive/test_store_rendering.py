"""When a new capture is a rendering change (the post as it was, the site's HTML different) and when
it is not: a protected post's content arriving or withheld again, an unreadable earlier version.

Pins archive/store.py's `_is_rendering_change`, which mutants (bench/mutation.sh) changed unnoticed.
"""

import json

from tests.archive.test_store import API, at
from wparchive.archive.store import Archive
from wparchive.model import Post, Source

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
