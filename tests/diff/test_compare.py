"""Tests of wparchive.diff.compare: exact output of every formatter on small fixtures, and the diff's invariants."""

from __future__ import annotations

import difflib
import json
import random

import pytest

from wparchive.diff.compare import (
    DRIFT_NOTE,
    META_FIELDS,
    MetaChange,
    Side,
    Stats,
    compare,
    format_meta,
    format_stat,
    format_unified,
    format_words,
    to_json,
)

BASE = """Title of the post

First paragraph is short.

The quick brown fox jumps over the lazy dog near the river bank.

- apples
- pears

Name | Age | City
Ann | 31 | Oslo
Bob | 42 | Rome

Last paragraph here.
"""
META = {"title": "Title of the post", "slug": "title-of-the-post", "status": "publish",
        "link": "https://example.com/title-of-the-post/", "author": 3, "categories": ["News"],
        "tags": ["a", "b"], "excerpt": "", "date_gmt": "2026-01-01T00:00:00",
        "modified_gmt": "2026-01-02T00:00:00"}
EDITED = "2026-02-01T00:00:00"  # modified_gmt of a post the author saved again


def lines(*items: str) -> str:
    """Expected output, one argument a line (so that blank context lines, " ", survive editors)."""
    return "".join(x + "\n" for x in items)


def diff(text: str, ignore_whitespace: bool = False, **meta):
    """BASE against `text`; the new side was saved by its author (a later modified_gmt) unless told."""
    new_meta = {**META, "modified_gmt": EDITED, **meta}
    return compare(Side("a", BASE, META), Side("b", text, new_meta), ignore_whitespace=ignore_whitespace)


def same_time(text: str, **kw):
    return diff(text, modified_gmt=META["modified_gmt"], **kw)


def test_paragraph_edited_inside():
    c = diff(BASE.replace("quick brown fox", "quick red fox"))
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -2,7 +2,7 @@",
        " ",
        " First paragraph is short.",
        " ",
        "-The quick brown fox jumps over the lazy dog near the river bank.",
        "+The quick red fox jumps over the lazy dog near the river bank.",
        " ",
        " - apples",
        " - pears")
    assert format_words(c) == """\
--- a
+++ b
@@ -2,7 +2,7 @@

First paragraph is short.

The quick [-brown-]{+red+} fox jumps over the lazy dog near the river bank.

- apples
- pears
"""
    assert format_meta(c) == 'modified_gmt: "2026-01-02T00:00:00" -> "2026-02-01T00:00:00"\n'
    assert format_stat(c) == ("1 paragraph changed, 0 added, 0 removed; 1 word added, 1 removed; "
                              "1 metadata field changed (modified_gmt)\n")
    assert not c.identical and c.text_changed and not c.render_drift
    assert c.stats == Stats(1, 0, 0, 1, 1)


def test_paragraph_reflowed_pairs_with_its_new_version_beside_a_new_paragraph():
    c = diff(BASE.replace("The quick brown fox jumps over the lazy dog", "A new paragraph arrives.\n\n"
                          "The quick brown fox, being hungry, jumps over the very lazy dog"))
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -2,7 +2,9 @@",
        " ",
        " First paragraph is short.",
        " ",
        "-The quick brown fox jumps over the lazy dog near the river bank.",
        "+A new paragraph arrives.",
        "+",
        "+The quick brown fox, being hungry, jumps over the very lazy dog near the river bank.",
        " ",
        " - apples",
        " - pears")
    assert format_words(c) == """\
--- a
+++ b
@@ -2,7 +2,9 @@

First paragraph is short.

{+A new paragraph arrives.+}

The quick brown [-fox-]{+fox, being hungry,+} jumps over the {+very+} lazy dog near the river bank.

- apples
- pears
"""
    assert format_stat(c) == ("1 paragraph changed, 1 added, 0 removed; 8 words added, 1 removed; "
                              "1 metadata field changed (modified_gmt)\n")
    [pair] = c.word_changes
    assert (pair.old_line, pair.new_line) == (5, 7)


def test_list_item_added():
    c = diff(BASE.replace("- apples\n", "- apples\n- bananas\n"))
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -5,6 +5,7 @@",
        " The quick brown fox jumps over the lazy dog near the river bank.",
        " ",
        " - apples",
        "+- bananas",
        " - pears",
        " ",
        " Name | Age | City")
    assert format_words(c) == """\
--- a
+++ b
@@ -5,6 +5,7 @@
The quick brown fox jumps over the lazy dog near the river bank.

- apples
{+- bananas+}
- pears

Name | Age | City
"""
    assert format_stat(c).startswith("0 paragraphs changed, 1 added, 0 removed; 2 words added, 0 removed;")
    assert c.word_changes == []


def test_table_cell_changed():
    c = diff(BASE.replace("Bob | 42", "Bob | 43"))
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -9,6 +9,6 @@",
        " ",
        " Name | Age | City",
        " Ann | 31 | Oslo",
        "-Bob | 42 | Rome",
        "+Bob | 43 | Rome",
        " ",
        " Last paragraph here.")
    assert format_words(c) == """\
--- a
+++ b
@@ -9,6 +9,6 @@

Name | Age | City
Ann | 31 | Oslo
Bob | [-42-]{+43+} | Rome

Last paragraph here.
"""


def test_title_only_change_shows_in_text_and_metadata():
    c = diff(BASE.replace("Title of the post", "Title of this post"), title="Title of this post")
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -1,4 +1,4 @@",
        "-Title of the post",
        "+Title of this post",
        " ",
        " First paragraph is short.",
        " ")
    assert format_words(c) == """\
--- a
+++ b
@@ -1,4 +1,4 @@
Title of [-the-]{+this+} post

First paragraph is short.

"""
    assert format_meta(c) == ('title: "Title of the post" -> "Title of this post"\n'
                              'modified_gmt: "2026-01-02T00:00:00" -> "2026-02-01T00:00:00"\n')
    assert format_stat(c) == ("1 paragraph changed, 0 added, 0 removed; 1 word added, 1 removed; "
                              "2 metadata fields changed (title, modified_gmt)\n")
    assert c.meta_changes[0] == MetaChange("title", "Title of the post", "Title of this post")


def test_render_drift():
    c = same_time(BASE.replace("river bank.", "river bank ."))
    assert c.render_drift and c.meta_changes == []
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -2,7 +2,7 @@",
        " ",
        " First paragraph is short.",
        " ",
        "-The quick brown fox jumps over the lazy dog near the river bank.",
        "+The quick brown fox jumps over the lazy dog near the river bank .",
        " ",
        " - apples",
        " - pears",
        DRIFT_NOTE)
    assert format_words(c).endswith("The quick brown fox jumps over the lazy dog near the river [-bank.-]{+bank .+}"
                                    f"\n\n- apples\n- pears\n{DRIFT_NOTE}\n")
    assert DRIFT_NOTE == ("note: text differs but modified_gmt is unchanged: "
                          "the site's rendering changed, not the post")
    assert format_meta(c) == ""
    assert format_stat(c) == "1 paragraph changed, 0 added, 0 removed; 2 words added, 1 removed\n"


def test_no_render_drift_without_modified_gmt_or_when_the_text_is_the_same():
    assert not diff(BASE.replace("Last", "Final"), modified_gmt=None).render_drift
    no_time = {k: v for k, v in META.items() if k != "modified_gmt"}
    assert not compare(Side("a", BASE, no_time), Side("b", BASE + "x\n", no_time)).render_drift
    assert not same_time(BASE, title="Other").render_drift


def test_identical():
    c = compare(Side("a", BASE, META), Side("b", BASE, dict(META)))
    assert c.identical and not c.text_changed and not c.render_drift
    assert c.hunks == [] and c.meta_changes == [] and c.stats == Stats()
    for fmt in (format_unified, format_words, format_meta, format_stat):
        assert fmt(c) == ""
    assert format_unified(c, color=True) == format_words(c, color=True) == ""
    assert to_json(c) == {
        "sides": {"a": "a", "b": "b"}, "ids": {"a": None, "b": None}, "identical": True, "text_changed": False,
        "render_drift": False, "markup_changed": False, "captured_differently": False, "ignore_whitespace": False, "hunks": [], "word_changes": [], "meta_changes": [],
        "stats": {"paragraphs_changed": 0, "paragraphs_added": 0, "paragraphs_removed": 0, "words_added": 0,
                  "words_removed": 0}}


def test_ignore_whitespace():
    spaced = BASE.replace("First paragraph", "First  paragraph").replace("short.", "short.\t ")
    c = same_time(spaced, ignore_whitespace=True)
    assert c.identical and not c.text_changed and c.hunks == []
    assert format_unified(c) == format_words(c) == format_stat(c) == ""
    # Without the option the same change is a difference, and shown as such in lines...
    c = same_time(spaced)
    assert not c.identical and c.text_changed
    assert format_unified(c) == lines(
        "--- a",
        "+++ b",
        "@@ -1,6 +1,6 @@",
        " Title of the post",
        " ",
        "-First paragraph is short.",
        "+First  paragraph is short.\t ",
        " ",
        " The quick brown fox jumps over the lazy dog near the river bank.",
        " ",
        DRIFT_NOTE)
    # ...but, as in git, words are whitespace-separated: the word view has nothing to mark.
    assert "[-" not in format_words(c) and "{+" not in format_words(c)
    assert format_stat(c) == "1 paragraph changed, 0 added, 0 removed; 0 words added, 0 removed\n"


def test_ignore_whitespace_still_shows_real_changes_with_the_original_lines():
    c = same_time(BASE.replace("First paragraph is short.", "First  paragraph is  short!"), ignore_whitespace=True)
    assert [line for line in format_unified(c).splitlines() if line[:1] in "+-"][2:] == [
        "-First paragraph is short.", "+First  paragraph is  short!"]
    assert "First  paragraph is  [-short.-]{+short!+}" in format_words(c).splitlines()


def test_runs_of_adjacent_changed_words_are_one_marker():
    c = diff(BASE.replace("The quick brown fox jumps over the lazy dog",
                          "The slow red old fox jumps over the lazy cat"))
    line = format_words(c).splitlines()[6]
    assert line == "The [-quick brown-]{+slow red old+} fox jumps over the lazy [-dog-]{+cat+} near the river bank."
    assert line.count("[-") == line.count("{+") == 2
    [pair] = to_json(c)["word_changes"]
    assert pair["removed"] == ["quick brown", "dog"] and pair["added"] == ["slow red old", "cat"]


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("a b c", "a c", "a [-b-] c"),
    ("a b c", "b c", "[-a-] b c"),
    ("a b c", "a b", "a b [-c-]"),
    ("b c", "a b c", "{+a+} b c"),
    ("a c", "a b c", "a {+b+} c"),
    ("a b c", "a x y c", "a [-b-]{+x y+} c"),
    ("    x = 1", "    x = 2", "    x = [-1-]{+2+}"),
])
def test_word_markers_and_spaces(old, new, shown):
    c = compare(Side("a", old + "\n", {}), Side("b", new + "\n", {}))
    assert format_words(c) == f"--- a\n+++ b\n@@ -1 +1 @@\n{shown}\n"


def test_whole_lines_removed_and_added():
    c = diff(BASE.replace("First paragraph is short.\n\n", "").replace("Last paragraph here.", "New end."))
    assert format_words(c) == """\
--- a
+++ b
@@ -1,7 +1,5 @@
Title of the post

[-First paragraph is short.-]

The quick brown fox jumps over the lazy dog near the river bank.

- apples
@@ -11,4 +9,4 @@
Ann | 31 | Oslo
Bob | 42 | Rome

[-Last paragraph here.-]
{+New end.+}
"""
    assert c.stats == Stats(0, 1, 2, 2, 7)


def test_color():
    c = same_time(BASE.replace("- pears", "- plums"))
    assert format_unified(c, color=True) == (
        "\x1b[1m--- a\x1b[m\n\x1b[1m+++ b\x1b[m\n\x1b[36m@@ -5,7 +5,7 @@\x1b[m\n"
        " The quick brown fox jumps over the lazy dog near the river bank.\n \n - apples\n"
        "\x1b[31m-- pears\x1b[m\n\x1b[32m+- plums\x1b[m\n \n Name | Age | City\n Ann | 31 | Oslo\n"
        + DRIFT_NOTE + "\n")
    assert format_words(c, color=True) == (
        "\x1b[1m--- a\x1b[m\n\x1b[1m+++ b\x1b[m\n\x1b[36m@@ -5,7 +5,7 @@\x1b[m\n"
        "The quick brown fox jumps over the lazy dog near the river bank.\n\n- apples\n"
        "- \x1b[31m[-pears-]\x1b[m\x1b[32m{+plums+}\x1b[m\n\nName | Age | City\nAnn | 31 | Oslo\n"
        + DRIFT_NOTE + "\n")


def test_format_meta_values():
    old = {"title": "", "slug": None, "status": "draft", "author": 3, "categories": ("News", "World"),
           "tags": ["x"], "excerpt": 'He said "hi"\nthen left'}
    new = {"title": "T", "slug": "t", "status": "publish", "author": 4, "categories": ["News", "World"],
           "tags": [], "date_gmt": "2026-01-01T00:00:00", "ignored": 1}
    c = compare(Side("a", "T\n", old), Side("b", "T\n", new))
    assert format_meta(c) == """\
title: "" -> "T"
slug: (none) -> "t"
status: "draft" -> "publish"
author: 3 -> 4
tags: ["x"] -> []
excerpt: "He said \\"hi\\"\\nthen left" -> (none)
date_gmt: (none) -> "2026-01-01T00:00:00"
"""
    assert [m.field for m in c.meta_changes] == [f for f in META_FIELDS if f not in ("link", "categories",
                                                                                      "modified_gmt")]
    assert format_stat(c) == ("text unchanged; 7 metadata fields changed "
                              "(title, slug, status, author, tags, excerpt, date_gmt)\n")
    assert format_unified(c) == format_words(c) == ""


def test_to_json():
    c = diff(BASE.replace("- pears", "- plums"), tags=("a", "c"))
    out = to_json(c)
    assert json.loads(json.dumps(out)) == out
    assert out == {
        "sides": {"a": "a", "b": "b"},
        "ids": {"a": None, "b": None},
        "identical": False,
        "text_changed": True,
        "render_drift": False,
        "markup_changed": False,
        "captured_differently": False,
        "ignore_whitespace": False,
        "hunks": [{"old_start": 5, "old_count": 7, "new_start": 5, "new_count": 7, "header": "@@ -5,7 +5,7 @@",
                   "lines": [[" ", "The quick brown fox jumps over the lazy dog near the river bank."],
                             [" ", ""], [" ", "- apples"], ["-", "- pears"], ["+", "- plums"], [" ", ""],
                             [" ", "Name | Age | City"], [" ", "Ann | 31 | Oslo"]]}],
        "word_changes": [{"old_line": 8, "new_line": 8, "removed": ["pears"], "added": ["plums"],
                          "segments": [[" ", "- "], ["-", "pears"], ["+", "plums"]]}],
        "meta_changes": [{"field": "tags", "old": ["a", "b"], "new": ["a", "c"]},
                         {"field": "modified_gmt", "old": "2026-01-02T00:00:00", "new": "2026-02-01T00:00:00"}],
        "stats": {"paragraphs_changed": 1, "paragraphs_added": 0, "paragraphs_removed": 0, "words_added": 1,
                  "words_removed": 1},
    }


@pytest.mark.parametrize("new", [
    BASE.replace("quick brown fox", "quick red fox"),
    BASE.replace("- apples\n", "- apples\n- bananas\n"),
    BASE.replace("Title of the post\n\nFirst paragraph is short.\n\n", "Other\n\n"),
    BASE + "\nOne more.\n",
    "",
])
def test_unified_matches_difflib(new):
    c = compare(Side("a", BASE, {}), Side("b", new, {}))
    expected = difflib.unified_diff(BASE.splitlines(), new.splitlines(), "a", "b", lineterm="")
    assert format_unified(c) == "".join(line.rstrip(" ") + "\n" if line.startswith(("---", "+++")) else line + "\n"
                                        for line in expected)


def _apply(old: list[str], c) -> list[str]:
    out, i = [], 0
    for h in c.hunks:
        start = h.old_start if h.old_count else h.old_start + 1
        out += old[i:start - 1]
        i = start - 1
        for op, text in h.lines:
            if op != "+":
                assert old[i] == text
                i += 1
            if op != "-":
                out.append(text)
    return out + old[i:]


def test_random_edits_round_trip():
    """Hunks turn the old lines into the new ones, and the word view's rows rebuild both sides' words."""
    rng = random.Random(7)
    vocab = ["", "", "- x", "- y", "a b", "p | q", "the cat sat on the mat"]
    for _ in range(1500):
        old = [rng.choice(vocab) if rng.random() < 0.5 else " ".join(rng.choices("abcdef", k=rng.randint(1, 9)))
               for _ in range(rng.randint(0, 15))]
        new = list(old)
        for _ in range(rng.randint(0, 4)):
            k = rng.randint(0, len(new))
            if rng.random() < 0.3 and new:
                del new[k - 1]
            elif rng.random() < 0.5:
                new.insert(k, rng.choice(vocab))
            elif new:
                words = new[k - 1].split()
                words.insert(rng.randint(0, len(words)), rng.choice("xyz"))
                new[k - 1] = " ".join(words)
        c = compare(Side("a", "".join(x + "\n" for x in old), {}), Side("b", "".join(x + "\n" for x in new), {}))
        assert c.text_changed == (old != new)
        assert _apply(old, c) == new
        for row in (r for h in c.hunks for r in h.rows):
            if row.old_line:
                assert "".join(t for op, t in row.segments if op != "+").split() == old[row.old_line - 1].split()
            if row.new_line:
                assert "".join(t for op, t in row.segments if op != "-").split() == new[row.new_line - 1].split()


def test_large_texts_with_one_edit():
    """Scaling sanity (not timed; bench/diff.py measures): 20,000 paragraphs, one edited, one duplicated."""
    paragraphs = [f"Paragraph {k} says something about topic {k % 97} and then some more words." for k in
                  range(20_000)]
    old = "Title\n\n" + "\n\n".join(paragraphs) + "\n"
    edited = paragraphs[:]
    edited[12_345] = edited[12_345].replace("something", "nothing at all")
    edited.insert(15_000, edited[100])
    c = compare(Side("a", old, {}), Side("b", "Title\n\n" + "\n\n".join(edited) + "\n", {}))
    assert [h.header for h in c.hunks] == ["@@ -24690,7 +24690,7 @@", "@@ -29999,6 +29999,8 @@"]
    assert c.stats == Stats(1, 1, 0, 15, 1)
    assert "Paragraph 12345 says [-something-]{+nothing at all+} about" in format_words(c)


def test_large_rewrite_with_only_repeated_lines_in_common():
    """No line is unique on either side: the diff still anchors on lines repeated equally often."""
    old = "T\n\n" + "\n\n".join(["- same item", "Some line here."] * 5_000) + "\n"
    new = old.replace("Some line here.", "Some line there.")
    c = compare(Side("a", old, {}), Side("b", new, {}))
    assert c.stats == Stats(5_000, 0, 0, 5_000, 5_000)
    assert {r.kind for h in c.hunks for r in h.rows} == {"context", "changed"}


def test_large_changed_block_pairs_lines_in_order():
    """A block too large to pair optimally (every item of a 300-item list edited, one removed, one added)."""
    items = [f"- item {k} of the long list" for k in range(300)]
    new = [item.replace("long", "longer") for item in items]
    del new[10]
    new.insert(200, "- brand new entry here")
    c = compare(Side("a", "\n".join(items) + "\n", {}), Side("b", "\n".join(new) + "\n", {}))
    assert c.stats == Stats(299, 1, 1, 5 + 299, 7 + 299)
    pairs = [(r.old_line, r.new_line) for r in c.word_changes]
    assert pairs == [(k, k) for k in range(1, 11)] + [(k, k - 1) for k in range(12, 202)] + [
        (k, k) for k in range(202, 301)]
    assert "- item 0 of the [-long-]{+longer+} list" in format_words(c).splitlines()
