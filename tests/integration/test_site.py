"""Whole-site archiving (`wparchive archive --site URL --all`) against a real WordPress 6.1 (tests/wp/).

The site is shared with the other integration test files, so nothing here assumes site-wide counts or an
empty site: every expectation is computed from what the REST API lists at that moment (other files leave
drafts and password-protected posts behind; an anonymous run archives a protected post's public metadata and
counts it `protected`).

One archive is built by the module fixture `site` (a first anonymous `--all` run over more than 100 posts,
so the listing needs two pages); the tests after it re-run, edit and delete against that archive, in file
order. Requests are counted by wrapping `wparchive.sources.rest.Client.get`.

WordPress behaviour these tests rely on (checked on 6.1):
- a post created published has no revision; each update that changes it adds one revision holding the
  state *after* that update, so the text as first published is in no revision at all;
- `modified_after` is exclusive (`post_modified > value`);
- a new post's `modified_gmt` is its `date_gmt`: a backdated post is "modified" in the past, a scheduled
  one in the future.

The tests at the end pin down incremental-run bugs that were found here and fixed: an edit in the
second of the last run's newest post, a backdated new post, a scheduled post's future modified_gmt,
a --since run, a post that failed, a failure reported twice.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner, Result

from wparchive.cli import cli
from wparchive.sources.rest import Client

TOKEN = uuid.uuid4().hex[:8]
BULK = 105  # with the install's "Hello world!" at least 106 published posts: two listing pages
PASSWORD_ENV = "WPARCHIVE_APP_PASSWORD"
SNAPSHOT_NAME = re.compile(r"^(\d{8}T\d{6}Z)-([0-9a-f]{12})(?:-\d+)?$")  # -N: a second version in one second
SNAPSHOT_FILES = {"response.json", "post.txt", "post.md", "snapshot.json"}
SUMMARY = re.compile(r"^(?:\S+Z \S+ )?(\d+)(?: of (\d+))? posts: (\d+) new, (\d+) changed, (\d+) unchanged, "
                     r"(\d+) protected, (\d+) failed")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ ")


# -- helpers -------------------------------------------------------------------------------------


def host_of(wordpress) -> str:
    return f"127.0.0.1_{urlsplit(wordpress.url).port}"


def ids(stdout: str) -> str:
    """Output with each stable version id (a folder name such as 20261202T004817Z-ce786e1c1d96) as ID."""
    return re.sub(r"@\d{8}T\d{6}Z-[0-9a-f]{12}(?:-\d+)?", "@ID", stdout)


def ref_of(wordpress, post_id: int, base: str = "posts") -> str:
    return f"{host_of(wordpress)}/{base}/{post_id}"


def posts_dir(archive: Path, wordpress) -> Path:
    return archive / host_of(wordpress) / "posts"


def invoke(*args: str, wordpress=None) -> Result:
    """Run the CLI; with `wordpress`, the application password is in the environment (for --user)."""
    env = {PASSWORD_ENV: wordpress.app_password if wordpress is not None else None, "WPARCHIVE_ARCHIVE": None}
    return CliRunner().invoke(cli, list(args), env=env)


def archive_all(archive: Path, wordpress, *args: str, user: bool = False) -> Result:
    """`archive --site URL --all ARGS`, anonymously unless `user`."""
    extra = ["--user", wordpress.user] if user else []
    return invoke("archive", "--archive", str(archive), "--site", wordpress.url, "--all", *extra, *args,
                  wordpress=wordpress if user else None)


def describe(result: Result) -> str:
    return f"exit {result.exit_code}\nstdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"


def summary_line(result: Result) -> str:
    """The summary line without its log-format time and site (stderr is not a terminal here)."""
    lines = [line for line in result.stderr.splitlines() if SUMMARY.match(line)]
    assert len(lines) == 1, describe(result)
    return STAMP.sub("", lines[0])


@contextmanager
def recording() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Record every (url, params) that wparchive's HTTP client GETs."""
    calls: list[tuple[str, dict[str, Any]]] = []
    original = Client.get

    def get(self, url, params=None, **kwargs):
        calls.append((url, dict(params or {})))
        return original(self, url, params, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Client, "get", get)
        yield calls


def listings(calls: list[tuple[str, dict[str, Any]]], base: str = "posts") -> list[dict[str, Any]]:
    """The params of the listing requests for one type, in order."""
    return [params for url, params in calls if urlsplit(url).path.rstrip("/").endswith(f"/wp/v2/{base}")]


def api_posts(wordpress, *, auth: bool = False, **params: Any) -> tuple[list[dict], int, int]:
    """Every post the API lists right now (all pages), with X-WP-Total and X-WP-TotalPages of page 1."""
    items: list[dict] = []
    page, total, pages = 1, 0, 0
    while True:
        response = wordpress.rest("GET", "/wp/v2/posts", auth=auth, params={
            "per_page": 100, "page": page, "orderby": "id", "order": "asc", **params})
        assert response.status_code == 200, response.text[:500]
        if page == 1:
            total, pages = int(response.headers["X-WP-Total"]), int(response.headers["X-WP-TotalPages"])
        items.extend(response.json())
        if page >= pages:
            return items, total, pages
        page += 1


def is_protected(post: dict) -> bool:
    return bool(post["content"].get("protected")) and not post["content"].get("rendered")


def create_posts(wordpress, specs: list[tuple[str, str]]) -> list[dict]:
    """Create published posts four at a time (the server has 4 workers): ~2 s for 105 instead of ~8."""
    def one(spec: tuple[str, str]) -> dict:
        title, content = spec
        response = requests.post(wordpress.api_url + "/wp/v2/posts", auth=wordpress.auth, timeout=60,
                                 json={"title": title, "content": content, "status": "publish"})
        assert response.status_code == 201, response.text[:500]
        return response.json()

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, specs))


def snapshots(archive: Path, wordpress, post_id: int) -> list[Path]:
    folder = posts_dir(archive, wordpress) / str(post_id)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and SNAPSHOT_NAME.match(p.name))


def archived_ids(archive: Path, wordpress) -> set[int]:
    folder = posts_dir(archive, wordpress)
    return {int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit()} if folder.is_dir() else set()


def meta(snapshot: Path) -> dict:
    return json.loads((snapshot / "snapshot.json").read_text(encoding="utf-8"))


def tree_state(root: Path, *, dirs: bool = True) -> dict[str, tuple]:
    """(kind, size, mtime) of every path under root: any write shows up as a difference."""
    state = {}
    for path in root.rglob("*"):
        st = path.lstat()
        if path.is_dir():
            if dirs:
                state[str(path.relative_to(root))] = ("dir", st.st_mtime_ns)
        else:
            state[str(path.relative_to(root))] = ("file", st.st_size, st.st_mtime_ns)
    return state


def changed_paths(before: dict[str, tuple], after: dict[str, tuple]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def wait_for_next_second() -> None:
    """Sleep into the next wall-clock second, so the next write gets a later timestamp than the last."""
    time.sleep(1.02 - time.time() % 1)


def wait_until_after(gmt: str) -> None:
    """Sleep until the clock (shared with the server) is in a later second than `gmt` (UTC, no zone)."""
    when = datetime.fromisoformat(gmt).replace(tzinfo=timezone.utc) + timedelta(seconds=1)
    delay = when.timestamp() - time.time()
    if delay > 0:
        time.sleep(delay + 0.02)


def folder_time(gmt: str) -> str:
    return datetime.fromisoformat(gmt).strftime("%Y%m%dT%H%M%SZ")


def copy_archive(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, symlinks=True)
    return dest


# -- the shared archive --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(wordpress, tmp_path_factory):
    """105 new posts, then a first anonymous `--all --json` run into a fresh archive, with its requests."""
    started = time.monotonic()
    bulk = create_posts(wordpress, [(f"Bulk {TOKEN} {i:03d}", f"<p>Bulk body {i} of {TOKEN}.</p>")
                                    for i in range(BULK)])
    created_in = time.monotonic() - started
    listed, total, pages = api_posts(wordpress)
    archive = tmp_path_factory.mktemp("site") / "archive"
    with recording() as calls:
        result = archive_all(archive, wordpress, "--json")
    return SimpleNamespace(archive=archive, bulk=bulk, listed=listed, total=total, pages=pages, calls=calls,
                           result=result, created_in=created_in)


def test_first_run_archives_every_published_post(wordpress, site):
    assert site.created_in < 20, f"creating {BULK} posts took {site.created_in:.1f}s"
    assert site.total == len(site.listed) > 100
    assert site.pages == -(-site.total // 100) >= 2
    protected = {p["id"] for p in site.listed if is_protected(p)}
    expected = {p["id"] for p in site.listed} - protected
    assert {p["id"] for p in site.bulk} <= expected

    # Password-protected posts (left by other test files) are archived as what WordPress shows of them.
    result = site.result
    assert result.exit_code == 0, describe(result)
    summary = json.loads(result.stdout)
    counts = {"new": len(expected), "changed": 0, "unchanged": 0, "protected": len(protected), "failed": 0,
              "revisions": 0, "rendering": 0, "total": site.total, "gone": [], "hidden": [], "trashed": [],
              "failures": []}
    assert summary == dict(counts, interrupted=False, types={"posts": counts}, versions=summary["versions"],
                           warnings=[])
    assert sorted(summary["versions"]) == sorted(  # the new versions, by their stable ids
        f"{ref_of(wordpress, i)}@{snapshots(site.archive, wordpress, i)[0].name}" for i in expected | protected)

    # One snapshot folder per published post, complete, and none for anything else.
    assert archived_ids(site.archive, wordpress) == expected | protected
    for post_id in expected | protected:
        [snap] = snapshots(site.archive, wordpress, post_id)
        assert {p.name for p in snap.iterdir()} == SNAPSHOT_FILES
        data = meta(snap)
        assert (data["id"], data["status"], data["source"]["kind"]) == (post_id, "publish", "api")
        assert data.get("content_withheld", False) == (post_id in protected)
    sample = site.bulk[7]
    [snap] = snapshots(site.archive, wordpress, sample["id"])
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"Bulk {TOKEN} 007\n\nBulk body 7 of {TOKEN}.\n"
    assert (posts_dir(site.archive, wordpress) / ".state.json").is_file()

    # Requests: discovery, exactly the pages X-WP-TotalPages implies (no request per post, but one per
    # taxonomy for the names of terms beyond the 10 that _embed carries: other tests make such posts), and
    # once per site the question whether it honours modified_after (remembered for the incremental runs).
    assert site.calls[0] == (wordpress.url, {})
    pages = listings(site.calls)
    lookups = [params for _, params in site.calls if params.get("_fields") == "id,name"]
    crowded = sum((len(p.get("tags", [])) > 10) + (len(p.get("categories", [])) > 10) for p in site.listed)
    assert len(site.calls) == 1 + len(pages) + len(lookups) and len(lookups) <= crowded
    *pages, probe = pages
    assert [p["page"] for p in pages] == list(range(1, site.pages + 1))
    for params in pages:
        assert params["per_page"] == 100
        assert "modified_after" not in params
        assert "status" not in params and "context" not in params  # anonymous
    assert probe == {"per_page": 1, "modified_after": "2999-12-31T23:59:59Z", "_fields": "id"}
    assert len(site.calls) <= site.pages + 3 + len(lookups)  # the goal: ceil(N/100) + 3, + term look-ups
    site_state = json.loads((site.archive / host_of(wordpress) / ".site.json").read_text(encoding="utf-8"))
    assert site_state == {"api_root": wordpress.url + "/wp-json/", "modified_after": "honoured"}


def retried(archive: Path, wordpress) -> list[int]:
    """The posts that failed before and are asked for again."""
    state = json.loads((posts_dir(archive, wordpress) / ".state.json").read_text(encoding="utf-8"))
    return state.get("retry", [])


def one_second_before(gmt: str) -> str:
    """What `modified_after` must be for a high water of `gmt`: one second early, with its Z."""
    return (datetime.fromisoformat(gmt) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S") + "Z"


def test_immediate_rerun_fetches_nothing(wordpress, site):
    before = tree_state(site.archive)
    state_file = posts_dir(site.archive, wordpress) / ".state.json"
    high_water = json.loads(state_file.read_text(encoding="utf-8"))["high_water"]
    assert retried(site.archive, wordpress) == []
    with recording() as calls:
        result = archive_all(site.archive, wordpress, "--json")
    assert result.exit_code == 0, describe(result)
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["changed"], summary["failed"], summary["gone"]) == (0, 0, 0, [])
    assert not summary["interrupted"]

    # The API root is remembered: one listing of posts modified after (one second before) what the first
    # run saw, and one page of the newest IDs (for posts created with a past date, which modified_after
    # misses). The "Hello world!" post, whose local time equals its GMT time, may come back in the first
    # listing: the site is known to honour modified_after, so that costs nothing more.
    assert len(calls) == 2, calls
    params, newest_ids = listings(calls)
    assert params["page"] == 1 and params["order"] == "asc"
    assert (newest_ids["orderby"], newest_ids["order"], newest_ids["page"]) == ("id", "desc", 1)
    assert params["modified_after"] == one_second_before(high_water)
    assert tree_state(site.archive) == before


def test_edited_post_is_the_only_new_version(wordpress, site):
    target = site.bulk[10]
    ref = ref_of(wordpress, target["id"])
    state_file = posts_dir(site.archive, wordpress) / ".state.json"
    high_water = json.loads(state_file.read_text(encoding="utf-8"))["high_water"]
    wait_until_after(high_water)  # an edit in the high-water second itself is test_same_second_edit's case
    edited = wordpress.update_post(target["id"], content=f"<p>Edited body of {TOKEN}.</p>")
    assert edited["modified_gmt"] > high_water

    before = tree_state(site.archive, dirs=False)
    with recording() as calls:
        result = archive_all(site.archive, wordpress)
    assert result.exit_code == 0, describe(result)
    lines = ids(result.stdout).splitlines()
    assert [line for line in lines if not line.startswith("unchanged ")] == [f"new {ref}@ID"]
    unchanged = len(lines) - 1
    assert summary_line(result) == f"{unchanged + 1} of {unchanged + 1} posts: 0 new, 1 changed, {unchanged} " \
                                   "unchanged, 0 protected, 0 failed"

    params, _newest_ids = listings(calls)
    assert params["modified_after"] == one_second_before(high_water)
    assert len(calls) == 2

    # Only the new snapshot's files (and the state file and the search index) were written.
    old, new = snapshots(site.archive, wordpress, target["id"])
    assert (new / "post.txt").read_text(encoding="utf-8") == f"Bulk {TOKEN} 010\n\nEdited body of {TOKEN}.\n"
    after = tree_state(site.archive, dirs=False)
    prefix = f"{host_of(wordpress)}/posts/{target['id']}/{new.name}/"
    assert changed_paths(before, after) - {str(state_file.relative_to(site.archive)), ".index.sqlite"} == \
        {prefix + name for name in SNAPSHOT_FILES}


def test_revisions_are_imported_as_dated_versions(wordpress, tmp_path):
    post = wordpress.create_post(f"Revised {TOKEN}", "<p>The original words.</p>", slug=f"revised-{TOKEN}")
    ref = ref_of(wordpress, post["id"])
    link = post["link"]
    early = tmp_path / "early"  # captured before any edit
    first = invoke("archive", "--archive", str(early), "--site", wordpress.url, str(post["id"]))
    assert first.exit_code == 0 and ids(first.stdout) == f"new {ref}@ID\n", describe(first)
    [original] = snapshots(early, wordpress, post["id"])

    wait_for_next_second()
    one = wordpress.update_post(post["id"], content="<p>The first edit.</p>")
    wait_for_next_second()
    two = wordpress.update_post(post["id"], title=f"Revised twice {TOKEN}", content="<p>The second edit.</p>")
    revisions = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}/revisions", params={"context": "edit"}).json()
    # WordPress kept the state after each update, and nothing of the post as first published.
    assert sorted((r["modified_gmt"], r["content"]["raw"]) for r in revisions) == [
        (one["modified_gmt"], "<p>The first edit.</p>"), (two["modified_gmt"], "<p>The second edit.</p>")]
    rev_ids = {r["modified_gmt"]: r["id"] for r in revisions}

    texts = {
        "original": f"Revised {TOKEN}\n\nThe original words.\n",
        "one": f"Revised {TOKEN}\n\nThe first edit.\n",
        "two": f"Revised twice {TOKEN}\n\nThe second edit.\n",
    }

    def log(archive: Path) -> list[list[str]]:
        result = invoke("log", "--archive", str(archive), ref)
        assert result.exit_code == 0, describe(result)
        return [line.split("\t") for line in result.stdout.splitlines()]

    def show(archive: Path, version: str) -> str:
        result = invoke("show", "--archive", str(archive), f"{ref}@{version}")
        assert result.exit_code == 0, describe(result)
        return result.stdout

    # 1. The whole-site form, into the archive that already holds the original: revisions slot in after it.
    since = post["modified_gmt"]
    run = archive_all(early, wordpress, "--since", since, "--revisions", user=True)
    assert run.exit_code == 0, describe(run)
    # The post as it is now = its newest revision.
    assert f"unchanged {ref} (2 revisions imported)" in run.stdout.splitlines()
    assert summary_line(run).endswith(", 2 revisions imported")
    entries = log(early)
    assert [e[0] for e in entries] == ["@3", "@2", "@1"]
    assert [e[1] for e in entries] == [two["modified_gmt"] + "Z", one["modified_gmt"] + "Z",
                                       meta(original)["captured_at"]]
    assert [e[2] for e in entries] == [f"revision:{link}", f"revision:{link}", f"api:{link}"]
    folders = snapshots(early, wordpress, post["id"])
    assert [f.name for f in folders] == [original.name, entries[1][3], entries[0][3]]
    assert (entries[1][3][:16], entries[0][3][:16]) == (folder_time(one["modified_gmt"]),
                                                       folder_time(two["modified_gmt"]))
    for folder, when in zip(folders[1:], (one["modified_gmt"], two["modified_gmt"]), strict=True):
        source = meta(folder)["source"]
        assert source["kind"] == "revision"
        assert source["api_url"].endswith(f"/wp/v2/posts/{post['id']}/revisions/{rev_ids[when]}")
    assert (show(early, "1"), show(early, "2"), show(early, "3")) == (texts["original"], texts["one"], texts["two"])

    before = tree_state(early)
    again = archive_all(early, wordpress, "--since", since, "--revisions", "--json", user=True)
    assert again.exit_code == 0, describe(again)
    summary = json.loads(again.stdout)
    assert (summary["new"], summary["changed"], summary["revisions"]) == (0, 0, 0)
    assert tree_state(early) == before

    # 2. The single-target form into a fresh archive: the revisions are all there is, so @1 is the state
    # after the first update (WordPress made no revision of the post as first published).
    late = tmp_path / "late"
    fresh = invoke("archive", "--archive", str(late), "--site", wordpress.url, str(post["id"]), "--revisions",
                   "--user", wordpress.user, wordpress=wordpress)
    assert fresh.exit_code == 0, describe(fresh)
    assert ids(fresh.stdout) == f"unchanged {ref} (2 revisions imported)\n"
    entries = log(late)
    assert [(e[0], e[1], e[2]) for e in entries] == [
        ("@2", two["modified_gmt"] + "Z", f"revision:{link}"), ("@1", one["modified_gmt"] + "Z", f"revision:{link}")]
    assert (show(late, "1"), show(late, "2")) == (texts["one"], texts["two"])

    before = tree_state(late)
    again = invoke("archive", "--archive", str(late), "--site", wordpress.url, str(post["id"]), "--revisions",
                   "--user", wordpress.user, wordpress=wordpress)
    assert again.exit_code == 0 and again.stdout == f"unchanged {ref}\n", describe(again)
    assert tree_state(late) == before


def test_credentials_list_drafts_and_private_posts(wordpress, tmp_path):
    draft = wordpress.create_post(f"Draft {TOKEN}", "<p>Draft words.</p>", status="draft")
    private = wordpress.create_post(f"Private {TOKEN}", "<p>Private words.</p>", status="private")
    listed, total, pages = api_posts(wordpress, auth=True, status="any", context="edit")
    statuses = {p["id"]: p["status"] for p in listed}
    assert (statuses[draft["id"]], statuses[private["id"]]) == ("draft", "private")

    with recording() as calls:
        result = archive_all(tmp_path, wordpress, "--json", user=True)
    assert result.exit_code == 0, describe(result)
    summary = json.loads(result.stdout)
    # An editor also reads password-protected posts: nothing fails.
    assert (summary["new"], summary["failed"], summary["total"]) == (total, 0, total)
    assert archived_ids(tmp_path, wordpress) == set(statuses)
    for post_id, status in statuses.items():
        [snap] = snapshots(tmp_path, wordpress, post_id)
        assert meta(snap)["status"] == status
    [snap] = snapshots(tmp_path, wordpress, draft["id"])
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"Draft {TOKEN}\n\nDraft words.\n"

    *pages_params, probe = listings(calls)
    assert probe["modified_after"] == "2999-12-31T23:59:59Z"
    assert len(pages_params) == pages
    # The credentials are checked once, before any listing.
    assert calls[1] == (wordpress.url + "/wp-json/wp/v2/users/me", {})
    assert all(p["status"] == "any" and p["context"] == "edit" for p in pages_params)
    secret = wordpress.app_password.encode()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and secret in p.read_bytes()]


def test_full_reports_deleted_post_as_gone_and_keeps_it(wordpress, site):
    victim = site.bulk[-1]
    ref = ref_of(wordpress, victim["id"])
    wordpress.delete_post(victim["id"], force=True)
    listed, total, pages = api_posts(wordpress)
    protected = {p["id"] for p in listed if is_protected(p)}
    live = {p["id"] for p in listed} - protected
    archived = archived_ids(site.archive, wordpress)
    expected_gone = archived - {p["id"] for p in listed}
    assert victim["id"] in expected_gone
    victim_folder = posts_dir(site.archive, wordpress) / str(victim["id"])
    victim_before = tree_state(victim_folder)

    with recording() as calls:
        result = archive_all(site.archive, wordpress, "--full")
    assert result.exit_code == 0, describe(result)
    lines = ids(result.stdout).splitlines()
    assert sorted(line for line in lines if line.startswith("gone ")) == \
        sorted(f"gone {ref_of(wordpress, i)}" for i in expected_gone)
    assert f"gone {ref}" in lines
    # Posts already archived are unchanged (protected ones too); those published since the first run (by
    # other tests) are new.
    assert {line for line in lines if line.startswith("unchanged ")} == \
        {f"unchanged {ref_of(wordpress, i)}" for i in (live | protected) & archived}
    assert {line for line in lines if line.startswith("new ")} == \
        {f"new {ref_of(wordpress, i)}@ID" for i in live - archived}
    assert {line for line in lines if line.startswith("protected ")} == \
        {f"protected {ref_of(wordpress, i)}@ID (content withheld: no password)" for i in protected - archived}
    assert summary_line(result) == (f"{total} of {total} posts: {len(live - archived)} new, 0 changed, "
                                    f"{len(live & archived)} unchanged, {len(protected)} protected, 0 failed, "
                                    f"{len(expected_gone)} gone")

    # --full lists everything again from page 1, without modified_after; each missing post is asked for
    # by ID (404: gone) before it is called gone.
    params = listings(calls)
    assert [p["page"] for p in params] == list(range(1, pages + 1))
    assert not [p for p in params if "modified_after" in p]
    by_id = [url for url, _ in calls if re.search(r"/wp/v2/posts/\d+$", url)]
    assert sorted(by_id) == sorted(f"{wordpress.url}/wp-json/wp/v2/posts/{i}" for i in expected_gone)

    # The deleted post's folder is kept as it was, and its history says it went (tests/integration/test_events.py).
    after = tree_state(victim_folder)
    assert after.pop("events.json")[0] == "file"
    assert after == victim_before
    assert len(snapshots(site.archive, wordpress, victim["id"])) == 1
    log = invoke("log", "--archive", str(site.archive), ref)
    assert log.exit_code == 0, describe(log)
    assert [line.split("\t")[0] for line in log.stdout.splitlines()] == ["gone", "@1"]


# -- incremental runs must not silently miss posts ----------------------------------------------


def set_modified_gmt(wordpress, post_id: int, modified_gmt: str, current_gmt: str) -> None:
    """Move a post's modification time (both columns, so the site's zone is kept) to `modified_gmt`.

    The REST API cannot set it, and waiting for the clock cannot make two saves land in one second
    every time: the test writes the time as WordPress would have, in its own database.
    """
    shift = int((datetime.fromisoformat(current_gmt) - datetime.fromisoformat(modified_gmt)).total_seconds())
    sql = (f"UPDATE wp_posts SET post_modified = post_modified - INTERVAL {shift} SECOND, "
           f"post_modified_gmt = '{modified_gmt.replace('T', ' ')}' WHERE ID = {int(post_id)}")
    subprocess.run(["mariadb", "--no-defaults", "-S", wordpress.env["db_socket"], "-u", "root", "wordpress",
                    "-e", sql], check=True, capture_output=True, timeout=60)


def test_edit_in_the_high_water_second_is_not_missed(wordpress, site, tmp_path):
    archive = copy_archive(site.archive, tmp_path / "archive")
    first, second = site.bulk[20], site.bulk[21]
    wordpress.update_post(first["id"], content="<p>Tie A.</p>")
    run = archive_all(archive, wordpress)
    assert f"new {ref_of(wordpress, first['id'])}@" in run.stdout, describe(run)
    high_water = json.loads((posts_dir(archive, wordpress) / ".state.json").read_text(encoding="utf-8"))["high_water"]
    # Saved later, but in the very second the last run saw last (as if edit and capture had raced).
    b = wordpress.update_post(second["id"], content="<p>Tie B.</p>")
    set_modified_gmt(wordpress, second["id"], high_water, b["modified_gmt"])
    assert wordpress._call("GET", f"/wp/v2/posts/{second['id']}")["modified_gmt"] == high_water
    run = archive_all(archive, wordpress)
    assert f"new {ref_of(wordpress, second['id'])}@" in run.stdout, describe(run)


def test_backdated_new_post_is_not_missed(wordpress, site, tmp_path):
    archive = copy_archive(site.archive, tmp_path / "archive")
    archive_all(archive, wordpress)  # up to date
    post = wordpress._call("POST", "/wp/v2/posts", json={
        "title": f"Backdated {TOKEN}", "content": "<p>Imported.</p>", "status": "publish",
        "date_gmt": "2020-01-02T03:04:05"})
    try:
        assert post["modified_gmt"] == "2020-01-02T03:04:05"
        run = archive_all(archive, wordpress)
        assert f"new {ref_of(wordpress, post['id'])}@ID" in ids(run.stdout).splitlines(), describe(run)
    finally:
        wordpress.delete_post(post["id"])


def test_scheduled_post_does_not_hide_later_edits(wordpress, site, tmp_path):
    archive = copy_archive(site.archive, tmp_path / "archive")
    when = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    future = wordpress._call("POST", "/wp/v2/posts", json={
        "title": f"Scheduled {TOKEN}", "content": "<p>Later.</p>", "status": "future", "date_gmt": when})
    try:
        assert future["modified_gmt"] == when
        first = archive_all(archive, wordpress, user=True)
        assert f"new {ref_of(wordpress, future['id'])}@ID" in ids(first.stdout).splitlines(), describe(first)
        target = site.bulk[30]
        wait_for_next_second()
        wordpress.update_post(target["id"], content="<p>Edited after the scheduled post was seen.</p>")
        run = archive_all(archive, wordpress, user=True)
        assert f"new {ref_of(wordpress, target['id'])}@ID" in ids(run.stdout).splitlines(), describe(run)
    finally:
        wordpress.delete_post(future["id"])


def test_since_run_does_not_hide_older_posts(wordpress, tmp_path):
    newest = wordpress.create_post(f"Since {TOKEN}", "<p>Newest.</p>")
    since = (datetime.fromisoformat(newest["modified_gmt"]) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    first = archive_all(tmp_path, wordpress, "--since", since)
    assert f"new {ref_of(wordpress, newest['id'])}@ID" in ids(first.stdout).splitlines(), describe(first)
    listed, _, _ = api_posts(wordpress)
    run = archive_all(tmp_path, wordpress)
    assert run.exit_code == 0, describe(run)
    assert archived_ids(tmp_path, wordpress) == {p["id"] for p in listed}


def _protected_post(wordpress, password: str) -> dict:
    return wordpress.create_post(f"Locked {TOKEN} {uuid.uuid4().hex[:4]}", "<p>Locked words.</p>",
                                 password=password)


def test_failed_post_is_retried_by_the_next_run(wordpress, site, tmp_path):
    archive = copy_archive(site.archive, tmp_path / "archive")
    archive_all(archive, wordpress)  # up to date
    password = f"pw-{TOKEN}"
    post = _protected_post(wordpress, password)
    ref = ref_of(wordpress, post["id"])
    try:
        failed = archive_all(archive, wordpress, "--post-password", "wrong")  # 403: a failure
        assert failed.exit_code == 4, describe(failed)
        assert f"failed {ref}: the password given for it was refused (HTTP 403); check --post-passwords or " \
               "--post-password" in failed.stdout.splitlines(), describe(failed)
        assert post["id"] in retried(archive, wordpress)
        run = archive_all(archive, wordpress, "--post-password", password)
        assert f"new {ref}@ID" in ids(run.stdout).splitlines(), describe(run)
        [snap] = snapshots(archive, wordpress, post["id"])
        assert (snap / "post.txt").read_text(encoding="utf-8").endswith("\n\nLocked words.\n")
    finally:
        wordpress.delete_post(post["id"])


def test_failure_is_reported_once(wordpress, site, tmp_path):
    archive = copy_archive(site.archive, tmp_path / "archive")
    archive_all(archive, wordpress)  # up to date
    post = _protected_post(wordpress, f"pw-{TOKEN}")
    try:
        run = archive_all(archive, wordpress, "--post-password", "wrong")
        assert run.exit_code == 4, describe(run)
        failures = [line for line in run.stdout.splitlines()
                    if line.startswith(f"failed {ref_of(wordpress, post['id'])}:")]
        assert len(failures) == 1, describe(run)
    finally:
        wordpress.delete_post(post["id"])
