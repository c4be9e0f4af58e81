"""Output for people and for scripts (issue 17): `--json` on every command that prints data, each shape
parsed; `ls` as a table on a terminal, TSV into a pipe, CSV and JSON on request; `show` ending with a
newline and paged on a terminal only (in a real pseudo-terminal); `convert --jsonl`."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from wparchive.archive.store import Archive
from wparchive.cli import cli
from wparchive.cli import output as cli_output
from wparchive.model import Post, Source

REST = "https://example.com/wp-json/wp/v2/posts/3"


def wp_post(ident, title="T", body="<p>Body.</p>", slug="s"):
    return {"id": ident, "type": "post", "slug": slug, "link": f"https://example.com/{slug}/", "status": "publish",
            "title": {"rendered": title}, "content": {"rendered": body, "protected": False}}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("WPARCHIVE_ARCHIVE", "NO_COLOR", "PAGER", "LESS"):
        monkeypatch.delenv(name, raising=False)


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="wparchive", **kwargs)


def capture(root, obj, second, site="https://example.com"):
    return Archive(root).capture(Post.from_api(obj), Source("api", url=obj["link"], http_status=200),
                                 json.dumps(obj).encode(), site_url=site, rest_base="posts",
                                 captured_at=datetime(2024, 5, 1, 10, 0, second, tzinfo=timezone.utc)).snapshot


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "a"
    capture(root, wp_post(3), 0)
    capture(root, wp_post(3, title="T2"), 1)
    capture(root, wp_post(12, title="김민수의 첫 번째 글", slug="korean"), 2)
    return root


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(cli_output, "stdout_is_terminal", lambda: True)


# -- --json shapes ------------------------------------------------------------------------------------


def test_log_json(archive):
    result = run("log", "example.com/posts/3", "--json", "--archive", archive)
    assert result.exit_code == 0
    entries = json.loads(result.stdout)
    names = sorted(p.name for p in (archive / "example.com/posts/3").iterdir())
    assert [(e["ref"], e["version"], e["id"], e["captured_at"], e["source"], e["changed"]) for e in entries] == [
        ("example.com/posts/3", 2, names[1], "2024-05-01T10:00:01Z",
         {"kind": "api", "where": "https://example.com/s/"}, ["title", "text"]),
        ("example.com/posts/3", 1, names[0], "2024-05-01T10:00:00Z",
         {"kind": "api", "where": "https://example.com/s/"}, [])]
    assert all(len(e["content_hash"]) == 64 for e in entries)


def test_ls_json(archive):
    for argv in (["ls", "--json"], ["ls", "--format", "json"]):
        result = run(*argv, "--archive", archive)
        assert result.exit_code == 0
        assert json.loads(result.stdout) == [
            {"ref": "example.com/posts/3", "site": "example.com", "type": "posts", "id": 3, "slug": "s",
             "title": "T2", "versions": 2, "last_captured": "2024-05-01T10:00:01Z"},
            {"ref": "example.com/posts/12", "site": "example.com", "type": "posts", "id": 12, "slug": "korean",
             "title": "김민수의 첫 번째 글", "versions": 1, "last_captured": "2024-05-01T10:00:02Z"}]
    result = run("ls", "--json", "--format", "csv", "--archive", archive)
    assert (result.exit_code, result.stderr) == (
        2, "error: --json and --format csv disagree; give one (see 'wparchive ls --help')\n")


def test_verify_json(archive):
    result = run("verify", "--json", "--archive", archive)
    assert (result.exit_code, json.loads(result.stdout)) == (0, {"checked": 3, "media_files": 0, "ok": True, "problems": []})
    snapshot = sorted((archive / "example.com/posts/12").iterdir())[0]
    (snapshot / "post.md").unlink()
    result = run("verify", "--json", "--archive", archive)
    assert (result.exit_code, json.loads(result.stdout)) == (1, {"checked": 3, "media_files": 0, "ok": False, "problems": [
        {"kind": "missing", "path": f"example.com/posts/12/{snapshot.name}/post.md", "detail": "listed in snapshot.json but not on disk"}]})


def test_archive_json_for_single_targets(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(wp_post(3)))
    bad.write_text("not json at all")
    root = tmp_path / "a"
    result = run("archive", good, "--json", "--archive", root)
    assert (result.exit_code, result.stderr) == (0, "")
    snapshot = Archive(root).latest(next(Archive(root).posts()))
    assert json.loads(result.stdout) == {"results": [
        {"target": str(good), "status": "new", "ref": "example.com/posts/3", "version": 1, "id": snapshot.name,
         "rendering": False, "error": None}], "new": 1, "unchanged": 0, "skipped": 0, "refused": 0, "failed": 0}
    result = run("archive", good, bad, "--json", "--archive", root)
    assert result.exit_code == 4
    out = json.loads(result.stdout)
    assert (out["new"], out["unchanged"], out["failed"]) == (0, 1, 1)
    assert [(r["target"], r["status"], r["ref"]) for r in out["results"]] == [
        (str(good), "unchanged", "example.com/posts/3"), (str(bad), "failed", None)]
    assert out["results"][1]["error"].startswith(f"{bad}")


@responses.activate
def test_archive_json_for_a_url_that_fails(tmp_path):
    responses.get(REST, status=404, json={"code": "rest_post_invalid_id", "message": "Invalid post ID."})
    result = run("archive", REST, "--json", "--retries", "0", "--archive", tmp_path)
    assert result.exit_code == 3
    out = json.loads(result.stdout)
    assert out["failed"] == 1 and out["results"][0]["status"] == "failed"
    assert result.stderr == f"error: {out['results'][0]['error']}\n"


# -- ls for people and for pipes ------------------------------------------------------------------------


def test_ls_into_a_pipe_is_tsv_without_a_header(archive):
    result = run("ls", "--archive", archive)
    assert result.stdout == ("example.com\tposts\t3\ts\tT2\t2\t2024-05-01T10:00:01Z\n"
                             "example.com\tposts\t12\tkorean\t김민수의 첫 번째 글\t1\t2024-05-01T10:00:02Z\n")
    assert run("ls", "--format", "tsv", "--archive", archive).stdout == result.stdout


def test_ls_on_a_terminal_is_an_aligned_table_with_a_header(archive, terminal):
    result = run("ls", "--archive", archive)
    assert result.stdout == (
        "SITE         TYPE   ID  SLUG    TITLE                VERSIONS  LAST CAPTURED\n"
        "example.com  posts  3   s       T2                   2         2024-05-01T10:00:01Z\n"
        "example.com  posts  12  korean  김민수의 첫 번째 글  1         2024-05-01T10:00:02Z\n")
    assert run("ls", "--format", "tsv", "--archive", archive).stdout.startswith("example.com\tposts\t3\t")


def test_ls_csv(archive):
    result = run("ls", "--format", "csv", "--archive", archive)
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["SITE", "TYPE", "ID", "SLUG", "TITLE", "VERSIONS", "LAST CAPTURED"],
        ["example.com", "posts", "3", "s", "T2", "2", "2024-05-01T10:00:01Z"],
        ["example.com", "posts", "12", "korean", "김민수의 첫 번째 글", "1", "2024-05-01T10:00:02Z"]]


# -- show: a final newline, and a pager on a terminal only ---------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "meta"])
def test_show_ends_with_a_newline_in_every_format(archive, fmt):
    result = run("show", "example.com/posts/3", "--format", fmt, "--archive", archive)
    assert result.exit_code == 0 and result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")


def _in_a_terminal(argv, env, expect=0):
    """Run wparchive with stdin, stdout and stderr on a pseudo-terminal; everything it shows."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "wparchive", *argv], stdin=slave, stdout=slave,
                               stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            process.kill()
            raise AssertionError(f"no output within 30 s: {out!r}")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert process.wait(timeout=30) == expect, out
    return out.decode("utf-8").replace("\r\n", "\n")


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "LESS", "WPARCHIVE_ARCHIVE")}
    env.update({"TERM": "xterm", **extra})
    return env


def test_show_goes_through_the_pager_on_a_terminal(archive):
    out = _in_a_terminal(["show", "example.com/posts/3", "--archive", str(archive)],
                         _env(PAGER="sed s/^/PAGED:/"))
    assert out == "PAGED:T2\nPAGED:\nPAGED:Body.\n"


def test_no_pager_prints_straight_to_the_terminal(archive):
    out = _in_a_terminal(["show", "example.com/posts/3", "--no-pager", "--archive", str(archive)],
                         _env(PAGER="sed s/^/PAGED:/"))
    assert out == "T2\n\nBody.\n"


def test_less_gets_frx_unless_less_is_set(archive):
    pager = "sh -c 'echo LESS=$LESS; cat'"
    argv = ["show", "example.com/posts/3", "--archive", str(archive)]
    assert _in_a_terminal(argv, _env(PAGER=pager)) == "LESS=FRX\nT2\n\nBody.\n"
    assert _in_a_terminal(argv, _env(PAGER=pager, LESS="-R")) == "LESS=-R\nT2\n\nBody.\n"


@pytest.mark.skipif(shutil.which("less") is None and os.environ.get("CI") != "true",
                    reason="less is not installed (tests/wp/install-packages.sh installs it)")
def test_real_less_quits_on_a_short_text(archive):
    out = _in_a_terminal(["show", "example.com/posts/3", "--archive", str(archive)], _env(PATH=os.environ["PATH"]))
    assert "Body." in out


def test_a_pager_that_cannot_start_leaves_the_text_on_the_terminal(archive):
    out = _in_a_terminal(["show", "example.com/posts/3", "--archive", str(archive)],
                         _env(PAGER="/nonexistent/pager"))
    assert out == "T2\n\nBody.\n"


def test_ls_in_a_real_terminal_is_a_table(archive):
    out = _in_a_terminal(["ls", "--archive", str(archive)], _env())
    assert out.splitlines()[0] == "SITE         TYPE   ID  SLUG    TITLE                VERSIONS  LAST CAPTURED"


@pytest.mark.parametrize(("term", "coloured"), [("xterm", True), ("dumb", False)])
def test_diff_colour_in_a_real_terminal_unless_term_is_dumb(archive, term, coloured):
    out = _in_a_terminal(["diff", "example.com/posts/3", "--archive", str(archive)], _env(TERM=term), expect=1)
    assert ("\x1b[" in out) is coloured
    assert out.replace("\x1b[1m", "").replace("\x1b[31m", "").replace("\x1b[32m", "").replace(
        "\x1b[36m", "").replace("\x1b[m", "").startswith("--- example.com/posts/3@1")


def test_show_never_pages_into_a_pipe(archive):
    process = subprocess.run([sys.executable, "-m", "wparchive", "show", "example.com/posts/3", "--archive",
                              str(archive)], capture_output=True, env=_env(PAGER="sed s/^/PAGED:/"), timeout=60)
    assert (process.returncode, process.stdout, process.stderr) == (0, b"T2\n\nBody.\n", b"")


# -- convert: indented JSON, or JSON Lines -------------------------------------------------------------


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps([wp_post(3), wp_post(4, title="Four")]))
    return path


def test_convert_json_is_indented(page):
    result = run("convert", "--format", "json", page)
    assert result.stdout.startswith('[\n{\n  "id": 3,\n  "type": "post",\n')
    assert [p["id"] for p in json.loads(result.stdout)] == [3, 4]


def test_convert_jsonl_is_one_compact_object_a_line(page):
    result = run("convert", "--jsonl", page)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["title"] for line in lines] == ["T", "Four"]
    assert lines[0].startswith('{"id":3,"type":"post",') and ": " not in lines[0].split('"text"')[0]
    assert run("convert", "--jsonl", "--format", "json", page).stdout == result.stdout


def test_convert_jsonl_refuses_markdown_and_output_folders(page, tmp_path):
    result = run("convert", "--jsonl", "--format", "markdown", page)
    assert (result.exit_code, result.stderr) == (
        2, "error: --jsonl prints JSON; it does not go with --format markdown (see 'wparchive convert --help')\n")
    result = run("convert", "--jsonl", "-o", tmp_path / "out", page)
    assert result.exit_code == 2 and result.stderr.startswith("error: --jsonl prints to standard output")


def test_log_names_the_export_a_version_came_from(tmp_path):
    export = Path(__file__).resolve().parent.parent / "sources" / "wxr" / "awkward.xml"
    root = tmp_path / "a"
    assert run("archive", export, "-q", "--archive", root).exit_code == 0
    result = run("log", "blog.example.org/posts/10", "--archive", root)
    assert result.stdout.split("\t")[2] == f"wxr:{export}"
    entry = json.loads(run("log", "blog.example.org/posts/10", "--json", "--archive", root).stdout)[0]
    assert entry["source"] == {"kind": "wxr", "where": str(export)}


def test_archive_json_says_what_was_refused(tmp_path):
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([wp_post(3), {"id": 5, "taxonomy": "category", "name": "News", "slug": "news",
                                              "count": 1, "link": "https://example.com/category/news/"}]))
    result = run("archive", mixed, "--json", "--archive", tmp_path / "a")
    out = json.loads(result.stdout)
    assert result.exit_code == 4
    assert [(r["status"], r["ref"]) for r in out["results"]] == [("refused", None), ("new", "example.com/posts/3")]
    assert (out["new"], out["refused"], out["failed"]) == (1, 1, 0)
