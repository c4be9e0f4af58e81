"""What a whole-site run tells a person and a cron log: streams, summary lines, option checks, a full disk,
the progress bar, the passwords file, credentials in URLs (a synthetic WordPress behind `responses`)."""

import errno
import io
import json
import re
import stat

import pytest
import responses
from click.testing import CliRunner

from bench.fakewp import FakeWordPress
from wparchive.cli import cli
from wparchive.cli.archive import Progress
from wparchive.errors import InputError
from wparchive.sources.passwords import PostPasswords

SITE = "https://example.com"
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


@pytest.fixture
def site(monkeypatch):
    fake = FakeWordPress(SITE)
    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", lambda self, response=None: None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, re.compile(re.escape(SITE) + r".*"),
                          callback=lambda request: fake.handle(request.method, request.url, dict(request.headers)))
        yield fake


def run(tmp_path, *args, env=None):
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), "--site", SITE, "--all", *args],
                              env=env)


def test_summary_lines_carry_time_and_site_when_stderr_is_not_a_terminal(site, tmp_path):
    site.n = 3
    result = run(tmp_path, "--type", "all")
    assert result.exit_code == 0, result.output
    # Data lines on stdout; the summary on stderr, one line per type, named, with the UTC time and site.
    assert re.sub(r"@\S+", "@ID", result.stdout) == "".join(f"new example.com/posts/{i}@ID\n" for i in (1, 2, 3))
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(STAMP + r" https://example\.com 3 of 3 posts: 3 new, 0 changed, 0 unchanged, 0 protected, "
                                r"0 failed", lines[0]), lines
    assert re.fullmatch(STAMP + r" https://example\.com 0 of 0 pages: 0 new, 0 changed, 0 unchanged, 0 protected, "
                                r"0 failed", lines[1]), lines
    plain = run(tmp_path, "--no-log-format", "-q")
    assert plain.stderr == "1 of 1 posts: 0 new, 0 changed, 1 unchanged, 0 protected, 0 failed\n"
    assert run(tmp_path, "--log-format", "-q").stderr.startswith(tuple("0123456789"))


def test_quiet_keeps_failed_and_gone_lines_on_stdout(site, tmp_path, monkeypatch):
    site.n = 3
    assert run(tmp_path, "-q").exit_code == 0
    site.deleted.add(2)
    import wparchive.archive.store as store
    from wparchive.errors import RemoteError

    real = store.Archive.capture

    def failing(self, post, *args, **kwargs):
        if post.id == 3:
            raise RemoteError("post 3 is broken")
        return real(self, post, *args, **kwargs)

    monkeypatch.setattr(store.Archive, "capture", failing)
    for args in ((), ("-q",)):
        result = run(tmp_path, "--full", "--no-log-format", *args)
        assert result.exit_code == 4
        expected = ["failed example.com/posts/3: post 3 is broken", "gone example.com/posts/2"]
        assert [line for line in result.stdout.splitlines() if not line.startswith("unchanged ")] == expected
        assert result.stderr == "2 of 2 posts: 0 new, 0 changed, 1 unchanged, 0 protected, 1 failed, 1 gone\n"


@pytest.mark.parametrize("args,message", [
    (("--timeout", "0"), "--timeout 0 must be more than 0 seconds (the default is 30)"),
    (("--timeout", "-2"), "--timeout -2 must be more than 0 seconds (the default is 30)"),
    (("--lock-timeout", "-1"), "--lock-timeout -1 must be 0 seconds or more"),
])
def test_option_values_are_checked_before_anything_is_asked(site, tmp_path, args, message):
    result = run(tmp_path, *args)
    assert (result.exit_code, result.stderr) == (2, f"error: {message} (see 'cli archive --help')\n")
    assert site.requests == []


def test_a_url_with_credentials_is_refused_and_never_printed(site, tmp_path):
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "--site",
                                      "https://ed:hunter2@example.com", "--all"])
    assert result.exit_code == 2
    assert result.stderr == ("error: https://example.com has credentials in it (user:password@); they are not used "
                             "from a URL: give --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc, and the URL "
                             "without them\n")
    assert site.requests == []
    target = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "https://ed:hunter2@example.com/?p=1"])
    assert target.exit_code == 2 and "hunter2" not in target.output


def test_a_full_disk_stops_the_run_with_the_summary_so_far(site, tmp_path, monkeypatch):
    site.n = 5
    import wparchive.archive.store as store

    real = store.write_file
    written = {"n": 0}

    def filling(path, data):
        written["n"] += 1
        if written["n"] > 8:  # two snapshots of four files, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(store, "write_file", filling)
    result = run(tmp_path, "--no-log-format")
    assert result.exit_code == 2
    assert re.sub(r"@\S+", "@ID", result.stdout) == "new example.com/posts/1@ID\nnew example.com/posts/2@ID\n"
    lines = result.stderr.splitlines()
    assert lines[0] == "2 of 5 posts: 2 new, 0 changed, 0 unchanged, 0 protected, 0 failed (stopped)"
    assert re.fullmatch(r"error: the disk is full: cannot write \S+/example\.com/posts/3/\.tmp-\S+/response\.json "
                        r"\(No space left on device\); free some space and run the same command again", lines[1])
    assert len(lines) == 2
    assert not list((tmp_path / "a").rglob(".tmp-*"))  # nothing half-written


def test_progress_bar_fits_the_terminal_and_counts_against_one_total(monkeypatch):
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=None: __import__("os").terminal_size((60, 24)))
    progress = Progress(enabled=True)
    progress.describe = lambda: "268 of 268 posts: 260 new, 0 changed, 8 unchanged, 0 protected, 0 failed"
    progress.set_total(234)  # posts announced; pages come later and extra posts arrive by ID
    for _ in range(268):
        progress.step("new x")
    progress.close()
    frames = stderr.getvalue().split("\r\x1b[K")
    assert "\n" not in stderr.getvalue()
    assert all(len(frame) <= 59 for frame in frames)
    assert frames[-2].startswith("archiving 268/268 [")  # never 268/234
    assert frames[-2].endswith("…")


def test_passwords_file_is_private_and_well_formed(tmp_path):
    path = tmp_path / "pw"
    path.write_text("# comment\n\n12 two words\nhttps://Example.com/2024/05/x/ pass\n")
    path.chmod(0o640)
    with pytest.raises(InputError, match=re.escape(f"--post-passwords {path} can be read or written by others "
                                                   f"(mode 0640); make it private: chmod 600 {path}")):
        PostPasswords.read(path)
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    passwords = PostPasswords.read(path)
    assert passwords.get(12, None) == "two words"
    assert passwords.get(99, "https://example.com/2024/05/x") == "pass"
    assert passwords.get(99, "https://example.com/other/") is None
    assert "two words" not in repr(passwords)
    path.write_text("12 fine\nsecretonitsown\n")
    with pytest.raises(InputError) as caught:
        PostPasswords.read(path)
    assert str(caught.value) == f"--post-passwords {path} line 2: expected `ID-or-URL PASSWORD`"


def test_json_summary_names_each_type(site, tmp_path):
    site.n = 2
    summary = json.loads(run(tmp_path, "--json", "--type", "all").stdout)
    assert list(summary["types"]) == ["posts", "pages"]
    assert (summary["types"]["posts"]["new"], summary["types"]["pages"]["total"], summary["total"]) == (2, 0, 2)


def test_a_full_disk_on_a_single_target_says_so(tmp_path, monkeypatch):
    import wparchive.archive.store as store

    dump = tmp_path / "post.json"
    dump.write_text(json.dumps({"id": 3, "type": "post", "slug": "s", "link": "https://example.com/s/",
                                "title": {"rendered": "T"}, "content": {"rendered": "<p>Body.</p>"}}))

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "write_file", full)
    result = CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path / "a"), str(dump)])
    assert result.exit_code == 2
    assert re.fullmatch(r"error: the disk is full: cannot write \S+/response\.json \(No space left on device\); "
                        r"free some space and run the same command again\n", result.stderr), result.stderr

