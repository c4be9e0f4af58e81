"""search, log SITE, export (WARC replayed by pywb) and diff --html on an archive made from the real WordPress
of the tests (tests/wp/): a post is archived, edited on the site, and archived again through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from tests.outputs.browser import load
from tests.outputs.test_export import replay_with_pywb
from wparchive.archive.store import Archive, PostKey
from wparchive.cli import cli

TOKEN = uuid.uuid4().hex[:8]
BIN = Path(sys.executable).parent


def run(archive: Path, *args: str):
    return CliRunner().invoke(cli, [args[0], "--archive", str(archive), *args[1:]], prog_name="wparchive",
                              env={"WPARCHIVE_ARCHIVE": None})


@pytest.fixture(scope="module")
def edited(wordpress, tmp_path_factory):
    """A post archived, then edited on the site and archived again: (archive, ref, rest URL, post)."""
    archive = tmp_path_factory.mktemp("outputs") / "archive"
    post = wordpress.create_post(f"Harbour report {TOKEN}", f"<p>The lighthouse{TOKEN} stood over the bay.</p>",
                                 slug=f"harbour-{TOKEN}")
    rest = f"{wordpress.url}/wp-json/wp/v2/posts/{post['id']}"
    assert run(archive, "archive", rest).exit_code == 0
    # The edit in a later second than the save before it (WordPress's modified_gmt has seconds), and the
    # second capture too: versions one second apart are what a replay by timestamp can tell apart.
    time.sleep(1.1)
    wordpress.update_post(post["id"], title=f"Harbour report {TOKEN}, updated",
                          content=f"<p>The ferry{TOKEN} crossed the bay at dawn.</p>")
    assert run(archive, "archive", rest).exit_code == 0
    host = f"127.0.0.1_{urlsplit(wordpress.url).port}"
    return archive, f"{host}/posts/{post['id']}", rest, post


def versions(archive: Path, ref: str) -> list[Path]:
    """The post's snapshot folders in the archive's order (two captured in one second: by sequence)."""
    host, base, ident = ref.split("/")
    return [s.path for s in Archive(archive).versions(PostKey(host, base, int(ident)))]


def test_search_finds_what_the_site_said_then_and_now(edited):
    archive, ref, _, _ = edited
    v1, v2 = versions(archive, ref)
    result = run(archive, "search", f"ferry{TOKEN}")
    assert result.stdout.split("\t")[:3] == [f"{ref}@{v2.name}", json.loads((v2 / "snapshot.json").read_text())[
        "captured_at"], f"Harbour report {TOKEN}, updated"]
    assert result.stdout.split("\t")[3] == f"The **ferry{TOKEN}** crossed the bay at dawn.\n"
    assert run(archive, "search", f"lighthouse{TOKEN}").exit_code == 1
    old = run(archive, "search", f"lighthouse{TOKEN}", "--all-versions")
    assert old.stdout.split("\t")[0] == f"{ref}@{v1.name}"
    assert run(archive, "verify").stdout == "2 snapshots checked, 0 problems\n"


def test_log_site_lists_both_versions_with_labels(edited):
    archive, ref, _, _ = edited
    v1, v2 = versions(archive, ref)
    lines = run(archive, "log", ref.split("/")[0]).stdout.splitlines()
    assert [line.split("\t")[1:4] for line in lines] == [[f"{ref}@{v2.name}", "@2", "title, text, excerpt"],
                                                         [f"{ref}@{v1.name}", "@1", "first capture"]]


def test_warc_export_keeps_wordpress_headers_and_pywb_replays_it(edited, tmp_path):
    archive, ref, rest, _ = edited
    v1, v2 = versions(archive, ref)
    recorded = json.loads((v2 / "snapshot.json").read_text())["source"]["response_headers"]
    names = [name for name, _ in recorded]
    assert {"Content-Type", "Link", "Allow", "X-Content-Type-Options"} <= set(names)
    assert not {"Set-Cookie", "X-WP-Nonce"} & set(names)
    out = tmp_path / "site.warc.gz"
    result = run(archive, "export", "--site", ref.split("/")[0], "--format", "warc", "-o", str(out))
    assert result.exit_code == 0, result.output
    check = subprocess.run([str(BIN / "warcio"), "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with open(out, "rb") as f:
        responses = [(r.rec_headers["WARC-Target-URI"], r.http_headers.headers, r.content_stream().read())
                     for r in ArchiveIterator(f) if r.rec_type == "response"]
    api_url = json.loads((v2 / "snapshot.json").read_text())["source"]["api_url"]
    assert api_url.startswith(rest + "?")
    assert [uri for uri, _, _ in responses] == [api_url, api_url]
    assert responses[1][1] == [(k, v) for k, v in recorded if k.lower() not in ("content-length", "connection")] + [
        ("Content-Length", str(len((v2 / "response.json").read_bytes())))]
    stamp = v2.name[:8] + v2.name[9:15]
    replayed = replay_with_pywb(out, tmp_path / "pywb", api_url, stamp)
    assert replayed.status_code == 200
    assert replayed.content == (v2 / "response.json").read_bytes()
    assert json.loads(replayed.content)["title"]["rendered"] == f"Harbour report {TOKEN}, updated"


def test_html_diff_of_the_real_edit(edited, tmp_path):
    archive, ref, _, post = edited
    result = run(archive, "diff", ref, "--html")
    page = tmp_path / "change.html"
    page.write_text(result.stdout, encoding="utf-8")
    loaded = load(page, tmp_path / "chromium")
    assert loaded.requests == []
    assert f"<del>The lighthouse{TOKEN} stood over the bay.</del>" in loaded.dom
    assert f"<ins>The ferry{TOKEN} crossed the bay at dawn.</ins>" in loaded.dom
    assert f'<a href="{post["link"]}"' not in loaded.dom  # the source is the REST URL archived from
    assert loaded.dom.count(f'<a href="{edited[2]}" rel="noreferrer">') == 2


def test_a_whole_site_run_indexes_as_it_goes(edited, wordpress, tmp_path):
    _, ref, _, post = edited
    archive = tmp_path / "site-archive"
    result = run(archive, "archive", "--site", wordpress.url, "--all", "--quiet")
    # Other tests leave password-protected posts on the shared site: archived as what is public, not failed.
    failed = [line for line in result.output.splitlines() if line.startswith("failed ")]
    assert (result.exit_code, failed) == (0, []), result.output
    found = run(archive, "search", f"ferry{TOKEN}", "--json")
    assert [(hit["ref"], hit["title"]) for hit in json.loads(found.stdout)] == [
        (ref, f"Harbour report {TOKEN}, updated")]
    assert run(archive, "verify").stdout.endswith(" 0 problems\n")
