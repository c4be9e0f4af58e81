"""`archive --comments`, `show --comments` and `verify` against the real WordPress of the tests."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from tests.conftest import mask_ids
from wparchive.cli import cli

TOKEN = uuid.uuid4().hex[:8]


def assert_site_run_ok(result: Result) -> None:
    """A whole-site run on the shared test site: other tests' password-protected posts are archived as
    what is public (counted `protected`), never failed: exit 0 and no `failed` line."""
    failed = [line for line in mask_ids(result.stdout) if line.startswith("failed ")]
    assert (result.exit_code, failed) == (0, []), result.output


def run(*args: str, wordpress=None) -> Result:
    env = {"WPARCHIVE_APP_PASSWORD": None, "WPARCHIVE_POST_PASSWORD": None, "WPARCHIVE_ARCHIVE": None}
    argv = list(args)
    if wordpress is not None:
        env["WPARCHIVE_APP_PASSWORD"] = wordpress.app_password
        argv += ["--user", wordpress.user]
    return CliRunner().invoke(cli, argv, env=env)


def host(wordpress) -> str:
    return f"127.0.0.1_{urlsplit(wordpress.url).port}"


@pytest.fixture(scope="module")
def thread(wordpress):
    post = wordpress.create_post(f"Discussed {TOKEN}", "<p>Talk about it.</p>")
    top = wordpress.create_comment(post["id"], "<p>First!</p>", "Reader One")
    reply = wordpress.create_comment(post["id"], "I agree &amp; more", "Reader Two", parent=top["id"])
    deeper = wordpress.create_comment(post["id"], "Deeper still", "Reader One", parent=reply["id"])
    held = wordpress.create_comment(post["id"], "Buy pills", "Spammer", status="hold")
    return {"post": post, "ids": (top["id"], reply["id"], deeper["id"], held["id"])}


def comment_folders(archive: Path, wordpress, post_id: int) -> list[Path]:
    folder = archive / host(wordpress) / "posts" / str(post_id) / "comments"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_single_post_comments_anonymously_are_the_approved_thread(wordpress, thread, tmp_path):
    post = thread["post"]
    result = run("archive", "--archive", str(tmp_path), "--comments", post["link"])
    assert result.exit_code == 0, result.output
    ref = f"{host(wordpress)}/posts/{post['id']}"
    assert mask_ids(result.stdout) == [f"new {ref}@ID", f"new comments {ref} (3 comments)"]
    [folder] = comment_folders(tmp_path, wordpress, post["id"])
    shown = run("show", "--archive", str(tmp_path), ref, "--comments")
    assert shown.exit_code == 0
    lines = mask_ids(shown.stdout)
    assert [line.split(" · ")[0] for line in lines if " · " in line] == ["Reader One", "  Reader Two", "    Reader One"]
    assert [line for line in lines if " · " not in line] == ["  First!", "", "    I agree & more", "", "      Deeper still"]
    stored = json.loads((folder / "comments.json").read_text())
    assert [c["id"] for c in stored["comments"]] == list(thread["ids"][:3])
    assert "email" not in (folder / "comments.json").read_text()
    meta = json.loads((folder / "snapshot.json").read_text())
    assert (meta["scope"], meta["count"], meta["post"]) == ("approved", 3, ref)
    again = run("archive", "--archive", str(tmp_path), "--comments", post["link"])
    assert mask_ids(again.stdout) == [f"unchanged {ref}", f"unchanged comments {ref} (3 comments)"]
    verified = run("verify", "--archive", str(tmp_path))
    assert verified.exit_code == 0 and verified.stdout.endswith("2 snapshots checked, 0 problems\n")


def test_with_credentials_every_status_is_kept(wordpress, thread, tmp_path):
    post = thread["post"]
    result = run("archive", "--archive", str(tmp_path), "--comments", post["link"], wordpress=wordpress)
    assert result.exit_code == 0, result.output
    [folder] = comment_folders(tmp_path, wordpress, post["id"])
    text = (folder / "comments.txt").read_text()
    assert "Spammer · " in text and "[hold]" in text and "Buy pills" in text
    stored = (folder / "comments.json").read_text()
    assert "@example.invalid" not in stored and "author_ip" not in stored  # edit context carries both


def test_a_new_comment_is_a_comment_version_not_a_post_version(wordpress, tmp_path):
    post = wordpress.create_post(f"Growing thread {TOKEN}", "<p>Body.</p>")
    wordpress.create_comment(post["id"], "One", "Reader One")
    ref = f"{host(wordpress)}/posts/{post['id']}"
    assert run("archive", "--archive", str(tmp_path), "--comments", post["link"]).exit_code == 0
    wordpress.create_comment(post["id"], "Two", "Reader Two")
    result = run("archive", "--archive", str(tmp_path), "--comments", post["link"])
    assert mask_ids(result.stdout) == [f"unchanged {ref}", f"new comments {ref} (2 comments)"]
    assert len(comment_folders(tmp_path, wordpress, post["id"])) == 2
    first = run("show", "--archive", str(tmp_path), f"{ref}@1", "--comments")
    assert "Two" not in first.stdout and "One" in first.stdout
    diff = run("diff", "--archive", str(tmp_path), ref, "--comments", "--color", "never")
    assert diff.exit_code == 1
    added = [line for line in mask_ids(diff.stdout) if line.startswith("+") and not line.startswith("+++")]
    assert [line.split(" · ")[0] for line in added if " · " in line] == ["+Reader Two"]
    assert "+  Two" in added
    same = run("diff", "--archive", str(tmp_path), f"{ref}@2", f"{ref}@latest", "--comments")
    assert same.exit_code == 0 and same.stdout == ""


def test_whole_site_comments_are_listed_in_pages_and_incrementally(wordpress, thread, tmp_path):
    # --no-log-format: the summary lines without the UTC time and site that a non-terminal stderr gets.
    result = run("archive", "--archive", str(tmp_path), "--site", wordpress.url, "--all", "--comments",
                 "--no-log-format")
    assert_site_run_ok(result)
    post_id = thread["post"]["id"]
    ref = f"{host(wordpress)}/posts/{post_id}"
    assert f"new comments {ref} (3 comments)" in mask_ids(result.stdout)
    assert result.stderr.splitlines()[-1].startswith("comments: ")
    state = json.loads((tmp_path / host(wordpress) / ".comments-state.json").read_text())
    assert state["scope"] == "approved" and state["newest"]
    late = wordpress.create_comment(post_id, "Late to the party", "Reader Three")
    again = run("archive", "--archive", str(tmp_path), "--site", wordpress.url, "--all", "--comments",
                "--no-log-format")
    assert_site_run_ok(again)
    assert f"new comments {ref} (4 comments)" in mask_ids(again.stdout)
    # The re-run asked only for comments after the newest one seen (less one second, for comments made
    # in that same second): the new one and those of the previous newest second, not the whole site.
    listed_first = int(result.stderr.splitlines()[-1].split()[1])
    summary = again.stderr.splitlines()[-1]
    listed_again = int(summary.split()[1])
    assert 1 <= listed_again < listed_first
    assert ", 1 posts with new comments, " in summary
    [_, newest] = comment_folders(tmp_path, wordpress, post_id)
    ids = [c["id"] for c in json.loads((newest / "comments.json").read_text())["comments"]]
    assert ids == [*thread["ids"][:3], late["id"]]
    assert run("verify", "--archive", str(tmp_path)).exit_code == 0
