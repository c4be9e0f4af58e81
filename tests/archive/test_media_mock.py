"""Media against a mocked WordPress (`responses`): redirects to other hosts, oversize files without a
Content-Length, broken connections; and which URLs a post's media are."""

from __future__ import annotations

import hashlib
import json

import requests
from click.testing import CliRunner

from tests.archive.test_capture_mock import REST, add, wp_post
from tests.conftest import mask_ids
from wparchive.archive.media import allowed, media_urls
from wparchive.cli import cli
from wparchive.model import Post

UP = "https://example.com/wp-content/uploads/2024/01/"
KEY = "example.com/posts/7660"
MEDIA_URL = "https://example.com/wp-json/wp/v2/media/9"


def archive(tmp_path, *args):
    env = {"WPARCHIVE_APP_PASSWORD": None, "WPARCHIVE_ARCHIVE": None}
    return CliRunner().invoke(cli, ["archive", "--archive", str(tmp_path), "--media", *args], env=env)


def post_with(content: str, featured: int = 0) -> bytes:
    return json.dumps(wp_post(content={"rendered": content, "protected": False}, featured_media=featured)).encode()


def test_media_urls_take_src_largest_srcset_and_upload_links_only():
    post = Post.from_api({"id": 1, "content": {"rendered": (
        f'<img src="{UP}a-300x200.jpg" srcset="{UP}a-300x200.jpg 300w, {UP}a.jpg 1200w, {UP}a-768x512.jpg 768w">'
        f'<a href="{UP}doc.pdf">doc</a><a href="https://example.com/about/">page</a>'
        '<img src="/wp-content/uploads/2024/01/rel.png"><img src="data:image/png;base64,AAAA">')}})
    assert media_urls(post, "https://example.com/2024/01/post/") == [
        f"{UP}a-300x200.jpg", f"{UP}a.jpg", f"{UP}doc.pdf", f"{UP}rel.png"]
    assert allowed(f"{UP}a.jpg", "https://example.com", ())
    assert not allowed("https://example.com/wp-includes/x.png", "https://example.com", ())
    assert not allowed("https://cdn.example.net/a.jpg", "https://example.com", ())
    assert allowed("https://cdn.example.net/a.jpg", "https://example.com", ("CDN.example.net",))
    assert allowed(f"{UP}a.jpg", "example.com", ())  # --site given without a scheme


def test_a_redirect_to_another_host_is_not_followed(tmp_path, web):
    add(web, REST, post_with(f'<p><img src="{UP}moved.jpg" alt="x"></p>'))
    add(web, f"{UP}moved.jpg", status=301, headers=[("Location", "https://tracker.example.net/moved.jpg")])
    result = archive(tmp_path, REST)
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout)[1] == f"media {KEY}: 0 downloaded, 0 already held, 1 missing"
    assert "redirected to https://tracker.example.net/moved.jpg, which is not the site's uploads" in result.stderr
    assert not any("tracker.example.net" in call.request.url for call in web.calls)


def test_an_oversize_file_without_content_length_is_cut_at_the_cap(tmp_path, web):
    add(web, REST, post_with(f'<p><img src="{UP}big.jpg" alt="x"><img src="{UP}small.jpg" alt="y"></p>'))
    web.add("GET", f"{UP}big.jpg", body=b"x" * 5000,
            auto_calculate_content_length=False)
    add(web, f"{UP}small.jpg", b"tiny", ctype="image/jpeg")
    result = archive(tmp_path, "--media-max-size", "1K", REST)
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout)[1] == f"media {KEY}: 1 downloaded, 0 already held, 1 missing"
    stored = [p for p in (tmp_path / ".media").rglob("*") if p.is_file() and p.name != "index.jsonl"]
    assert [p.name for p in stored] == [hashlib.sha256(b"tiny").hexdigest()]
    assert not list((tmp_path / ".media").glob(".download-*"))


def test_a_broken_connection_is_recorded_and_the_run_goes_on(tmp_path, web, slept):
    add(web, REST, post_with(f'<p><img src="{UP}a.jpg" alt="x"></p>', featured=9))
    add(web, MEDIA_URL, json.dumps({"source_url": f"{UP}cover.jpg"}).encode())
    web.add("GET", f"{UP}a.jpg", body=requests.exceptions.ConnectionError("reset by peer"))
    add(web, f"{UP}cover.jpg", b"cover", ctype="image/jpeg")
    result = archive(tmp_path, REST)
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout) == [f"new {KEY}@ID", f"media {KEY}: 1 downloaded, 0 already held, 1 missing"]
    [listing] = (tmp_path / "example.com" / "posts" / "7660" / "media").iterdir()
    media = json.loads(listing.read_text())["media"]
    assert list(media) == [f"{UP}cover.jpg", f"{UP}a.jpg"]
    assert media[f"{UP}a.jpg"]["error"].startswith("cannot download")
