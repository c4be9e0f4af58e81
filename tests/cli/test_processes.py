"""The command as a separate process, against bench/fakewp.py served on 127.0.0.1: the progress bar on
a terminal (a pty), `kill` (SIGTERM) mid-run, -v and --debug without secrets, tracebacks only with
--debug, and the same bytes whatever the hash seed."""

import base64
import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading

import pytest

from bench.corpus import make_posts
from bench.site import FakeServer, child_env
from tests.conftest import FIXTURES, ROOT, VERSION_ID

SEED = str(FIXTURES / "000_c02e2c25f0edbb6d.txt")
APP_PASSWORD = "abcd efgh ijkl mnop"
POST_PASSWORD = "pp-sesame-42"


@pytest.fixture
def server():
    with FakeServer() as server:
        server.open = True
        yield server


def command(*args):
    return [sys.executable, "-m", "wparchive", *args]


def env_for(tmp_path, **extra):
    env = child_env(tmp_path)
    env.update(extra)
    return env


def test_the_progress_bar_on_a_terminal(server, tmp_path):
    server.reset(250)
    server.open = True
    master, slave = pty.openpty()
    proc = subprocess.Popen(command("archive", "--site", server.url, "--all", "--archive", str(tmp_path / "a")),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env=env_for(tmp_path, COLUMNS="100"), cwd=tmp_path)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stdout = proc.stdout.read()
    assert proc.wait(60) == 0
    screen = b"".join(chunks).decode()
    # Data lines go to stdout whatever is a terminal; the bar, one line that fits the terminal, to stderr.
    assert stdout.decode().count("\n") == 250 and stdout.decode().startswith("new ")
    assert "archiving 100/250 [" in screen and "archiving 250/250 [####################] " in screen
    assert all(len(line.rsplit("\r", 1)[-1].replace("\x1b[K", "")) < 100 for line in screen.split("\r\n"))
    assert "\r" in screen.replace("\r\n", "")  # redrawn in place
    assert screen.endswith("250 of 250 posts: 250 new, 0 changed, 0 unchanged, 0 protected, 0 failed\r\n")


def test_without_a_terminal_one_line_per_post(server, tmp_path):
    server.reset(3)
    server.open = True
    proc = subprocess.run(command("archive", "--site", server.url, "--all", "--archive", str(tmp_path / "a")),
                          capture_output=True, text=True, env=env_for(tmp_path), cwd=tmp_path, timeout=120)
    host = server.url.split("//")[1].replace(":", "_")
    # Without a terminal the summary is in the log format: the UTC time and the site first.
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")
    assert (proc.returncode, VERSION_ID.sub("@ID", proc.stdout), stamp.sub("TIME ", proc.stderr)) == (
        0, "".join(f"new {host}/posts/{i}@ID\n" for i in (1, 2, 3)),
        f"TIME {server.url} 3 of 3 posts: 3 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n")


def test_kill_mid_run_exits_130_with_the_summary(server, tmp_path):
    fake = server.reset(250)
    server.open = True
    reached, proceed = threading.Event(), threading.Event()
    handle = fake.handle

    def stalling(method, url, headers=None):
        if "page=2" in url:
            reached.set()
            proceed.wait(60)  # the process is waiting for this page when it is killed
        return handle(method, url, headers)

    fake.handle = stalling
    proc = subprocess.Popen(command("archive", "--site", server.url, "--all", "--quiet", "--no-log-format", "--archive",
                                    str(tmp_path / "a")),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for(tmp_path),
                            cwd=tmp_path)
    try:
        assert reached.wait(120)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        proceed.set()
        if proc.poll() is None:
            proc.kill()
    assert (proc.returncode, stdout) == (130, "")
    assert stderr.splitlines() == ["100 of 250 posts: 100 new, 0 changed, 0 unchanged, 0 protected, 0 failed (interrupted)",
                                   "error: interrupted; run the same command again to resume"]
    verify = subprocess.run(command("verify", "--archive", str(tmp_path / "a")), capture_output=True, text=True,
                            env=env_for(tmp_path), timeout=120)
    assert (verify.returncode, verify.stdout) == (0, "100 snapshots checked, 0 problems\n")


@pytest.mark.parametrize("flags", [["-v"], ["--debug"], ["-v", "-v", "--debug"]])
def test_verbose_and_debug_never_show_a_secret(server, tmp_path, flags):
    fake = server.reset(3)
    server.open = True
    fake.passwords[2] = POST_PASSWORD
    fake.revisions[1] = [{"id": 9, "parent": 1, "author": 1, "modified_gmt": "2023-01-01T00:00:00",
                          "slug": "1-revision-v1", "title": {"rendered": "Post 1"},
                          "content": {"rendered": "<p>Old.</p>"}}]
    archive = str(tmp_path / "a")
    with_user = subprocess.run(command(*flags, "archive", "--site", server.url, "--all", "--user", "editor",
                                       "--revisions", "--no-log-format", "--archive", archive),
                               capture_output=True, text=True, cwd=tmp_path, timeout=120,
                               env=env_for(tmp_path, WPARCHIVE_APP_PASSWORD=APP_PASSWORD))
    assert with_user.returncode == 0, with_user.stderr
    assert with_user.stderr.splitlines()[-1] == "3 of 3 posts: 3 new, 0 changed, 0 unchanged, 0 protected, 0 failed, 1 revisions imported"
    assert f"info: GET {server.url}/wp-json/wp/v2/posts/1/revisions?per_page=100&page=1&context=edit" in \
        with_user.stderr.splitlines()
    with_password = subprocess.run(command(*flags, "archive", "--site", server.url, "--all", "--full",
                                           "--post-password", POST_PASSWORD, "--archive", archive),
                                   capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env_for(tmp_path))
    assert with_password.returncode == 0, with_password.stderr
    lines = with_password.stderr.splitlines()
    # Each request is shown (-v), the post's own route with its password starred out.
    assert f"info: GET {server.url}/wp-json/wp/v2/posts/2?_embed=author,wp:term" in lines
    if "--debug" in flags:
        port = server.url.rsplit(":", 1)[1]
        assert any(line.startswith("debug: ") and f":{port} \"GET /wp-json/wp/v2/posts/2?" in line
                   and "password=***" in line for line in lines), with_password.stderr
    basic = base64.b64encode(f"editor:{APP_PASSWORD}".encode()).decode()
    everything = with_user.stdout + with_user.stderr + with_password.stdout + with_password.stderr + "".join(
        p.read_bytes().decode("utf-8", "replace") for p in (tmp_path / "a").rglob("*") if p.is_file())
    for secret in (APP_PASSWORD, basic, POST_PASSWORD):
        assert secret not in everything


CRASH = """
import sys
from wparchive.archive.store import Archive

def verify(self):  # a bug: nothing in the command expects it
    raise RuntimeError("planted bug")

Archive.verify = verify
sys.argv[0] = "wparchive"
from wparchive.cli import main
main()
"""


def test_a_bug_is_one_line_without_debug_and_a_traceback_with_it(tmp_path):
    plain = subprocess.run([sys.executable, "-c", CRASH, "verify", "--archive", str(tmp_path)],
                           capture_output=True, text=True, env=env_for(tmp_path), timeout=120)
    assert (plain.returncode, plain.stdout, plain.stderr) == (
        2, "", "error: unexpected RuntimeError: planted bug (rerun with --debug and report it)\n")
    debug = subprocess.run([sys.executable, "-c", CRASH, "--debug", "verify", "--archive", str(tmp_path)],
                           capture_output=True, text=True, env=env_for(tmp_path), timeout=120)
    assert debug.returncode == 1 and debug.stdout == ""
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert debug.stderr.endswith("RuntimeError: planted bug\n")


def test_the_same_bytes_whatever_the_hash_seed(tmp_path):
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    for i, html in enumerate(make_posts(300_000, seed=7), 1):
        (dumps / f"{i:03d}.json").write_text(json.dumps({
            "id": i, "slug": f"p{i}", "type": "post", "title": {"rendered": f"Post {i}"},
            "content": {"rendered": html}, "categories": [3, 1, 2], "tags": [9, 8],
            "_embedded": {"wp:term": [[{"id": 3, "name": "C"}, {"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
                                      [{"id": 9, "name": "z"}, {"id": 8, "name": "y"}]]}}))
    (dumps / "seed.json").write_bytes(open(SEED, "rb").read())
    outputs = {}
    for seed in ("1", "2", "12345"):
        for fmt in ("text", "markdown", "json"):
            proc = subprocess.run(command("convert", "--format", fmt, str(dumps)), capture_output=True,
                                  env=env_for(tmp_path, PYTHONHASHSEED=seed), cwd=ROOT, timeout=300)
            assert proc.returncode == 0, proc.stderr
            outputs.setdefault(fmt, set()).add(proc.stdout)
    assert {fmt: len(seen) for fmt, seen in outputs.items()} == {"text": 1, "markdown": 1, "json": 1}
    assert len(outputs["text"].pop()) > 100_000
