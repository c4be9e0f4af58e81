"""Watch lists: every entry checked, with its line, before anything runs."""

import pytest
from click.testing import CliRunner

from wparchive.archive.watchlist import SiteSpec, read_watch_list
from wparchive.cli import cli
from wparchive.errors import InputError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_with_defaults(tmp_path):
    path = write(tmp_path, "sites.toml", """# nightly
[defaults]
delay = 0.5

[[site]]
url = "https://example.com/"
user = "archivist"
types = ["posts", "pages"]
revisions = true

[[site]]
url = "http://127.0.0.1:8088"
types = "all"
delay = 0
""")
    assert read_watch_list(path) == [
        SiteSpec(url="https://example.com", line=5, user="archivist", types=("posts", "pages"), revisions=True,
                 delay=0.5),
        SiteSpec(url="http://127.0.0.1:8088", line=11, types=("all",), delay=0.0),
    ]


def test_plain_list_of_urls(tmp_path):
    path = write(tmp_path, "sites.txt", "# newsroom watch list\n\nhttps://a.example  # the first\nb.example\n")
    assert read_watch_list(path) == [SiteSpec(url="https://a.example", line=3), SiteSpec(url="b.example", line=4)]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("s.toml", '[[site]]\nurl = "https://a.example"\n\n[[site]]\nurl = "https://b.example"\nspeed = 3\n',
     "s.toml:6: unknown key 'speed'; a site takes url, user, types, revisions, autosaves, delay, full"),
    ("s.toml", '[[site]]\nurl = "https://a.example"\n[[site]]\nuser = "x"\n', "s.toml:3: this [[site]] has no url"),
    ("s.toml", '[[site]]\nurl = "ftp://a.example"\n', "s.toml:1: 'ftp://a.example' is not a site URL "
     "(https://example.com)"),
    ("s.toml", '[[site]]\nurl = "https://a.example"\ndelay = -1\n', "s.toml:1: delay must be a number of "
     "seconds (0 or more)"),
    ("s.toml", '[[site]]\nurl = "https://a.example"\ntypes = ["../x"]\n', "s.toml:1: types must be a type or a "
     "list of types (posts, pages, a rest_base, or all)"),
    ("s.toml", '[[site]]\nurl = "https://a.example"\nrevisions = true\n', "s.toml:1: revisions = true needs "
     "user = NAME (WordPress shows revisions only to editors)"),
    ("s.toml", '[[site]]\nurl = "https://a.example"\n[[site]]\nurl = "https://A.example/"\n',
     "s.toml:3: https://A.example is the same site as line 1; list each site once (give it several types "
     "instead)"),
    ("s.toml", '[[site]\nurl = 1\n', "s.toml: not valid TOML (Expected ']]' at the end of an array declaration "
     "(at line 1, column 7))"),
    ("s.toml", '[sites]\nurl = "x"\n', "s.toml:1: unknown table or key 'sites'; a watch list has [[site]] tables "
     "and an optional [defaults]"),
    ("s.txt", "https://a.example\nhttps://user:secret@b.example/\n", "s.txt:2: the URL carries credentials; "
     "give user = NAME and the password through WPARCHIVE_APP_PASSWORD or ~/.netrc"),
    ("s.txt", "https://a.example\nnot a url\n", "s.txt:2: 'not a url' is not a site URL (https://example.com)"),
    ("s.txt", "# nothing yet\n", "s.txt: the watch list names no site; add a [[site]] table or a URL a line"),
])
def test_a_bad_entry_is_named_by_its_line(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        read_watch_list(path)
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_cli_refuses_a_bad_list_before_anything_runs(tmp_path):
    path = write(tmp_path, "s.txt", "https://a.example\nhttps://user:pw@b.example\n")
    result = CliRunner().invoke(cli, ["archive", "--sites", str(path), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}:2: the URL carries credentials; give user = NAME and the password "
                             "through WPARCHIVE_APP_PASSWORD or ~/.netrc\n")
    assert "secret" not in result.output and not (tmp_path / "a").exists()


@pytest.mark.parametrize("extra", [["--all"], ["--site", "https://a.example"], ["--user", "x"],
                                   ["--type", "pages"], ["https://a.example/p/"]])
def test_sites_goes_alone(tmp_path, extra):
    path = write(tmp_path, "s.txt", "https://a.example\n")
    result = CliRunner().invoke(cli, ["archive", "--sites", str(path), *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --sites takes each site's URL, user, types and revisions from its "
                                    "file; give no TARGET, --site, --all, --type, --user or --revisions with it")


def test_scheduler_goes_with_sites(tmp_path):
    result = CliRunner().invoke(cli, ["archive", "--scheduler", "tcp://127.0.0.1:1", "https://a.example/p/"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --scheduler goes with --sites FILE")
