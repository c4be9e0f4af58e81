"""The README's nightly whole-site run against the real WordPress of the tests, with the content a real
site has: password-protected, private, draft, pending and scheduled posts, private/draft/protected pages,
and the install's "Hello world!" whose local modified time equals its GMT time (the time zone was set
after installing, as on many real sites).

Requests are counted on the server's side (tests/wp/router.php logs each one), so a run in another
process (the README's cron line under `env -i`) is counted too. The site is shared with the other
integration files: expectations are computed from what the REST API shows at that moment.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.integration.test_site import (
    PASSWORD_ENV,
    archive_all,
    describe,
    ids,
    invoke,
    snapshots,
    tree_state,
)

TOKEN = uuid.uuid4().hex[:8]
README = Path(__file__).resolve().parents[2] / "README.md"
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def host_of(wordpress) -> str:
    return f"127.0.0.1_{urlsplit(wordpress.url).port}"


def ref(wordpress, post_id: int, base: str = "posts") -> str:
    return f"{host_of(wordpress)}/{base}/{post_id}"


def per_type(lines: list[str]) -> dict[str, int]:
    """Requests per REST type (`posts`, `pages`, ...) and `other` (discovery, types, users/me)."""
    counts: dict[str, int] = {}
    for line in lines:
        path = urlsplit(line.split(" ", 1)[1]).path
        m = re.match(r"^/wp-json/wp/v2/([^/]+)", path)
        kind = m.group(1) if m and m.group(1) not in ("types", "users") else "other"
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def all_items(wordpress, base: str, *, auth: bool) -> list[dict]:
    params = {"status": "any", "context": "edit"} if auth else {}
    items, page = [], 1
    while True:
        response = wordpress.rest("GET", f"/wp/v2/{base}", auth=auth, params={
            "per_page": 100, "page": page, "orderby": "id", "order": "asc", **params})
        assert response.status_code == 200, response.text[:300]
        items.extend(response.json())
        if page >= int(response.headers["X-WP-TotalPages"]):
            return items
        page += 1


@pytest.fixture(scope="module")
def awkward(wordpress):
    return wordpress.add_awkward_content(TOKEN)


def test_the_test_site_has_the_awkward_content(wordpress, awkward):
    hello = wordpress.rest("GET", "/wp/v2/posts/1", auth=True, params={"context": "edit"}).json()
    assert hello["modified"] == hello["modified_gmt"]
    assert wordpress.rest("GET", "/wp/v2/settings").json()["timezone"] == "America/New_York"
    statuses = {name: (item["type"], item["status"], bool(item["content"].get("protected")))
                for name, item in awkward.items()}
    assert statuses == {
        "protected_one": ("post", "publish", True), "protected_two": ("post", "publish", True),
        "private": ("post", "private", False), "draft": ("post", "draft", False),
        "pending": ("post", "pending", False), "scheduled": ("post", "future", False),
        "private_page": ("page", "private", False), "draft_page": ("page", "draft", False),
        "protected_page": ("page", "publish", True)}


def readme_nightly_line(when: str = "15 3 * * * ") -> str:
    lines = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith(when)]
    assert len(lines) == 1
    return lines[0][len(when):]


def cron_command(wordpress, home: Path, with_user: bool, when: str = "15 3 * * * ") -> str:
    """A README cron line made to run here: this wparchive, this site, a home of the test's own."""
    (home / "app-password").write_text(wordpress.app_password + "\n", encoding="utf-8")
    wparchive = Path(sys.executable).parent / "wparchive"
    command = readme_nightly_line(when).replace("/srv/wparchive/.venv/bin/wparchive", str(wparchive))
    command = command.replace("/srv/wparchive", str(home)).replace("https://example.com", wordpress.url)
    command = command.replace("--user archivist", f"--user {wordpress.user}" if with_user else "")
    assert str(wparchive) in command and wordpress.url in command
    return command


@pytest.mark.parametrize("with_user", [False, True], ids=["anonymous", "credentials"])
def test_readme_nightly_line_exits_0_twice_and_the_second_run_is_three_requests_per_type(
        wordpress, awkward, tmp_path, with_user):
    """The cron line exactly as the README gives it, under `env -i` and /bin/sh as cron runs it."""
    home = tmp_path / "srv"
    home.mkdir()
    command = cron_command(wordpress, home, with_user)

    types = ["posts", "pages"]
    expected: dict[str, set[int]] = {}
    protected = 0  # other test files leave protected posts too; with credentials, an editor reads them
    for base in types:
        items = all_items(wordpress, base, auth=with_user)
        expected[base] = {i["id"] for i in items}
        if base == "posts" and not with_user:
            protected = sum(1 for i in items if i["content"].get("protected") and not i["content"]["rendered"])
    n = {base: len(ids) for base, ids in expected.items()}

    def cron() -> tuple[subprocess.CompletedProcess, list[str]]:
        mark = wordpress.requests_mark()
        done = subprocess.run(["env", "-i", "/bin/sh", "-c", command], capture_output=True, text=True,
                              timeout=300, check=False)
        return done, wordpress.requests_since(mark)

    first, first_requests = cron()
    log = (home / "archive.log").read_text(encoding="utf-8")
    assert first.returncode == 0, f"{first}\n{log}"
    # The summary: one line per type with the time and site, counting protected posts as such.
    summary = [line for line in log.splitlines() if re.match(STAMP + " ", line)]
    assert [line.split(" ", 2)[1] for line in summary] == [wordpress.url] * len(summary)
    posts_line = next(line.split(" ", 2)[2] for line in summary if " posts: " in line)
    assert protected >= (0 if with_user else 2)
    assert posts_line.startswith(f"{n['posts']} of {n['posts']} posts: "), log
    assert f", {protected} protected, 0 failed" in posts_line, log
    assert "gone" not in log and "failed " not in log
    archive = home / "archive"
    for base in types:
        folder = archive / host_of(wordpress) / base
        assert {int(p.name) for p in folder.iterdir() if p.name.isdigit()} == expected[base]
    first_counts = per_type(first_requests)
    for base in types:
        assert first_counts[base] <= math.ceil(n[base] / 100) + 3, first_requests

    before = tree_state(archive)
    second, second_requests = cron()
    log = (home / "archive.log").read_text(encoding="utf-8")
    assert second.returncode == 0, f"{second}\n{log}"
    assert tree_state(archive) == before  # nothing written, not even a state file
    counts = per_type(second_requests)
    types_run = len([b for b in counts if b != "other"])
    assert sum(counts.values()) <= 3 * types_run, second_requests
    for base in types:
        assert counts[base] <= 2, second_requests  # modified_after listing, newest IDs
    assert "gone" not in log and "failed " not in log
    secret = wordpress.app_password.encode()
    assert not [p for p in home.rglob("*") if p.is_file() and p.name != "app-password" and secret in p.read_bytes()]


@pytest.mark.parametrize("with_user", [False, True], ids=["anonymous", "credentials"])
def test_readme_weekly_full_line_reports_and_records_what_went_once(wordpress, awkward, tmp_path, with_user):
    """The README's weekly `--full` line: exit 0, `gone`/`hidden` only for posts that are, recorded in their
    history once; run again on an unchanged site, it writes nothing."""
    home = tmp_path / "srv"
    home.mkdir()
    command = cron_command(wordpress, home, with_user, when="45 3 * * 0 ")
    unpublished = wordpress.create_post(f"Weekly unpublished {TOKEN}", "<p>Public for a while.</p>")
    deleted = wordpress.create_post(f"Weekly deleted {TOKEN}", "<p>Deleted soon.</p>")
    archive = home / "archive"

    def cron() -> tuple[subprocess.CompletedProcess, list[str], list[str]]:
        mark = wordpress.requests_mark()
        start = len((home / "archive.log").read_text(encoding="utf-8")) if (home / "archive.log").exists() else 0
        done = subprocess.run(["env", "-i", "/bin/sh", "-c", command], capture_output=True, text=True,
                              timeout=300, check=False)
        log = (home / "archive.log").read_text(encoding="utf-8")[start:]
        return done, wordpress.requests_since(mark), log.splitlines()

    first, _, log = cron()
    assert first.returncode == 0, "\n".join(log)
    wordpress.update_post(unpublished["id"], status="draft")
    wordpress.delete_post(deleted["id"], force=True)
    hidden = (f"hidden {ref(wordpress, unpublished['id'])}: it was publish when archived and now answers HTTP 401 "
              "(unpublished, or made private)")
    # With credentials the draft is listed (status=any): a new version whose status is draft, not news.
    expected = [f"gone {ref(wordpress, deleted['id'])}"] + ([] if with_user else [hidden])

    second, _, log = cron()
    assert second.returncode == 0, "\n".join(log)
    assert sorted(line for line in log if line.startswith(("gone ", "hidden ", "failed "))) == expected, log
    events = json.loads((archive / ref(wordpress, deleted["id"]) / "events.json").read_text(encoding="utf-8"))
    assert [(e["event"], e["http_status"]) for e in events["events"]] == [("gone", 404)]
    if not with_user:
        shown = invoke("log", "--archive", str(archive), ref(wordpress, unpublished["id"]))
        assert [line.split("\t")[0] for line in shown.stdout.splitlines()] == ["hidden", "@1"], shown.output

    n = {base: len(all_items(wordpress, base, auth=with_user)) for base in ("posts", "pages")}
    before = tree_state(archive)
    third, requests, log = cron()
    assert third.returncode == 0, "\n".join(log)
    assert sorted(line for line in log if line.startswith(("gone ", "hidden ", "failed "))) == expected, log
    assert tree_state(archive) == before  # still gone, still hidden: nothing written
    counts = per_type(requests)
    for base in ("posts", "pages"):
        assert counts[base] <= math.ceil(n[base] / 100) + 3, requests
    wordpress.delete_post(unpublished["id"], force=True)


def test_protected_post_is_archived_as_metadata_then_unlocked_by_a_passwords_file(wordpress, awkward, tmp_path):
    one, two = awkward["protected_one"], awkward["protected_two"]
    archive = tmp_path / "archive"
    first = archive_all(archive, wordpress, "--type", "posts")
    assert first.exit_code == 0, describe(first)
    for post in (one, two):
        assert f"protected {ref(wordpress, post['id'])}@ID (content withheld: no password)" in ids(first.stdout)
    [snap] = snapshots(archive, wordpress, one["id"])
    first_versions = {v.name for post in (one, two) for v in snapshots(archive, wordpress, post["id"])}
    meta = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))
    # WordPress 6.1 withholds a protected post's excerpt too (its own `excerpt.protected`).
    assert (meta["protected"], meta["content_withheld"], meta["excerpt"]) == (True, True, "")
    assert (meta["title"], meta["link"], meta["date_gmt"]) == (one["title"]["raw"], one["link"], one["date_gmt"])
    assert (snap / "post.txt").read_text(encoding="utf-8") == (
        f"Awkward protected_one {TOKEN}\n\n[password-protected: WordPress sent no content without the post's "
        "password]\n")
    front = (snap / "post.md").read_text(encoding="utf-8")
    assert "\nprotected: true\n" in front and "\ncontent_withheld: true\n" in front and front.endswith("---\n")
    shown = invoke("show", "--archive", str(archive), ref(wordpress, one["id"]))
    assert shown.exit_code == 0 and "[password-protected: WordPress sent no content" in shown.stdout

    # A passwords file others can read is refused, as ssh refuses such a key.
    passwords = tmp_path / "passwords"
    passwords.write_text(f"# nightly\n{one['id']} pw-one-{TOKEN}\n{two['link']} pw-two-{TOKEN}\n", encoding="utf-8")
    passwords.chmod(0o644)
    refused = archive_all(archive, wordpress, "--post-passwords", str(passwords))
    assert refused.exit_code == 2, describe(refused)
    assert refused.stderr == (f"error: --post-passwords {passwords} can be read or written by others (mode 0644); "
                              f"make it private: chmod 600 {passwords}\n")

    # Given later, by ID and by permalink: the content comes in as a new version, on a run where the
    # posts themselves did not change.
    passwords.chmod(0o600)
    unlocked = archive_all(archive, wordpress, "--post-passwords", str(passwords))
    assert unlocked.exit_code == 0, describe(unlocked)
    for post, name in ((one, "protected_one"), (two, "protected_two")):
        assert f"new {ref(wordpress, post['id'])}@ID" in ids(unlocked.stdout).splitlines(), describe(unlocked)
        assert len(snapshots(archive, wordpress, post["id"])) == 2
        # The version written now: the one that is not the first (folder order is not capture order here).
        [latest] = [v for v in snapshots(archive, wordpress, post["id"]) if v.name not in first_versions]
        assert (latest / "post.txt").read_text(encoding="utf-8") == \
            f"Awkward {name} {TOKEN}\n\nSecret {name} words.\n"
        assert "content_withheld" not in json.loads((latest / "snapshot.json").read_text(encoding="utf-8"))
    # The passwords reach no file of the archive and no output.
    for secret in (f"pw-one-{TOKEN}", f"pw-two-{TOKEN}"):
        assert secret not in unlocked.stdout + unlocked.stderr
        assert not [p for p in archive.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]

    # A later run without the passwords neither fails nor replaces the content with an empty version.
    before = tree_state(archive)
    again = archive_all(archive, wordpress, "--full")
    assert again.exit_code == 0, describe(again)
    assert f"protected {ref(wordpress, one['id'])}: archived with its content before; no password given this " \
           "run" in again.stdout.splitlines()
    assert {k: v for k, v in tree_state(archive).items() if "/.state.json" not in k} == \
        {k: v for k, v in before.items() if "/.state.json" not in k}


def test_anonymous_full_run_after_credentials_calls_nothing_gone_that_is_not(wordpress, awkward, tmp_path):
    archive = tmp_path / "archive"
    public = wordpress.create_post(f"Soon hidden {TOKEN}", "<p>Public for now.</p>")
    doomed = wordpress.create_post(f"Soon deleted {TOKEN}", "<p>Deleted soon.</p>")
    trashed = wordpress.create_post(f"Soon trashed {TOKEN}", "<p>Trashed soon.</p>")
    first = archive_all(archive, wordpress, "--type", "all", user=True)
    assert first.exit_code == 0, describe(first)
    for name in ("private", "draft", "pending", "scheduled"):
        assert snapshots(archive, wordpress, awkward[name]["id"])
    assert (archive / host_of(wordpress) / "pages" / str(awkward["draft_page"]["id"])).is_dir()

    wordpress.update_post(public["id"], status="draft")  # unpublished: news for a journalist
    wordpress.delete_post(doomed["id"], force=True)
    wordpress.delete_post(trashed["id"], force=False)

    mark = wordpress.requests_mark()
    anonymous = archive_all(archive, wordpress, "--type", "all", "--full")
    assert anonymous.exit_code == 0, describe(anonymous)
    # Asked for by ID: only the posts it could say something of (not those archived with credentials
    # while unpublished, which a run without them can never call gone or hidden).
    asked = [line.split("?")[0] for line in wordpress.requests_since(mark)
             if re.match(r"GET /wp-json/wp/v2/(posts|pages)/\d+", line)]
    assert sorted(asked) == sorted(f"GET /wp-json/wp/v2/posts/{i}" for i in (public["id"], doomed["id"], trashed["id"]))
    lines = anonymous.stdout.splitlines()
    hidden = "it was publish when archived and now answers HTTP 401 (unpublished, or made private)"
    assert f"hidden {ref(wordpress, public['id'])}: {hidden}" in lines, describe(anonymous)
    assert f"hidden {ref(wordpress, trashed['id'])}: {hidden}" in lines, describe(anonymous)
    assert f"gone {ref(wordpress, doomed['id'])}" in lines, describe(anonymous)
    gone_or_hidden = {line.split(" ")[1].rstrip(":") for line in lines if line.startswith(("gone ", "hidden "))}
    assert gone_or_hidden == {ref(wordpress, i) for i in (public["id"], doomed["id"], trashed["id"])}
    # Drafts, private, pending and scheduled posts archived with credentials are not news.
    for name in ("private", "draft", "pending", "scheduled"):
        assert ref(wordpress, awkward[name]["id"]) not in anonymous.stdout

    # With credentials, the trashed post is recorded as a version whose status is `trash`.
    again = archive_all(archive, wordpress, "--full", user=True)
    assert again.exit_code == 0, describe(again)
    assert f"trashed {ref(wordpress, trashed['id'])}@ID" in ids(again.stdout).splitlines(), describe(again)
    # In the archive's order: by time, then `sequence` (both runs may fall in one second, and the folder
    # names then sort by content hash).
    metas = [json.loads((s / "snapshot.json").read_text()) for s in snapshots(archive, wordpress, trashed["id"])]
    assert [m["status"] for m in sorted(metas, key=lambda m: (m["captured_at"], m.get("sequence", 1)))] == \
        ["publish", "trash"]
    assert f"gone {ref(wordpress, doomed['id'])}" in again.stdout.splitlines()
    assert f"unchanged {ref(wordpress, public['id'])}" not in again.stdout  # a draft now: a new version
    assert f"new {ref(wordpress, public['id'])}@ID" in ids(again.stdout).splitlines()
    assert len(snapshots(archive, wordpress, public["id"])) == 2
    wordpress.delete_post(trashed["id"], force=True)
    wordpress.delete_post(public["id"], force=True)


def test_refused_application_password_says_so_before_any_listing(wordpress, tmp_path):
    mark = wordpress.requests_mark()
    result = _with_password(wordpress, tmp_path, "wrong pass")
    assert result.exit_code == 3, describe(result)
    port = urlsplit(wordpress.url).port
    assert result.stderr == (
        f"error: credentials for {wordpress.user} refused by 127.0.0.1:{port} (HTTP 401 rest_not_logged_in); "
        "check the application password (WPARCHIVE_APP_PASSWORD or ~/.netrc), and that the server passes the "
        "Authorization header to PHP\n")
    assert [line.split("?")[0] for line in wordpress.requests_since(mark)] == ["GET /", "GET /wp-json/wp/v2/users/me"]


def _with_password(wordpress, tmp_path: Path, password: str):
    from click.testing import CliRunner

    from wparchive.cli import cli
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "--site", wordpress.url, "--all",
                                    "--user", wordpress.user], env={PASSWORD_ENV: password, "WPARCHIVE_ARCHIVE": None})


def test_schemeless_site_falls_back_to_http_and_says_so(wordpress, tmp_path):
    bare = urlsplit(wordpress.url).netloc
    result = invoke("archive", "--archive", str(tmp_path), "--site", bare, "--all")
    assert result.exit_code == 0, describe(result)
    assert result.stderr.startswith(f"warning: --site {bare} has no scheme and https did not answer: using "
                                    f"http://{bare}\n"), describe(result)
    with_user = _schemeless_with_user(wordpress, tmp_path, bare)
    assert with_user.exit_code == 3, describe(with_user)
    assert with_user.stderr.startswith(f"error: {bare} did not answer over https ("), describe(with_user)
    assert with_user.stderr.endswith(f"); credentials are sent only over https: give --site http://{bare} to "
                                     "send them over plain http\n")


def _schemeless_with_user(wordpress, tmp_path: Path, bare: str):
    from click.testing import CliRunner

    from wparchive.cli import cli
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "u"), "--site", bare, "--all",
                                    "--user", wordpress.user],
                              env={PASSWORD_ENV: wordpress.app_password, "WPARCHIVE_ARCHIVE": None})


def test_url_with_credentials_is_never_printed(wordpress, tmp_path):
    parts = urlsplit(wordpress.url)
    secret_url = f"http://someone:s3cret-{TOKEN}@{parts.netloc}"
    result = invoke("archive", "--archive", str(tmp_path), "--site", secret_url, "--all")
    assert result.exit_code == 2, describe(result)
    assert result.stderr == (f"error: http://{parts.netloc} has credentials in it (user:password@); they are not "
                             "used from a URL: give --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc, and the "
                             "URL without them\n")
    # With --user of the same name, the URL's password is the application password.
    from click.testing import CliRunner

    from wparchive.cli import cli
    url = f"http://{wordpress.user}:{wordpress.app_password.replace(' ', '%20')}@{parts.netloc}"
    used = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "--site", url, "--all", "--user",
                                    wordpress.user, "-q"], env={PASSWORD_ENV: None, "WPARCHIVE_ARCHIVE": None})
    assert used.exit_code == 0, describe(used)
    assert wordpress.app_password not in used.stdout + used.stderr
    assert (tmp_path / host_of(wordpress) / "posts").is_dir()
