"""`wparchive log SITE`: every version of every post of a site, newest first, as lines and as JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.outputs.conftest import capture, day, wp_post
from wparchive.cli import cli


def log(root, *args: str):
    return CliRunner().invoke(cli, ["log", "--archive", str(root), *args], prog_name="wparchive")


def test_site_timeline_newest_first_with_labels(built):
    capture(built.archive, wp_post(2, "About us", "<p>We write about treaties and talks.</p>", type_="page",
                                   status="private"), day(5), rest_base="pages")
    page_v2 = built.archive.versions(built.page_v1.key)[-1]
    result = log(built.root, "example.com")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"2024-05-05T10:00:00Z\texample.com/pages/2@{page_v2.name}\t@2\tstatus\tAbout us\n"
        f"2024-05-03T10:00:00Z\texample.com/posts/7@{built.post_v2.name}\t@2\ttitle, text\tTreaty talks resume\n"
        f"2024-05-02T10:00:00Z\texample.com/pages/2@{built.page_v1.name}\t@1\tfirst capture\tAbout us\n"
        f"2024-05-01T10:00:00Z\texample.com/posts/7@{built.post_v1.name}\t@1\tfirst capture\tTreaty talks\n")


@pytest.mark.parametrize("site", ["example.com", "https://example.com", "https://example.com/", "EXAMPLE.com/"])
def test_site_named_as_host_or_url(built, site):
    assert log(built.root, site).stdout.count("\n") == 3


@pytest.mark.parametrize(("options", "versions"), [
    (["--since", "2024-05-02"], ["posts/7@2", "pages/2@1"]),
    (["--until", "2024-05-02"], ["pages/2@1", "posts/7@1"]),
    (["--since", "2024-05-01T10:00:01Z", "--until", "2024-05-02T10:00:00Z"], ["pages/2@1"]),
])
def test_since_and_until(built, options, versions):
    lines = log(built.root, "example.com", *options).stdout.splitlines()
    assert [f"{f[1].split('/', 1)[1].split('@')[0]}{f[2]}" for f in (line.split("\t") for line in lines)] == versions


def test_json_is_an_array_with_one_version_per_line(built):
    result = log(built.root, "other.org", "--json")
    lines = result.stdout.splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 3)
    assert json.loads(result.stdout) == [{
        "ref": "other.org/posts/9", "version": 1, "id": built.other_v1.name, "captured_at": "2024-05-04T10:00:00Z",
        "title": "Other nuclear news", "source": {"kind": "api", "where": "https://other.org/?p=9"},
        "content_hash": json.loads((built.other_v1.path / "snapshot.json").read_text())["content_hash"],
        "changed": []}]
    assert json.loads(log(built.root, "example.com", "--json").stdout)[0]["changed"] == ["title", "text"]
    assert log(built.root, "other.org", "--json", "--since", "2030-01-01").stdout == "[]\n"


def test_a_post_ref_still_logs_one_post(built):
    lines = log(built.root, "example.com/posts/7").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["@2", "@1"]


def test_usage_errors(built):
    for args, message in [
        (["example.com", "-o", "x"], "-o/--output goes with --html"),
        (["example.com", "--json", "--html"], "choose one of --json and --html"),
        (["example.com/posts/7", "--since", "2024-01-01"],
         "--since, --until, --html and -o go with a SITE (a host such as example.com)"),
    ]:
        result = log(built.root, *args)
        assert (result.exit_code, result.stderr) == (2, f"error: {message} (see 'wparchive log --help')\n")
    result = log(built.root, "example.com", "--until", "soon")
    assert (result.exit_code, result.stderr) == (
        2, "error: --until soon is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n")
    result = log(built.root, "nowhere.net")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nowhere.net is not an archived post in ")
