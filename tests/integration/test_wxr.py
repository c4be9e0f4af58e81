"""WordPress export files (WXR) made by the real WordPress of the tests with its own `export_wp()`,
after creating the content through the REST API: converted and archived like REST captures."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from wparchive.cli import cli

TOKEN = uuid.uuid4().hex[:8]
# Content WordPress renders the same with or without wptexturize: no quotes, dashes or ellipses.
BODY = "<!-- wp:paragraph -->\n<p>First paragraph of the export test.</p>\n<!-- /wp:paragraph -->\n\n" \
       "<!-- wp:list -->\n<ul><li>one</li><li>two</li></ul>\n<!-- /wp:list -->"
SECRET = f"pw-{TOKEN}-hush"


def run(*args: str) -> Result:
    env = {"WPARCHIVE_APP_PASSWORD": None, "WPARCHIVE_POST_PASSWORD": None, "WPARCHIVE_ARCHIVE": None}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def site(wordpress, tmp_path_factory):
    """Content made through REST (a post with terms and a threaded comment, a protected post, three
    levels of pages, a sticky post), then the site exported by WordPress itself."""
    post = wordpress.create_post(f"Export post {TOKEN}", BODY, categories=[f"Cat {TOKEN}"],
                                 tags=[f"tag-{TOKEN}"])
    first = wordpress.create_comment(post["id"], "Top comment", "Reader One")
    wordpress.create_comment(post["id"], "A reply", "Reader Two", parent=first["id"])
    protected = wordpress.create_post(f"Locked {TOKEN}", "<p>Members only.</p>", password=SECRET)
    top = wordpress.create_page(f"Top {TOKEN}", "<p>Top.</p>")
    middle = wordpress.create_page(f"Middle {TOKEN}", "<p>Middle.</p>", parent=top["id"])
    bottom = wordpress.create_page(f"Bottom {TOKEN}", "<p>Bottom.</p>", parent=middle["id"])
    sticky = wordpress.create_post(f"Sticky {TOKEN}", "<p>Pinned.</p>")
    wordpress.update_post(sticky["id"], sticky=True)
    cdata = wordpress.create_post(f"Brackets {TOKEN}", "<p>Array end a[b[0]]> here.</p>")
    cyrillic = wordpress.create_post(f"Privet {TOKEN}", "<p>Non-Latin slug.</p>", slug=f"привет-{TOKEN}")
    export = wordpress.export_wxr(tmp_path_factory.mktemp("wxr") / "export.xml")
    return {"cdata": cdata, "cyrillic": cyrillic, "post": post, "protected": protected, "pages": (top, middle, bottom), "sticky": sticky,
            "export": export, "host": f"127.0.0.1_{urlsplit(wordpress.url).port}", "wp": wordpress}


def converted(site) -> dict[int, dict]:
    result = run("convert", "--format", "json", str(site["export"]))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return {item["id"]: item for item in json.loads(result.stdout)}


def test_export_of_the_real_wordpress_converts_with_terms_authors_comments(site):
    items = converted(site)
    post = items[site["post"]["id"]]
    assert post["title"] == f"Export post {TOKEN}"
    assert post["text"] == f"Export post {TOKEN}\n\nFirst paragraph of the export test.\n\n- one\n- two\n"
    assert post["type"] == "post" and post["status"] == "publish"
    assert post["slug"] == f"export-post-{TOKEN}"
    assert post["link"] == site["post"]["link"]
    assert post["date_gmt"] == site["post"]["date_gmt"]
    assert post["categories"] == [f"Cat {TOKEN}"]
    assert post["tags"] == [f"tag-{TOKEN}"]
    assert post["author"] == site["wp"]._call("GET", "/wp/v2/users/me")["name"]  # display name, not login
    comments = post["comments"]
    assert [(c["author_name"], c["content"]["raw"], c["status"]) for c in comments] == [
        ("Reader One", "Top comment", "approved"), ("Reader Two", "A reply", "approved")]
    assert comments[1]["parent"] == comments[0]["id"] and comments[0]["parent"] is None
    assert all("email" not in json.dumps(c) and "IP" not in json.dumps(c) for c in comments)


def test_real_export_splits_cdata_and_keeps_non_latin_slugs(site):
    assert b"]]]]><![CDATA[>" in site["export"].read_bytes()  # how WordPress writes `]]>` in CDATA
    items = converted(site)
    assert items[site["cdata"]["id"]]["text"] == f"Brackets {TOKEN}\n\nArray end a[b[0]]> here.\n"
    assert items[site["cyrillic"]["id"]]["slug"] == site["cyrillic"]["slug"]
    assert site["cyrillic"]["slug"].startswith("%d0%bf%d1%80")


def test_export_pages_keep_three_levels_and_sticky(site, tmp_path):
    archive = tmp_path / "archive"
    result = run("archive", "--archive", str(archive), str(site["export"]))
    assert result.exit_code == 0, result.output
    top, middle, bottom = site["pages"]
    for page, parent in ((top, 0), (middle, top["id"]), (bottom, middle["id"])):
        [snap] = (archive / site["host"] / "pages" / str(page["id"])).iterdir()
        assert json.loads((snap / "response.json").read_text())["parent"] == parent
        assert json.loads((snap / "snapshot.json").read_text())["source"]["kind"] == "wxr"
    [snap] = (archive / site["host"] / "posts" / str(site["sticky"]["id"])).iterdir()
    assert json.loads((snap / "response.json").read_text())["sticky"] is True


def test_post_password_of_an_export_is_never_stored(site, tmp_path):
    assert SECRET in site["export"].read_text(encoding="utf-8")  # WordPress does export it
    archive = tmp_path / "archive"
    assert run("archive", "--archive", str(archive), str(site["export"])).exit_code == 0
    [snap] = (archive / site["host"] / "posts" / str(site["protected"]["id"])).iterdir()
    assert json.loads((snap / "snapshot.json").read_text())["protected"] is True
    leaks = [p for p in archive.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaks == []
    result = run("convert", "--format", "json", str(site["export"]))
    assert SECRET not in result.stdout


def test_same_post_from_rest_and_from_export_gives_the_same_post_txt(site, tmp_path):
    rest_archive, wxr_archive = tmp_path / "rest", tmp_path / "wxr"
    ids = [site["post"]["id"], site["sticky"]["id"], site["cdata"]["id"], site["cyrillic"]["id"]]
    for ident in ids:
        result = run("archive", "--archive", str(rest_archive), "--site", site["wp"].url, str(ident))
        assert result.exit_code == 0, result.output
    assert run("archive", "--archive", str(wxr_archive), str(site["export"])).exit_code == 0
    for ident in ids:
        [from_rest] = (rest_archive / site["host"] / "posts" / str(ident)).iterdir()
        [from_wxr] = (wxr_archive / site["host"] / "posts" / str(ident)).iterdir()
        assert (from_wxr / "post.txt").read_text() == (from_rest / "post.txt").read_text()
        rest_meta = json.loads((from_rest / "snapshot.json").read_text())
        wxr_meta = json.loads((from_wxr / "snapshot.json").read_text())
        for key in ("id", "type", "slug", "link", "status", "title", "date_gmt", "author", "categories",
                    "tags"):
            assert wxr_meta[key] == rest_meta[key], key


def test_a_cut_off_real_export_keeps_every_complete_item(site, tmp_path):
    data = site["export"].read_bytes()
    marker = f"<title><![CDATA[Middle {TOKEN}]]></title>".encode()
    assert marker in data
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(marker) + 20])  # a PHP time limit ends the file mid-item
    result = run("convert", "--format", "json", str(cut))
    assert result.exit_code == 0, result.output
    ids = [item["id"] for item in json.loads(result.stdout)]
    assert site["pages"][1]["id"] not in ids
    assert site["pages"][0]["id"] in ids
    [line] = result.stderr.splitlines()
    assert line.startswith(f"warning: {cut}: damaged export, cut off at line ")
    assert line.endswith("; the item it stopped in and any after it are lost")
