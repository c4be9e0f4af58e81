"""Reading saved dumps: every format the issue lists, damaged input salvaged, non-posts refused."""

import json

import pytest

from tests.conftest import FIXTURES
from wparchive.errors import InputError
from wparchive.render import render_text
from wparchive.sources.dump import HINT, read_dump

SEED = FIXTURES / "000_c02e2c25f0edbb6d.txt"

POST = {
    "id": 12, "date_gmt": "2024-05-01T10:00:00", "modified_gmt": "2024-05-02T10:00:00",
    "slug": "hello", "status": "publish", "type": "post", "link": "https://ex.com/2024/05/hello/",
    "title": {"rendered": "Hello &amp; welcome"}, "content": {"rendered": "<p>Body text.</p>", "protected": False},
    "excerpt": {"rendered": "<p>Ex</p>"}, "author": 3, "categories": [5, 6], "tags": [9],
}


def one(data: bytes):
    dump = read_dump(data, "in.json")
    assert len(dump.posts) == 1
    return dump.posts[0]


def test_seed_salvaged_to_title_and_four_paragraphs():
    dump = read_dump(SEED.read_bytes(), "seed.txt")
    (item,) = dump.posts
    post = item.post
    assert (post.id, post.slug, post.date_gmt, post.modified_gmt) == (
        7660, "why-did-north-korea-withdraw-from-the-npt", "2023-12-28T20:20:27", "2023-12-28T20:20:27")
    assert post.link == "https://www.northkoreainfo.com/why-did-north-korea-withdraw-from-the-npt/"
    text = render_text(post)
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "Why Did North Korea Withdraw From The Npt"
    assert len(blocks) == 5
    assert blocks[1].startswith("North Korea\u2019s withdrawal from the Nuclear Non-Proliferation Treaty")
    assert blocks[2].startswith("The decision to withdraw showed")
    assert blocks[3].startswith("Much of Pyongyang\u2019s decision")
    assert blocks[4].endswith("and the utilization of its various resources.")
    assert "</p>" not in text and "\\n" not in text
    assert item.salvage == {
        "truncated": True, "cut_in": "content.rendered", "unreadable_from": None,
        "repairs": ["9 raw control characters inside strings read as text"],
        "missing_fields": ["excerpt", "author", "featured_media", "comment_status", "ping_status",
                           "sticky", "template", "format", "meta", "categories", "tags"],
    }
    assert dump.warnings == [
        "seed.txt: damaged dump, post 7660 salvaged: cut off inside content.rendered; 9 raw control "
        "characters inside strings read as text; missing excerpt, author, featured_media, comment_status, "
        "ping_status, sticky, template, format, meta, categories, tags"]
    assert item.raw == SEED.read_bytes()


def test_single_object_keeps_bytes_and_fields():
    data = json.dumps(POST).encode()
    item = one(data)
    assert item.raw == data and item.salvage is None
    assert item.post.title_html == "Hello &amp; welcome"
    assert item.post.categories == (5, 6) and item.post.author == 3


def test_array_page_splits_into_posts_with_their_own_bytes():
    second = dict(POST, id=13, slug="two")
    data = ("[ " + json.dumps(POST) + " ,\n" + json.dumps(second) + "]").encode()
    dump = read_dump(data, "page.json")
    assert [p.post.id for p in dump.posts] == [12, 13]
    assert dump.posts[1].raw == json.dumps(second).encode()


def test_json_lines_with_a_bad_line_converts_the_rest():
    data = (json.dumps(POST) + "\n{broken\n" + json.dumps(dict(POST, id=14)) + "\n").encode()
    dump = read_dump(data, "posts.jsonl")
    assert [p.post.id for p in dump.posts] == [12, 14]
    assert dump.warnings == ["posts.jsonl: line 2: not valid JSON (Expecting property name enclosed in "
                             "double quotes); skipped"]


def test_embedded_names_for_author_and_terms():
    obj = dict(POST, _embedded={
        "author": [{"id": 3, "name": "Jane Doe"}],
        "wp:term": [[{"id": 5, "taxonomy": "category", "name": "News"},
                     {"id": 6, "taxonomy": "category", "name": "World"}],
                    [{"id": 9, "taxonomy": "post_tag", "name": "npt"}]]})
    post = one(json.dumps(obj).encode()).post
    assert (post.author, post.categories, post.tags) == ("Jane Doe", ("News", "World"), ("npt",))


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""), ("utf-16-be", b""),
])
def test_encodings(encoding, bom):
    obj = dict(POST, title={"rendered": "Ça va \u2014 東京"})
    item = one(bom + json.dumps(obj, ensure_ascii=False).encode(encoding))
    assert render_text(item.post).startswith("Ça va \u2014 東京\n\n")


def test_fields_filtered_and_content_shapes():
    assert render_text(one(b'{"id": 1, "title": {"rendered": "Only"}}').post) == "Only\n"
    assert render_text(one(b'{"id": 2, "content": "<p>bare</p>"}').post) == "bare\n"
    raw = one(b'{"id": 3, "title": {"raw": "T"}, "content": {"raw": "<!-- wp:paragraph --><p>r</p>"}}')
    assert render_text(raw.post) == "T\n\nr\n"


@pytest.mark.parametrize("data,message", [
    (b"", "in.json is empty"),
    (b"   \n", "in.json is empty"),
    (b"null", "in.json is a JSON null, not a post"),
    (b"42", "in.json is a JSON number, not a post"),
    (b'"text"', "in.json is a JSON string, not a post"),
    (b"[]", "in.json is an empty JSON array: no posts in it"),
    (b"<!DOCTYPE html><html><head><title>Just a moment</title></head></html>",
     "in.json is an HTML page, not a JSON dump"),
    (b'{"code":"rest_no_route","message":"No route was found.","data":{"status":404}}',
     "in.json is a WordPress error response (HTTP 404): rest_no_route: No route was found."),
    (b'{"name": "My site", "namespaces": []}',
     "in.json is a JSON object without any post fields (id, title, content)"),
    (b"[1, 2]", "in.json holds no WordPress post (item 0 is a JSON number, not a post; skipped)"),
    (b"[" * 200_000, "in.json is not a usable dump: nested deeper than 512 levels"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "in.json is binary data, not a JSON dump"),
])
def test_not_a_post(data, message):
    with pytest.raises(InputError) as info:
        read_dump(data, "in.json")
    assert str(info.value) == f"{message}; {HINT}"


def test_nul_bytes_and_lone_surrogates():
    item = one(b'{"id": 5, "title": {"rendered": "a\\u0000b \\ud800 c"}, "content": {"rendered": "x\x00y"}}')
    assert render_text(item.post) == "ab \ufffd c\n\nxy\n"
    assert item.salvage["repairs"] == ["1 raw control characters inside strings read as text"]


def test_truncated_array_keeps_whole_items_and_salvages_the_last():
    data = ("[" + json.dumps(POST) + ", " + json.dumps(dict(POST, id=13))[:-40]).encode()
    dump = read_dump(data, "page.json")
    assert [p.post.id for p in dump.posts] == [12, 13]
    assert dump.posts[0].salvage is None
    assert dump.posts[1].salvage["truncated"] is True


def test_large_damaged_input_is_quick_enough_to_finish():
    body = "<p>" + "word " * 600_000 + "</p>"
    data = ('{"id": 1, "content": {"rendered": "' + body).encode()  # 3 MB, cut off
    item = one(data)
    assert item.salvage["cut_in"] == "content.rendered"
    assert render_text(item.post).count("word") == 600_000


# -- issue 8: only posts are taken -------------------------------------------------------------------------

TERM = {"id": 5, "count": 3, "description": "", "link": "https://ex.com/category/news/", "name": "News",
        "slug": "news", "taxonomy": "category", "parent": 0, "meta": []}
USER = {"id": 1, "name": "admin", "url": "", "description": "", "link": "https://ex.com/author/admin/",
        "slug": "admin", "avatar_urls": {"24": "https://ex.com/a.png"}, "meta": []}
SEARCH = {"id": 12, "title": "Hello", "url": "https://ex.com/hello/", "type": "post", "subtype": "post"}


@pytest.mark.parametrize(("value", "said"), [
    ([TERM, dict(TERM, id=6)], "is a /wp/v2/categories listing (terms), not posts"),
    (TERM, "is a /wp/v2/categories item (a term), not a post"),
    ([dict(TERM, taxonomy="post_tag")], "is a /wp/v2/tags listing (terms), not posts"),
    ([dict(TERM, taxonomy="genre")], "is a /wp/v2/genre listing (terms), not posts"),
    ([USER], "is a /wp/v2/users listing (users), not posts"),
    ([SEARCH], "is a /wp/v2/search listing (search results), not posts"),
    ({"publish": {"name": "Published", "public": True, "queryable": True, "slug": "publish"}},
     "is a /wp/v2/statuses listing (post statuses), not posts"),
])
def test_non_post_objects_are_refused_naming_what_they_are(value, said):
    with pytest.raises(InputError) as error:
        read_dump(json.dumps(value).encode(), "in.json")
    assert str(error.value) == f"in.json {said}; {HINT}"


def test_a_dump_mixing_posts_and_terms_keeps_the_posts_and_lists_the_rest():
    dump = read_dump(json.dumps([POST, TERM]).encode(), "in.json")
    assert [p.post.id for p in dump.posts] == [12]
    assert dump.refused == ["in.json: item 1 is a /wp/v2/categories item (a term), not a post; "
                            "nothing was taken from it"]


def test_terms_are_sorted_and_decoded_and_title_prefixes_dropped():
    from wparchive.model import Post
    from wparchive.render.document import content_hash

    embedded = {"wp:term": [[{"id": 5, "name": "News &amp; Views", "taxonomy": "category"},
                             {"id": 6, "name": "Alpha", "taxonomy": "category"}]]}
    one_order = Post.from_api(dict(POST, categories=[5, 6, 7], _embedded=embedded))
    other = Post.from_api(dict(POST, categories=[7, 6, 5], _embedded=embedded))
    assert one_order.categories == other.categories == ("Alpha", "News & Views", 7)
    assert content_hash(one_order) == content_hash(other)
    private = Post.from_api(dict(POST, status="private", title={"rendered": "Private: Hello", "raw": "Hello"}))
    protected = Post.from_api(dict(POST, title={"rendered": "Protected: Hello"},
                                   content={"rendered": "<p>Body text.</p>", "protected": True}))
    assert private.title_html == protected.title_html == "Hello"
    # A public post may be called "Private: ..." by its author: only WordPress's own prefix goes.
    assert Post.from_api(dict(POST, title={"rendered": "Private: Hello"})).title_html == "Private: Hello"


def test_a_cut_off_array_of_numbers_is_refused_not_a_crash():
    # Cut off after bare numbers: the salvage record is only for objects; before, a TypeError escaped.
    with pytest.raises(InputError) as err:
        read_dump(b"[1, 2", "cut.json")
    assert str(err.value) == (f"cut.json holds no WordPress post (item 0 is a JSON number, not a post; skipped); "
                              f"{HINT}")
