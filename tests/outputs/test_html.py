"""The HTML pages (`diff --html`, `log SITE --html -o DIR`) as a browser shows them: headless Chromium loads
each page; the tests read the rendered DOM, look at a screenshot, and check the page asked for nothing."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from tests.outputs.browser import load, screenshot
from tests.outputs.conftest import capture, day, wp_post
from wparchive.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="wparchive")


def marked(dom: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", dom, re.S)


def test_diff_page_in_a_browser(built, tmp_path):
    result = run("diff", "--archive", str(built.root), "example.com/posts/7@1", "example.com/posts/7@2", "--html")
    assert result.exit_code == 1  # differences found, as diff(1)
    page = tmp_path / "change.html"
    page.write_text(result.stdout, encoding="utf-8")
    loaded = load(page, tmp_path / "chromium")
    assert loaded.requests == []
    # Words marked: the title's added word inline, the replaced paragraph whole; metadata old and new.
    assert marked(loaded.dom, "del") == ["Treaty talks", "2024-04-01T08:00:00",
                                         "The nuclear treaty talks began in Vienna."]
    assert marked(loaded.dom, "ins") == ["Treaty talks resume", "2024-05-03T09:00:00", "resume",
                                         "The talks resumed in Geneva, archived."]
    # Both versions' labels, ids, capture times and source URLs in the header table.
    rows = re.findall(r"<tr><td>(before|after)</td><td>(.*?)</td><td><code>(.*?)</code></td><td>(.*?)</td>"
                      r"<td><a href=\"(.*?)\"", loaded.dom)
    assert rows == [
        ("before", "example.com/posts/7@1 (2024-05-01T10:00:00Z)", built.post_v1.name, "2024-05-01T10:00:00Z",
         "https://example.com/?p=7"),
        ("after", "example.com/posts/7@2 (2024-05-03T10:00:00Z)", built.post_v2.name, "2024-05-03T10:00:00Z",
         "https://example.com/?p=7")]
    assert "<title>Diff: Treaty talks resume</title>" in loaded.dom
    assert "1 paragraph changed, 1 added, 1 removed; 7 words added, 7 removed; 2 metadata fields changed " \
           "(title, modified_gmt)" in loaded.dom


def test_the_request_check_sees_a_page_that_loads_something(tmp_path):
    # The check above must be able to fail: a page with an external image and stylesheet is caught.
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="http://127.0.0.1:9/x.png">'
                    '<link rel="stylesheet" href="https://fonts.example.net/a.css">')
    assert sorted(load(page, tmp_path / "chromium").requests) == ["http://127.0.0.1:9/x.png",
                                                                  "https://fonts.example.net/a.css"]


def test_hostile_text_stays_text(tmp_path):
    root = tmp_path / "archive"
    from wparchive.archive.store import Archive
    archive = Archive(root)
    capture(archive, wp_post(5, "Safe", "<p>Before.</p>"), day(1))
    hostile = ("<p>&lt;img src=&quot;http://127.0.0.1:9/pixel.png&quot;&gt; and "
               "&lt;script&gt;document.title=&#039;owned&#039;&lt;/script&gt;</p>")
    capture(archive, wp_post(5, "Safe", hostile), day(2))
    result = run("diff", "--archive", str(root), "example.com/posts/5", "--html")
    page = tmp_path / "hostile.html"
    page.write_text(result.stdout, encoding="utf-8")
    loaded = load(page, tmp_path / "chromium")
    assert loaded.requests == []
    assert marked(loaded.dom, "ins") == [
        "&lt;img src=\"http://127.0.0.1:9/pixel.png\"&gt; and &lt;script&gt;document.title='owned'&lt;/script&gt;"]
    assert "<title>Diff: Safe</title>" in loaded.dom


def test_timeline_page_chart_links_and_no_network(built, tmp_path):
    capture(built.archive, wp_post(2, "About us", "<p>We now write about treaties, talks and more.</p>",
                                   type_="page", modified="2024-05-05T09:00:00"), day(5), rest_base="pages")
    out = tmp_path / "history"
    result = run("log", "--archive", str(built.root), "example.com", "--html", "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, f"{out / 'index.html'}\n")
    assert sorted(p.name for p in (out / "diffs").iterdir()) == [
        f"pages-2-{built.archive.versions(built.page_v1.key)[-1].name}.html", f"posts-7-{built.post_v2.name}.html"]
    loaded = load(out / "index.html", tmp_path / "chromium")
    assert loaded.requests == []
    assert "4 versions on 4 days (2 new, 1 text, 1 title)." in loaded.dom
    assert len(re.findall(r'<rect class="bar"', loaded.dom)) == 4
    links = re.findall(r'<a href="(diffs/[^"]+)">([^<]+)</a>', loaded.dom)
    assert [text for _, text in links] == [
        f"example.com/pages/2@{built.archive.versions(built.page_v1.key)[-1].name}",
        f"example.com/posts/7@{built.post_v2.name}"]
    # Every link resolves to a diff page that shows that change.
    first = load(out / links[0][0], tmp_path / "chromium-diff")
    assert first.requests == []
    assert (marked(first.dom, "del"), marked(first.dom, "ins")) == (
        ["2024-04-01T08:00:00", "treaties", "talks."],  # modified_gmt, then the words as `diff --words`
        ["2024-05-05T09:00:00", "now", "treaties, talks", "more."])
    # The chart renders: the bars' colours are on the screen.
    pixels = screenshot(out / "index.html", tmp_path / "shot")
    colours = {pixel for row in pixels for pixel in row}
    assert (0x4C, 0x78, 0xA8) in colours  # "new"
    assert (0xF5, 0x85, 0x18) in colours  # "text"
    assert (0x54, 0xA2, 0x4B) in colours  # "title"


def test_timeline_page_on_stdout_has_no_links(built, tmp_path):
    result = run("log", "--archive", str(built.root), "example.com", "--html")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "<a href" not in result.stdout
    assert not Path("diffs").exists()
