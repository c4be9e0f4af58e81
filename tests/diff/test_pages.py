"""`wparchive diff monday-page.json tuesday-page.json`: two saved listing pages compared post by post,
matched by ID (issue 17; it used to say `holds 100 posts; diff compares one post with one post`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from wparchive.cli import cli
from wparchive.diff.pages import compare_pages
from wparchive.model import Post


def wp_post(ident, title, body):
    return {"id": ident, "type": "post", "slug": f"s{ident}", "link": f"https://example.com/s{ident}/",
            "status": "publish", "title": {"rendered": title}, "content": {"rendered": body}}


MONDAY = [wp_post(1, "One", "<p>a</p>"), wp_post(2, "Two", "<p>b</p>"), wp_post(3, "Three", "<p>c</p>")]
TUESDAY = [wp_post(4, "Four", "<p>d</p>"), wp_post(2, "Two", "<p>b changed</p>"), wp_post(3, "Three", "<p>c</p>")]


@pytest.fixture
def pages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("mon.json", "w") as f:
        json.dump(MONDAY, f)
    with open("tue.json", "w") as f:
        json.dump(TUESDAY, f)


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="wparchive", env={"NO_COLOR": "1"})


SUMMARY = ("changed 2 Two\nadded 4 Four\nremoved 1 One\n"
           "mon.json -> tue.json: 1 changed, 1 added, 1 removed, 1 unchanged\n")


def test_two_pages_compared_post_by_post(pages):
    result = run("diff", "mon.json", "tue.json")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == SUMMARY + ("\n--- mon.json post 2\n+++ tue.json post 2\n@@ -1,3 +1,3 @@\n Two\n \n"
                                       "-b\n+b changed\n")


def test_two_pages_stat_and_words(pages):
    result = run("diff", "mon.json", "tue.json", "--stat")
    assert (result.exit_code, result.stdout) == (1, SUMMARY + "tue.json post 2: 1 paragraph changed, 0 added, "
                                                 "0 removed; 1 word added, 0 removed\n")
    result = run("diff", "mon.json", "tue.json", "--words")
    assert result.stdout == SUMMARY + "\n--- mon.json post 2\n+++ tue.json post 2\n@@ -1,3 +1,3 @@\nTwo\n\nb {+changed+}\n"


def test_two_pages_json(pages):
    result = run("diff", "mon.json", "tue.json", "--json")
    out = json.loads(result.stdout)
    assert result.exit_code == 1
    assert (out["sides"], out["identical"], out["added"], out["removed"], out["unchanged"]) == (
        {"a": "mon.json", "b": "tue.json"}, False, [{"id": 4, "title": "Four"}], [{"id": 1, "title": "One"}], 1)
    [changed] = out["changed"]
    assert (changed["id"], changed["title"], changed["diff"]["text_changed"]) == (2, "Two", True)
    assert changed["diff"]["hunks"][0]["lines"] == [[" ", "Two"], [" ", ""], ["-", "b"], ["+", "b changed"]]


def test_the_same_page_twice_is_identical(pages):
    result = run("diff", "mon.json", "mon.json")
    assert (result.exit_code, result.stdout) == (0, "mon.json -> mon.json: 0 changed, 0 added, 0 removed, "
                                                    "3 unchanged\n")


def test_a_page_against_a_single_post_dump(pages):
    with open("one.json", "w") as f:
        json.dump(TUESDAY[1], f)
    result = run("diff", "mon.json", "one.json")
    assert result.exit_code == 1
    assert result.stdout.startswith("changed 2 Two\nremoved 1 One\nremoved 3 Three\n"
                                    "mon.json -> one.json: 1 changed, 0 added, 2 removed, 0 unchanged\n")


def test_posts_without_an_id_cannot_be_matched():
    a = [Post.from_api({"title": {"rendered": "Lost"}, "content": {"rendered": "x"}})]
    b = [Post.from_api({"title": {"rendered": "Found"}, "content": {"rendered": "x"}})]
    result = compare_pages("a", a, "b", b)
    assert ([(p.id, p.title) for p in result.added], [(p.id, p.title) for p in result.removed]) == (
        [(None, "Found")], [(None, "Lost")])
