"""Bad input and damaged archives give one `error:` line and the design's exit code, never a traceback,
and no secret reaches the output. (Found by a second reader; each case failed before its fix.)"""

import json
import logging
import os

import pytest
import requests
import responses
from click.testing import CliRunner

from wparchive.archive.store import Archive
from wparchive.cli import cli
from wparchive.model import Post, Source

REST = "https://example.com/wp-json/wp/v2/posts/3"
POST = {"id": 3, "type": "post", "slug": "s", "link": "https://example.com/s/", "title": {"rendered": "T"},
        "content": {"rendered": "<p>Body.</p>"}}


def run(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def one_error(result, code):
    assert result.exit_code == code, result.output
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: "), result.stderr
    return result.stderr


@responses.activate
def test_post_password_never_in_an_error_line(tmp_path):
    message = (f"HTTPSConnectionPool(host='example.com', port=443): Max retries exceeded with url: "
               f"{REST}?_embed=author%2Cwp%3Aterm&password=s3cretPW (Caused by ProtocolError('Connection "
               "aborted.', RemoteDisconnected('Remote end closed connection without response')))")
    responses.get(REST, body=requests.exceptions.ConnectionError(message))
    result = run("archive", "--archive", str(tmp_path), REST, "--post-password", "s3cretPW", "--retries", "0")
    err = one_error(result, 3)
    assert "s3cretPW" not in result.output
    assert err == ("error: cannot connect to example.com: the server closed the connection without answering; "
                   "check the URL and the network\n")


def test_urllib3_retry_log_is_redacted(caplog):
    from wparchive.sources.rest import REDACT

    record = logging.LogRecord("urllib3.util.retry", logging.DEBUG, __file__, 1,
                               "Incremented Retry for (url='%s')", ("/x?password=s3cretPW&a=1",), None)
    assert REDACT.filter(record) and record.getMessage() == "Incremented Retry for (url='/x?password=***&a=1')"
    assert REDACT in logging.getLogger("urllib3.util.retry").filters


@pytest.mark.parametrize("obj", [{"id": "²", "title": "x"}, {"id": 1, "title": "x", "categories": ["²"]},
                                 {"id": 1, "title": "x", "n": int("1" * 4000) * 10**800}])
def test_odd_numbers_do_not_crash_convert(tmp_path, obj):
    path = tmp_path / "odd.json"
    text = json.dumps(obj) if "n" not in obj else '{"id": 1, "title": "x", "n": ' + "1" * 5000 + "}"
    path.write_text(text)
    result = run("convert", str(path))
    # An odd number is kept as it came (or left out), never a crash: the title is still converted.
    assert (result.exit_code, result.stdout, result.stderr) == (0, "x\n", "")


def test_one_bad_file_does_not_stop_a_batch(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(POST))
    (tmp_path / "b.json").write_text("null")
    result = run("convert", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert result.exit_code == 4 and result.stdout == "T\n\nBody.\n"


@pytest.fixture
def archived(tmp_path):
    archive = Archive(tmp_path / "a")
    snap = archive.capture(Post.from_api(POST), Source("api", url=POST["link"]), json.dumps(POST).encode()).snapshot
    return archive, snap


def test_damaged_snapshot_json(archived):
    archive, snap = archived
    (snap.path / "snapshot.json").write_text("[1, 2]")
    assert one_error(run("log", "--archive", str(archive.root), "example.com/posts/3"), 2).endswith(
        "snapshot.json is not an object; run 'wparchive verify'\n")
    listed = run("ls", "--archive", str(archive.root))  # one damaged post does not hide the others
    assert listed.exit_code == 0 and "(snapshot.json unreadable: run wparchive verify)" in listed.stdout
    # A new capture is still possible: a damaged latest version counts as different.
    assert archive.capture(Post.from_api(POST), Source("api"), b"{}").status == "new"


@pytest.mark.parametrize("damage,message", [
    (lambda path: path.unlink(), "No such file or directory; run 'wparchive verify'"),
    (lambda path: path.write_bytes(b"\xff\xfe bad"), "is not UTF-8; run 'wparchive verify'"),
])
def test_damaged_post_txt(archived, damage, message):
    archive, snap = archived
    damage(snap.path / "post.txt")
    result = run("diff", "--archive", str(archive.root), "example.com/posts/3@1", "example.com/posts/3@latest")
    assert one_error(result, 2).rstrip("\n").endswith(message)


def test_verify_is_not_fooled_by_a_tampered_manifest(archived):
    archive, snap = archived
    meta = json.loads((snap.path / "snapshot.json").read_text())
    meta["files"]["/dev/zero"] = {"sha256": "0", "size": 1}
    meta["files"]["../../../../etc/passwd"] = {"sha256": "0", "size": 1}
    meta["files"]["post.md"] = 5
    (snap.path / "snapshot.json").write_text(json.dumps(meta))
    os.mkfifo(snap.path / "fifo")
    result = run("verify", "--archive", str(archive.root))
    assert result.exit_code == 1
    assert result.stdout.count("unexpected: ") == 4 and result.stdout.endswith("1 snapshots checked, 4 problems\n")


def test_unwritable_output_is_one_error_line(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(POST))
    (tmp_path / "file").write_text("not a folder")
    result = run("convert", str(tmp_path / "p.json"), "-o", str(tmp_path / "file" / "sub"))
    assert one_error(result, 2).startswith("error: cannot use ")
    result = run("archive", str(tmp_path / "p.json"), "--archive", str(tmp_path / "file" / "sub"))
    assert one_error(result, 2).startswith("error: cannot use ")


@pytest.mark.parametrize("args", [
    ["archive", "http://[::1/x"], ["archive", "--site", "http://[::1", "7"], ["archive", "https://"],
])
def test_malformed_urls_are_bad_input(tmp_path, args):
    one_error(run(*args, "--archive", str(tmp_path), "--retries", "0"), 2)


@pytest.mark.parametrize("args", [
    ["convert", ""], ["convert", "-", "-"], ["archive", "-", "-"],
    ["archive", "x.json", "--lock-timeout", "nan"],
])
def test_odd_arguments(tmp_path, args):
    one_error(run(*args, input="{}"), 2)
