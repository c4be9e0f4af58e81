"""The command line people already know (issue 17): global options before or after the command, usage
errors that point at the command's help, `diff --quiet`, bare `wparchive`, and -v/-vv detail."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
import responses
from click.testing import CliRunner

from wparchive.archive.store import Archive
from wparchive.cli import cli
from wparchive.model import Post, Source

REST = "https://example.com/wp-json/wp/v2/posts/3"
POST = {"id": 3, "type": "post", "slug": "s", "link": "https://example.com/s/", "status": "publish",
        "title": {"rendered": "T"}, "content": {"rendered": "<p>Body.</p>", "protected": False}}
LS_LINE = "example.com\tposts\t3\ts\tT\t1\t2024-05-01T10:00:00Z\n"


def ids_hidden(text: str) -> str:
    """Stable version ids (`@20261202T050347Z-f73e787db5cc`) depend on the clock: shown as `@ID`."""
    return re.sub(r"@\d{8}T\d{6}Z-[0-9a-f]{12}", "@ID", text)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("WPARCHIVE_ARCHIVE", "NO_COLOR", "WPARCHIVE_APP_PASSWORD", "PAGER", "LESS"):
        monkeypatch.delenv(name, raising=False)


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="wparchive", **kwargs)


def archive_of(root, *objects):
    for second, obj in enumerate(objects):
        Archive(root).capture(Post.from_api(obj), Source("api", url=obj["link"], http_status=200),
                              json.dumps(obj).encode(), site_url="https://example.com", rest_base="posts",
                              captured_at=datetime(2024, 5, 1, 10, 0, second, tzinfo=timezone.utc))
    return root


@pytest.fixture
def archive(tmp_path):
    return archive_of(tmp_path / "a", POST)


# -- options where people put them -------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--archive", "{a}", "ls"], ["ls", "--archive", "{a}"], ["--archive={a}", "ls"], ["ls", "--archive={a}"]])
def test_archive_option_before_or_after_the_command(archive, argv):
    result = run(*[arg.format(a=archive) for arg in argv])
    assert (result.exit_code, result.stdout, result.stderr) == (0, LS_LINE, "")


def test_archive_option_before_the_command_beats_the_environment(archive, tmp_path):
    result = run("--archive", archive, "ls", env={"WPARCHIVE_ARCHIVE": str(tmp_path / "elsewhere")})
    assert (result.exit_code, result.stdout) == (0, LS_LINE)
    result = run("ls", env={"WPARCHIVE_ARCHIVE": str(archive)})
    assert (result.exit_code, result.stdout) == (0, LS_LINE)


def test_archive_option_after_the_command_wins_over_the_one_before(archive, tmp_path):
    result = run("--archive", tmp_path / "elsewhere", "ls", "--archive", archive)
    assert (result.exit_code, result.stdout) == (0, LS_LINE)


@pytest.mark.parametrize("before", [True, False])
@responses.activate
def test_verbose_before_or_after_the_command_logs_each_request(tmp_path, before):
    responses.get(REST, json=POST)
    argv = ["archive", "--archive", tmp_path, REST]
    result = run(*(["-v", *argv] if before else [*argv, "-v"]))
    assert result.exit_code == 0, result.output
    assert ids_hidden(result.stdout) == "new example.com/posts/3@ID\n"
    assert result.stderr == f"info: GET {REST}?_embed=author,wp:term\n"


@pytest.mark.parametrize("argv", [["-vv", "archive"], ["archive", "-vv"], ["-v", "archive", "-v"],
                                  ["archive", "--verbose", "--verbose"]])
@responses.activate
def test_vv_adds_each_status_and_time(tmp_path, argv):
    responses.get(REST, json=POST)
    result = run(*argv, "--archive", tmp_path, REST)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"info: GET {REST}?_embed=author,wp:term"
    assert re.fullmatch(rf"debug: 200 {re.escape(REST)}\?_embed=author%2Cwp%3Aterm in \d+ ms \(\d+ bytes\)",
                        lines[1]), lines


@responses.activate
def test_vv_never_shows_a_post_password(tmp_path):
    responses.get(REST, json=POST)
    result = run("archive", "-vv", "--archive", tmp_path, REST, "--post-password", "s3cretPW")
    assert result.exit_code == 0, result.output
    assert "s3cretPW" not in result.output and "password=***" in result.stderr


@pytest.mark.parametrize("where", ["before", "after", "short"])
def test_quiet_before_or_after_archive_prints_nothing_for_single_targets(tmp_path, where):
    dump = tmp_path / "post.json"
    dump.write_text(json.dumps(POST))
    argv = {"before": ["--quiet", "archive", dump], "after": ["archive", dump, "--quiet"],
            "short": ["archive", "-q", dump]}[where]
    result = run(*argv, "--archive", tmp_path / "a")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert [key.ref for key in Archive(tmp_path / "a").posts()] == ["example.com/posts/3"]


@pytest.mark.parametrize("quiet", ["--quiet", "-q"])
def test_diff_quiet_answers_with_the_exit_code_only(tmp_path, quiet):
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text(json.dumps(POST))
    b.write_text(json.dumps(dict(POST, content={"rendered": "<p>Other.</p>"})))
    c.write_text(json.dumps(POST))
    result = run("diff", quiet, a, b)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")
    result = run(quiet, "diff", a, c)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = run("diff", a, b, quiet, "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


def test_verify_quiet_prints_only_problems(archive):
    result = run("verify", "-q", "--archive", archive)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    snapshot = next((archive / "example.com" / "posts" / "3").iterdir())
    (snapshot / "post.txt").write_text("tampered\n")
    result = run("-q", "verify", "--archive", archive)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"mismatch: example.com/posts/3/{snapshot.name}/post.txt: ")
    assert len(result.stdout.splitlines()) == 1


def test_debug_after_the_command_shows_the_traceback(archive, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("wparchive.cli.history.list_posts", broken)
    result = run("ls", "--archive", archive)
    assert (result.exit_code, result.stderr) == (2, "error: unexpected RuntimeError: a bug (rerun with --debug "
                                                    "and report it)\n")
    result = run("ls", "--archive", archive, "--debug")
    assert isinstance(result.exception, RuntimeError)


# -- usage errors -------------------------------------------------------------------------------------


def test_usage_error_points_at_the_subcommands_help(tmp_path):
    result = run("diff", "a.json", "--color")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "error: Option '--color' requires an argument (see 'wparchive diff --help')\n")
    result = run("log", "--archive")
    assert result.stderr == "error: Option '--archive' requires an argument (see 'wparchive log --help')\n"
    result = run("-v", "show", "--format", "pdf", "x")
    assert result.stderr.endswith(" (see 'wparchive show --help')\n") and result.exit_code == 2


def test_usage_error_before_any_command_points_at_the_main_help():
    result = run("nosuch")
    assert (result.exit_code, result.stderr) == (2, "error: No such command 'nosuch' (see 'wparchive --help')\n")


def test_bare_wparchive_prints_the_help_and_succeeds():
    result = run()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: wparchive [OPTIONS] COMMAND [ARGS]...\n")
    assert "Commands:\n" in result.stdout and "  verify " in result.stdout
    assert result.stdout == run("--help").stdout


def test_every_command_accepts_the_global_options_after_it():
    for name, command in cli.commands.items():
        names = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert {"-v", "--verbose", "--debug", "-q", "--quiet", "--archive"} <= names, name


def test_convert_accepts_the_archive_option_and_leaves_the_archive_alone(tmp_path):
    dump = tmp_path / "post.json"
    dump.write_text(json.dumps(POST))
    for argv in (["--archive", tmp_path / "a", "convert", dump], ["convert", dump, "--archive", tmp_path / "a"]):
        result = run(*argv)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "T\n\nBody.\n", "")
    assert not (tmp_path / "a").exists()


# -- commands that agree with each other ---------------------------------------------------------------


def test_archive_reads_a_folder_as_convert_does(tmp_path):
    folder = tmp_path / "saved"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.json").write_text(json.dumps(POST))
    (folder / "sub" / "page.json").write_text(json.dumps([dict(POST, id=4), dict(POST, id=5)]))
    (folder / "notes.md").write_text("not a dump")
    (folder / "broken.json").write_text("not json at all")
    converted = run("convert", f"{folder}/")
    assert converted.stdout.count("\f\n") == 2  # three posts
    result = run("archive", f"{folder}/", "--archive", tmp_path / "a")
    lines = ids_hidden(result.stdout).splitlines()
    assert lines[0].startswith(f"failed {folder}/broken.json: ")
    assert lines[1:] == ["new example.com/posts/3@ID", "new example.com/posts/4@ID", "new example.com/posts/5@ID"]
    assert (result.exit_code, result.stderr) == (4, "error: 1 of 4 targets failed (listed above); the rest were "
                                                    "archived\n")
    assert [key.id for key in Archive(tmp_path / "a").posts()] == [3, 4, 5]
    # Every post of a good folder archived: success; again: unchanged.
    (folder / "broken.json").unlink()
    again = run("archive", folder, "--archive", tmp_path / "a")
    assert (again.exit_code, again.stdout) == (0, "unchanged example.com/posts/3\nunchanged example.com/posts/4\n"
                                                  "unchanged example.com/posts/5\n")


def test_archive_of_an_empty_folder_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("archive", tmp_path / "empty", "--archive", tmp_path / "a")
    assert (result.exit_code, result.stderr) == (
        2, f"error: {tmp_path / 'empty'} is a directory with no .json, .jsonl or .xml files in it\n")


def test_quiet_drops_warnings_but_not_errors(tmp_path):
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(POST)[:-20])  # cut off: salvaged with a warning
    loud = run("convert", damaged)
    assert loud.exit_code == 0 and loud.stderr.startswith(f"warning: {damaged}: damaged dump")
    quiet = run("convert", damaged, "-q")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, loud.stdout, "")
    missing = run("-q", "convert", tmp_path / "none.json")
    assert (missing.exit_code, missing.stderr) == (2, f"error: {tmp_path / 'none.json'}: no such file; check the path\n")
