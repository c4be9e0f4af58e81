"""Whole-site runs against the synthetic WordPress where it is as strict as WordPress: a site west of
UTC, statuses that need credentials, paged revisions, revisions by other authors, byte-order marks,
post types that are not viewable, 504s, the server's clock, and `--delay`."""

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from click.testing import CliRunner

from bench.fakewp import PAGE_ID_BASE
from tests.archive.test_site_mock import listing_requests, revision, run, snapshot_count
from tests.conftest import VERSION_ID, mask_ids
from wparchive.cli import cli

CREDENTIALS = {"WPARCHIVE_APP_PASSWORD": "abcd efgh"}


def meta(tmp_path, ref):
    result = CliRunner().invoke(cli, ["show", "--archive", str(tmp_path / "a"), ref, "--format", "meta"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def log_lines(tmp_path, ref):
    result = CliRunner().invoke(cli, ["log", "--archive", str(tmp_path / "a"), ref])
    return [line.split("\t") for line in mask_ids(result.stdout)]


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def state(tmp_path, base="posts"):
    return json.loads((tmp_path / f"a/example.com/{base}/.state.json").read_text())


# -- time zones and the server's clock ---------------------------------------------------------
def test_an_edit_in_the_high_water_second_on_a_site_west_of_utc(site, tmp_path):
    # The site is UTC-5: a `modified_after` read as local time (no `Z`) would be five hours late.
    site.n = 120
    assert run(tmp_path, "--quiet").exit_code == 0
    assert state(tmp_path) == {"high_water": "2024-01-01T02:00:00"}
    site.edits[5] = 1
    site.touched[5] = datetime(2024, 1, 1, 2, 0, 0, tzinfo=timezone.utc)  # the same second as post 120
    site.edits[6] = 1
    site.touched[6] = datetime(2024, 1, 1, 2, 0, 1, tzinfo=timezone.utc)
    site.requests.clear()
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert VERSION_ID.sub("@ID", result.stdout) == "new example.com/posts/5@ID\nnew example.com/posts/6@ID\nunchanged example.com/posts/120\n"
    # The API root is remembered: the first request is the listing.
    assert query(site.requests[0])["modified_after"] == "2024-01-01T01:59:59Z"  # one second early, with its Z
    assert state(tmp_path) == {"high_water": "2024-01-01T02:00:01"}


def test_the_saved_cut_off_never_passes_the_servers_clock(site, tmp_path):
    site.n = 3
    site.now = datetime(2024, 1, 1, 0, 2, 30, tzinfo=timezone.utc)  # post 3 (00:03) is scheduled
    site.statuses[3] = "future"
    assert run(tmp_path, "--quiet", "--user", "editor", env=CREDENTIALS).exit_code == 0
    # Never past the server's clock (00:02:30): the scheduled post does not move it at all, so the
    # cut-off is the newest post that is live (00:02).
    assert state(tmp_path) == {"high_water": "2024-01-01T00:02:00"}


# -- statuses and credentials ------------------------------------------------------------------
def test_pending_drafts_and_private_posts_need_credentials_and_trash_is_never_listed(site, tmp_path):
    site.n = 6
    site.statuses.update({2: "pending", 3: "draft", 4: "private", 5: "trash"})
    anonymous = run(tmp_path, "--quiet")
    assert anonymous.stderr == "2 of 2 posts: 2 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
    assert "status" not in listing_requests(site)[0] and "context" not in listing_requests(site)[0]
    result = run(tmp_path, "--full", "--user", "editor", env=CREDENTIALS)
    assert result.exit_code == 0, result.output
    assert VERSION_ID.sub("@ID", result.stdout) == ("unchanged example.com/posts/1\nnew example.com/posts/2@ID\nnew example.com/posts/3@ID\n"
                             "new example.com/posts/4@ID\nunchanged example.com/posts/6\n")
    assert (query(listing_requests(site)[-1])["status"], query(listing_requests(site)[-1])["context"]) == \
        ("any", "edit")
    assert meta(tmp_path, "example.com/posts/2")["status"] == "pending"
    assert not (tmp_path / "a/example.com/posts/5").exists()


def test_a_protected_post_with_its_password_keeps_content_and_excerpt(site, tmp_path):
    site.n = 2
    site.passwords[2] = "open sesame"
    result = run(tmp_path, "--quiet", "--post-password", "open sesame")
    assert result.exit_code == 0, result.output
    snapshot = meta(tmp_path, "example.com/posts/2")
    assert (snapshot["protected"], snapshot["excerpt"]) == (True, "Post 2")
    text = CliRunner().invoke(cli, ["show", "--archive", str(tmp_path / "a"), "example.com/posts/2"]).stdout
    assert text.startswith("Post 2\n\nPost 2 says: ")  # the title without WordPress's "Protected: " prefix
    assert b"open sesame" not in b"".join(p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file())


def test_without_its_password_a_protected_post_is_kept_as_metadata_and_the_rest_are_kept(site, tmp_path):
    site.n = 2
    site.passwords[1] = "open sesame"
    result = run(tmp_path)
    assert result.exit_code == 0
    assert mask_ids(result.stdout) == ["protected example.com/posts/1@ID (content withheld: no password)",
                                       "new example.com/posts/2@ID"]
    assert result.stderr == "2 of 2 posts: 1 new, 0 changed, 0 unchanged, 1 protected, 0 failed\n"
    assert snapshot_count(tmp_path) == 2


# -- revisions ---------------------------------------------------------------------------------
def test_a_revision_by_another_author_is_not_credited_to_the_posts_author(site, tmp_path):
    site.n = 1
    by_reporter = revision(1, 10, "2023-06-01T00:00:00", "the reporter's draft")
    by_reporter["author"] = 2
    site.revisions[1] = [by_reporter]
    assert run(tmp_path, "--revisions", "--user", "editor", env=CREDENTIALS).exit_code == 0
    # The reviser is recorded as revised_by; every version keeps the post's author (issue 8).
    assert (meta(tmp_path, "example.com/posts/1@1")["author"], meta(tmp_path, "example.com/posts/1@1")["revised_by"]) \
        == ("Editor", 2)
    assert meta(tmp_path, "example.com/posts/1@2")["author"] == "Editor"


def test_autosaves_are_imported_only_with_autosaves(site, tmp_path):
    site.n = 1
    site.revisions[1] = [revision(1, 11, "2023-06-02T00:00:00", "autosaved", "autosave"),
                         revision(1, 10, "2023-06-01T00:00:00", "saved")]
    assert run(tmp_path, "--revisions", "--user", "editor", "--quiet", env=CREDENTIALS).exit_code == 0
    assert [v[1] for v in log_lines(tmp_path, "example.com/posts/1")][1:] == ["2023-06-01T00:00:00Z"]
    result = run(tmp_path, "--full", "--revisions", "--autosaves", "--user", "editor", "--quiet", env=CREDENTIALS)
    assert result.stderr == "1 of 1 posts: 0 new, 0 changed, 1 unchanged, 0 protected, 0 failed, 1 revisions imported\n"
    assert [v[1] for v in log_lines(tmp_path, "example.com/posts/1")][1:] == \
        ["2023-06-02T00:00:00Z", "2023-06-01T00:00:00Z"]


def test_revisions_are_read_past_their_first_page(site, tmp_path):
    site.n = 1
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    site.revisions[1] = [revision(1, 1000 + i, (start + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%S"),
                                  f"draft {i}") for i in range(104, -1, -1)]  # newest first, as WordPress
    result = run(tmp_path, "--revisions", "--user", "editor", "--quiet", env=CREDENTIALS)
    assert result.stderr == "1 of 1 posts: 1 new, 0 changed, 0 unchanged, 0 protected, 0 failed, 105 revisions imported\n"
    revision_requests = [u for u in site.requests if "/revisions" in u]
    assert len(revision_requests) == 2 and "page=2" in revision_requests[1]
    assert len(log_lines(tmp_path, "example.com/posts/1")) == 106


# -- listings ----------------------------------------------------------------------------------
def test_a_byte_order_mark_before_a_listing_does_not_empty_it(site, tmp_path):
    site.n = 150
    site.bom = True
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == "150 of 150 posts: 150 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
    assert snapshot_count(tmp_path) == 150


def test_a_504_is_retried(site, tmp_path):
    site.n = 150
    site.fail_status = 504
    site.fail_once.add(("/wp/v2/posts", 2))
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    assert snapshot_count(tmp_path) == 150
    # Two pages, page 2 again, and the site's support of modified_after, asked once.
    assert len(listing_requests(site)) == 4


def test_more_than_ten_tags_keep_the_ones_not_embedded_as_ids(site, tmp_path):
    site.n = 1
    site.tags[1] = 12
    assert run(tmp_path, "--quiet").exit_code == 0
    assert meta(tmp_path, "example.com/posts/1")["tags"] == [f"Tag {t}" for t in range(1001, 1011)] + [1011, 1012]


def test_type_pages(site, tmp_path):
    site.n, site.pages = 2, 2
    result = run(tmp_path, "--type", "pages")
    assert result.exit_code == 0, result.output
    assert VERSION_ID.sub("@ID", result.stdout) == f"new example.com/pages/{PAGE_ID_BASE + 1}@ID\nnew example.com/pages/{PAGE_ID_BASE + 2}@ID\n"
    assert not (tmp_path / "a/example.com/posts").exists()


def test_type_all_takes_every_viewable_type_and_skips_the_others(site, tmp_path):
    site.n, site.pages = 2, 1
    site.extra_types = {"book": {"slug": "book", "rest_base": "books", "viewable": True},
                        "secret": {"slug": "secret", "rest_base": "secrets", "viewable": False}}
    result = run(tmp_path, "--type", "all", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("2 of 2 posts: 2 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
                             "1 of 1 pages: 1 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
                             "0 of 0 books: 0 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n")
    listed = [u.split("?")[0].rsplit("/", 1)[1] for u in site.requests if "per_page=100" in u]
    assert listed == ["posts", "pages", "books"]
    assert sorted(p.name for p in (tmp_path / "a/example.com").iterdir()) == [".site.json", "pages", "posts"]


def test_delay_separates_every_request_of_a_site_run(site, tmp_path, monkeypatch):
    site.n = 250
    waits = []
    monkeypatch.setattr("wparchive.sources.rest.time.sleep", waits.append)
    assert run(tmp_path, "--quiet", "--delay", "30").exit_code == 0
    # The front page, three listing pages, and the question whether modified_after is honoured.
    assert len(site.requests) == 5
    assert len(waits) == 4 and all(0 < w <= 30 for w in waits), waits


def test_no_delay_no_wait(site, tmp_path, monkeypatch):
    site.n = 250
    waits = []
    monkeypatch.setattr("wparchive.sources.rest.time.sleep", waits.append)
    assert run(tmp_path, "--quiet").exit_code == 0
    assert waits == []

