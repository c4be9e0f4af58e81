"""README promises of the commands, each run as written: the default ./archive, convert of nested
folders without touching the archive, the --format json key set, and diff --live with the fetch
options of `archive`."""

import base64
import json
import os

import pytest
import responses
from click.testing import CliRunner

from tests.conftest import FIXTURES, VERSION_ID
from wparchive.cli import cli
from wparchive.sources import rest

SEED = str(FIXTURES / "000_c02e2c25f0edbb6d.txt")
SEED_FOLDER = "www.northkoreainfo.com/posts/7660"


def invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def tree(root):
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WPARCHIVE_ARCHIVE", raising=False)
    return tmp_path


def test_the_default_archive_is_dot_archive(in_tmp):
    result = invoke("archive", SEED)
    assert (result.exit_code, VERSION_ID.sub("@ID", result.stdout)) == (0, "new www.northkoreainfo.com/posts/7660@ID\n")
    assert [p.name for p in in_tmp.iterdir()] == ["archive"]
    assert len(list((in_tmp / "archive" / SEED_FOLDER).iterdir())) == 1
    listed = invoke("ls")
    assert listed.stdout.startswith("www.northkoreainfo.com\tposts\t7660\t")
    assert invoke("verify").stdout == "1 snapshots checked, 0 problems\n"


def test_wparchive_archive_sets_the_default(in_tmp):
    env = {"WPARCHIVE_ARCHIVE": str(in_tmp / "elsewhere")}
    assert invoke("archive", SEED, env=env).exit_code == 0
    assert [p.name for p in in_tmp.iterdir()] == ["elsewhere"]
    assert invoke("verify", env=env).stdout == "1 snapshots checked, 0 problems\n"
    assert invoke("log", f"{SEED_FOLDER}", env=env).stdout.startswith("@1\t")


def post(id_, body):
    return {"id": id_, "slug": f"s{id_}", "type": "post", "title": {"rendered": f"T{id_}"},
            "content": {"rendered": f"<p>{body}</p>"}}


def test_convert_reads_nested_folders_and_never_touches_the_archive(in_tmp):
    assert invoke("archive", SEED).exit_code == 0
    before = tree(in_tmp / "archive")
    deep = in_tmp / "dumps" / "2024" / "05"
    deep.mkdir(parents=True)
    (in_tmp / "dumps" / "a.json").write_text(json.dumps(post(1, "top")))
    (deep / "b.jsonl").write_text(json.dumps(post(2, "deep")) + "\n")
    (deep / "c.txt").write_text(json.dumps(post(3, "not a dump extension")))
    result = invoke("convert", "dumps")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "T2\n\ndeep\n\f\nT1\n\ntop\n", "")
    # Converting a snapshot's own response.json reads it and writes nothing in the archive.
    (response,) = (in_tmp / "archive").rglob("response.json")
    result = invoke("convert", str(response), "-o", "out")
    assert result.exit_code == 0 and os.listdir(in_tmp / "out") == ["7660-why-did-north-korea-withdraw-from-the-npt.txt"]
    assert invoke("convert", SEED, "--format", "markdown").exit_code == 0
    assert tree(in_tmp / "archive") == before


def test_convert_folder_order_is_the_path_order(in_tmp):
    (in_tmp / "d" / "z").mkdir(parents=True)
    (in_tmp / "d" / "b.json").write_text(json.dumps(post(2, "b")))
    (in_tmp / "d" / "z" / "a.json").write_text(json.dumps(post(1, "za")))
    (in_tmp / "d" / "a.json").write_text(json.dumps(post(3, "a")))
    assert invoke("convert", "d").stdout == "T3\n\na\n\f\nT2\n\nb\n\f\nT1\n\nza\n"


def test_convert_json_has_exactly_the_documented_keys_in_order(in_tmp):
    (in_tmp / "p.json").write_text(json.dumps(post(5, "x")))
    (doc,) = json.loads(invoke("convert", "--format", "json", "p.json").stdout)
    assert list(doc) == ["id", "type", "slug", "link", "status", "title", "date_gmt", "modified_gmt", "author",
                         "categories", "tags", "protected", "excerpt", "text", "source", "salvage"]
    (seed,) = json.loads(invoke("convert", "--format", "json", SEED).stdout)
    assert list(seed) == list(doc)
    assert list(seed["salvage"]) == ["truncated", "cut_in", "unreadable_from", "repairs", "missing_fields"]


# -- diff --live with the fetch options -----------------------------------------------------------
REST = "https://example.com/wp-json/wp/v2/posts/7"
LIVE = {"id": 7, "type": "post", "slug": "hello", "link": "https://example.com/2024/05/hello/", "status": "publish",
        "title": {"rendered": "Hello"}, "content": {"rendered": "<p>Locked words.</p>", "protected": True},
        "excerpt": {"rendered": "", "protected": True}, "modified_gmt": "2024-04-01T08:00:00"}


def test_diff_live_fetches_with_user_post_password_timeout_and_delay(in_tmp, monkeypatch):
    waits = []
    monkeypatch.setattr(rest.time, "sleep", waits.append)
    made = []
    real_init = rest.Client.__init__

    def init(self, **kwargs):
        made.append(kwargs)
        real_init(self, **kwargs)

    monkeypatch.setattr(rest.Client, "__init__", init)
    env = {"WPARCHIVE_APP_PASSWORD": "abcd efgh ijkl"}
    with responses.RequestsMock() as web:
        web.get(REST, json=LIVE)
        assert invoke("archive", REST, "--user", "editor", "--post-password", "sesame", env=env).exit_code == 0
        made.clear()
        result = invoke("diff", "example.com/posts/7", "--live", "--user", "editor", "--post-password", "sesame",
                        "--timeout", "7", "--delay", "3", "--retries", "1", env=env)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", ""), result.output
        request = web.calls[-1].request
    assert request.url == REST + "?_embed=author%2Cwp%3Aterm&context=edit&password=sesame"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"editor:abcd efgh ijkl").decode()
    assert request.req_kwargs["timeout"] == (7.0, 7.0)
    assert [(m["delay"], m["retries"], m["timeout"]) for m in made] == [(3.0, 1, (7.0, 7.0))]
    assert made[0]["credentials"].user == "editor"
    stored = b"".join(p.read_bytes() for p in (in_tmp / "archive").rglob("*") if p.is_file()).decode("utf-8", "replace")
    assert "sesame" not in stored and "abcd" not in stored
