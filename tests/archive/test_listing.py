"""The listing on its own, page by page, against a scripted client: every end condition, the
fallback for sites that ignore `modified_after`, resuming and the progress it saves.

Fast on purpose: mutmut runs the quickest tests first, so these decide most of listing.py's mutants
in well under a second (the site-run tests around them take twenty).
"""

import json
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import requests

from wparchive.archive import listing
from wparchive.archive.listing import (
    FAR_FUTURE,
    HONOURED,
    IGNORED,
    Listing,
    gmt,
    iso,
    modified_after_support,
    page_values,
    read_state,
    write_state,
)
from wparchive.errors import RemoteError
from wparchive.sources.discover import ApiRoot

API = ApiRoot("https://example.com/wp-json/")
URL = "https://example.com/wp-json/wp/v2/posts"
CUTOFF = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def response(status=200, body=b"[]", headers=None, url=URL):
    r = requests.Response()
    r.status_code = status
    r._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r.headers.update({"Content-Type": "application/json", **(headers or {})})
    r.url = url
    return r


class Client:
    """Answers each GET with the next scripted response, and records what was asked."""

    def __init__(self, *answers, credentials=None):
        self.answers = list(answers)
        self.asked = []
        self.credentials = credentials

    def get(self, url, params=None):
        self.asked.append((url, dict(params or {})))
        answer = self.answers.pop(0)
        return answer(params) if callable(answer) else answer

    def error_for(self, r, what):
        return RemoteError(f"{what}: HTTP {r.status_code}")


class Owner:
    def __init__(self, client):
        self.client = client
        self.warnings = []
        self.summary = SimpleNamespace(done=0, unchanged=0)

    def warn(self, message):
        self.warnings.append(message)


def posts(*ids, modified="2026-01-01T00:00:00"):
    return [{"id": i, "modified_gmt": modified} for i in ids]


def make(*answers, credentials=None, state_path=None, state=None, **kwargs):
    owner = Owner(Client(*answers, credentials=credentials))
    return owner, Listing(owner, API, "posts", 1, state_path, state if state is not None else {}, **kwargs)


def ids_of(items):
    return [value["id"] for value, _, _ in items]


# -- the small functions ------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("2026-01-02T03:04:05", CUTOFF),
    ("2026-01-02T03:04:05Z", CUTOFF),
    ("2026-01-02T05:04:05+02:00", CUTOFF),
    ("2026-01-02T03:04:05.250000", CUTOFF.replace(microsecond=250000)),
])
def test_gmt_reads_wordpress_and_iso_times_as_utc(value, expected):
    parsed = gmt(value)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0) or value.endswith("+02:00")


def test_gmt_keeps_the_zone_it_is_given():
    assert gmt("2026-01-02T05:04:05+02:00").utcoffset() == timedelta(hours=2)
    assert gmt("2026-01-02T03:04:05").tzinfo is timezone.utc


# A lower-case `z` is no zone WordPress writes (nor one Python reads): not a time.
@pytest.mark.parametrize("value", [None, "", 0, 17, ["2026-01-02T03:04:05"], "yesterday", "2026-13-01T00:00:00",
                                   "2026-01-02T03:04:05z"])
def test_gmt_is_none_for_what_is_no_time(value):
    assert gmt(value) is None


def test_iso_is_utc_to_the_second_without_a_zone():
    local = datetime(2026, 1, 2, 5, 4, 5, 999999, tzinfo=timezone(timedelta(hours=2)))
    assert iso(local) == "2026-01-02T03:04:05"


def test_iso_is_utc_whatever_the_machine_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert iso(CUTOFF) == "2026-01-02T03:04:05"
        _, lst = make(cutoff=CUTOFF)
        assert lst.params()["modified_after"] == "2026-01-02T03:04:05Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_page_values_gives_each_post_with_its_exact_text():
    r = response(body=b'[{"id": 1,  "t": "\\u00e9"}, {"id":2}]')
    assert page_values(r, URL) == [({"id": 1, "t": "é"}, '{"id": 1,  "t": "\\u00e9"}'), ({"id": 2}, '{"id":2}')]


def test_page_values_refuses_an_object():
    with pytest.raises(RemoteError) as error:
        page_values(response(body={"code": "x"}), "https://example.com/listing")
    assert str(error.value) == "https://example.com/listing did not return a list of posts"


def test_read_state_of_a_good_file(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes('{"run": {"page": 3}, "name": "café"}'.encode())
    assert read_state(path) == {"run": {"page": 3}, "name": "café"}


@pytest.mark.parametrize("content", [None, b"", b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe{}"])
def test_read_state_of_a_missing_or_bad_file_is_empty(tmp_path, content):
    path = tmp_path / "s.json"
    if content is not None:
        path.write_bytes(content)
    assert read_state(path) == {}


def test_write_state_writes_one_json_line(tmp_path):
    path = tmp_path / "s.json"
    write_state(path, {"run": {"page": 2}, "name": "café"})
    assert path.read_bytes() == b'{"run": {"page": 2}, "name": "caf\\u00e9"}\n'
    assert read_state(path) == {"run": {"page": 2}, "name": "café"}


@pytest.mark.parametrize("body, expected", [
    ([{"id": 4}], IGNORED), ([], HONOURED), ({"id": 4}, HONOURED)])
def test_modified_after_support_asks_once_with_a_far_cut_off(body, expected):
    client = Client(response(body=body))
    assert modified_after_support(client, API, "pages") == expected
    assert client.asked == [("https://example.com/wp-json/wp/v2/pages",
                             {"per_page": 1, "modified_after": FAR_FUTURE, "_fields": "id"})]
    assert FAR_FUTURE == "2999-12-31T23:59:59Z"


@pytest.mark.parametrize("status", [400, 404, 500])
def test_modified_after_support_reports_a_failed_answer(status):
    client = Client(response(status, body={"code": "rest_invalid_param"}))
    with pytest.raises(RemoteError) as error:
        modified_after_support(client, API, "pages")
    assert str(error.value) == f"the pages listing: HTTP {status}"


def test_modified_after_support_reads_a_399_as_an_answer():
    assert modified_after_support(Client(response(399, body=[{"id": 1}])), API, "posts") == IGNORED


# -- the parameters -------------------------------------------------------------------------------
def test_params_of_a_plain_listing():
    _, lst = make()
    assert (lst.failed_ids, lst.skipped, lst.complete, lst.fallback, lst.saved, lst.primary) == (
        set(), set(), False, False, False, False)
    assert lst.params() == {"per_page": 100, "page": 1, "_embed": "author,wp:term", "orderby": "id", "order": "asc"}


def test_params_with_everything():
    _, lst = make(credentials=object(), cutoff=CUTOFF, order="desc", include=[3, 12])
    lst.page = 4
    assert lst.params() == {"per_page": 100, "page": 4, "_embed": "author,wp:term", "orderby": "id",
                            "order": "desc", "modified_after": "2026-01-02T03:04:05Z", "include": "3,12",
                            "status": "any", "context": "edit"}


def test_params_in_the_fallback_order_by_modified_without_a_cut_off():
    _, lst = make(cutoff=CUTOFF, include=[])
    lst.fallback = True
    assert lst.params() == {"per_page": 100, "page": 1, "_embed": "author,wp:term", "orderby": "modified",
                            "order": "desc"}


# -- the end of a listing ------------------------------------------------------------------------
def test_a_listing_ends_at_an_empty_page():
    owner, lst = make(response(body=posts(1, 2)), response(body=[]))
    assert ids_of(lst.posts()) == [1, 2]
    assert (lst.complete, lst.page, owner.warnings) == (True, 2, [])
    assert [p["page"] for _, p in owner.client.asked] == [1, 2]


def test_a_listing_ends_at_its_announced_last_page():
    owner, lst = make(response(body=posts(1), headers={"X-WP-TotalPages": "2"}),
                      response(body=posts(2), headers={"X-WP-TotalPages": "2"}))
    assert ids_of(lst.posts()) == [1, 2]
    assert (lst.complete, len(owner.client.asked)) == (True, 2)


def test_a_last_page_that_is_not_a_number_does_not_end_it():
    owner, lst = make(response(body=posts(1), headers={"X-WP-TotalPages": "1.0"}), response(body=[]))
    assert ids_of(lst.posts()) == [1]
    assert len(owner.client.asked) == 2


def test_a_400_past_the_first_page_ends_it():
    owner, lst = make(response(body=posts(1)), response(400, body={"code": "rest_post_invalid_page_number"}))
    assert ids_of(lst.posts()) == [1]
    assert lst.complete is True


@pytest.mark.parametrize("status", [400, 401, 500])
def test_a_failed_first_page_is_an_error(status):
    _, lst = make(response(status, body={"code": "x"}))
    with pytest.raises(RemoteError) as error:
        list(lst.posts())
    assert str(error.value) == f"the posts listing page 1: HTTP {status}"
    assert lst.complete is False


def test_a_failed_later_page_is_an_error_naming_it():
    _, lst = make(response(body=posts(1)), response(500, body={}))
    with pytest.raises(RemoteError) as error:
        list(lst.posts())
    assert str(error.value) == "the posts listing page 2: HTTP 500"


def test_a_page_that_brings_nothing_new_ends_it_with_a_warning():
    owner, lst = make(response(body=posts(1, 2)), response(body=posts(2, 1)), response(body=[]))
    assert ids_of(lst.posts()) == [1, 2, 2, 1]
    assert owner.warnings == ["the posts listing page 2 brought no post not already listed; the listing ends "
                              "there (does the site or a cache ignore `page`?)"]
    assert lst.complete is False


@pytest.mark.parametrize("second", [[2, 3], [3, 2]])
def test_a_page_with_one_new_post_goes_on(second):
    owner, lst = make(response(body=posts(1, 2)), response(body=posts(*second)), response(body=[]))
    assert ids_of(lst.posts()) == [1, 2, *second]
    assert (owner.warnings, lst.complete) == ([], True)


def test_ids_are_compared_by_the_first_100_characters_of_their_json():
    # A hostile server's endless ids cost at most 100 characters each to remember.
    a, b = "x" * 98 + "1a", "x" * 98 + "1b"  # json.dumps: a quote, then 98 x, then 1: equal in 100
    owner, lst = make(response(body=[{"id": a}]), response(body=[{"id": b}]))
    assert ids_of(lst.posts()) == [a, b]
    assert owner.warnings[0].startswith("the posts listing page 2 brought no post not already listed")
    c = "x" * 99 + "c"  # differs from a in its 100th character
    owner, lst = make(response(body=[{"id": a}]), response(body=[{"id": c}]), response(body=[]))
    assert ids_of(lst.posts()) == [a, c]
    assert owner.warnings == []


def test_a_page_that_is_no_list_is_an_error_naming_its_url():
    _, lst = make(response(body={"code": "odd"}))
    with pytest.raises(RemoteError) as error:
        list(lst.posts())
    assert str(error.value) == "https://example.com/wp-json/wp/v2/posts did not return a list of posts"


def test_ids_are_told_apart_by_their_json():
    # 1 and "1" are two posts to the listing (json.dumps), not one
    owner, lst = make(response(body=[{"id": 1}]), response(body=[{"id": "1"}]), response(body=[]))
    assert ids_of(lst.posts()) == [1, "1"]
    assert owner.warnings == []


def test_items_that_are_not_objects_are_skipped_and_count_for_nothing():
    owner, lst = make(response(body=[1, "x", None, {"id": 5}]), response(body=[1, "x"]))
    assert ids_of(lst.posts()) == [5]
    assert owner.warnings[0].startswith("the posts listing page 2 brought no post not already listed")


def test_a_listing_past_its_total_ends_with_a_warning():
    # 150 posts fill 2 pages; with PAGE_MARGIN 2 the listing stops after page 4
    pages = [response(body=posts(*range(100 * i + 1, 100 * i + 4)), headers={"X-WP-Total": "150"})
             for i in range(6)]
    owner, lst = make(*pages)
    seen = ids_of(lst.posts())
    assert seen == [i for p in range(4) for i in range(100 * p + 1, 100 * p + 4)]
    assert owner.warnings == ["the posts listing goes on past page 4, more than its 150 posts fill; "
                              "the listing ends there"]
    assert (lst.page, lst.complete, len(owner.client.asked)) == (4, False, 4)


def test_the_total_is_read_from_the_first_page_only():
    totals = []
    pages = [response(body=posts(1), headers={"X-WP-Total": "1"}),
             response(body=posts(2), headers={"X-WP-Total": "900"}),
             response(body=posts(3), headers={"X-WP-Total": "900"}),
             response(body=posts(4))]
    owner, lst = make(*pages, on_total=totals.append)
    assert ids_of(lst.posts()) == [1, 2, 3]
    assert totals == [1]
    assert owner.warnings == ["the posts listing goes on past page 3, more than its 1 posts fill; "
                              "the listing ends there"]


def test_a_total_that_is_not_a_number_sets_no_limit():
    totals = []
    pages = [response(body=posts(i), headers={"X-WP-Total": "-1"}) for i in range(1, 6)] + [response(body=[])]
    owner, lst = make(*pages, on_total=totals.append)
    assert ids_of(lst.posts()) == [1, 2, 3, 4, 5]
    assert (totals, owner.warnings, lst.complete) == ([], [], True)


def test_until_known_ends_at_a_page_of_known_posts():
    owner, lst = make(response(body=posts(9, 8)), response(body=posts(7, 6)), response(body=posts(5)))
    assert ids_of(lst.posts(until_known={6, 7, 5})) == [9, 8]
    assert len(owner.client.asked) == 2
    assert lst.complete is True


def test_until_known_goes_on_while_a_page_has_an_unknown_post():
    owner, lst = make(response(body=posts(9, 8)), response(body=posts(7, 6)), response(body=posts(5)),
                      response(body=[]))
    assert ids_of(lst.posts(until_known={8, 6})) == [9, 7, 5]
    assert len(owner.client.asked) == 4


# -- resuming and the progress saved -------------------------------------------------------------
def test_a_resumed_listing_skips_what_was_captured():
    owner, lst = make(response(body=posts(1, 2, 3, 0, -1)), response(body=[]), done_upto=2)
    assert ids_of(lst.posts()) == [3, 0, -1]
    assert lst.skipped == {1, 2}
    assert lst.done_upto == 2  # kept only by the main listing, which saves it


def test_the_highest_id_done_is_kept_only_for_the_main_ascending_listing(tmp_path):
    _, main = make(response(body=posts(5, 3, 0, True, "7")), response(body=[]), state_path=tmp_path / "s")
    list(main.posts())
    assert main.done_upto == 5
    _, desc = make(response(body=posts(5, 3)), response(body=[]), state_path=tmp_path / "s", order="desc")
    list(desc.posts())
    assert desc.done_upto is None
    _, other = make(response(body=posts(5, 3)), response(body=[]))
    list(other.posts())
    assert other.done_upto is None


def test_progress_is_saved_after_each_page(tmp_path):
    path = tmp_path / "state.json"
    owner, lst = make(response(body=posts(1, 2)), response(body=posts(3)), response(body=[]),
                      state_path=path, state={"types": ["posts"], "run": {"page": 9}}, cutoff=CUTOFF)
    seen = []
    for value, raw, r in lst.posts():
        seen.append((value["id"], raw, r.status_code))
        if value["id"] == 3:
            assert json.loads(path.read_text()) == {
                "types": ["posts"], "run": {"cutoff": "2026-01-02T03:04:05", "page": 2, "last_id": 2}}
    assert seen == [(1, b'{"id": 1, "modified_gmt": "2026-01-01T00:00:00"}', 200),
                    (2, b'{"id": 2, "modified_gmt": "2026-01-01T00:00:00"}', 200), (3, seen[2][1], 200)]
    assert json.loads(path.read_text()) == {
        "types": ["posts"], "run": {"cutoff": "2026-01-02T03:04:05", "page": 3, "last_id": 3}}
    assert lst.saved is True


@pytest.mark.parametrize("page", [[{"id": "x"}], [{"id": 0}], [{"id": -3}], [{"id": True}]])
def test_progress_without_a_cut_off_or_an_id_done(tmp_path, page):
    path = tmp_path / "state.json"
    _, lst = make(response(body=page), response(body=[]), state_path=path)
    list(lst.posts())
    assert json.loads(path.read_text()) == {"run": {"cutoff": None, "page": 2}}
    assert lst.done_upto is None


def test_progress_saves_failures_with_those_of_earlier_runs(tmp_path):
    path = tmp_path / "state.json"
    failed = {9, 4}
    _, lst = make(response(body=posts(1)), response(body=[]), state_path=path,
                  state={"retry": [4, 2, "x", None]}, failed_ids=failed)
    list(lst.posts())
    assert json.loads(path.read_text()) == {"retry": [2, 4, 9], "run": {"cutoff": None, "page": 2, "last_id": 1}}
    assert lst.failed_ids is failed


def test_no_failures_leave_earlier_retries_alone(tmp_path):
    path = tmp_path / "state.json"
    _, lst = make(response(body=posts(1)), response(body=[]), state_path=path, state={"retry": [4, "x"]})
    list(lst.posts())
    assert json.loads(path.read_text())["retry"] == [4, "x"]


def test_a_listing_without_state_saves_nothing(tmp_path):
    _, lst = make(response(body=posts(1)), response(body=[]))
    assert ids_of(lst.posts()) == [1]
    assert lst.saved is False
    assert list(tmp_path.iterdir()) == []


def test_progress_is_saved_every_25_posts_within_a_page_when_something_was_written(tmp_path):
    path = tmp_path / "state.json"
    owner, lst = make(response(body=posts(*range(1, 61))), response(body=[]), state_path=path)
    saves = []
    real = lst._save_progress
    lst._save_progress = lambda page: (saves.append((page, lst.done_upto)), real(page))
    for value, _, _ in lst.posts():
        if value["id"] <= 25 or value["id"] > 50:
            owner.summary.done += 1  # written
        else:
            owner.summary.done += 1
            owner.summary.unchanged += 1  # seen unchanged: nothing written since the last save
    assert saves == [(1, 25), (2, 60)]


def test_a_save_is_asked_for_only_when_posts_were_written_since_the_last():
    owner, lst = make()
    assert lst._wrote_since_save() is False
    owner.summary.done = 3
    assert lst._wrote_since_save() is True
    assert lst._wrote_since_save() is False
    owner.summary.unchanged = 1
    assert lst._wrote_since_save() is True
    owner.summary.done, owner.summary.unchanged = 5, 3
    assert lst._wrote_since_save() is False


# -- sites that ignore modified_after ------------------------------------------------------------
def support_answers(known, asked):
    calls = []

    def support(known_only=False, ask=False):
        calls.append("known" if known_only else "ask")
        return known if known_only else asked
    return support, calls


def test_a_site_known_to_ignore_the_cut_off_is_listed_newest_modified_first():
    support, calls = support_answers(IGNORED, IGNORED)
    old = (CUTOFF - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    new = (CUTOFF + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    page = [{"id": 7, "modified_gmt": new}, {"id": 5, "modified_gmt": "?"}, {"id": 6, "modified_gmt": old},
            {"id": 4, "modified_gmt": new}]
    owner, lst = make(response(body=page), cutoff=CUTOFF, support=support, done_upto=9)
    assert ids_of(lst.posts()) == [7, 5]
    assert (lst.complete, lst.fallback, lst.done_upto, lst.resumed_upto, calls) == (True, True, None, None, ["known"])
    assert owner.client.asked[0][1]["orderby"] == "modified"


def test_a_post_at_the_cut_off_itself_is_still_listed_in_the_fallback():
    support, _ = support_answers(IGNORED, IGNORED)
    page = [{"id": 7, "modified_gmt": "2026-01-02T03:04:05"}]
    _, lst = make(response(body=page), response(body=[]), cutoff=CUTOFF, support=support)
    assert ids_of(lst.posts()) == [7]


def test_the_fallback_without_a_cut_off_lists_everything():
    _, lst = make(response(body=posts(3, 2, modified="2000-01-01T00:00:00")), response(body=[]))
    lst.fallback = True
    assert ids_of(lst.posts()) == [3, 2]


def old_posts(*ids):
    return [{"id": i, "modified_gmt": "2025-01-01T00:00:00"} for i in ids]


def test_odd_posts_on_a_site_whose_answer_is_unknown_ask_it():
    support, calls = support_answers("", IGNORED)
    owner, lst = make(response(body=old_posts(1)), response(body=old_posts(3, 1)), cutoff=CUTOFF,
                      support=support)
    lst.page = 2
    assert ids_of(lst.posts()) == []
    assert calls == ["known", "known", "ask"]
    assert [p["page"] for _, p in owner.client.asked] == [2, 1]
    assert [p["orderby"] for _, p in owner.client.asked] == ["id", "modified"]
    assert lst.complete is True


def test_odd_posts_on_a_site_that_honours_it_are_listed():
    support, calls = support_answers("", HONOURED)
    _, lst = make(response(body=old_posts(1) + posts(2, modified="2026-02-01T00:00:00")), response(body=[]),
                  cutoff=CUTOFF, support=support)
    assert ids_of(lst.posts()) == [1, 2]
    assert calls == ["known", "known", "ask"]
    assert lst.fallback is False


@pytest.mark.parametrize("odd, asked", [(3, False), (4, True)])
def test_a_site_known_to_honour_it_is_asked_again_past_three_odd_posts(odd, asked):
    support, calls = support_answers(HONOURED, HONOURED)
    _, lst = make(response(body=old_posts(*range(1, odd + 1))), response(body=[]), cutoff=CUTOFF, support=support)
    assert ids_of(lst.posts()) == list(range(1, odd + 1))
    assert ("ask" in calls) is asked


@pytest.mark.parametrize("odd, asked", [(10, False), (11, True)])
def test_on_a_full_page_more_than_a_tenth_odd_asks_again(odd, asked):
    support, calls = support_answers(HONOURED, HONOURED)
    page = old_posts(*range(1, odd + 1)) + posts(*range(odd + 1, 101), modified="2026-02-01T00:00:00")
    _, lst = make(response(body=page), response(body=[]), cutoff=CUTOFF, support=support)
    assert len(ids_of(lst.posts())) == 100
    assert ("ask" in calls) is asked


def test_no_odd_posts_ask_nothing():
    support, calls = support_answers("", IGNORED)
    _, lst = make(response(body=posts(5, modified="2026-02-01T00:00:00") + [{"id": 6}, 3]), response(body=[]),
                  cutoff=CUTOFF, support=support)
    assert ids_of(lst.posts()) == [5, 6]
    assert calls == ["known"]


def test_without_a_cut_off_the_site_is_never_asked():
    support, calls = support_answers(IGNORED, IGNORED)
    _, lst = make(response(body=old_posts(1)), response(body=[]), support=support)
    assert ids_of(lst.posts()) == [1]
    assert calls == []


def test_the_suspicious_count_is_by_gmt_time():
    _, lst = make(cutoff=CUTOFF)
    values = [({"modified_gmt": "2026-01-02T03:04:04"}, ""), ({"modified_gmt": "2026-01-02T03:04:05"}, ""),
              ({"modified_gmt": "2026-01-02T05:04:04+02:00"}, ""), ({"modified_gmt": None}, ""), (None, ""),
              ({}, "")]
    assert lst._suspicious(values) == 2


def test_the_constants_the_readme_describes():
    assert (listing.PER_PAGE, listing.PAGE_MARGIN, listing.SAVE_EVERY) == (100, 2, 25)
    assert (HONOURED, IGNORED) == ("honoured", "ignored")
