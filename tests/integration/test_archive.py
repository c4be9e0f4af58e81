"""`wparchive archive`, `log`, `show`, `verify` and `ls` against a real WordPress 6.1 (tests/wp/).

Every test archives into its own tmp_path folder through the CLI, and creates its own content on the
shared site with a per-run token in titles and slugs, so it never depends on what other tests made.
The expected texts are what this WordPress really sends: wptexturize turns straight quotes into curly
ones, `--` into an em dash and `...` into an ellipsis, in both `content.rendered` and `title.rendered`.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from click.testing import CliRunner, Result

from wparchive.cli import cli

TOKEN = uuid.uuid4().hex[:8]
SNAPSHOT_NAME = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{12}$")
CAPTURED_AT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"

# Gutenberg markup as the block editor saves it: heading, paragraph with entities, straight quotes,
# an em dash (" -- "), an ellipsis and non-breaking spaces, a nested ordered list, a quote, an image
# with alt text and caption, and a code block whose whitespace must survive.
RICH_CONTENT = """<!-- wp:heading -->
<h2>Section "one" &amp; more</h2>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>It's a "quoted" word, fish &amp; chips -- costs&nbsp;10&nbsp;€... see <a href="https://example.invalid/x">a link</a>.</p>
<!-- /wp:paragraph -->

<!-- wp:list {"ordered":true} -->
<ol><li>Step one<ul><li>sub a</li><li>sub b</li></ul></li><li>Step two</li></ol>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Quoted text here.</p></blockquote>
<!-- /wp:quote -->

<!-- wp:image -->
<figure class="wp-block-image"><img src="https://example.invalid/dog.png" alt="Dog &amp; ball"/><figcaption>A caption</figcaption></figure>
<!-- /wp:image -->

<!-- wp:code -->
<pre class="wp-block-code"><code>if (a &lt; b) {
    return "x";
}</code></pre>
<!-- /wp:code -->
"""

RICH_BODY = """Section “one” & more

It’s a “quoted” word, fish & chips — costs 10 €… see a link.

1. Step one
  - sub a
  - sub b
2. Step two

> Quoted text here.

[image: Dog & ball]

A caption

if (a < b) {
    return "x";
}
"""

RICH_TITLE = f"Don't \"panic\" & relax {TOKEN}"
RICH_TITLE_TEXT = f"Don’t “panic” & relax {TOKEN}"


# -- helpers ---------------------------------------------------------------------------------------


def host_of(wordpress) -> str:
    return f"127.0.0.1_{urlsplit(wordpress.url).port}"


def ids(stdout: str) -> str:
    """Output with each stable version id (a folder name such as 20261202T004817Z-ce786e1c1d96) as ID."""
    return re.sub(r"@\d{8}T\d{6}Z-[0-9a-f]{12}(?:-\d+)?", "@ID", stdout)


def run(archive: Path, *args: str, wordpress=None) -> Result:
    """Invoke the CLI. With `wordpress`, archive with its user and application password."""
    env = {"WPARCHIVE_APP_PASSWORD": None, "WPARCHIVE_POST_PASSWORD": None, "WPARCHIVE_ARCHIVE": None}
    argv = list(args)
    if wordpress is not None:
        env["WPARCHIVE_APP_PASSWORD"] = wordpress.app_password
        argv += ["--user", wordpress.user]
    if argv and argv[0] in ("archive", "log", "show", "ls", "verify"):
        argv[1:1] = ["--archive", str(archive)]
    return CliRunner().invoke(cli, argv, env=env)


def archive_cmd(archive: Path, *targets: str, wordpress=None) -> Result:
    return run(archive, "archive", *targets, wordpress=wordpress)


def snapshots(archive: Path, ref: str) -> list[Path]:
    """Snapshot folders of HOST/TYPE/ID, oldest first; fails on anything else in the post folder."""
    post_dir = archive / ref
    if not post_dir.is_dir():
        return []
    children = sorted(post_dir.iterdir())
    assert all(SNAPSHOT_NAME.match(c.name) and c.is_dir() for c in children), children
    return children


def only_snapshot(archive: Path, ref: str) -> Path:
    found = snapshots(archive, ref)
    assert len(found) == 1, found
    assert sorted(p.name for p in found[0].iterdir()) == ["post.md", "post.txt", "response.json", "snapshot.json"]
    return found[0]


def all_bytes(archive: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(archive.rglob("*")) if p.is_file()]


def assert_secret_absent(archive: Path, secret: str) -> None:
    files = all_bytes(archive)
    assert files, "nothing was archived"
    encodings = {secret.encode(), json.dumps(secret)[1:-1].encode(), quote(secret).encode()}
    leaks = [str(p) for p, data in files for enc in encodings if enc in data]
    assert leaks == [], f"secret stored in {leaks}"


def assert_one_error_line(result: Result, *needles: str) -> str:
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


# -- content shared by the target-form tests -------------------------------------------------------


@pytest.fixture(scope="module")
def rich(wordpress):
    """A post and a child page (under a parent page) holding RICH_CONTENT."""
    post = wordpress.create_post(RICH_TITLE, RICH_CONTENT, slug=f"rich-{TOKEN}")
    parent = wordpress.create_page(f"Parent {TOKEN}", "<p>parent page</p>", slug=f"parent-{TOKEN}")
    child = wordpress.create_page(f"Child \"page\" {TOKEN}", RICH_CONTENT, parent=parent["id"],
                                  slug=f"child-{TOKEN}")
    return {"post": post, "parent": parent, "child": child}


def test_wordpress_texturizes_as_expected(wordpress, rich):
    """What the expected texts below rest on: WordPress's own rendering of the content and title."""
    post = rich["post"]
    assert post["title"]["rendered"] == f"Don&#8217;t &#8220;panic&#8221; &#038; relax {TOKEN}"
    rendered = post["content"]["rendered"]
    assert "<!-- wp:" not in rendered
    assert "It&#8217;s a &#8220;quoted&#8221; word, fish &amp; chips &#8212; costs&nbsp;10&nbsp;€&#8230;" in rendered
    assert "<h2>Section &#8220;one&#8221; &amp; more</h2>" in rendered
    assert 'return "x";' in rendered  # no texturizing inside <code>
    assert post["link"] == f"{wordpress.url}/{post['date'][:4]}/{post['date'][5:7]}/rich-{TOKEN}/"
    assert rich["child"]["link"] == f"{wordpress.url}/parent-{TOKEN}/child-{TOKEN}/"


TARGET_FORMS = {
    "permalink": lambda wp, r: [r["post"]["link"]],
    "p-query": lambda wp, r: [f"{wp.url}/?p={r['post']['id']}"],
    "rest-url": lambda wp, r: [f"{wp.url}/wp-json/wp/v2/posts/{r['post']['id']}"],
    "rest-route": lambda wp, r: [f"{wp.url}/?rest_route=/wp/v2/posts/{r['post']['id']}"],
    "site-id": lambda wp, r: ["--site", wp.url, str(r["post"]["id"])],
    "site-slug": lambda wp, r: ["--site", wp.url, f"rich-{TOKEN}"],
    "page-id-query": lambda wp, r: [f"{wp.url}/?page_id={r['child']['id']}"],
    "nested-page-path": lambda wp, r: [r["child"]["link"]],
    "page-rest-url": lambda wp, r: [f"{wp.url}/wp-json/wp/v2/pages/{r['child']['id']}"],
}


@pytest.mark.parametrize("form", list(TARGET_FORMS))
def test_archive_target_forms(wordpress, rich, tmp_path, form):
    target = TARGET_FORMS[form](wordpress, rich)
    is_page = form.startswith(("page", "nested"))
    item = rich["child"] if is_page else rich["post"]
    ref = f"{host_of(wordpress)}/{'pages' if is_page else 'posts'}/{item['id']}"
    title = f"Child “page” {TOKEN}" if is_page else RICH_TITLE_TEXT

    result = archive_cmd(tmp_path, *target)

    assert (result.exit_code, ids(result.stdout), result.stderr) == (0, f"new {ref}@ID\n", "")
    snap = only_snapshot(tmp_path, ref)
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"{title}\n\n{RICH_BODY}"
    meta = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))
    assert meta["id"] == item["id"]
    assert meta["type"] == ("page" if is_page else "post")
    assert meta["slug"] == item["slug"]
    assert meta["link"] == item["link"]
    assert meta["status"] == "publish"
    assert meta["title"] == title
    assert meta["source"]["kind"] == "api"
    assert meta["source"]["http_status"] == 200
    # WordPress sends neither header on REST responses (real-wordpress.md).
    assert meta["source"]["etag"] is None and meta["source"]["last_modified"] is None
    assert snap.name.endswith("-" + meta["content_hash"][:12])
    # response.json is the post object as received: anonymous, so view context (no raw content).
    response = json.loads((snap / "response.json").read_bytes())
    assert response["id"] == item["id"]
    assert "raw" not in response["content"]
    # The same post by any other form is the same archived post, unchanged.
    again = archive_cmd(tmp_path, item["link"])
    assert (again.exit_code, again.stdout) == (0, f"unchanged {ref}\n")


def test_classic_content_is_autop_ed(wordpress, tmp_path):
    """Content without block markup goes through wpautop: `<br />` and `<p>` come from WordPress."""
    post = wordpress.create_post(f"Classic {TOKEN}", 'Line one\nline two\n\nPara "two" -- here',
                                 slug=f"classic-{TOKEN}")
    assert post["content"]["rendered"] == "<p>Line one<br />\nline two</p>\n<p>Para &#8220;two&#8221; &#8212; here</p>\n"
    ref = f"{host_of(wordpress)}/posts/{post['id']}"

    result = archive_cmd(tmp_path, post["link"])

    assert (result.exit_code, ids(result.stdout)) == (0, f"new {ref}@ID\n")
    text = (only_snapshot(tmp_path, ref) / "post.txt").read_text(encoding="utf-8")
    assert text == f"Classic {TOKEN}\n\nLine one\nline two\n\nPara “two” — here\n"


def test_non_latin_slug(wordpress, tmp_path):
    title = f"Привет мир {TOKEN}"
    post = wordpress.create_post(title, "<p>Текст по-русски.</p>")
    expected_slug = quote(f"привет-мир-{TOKEN}").lower()
    assert post["slug"] == expected_slug  # percent-encoded, lower-case hex
    assert post["link"].endswith(f"/{expected_slug}/")
    ref = f"{host_of(wordpress)}/posts/{post['id']}"

    result = archive_cmd(tmp_path, post["link"])

    assert (result.exit_code, ids(result.stdout), result.stderr) == (0, f"new {ref}@ID\n", "")
    snap = only_snapshot(tmp_path, ref)
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"{title}\n\nТекст по-русски.\n"
    meta = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))
    assert (meta["slug"], meta["title"]) == (expected_slug, title)
    # The decoded URL a browser shows, the decoded slug, and upper-case escapes all name the same post.
    for target in ([unquote(post["link"])], ["--site", wordpress.url, f"привет-мир-{TOKEN}"],
                   ["--site", wordpress.url, expected_slug.upper()]):
        again = archive_cmd(tmp_path, *target)
        assert (again.exit_code, again.stdout, again.stderr) == (0, f"unchanged {ref}\n", ""), target
    assert len(snapshots(tmp_path, ref)) == 1


def test_unchanged_then_edited(wordpress, tmp_path):
    post = wordpress.create_post(f"Edited {TOKEN}", "<p>The old words.</p>", slug=f"edited-{TOKEN}")
    ref = f"{host_of(wordpress)}/posts/{post['id']}"
    old_text = f"Edited {TOKEN}\n\nThe old words.\n"
    new_text = f"Edited {TOKEN}\n\nThe new words.\n"

    first = archive_cmd(tmp_path, post["link"])
    assert (first.exit_code, ids(first.stdout)) == (0, f"new {ref}@ID\n")
    again = archive_cmd(tmp_path, post["link"])
    assert (again.exit_code, again.stdout, again.stderr) == (0, f"unchanged {ref}\n", "")
    [v1] = snapshots(tmp_path, ref)

    # An edit in the very second of the previous save keeps modified_gmt, and without credentials (no
    # content.raw) nothing tells it from a rendering change: WordPress counts time in whole seconds.
    time.sleep(1.02 - time.time() % 1)
    wordpress.update_post(post["id"], content="<p>The new words.</p>")
    second = archive_cmd(tmp_path, post["link"])
    assert (second.exit_code, ids(second.stdout), second.stderr) == (0, f"new {ref}@ID\n", "")
    found = snapshots(tmp_path, ref)
    assert len(found) == 2 and found[0] == v1
    v2 = found[1]
    assert (v1 / "post.txt").read_text(encoding="utf-8") == old_text
    assert (v2 / "post.txt").read_text(encoding="utf-8") == new_text

    # log: newest first; WordPress's auto-excerpt follows the content, so it changed too.
    for log_ref in (ref, post["link"]):
        log = run(tmp_path, "log", log_ref)
        assert log.exit_code == 0 and log.stderr == ""
        lines = log.stdout.splitlines()
        assert len(lines) == 2
        src = re.escape(f"api:{post['link']}")
        assert re.fullmatch(rf"@2\t{CAPTURED_AT}\t{src}\t{v2.name}\ttext, excerpt", lines[0]), lines[0]
        assert re.fullmatch(rf"@1\t{CAPTURED_AT}\t{src}\t{v1.name}\tfirst capture", lines[1]), lines[1]

    shown = run(tmp_path, "show", f"{ref}@1")
    assert (shown.exit_code, shown.stdout) == (0, old_text)
    latest = run(tmp_path, "show", f"{post['link']}@latest")
    assert (latest.exit_code, latest.stdout) == (0, new_text)
    previous = run(tmp_path, "show", f"{ref}@-1")
    assert (previous.exit_code, previous.stdout) == (0, old_text)

    verify = run(tmp_path, "verify")
    assert (verify.exit_code, verify.stdout, verify.stderr) == (0, "2 snapshots checked, 0 problems\n", "")


def test_draft_needs_credentials(wordpress, tmp_path):
    draft = wordpress.create_post(f"Draft {TOKEN}", "<p>Not yet published.</p>", status="draft")
    ref = f"{host_of(wordpress)}/posts/{draft['id']}"

    anonymous = archive_cmd(tmp_path, "--site", wordpress.url, str(draft["id"]))
    assert anonymous.exit_code == 3
    assert_one_error_line(anonymous, "--user", "401")
    assert snapshots(tmp_path, ref) == []

    authed = archive_cmd(tmp_path, "--site", wordpress.url, str(draft["id"]), wordpress=wordpress)
    assert (authed.exit_code, ids(authed.stdout), authed.stderr) == (0, f"new {ref}@ID\n", "")
    snap = only_snapshot(tmp_path, ref)
    meta = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))
    assert meta["status"] == "draft"
    assert meta["slug"] == ""  # WordPress gives a draft no slug until it is published
    assert meta["link"] == f"{wordpress.url}/?p={draft['id']}"
    assert "context=edit" in meta["source"]["api_url"]
    raw = (snap / "response.json").read_bytes()
    assert b'"raw"' in raw
    assert json.loads(raw)["content"]["raw"] == "<p>Not yet published.</p>"
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"Draft {TOKEN}\n\nNot yet published.\n"

    # The draft's own link (?p=ID, which the front end 404s) works too with credentials.
    by_link = archive_cmd(tmp_path, draft["link"], wordpress=wordpress)
    assert (by_link.exit_code, by_link.stdout) == (0, f"unchanged {ref}\n")

    assert_secret_absent(tmp_path, wordpress.app_password)
    basic = base64.b64encode(f"{wordpress.user}:{wordpress.app_password}".encode()).decode()
    assert_secret_absent(tmp_path, basic)


def test_password_protected_post(wordpress, tmp_path):
    secret = f"pw-{TOKEN}-s3cret"
    post = wordpress.create_post(f"Protected {TOKEN}", "<p>Only with the password.</p>", password=secret,
                                 slug=f"protected-{TOKEN}")
    ref = f"{host_of(wordpress)}/posts/{post['id']}"
    anonymous_view = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}", auth=False).json()
    assert anonymous_view["content"] == {"rendered": "", "protected": True}

    # Without the password: what WordPress shows of it (tests/integration/test_events.py has the details).
    without = archive_cmd(tmp_path, post["link"])
    assert (without.exit_code, ids(without.stdout)) == (0, f"protected {ref}@ID (content withheld: no password)\n")
    assert without.stderr.startswith(f"warning: posts/{post['id']} is password-protected: ")
    withheld = only_snapshot(tmp_path, ref)

    wrong = archive_cmd(tmp_path, "--site", wordpress.url, str(post["id"]), "--post-password", "not-it")
    assert wrong.exit_code == 3
    assert_one_error_line(wrong, "--post-password", "403")
    assert snapshots(tmp_path, ref) == [withheld]

    given = archive_cmd(tmp_path, post["link"], "--post-password", secret)
    assert (given.exit_code, ids(given.stdout), given.stderr) == (0, f"new {ref}@ID\n", "")
    [snap] = [v for v in snapshots(tmp_path, ref) if v != withheld]
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"Protected {TOKEN}\n\nOnly with the password.\n"
    meta = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))
    assert meta["protected"] is True
    assert_secret_absent(tmp_path, secret)


def test_password_protected_post_with_credentials_stores_no_password(wordpress, tmp_path):
    secret = f"pw-{TOKEN}-editor"
    post = wordpress.create_post(f"Protected edit {TOKEN}", "<p>Editors see this.</p>", password=secret,
                                 slug=f"protected-edit-{TOKEN}")
    ref = f"{host_of(wordpress)}/posts/{post['id']}"

    result = archive_cmd(tmp_path, post["link"], wordpress=wordpress)

    # An editor may read protected content without --post-password.
    assert (result.exit_code, ids(result.stdout)) == (0, f"new {ref}@ID\n")
    snap = only_snapshot(tmp_path, ref)
    assert (snap / "post.txt").read_text(encoding="utf-8") == f"Protected edit {TOKEN}\n\nEditors see this.\n"
    assert_secret_absent(tmp_path, secret)
    # The one change made to the response as received is recorded.
    source = json.loads((snap / "snapshot.json").read_text(encoding="utf-8"))["source"]
    assert source["redacted"] == ["password"]
    assert b'"password":""' in (snap / "response.json").read_bytes()


def test_ls(wordpress, rich, tmp_path):
    host = host_of(wordpress)
    draft = wordpress.create_post(f"Listed draft {TOKEN}", "<p>d</p>", status="draft")
    post, child = rich["post"], rich["child"]
    result = archive_cmd(tmp_path, post["link"], child["link"], "--site", wordpress.url, str(draft["id"]),
                         wordpress=wordpress)
    assert result.exit_code == 0, result.stderr
    assert ids(result.stdout) == (f"new {host}/posts/{post['id']}@ID\nnew {host}/pages/{child['id']}@ID\n"
                                  f"new {host}/posts/{draft['id']}@ID\n")
    wordpress.update_post(draft["id"], content="<p>d2</p>")
    assert ids(archive_cmd(tmp_path, "--site", wordpress.url, str(draft["id"]), wordpress=wordpress).stdout) == \
        f"new {host}/posts/{draft['id']}@ID\n"

    def captured(ref: str) -> str:
        latest = snapshots(tmp_path, ref)[-1]
        return json.loads((latest / "snapshot.json").read_text(encoding="utf-8"))["captured_at"]

    listed = run(tmp_path, "ls")
    assert listed.exit_code == 0 and listed.stderr == ""
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    # Path order: type folder, then numeric ID.
    posts_sorted = sorted([(post["id"], f"rich-{TOKEN}", RICH_TITLE_TEXT, "1"),
                           (draft["id"], "", f"Listed draft {TOKEN}", "2")])
    expected = [[host, "pages", str(child["id"]), f"child-{TOKEN}", f"Child “page” {TOKEN}", "1",
                 captured(f"{host}/pages/{child['id']}")]]
    expected += [[host, "posts", str(i), slug, title, n, captured(f"{host}/posts/{i}")]
                 for i, slug, title, n in posts_sorted]
    assert rows == expected
    assert all(re.fullmatch(CAPTURED_AT, row[6]) for row in rows)
