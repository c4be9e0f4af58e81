"""The README documents every command and long option, and CI runs the README's own test command."""

import re
from pathlib import Path

import click
import pytest

from wparchive.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _long_options(command: click.Command) -> list[str]:
    return [opt for param in command.params if isinstance(param, click.Option)
            for opt in param.opts + param.secondary_opts if opt.startswith("--")]


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_is_in_the_readme(name):
    assert f"wparchive {name}" in README, f"`wparchive {name}` is not documented in README.md"
    for option in _long_options(cli.commands[name]):
        assert re.search(rf"{re.escape(option)}\b", README), f"{name} {option} missing from README.md"


def test_global_options_are_in_the_readme():
    for option in _long_options(cli) + ["--help", "--version"]:
        assert option in README, option


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in ci.splitlines()


def test_the_readme_library_example_runs(tmp_path, monkeypatch):
    # The "Library" snippet, run as written on the bundled sample saved as saved.json.
    snippet = re.search(r"## Library\n.*?```python\n(.*?)```", README, re.S).group(1)
    sample = (ROOT / "fixtures" / "000_c02e2c25f0edbb6d.txt").read_bytes()
    (tmp_path / "saved.json").write_bytes(sample)
    monkeypatch.chdir(tmp_path)
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet, "README.md", "exec"), {})
    assert out.getvalue().startswith("Why Did North Korea Withdraw From The Npt\n\nNorth Korea’s withdrawal")


def _section(title: str) -> str:
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#{{2,6}} )", README, re.S | re.M)
    assert match, f"no section {title!r} in README.md"
    return match.group(1)


def test_every_json_option_has_its_shape_in_the_readme():
    shapes = _section("`--json` shapes")
    for name, command in sorted(cli.commands.items()):
        if "--json" in _long_options(command):
            assert re.search(rf"^- `{name}\b[^`]*--json", shapes, re.M), f"{name} --json has no shape in README.md"


def test_global_options_short_forms_and_placement_are_in_the_readme():
    for option in ("-v", "-vv", "-q", "--quiet", "--verbose", "--debug", "--archive"):
        assert re.search(rf"`{re.escape(option)}\b", README), option
    assert "**Global options go before or after the command**" in README


def test_completion_is_shown_for_bash_zsh_and_fish():
    completion = _section("Shell completion")
    for shell in ("bash", "zsh", "fish"):
        assert f"_WPARCHIVE_COMPLETE={shell}_source wparchive" in completion, shell


def test_ref_forms_and_the_pager_are_in_the_readme():
    refs = _section("REF: naming an archived post as you would type it")
    for form in ("127.0.0.1:8088/posts/10", "김민수의-첫-번째-글", "http://localhost:8088/", "`7660`", "`example.com`"):
        assert form in refs, form
    show = _section("`wparchive show REF[@V] [--format text|markdown|json|meta] [--no-pager]`")
    for word in ("$PAGER", "LESS=FRX", "--no-pager", "pipe"):
        assert word in show, word
