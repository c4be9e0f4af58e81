"""SiteArchiver used as a library (its defaults, its callbacks, what it records of each capture), and
site-run edges that mutants of site.py changed unnoticed: a remembered API root that moved, a type
that cannot be a folder, a credentials check that answers 400, another type's stale temporaries."""

import json

from tests.archive.test_site_missing import CREDENTIALS
from tests.archive.test_site_mock import SITE, run
from wparchive.archive.site import SiteArchiver
from wparchive.archive.store import Archive
from wparchive.sources.discover import Locator
from wparchive.sources.rest import Client
from wparchive.sources.transport import Credentials


def test_by_default_a_library_run_archives_the_posts_and_says_its_total(site, tmp_path):
    site.n, site.pages = 3, 2
    totals = []
    summary = SiteArchiver(Archive(tmp_path / "a"), Locator(Client(retries=0)), SITE, on_total=totals.append).run()
    assert (summary.new, totals) == (3, [3])
    assert not (tmp_path / "a/example.com/pages").exists()
    [meta] = (tmp_path / "a/example.com/posts/1").glob("*/snapshot.json")
    assert json.loads(meta.read_text())["source"] == {
        "kind": "api", "url": "https://example.com/2024/01/post-1/", "http_status": 200, "etag": None,
        "last_modified": None, "api_url": "https://example.com/wp-json/wp/v2/posts/1?_embed=author,wp:term"}


def test_by_default_a_library_run_with_revisions_passes_autosaves_over(site, tmp_path):
    from tests.archive.test_site_mock import revision
    site.n = 1
    site.revisions[1] = [revision(1, 12, "2023-06-03T00:00:00", "autosaved", "autosave"),
                         revision(1, 11, "2023-06-02T00:00:00", "saved")]
    client = Client(retries=0, credentials=Credentials("editor", "abcd efgh"))
    summary = SiteArchiver(Archive(tmp_path / "a"), Locator(client), SITE).run(revisions=True)
    assert summary.revisions == 1


def test_a_remembered_api_root_that_moved_is_found_again(site, tmp_path):
    site.n = 2
    (tmp_path / "a/example.com").mkdir(parents=True)
    (tmp_path / "a/example.com/.site.json").write_text(json.dumps({"api_root": SITE + "/old-json/"}))
    result = run(tmp_path, "--quiet")
    assert (result.exit_code, result.stderr) == (0, "2 of 2 posts: 2 new, 0 changed, 0 unchanged, 0 protected, 0 failed\n")
    assert json.loads((tmp_path / "a/example.com/.site.json").read_text())["api_root"] == SITE + "/wp-json/"


def test_a_type_that_cannot_be_a_folder_under_its_own_name_is_refused(site, tmp_path):
    result = run(tmp_path, "--type", "con")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --type con cannot be stored as a folder under its own name (reserved or too long)\n"


def test_a_credentials_check_that_answers_400_is_an_error(site, tmp_path, monkeypatch):
    real = site.handle

    def handle(method, url, headers=None):
        if "/wp/v2/users/me" in url:
            return 400, {"Content-Type": "application/json"}, b'{"code": "rest_bad", "message": "Bad."}'
        return real(method, url, headers)
    monkeypatch.setattr(site, "handle", handle)
    result = run(tmp_path, "--quiet", "--user", "editor", env=CREDENTIALS)
    assert (result.exit_code, result.stderr) == (
        3, "error: https://example.com/wp-json/wp/v2/users/me answered HTTP 400 rest_bad: Bad.\n")


def test_a_run_of_pages_removes_the_stale_temporaries_of_pages(site, tmp_path):
    site.n, site.pages = 1, 1
    assert run(tmp_path, "--quiet", "--type", "pages").exit_code == 0
    stale = tmp_path / "a/example.com/pages/.state.json.killed.tmp"  # a state file a killed run was writing
    stale.write_text("{")
    assert run(tmp_path, "--quiet", "--type", "pages").exit_code == 0
    assert not stale.exists()


def test_an_empty_site_announces_a_total_of_nothing(site, tmp_path):
    site.n = 0
    totals = []
    SiteArchiver(Archive(tmp_path / "a"), Locator(Client(retries=0)), SITE, on_total=totals.append).run()
    assert totals == [0]


def test_a_full_run_whose_api_root_moved_is_still_full(site, tmp_path):
    site.n = 2
    assert run(tmp_path, "--quiet").exit_code == 0
    state = tmp_path / "a/example.com/.site.json"
    state.write_text(json.dumps(dict(json.loads(state.read_text()), api_root=SITE + "/old-json/")))
    site.deleted.add(2)
    result = run(tmp_path, "--full")
    assert (result.exit_code, result.stdout) == (0, "unchanged example.com/posts/1\ngone example.com/posts/2\n")
