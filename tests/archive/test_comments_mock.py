"""Comments against a mocked WordPress (`responses`): pagination, a failing comments route, a firewall
page; and the thread rendering on its own."""

from __future__ import annotations

import json

import pytest
import responses
from click.testing import CliRunner

from tests.archive.test_capture_mock import REST, add, wp_post
from tests.conftest import mask_ids
from wparchive.cli import cli
from wparchive.render.comments import comments_hash, render_thread
from wparchive.sources.comments import Comment

COMMENTS = "https://example.com/wp-json/wp/v2/comments"
KEY = "example.com/posts/7660"


def comment(ident: int, parent: int = 0, text: str = "Hi", author: str = "Ann", status: str = "approved",
            date: str = "2024-01-02T10:00:00") -> dict:
    return {"id": ident, "post": 7660, "parent": parent, "author": 0, "author_name": author,
            "author_url": "", "date": date, "date_gmt": date, "content": {"rendered": f"<p>{text}</p>\n"},
            "link": f"https://example.com/?p=7660#comment-{ident}", "status": status, "type": "comment",
            "author_avatar_urls": {"24": "https://secure.gravatar.com/avatar/x?s=24"}}


def archive(tmp_path, *args):
    env = {"WPARCHIVE_APP_PASSWORD": None, "WPARCHIVE_ARCHIVE": None}
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), *args], env=env)


def test_comments_are_read_page_by_page(tmp_path, web):
    add(web, REST, json.dumps(wp_post()).encode())
    page1 = [comment(i) for i in range(1, 101)]
    add(web, COMMENTS, json.dumps(page1).encode(), headers=[("X-WP-TotalPages", "2"), ("X-WP-Total", "101")],
        query={"per_page": "100", "orderby": "id", "order": "asc", "post": "7660", "page": "1"})
    add(web, COMMENTS, json.dumps([comment(101, parent=100)]).encode(),
        headers=[("X-WP-TotalPages", "2"), ("X-WP-Total", "101")],
        query={"per_page": "100", "orderby": "id", "order": "asc", "post": "7660", "page": "2"})
    result = archive(tmp_path, "--comments", REST)
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout) == [f"new {KEY}@ID", f"new comments {KEY} (101 comments)"]
    assert [c.request.url.split("?")[0] for c in web.calls].count(COMMENTS) == 2


def test_a_failing_comments_route_fails_the_comments_not_the_post(tmp_path, web, slept):
    add(web, REST, json.dumps(wp_post()).encode())
    add(web, COMMENTS, b"<html><body>Blocked</body></html>", ctype="text/html")
    result = archive(tmp_path, "--comments", REST)
    assert result.exit_code == 4
    assert mask_ids(result.stdout) == [f"new {KEY}@ID", f"failed {REST}: comments of {KEY}: {COMMENTS}"
                                          "?per_page=100&orderby=id&order=asc&post=7660&page=1 returned an HTML "
                                          "page where JSON was expected (a firewall, login or challenge page?); "
                                          "open it in a browser to check"]
    assert not (tmp_path / "example.com" / "posts" / "7660" / "comments").exists()


def test_a_comments_route_answering_500_is_reported_after_retries(tmp_path, web, slept):
    add(web, REST, json.dumps(wp_post()).encode())
    for _ in range(3):
        add(web, COMMENTS, b'{"code":"oops","message":"down"}', status=503)
    result = archive(tmp_path, "--retries", "2", "--comments", REST)
    assert result.exit_code == 4
    assert mask_ids(result.stdout)[0] == f"new {KEY}@ID"
    assert mask_ids(result.stdout)[1].startswith(f"failed {REST}: comments of {KEY}: ")
    assert "after 2 retries" in result.stdout


def c(ident, parent=None, author="Ann", text="<p>Hi</p>", status="approved", date="2024-01-02T10:00:00"):
    return Comment(ident, 1, parent, author, "", date, status, "comment", text)


def test_thread_nests_replies_under_parents_in_id_order():
    thread = [c(3, 1, "Cy", "<p>Reply to Ann</p>"), c(1, None, "Ann", "<p>Top</p>\n<p>Second para</p>"),
              c(2, None, "Bo", "<p>Other</p>", status="hold"), c(4, 3, "Di", "Deep")]
    assert render_thread(thread) == (
        "Ann · 2024-01-02 10:00 UTC\n  Top\n\n  Second para\n\n"
        "  Cy · 2024-01-02 10:00 UTC\n    Reply to Ann\n\n"
        "    Di · 2024-01-02 10:00 UTC\n      Deep\n\n"
        "Bo · 2024-01-02 10:00 UTC [hold]\n  Other\n")
    assert comments_hash(thread) == comments_hash(list(reversed(thread)))


def test_thread_survives_missing_parents_and_loops():
    assert render_thread([c(5, 99, "Orphan")]) == "Orphan · 2024-01-02 10:00 UTC\n  Hi\n"
    looped = render_thread([c(1, 2, "A"), c(2, 1, "B")])
    assert looped.count(" · ") == 2
    assert render_thread([]) == ""


@pytest.mark.parametrize("rendered, raw", [("<p>Same text</p>\n", "Same text")])
def test_rest_and_export_comments_hash_the_same(rendered, raw):
    from_rest = Comment.from_api({"id": 1, "post": 1, "author_name": "A", "date_gmt": "2024-01-01T00:00:00",
                                  "status": "approved", "content": {"rendered": rendered}})
    from_export = Comment(1, 1, None, "A", "", "2024-01-01T00:00:00", "approved", "comment", raw, True)
    assert comments_hash([from_rest]) == comments_hash([from_export])


def test_no_email_or_ip_is_kept_from_an_edit_context_comment():
    obj = dict(comment(1), author_email="a@example.invalid", author_ip="192.0.2.1", author_user_agent="UA")
    stored = json.dumps(Comment.from_api(obj).to_json())
    assert "example.invalid" not in stored and "192.0.2.1" not in stored and "UA" not in stored


_ = responses


def test_a_server_repeating_one_page_for_ever_does_not_loop(tmp_path, web):
    add(web, REST, json.dumps(wp_post()).encode())
    # Every page the same two comments, and a page count that never ends.
    add(web, COMMENTS, json.dumps([comment(1), comment(2)]).encode(), headers=[("X-WP-TotalPages", "999999")])
    result = archive(tmp_path, "--comments", REST)
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout)[1] == f"new comments {KEY} (2 comments)"
    assert [c.request.url.split("?")[0] for c in web.calls].count(COMMENTS) == 2
