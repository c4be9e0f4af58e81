"""Reading dumps at their edges: what a non-dump is called, UTF-16 without a byte-order mark, salvaged
posts' exact bytes and records, JSON Lines' skipped lines, and the file and folder errors.

Each case pins a line of sources/dump.py that a mutant (bench/mutation.sh) changed unnoticed.
"""

import io
import json
import sys
from types import SimpleNamespace

import pytest

from wparchive.errors import InputError
from wparchive.sources.dump import HINT, expand_sources, read_dump, read_path, salvage_summary

POST = {"id": 12, "title": {"raw": "T"}}


def refusal(data: bytes) -> str:
    with pytest.raises(InputError) as info:
        read_dump(data, "in.json")
    message = str(info.value)
    assert message.startswith("in.json ") and message.endswith(f"; {HINT}")
    return message[len("in.json "):-len(f"; {HINT}")]


@pytest.mark.parametrize("text,what", [
    ("  \n <html>blocked", "is an HTML page, not a JSON dump"),  # leading blanks are skipped
    ("<HTML>", "is an HTML page, not a JSON dump"),
    ("<!DOCTYPE x>", "is an HTML page, not a JSON dump"),
    ("<head>", "is an HTML page, not a JSON dump"),
    ("<body>", "is an HTML page, not a JSON dump"),
    ("<p>hi</p>", "is markup, not a JSON dump"),
    # only the first 200 characters are looked at: this <body> starts at 196 and ends past them
    ("<" + "x" * 195 + "<body>", "is markup, not a JSON dump"),
    ("<" + "x" * 194 + "<body>", "is an HTML page, not a JSON dump"),
    ("x\n" * 100, "is not JSON"),  # line breaks and tabs are not binary
    ("x\t" * 100, "is not JSON"),
    ("a" + " " * 60 + "b", "is not JSON"),  # spaces are text
    ("\ufffd" * 30, "is binary data, not a JSON dump"),
    # one control character in ten is text; one more is binary; only the first 512 are counted
    ("\x01" * 51 + "a" * 461, "is not JSON"),
    ("\x01" * 52 + "a" * 460, "is binary data, not a JSON dump"),
    ("\x01" * 26 + "a" * 486, "is not JSON"),
    ("\x01" * 51 + "a" * 461 + "\x01" * 5, "is not JSON"),
    ("true", "is a JSON boolean, not a post"),
])
def test_what_a_non_dump_is_called(text, what):
    assert refusal(text.encode()) == what


def test_invalid_utf8_outside_json_is_binary():
    assert refusal(b"\x80" * 100) == "is binary data, not a JSON dump"


def test_a_single_element_array_is_named_by_its_element():
    assert refusal(b"[42]") == "is a JSON number, not a post"


SHORT = '{"id": 7, "title": {"raw": "a\ud800b"}}'
# the UTF-16 guess looks at the first 64 bytes only: character 32 has a NUL low byte, 33 is the surrogate
LONG = '{"id": 7, "title": {"raw": "' + "x" * 4 + "\u0100\ud800" + '"}}'


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + SHORT.encode("utf-16-le", "surrogatepass"),
    LONG.encode("utf-16-le", "surrogatepass"),
    LONG.encode("utf-16-be", "surrogatepass"),
])
def test_utf16_with_a_lone_surrogate_is_read_with_a_replacement(data):
    dump = read_dump(data, "in.json")
    (item,) = dump.posts
    assert item.post.id == 7 and "\ufffd" in json.loads(item.raw)["title"]["raw"]
    assert (item.salvage, dump.warnings) == (None, [])


def test_short_utf16_is_still_utf16():
    assert refusal("[]".encode("utf-16-le")) == "is an empty JSON array: no posts in it"
    assert refusal(b"1\x00") == "is binary data, not a JSON dump"  # under 4 bytes: UTF-8


def test_utf16_needs_no_nul_in_the_low_bytes():
    # NULs on both sides are not UTF-16 text: read as UTF-8, half of it is control characters
    for codec in ("utf-16-le", "utf-16-be"):
        assert refusal(("1" + " " * 20 + "\x00").encode(codec)) == "is binary data, not a JSON dump"


def test_bytes_that_are_not_utf8_are_a_salvage_repair():
    dump = read_dump(b'{"id": 3, "title": {"raw": "a\xffb"}}', "in.json")
    (item,) = dump.posts
    assert item.salvage == {"truncated": False, "cut_in": None, "unreadable_from": None,
                            "repairs": ["1 bytes that were not UTF-8 replaced by U+FFFD"], "missing_fields": []}
    assert dump.warnings == ["in.json: damaged dump, post 3 salvaged: 1 bytes that were not UTF-8 replaced by U+FFFD"]


def test_an_invalid_escape_is_a_salvage_repair():
    dump = read_dump(b'{"id": 3, "title": {"raw": "a\\qb"}}', "in.json")
    assert dump.posts[0].salvage["repairs"] == ["1 invalid escapes kept as written"]


def test_a_truncated_array_keeps_each_posts_exact_bytes():
    data = b'[{"id": 1}, {"id": 2}, {"id": 3, "title": "a\xffbcX'
    dump = read_dump(data, "in.json")
    assert [(p.raw, p.salvage is None) for p in dump.posts] == [
        (b'{"id": 1}', True), (b'{"id": 2}', True), (b'{"id": 3, "title": "a\xef\xbf\xbdbcX', False)]
    assert dump.posts[2].salvage["repairs"] == ["1 bytes that were not UTF-8 replaced by U+FFFD"]
    assert dump.posts[2].salvage["cut_in"] == "2.title"


def test_a_salvaged_post_without_an_id_is_a_post():
    dump = read_dump(b'{"title": {"raw": "T"}, "content": "trunc', "in.json")
    assert dump.warnings[0].startswith("in.json: damaged dump, a post salvaged: cut off inside content; missing id, ")


def test_damaged_json_that_is_not_a_post():
    assert refusal(b'{"name": "x", "description": "trunc') == (
        "is a JSON object without any post fields (id, title, content)")


@pytest.mark.parametrize("record,line", [
    ({"truncated": True, "cut_in": None}, "cut off"),
    ({"truncated": True, "cut_in": "1.title"}, "cut off inside 1.title"),
    ({"unreadable_from": 0}, "unreadable from character 0"),
    ({"unreadable_from": None, "repairs": ["r"], "missing_fields": ["id", "slug"]}, "r; missing id, slug"),
    ({}, ""),
])
def test_salvage_summary(record, line):
    assert salvage_summary(record) == line


def test_json_lines_skip_what_is_not_a_post_and_go_on():
    lines = [json.dumps(POST), "", "[1]", '{"name": "x"}', "not json", "[" * 100_000, "true", json.dumps(dict(POST, id=13))]
    dump = read_dump("\n".join(lines).encode(), "in.jsonl")
    assert [p.post.id for p in dump.posts] == [12, 13]
    assert dump.warnings == [
        "in.jsonl: line 3 is a JSON array, not a post; skipped",
        "in.jsonl: line 4 is a JSON object, not a post; skipped",
        "in.jsonl: line 5: not valid JSON (Expecting value); skipped",
        "in.jsonl: line 6: not valid JSON (nested too deep); skipped",
        "in.jsonl: line 7 is a JSON boolean, not a post; skipped",
    ]


def test_an_error_object_beside_posts_is_refused_by_its_own_words():
    error = {"code": "rest_forbidden", "message": "Sorry.", "data": {"status": 403}}
    dump = read_dump(json.dumps([POST, error]).encode(), "in.json")
    assert [p.post.id for p in dump.posts] == [12]
    assert dump.refused == ["in.json: item 1 is a WordPress error response (HTTP 403): rest_forbidden: Sorry.; "
                            "nothing was taken from it"]


def test_a_map_of_types_beside_a_post_is_skipped_not_refused():
    types = {"post": {"rest_base": "posts", "taxonomies": ["category"]}}
    dump = read_dump(json.dumps([types, POST]).encode(), "in.json")
    assert [p.post.id for p in dump.posts] == [12]
    assert dump.warnings == ["in.json: item 0 is a JSON object, not a post; skipped"]


def test_standard_input_is_named_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(json.dumps(POST).encode())))
    dump = read_path("-")
    assert (dump.name, [p.name for p in dump.posts]) == ("<stdin>", ["<stdin>"])


def test_read_path_names_the_dump_by_its_path(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(POST))
    dump = read_path(str(path))
    assert (dump.name, [p.name for p in dump.posts]) == (str(path), [str(path)])


def test_read_path_errors(tmp_path):
    (tmp_path / "file.json").write_text("{}")
    cases = {str(tmp_path): f"{tmp_path} is a directory; give the directory itself as SOURCE",
             str(tmp_path / "none.json"): f"{tmp_path / 'none.json'}: no such file; check the path",
             str(tmp_path / "file.json" / "x"): f"{tmp_path / 'file.json' / 'x'}: cannot read it (Not a directory); "
                                                "check permissions"}
    for path, message in cases.items():
        with pytest.raises(InputError) as info:
            read_path(path)
        assert str(info.value) == message


def test_expand_sources_errors_and_a_folder_named_dash(tmp_path, monkeypatch):
    for sources, message in [(["-", "-"], "'-' (standard input) is given more than once; it can be read only once"),
                             ([""], "an empty SOURCE was given; name a file, a folder or '-'")]:
        with pytest.raises(InputError) as info:
            list(expand_sources(sources))
        assert str(info.value) == message
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").mkdir()
    (tmp_path / "-" / "a.json").write_text("{}")
    assert list(expand_sources(["-"])) == ["-"]


def refusal_of(data: bytes, name: str) -> str:
    with pytest.raises(InputError) as info:
        read_dump(data, name)
    return str(info.value).removesuffix(f"; {HINT}")


ERROR = {"code": "rest_forbidden", "message": "Sorry.", "data": {"status": 403}}
TERM = {"id": 1, "taxonomy": "category", "count": 0, "name": "News"}


@pytest.mark.parametrize("data,name,message", [
    (b"[", "in.json", "in.json holds no WordPress post"),
    (b"[]x", "in.json", "in.json holds no WordPress post"),  # not an empty array: something follows it
    (b"Xyz", "in.json", "in.json is not JSON"),
    (b"[1]\n[2]", "in.json", "in.json holds no WordPress post (item 0 is a JSON number, not a post; skipped)"),
    (b" " + json.dumps([TERM]).encode(), "in.json", "in.json is a /wp/v2/categories listing (terms), not posts"),
    (json.dumps([TERM, TERM], separators=(",", ":")).encode(), "in.json",
     "in.json is a /wp/v2/categories listing (terms), not posts"),
    (json.dumps([TERM, TERM], separators=(",", ":")).encode() + b"x", "in.json",  # damaged: read item by item
     "in.json holds no WordPress post (2 other objects, the first: item 0 is a /wp/v2/categories item (a term), "
     "not a post; nothing was taken from it)"),
    # a name with ": " in it is taken off whole (it once cut the detail after the name's own ": ")
    (b"[1, 2]", "a: b.json", "a: b.json holds no WordPress post (item 0 is a JSON number, not a post; skipped)"),
    (b"[1, 2]", "my dump.json", "my dump.json holds no WordPress post (item 0 is a JSON number, not a post; skipped)"),
    (json.dumps([ERROR, 42]).encode(), "a: b.json",
     "a: b.json: item 0 is a WordPress error response (HTTP 403): rest_forbidden: Sorry.; nothing was taken from it"),
    (json.dumps([ERROR, TERM]).encode(), "a: b.json",
     "a: b.json holds no WordPress post (2 other objects, the first: item 0 is a WordPress error response (HTTP 403): "
     "rest_forbidden: Sorry.; nothing was taken from it)"),
    (json.dumps([TERM, ERROR]).encode(), "in.json",
     "in.json holds no WordPress post (2 other objects, the first: item 0 is a /wp/v2/categories item (a term), not a "
     "post; nothing was taken from it)"),
])
def test_what_an_input_without_posts_is_called(data, name, message):
    assert refusal_of(data, name) == message


def test_a_single_post_keeps_its_exact_bytes_without_the_blanks_around_it():
    dump = read_dump(b' \n{"id": 12, "title": {"raw": "T"}}\n', "in.json")
    assert [(p.raw, p.salvage) for p in dump.posts] == [(b'{"id": 12, "title": {"raw": "T"}}', None)]
