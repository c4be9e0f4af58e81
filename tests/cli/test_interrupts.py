"""Interrupts and the lock: a signal during start-up, an interrupt right after a temporary folder
is made, and another process holding the archive (its own exit code, 5)."""

import fcntl
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from wparchive.archive import store
from wparchive.archive.store import Archive
from wparchive.cli import cli
from wparchive.model import Post, Source

ROOT = Path(__file__).resolve().parents[2]
DUMP = ROOT / "fixtures" / "000_c02e2c25f0edbb6d.txt"

# Start `python -m wparchive` with a SIGINT arriving while `click` is being imported: during start-up,
# before any handler of wparchive's own exists.
INTERRUPTED_START = """
import builtins, os, runpy, signal, sys
real_import = builtins.__import__
def interrupting_import(name, *args, **kwargs):
    if name == "click":
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupting_import
sys.argv = ["wparchive", "--version"]
runpy.run_module("wparchive", run_name="__main__")
"""


def test_a_signal_during_start_up_exits_130_quietly():
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_START], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


def test_the_console_script_starts_through_the_guarded_entry_point():
    scripts = (ROOT / "pyproject.toml").read_text()
    assert 'wparchive = "wparchive.__main__:main"' in scripts


def test_an_interrupt_right_after_the_temporary_folder_is_made_leaves_nothing(tmp_path, monkeypatch):
    real_mkdir = Path.mkdir

    def mkdir_then_interrupt(self, *args, **kwargs):
        real_mkdir(self, *args, **kwargs)
        if self.name.startswith(store.TMP_PREFIX):
            raise KeyboardInterrupt  # as a Ctrl-C landing between the mkdir and what follows it

    monkeypatch.setattr(Path, "mkdir", mkdir_then_interrupt)
    archive = Archive(tmp_path)
    post = Post.from_api({"id": 7, "title": {"rendered": "T"}, "content": {"rendered": "<p>x</p>"},
                          "link": "https://example.com/?p=7"})
    try:
        archive.capture(post, Source("api"), b"{}", site_url="https://example.com", rest_base="posts")
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the interrupt was swallowed")
    assert sorted(p.name for p in (tmp_path / "example.com/posts/7").iterdir()) == []


def test_the_lock_time_out_exits_5(tmp_path):
    first = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), str(DUMP)])
    host = first.stdout.split()[1].split("/")[0]  # "new HOST/posts/ID@..."
    lock = Archive(tmp_path).lock_path(host)
    with open(lock, "a+b") as held:  # another open file: as another process, for flock
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "--lock-timeout", "0", str(DUMP)])
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[-1] + "\n") == (
        5, "", f"error: another wparchive process is writing {host} in {tmp_path} (waited 0s for its lock); try "
        "again when it has finished\n")
