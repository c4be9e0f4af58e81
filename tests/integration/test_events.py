"""Against the real WordPress of the tests (issue 9's last two gaps):

- a post archived while public that a later whole-site run finds answering 401 (made private) is
  `hidden`, and one answering 404 (deleted) is `gone`: both are recorded in the post's history
  (`events.json`, shown by `log`), once; an unchanged re-run writes nothing; a post that comes back is
  a new version whose log line says `seen again`;
- one password-protected post archived as a single target without its password is archived as what
  WordPress shows of it (exit 0, said on stderr); its content comes in as a new version once the
  password is given.
"""

from __future__ import annotations

import json
import math
import re
import uuid

from tests.integration.test_nightly import all_items, per_type
from tests.integration.test_site import archive_all, describe, host_of, ids, invoke, snapshots, tree_state

TOKEN = uuid.uuid4().hex[:8]
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def ref(wordpress, post_id: int) -> str:
    return f"{host_of(wordpress)}/posts/{post_id}"


def test_made_private_is_recorded_hidden_once_deleted_gone_once_and_back_is_a_new_version(wordpress, tmp_path):
    archive = tmp_path / "archive"
    post = wordpress.create_post(f"Soon private {TOKEN}", "<p>Public for now.</p>")
    doomed = wordpress.create_post(f"Soon deleted {TOKEN}", "<p>Deleted soon.</p>")
    first = archive_all(archive, wordpress)
    assert first.exit_code == 0, describe(first)
    [version_1] = snapshots(archive, wordpress, post["id"])
    [doomed_1] = snapshots(archive, wordpress, doomed["id"])

    wordpress.update_post(post["id"], status="private")  # unpublished: news for a journalist
    wordpress.delete_post(doomed["id"], force=True)
    hidden_line = (f"hidden {ref(wordpress, post['id'])}: it was publish when archived and now answers HTTP 401 "
                   "(unpublished, or made private)")
    gone_line = f"gone {ref(wordpress, doomed['id'])}"
    run = archive_all(archive, wordpress, "--full")
    assert run.exit_code == 0, describe(run)
    assert [line for line in run.stdout.splitlines() if line.startswith(("hidden ", "gone "))] == \
        [hidden_line, gone_line]
    by_id = f"{wordpress.url}/wp-json/wp/v2/posts"
    recorded = json.loads((archive / ref(wordpress, post["id"]) / "events.json").read_text(encoding="utf-8"))
    at = recorded["events"][0]["at"]
    assert STAMP.match(at)
    assert recorded == {"schema": 1, "events": [{"event": "hidden", "at": at, "http_status": 401,
                                                 "url": f"{by_id}/{post['id']}", "was": "publish",
                                                 "after": version_1.name}]}
    gone_at = json.loads((archive / ref(wordpress, doomed["id"]) / "events.json").read_text())["events"][0]["at"]
    captured = json.loads((version_1 / "snapshot.json").read_text(encoding="utf-8"))["captured_at"]
    shown = invoke("log", "--archive", str(archive), ref(wordpress, post["id"]))
    assert (shown.exit_code, shown.stderr) == (0, ""), describe(shown)
    assert shown.stdout == (
        f"hidden\t{at}\tapi:{by_id}/{post['id']}\t-\tanswered HTTP 401 (it was publish; unpublished, or made "
        "private)\n"
        f"@1\t{captured}\tapi:{post['link']}\t{version_1.name}\tfirst capture\n")
    gone_log = invoke("log", "--archive", str(archive), ref(wordpress, doomed["id"]), "--json")
    assert json.loads(gone_log.stdout)[0] == {
        "ref": ref(wordpress, doomed["id"]), "event": "gone", "at": gone_at, "http_status": 404,
        "url": f"{by_id}/{doomed['id']}", "was": "publish", "after": doomed_1.name}
    verified = invoke("verify", "--archive", str(archive))
    assert verified.exit_code == 0 and verified.stdout.endswith(" 0 problems\n"), describe(verified)

    # The same run again: reported again, written nowhere; a listing page per 100 posts and one request
    # by ID for each of the two.
    before = tree_state(archive)
    n = len(all_items(wordpress, "posts", auth=False))
    mark = wordpress.requests_mark()
    again = archive_all(archive, wordpress, "--full")
    requests = wordpress.requests_since(mark)
    assert again.exit_code == 0, describe(again)
    assert [line for line in again.stdout.splitlines() if line.startswith(("hidden ", "gone "))] == \
        [hidden_line, gone_line]
    assert tree_state(archive) == before
    assert sorted(line.split("?")[0] for line in requests if re.match(r"GET /wp-json/wp/v2/posts/\d+", line)) == \
        sorted(f"GET /wp-json/wp/v2/posts/{i}" for i in (post["id"], doomed["id"]))
    assert per_type(requests)["posts"] <= math.ceil(n / 100) + 3, requests

    # Public again, unchanged: a new version all the same, and the log shows for how long it was hidden.
    wordpress.update_post(post["id"], status="publish")
    back = archive_all(archive, wordpress, "--full")
    assert back.exit_code == 0, describe(back)
    assert f"new {ref(wordpress, post['id'])}@ID" in ids(back.stdout).splitlines(), describe(back)
    assert not [line for line in back.stdout.splitlines() if line.startswith("hidden ")]
    [version_2] = [v for v in snapshots(archive, wordpress, post["id"]) if v != version_1]
    captured_2 = json.loads((version_2 / "snapshot.json").read_text(encoding="utf-8"))["captured_at"]
    shown = invoke("log", "--archive", str(archive), ref(wordpress, post["id"]))
    assert shown.stdout == (
        f"@2\t{captured_2}\tapi:{post['link']}\t{version_2.name}\tseen again\n"
        f"hidden\t{at}\tapi:{by_id}/{post['id']}\t-\tanswered HTTP 401 (it was publish; unpublished, or made "
        "private)\n"
        f"@1\t{captured}\tapi:{post['link']}\t{version_1.name}\tfirst capture\n")
    assert (version_1 / "post.txt").read_bytes() == (version_2 / "post.txt").read_bytes()
    wordpress.delete_post(post["id"], force=True)


def test_one_protected_post_without_its_password_is_archived_as_what_is_public(wordpress, tmp_path):
    archive = tmp_path / "archive"
    secret = f"pw-{TOKEN}"
    post = wordpress.create_post(f"Locked {TOKEN}", f"<p>Secret words {TOKEN}.</p>", password=secret,
                                 categories=[f"Vault {TOKEN}"])
    note = (f"warning: posts/{post['id']} is password-protected: WordPress sent its content empty, so what it "
            "shows without the password is archived (title, dates, terms; no body); to archive its content, give "
            "--post-password, or --post-passwords FILE (used for the request only, never stored)\n")
    key = ref(wordpress, post["id"])
    for target in (post["link"], f"{wordpress.url}/wp-json/wp/v2/posts/{post['id']}"):
        result = invoke("archive", "--archive", str(archive), target)
        if target == post["link"]:
            [first] = snapshots(archive, wordpress, post["id"])
            assert (result.exit_code, result.stderr, result.stdout) == (
                0, note, f"protected {key}@{first.name} (content withheld: no password)\n"), describe(result)
        else:  # the same post by its REST URL: nothing new
            assert (result.exit_code, result.stderr, result.stdout) == (0, note, f"unchanged {key}\n")
    assert sorted(p.name for p in first.iterdir()) == ["post.md", "post.txt", "response.json", "snapshot.json"]
    assert (first / "post.txt").read_text(encoding="utf-8") == (
        f"Locked {TOKEN}\n\n[password-protected: WordPress sent no content without the post's password]\n")
    meta = json.loads((first / "snapshot.json").read_text(encoding="utf-8"))
    assert (meta["protected"], meta["content_withheld"], meta["title"], meta["link"], meta["date_gmt"],
            meta["categories"], meta["excerpt"]) == (True, True, f"Locked {TOKEN}", post["link"],
                                                     post["date_gmt"], [f"Vault {TOKEN}"], "")
    front = (first / "post.md").read_text(encoding="utf-8")
    assert "\nprotected: true\n" in front and "\ncontent_withheld: true\n" in front

    # The password given later: the content as a new version; never stored.
    unlocked = invoke("archive", "--archive", str(archive), "--post-password", secret, post["link"])
    assert (unlocked.exit_code, unlocked.stderr) == (0, ""), describe(unlocked)
    [second] = [v for v in snapshots(archive, wordpress, post["id"]) if v != first]
    assert unlocked.stdout == f"new {key}@{second.name}\n"
    assert (second / "post.txt").read_text(encoding="utf-8") == f"Locked {TOKEN}\n\nSecret words {TOKEN}.\n"
    assert not [p for p in archive.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]

    # Without it again: the content archived is kept, nothing written.
    before = tree_state(archive)
    later = invoke("archive", "--archive", str(archive), post["link"])
    assert (later.exit_code, later.stderr, later.stdout) == (
        0, note, f"protected {key}: archived with its content before; no password given this run\n")
    assert tree_state(archive) == before
    shown = invoke("log", "--archive", str(archive), key)
    assert [line.split("\t")[0] + " " + line.split("\t")[4] for line in shown.stdout.splitlines()] == \
        ["@2 text, excerpt", "@1 first capture"]  # WordPress withholds the excerpt too
    wordpress.delete_post(post["id"], force=True)
