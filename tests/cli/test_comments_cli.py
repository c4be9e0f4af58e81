"""`show --comments`, `diff --comments`, `verify` and option checks on an archive built from an export
file (no network)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from wparchive.cli import cli

AWKWARD = Path(__file__).resolve().parent.parent / "sources" / "wxr" / "awkward.xml"
REF = "blog.example.org/posts/10"
REPLY = b"""		<wp:comment>
			<wp:comment_id>4</wp:comment_id>
			<wp:comment_author><![CDATA[Cy]]></wp:comment_author>
			<wp:comment_date_gmt><![CDATA[2024-05-04 08:30:00]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Thanks Bob]]></wp:comment_content>
			<wp:comment_approved><![CDATA[0]]></wp:comment_approved>
			<wp:comment_parent>3</wp:comment_parent>
		</wp:comment>
	</item>"""


def run(archive: Path, *args: str):
    return CliRunner().invoke(cli, [args[0], "--archive", str(archive), *args[1:]])


def test_a_new_comment_in_a_later_export_is_a_comment_version_shown_and_diffed(tmp_path):
    archive = tmp_path / "archive"
    assert run(archive, "archive", "--comments", str(AWKWARD)).exit_code == 0
    later = tmp_path / "later.xml"
    data = AWKWARD.read_bytes()
    first_item_end = data.index(b"\t</item>")
    later.write_bytes(data[:first_item_end] + REPLY + data[first_item_end + len(b"\t</item>"):])
    result = run(archive, "archive", "--comments", str(later))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [f"unchanged {REF}", f"new comments {REF} (2 comments)"]
    shown = run(archive, "show", REF, "--comments")
    assert shown.stdout == ("Bob · 2024-05-03 10:00 UTC\n  Nice post\n\n"
                            "  Cy · 2024-05-04 08:30 UTC [hold]\n    Thanks Bob\n")
    assert run(archive, "show", f"{REF}@1", "--comments").stdout == "Bob · 2024-05-03 10:00 UTC\n  Nice post\n"
    diff = run(archive, "diff", REF, "--comments", "--color", "never")
    assert diff.exit_code == 1
    assert [line for line in diff.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")] == [
        "+", "+  Cy · 2024-05-04 08:30 UTC [hold]", "+    Thanks Bob"]
    assert run(archive, "diff", f"{REF}@1", f"{REF}@1", "--comments").exit_code == 0


def test_comment_errors_are_one_line_exit_2(tmp_path):
    archive = tmp_path / "archive"
    assert run(archive, "archive", "--comments", str(AWKWARD)).exit_code == 0
    none = run(archive, "show", "blog.example.org/posts/11", "--comments")
    assert (none.exit_code, none.stderr) == (2, "error: blog.example.org/posts/11 has no archived comments; "
                                                "archive it with --comments\n")
    only_one = run(archive, "diff", REF, "--comments")
    assert only_one.exit_code == 2 and only_one.stderr.startswith(f"error: {REF} has only one version of its comments")
    local = run(archive, "show", REF, "--local-media")
    assert local.exit_code == 2 and "--local-media goes with --format markdown" in local.stderr
    no_media = run(archive, "show", REF, "--format", "markdown", "--local-media")
    assert (no_media.exit_code, no_media.stderr) == (2, f"error: {REF}@1 has no archived media; archive it with "
                                                        "--media first\n")
    media_files = run(archive, "archive", "--media", str(AWKWARD))
    assert media_files.exit_code == 2 and "--media fetches files from the site" in media_files.stderr


def test_verify_reports_an_interrupted_comment_capture(tmp_path):
    archive = tmp_path / "archive"
    assert run(archive, "archive", "--comments", str(AWKWARD)).exit_code == 0
    leftover = archive / "blog.example.org" / "posts" / "10" / "comments" / ".tmp-20240101T000000Z-abc-1234"
    leftover.mkdir()
    result = run(archive, "verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "stray: blog.example.org/posts/10/comments/.tmp-20240101T000000Z-abc-1234: an interrupted capture's "
        "temporary folder; safe to delete", "7 snapshots checked, 1 problems"]
