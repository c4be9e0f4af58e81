"""Whole-site runs against a hostile WordPress-shaped server (tests/faultserver.py on 127.0.0.1):
listings are bounded in pages, what cannot be archived is reported, credentials stay with their
origin."""

import re

import pytest
from click.testing import CliRunner

from tests.faultserver import FaultServer, wp_post
from wparchive.cli import cli

PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"


def mask_ids(text):
    """Version ids (`@20261202T051114Z-418efb246ca0`) hold the time of the run: `@ID` instead."""
    return re.sub(r"@\d{8}T\d{6}Z-[0-9a-f]{12}", "@ID", text)


@pytest.fixture(autouse=True)
def home(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("WPARCHIVE_APP_PASSWORD", "WPARCHIVE_POST_PASSWORD", "WPARCHIVE_ARCHIVE", "NETRC"):
        monkeypatch.delenv(name, raising=False)


def wordpress(server, pages, types=None, api=None):
    """Routes of a small WordPress on `server`: `pages(n)` gives (posts, headers) of listing page n."""
    api = api or f"{server.url}/wp-json/"
    link = {"Link": f'<{api}>; rel="https://api.w.org/"'}
    server.routes["/"] = lambda h: h.send(200, b"<html><body>Home</body></html>", {"Content-Type": "text/html", **link})
    server.routes["/wp-json/"] = lambda h: h.send(200, {"namespaces": ["wp/v2"]}, link)
    server.routes["/wp-json/wp/v2/types"] = lambda h: h.send(200, types or {"post": {"rest_base": "posts"}})

    def listing(h):
        posts, headers = pages(int(h.query.get("page", "1")))
        h.send(200, posts, headers)

    server.routes["/wp-json/wp/v2/posts"] = listing
    server.routes["/wp-json/wp/v2/pages"] = lambda h: h.send(200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})
    return listing


def run_site(server, tmp_path, *args):
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--site", server.url, "--all",
                                    "--retries", "0", "--no-log-format", *args])


def listing_pages(server, base="posts"):
    return [p for p, _ in server.requests if p.startswith(f"/wp-json/wp/v2/{base}?")]


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def test_pages_that_bring_no_new_post_end_the_listing_with_a_warning(server, tmp_path):
    host = f"127.0.0.1_{server.port}"
    wordpress(server, lambda page: ([wp_post(1), wp_post(2)], {"X-WP-Total": "2", "X-WP-TotalPages": "1000000000"}))
    result = run_site(server, tmp_path)
    assert (result.exit_code, mask_ids(result.stdout)) == (0, f"new {host}/posts/1@ID\nnew {host}/posts/2@ID\n")
    assert result.stderr == ("warning: the posts listing page 2 brought no post not already listed; the listing ends "
                             "there (does the site or a cache ignore `page`?)\n"
                             "2 of 2 posts: 2 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n")
    assert len(listing_pages(server)) == 2


def test_a_listing_never_asks_for_more_pages_than_its_total_allows(server, tmp_path):
    # Each page brings a new post, for ever; X-WP-Total says 1: one page, plus a margin of two.
    wordpress(server, lambda page: ([wp_post(page)], {"X-WP-Total": "1", "X-WP-TotalPages": "1000000000"}))
    result = run_site(server, tmp_path)  # not --quiet, which leaves warnings out
    assert (result.exit_code, result.stderr) == (0, (
        "warning: the posts listing goes on past page 3, more than its 1 posts fill; the listing ends there\n"
        "3 posts: 3 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"))
    assert len(listing_pages(server)) == 3


def test_a_listed_post_without_a_valid_id_is_a_failed_item(server, tmp_path):
    host = f"127.0.0.1_{server.port}"
    wordpress(server, lambda page: ([wp_post(1), wp_post("../../../tmp/x"), wp_post(-3)],
                                    {"X-WP-Total": "3", "X-WP-TotalPages": "1"}))
    result = run_site(server, tmp_path)
    assert result.exit_code == 4
    assert mask_ids(result.stdout) == (
        f"new {host}/posts/1@ID\n"
        f"failed {host}/posts: a listed post has no valid id ('../../../tmp/x'); it was not archived\n"
        f"failed {host}/posts: a listed post has no valid id ('-3'); it was not archived\n")
    assert result.stderr == "3 of 3 posts: 1 new, 0 changed, 0 unchanged, 0 protected, 2 failed\n"
    assert sorted(p.name for p in (tmp_path / "a" / host / "posts").iterdir()) == [".state.json", "1"]


def test_hostile_rest_bases_are_skipped_with_a_warning_and_the_other_types_run(server, tmp_path):
    host = f"127.0.0.1_{server.port}"
    long_base = "a" * 5000
    types = {"post": {"rest_base": "posts"}, "page": {"rest_base": "pages"}, "book": {"rest_base": "books"},
             "evil": {"rest_base": "../../x"}, "dos": {"rest_base": "CON"}, "long": {"rest_base": long_base}}
    wordpress(server, lambda page: ([wp_post(1)], {"X-WP-Total": "1", "X-WP-TotalPages": "1"}), types)
    server.routes["/wp-json/wp/v2/books"] = lambda h: h.send(200, [wp_post(7)], {"X-WP-Total": "1",
                                                                                 "X-WP-TotalPages": "1"})
    result = run_site(server, tmp_path, "--type", "all")
    assert (result.exit_code, mask_ids(result.stdout)) == (0, f"new {host}/posts/1@ID\nnew {host}/books/7@ID\n"), result.output
    assert result.stderr == (
        "warning: post type 'CON' skipped: its rest_base cannot be stored as a folder under its own name "
        "(reserved, too long or not plain)\n"
        f"warning: post type '{'a' * 60}' skipped: its rest_base cannot be stored as a folder under its own name "
        "(reserved, too long or not plain)\n"
        "warning: post type 'evil' skipped: its rest_base '../../x' is not a plain name (it could reach another "
        "route or path)\n"
        "1 of 1 posts: 1 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
        "0 of 0 pages: 0 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
        "1 of 1 books: 1 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n")
    assert sorted(p.name for p in (tmp_path / "a" / host).iterdir()) == [".site.json", "books", "posts"]
    assert not [p for p, _ in server.requests if "CON" in p or "aaaa" in p or ".." in p]


def test_credentials_never_go_to_an_api_root_on_another_port(server, tmp_path, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", PASSWORD)
    with FaultServer() as other:
        wordpress(server, lambda page: ([], {}), api=f"{other.url}/wp-json/")
        other.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(200, wp_post(1, origin=server.url))
        result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--user", "editor",
                                          "--retries", "0", f"{server.url}/?p=1"])
        assert result.exit_code == 0, result.output
        assert [("Authorization" in h) for h in server.headers_of("/")] == [True]
        assert other.requests and not [h for _, h in other.requests if "Authorization" in h]


def test_credentials_never_follow_a_redirect_to_another_port(server, tmp_path, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", PASSWORD)
    with FaultServer() as other:
        server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(
            302, b"", {"Location": f"{other.url}/wp-json/wp/v2/posts/1"})
        other.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(200, wp_post(1, origin=server.url))
        result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--user", "editor",
                                          "--retries", "0", f"{server.url}/wp-json/wp/v2/posts/1"])
        assert result.exit_code == 0, result.output
        assert "Authorization" in server.headers_of("/wp-json/wp/v2/posts/1")[0]
        assert len(other.requests) == 1 and "Authorization" not in other.requests[0][1]


def test_credentials_follow_a_redirect_within_their_origin(server, tmp_path, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", PASSWORD)
    server.routes["/wp-json/wp/v2/posts/1"] = lambda h: h.send(302, b"", {"Location": "/wp-json/wp/v2/posts/2"})
    server.routes["/wp-json/wp/v2/posts/2"] = lambda h: h.send(200, wp_post(2, origin=server.url))
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--user", "editor",
                                      "--retries", "0", f"{server.url}/wp-json/wp/v2/posts/1"])
    assert result.exit_code == 0, result.output
    assert ["Authorization" in h for _, h in server.requests] == [True, True]
