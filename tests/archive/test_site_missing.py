"""A post archived before that a full listing no longer shows is asked for by its ID: gone (404, 410),
hidden (401, 403), failed (other errors, a body that is not JSON), or trashed (seen with credentials).

Each answer is pinned exactly, with the lists of the --json summary (mutants of site.py's `_missing`
changed them unnoticed).
"""

import json

import pytest

from tests.archive.test_site_mock import ids, run

CREDENTIALS = {"WPARCHIVE_APP_PASSWORD": "abcd efgh"}
REF = "example.com/posts/3"
URL_3 = "https://example.com/wp-json/wp/v2/posts/3"


def answer_for_post_3(site, monkeypatch, status, body):
    real = site.handle

    def handle(method, url, headers=None):
        if "/wp/v2/posts/3?" in url:
            site.requests.append(url)
            return status, {"Content-Type": "application/json"}, body
        return real(method, url, headers)

    monkeypatch.setattr(site, "handle", handle)


def summary_of(result):
    summary = json.loads(result.stdout)
    return {k: summary[k] for k in ("gone", "hidden", "trashed", "failures", "failed", "changed", "unchanged")}


def first_run(site, tmp_path, *args, env=None):
    site.n = 4
    result = run(tmp_path, "--quiet", *args, env=env)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("status", [404, 410])
def test_a_post_that_answers_404_or_410_is_gone(site, tmp_path, monkeypatch, status):
    first_run(site, tmp_path)
    site.deleted.add(3)
    answer_for_post_3(site, monkeypatch, status, b'{"code": "rest_post_invalid_id", "message": "Invalid post ID."}')
    result = run(tmp_path, "--full")
    assert (result.exit_code, ids(result.stdout)) == (0, "unchanged example.com/posts/1\nunchanged example.com/posts/2\n"
                                                          "unchanged example.com/posts/4\ngone example.com/posts/3\n")
    assert result.stderr == "3 of 3 posts: 0 new, 0 changed, 3 unchanged, 0 protected, 0 failed, 1 gone\n"
    assert [u for u in site.requests if "/posts/3?" in u][-1] == \
        "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm"
    assert summary_of(run(tmp_path, "--full", "--json")) == {
        "gone": [REF], "hidden": [], "trashed": [], "failures": [], "failed": 0, "changed": 0, "unchanged": 3}


@pytest.mark.parametrize("status", [401, 403])
def test_a_public_post_that_now_needs_credentials_is_hidden(site, tmp_path, monkeypatch, status):
    first_run(site, tmp_path)
    site.statuses[3] = "draft"
    if status == 403:
        answer_for_post_3(site, monkeypatch, 403, b'{"code": "rest_forbidden", "message": "Sorry."}')
    result = run(tmp_path, "--full")
    assert (result.exit_code, ids(result.stdout).splitlines()[-1]) == (
        0, f"hidden {REF}: it was publish when archived and now answers HTTP {status} (unpublished, or made private)")
    assert result.stderr == "3 of 3 posts: 0 new, 0 changed, 3 unchanged, 0 protected, 0 failed, 1 hidden\n"
    assert summary_of(run(tmp_path, "--full", "--json")) == {
        "gone": [], "hidden": [REF], "trashed": [], "failures": [], "failed": 0, "changed": 0, "unchanged": 3}


def test_a_post_archived_without_a_status_was_public(site, tmp_path, monkeypatch):
    first_run(site, tmp_path)
    (meta,) = (tmp_path / "a/example.com/posts/3").glob("*/snapshot.json")
    data = json.loads(meta.read_text())
    del data["status"]
    meta.write_text(json.dumps(data))
    site.statuses[3] = "draft"
    result = run(tmp_path, "--full")
    assert ids(result.stdout).splitlines()[-1] == (
        f"hidden {REF}: it was public when archived and now answers HTTP 401 (unpublished, or made private)")


def test_a_draft_archived_with_credentials_is_no_news_to_an_anonymous_run(site, tmp_path):
    site.n = 4
    site.statuses[3] = "draft"
    assert run(tmp_path, "--quiet", "--user", "editor", env=CREDENTIALS).exit_code == 0
    result = run(tmp_path, "--full")
    assert (result.exit_code, ids(result.stdout)) == (0, "unchanged example.com/posts/1\nunchanged example.com/posts/2\n"
                                                          "unchanged example.com/posts/4\n")
    assert result.stderr == "3 of 3 posts: 0 new, 0 changed, 3 unchanged, 0 protected, 0 failed\n"


def test_a_public_post_that_a_credentialed_run_cannot_see_is_hidden(site, tmp_path, monkeypatch):
    first_run(site, tmp_path)
    site.deleted.add(3)
    answer_for_post_3(site, monkeypatch, 403, b'{"code": "rest_forbidden", "message": "Sorry."}')
    result = run(tmp_path, "--full", "--user", "editor", env=CREDENTIALS)
    assert ids(result.stdout).splitlines()[-1] == (
        f"hidden {REF}: it was publish when archived and now answers HTTP 403 (unpublished, or made private)")


@pytest.mark.parametrize("status,body,why", [
    (500, b'{"code": "boom", "message": "Broken.", "data": {"status": 500}}',
     "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm answered HTTP 500 boom: Broken."),
    (400, b'{"code": "rest_invalid", "message": "Bad."}',
     "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm answered HTTP 400 rest_invalid: Bad."),
    (200, b'{"id": 3',
     "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm did not return valid JSON; is it a "
     "WordPress REST API?"),
])
def test_any_other_answer_is_a_failure_of_that_post(site, tmp_path, monkeypatch, status, body, why):
    first_run(site, tmp_path)
    site.deleted.add(3)
    answer_for_post_3(site, monkeypatch, status, body)
    result = run(tmp_path, "--full")
    assert (result.exit_code, ids(result.stdout).splitlines()[-1]) == (4, f"failed {REF}: {why}")
    assert result.stderr == "4 of 4 posts: 0 new, 0 changed, 3 unchanged, 0 protected, 1 failed\n"
    assert summary_of(run(tmp_path, "--full", "--json")) == {
        "gone": [], "hidden": [], "trashed": [], "failures": [{"post": REF, "error": why}], "failed": 1,
        "changed": 0, "unchanged": 3}


def test_a_trashed_post_is_archived_once_more_as_trashed(site, tmp_path):
    first_run(site, tmp_path, "--user", "editor", env=CREDENTIALS)
    site.statuses[3] = "trash"
    result = run(tmp_path, "--full", "--user", "editor", env=CREDENTIALS)
    assert (result.exit_code, ids(result.stdout).splitlines()[-1]) == (0, f"trashed {REF}@ID")
    assert result.stderr == "4 of 4 posts: 0 new, 1 changed, 3 unchanged, 0 protected, 0 failed, 1 trashed\n"
    snapshots = sorted((tmp_path / "a/example.com/posts/3").glob("*/snapshot.json"))
    assert [json.loads(s.read_text())["status"] for s in snapshots] == ["publish", "trash"]
    assert [u for u in site.requests if "/posts/3?" in u][-1] == \
        "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm&context=edit"
    summary = summary_of(run(tmp_path, "--full", "--json", "--user", "editor", env=CREDENTIALS))
    assert summary == {"gone": [], "hidden": [], "trashed": [REF], "failures": [], "failed": 0, "changed": 0,
                       "unchanged": 4}


def test_a_post_that_the_listing_leaves_out_but_its_route_shows_changed_is_a_new_version(site, tmp_path, monkeypatch):
    # A plugin can keep a public post out of listings: asked for by ID, it is captured as it is now.
    first_run(site, tmp_path)
    site.edits[3] = 1
    real = site.handle

    def handle(method, url, headers=None):
        status, head, body = real(method, url, headers)
        if "/wp/v2/posts?" in url:
            body = json.dumps([p for p in json.loads(body) if p["id"] != 3]).encode()
        return status, head, body
    monkeypatch.setattr(site, "handle", handle)
    result = run(tmp_path, "--full")
    assert (result.exit_code, ids(result.stdout).splitlines()[-1]) == (0, f"new {REF}@ID")  # not "trashed"
    assert result.stderr == "4 of 4 posts: 0 new, 1 changed, 3 unchanged, 0 protected, 0 failed\n"


def events_of(tmp_path):
    data = json.loads((tmp_path / "a/example.com/posts/3/events.json").read_text())
    return [{k: v for k, v in e.items() if k not in ("at", "after")} for e in data["events"]]


def test_gone_and_hidden_are_kept_in_the_posts_history_with_the_url_asked(site, tmp_path, monkeypatch):
    first_run(site, tmp_path)
    site.deleted.add(3)
    answer_for_post_3(site, monkeypatch, 404, b'{"code": "rest_post_invalid_id", "message": "Invalid post ID."}')
    run(tmp_path, "--full")
    assert events_of(tmp_path) == [{"event": "gone", "http_status": 404, "url": URL_3, "was": "publish"}]
    answer_for_post_3(site, monkeypatch, 401, b'{"code": "rest_forbidden", "message": "Sorry."}')
    run(tmp_path, "--full")
    assert events_of(tmp_path)[1:] == [{"event": "hidden", "http_status": 401, "url": URL_3, "was": "publish"}]
