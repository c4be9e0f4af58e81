"""Whole-site archiving against a synthetic WordPress (bench/fakewp.py) behind `responses`."""

import json
import os
import re
import signal

import pytest
from click.testing import CliRunner

from tests.conftest import VERSION_ID
from wparchive.cli import cli

SITE = "https://example.com"


def run(tmp_path, *args, env=None):
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--site", SITE, "--all",
                                    "--no-log-format", *args], env=env)


def ids(stdout):
    """Output with each stable version id (a folder name such as 20261202T004817Z-ce786e1c1d96) as ID."""
    return re.sub(r"@\d{8}T\d{6}Z-[0-9a-f]{12}(?:-\d+)?", "@ID", stdout)


def protect(fake, post_id):
    """Make one post password-protected (its content and excerpt arrive empty)."""
    fake.passwords[post_id] = "open sesame"


def listing_requests(fake):
    return [u for u in fake.requests if "/wp/v2/posts?" in u or "rest_route=%2Fwp%2Fv2%2Fposts&" in u]


def snapshot_count(tmp_path):
    return len(list((tmp_path / "a").glob("example.com/posts/*/2*")))


@pytest.mark.parametrize("n,pages", [(0, 1), (100, 1), (101, 2), (250, 3)])
def test_pagination_edges(site, tmp_path, n, pages):
    site.n = n
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{n} of {n} posts: {n} new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
    assert snapshot_count(tmp_path) == n
    *listed, probe = listing_requests(site)
    assert len(listed) == pages
    # Once per site: does it honour modified_after? (a cut-off far in the future must list nothing)
    assert probe == SITE + "/wp-json/wp/v2/posts?per_page=1&modified_after=2999-12-31T23%3A59%3A59Z&_fields=id"
    assert all("per_page=100" in u and "orderby=id" in u and "order=asc" in u and "_embed=author%2Cwp%3Aterm" in u
               for u in listed)
    # Whole site in ceil(N/100) listing requests plus discovery (front page) and the question above: no
    # request per post.
    assert len(site.requests) == pages + 2


def test_the_400_past_the_end_ends_the_listing(site, tmp_path):
    site.n = 150
    # A server that does not send X-WP-TotalPages: the listing goes on until WordPress's 400.
    original = site.handle

    def without_pages(method, url, headers=None):
        status, hdrs, body = original(method, url, headers)
        hdrs.pop("X-WP-TotalPages", None)
        return status, hdrs, body

    site.handle = without_pages
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0
    assert len(listing_requests(site)) == 4  # pages 1, 2, then the 400, and the modified_after question
    assert snapshot_count(tmp_path) == 150


def test_a_page_that_fails_then_succeeds_on_retry(site, tmp_path):
    site.n = 150
    site.fail_once.add(("/wp/v2/posts", 2))
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0
    assert snapshot_count(tmp_path) == 150
    assert len(listing_requests(site)) == 4  # page 2 asked twice, and the modified_after question


def test_incremental_rerun_unchanged_then_one_edit(site, tmp_path):
    site.n = 120
    assert run(tmp_path, "--quiet").exit_code == 0
    state = json.loads((tmp_path / "a/example.com/posts/.state.json").read_text())
    assert state == {"high_water": "2024-01-01T02:00:00"}
    site.requests.clear()
    files_before = sorted(p for p in (tmp_path / "a").rglob("*"))
    stats_before = [(p, p.stat().st_size, p.stat().st_mtime_ns) for p in files_before]
    result = run(tmp_path)
    # One second of overlap re-lists the newest post (found unchanged, nothing written), and the
    # newest IDs are checked for posts modified_after cannot see (created with a past date).
    assert result.exit_code == 0 and result.stdout == "unchanged example.com/posts/120\n"
    assert result.stderr == "1 of 1 posts: 0 new, 0 changed, 1 unchanged, 0 protected, 0 failed\n"
    # The API root and the site's support of modified_after are remembered: no discovery.
    assert len(site.requests) == 2
    assert "modified_after=2024-01-01T01%3A59%3A59Z" in site.requests[0]
    assert "&orderby=id&order=desc" in site.requests[1] and "modified_after" not in site.requests[1]
    assert [(p, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted((tmp_path / "a").rglob("*"))] == \
        stats_before
    site.edits[7] = 1
    site.requests.clear()
    result = run(tmp_path)
    assert ids(result.stdout) == "new example.com/posts/7@ID\nunchanged example.com/posts/120\n"
    assert result.stderr == "2 of 2 posts: 0 new, 1 changed, 1 unchanged, 0 protected, 0 failed\n"
    assert len(site.requests) == 2


def test_since_and_full(site, tmp_path):
    site.n = 30
    run(tmp_path, "--quiet")
    site.requests.clear()
    result = run(tmp_path, "--since", "2024-01-01T00:20:00", "--quiet")
    assert "modified_after=2024-01-01T00%3A20%3A00Z" in site.requests[0]
    assert result.stderr == "10 of 10 posts: 0 new, 0 changed, 10 unchanged, 0 protected, 0 failed\n"
    site.deleted.add(3)
    result = run(tmp_path, "--full")
    assert "modified_after" not in site.requests[-1]
    assert "gone example.com/posts/3\n" in result.stdout
    assert result.stderr.endswith("29 of 29 posts: 0 new, 0 changed, 29 unchanged, 0 protected, 0 failed, 1 gone\n")
    assert (tmp_path / "a/example.com/posts/3").is_dir()  # never deleted


def test_fallback_when_modified_after_is_ignored(site, tmp_path):
    site.n = 250
    run(tmp_path, "--quiet")
    site.honour_modified_after = False
    site.edits[200] = 1
    site.requests.clear()
    result = run(tmp_path)
    assert ids(result.stdout) == "new example.com/posts/200@ID\nunchanged example.com/posts/250\n"
    listed = listing_requests(site)
    # The first page came back unfiltered (many posts older than the cut-off, not one odd post), so the
    # site was asked again, and the run switched to newest-modified-first and stopped at the first post
    # it already had. The answer is remembered: the next run goes newest-modified-first at once.
    assert "orderby=id" in listed[0] and "modified_after=2999" in listed[1]
    assert "orderby=modified" in listed[2] and "order=desc" in listed[2]
    assert "orderby=id&order=desc" in listed[3] and len(listed) == 4
    site.requests.clear()
    again = run(tmp_path)
    assert again.stdout == "unchanged example.com/posts/200\n"  # the newest-modified post: its edit
    assert "orderby=modified" in listing_requests(site)[0] and len(listing_requests(site)) == 2


def interrupt_250th_capture(monkeypatch, where, how="ctrl-c"):
    """Interrupt the 250th capture `before` it starts, `between` its files, or `after` its rename."""
    import wparchive.archive.store as store

    count = {"captures": 0, "files": 0}
    real_capture, real_write, real_fsync_dir = store.Archive.capture, store.write_file, store.fsync_dir

    def stop():
        if how == "ctrl-c":
            raise KeyboardInterrupt
        os.kill(os.getpid(), signal.SIGTERM)  # `kill`: the handler turns it into the same interrupt

    def capture(self, *args, **kwargs):
        count["captures"] += 1
        count["files"] = 0
        if count["captures"] == 250 and where == "before":
            stop()
        return real_capture(self, *args, **kwargs)

    def write_file(path, data):
        count["files"] += 1
        if count["captures"] == 250 and count["files"] == 3 and where == "between":
            stop()  # response.json and post.txt are written, post.md is next
        real_write(path, data)

    def fsync_dir(path):
        real_fsync_dir(path)
        if count["captures"] == 250 and where == "after" and not path.name.startswith(".tmp-"):
            stop()  # renamed into place and made durable: this snapshot is whole and stays

    monkeypatch.setattr(store.Archive, "capture", capture)
    monkeypatch.setattr(store, "write_file", write_file)
    monkeypatch.setattr(store, "fsync_dir", fsync_dir)
    return lambda: (monkeypatch.setattr(store.Archive, "capture", real_capture),
                    monkeypatch.setattr(store, "write_file", real_write),
                    monkeypatch.setattr(store, "fsync_dir", real_fsync_dir))


@pytest.fixture
def sigterm_must_be_handled():
    """Until the command installs its own, SIGTERM fails loudly instead of killing the test run."""
    def unhandled(signum, frame):
        raise RuntimeError("SIGTERM reached the handler the command should have replaced")

    previous = signal.signal(signal.SIGTERM, unhandled)
    yield unhandled
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
@pytest.mark.parametrize("where,kept", [("before", 249), ("between", 249), ("after", 250)])
def test_interrupted_run_discards_the_snapshot_in_progress_and_resumes(site, tmp_path, monkeypatch,
                                                                       sigterm_must_be_handled, where, kept, how):
    site.n = 350
    restore = interrupt_250th_capture(monkeypatch, where, how)
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 130, result.output
    assert signal.getsignal(signal.SIGTERM) is sigterm_must_be_handled  # put back as it was
    assert result.stderr.splitlines() == ["249 of 350 posts: 249 new, 0 changed, 0 unchanged, 0 protected, 0 failed "
                                          "(interrupted)",
                                          "error: interrupted; run the same command again to resume"]
    assert snapshot_count(tmp_path) == kept
    assert not list((tmp_path / "a").rglob(".tmp-*"))
    verify = CliRunner().invoke(cli, ["verify", "--archive", str(tmp_path / "a")])
    assert (verify.exit_code, VERSION_ID.sub("@ID", verify.stdout)) == (0, f"{kept} snapshots checked, 0 problems\n")
    state = json.loads((tmp_path / "a/example.com/posts/.state.json").read_text())
    # Progress is saved after each page and every 25 posts within one: page 3, done up to post 225.
    assert state == {"run": {"cutoff": None, "page": 3, "last_id": 225}}
    restore()
    site.requests.clear()
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0
    # Resumed one page before where it stopped (page 2: posts deleted meanwhile shift the pages),
    # skipping the posts the interrupted run finished.
    assert "&page=2&" in listing_requests(site)[0]
    assert result.stderr == (f"125 of 350 posts: {350 - kept} new, 0 changed, {kept - 225} unchanged, 0 protected, "
                             "0 failed, 225 archived before the interruption this run resumed\n")
    assert snapshot_count(tmp_path) == 350



def test_an_interrupted_run_saves_its_failures_and_the_resumed_one_asks_for_them_again(site, tmp_path, monkeypatch):
    site.n = 150
    import wparchive.archive.store as store

    real = store.Archive.capture
    fail_capture_of(monkeypatch, 10)
    failing = store.Archive.capture
    calls = {"n": 0}

    def interrupting(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 130:
            raise KeyboardInterrupt
        return failing(self, *args, **kwargs)

    monkeypatch.setattr(store.Archive, "capture", interrupting)
    assert run(tmp_path, "--quiet").exit_code == 130
    state = json.loads((tmp_path / "a/example.com/posts/.state.json").read_text())
    assert state == {"run": {"cutoff": None, "page": 2, "last_id": 125}, "retry": [10]}
    monkeypatch.setattr(store.Archive, "capture", real)  # the post can be archived now
    site.requests.clear()
    result = run(tmp_path, "--quiet")
    # Posts 126-150 from the listing (126-129 were done after the last save: the failed capture of post
    # 10 was the interrupted run's 10th), then post 10 by ID; none of the posts skipped as done is taken
    # for gone, and they add up to the listing's total.
    assert (result.exit_code, result.stderr) == (0, "26 of 150 posts: 22 new, 0 changed, 4 unchanged, 0 protected, "
                                                    "0 failed, 124 archived before the interruption this run "
                                                    "resumed\n")
    assert any("include=10" in u for u in site.requests)
    assert snapshot_count(tmp_path) == 150


def fail_capture_of(monkeypatch, post_id):
    """Make capturing one post fail (as a post WordPress sends broken would)."""
    import wparchive.archive.store as store
    from wparchive.errors import RemoteError

    real = store.Archive.capture

    def failing(self, post, *args, **kwargs):
        if post.id == post_id:
            raise RemoteError(f"post {post_id} is broken")
        return real(self, post, *args, **kwargs)

    monkeypatch.setattr(store.Archive, "capture", failing)
    return real


def test_json_summary_protected_and_failures(site, tmp_path, monkeypatch):
    site.n = 4
    protect(site, 2)
    fail_capture_of(monkeypatch, 3)
    result = run(tmp_path, "--json")
    assert result.exit_code == 4
    summary = json.loads(result.stdout)
    counts = {"new": 2, "changed": 0, "unchanged": 0, "protected": 1, "failed": 1, "revisions": 0, "rendering": 0,
              "total": 4, "gone": [], "hidden": [], "trashed": [],
              "failures": [{"post": "example.com/posts/3", "error": "post 3 is broken"}]}
    assert summary == dict(counts, interrupted=False, types={"posts": counts}, versions=summary["versions"],
                           warnings=[])
    assert [v.split("@")[0] for v in summary["versions"]] == [f"example.com/posts/{i}" for i in (1, 2, 4)]


def test_revisions_need_credentials(site, tmp_path):
    result = run(tmp_path, "--revisions")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --revisions needs credentials")


def revision(post_id, rev_id, when, text, slug_kind="revision"):
    return {"id": rev_id, "parent": post_id, "author": 1, "date": when, "date_gmt": when, "modified": when,
            "modified_gmt": when, "slug": f"{post_id}-{slug_kind}-v1", "guid": {"rendered": ""},
            "title": {"rendered": f"Post {post_id}"}, "content": {"rendered": f"<p>{text}</p>"},
            "excerpt": {"rendered": f"<p>Post {post_id}</p>\n"}}


def test_revisions_imported_oldest_first_skipping_autosaves_and_repeats(site, tmp_path):
    site.n = 1
    site.revisions[1] = [
        revision(1, 12, "2023-06-03T00:00:00", "autosaved draft", "autosave"),
        revision(1, 11, "2023-06-02T00:00:00", "second draft"),
        revision(1, 10, "2023-06-01T00:00:00", "first draft"),
        revision(1, 9, "2023-05-31T00:00:00", "first draft"),
    ]
    env = {"WPARCHIVE_APP_PASSWORD": "abcd efgh"}
    result = run(tmp_path, "--revisions", "--user", "editor", env=env)
    assert result.exit_code == 0, result.output
    log = CliRunner().invoke(cli, ["log", "--archive", str(tmp_path / "a"), "example.com/posts/1"]).stdout
    lines = [line.split("\t") for line in log.splitlines()]
    assert [(v[0], v[1], v[2].split(":")[0], v[4]) for v in lines] == [
        ("@3", lines[0][1], "api", "text"),
        ("@2", "2023-06-02T00:00:00Z", "revision", "text"),
        ("@1", "2023-05-31T00:00:00Z", "revision", "first capture"),
    ]
    show = CliRunner().invoke(cli, ["show", "--archive", str(tmp_path / "a"), "example.com/posts/1@1"]).stdout
    assert show == "Post 1\n\nfirst draft\n"
    assert b"abcd" not in b"".join(p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file())


def test_a_new_post_with_a_past_date_is_found_by_the_newest_ids(site, tmp_path):
    site.n = 150
    run(tmp_path, "--quiet")
    site.n = 152
    site.edits[151] = -2  # created with a date two months back: modified_after cannot see it
    result = run(tmp_path)
    assert ids(result.stdout) == \
        "unchanged example.com/posts/150\nnew example.com/posts/152@ID\nnew example.com/posts/151@ID\n"
    assert result.exit_code == 0
    # Found by the newest IDs, they count in the total
    assert result.stderr == "3 of 3 posts: 2 new, 0 changed, 1 unchanged, 0 protected, 0 failed\n"


def test_posts_that_failed_are_asked_for_again(site, tmp_path, monkeypatch):
    site.n = 250  # post 2 is far from the newest IDs, which are checked anyway
    real = fail_capture_of(monkeypatch, 2)
    assert run(tmp_path, "--quiet").exit_code == 4
    assert json.loads((tmp_path / "a/example.com/posts/.state.json").read_text())["retry"] == [2]
    import wparchive.archive.store as store
    monkeypatch.setattr(store.Archive, "capture", real)
    site.requests.clear()
    result = run(tmp_path)
    assert result.exit_code == 0
    assert "new example.com/posts/2@ID\n" in ids(result.stdout)
    assert "include=2" in site.requests[-1]
    assert "retry" not in json.loads((tmp_path / "a/example.com/posts/.state.json").read_text())


def test_since_does_not_move_the_incremental_cut_off(site, tmp_path):
    site.n = 30
    run(tmp_path, "--quiet")
    state = (tmp_path / "a/example.com/posts/.state.json").read_text()
    site.edits[30] = 1
    assert run(tmp_path, "--since", "2024-01-01T00:25:00", "--quiet").exit_code == 0
    assert (tmp_path / "a/example.com/posts/.state.json").read_text() == state


def test_the_night_after_the_site_went_into_maintenance_says_503(site, tmp_path):
    """The API root is remembered; its listing answers 503, and so does the front page asked to find
    the API again: the error is the 503, not `no WordPress REST API found`."""
    assert run(tmp_path, "--quiet").exit_code == 0

    def maintenance(method, url, headers=None):
        return 503, {"Content-Type": "text/html", "Retry-After": "0"}, b"<html>Briefly unavailable</html>"

    site.handle = maintenance
    result = run(tmp_path, "--quiet", "--retries", "1")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == ("error: https://example.com/ answered HTTP 503 (maintenance?); retries ran out after 1; "
                             "try again later, or slow down with --delay\n")


def test_a_server_that_dies_mid_run_leaves_a_whole_archive(site, tmp_path):
    site.n = 250
    original = site.handle

    def dying(method, url, headers=None):
        if "page=2" in url:
            return 503, {"Content-Type": "text/html"}, b"<html>down</html>"
        return original(method, url, headers)

    site.handle = dying
    result = run(tmp_path, "--quiet", "--retries", "1")
    assert result.exit_code == 3
    assert result.stderr == ("error: https://example.com/wp-json/wp/v2/posts?per_page=100&page=2&_embed=author%2Cwp%3Aterm"
                             "&orderby=id&order=asc answered HTTP 503 (maintenance?); retries ran out after 1; try again later, or slow "
                             "down with --delay\n")
    verify = CliRunner().invoke(cli, ["verify", "--archive", str(tmp_path / "a")])
    assert (verify.exit_code, VERSION_ID.sub("@ID", verify.stdout)) == (0, "100 snapshots checked, 0 problems\n")
    site.handle = original  # back up: the next run resumes and completes
    assert run(tmp_path, "--quiet").exit_code == 0 and snapshot_count(tmp_path) == 250


def test_a_failed_modified_after_question_does_not_fail_the_run(site, tmp_path):
    site.n = 3
    original = site.handle

    def refusing(method, url, headers=None):
        if "modified_after=2999" in url:
            return 400, {"Content-Type": "application/json"}, b'{"code": "rest_invalid_param", "message": "no"}'
        return original(method, url, headers)

    site.handle = refusing
    result = run(tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == "3 of 3 posts: 3 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n"
    assert json.loads((tmp_path / "a/example.com/.site.json").read_text()) == {
        "api_root": "https://example.com/wp-json/"}


def test_rendering_changes_are_counted_apart_and_can_be_left_unstored(site, tmp_path):
    site.n = 3
    assert run(tmp_path, "--quiet").exit_code == 0
    original = site.post

    def rendered_otherwise(i, **kwargs):  # a dynamic block: the text differs, the post (modified_gmt) does not
        data = original(i, **kwargs)
        if i == 2:
            data["content"] = {"rendered": data["content"]["rendered"] + "<p>Latest posts: 3, 1</p>",
                               "protected": False}
        return data

    site.post = rendered_otherwise
    skipped = run(tmp_path, "--full", "--skip-rendering-changes")
    assert skipped.exit_code == 0, skipped.output
    assert ids(skipped.stdout) == ("unchanged example.com/posts/1\nrendering example.com/posts/2: not stored "
                                   "(--skip-rendering-changes)\nunchanged example.com/posts/3\n")
    assert skipped.stderr == ("3 of 3 posts: 0 new, 0 changed, 2 unchanged, 0 protected, 0 failed, "
                              "1 rendering change (not stored)\n")
    assert snapshot_count(tmp_path) == 3
    stored = run(tmp_path, "--full")
    assert ids(stored.stdout).splitlines()[1] == "new example.com/posts/2@ID (rendering)"
    assert stored.stderr == "3 of 3 posts: 0 new, 0 changed, 2 unchanged, 0 protected, 0 failed, 1 rendering change\n"
    assert snapshot_count(tmp_path) == 4
