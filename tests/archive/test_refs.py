"""REFs as people type them (issue 17): a host with its port, a raw UTF-8 permalink of a post whose link
WordPress percent-encodes, a URL without its scheme, another name of the archived host, a bare ID, and a
bare host (a whole site)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from wparchive.archive.refs import resolve_post, site_of
from wparchive.archive.store import Archive, PostKey
from wparchive.cli import cli
from wparchive.errors import InputError
from wparchive.model import Post, Source

SLUG = "%ea%b9%80%eb%af%bc%ec%88%98%ec%9d%98-%ec%b2%ab-%eb%b2%88%ec%a7%b8-%ea%b8%80"  # as WordPress sends it
RAW = "김민수의-첫-번째-글"
LOCAL = "http://127.0.0.1:8088"
LISTING = f"{LOCAL}/wp-json/wp/v2/posts?per_page=100&page=1"
KOREAN = PostKey("127.0.0.1_8088", "posts", 10)


def wp_post(ident, slug, link, title="T"):
    return {"id": ident, "date_gmt": "2024-03-31T08:00:00", "modified_gmt": "2024-03-31T08:00:00", "slug": slug,
            "status": "publish", "type": "post", "link": link, "title": {"rendered": title},
            "content": {"rendered": "<p>Body.</p>", "protected": False}, "author": 1, "categories": [], "tags": []}


def add(root, site, obj, source_url):
    """Captured as a whole-site run captures: its source is the listing page, not the permalink."""
    Archive(root).capture(Post.from_api(obj), Source("api", url=source_url, api_url=source_url, http_status=200),
                          json.dumps(obj).encode(), site_url=site, rest_base="posts",
                          captured_at=datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc))


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "a"
    add(root, LOCAL, wp_post(10, SLUG, f"{LOCAL}/2023/08/{SLUG}/"), LISTING)
    add(root, "https://example.com", wp_post(7, "hello", "https://example.com/2024/05/hello/"),
        "https://example.com/2024/05/hello/")
    return Archive(root)


@pytest.mark.parametrize("ref", [
    "127.0.0.1:8088/posts/10",  # the host as typed, with its port
    "127.0.0.1_8088/posts/10",  # the host as its folder
    f"{LOCAL}/2023/08/{RAW}/",  # a raw UTF-8 permalink of a post archived by a site run
    f"{LOCAL}/2023/08/{RAW}",
    f"{LOCAL}/2023/08/{SLUG.upper()}/",  # percent-encoded in upper case, as browsers copy it
    f"127.0.0.1:8088/2023/08/{RAW}/",  # without the scheme
    f"{LOCAL}/?p=10",
    "10",  # the ID, unique in this archive
])
def test_refs_as_typed_resolve(archive, ref):
    assert resolve_post(archive, ref) == KOREAN


def test_another_name_of_the_archived_host_resolves_with_a_warning(archive, caplog):
    assert resolve_post(archive, f"http://localhost:8088/2023/08/{RAW}/") == KOREAN
    assert [r.getMessage() for r in caplog.records] == [
        "localhost:8088 is not an archived site; 127.0.0.1_8088/posts/10 matched on 127.0.0.1_8088 by its path"]


def test_another_host_with_two_candidates_lists_them(archive, tmp_path):
    add(archive.root, "http://[::1]:8088", wp_post(12, SLUG, f"http://[::1]:8088/2023/08/{SLUG}/"),
        "http://[::1]:8088/wp-json/wp/v2/posts?per_page=100&page=1")
    with pytest.raises(InputError) as caught:
        resolve_post(archive, f"http://localhost:8088/2023/08/{RAW}/")
    assert str(caught.value) == ("localhost:8088 is not an archived site and that path matches posts of 2 sites: "
                                 "127.0.0.1_8088/posts/10, ipv6_--1_8088/posts/12; give one of them")


@pytest.mark.parametrize("url", [
    f"https://other.example.org/2023/08/{RAW}/",  # another site with the same path: not the same post
    f"http://localhost:9999/2023/08/{RAW}/",  # another port: another site
    "https://other.example.org/?p=10",
])
def test_another_site_is_never_searched(archive, url):
    with pytest.raises(InputError):
        resolve_post(archive, url)


def test_www_or_not_is_the_same_site(archive, caplog):
    assert resolve_post(archive, "https://www.example.com/2024/05/hello/") == PostKey("example.com", "posts", 7)
    assert [r.getMessage() for r in caplog.records] == [
        "www.example.com is not an archived site; example.com/posts/7 matched on example.com by its path"]


def test_an_archived_host_is_not_searched_elsewhere(archive):
    # example.com is archived: a path it does not have is unknown there, not looked for on other sites.
    with pytest.raises(InputError):
        resolve_post(archive, f"https://example.com/2023/08/{RAW}/")


def test_a_bare_id_shared_by_two_posts_lists_them(archive):
    add(archive.root, "https://example.com", wp_post(10, "ten", "https://example.com/ten/"),
        "https://example.com/ten/")
    with pytest.raises(InputError) as caught:
        resolve_post(archive, "10")
    assert str(caught.value) == ("10 is the ID of 2 archived posts: 127.0.0.1_8088/posts/10, "
                                 "example.com/posts/10; give one of them")
    with pytest.raises(InputError) as caught:
        resolve_post(archive, "11")
    assert str(caught.value) == f"no archived post has the ID 11 in {archive.root}; 'wparchive ls' lists them"


@pytest.mark.parametrize(("ref", "site"), [
    ("127.0.0.1:8088", "127.0.0.1_8088"), ("127.0.0.1_8088", "127.0.0.1_8088"), (LOCAL, "127.0.0.1_8088"),
    (LOCAL + "/", "127.0.0.1_8088"), ("example.com", "example.com"), ("EXAMPLE.com/", "example.com"),
    ("example.org", None), ("example.com/posts/7", None), (f"{LOCAL}/?p=10", None), ("10", None)])
def test_site_of_a_bare_host(archive, ref, site):
    assert site_of(archive, ref) == site


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="wparchive")


def test_log_accepts_each_form_and_says_which_site_matched(archive):
    expected = f"@1\t2024-05-01T10:00:00Z\tapi:{LISTING}\t"
    for ref in ("127.0.0.1:8088/posts/10", f"{LOCAL}/2023/08/{RAW}/", "10"):
        result = run("log", ref, "--archive", archive.root)
        assert (result.exit_code, result.stderr) == (0, ""), result.output
        assert result.stdout.startswith(expected) and result.stdout.endswith("\tfirst capture\n")
    result = run("log", f"http://localhost:8088/2023/08/{RAW}/", "--archive", archive.root)
    assert result.exit_code == 0 and result.stdout.startswith(expected)
    assert result.stderr == ("warning: localhost:8088 is not an archived site; 127.0.0.1_8088/posts/10 matched "
                             "on 127.0.0.1_8088 by its path\n")


def test_quiet_drops_the_warning_about_the_site_matched(archive):
    result = run("log", "-q", f"http://localhost:8088/2023/08/{RAW}/", "--archive", archive.root)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"@1\t2024-05-01T10:00:00Z\tapi:{LISTING}\t")


def test_log_of_a_bare_host_says_it_is_a_site(archive):
    result = run("log", "127.0.0.1:8088", "--archive", archive.root)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("error: 127.0.0.1:8088 is a whole site (127.0.0.1_8088); a site's timeline is not in "
                             "this version of wparchive: give one post (HOST/TYPE/ID or its URL; 'wparchive ls' "
                             "lists them)\n")


def test_show_and_diff_take_a_site_as_an_error(archive):
    result = run("show", "example.com", "--archive", archive.root)
    assert (result.exit_code, result.stderr) == (2, "error: example.com names a whole site (example.com), not one "
                                                    "post; give HOST/TYPE/ID or a post's URL ('wparchive ls' lists "
                                                    "them)\n")


def test_a_damaged_snapshot_does_not_hide_the_other_posts(archive):
    add(archive.root, LOCAL, wp_post(11, "eleven", f"{LOCAL}/2023/08/eleven/"), LISTING)
    damaged = archive.latest(PostKey("127.0.0.1_8088", "posts", 11)).path / "snapshot.json"
    damaged.write_text("{ not json")
    assert resolve_post(archive, f"{LOCAL}/2023/08/{RAW}/") == KOREAN


def test_a_link_stored_in_another_normal_form_is_still_found(archive):
    import unicodedata
    from urllib.parse import quote

    decomposed = quote(unicodedata.normalize("NFD", "한글-글"))  # what a Mac may have sent
    add(archive.root, LOCAL, wp_post(13, decomposed, f"{LOCAL}/2023/09/{decomposed}/"), LISTING)
    assert resolve_post(archive, f"{LOCAL}/2023/09/한글-글/") == PostKey("127.0.0.1_8088", "posts", 13)
