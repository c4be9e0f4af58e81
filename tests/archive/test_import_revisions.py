"""import_revisions on its own, against a scripted client and a real archive: what it asks, which
pages it reads, and what each imported revision keeps of itself and of its post.

Fast on purpose (mutmut runs the quickest tests first); the site-run and real-WordPress tests of
revisions stay the word on WordPress itself.
"""

import json
from dataclasses import replace
from types import SimpleNamespace

import pytest

from tests.archive.test_listing import Client
from tests.archive.test_listing import response as listing_response
from wparchive.archive.site import import_revisions
from wparchive.archive.store import Archive
from wparchive.archive.summary import TypeSummary
from wparchive.errors import RemoteError, WparchiveError
from wparchive.model import Post
from wparchive.sources.discover import ApiRoot, Fetched

ROUTE = "https://example.com/wp-json/wp/v2/posts/7/revisions"


def response(status=200, body=b"[]", headers=None):
    return listing_response(status, body, headers, url=ROUTE)


EDITOR = object()  # credentials, as far as import_revisions asks: present


PARENT = {"id": 7, "date_gmt": "2024-01-01T00:00:00", "modified_gmt": "2024-03-01T00:00:00", "slug": "p7",
          "status": "publish", "type": "post", "link": "https://example.com/p7/",
          "title": {"rendered": "Now", "raw": "Now"}, "content": {"rendered": "<p>Now text</p>", "raw": "Now text"},
          "excerpt": {"rendered": "<p>Now text</p>\n", "raw": ""}, "author": 2, "categories": [3], "tags": [4]}


def fetched(parent=PARENT, site="https://example.com"):
    # The post as a site run has it: its author and terms looked up by name.
    post = replace(Post.from_api(parent), author="Ed", categories=["News"], tags=["Tag"])
    return Fetched(post, json.dumps(parent).encode(), ApiRoot("https://example.com/wp-json/"), "posts",
                   "https://example.com/wp-json/wp/v2/posts/7", 200, site=site, with_credentials=True)


def revision(rev_id, when, text, *, title="Then", excerpt="", slug="revision", author=5):
    return {"id": rev_id, "parent": 7, "author": author, "modified": when, "modified_gmt": when,
            "slug": f"7-{slug}-v1", "title": {"rendered": title, "raw": title},
            "content": {"rendered": f"<p>{text}</p>", "raw": text},
            "excerpt": {"rendered": f"<p>{excerpt}</p>" if excerpt else "", "raw": excerpt}}


def imported(tmp_path, *answers, autosaves=False, source=None):
    archive = Archive(tmp_path / "a")
    client = Client(*answers, credentials=EDITOR)
    summary = TypeSummary("posts")
    count = import_revisions(archive, SimpleNamespace(client=client), source or fetched(), autosaves, summary)
    key = archive.key_for(Post.from_api(PARENT), "https://example.com", "posts")
    metas = [s.meta() for s in archive.versions(key)]
    texts = [s.read_text("post.txt") for s in archive.versions(key)]
    return count, summary.revisions, client.asked, metas, texts


def test_revisions_need_credentials(tmp_path):
    with pytest.raises(WparchiveError) as error:
        import_revisions(Archive(tmp_path / "a"), SimpleNamespace(client=Client()), fetched())
    assert str(error.value) == ("--revisions needs credentials: WordPress shows revisions only to editors; use "
                                "--user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc")


def test_a_revision_keeps_its_own_text_title_excerpt_and_time_and_its_posts_author_and_terms(tmp_path):
    rev = revision(11, "2024-02-01T00:00:00", "Then text", title="Then title", excerpt="Written then")
    count, counted, asked, [meta], [text] = imported(tmp_path, response(body=[rev]))
    assert (count, counted) == (1, 1)
    assert asked == [(ROUTE, {"per_page": 100, "page": 1, "context": "edit"})]
    assert {k: meta[k] for k in ("captured_at", "title", "excerpt", "author", "categories", "tags", "revision",
                                 "revised_by", "modified_gmt", "with_credentials")} == {
        "captured_at": "2024-02-01T00:00:00Z", "title": "Then title", "excerpt": "Written then", "author": "Ed",
        "categories": ["News"], "tags": ["Tag"], "revision": 11, "revised_by": 5,
        "modified_gmt": "2024-02-01T00:00:00", "with_credentials": True}
    assert meta["source"]["kind"] == "revision"
    assert meta["source"]["api_url"] == ROUTE + "/11"
    assert text == "Then title\n\nThen text\n"


def test_without_an_excerpt_written_a_revision_gets_the_one_wordpress_makes(tmp_path):
    rev = revision(11, "2024-02-01T00:00:00", "Then text, in " + "many " * 60 + "words")
    _, _, _, [meta], _ = imported(tmp_path, response(body=[rev]))
    assert meta["excerpt"] == "Then text, in " + " ".join(["many"] * 52) + " […]"


def test_a_written_excerpt_is_kept_when_the_post_has_none_now(tmp_path):
    rev = revision(11, "2024-02-01T00:00:00", "Then text", excerpt="Written then")
    _, _, _, [meta], _ = imported(tmp_path, response(body=[rev]))
    assert meta["excerpt"] == "Written then"


def test_pages_are_read_to_the_last_one_wordpress_announces(tmp_path):
    pages = [response(body=[revision(10 + i, f"2024-02-0{i + 1}T00:00:00", f"text {i}")],
                      headers={"X-WP-TotalPages": "3"}) for i in range(3)]
    count, _, asked, metas, _ = imported(tmp_path, *pages)
    assert count == 3
    assert [p["page"] for _, p in asked] == [1, 2, 3]
    assert [m["revision"] for m in metas] == [10, 11, 12]


def test_one_page_when_none_is_announced(tmp_path):
    count, _, asked, _, _ = imported(tmp_path, response(body=[revision(10, "2024-02-01T00:00:00", "x")]))
    assert (count, len(asked)) == (1, 1)


def test_an_empty_page_ends_the_revisions(tmp_path):
    count, _, asked, _, _ = imported(tmp_path, response(body=[], headers={"X-WP-TotalPages": "5"}))
    assert (count, len(asked)) == (0, 1)


def test_a_400_past_the_first_page_ends_them(tmp_path):
    first = response(body=[revision(10, "2024-02-01T00:00:00", "x")], headers={"X-WP-TotalPages": "9"})
    count, _, asked, _, _ = imported(tmp_path, first, response(400, body={"code": "rest_invalid_page"}))
    assert (count, len(asked)) == (1, 2)


@pytest.mark.parametrize("pages", [[(400, {"code": "x"})], [(200, [revision(10, "2024-02-01T00:00:00", "x")]),
                                                             (401, {"code": "x"})]])
def test_a_failed_page_is_an_error(tmp_path, pages):
    answers = [response(s, body=b, headers={"X-WP-TotalPages": "2"}) for s, b in pages]
    with pytest.raises(RemoteError) as error:
        imported(tmp_path, *answers)
    assert str(error.value) == f"the revisions of posts/7: HTTP {pages[-1][0]}"


def test_a_byte_that_is_not_utf8_is_replaced(tmp_path):
    body = json.dumps([revision(10, "2024-02-01T00:00:00", "caf\u00e9")]).encode().replace(b"caf\\u00e9", b"caf\xe9")
    _, _, _, _, [text] = imported(tmp_path, response(body=body))
    assert text == "Then\n\ncaf\ufffd\n"


def test_autosaves_are_passed_over_unless_asked_for(tmp_path):
    revs = [revision(12, "2024-02-02T00:00:00", "autosaved", slug="autosave"),
            revision(11, "2024-02-01T00:00:00", "saved")]
    count, _, _, metas, _ = imported(tmp_path, response(body=revs))
    assert (count, [m["revision"] for m in metas]) == (1, [11])
    count, _, _, metas, _ = imported(tmp_path / "2", response(body=revs), autosaves=True)
    assert (count, [m["revision"] for m in metas]) == (2, [11, 12])


def test_an_autosave_first_does_not_stop_the_rest(tmp_path):
    revs = [revision(9, "2024-01-30T00:00:00", "autosaved", slug="autosave"),
            revision(11, "2024-02-01T00:00:00", "saved")]
    count, _, _, metas, _ = imported(tmp_path, response(body=revs))
    assert (count, [m["revision"] for m in metas]) == (1, [11])


def test_the_same_text_keeps_its_earliest_time_whatever_the_order_sent(tmp_path):
    revs = [revision(10, "2024-02-03T00:00:00", "same"), revision(11, "2024-02-01T00:00:00", "same"),
            revision(12, "2024-02-02T00:00:00", "other")]
    _, _, _, metas, _ = imported(tmp_path, response(body=revs))
    assert [(m["captured_at"], m["revision"]) for m in metas] == [
        ("2024-02-01T00:00:00Z", 11), ("2024-02-02T00:00:00Z", 12), ("2024-02-03T00:00:00Z", 10)]


def test_revisions_of_one_second_are_taken_by_id(tmp_path):
    revs = [revision(1, "2024-02-01T00:00:00", "one"), revision(3, "2024-02-01T00:00:00", "three"),
            revision(None, "2024-02-01T00:00:00", "no id")]
    _, _, _, metas, _ = imported(tmp_path, response(body=revs))
    assert [m["revision"] for m in metas] == [None, 1, 3]


def test_a_revision_already_imported_is_passed_over(tmp_path):
    rev = revision(11, "2024-02-01T00:00:00", "Then text")
    assert imported(tmp_path, response(body=[rev]))[0] == 1
    assert imported(tmp_path, response(body=[rev]))[:2] == (0, 0)


def test_revisions_are_filed_under_the_site_run_not_the_link(tmp_path):
    elsewhere = dict(PARENT, link="https://www.example.net/p7/")
    count, _, _, metas, _ = imported(tmp_path, response(body=[revision(11, "2024-02-01T00:00:00", "x")]),
                                     source=fetched(elsewhere))
    assert (count, len(metas)) == (1, 1)
    assert not (tmp_path / "a" / "www.example.net").exists()


def test_autosaves_are_passed_over_by_default(tmp_path):
    revs = [revision(12, "2024-02-02T00:00:00", "autosaved", slug="autosave")]
    client = Client(response(body=revs), credentials=EDITOR)
    assert import_revisions(Archive(tmp_path / "a"), SimpleNamespace(client=client), fetched()) == 0
