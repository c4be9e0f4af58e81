"""`wparchive convert` through click's CliRunner: exact output, files and exit codes."""

import json

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from wparchive import __version__
from wparchive.cli import cli
from wparchive.render.engine import RENDERER
from wparchive.sources.dump import HINT

SEED = str(FIXTURES / "000_c02e2c25f0edbb6d.txt")


def run(*args, stdin=None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def post(id_, slug, body):
    return {"id": id_, "slug": slug, "type": "post", "title": {"rendered": f"Title {id_}"},
            "content": {"rendered": body}}


def test_seed_converts_with_a_warning():
    result = run("convert", SEED)
    assert result.exit_code == 0
    assert result.stdout.startswith("Why Did North Korea Withdraw From The Npt\n\nNorth Korea\u2019s withdrawal")
    assert result.stdout.count("\n\n") == 4 and result.stdout.endswith("various resources.\n")
    assert result.stderr.splitlines() == [
        f"warning: {SEED}: damaged dump, post 7660 salvaged: cut off inside content.rendered; 9 raw control "
        "characters inside strings read as text; missing excerpt, author, featured_media, comment_status, "
        "ping_status, sticky, template, format, meta, categories, tags"]


def test_seed_json_carries_salvage():
    result = run("convert", "--format", "json", SEED)
    assert result.exit_code == 0
    (doc,) = json.loads(result.stdout)
    assert doc["id"] == 7660 and doc["title"] == "Why Did North Korea Withdraw From The Npt"
    assert doc["salvage"]["cut_in"] == "content.rendered"
    assert doc["text"].count("\n\n") == 4 and doc["source"] == SEED


def test_several_posts_to_stdout_text_markdown_json(tmp_path):
    page = tmp_path / "page.json"
    page.write_text(json.dumps([post(1, "a", "<p>A</p>"), post(2, "b", "<p>B</p>")]))
    assert run("convert", str(page)).stdout == "Title 1\n\nA\n\f\nTitle 2\n\nB\n"
    md = run("convert", "--format", "markdown", str(page)).stdout
    assert md.count("---\nid: ") == 2 and md.endswith("---\n\nB\n")
    docs = json.loads(run("convert", "--format", "json", str(page)).stdout)
    assert [d["text"] for d in docs] == ["Title 1\n\nA\n", "Title 2\n\nB\n"]


def test_stdin_and_directory_sources(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.json").write_text(json.dumps(post(1, "x", "<p>X</p>")))
    (tmp_path / "d" / "y.jsonl").write_text(json.dumps(post(2, "y", "<p>Y</p>")) + "\n"
                                            + json.dumps(post(3, "z", "<p>Z</p>")) + "\n")
    (tmp_path / "d" / "notes.txt").write_text("ignored: not .json")
    result = run("convert", str(tmp_path / "d"))
    assert result.exit_code == 0
    assert result.stdout == "Title 1\n\nX\n\f\nTitle 2\n\nY\n\f\nTitle 3\n\nZ\n"
    result = run("convert", "-", stdin=json.dumps(post(4, "w", "<p>W</p>")))
    assert result.stdout == "Title 4\n\nW\n"


def test_output_dir_one_file_per_post_safe_names(tmp_path):
    page = tmp_path / "page.json"
    page.write_text(json.dumps([post(1, "../../etc/passwd", "<p>A</p>"), post(2, "%d0%bf%d1%80", "<p>B</p>"),
                                post(2, "%d0%bf%d1%80", "<p>again</p>")]))
    out = tmp_path / "out"
    result = run("convert", "-o", str(out), "--format", "markdown", str(page))
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["1-..-..-etc-passwd.md", "2-пр-2.md", "2-пр.md"]
    assert not (tmp_path / "etc").exists()
    assert (out / "2-пр.md").read_text().endswith("\nB\n")


@pytest.mark.parametrize("content,message", [
    ("", "is empty"), ("null", "is a JSON null, not a post"),
    ("<html><body>Blocked</body></html>", "is an HTML page, not a JSON dump"),
])
def test_bad_input_is_one_error_line_exit_2(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = run("convert", str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"error: {bad} {message}; {HINT}\n"


def test_partial_failure_exits_4(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(post(1, "a", "<p>A</p>")))
    result = run("convert", str(good), str(tmp_path / "missing.json"))
    assert result.exit_code == 4
    assert result.stdout == "Title 1\n\nA\n"
    assert result.stderr == f"error: {tmp_path / 'missing.json'}: no such file; check the path\n"


def test_usage_errors_are_one_line_exit_2():
    result = run("convert", "--format", "pdf", SEED)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    assert run("convert").exit_code == 2


def test_version_and_help():
    assert run("--version").stdout == f"wparchive, version {__version__} (renderer: {RENDERER})\n"
    for command in cli.commands:
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.stdout, command
        assert run(command, "-h").stdout == result.stdout
