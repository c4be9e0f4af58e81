"""`convert` of a password-protected post saved from the real WordPress (issue 17): WordPress sends such a
post to anyone without its password with `content: {"rendered": "", "protected": true}`; the empty body is
not the post's text, so `convert` says so, and the Markdown front matter carries `protected`."""

from __future__ import annotations

import uuid

from click.testing import CliRunner

from wparchive.cli import cli


def test_convert_warns_about_a_protected_post_with_an_empty_body(wordpress, tmp_path):
    token = uuid.uuid4().hex[:8]
    post = wordpress.create_post(f"Protected {token}", "<p>Only with the password.</p>", password=f"pw-{token}")
    saved = tmp_path / "protected.json"
    saved.write_bytes(wordpress.rest("GET", f"/wp/v2/posts/{post['id']}", auth=False).content)

    result = CliRunner().invoke(cli, ["convert", "--format", "markdown", str(saved)])
    assert result.exit_code == 0
    assert result.stderr == (f"warning: {saved}: post {post['id']} is password-protected and its body is empty in "
                             "this dump; fetch it with 'wparchive archive --post-password'\n")
    front = result.stdout.split("---\n")[1]
    assert f'title: "Protected {token}"\n' in front and "\nprotected: true\n" in front
    assert result.stdout.endswith("---\n")  # no body: nothing after the front matter

    # The same post fetched with its password has a body: no warning.
    with_password = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}", auth=False,
                                   params={"password": f"pw-{token}"})
    saved.write_bytes(with_password.content)
    result = CliRunner().invoke(cli, ["convert", str(saved)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Protected {token}\n\nOnly with the password.\n"
