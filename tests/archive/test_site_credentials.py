"""Credentials and post passwords during a site run: refused ones said exactly, protected posts
unlocked by a later run's passwords, and the small readers of site.py (`Date`, `--since`), each of
which mutants changed unnoticed."""

from datetime import datetime, timezone

import pytest

from tests.archive.test_site_missing import CREDENTIALS, answer_for_post_3
from tests.archive.test_site_mock import ids, run
from wparchive.archive.site import _http_date, since_date
from wparchive.errors import WparchiveError

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


def passwords_file(tmp_path, *lines):
    path = tmp_path / "passwords"
    path.write_text("".join(line + "\n" for line in lines))
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize("key", ["3", "https://example.com/2024/01/post-3/"])
def test_a_post_archived_without_its_content_is_unlocked_by_a_later_run_with_its_password(site, tmp_path, key):
    # The later run is incremental: it sees post 1 (edited) and post 4 (the newest ID). Post 3 is asked
    # for by its ID because a password for it is given now; the passwords of post 1 (seen) and post 2
    # (archived with its content) are passed over, and the next one still used.
    site.n = 4
    site.passwords[3] = "open sesame"
    assert ids(run(tmp_path).stdout) == ("new example.com/posts/1@ID\nnew example.com/posts/2@ID\nprotected "
                                         "example.com/posts/3@ID (content withheld: no password)\n"
                                         "new example.com/posts/4@ID\n")
    site.requests.clear()
    site.edits[1] = 1
    result = run(tmp_path, "--post-passwords", passwords_file(tmp_path, "1 nothing", "2 nothing",
                                                              f"{key} open sesame"))
    assert (result.exit_code, ids(result.stdout)) == (0, "new example.com/posts/1@ID\nunchanged example.com/posts/4\n"
                                                         "new example.com/posts/3@ID\n")
    assert [u for u in site.requests if "/posts/3?" in u] == [
        "https://example.com/wp-json/wp/v2/posts/3?_embed=author%2Cwp%3Aterm&password=open+sesame"]
    texts = sorted((tmp_path / "a/example.com/posts/3").glob("*/post.txt"))
    assert texts[-1].read_text().startswith("Post 3\n\nPost 3 says: ")


def test_a_site_run_says_how_many_revisions_it_imported(site, tmp_path):
    from tests.archive.test_site_mock import revision
    site.n = 1
    site.revisions[1] = [revision(1, 11, "2023-06-02T00:00:00", "second draft"),
                         revision(1, 10, "2023-06-01T00:00:00", "first draft")]
    result = run(tmp_path, "--revisions", "--user", "editor", env=CREDENTIALS)
    assert (result.exit_code, ids(result.stdout)) == (0, "new example.com/posts/1@ID (2 revisions imported)\n")


@pytest.mark.parametrize("value, expected", [
    ("Mon, 01 Jan 2024 00:00:00 GMT", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("Mon, 01 Jan 2024 00:00:00 -0000", datetime(2024, 1, 1, tzinfo=timezone.utc)),  # RFC 5322's no zone
    ("Mon, 01 Jan 2024 02:00:00 +0200", datetime(2024, 1, 1, tzinfo=timezone.utc)),
    ("yesterday", None), ("", None), (None, None),
])
def test_the_servers_clock_is_read_from_its_date_header(value, expected):
    parsed = _http_date(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() is not None


@pytest.mark.parametrize("text, expected", [
    ("2024-01-02", datetime(2024, 1, 2, tzinfo=timezone.utc)),
    ("2024-01-02T03:04:05+02:00", datetime(2024, 1, 2, 1, 4, 5, tzinfo=timezone.utc))])
def test_since_takes_a_date_as_utc_unless_it_names_a_zone(text, expected):
    assert since_date(text) == expected


def test_since_refuses_what_is_no_date():
    with pytest.raises(WparchiveError) as error:
        since_date("last week")
    assert str(error.value) == "--since last week is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
