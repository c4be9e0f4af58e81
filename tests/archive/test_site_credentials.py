"""Credentials and post passwords refused during a site run, each said exactly (archive/site.py's
`_check_credentials`, `_error_code` and `_password_error`, which mutants changed unnoticed)."""

import pytest

from tests.archive.test_site_missing import CREDENTIALS, answer_for_post_3
from tests.archive.test_site_mock import ids, run

REFUSED = ("check the application password (WPARCHIVE_APP_PASSWORD or ~/.netrc), and that the server passes "
           "the Authorization header to PHP")


def answer_users_me(site, monkeypatch, status, body):
    real = site.handle

    def handle(method, url, headers=None):
        if "/wp/v2/users/me" in url:
            return status, {"Content-Type": "application/json"}, body
        return real(method, url, headers)

    monkeypatch.setattr(site, "handle", handle)


@pytest.mark.parametrize("status,body,detail", [
    (401, b'{"code": "incorrect_password", "message": "The password is wrong."}', "HTTP 401 incorrect_password"),
    (403, b'{"code": "", "message": "No."}', "HTTP 403"),
    (401, b'["not an object"]', "HTTP 401"),
    (401, b"<html>no</html>", "HTTP 401"),
])
def test_refused_credentials_are_said_before_any_listing(site, tmp_path, monkeypatch, status, body, detail):
    site.n = 2
    answer_users_me(site, monkeypatch, status, body)
    result = run(tmp_path, "--user", "editor", env=CREDENTIALS)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == f"error: credentials for editor refused by example.com ({detail}); {REFUSED}\n"


def test_a_failing_credentials_check_is_an_error(site, tmp_path, monkeypatch):
    site.n = 2
    answer_users_me(site, monkeypatch, 500, b'{"code": "boom", "message": "Broken."}')
    result = run(tmp_path, "--user", "editor", env=CREDENTIALS)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == ("error: https://example.com/wp-json/wp/v2/users/me answered HTTP 500 boom: Broken.\n")


WRONG = "the password given for it was refused (HTTP 403); check --post-passwords or --post-password"


def test_a_wrong_post_password_fails_that_post(site, tmp_path):
    site.n = 3
    site.passwords[2] = "open sesame"
    result = run(tmp_path, "--post-password", "wrong")
    assert (result.exit_code, ids(result.stdout)) == (4, "new example.com/posts/1@ID\n"
                                                          f"failed example.com/posts/2: {WRONG}\n"
                                                          "new example.com/posts/3@ID\n")


@pytest.mark.parametrize("status,body,why", [
    (403, b'{"code": "rest_post_incorrect_password", "message": "Incorrect post password."}', WRONG),
    (500, b'{"code": "boom", "message": "Broken."}',
     "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm&password=*** answered HTTP 500 "
     "boom: Broken."),
])
def test_a_password_given_later_that_fails(site, tmp_path, monkeypatch, status, body, why):
    site.n = 3
    site.passwords[3] = "open sesame"
    assert run(tmp_path, "--quiet").exit_code == 0  # archived without its content
    answer_for_post_3(site, monkeypatch, status, body)
    result = run(tmp_path, "--post-password", "wrong")
    assert (result.exit_code, ids(result.stdout)) == (4, f"failed example.com/posts/3: {why}\n")


def test_a_listed_protected_post_is_asked_for_with_its_own_password_and_kept_when_none_is_given(site, tmp_path):
    site.n = 2
    site.passwords[2] = "open sesame"
    passwords = tmp_path / "passwords"
    passwords.write_text("2 open sesame\n")
    passwords.chmod(0o600)
    result = run(tmp_path, "--post-passwords", str(passwords))
    assert (result.exit_code, ids(result.stdout)) == (0, "new example.com/posts/1@ID\nnew example.com/posts/2@ID\n")
    [text] = (tmp_path / "a/example.com/posts/2").glob("*/post.txt")
    assert text.read_text().startswith("Post 2\n\nPost 2 says: ")
    result = run(tmp_path, "--full")
    assert (result.exit_code, ids(result.stdout)) == (0, "unchanged example.com/posts/1\nprotected example.com/posts/2: "
                                                         "archived with its content before; no password given this run\n")
