"""Incremental site runs: resuming from the progress a stopped one saved, asking the site at most once
a run whether it honours `modified_after`, the newest IDs, and passwords given later (site.py's
`_run_type`, `_support` and `_unlock_with_passwords`, whose mutants survived)."""

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from tests.archive.test_site_mock import ids, listing_requests, run

FAR_FUTURE = "modified_after=2999-12-31T23%3A59%3A59Z"


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def save_state(tmp_path, state):
    path = tmp_path / "a/example.com/posts/.state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state))


def new_ids(stdout):
    return [int(line.rsplit("/", 1)[1].split("@")[0]) for line in ids(stdout).splitlines() if line.startswith("new ")]


def test_a_full_run_resumes_one_page_before_the_page_saved_past_the_last_id_done(site, tmp_path):
    site.n = 250
    save_state(tmp_path, {"run": {"cutoff": None, "page": 3, "last_id": 180}})
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert [query(u)["page"] for u in listing_requests(site) if "orderby=id" in u] == ["2", "3"]
    assert new_ids(result.stdout) == list(range(181, 251))


def test_a_last_id_that_is_no_number_is_not_taken(site, tmp_path):
    site.n = 3
    save_state(tmp_path, {"run": {"cutoff": None, "page": 1, "last_id": True}})
    assert new_ids(run(tmp_path).stdout) == [1, 2, 3]


def test_an_incremental_run_resumes_only_its_own_cut_off(site, tmp_path):
    site.n = 250
    assert run(tmp_path, "--quiet").exit_code == 0
    state = json.loads((tmp_path / "a/example.com/posts/.state.json").read_text())
    high_water = datetime.fromisoformat(state["high_water"]).replace(tzinfo=timezone.utc)
    cutoff = (high_water - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    for saved, first_page in ((cutoff, "2"), ("2001-01-01T00:00:00", "1")):
        save_state(tmp_path, dict(state, run={"cutoff": saved, "page": 3}))
        site.requests.clear()
        assert run(tmp_path, "--quiet").exit_code == 0
        [first, *_] = [u for u in listing_requests(site) if "orderby=id&order=asc" in u]
        assert (query(first)["page"], query(first)["modified_after"]) == (first_page, cutoff + "Z")


def test_a_site_known_to_ignore_modified_after_is_listed_by_modified_at_once(site, tmp_path):
    site.n = 3
    site.honour_modified_after = False
    assert run(tmp_path, "--quiet").exit_code == 0
    assert json.loads((tmp_path / "a/example.com/.site.json").read_text())["modified_after"] == "ignored"
    site.requests.clear()
    assert run(tmp_path, "--quiet").exit_code == 0
    listed = listing_requests(site)
    assert not any(FAR_FUTURE in u for u in listed)
    assert (query(listed[0])["orderby"], query(listed[0])["order"]) == ("modified", "desc")


def test_a_question_that_fails_is_asked_once_a_listing(site, tmp_path, monkeypatch):
    site.n = 250
    real = site.handle

    def handle(method, url, headers=None):
        if FAR_FUTURE in url:
            site.requests.append(url)
            return 500, {"Content-Type": "application/json"}, b'{"code": "boom", "message": "Broken."}'
        return real(method, url, headers)
    monkeypatch.setattr(site, "handle", handle)
    assert run(tmp_path, "--quiet").exit_code == 0
    assert sum(FAR_FUTURE in u for u in site.requests) == 1
    # Next run: every page brings posts older than the cut-off (the site ignores it now); the question
    # is asked on the first such page, and once more at the end (the answer is still not known).
    site.honour_modified_after = False
    site.requests.clear()
    assert run(tmp_path, "--quiet").exit_code == 0
    assert sum(FAR_FUTURE in u for u in site.requests) == 2
    assert "modified_after" not in json.loads((tmp_path / "a/example.com/.site.json").read_text())


def test_the_newest_ids_of_pages_stop_at_the_pages_known(site, tmp_path):
    site.n, site.pages = 3, 3
    assert run(tmp_path, "--quiet", "--type", "pages").exit_code == 0
    result = run(tmp_path, "--type", "pages")
    assert (result.exit_code, result.stdout) == (0, "unchanged example.com/pages/100003\n")


def test_a_wrong_password_fails_that_post_and_the_next_is_unlocked(site, tmp_path):
    site.n = 3
    site.passwords[1] = site.passwords[2] = "open sesame"
    run(tmp_path, "--quiet")
    passwords = tmp_path / "passwords"
    passwords.write_text("1 wrong\n2 open sesame\n")
    passwords.chmod(0o600)
    result = run(tmp_path, "--post-passwords", str(passwords))
    assert (result.exit_code, ids(result.stdout)) == (4, (
        "unchanged example.com/posts/3\nfailed example.com/posts/1: the password given for it was refused (HTTP 403); "
        "check --post-passwords or --post-password\nnew example.com/posts/2@ID\n"))
