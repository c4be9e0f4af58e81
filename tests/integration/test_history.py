"""Truthful, citable history (issue 8) against a real WordPress 6.1 (tests/wp/).

Stable version ids that survive revisions imported later; each revision imported once, at its real
time, keeping the post's author; no false versions between captures made with and without credentials
(private and password-protected posts); nothing but posts taken from saved `/wp/v2/*` answers; terms
beyond the 10 that `_embed` carries; a permalink WordPress redirects to another post.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import requests
from click.testing import CliRunner, Result

from wparchive.cli import cli

TOKEN = uuid.uuid4().hex[:8]
ID = re.compile(r"@(\d{8}T\d{6}Z-[0-9a-f]{12}(?:-\d+)?)")
HINT = ("expected a saved REST API post, array of posts or JSON Lines (as from /wp-json/wp/v2/posts)")


def invoke(*args: str, wordpress=None) -> Result:
    env = {"WPARCHIVE_APP_PASSWORD": wordpress.app_password if wordpress is not None else None,
           "WPARCHIVE_ARCHIVE": None, "WPARCHIVE_POST_PASSWORD": None}
    return CliRunner().invoke(cli, list(args), env=env)


def describe(result: Result) -> str:
    return f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def ref_of(wordpress, post_id: int) -> str:
    return f"127.0.0.1_{urlsplit(wordpress.url).port}/posts/{post_id}"


def archive(root: Path, wordpress, *targets: str, user: bool = False, extra: tuple[str, ...] = ()) -> Result:
    args = ["archive", "--archive", str(root), "--site", wordpress.url, *targets, *extra]
    if user:
        args += ["--user", wordpress.user]
    return invoke(*args, wordpress=wordpress if user else None)


def log(root: Path, ref: str) -> list[list[str]]:
    result = invoke("log", "--archive", str(root), ref)
    assert result.exit_code == 0, describe(result)
    return [line.split("\t") for line in result.stdout.splitlines()]


def show(root: Path, spec: str, fmt: str = "text") -> str:
    result = invoke("show", "--archive", str(root), spec, "--format", fmt)
    assert result.exit_code == 0, describe(result)
    return result.stdout


def folders(root: Path, ref: str) -> list[str]:
    return sorted(p.name for p in (root / ref).iterdir())


def next_second() -> None:
    time.sleep(1.02 - time.time() % 1)


def make_editor(wordpress) -> tuple[int, tuple[str, str]]:
    """A second user (an editor) with an application password of their own."""
    name = f"editor-{TOKEN}"
    user = wordpress.rest("POST", "/wp/v2/users", json={
        "username": name, "email": f"{name}@example.invalid", "password": uuid.uuid4().hex, "roles": ["editor"],
        "name": f"Editor {TOKEN}"})
    assert user.status_code == 201, user.text[:500]
    user_id = user.json()["id"]
    app = wordpress.rest("POST", f"/wp/v2/users/{user_id}/application-passwords", json={"name": "tests"})
    assert app.status_code == 201, app.text[:500]
    return user_id, (name, app.json()["password"])


# -- ids and revisions ---------------------------------------------------------------------------------


def test_revisions_imported_later_leave_ids_and_real_times_alone(wordpress, tmp_path):
    editor_id, editor_auth = make_editor(wordpress)
    post = wordpress.create_post(f"Cited {TOKEN}", "<p>As first published.</p>", slug=f"cited-{TOKEN}")
    ref = ref_of(wordpress, post["id"])
    root = tmp_path / "a"
    next_second()
    one = wordpress.update_post(post["id"], content="<p>The first edit.</p>")
    next_second()
    # The second edit is saved by another user: the revision's author is the editor, the post's is not.
    response = requests.post(f"{wordpress.api_url}/wp/v2/posts/{post['id']}", auth=editor_auth, timeout=30,
                             json={"content": "<p>The second edit, by the editor.</p>"})
    assert response.status_code == 200, response.text[:500]
    two = response.json()
    revisions = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}/revisions", params={"context": "edit"}).json()
    rev_ids = {r["modified_gmt"]: r["id"] for r in revisions}
    assert {r["author"] for r in revisions} == {post["author"], editor_id}

    # A journalist captures the post as it is now and cites it.
    first = archive(root, wordpress, str(post["id"]))
    assert first.exit_code == 0, describe(first)
    [cited] = ID.findall(first.stdout)
    assert first.stdout == f"new {ref}@{cited}\n"
    text = f"Cited {TOKEN}\n\nThe second edit, by the editor.\n"
    assert show(root, f"{ref}@{cited}") == text

    # Older history arrives: the first edit is imported before the capture, at its real time; the
    # second edit's revision holds what the capture holds, so it makes no version of its own.
    run = archive(root, wordpress, str(post["id"]), user=True, extra=("--revisions",))
    assert run.exit_code == 0, describe(run)
    assert run.stdout == f"unchanged {ref} (1 revision imported)\n"
    entries = log(root, ref)
    assert [(e[0], e[2], e[4]) for e in entries] == [
        ("@2", f"api:{post['link']}", "text, excerpt"), ("@1", f"revision:{post['link']}", "first capture")]
    assert entries[1][1] == one["modified_gmt"] + "Z"  # the revision's real time
    assert entries[0][3] == cited  # the capture is @2 now, and its id has not moved
    assert entries[1][3].startswith(one["modified_gmt"].replace("-", "").replace(":", "") + "Z-")
    assert show(root, f"{ref}@{cited}") == text
    assert show(root, f"{ref}@{cited[17:25]}") == text  # a prefix of the hash part
    assert show(root, f"{ref}@{cited[:20]}") == text  # a prefix of the id
    revision_meta = json.loads(show(root, f"{ref}@1", "meta"))
    assert (revision_meta["revision"], revision_meta["revised_by"], revision_meta["version_id"]) == (
        rev_ids[one["modified_gmt"]], post["author"], entries[1][3])
    assert revision_meta["with_credentials"] is True

    # Imported again (a single target, then a whole-site --full run): nothing new, nothing moved.
    before = folders(root, ref)
    again = archive(root, wordpress, str(post["id"]), user=True, extra=("--revisions",))
    assert (again.exit_code, again.stdout) == (0, f"unchanged {ref}\n"), describe(again)
    full = invoke("archive", "--archive", str(root), "--site", wordpress.url, "--all", "--full", "--revisions",
                  "--user", wordpress.user, "--json", wordpress=wordpress)
    assert full.exit_code in (0, 4), describe(full)
    assert f"{ref}" not in {f["post"] for f in json.loads(full.stdout)["failures"]}
    assert folders(root, ref) == before
    assert show(root, f"{ref}@{cited}") == text

    # Into a fresh archive, revisions only: the editor's revision keeps the post's author.
    fresh = tmp_path / "fresh"
    imported = archive(fresh, wordpress, str(post["id"]), user=True, extra=("--revisions",))
    assert imported.stdout == f"unchanged {ref} (2 revisions imported)\n", describe(imported)
    entries = log(fresh, ref)
    assert [e[1] for e in entries] == [two["modified_gmt"] + "Z", one["modified_gmt"] + "Z"]
    assert [e[4] for e in entries] == ["text, excerpt", "first capture"]  # no author change that never happened
    newest = json.loads(show(fresh, ref, "meta"))
    oldest = json.loads(show(fresh, f"{ref}@1", "meta"))
    assert (newest["author"], newest["revised_by"], oldest["revised_by"]) == (oldest["author"], editor_id,
                                                                               post["author"])
    ids_before = folders(fresh, ref)
    for _ in range(2):
        assert archive(fresh, wordpress, str(post["id"]), user=True, extra=("--revisions",)).stdout == \
            f"unchanged {ref}\n"
    assert folders(fresh, ref) == ids_before

    # diff --live when the latest version is a revision.
    live = invoke("diff", "--archive", str(fresh), ref, "--live", "--user", wordpress.user, wordpress=wordpress)
    assert (live.exit_code, live.stdout, live.stderr) == (0, "", ""), describe(live)


# -- no false versions ---------------------------------------------------------------------------------


def test_a_post_made_private_changes_status_only_with_or_without_credentials(wordpress, tmp_path):
    post = wordpress.create_post(f"Was public, is private now {TOKEN}", "<p>Words.</p>")
    ref = ref_of(wordpress, post["id"])
    root = tmp_path / "a"
    assert archive(root, wordpress, str(post["id"])).exit_code == 0
    wordpress.update_post(post["id"], status="private")
    # WordPress says "Private: ..." in title.rendered, never in title.raw.
    seen = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}").json()
    assert seen["title"]["rendered"] == f"Private: Was public, is private now {TOKEN}"
    result = archive(root, wordpress, str(post["id"]), user=True)
    assert result.exit_code == 0 and result.stdout.startswith(f"new {ref}@"), describe(result)
    assert show(root, ref).splitlines()[0] == f"Was public, is private now {TOKEN}"
    diff = invoke("diff", "--archive", str(root), ref, "--meta")
    assert diff.stdout.splitlines()[0] == 'status: "publish" -> "private"', describe(diff)
    assert "title" not in diff.stdout
    assert diff.stdout.splitlines()[-1].startswith("note: A was captured without credentials and B with them")
    again = archive(root, wordpress, str(post["id"]), user=True)
    assert (again.exit_code, again.stdout) == (0, f"unchanged {ref}\n"), describe(again)
    assert [e[4] for e in log(root, ref)][0].startswith("status")


def test_a_protected_post_with_and_without_credentials_is_one_version(wordpress, tmp_path):
    post = wordpress.create_post(f"Guarded {TOKEN}", "<p>Behind a password.</p>", password="s3cret")
    ref = ref_of(wordpress, post["id"])
    root = tmp_path / "a"
    anonymous = archive(root, wordpress, str(post["id"]), extra=("--post-password", "s3cret"))
    assert anonymous.exit_code == 0, describe(anonymous)
    # The REST API leaves "Protected: " out of title.rendered (its own protected_title_format filter).
    seen = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}", auth=False, params={"password": "s3cret"}).json()
    assert seen["title"]["rendered"] == f"Guarded {TOKEN}"
    assert show(root, ref) == f"Guarded {TOKEN}\n\nBehind a password.\n"
    for user in (True, False, True):
        result = archive(root, wordpress, str(post["id"]), user=user, extra=("--post-password", "s3cret"))
        assert (result.exit_code, result.stdout) == (0, f"unchanged {ref}\n"), describe(result)
    assert len(folders(root, ref)) == 1


# -- only posts ----------------------------------------------------------------------------------------


def _saved_answers(wordpress, tmp_path) -> dict[str, tuple[Path, str]]:
    """Every non-post /wp/v2/* answer of the real site, saved to a file, with what `archive` must say."""
    post = wordpress.create_post(f"Commented {TOKEN}", "<p>Text.</p>", categories=[f"Cat {TOKEN}"],
                                 tags=[f"tag-{TOKEN}"])
    comment = wordpress.rest("POST", "/wp/v2/comments", json={"post": post["id"], "content": "A comment."})
    assert comment.status_code == 201, comment.text[:300]
    media = wordpress.rest("POST", "/wp/v2/media", data=b"plain text file",
                           headers={"Content-Type": "text/plain",
                                    "Content-Disposition": f'attachment; filename="note-{TOKEN}.txt"'})
    assert media.status_code == 201, media.text[:300]
    answers = {
        "categories": ("/wp/v2/categories", {}, True, "is a /wp/v2/categories listing (terms), not posts"),
        "tags": ("/wp/v2/tags", {}, True, "is a /wp/v2/tags listing (terms), not posts"),
        "category": (f"/wp/v2/categories/{post['categories'][0]}", {}, True,
                     "is a /wp/v2/categories item (a term), not a post"),
        "users": ("/wp/v2/users", {}, False, "is a /wp/v2/users listing (users), not posts"),
        "comments": ("/wp/v2/comments", {"post": post["id"]}, False,
                     "is a /wp/v2/comments listing (comments), not posts"),
        "media": ("/wp/v2/media", {}, False, "is a /wp/v2/media listing (media items), not posts"),
        "types": ("/wp/v2/types", {}, False, "is a /wp/v2/types listing (post types), not posts"),
        "type": ("/wp/v2/types/post", {}, False, "is a /wp/v2/types item (a post type), not a post"),
        "statuses": ("/wp/v2/statuses", {}, False, "is a /wp/v2/statuses listing (post statuses), not posts"),
        "taxonomies": ("/wp/v2/taxonomies", {}, False,
                       "is a /wp/v2/taxonomies listing (taxonomies), not posts"),
        "settings": ("/wp/v2/settings", {}, True, "is a /wp/v2/settings object (site settings), not a post"),
        "oembed": ("/oembed/1.0/embed", {"url": post["link"]}, False,
                   "is an oEmbed response (/oembed/1.0/embed), not a post"),
        "error": ("/wp/v2/posts/999999999", {}, False,
                  "is a WordPress error response (HTTP 404): rest_post_invalid_id: Invalid post ID."),
    }
    saved = {}
    for name, (route, params, auth, said) in answers.items():
        response = wordpress.rest("GET", route, params=params, auth=auth or name == "settings")
        path = tmp_path / f"{name}.json"
        path.write_bytes(response.content)
        saved[name] = (path, said)
    return saved


def test_non_post_answers_are_refused_by_archive_and_convert(wordpress, tmp_path):
    root = tmp_path / "archive"
    for name, (path, said) in _saved_answers(wordpress, tmp_path).items():
        for command in (["archive", "--archive", str(root), str(path)], ["convert", str(path)]):
            result = invoke(*command)
            assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {path} {said}; {HINT}\n"), \
                (name, describe(result))
    assert not root.exists() or not any(p.is_dir() for p in root.iterdir())


def test_a_file_mixing_a_post_and_a_term_takes_the_post_and_exits_4(wordpress, tmp_path):
    post = wordpress.create_post(f"Mixed {TOKEN}", "<p>Mixed words.</p>", categories=[f"Mix {TOKEN}"])
    term = wordpress.rest("GET", f"/wp/v2/categories/{post['categories'][0]}").text
    page = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}").text
    mixed = tmp_path / "mixed.json"
    mixed.write_text(f"[{page},{term}]", encoding="utf-8")
    root = tmp_path / "archive"
    refused = f"{mixed}: item 1 is a /wp/v2/categories item (a term), not a post; nothing was taken from it"
    result = invoke("archive", "--archive", str(root), str(mixed))
    assert result.exit_code == 4, describe(result)
    host = urlsplit(post["link"]).netloc.replace(":", "_")
    [new] = [line for line in result.stdout.splitlines() if line.startswith("new ")]
    assert new.startswith(f"new {host}/posts/{post['id']}@")
    assert f"refused {refused}" in result.stdout.splitlines()
    converted = invoke("convert", str(mixed))
    assert (converted.exit_code, converted.stdout, converted.stderr) == (
        4, f"Mixed {TOKEN}\n\nMixed words.\n", f"error: {refused}\n")


# -- metadata ------------------------------------------------------------------------------------------


def test_terms_beyond_the_embedded_ten_are_named_sorted_and_decoded(wordpress, tmp_path):
    tags = [f"t{n:02d}-{TOKEN}" for n in range(12)]
    post = wordpress.create_post(f"Tagged {TOKEN}", "<p>Many tags.</p>", tags=tags,
                                 categories=[f"News & Views {TOKEN}", f"Alpha {TOKEN}"])
    embedded = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}", params={"_embed": "wp:term"}).json()
    assert len(embedded["_embedded"]["wp:term"][1]) == 10  # WordPress embeds at most 10
    assert f"News &amp; Views {TOKEN}" in [t["name"] for t in embedded["_embedded"]["wp:term"][0]]
    root = tmp_path / "a"
    assert archive(root, wordpress, str(post["id"])).exit_code == 0
    meta = json.loads(show(root, ref_of(wordpress, post["id"]), "meta"))
    assert meta["tags"] == sorted(tags)
    assert meta["categories"] == [f"Alpha {TOKEN}", f"News & Views {TOKEN}"]


def test_a_permalink_redirected_to_another_post_is_archived_with_a_warning(wordpress, tmp_path):
    post = wordpress.create_post(f"Guessed {TOKEN}", "<p>The post WordPress guesses.</p>",
                                 slug=f"guessed-{TOKEN}-post")
    asked = f"{wordpress.url}/guessed-{TOKEN}/"
    response = requests.get(asked, allow_redirects=False, timeout=30)
    assert (response.status_code, response.headers["Location"]) == (301, post["link"])
    root = tmp_path / "a"
    result = invoke("archive", "--archive", str(root), asked)
    assert result.exit_code == 0, describe(result)
    assert result.stderr == (f"warning: {asked} was redirected to {post['link']}, a different page; archived "
                             f"what is there, recorded as {post['link']}\n")
    meta = json.loads(show(root, ref_of(wordpress, post["id"]), "meta"))
    assert meta["source"]["url"] == post["link"]
