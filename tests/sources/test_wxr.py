"""WordPress export files (sources/wxr.py): hand-made awkward and damaged exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import mask_ids
from wparchive.cli import cli
from wparchive.errors import InputError
from wparchive.render.document import render_text
from wparchive.sources.inputs import iter_input
from wparchive.sources.wxr import read_wxr

AWKWARD = Path(__file__).parent / "wxr" / "awkward.xml"


def events(data: bytes, name: str = "x.xml") -> list:
    return list(read_wxr(io.BytesIO(data), name))


def posts(data: bytes) -> dict[int, object]:
    return {e.post.post.id: e.post for e in events(data) if e.post is not None}


def test_awkward_export_cdata_split_empty_title_non_latin_slug_pages_custom_type():
    found = list(iter_input(str(AWKWARD)))
    got = {e.post.post.id: e.post for e in found if e.post is not None}
    assert sorted(got) == [10, 11, 20, 21, 22, 40]
    code = got[10].post
    # WordPress writes `]]>` inside content as `]]]]><![CDATA[>`: read back as the original text.
    assert code.title_html == "Code with ]]> inside"
    assert "<pre>a[i]]> b</pre>" in code.content_raw
    assert code.author == "Ann Author"  # display name from <wp:author>, not the login
    assert code.categories == ("News &amp; Views",) and code.tags == ("Python",)
    assert (code.date_gmt, code.modified_gmt) == ("2024-05-01T10:00:00", "2024-05-02T10:00:00")
    assert code.content_is_raw is True
    untitled = got[11].post
    assert untitled.title_html == "" and render_text(untitled) == "Без заголовка\n"
    assert untitled.slug == "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82"
    assert untitled.author == "ghost"  # a login with no <wp:author> stays the login
    assert untitled.date_gmt is None  # 0000-00-00 00:00:00: a draft never published
    assert untitled.protected is True
    assert b"s3cret-pw" not in got[11].raw
    parents = {i: json.loads(got[i].raw)["parent"] for i in (20, 21, 22)}
    assert parents == {20: 0, 21: 20, 22: 21}
    assert got[40].post.type == "recipe"
    assert [c.to_json() for c in got[10].comments] == [{
        "id": 3, "post": 10, "parent": None, "author_name": "Bob", "author_url": "https://bob.example.org",
        "date_gmt": "2024-05-03T10:00:00", "status": "approved", "type": "comment",
        "content": {"raw": "Nice <b>post</b>"}}]
    media = [e.media for e in found if e.media is not None]
    assert [(m.id, m.url, m.parent) for m in media] == [
        (30, "https://blog.example.org/wp-content/uploads/2024/05/photo.jpg", 10)]
    assert all(e.warning is None for e in found)
    assert {e.post.site_url for e in found if e.post} == {"https://Blog.Example.org"}


def test_archive_files_an_export_by_its_base_site_url_and_post_type(tmp_path):
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), str(AWKWARD)])
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout) == [
        "new blog.example.org/posts/10@ID", "new blog.example.org/posts/11@ID",
        "new blog.example.org/pages/20@ID", "new blog.example.org/pages/21@ID",
        "new blog.example.org/pages/22@ID", "new blog.example.org/recipe/40@ID"]
    [snap] = (tmp_path / "blog.example.org" / "posts" / "10").iterdir()
    meta = json.loads((snap / "snapshot.json").read_text())
    assert meta["source"] == {"kind": "wxr", "path": str(AWKWARD), "api_url": None, "http_status": None,
                              "etag": None, "last_modified": None}
    items = json.loads((tmp_path / "blog.example.org" / "media-items.json").read_text())["items"]
    assert items == [{"id": 30, "url": "https://blog.example.org/wp-content/uploads/2024/05/photo.jpg",
                      "title": "Photo", "parent": 10, "date_gmt": "2024-05-01T10:00:00", "source": str(AWKWARD)}]
    assert not (tmp_path / "blog.example.org" / "attachment").exists()  # not filed as a post
    again = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), str(AWKWARD)])
    assert mask_ids(again.stdout)[0] == "unchanged blog.example.org/posts/10"
    assert CliRunner().invoke(cli, ["verify", "--archive", str(tmp_path)]).exit_code == 0


def test_truncated_export_keeps_every_complete_item(tmp_path):
    data = AWKWARD.read_bytes()
    cut_at = data.index(b"<title><![CDATA[Middle")
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[:cut_at + 30])
    result = CliRunner().invoke(cli, ["convert", "--format", "json", str(cut)])
    assert result.exit_code == 0
    assert [item["id"] for item in json.loads(result.stdout)] == [10, 11, 20]
    line_no = data[:cut_at + 30].count(b"\n") + 1
    assert result.stderr == (f"warning: {cut}: damaged export, cut off at line {line_no}; 3 complete posts "
                             "kept; the item it stopped in and any after it are lost\n")
    salvage = json.loads(result.stdout)[2]["salvage"]
    assert salvage["export_damaged"] == f"cut off at line {line_no}"


def test_stray_control_characters_are_removed_and_recorded_on_their_item():
    data = AWKWARD.read_bytes().replace(b"Middle page", b"Middle\x01 page\x0b")
    found = events(data)
    got = {e.post.post.id: e.post for e in found if e.post}
    assert sorted(got) == [10, 11, 20, 21, 22, 40]
    assert got[21].post.content_raw == "Middle page"
    assert got[21].salvage["repairs"] == ["2 control characters removed"]
    assert got[20].salvage is None and got[22].salvage is None
    assert [e.warning for e in found if e.warning] == [
        "x.xml: damaged export, post 21 salvaged: 2 control characters removed"]


def test_wrong_encoding_declaration_latin1_bytes_in_a_utf8_export():
    data = AWKWARD.read_bytes().replace(b"Top page", "Caf\u00e9 page".encode("latin-1"))
    got = posts(data)
    assert got[20].post.content_raw == "Café page"
    assert got[20].salvage["repairs"] == ["1 bytes that were not UTF-8 read as Windows-1252"]
    assert got[11].post.content_raw == "<p>Без заголовка</p>" and got[11].salvage is None


def test_wrong_encoding_declaration_utf8_bytes_declared_latin1():
    data = AWKWARD.read_bytes().replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    got = posts(data)
    assert got[11].post.content_raw == "<p>Без заголовка</p>"
    assert all(item.salvage is None for item in got.values())


def test_a_latin1_export_that_says_so_is_read_as_latin1():
    data = AWKWARD.read_bytes().replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    data = data.replace("<p>Без заголовка</p>".encode(), "<p>Gr\u00fc\u00dfe</p>".encode("latin-1"))
    got = posts(data)
    assert got[11].post.content_raw == "<p>Grüße</p>" and got[11].salvage is None


@pytest.mark.parametrize("content, what", [
    (b"", "is empty"),
    (b"<html><body>hi</body></html>", "is an HTML page"),
    (b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>',
     "damaged export"),
])
def test_not_an_export_is_an_error_exit_2(tmp_path, content, what):
    path = tmp_path / "x.xml"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["convert", str(path)])
    if what == "damaged export":  # a channel opened and cut before any item: nothing to keep
        assert result.exit_code == 0 and result.stdout == ""
        assert "cut off" in result.stderr
        return
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {path} {what}")


def test_xml_that_is_not_wxr_is_an_error():
    with pytest.raises(InputError, match="is XML but not a WordPress export"):
        events(b'<?xml version="1.0"?><rss><channel><title>feed</title>'
               b'<x xmlns:wp="http://wordpress.org/export/1.2/"/></channel></rss>')


def test_export_comments_are_archived_apart_and_verified(tmp_path):
    archive = tmp_path / "archive"
    result = CliRunner().invoke(cli, ["archive", "--archive", str(archive), "--comments", str(AWKWARD)])
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout)[:2] == ["new blog.example.org/posts/10@ID",
                                              "new comments blog.example.org/posts/10 (1 comment)"]
    [folder] = (archive / "blog.example.org" / "posts" / "10" / "comments").iterdir()
    assert (folder / "comments.txt").read_text() == "Bob · 2024-05-03 10:00 UTC\n  Nice post\n"
    stored = (folder / "comments.json").read_text()
    assert "bob@example.org" not in stored and "192.0.2.1" not in stored
    assert json.loads((folder / "snapshot.json").read_text())["source"] == {"kind": "wxr", "path": str(AWKWARD)}
    clean = CliRunner().invoke(cli, ["verify", "--archive", str(archive)])
    assert clean.exit_code == 0 and clean.stdout == "7 snapshots checked, 0 problems\n"  # 6 posts, 1 thread
    assert result.stdout.count("comments") == 1  # posts without comments get no empty comment folder
    assert not (archive / "blog.example.org" / "posts" / "11" / "comments").exists()
    (folder / "comments.txt").write_text("Bob · 2024-05-03 10:00 UTC\n  Nice post, edited\n")
    tampered = CliRunner().invoke(cli, ["verify", "--archive", str(archive)])
    assert tampered.exit_code == 1
    assert mask_ids(tampered.stdout) == [
        f"mismatch: blog.example.org/posts/10/comments/{folder.name}/comments.txt: sha256 or size differs "
        "from snapshot.json", "7 snapshots checked, 1 problems"]


def test_archive_of_xml_that_is_not_an_export_is_exit_2(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>')
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: {path} is XML but not a WordPress export (no WXR namespace); expected a "
                             "saved REST API dump (JSON) or a WordPress export file (WXR, from Tools > Export)\n")


def test_multibyte_characters_across_read_chunks_are_not_repairs():
    # Enough non-Latin text that UTF-8 sequences straddle the reader's 64 KiB chunks many times.
    body = "Жёлтый 🌻 цветок,, " * 20000 + "ok"  # 33 bytes a repeat: never aligned with the chunks
    data = AWKWARD.read_bytes().replace("Без заголовка".encode(), body.encode())
    found = events(data)
    got = {e.post.post.id: e.post for e in found if e.post}
    assert got[11].post.content_raw == f"<p>{body}</p>"
    assert [e.warning for e in found if e.warning] == []
    assert all(item.salvage is None for item in got.values())


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_older_wxr_versions_read_the_same(version):
    data = AWKWARD.read_bytes().replace(b"export/1.2/", f"export/{version}/".encode())
    old, new = posts(data), posts(AWKWARD.read_bytes())
    assert sorted(old) == sorted(new)
    assert all(old[i].post == new[i].post and old[i].raw == new[i].raw for i in new)
    assert old[10].post.title_html == "Code with ]]> inside" and old[10].post.excerpt_html == "Short"
