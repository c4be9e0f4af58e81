"""Shell completion (issue 17): click's `_WPARCHIVE_COMPLETE` completes archived REFs and, after `@`, a
post's version ids; the scripts that README tells people to load are produced for bash, zsh and fish."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from wparchive.archive.store import Archive
from wparchive.cli import cli
from wparchive.model import Post, Source


def wp_post(ident, title="T"):
    return {"id": ident, "type": "post", "slug": f"s{ident}", "link": f"https://example.com/s{ident}/",
            "status": "publish", "title": {"rendered": title}, "content": {"rendered": "<p>x</p>"}}


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "a"
    for second, obj in enumerate([wp_post(7), wp_post(7, "T2"), wp_post(8)]):
        Archive(root).capture(Post.from_api(obj), Source("api", url=obj["link"], http_status=200),
                              json.dumps(obj).encode(), site_url="https://example.com", rest_base="posts",
                              captured_at=datetime(2024, 5, 1, 10, 0, second, tzinfo=timezone.utc))
    Archive(root).capture(Post.from_api(wp_post(3)), Source("api", url="http://127.0.0.1:8088/s3/", http_status=200),
                          b"{}", site_url="http://127.0.0.1:8088", rest_base="pages",
                          captured_at=datetime(2024, 5, 1, 10, 0, 9, tzinfo=timezone.utc))
    return root


def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash would be offered after typing `words` (the last word is the one completed)."""
    parts = words.split(" ")
    result = CliRunner().invoke(cli, [], prog_name="wparchive", env={
        "_WPARCHIVE_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1),
        "WPARCHIVE_ARCHIVE": None, **(env or {})})
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_refs_complete_for_log_show_and_diff(archive):
    assert complete(f"wparchive log --archive {archive} ex") == ["example.com/posts/7", "example.com/posts/8"]
    assert complete(f"wparchive --archive {archive} show 127") == ["127.0.0.1_8088/pages/3"]
    assert complete(f"wparchive diff --archive {archive} example.com/posts/7 example.com/posts/") == [
        "example.com/posts/7", "example.com/posts/8"]
    assert complete("wparchive log ex", env={"WPARCHIVE_ARCHIVE": str(archive)}) == [
        "example.com/posts/7", "example.com/posts/8"]


def test_version_ids_complete_after_the_at_sign(archive):
    names = sorted(p.name for p in (archive / "example.com/posts/7").iterdir())
    assert complete(f"wparchive show --archive {archive} example.com/posts/7@") == [
        "example.com/posts/7@latest", f"example.com/posts/7@{names[1]}", f"example.com/posts/7@{names[0]}"]
    assert complete(f"wparchive show --archive {archive} example.com/posts/7@{names[0][:17]}") == [
        f"example.com/posts/7@{names[0]}"]


def test_completion_stays_inside_the_archive(archive):
    assert complete(f"wparchive log --archive {archive} ../") == []
    assert complete(f"wparchive log --archive {archive} example.com/../") == []


def test_nothing_to_complete_in_a_missing_archive(tmp_path):
    assert complete(f"wparchive log --archive {tmp_path / 'none'} ex") == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_for_each_shell(shell):
    result = CliRunner().invoke(cli, [], prog_name="wparchive", env={"_WPARCHIVE_COMPLETE": f"{shell}_source"})
    assert result.exit_code == 0
    assert "_WPARCHIVE_COMPLETE" in result.stdout and f"{shell}_complete" in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_loads_in_bash():
    script = CliRunner().invoke(cli, [], prog_name="wparchive", env={"_WPARCHIVE_COMPLETE": "bash_source"}).stdout
    process = subprocess.run(["bash", "-c", script + "\ncomplete -p wparchive"], capture_output=True, text=True,
                             timeout=30)
    assert process.returncode == 0, process.stderr
    assert "_wparchive_completion" in process.stdout
