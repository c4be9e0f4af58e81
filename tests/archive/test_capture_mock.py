"""Live capture against a mocked WordPress 6.1 (`responses`): discovery, credentials, errors, retries,
the store through the CLI, hostile servers, and log / show / ls.

No test touches the network or really sleeps: `time.sleep` is replaced by a recorder (`slept`).
"""

import base64
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from click.testing import CliRunner
from responses import matchers

from wparchive import __version__
from wparchive.archive import store
from wparchive.archive.store import Archive, PostKey
from wparchive.cli import cli
from wparchive.errors import RemoteError
from wparchive.sources import rest
from wparchive.sources.discover import Locator
from wparchive.sources.rest import Client, Credentials

SITE = "https://example.com"
PERMALINK = "https://example.com/2023/12/28/hello-archive/"
ABOUT = "https://example.com/about/"
API_ROOT = "https://example.com/wp-json/"
REST = "https://example.com/wp-json/wp/v2/posts/7660"
TYPES_URL = "https://example.com/wp-json/wp/v2/types"
E = "_embed=author%2Cwp%3Aterm"  # the query parameter as requests encodes it
KEY = "example.com/posts/7660"

JSON = "application/json; charset=UTF-8"
HTML = "text/html; charset=UTF-8"
LINK_API = '<https://example.com/wp-json/>; rel="https://api.w.org/"'
LINK_ALT = '<https://example.com/wp-json/wp/v2/posts/7660>; rel="alternate"; type="application/json"'
LINK_SHORT = "<https://example.com/?p=7660>; rel=shortlink"
TAG_API = '<link rel="https://api.w.org/" href="https://example.com/wp-json/" />\n'
TAG_ALT = '<link rel="alternate" type="application/json" href="https://example.com/wp-json/wp/v2/posts/7660" />\n'
APP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"
NETRC_PASSWORD = "wxyz 1234 netr cPAS sw0r d567"

CONTENT = ('\n<p>First paragraph.</p>\n\n\n\n<div class="wp-block-group is-layout-flow wp-container-3">'
           "\n<p>Inside a group &#8211; kept.</p>\n</div>\n")


def wp_post(**changes):
    """A single post as WordPress 6.1 sends it with `_embed=author,wp:term`."""
    post = {
        "id": 7660, "date": "2023-12-28T10:15:00", "date_gmt": "2023-12-28T09:15:00",
        "guid": {"rendered": "https://example.com/?p=7660"},
        "modified": "2024-01-02T08:00:00", "modified_gmt": "2024-01-02T07:00:00",
        "slug": "hello-archive", "status": "publish", "type": "post", "link": PERMALINK,
        "title": {"rendered": "Hello &#8211; archive"},
        "content": {"rendered": CONTENT, "protected": False},
        "excerpt": {"rendered": "<p>First paragraph. Inside a group &#8211; kept.</p>\n", "protected": False},
        "author": 3, "featured_media": 0, "comment_status": "open", "ping_status": "open", "sticky": False,
        "template": "", "format": "standard", "meta": [], "categories": [4], "tags": [11, 12],
        "_links": {
            "self": [{"href": REST}],
            "collection": [{"href": "https://example.com/wp-json/wp/v2/posts"}],
            "author": [{"embeddable": True, "href": "https://example.com/wp-json/wp/v2/users/3"}],
            "wp:term": [
                {"taxonomy": "category", "embeddable": True,
                 "href": "https://example.com/wp-json/wp/v2/categories?post=7660"},
                {"taxonomy": "post_tag", "embeddable": True,
                 "href": "https://example.com/wp-json/wp/v2/tags?post=7660"}],
            "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
        },
        "_embedded": {
            "author": [{"id": 3, "name": "Ada Lovelace", "url": "", "description": "",
                        "link": "https://example.com/author/ada/", "slug": "ada",
                        "avatar_urls": {"24": "https://secure.gravatar.com/avatar/0?s=24&d=mm&r=g"}}],
            "wp:term": [
                [{"id": 4, "link": "https://example.com/category/news/", "name": "News", "slug": "news",
                  "taxonomy": "category"}],
                [{"id": 11, "link": "https://example.com/tag/archiving/", "name": "archiving",
                  "slug": "archiving", "taxonomy": "post_tag"},
                 {"id": 12, "link": "https://example.com/tag/wordpress/", "name": "WordPress",
                  "slug": "wordpress", "taxonomy": "post_tag"}]],
        },
    }
    post.update(changes)
    return post


def wp_page(**changes):
    page = wp_post(id=2, slug="about", type="page", link=ABOUT, title={"rendered": "About"},
                   content={"rendered": "<p>About us.</p>\n", "protected": False}, categories=[], tags=[],
                   _embedded={"author": [{"id": 3, "name": "Ada Lovelace"}]})
    for key in ("categories", "tags", "format", "sticky"):
        del page[key]
    page.update(changes)
    return page


def wp_json(obj):
    """JSON as WordPress's wp_json_encode writes it: compact, with `\\/` and `\\uXXXX` escapes."""
    return json.dumps(obj, separators=(",", ":")).replace("/", "\\/").encode()


def wp_error(code, message, status):
    return wp_json({"code": code, "message": message, "data": {"status": status}})


def page_html(*tags, title="Hello &#8211; archive"):
    return (f'<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n<title>{title}</title>\n'
            + "".join(tags) + '</head>\n<body class="single single-post">\n<main><h1>Hello</h1></main>\n'
            "</body>\n</html>\n").encode()


INDEX = wp_json({"name": "Example", "description": "", "url": SITE, "home": SITE, "gmt_offset": 1,
                 "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
                 "authentication": {"application-passwords": {"endpoints": {
                     "authorization": "https://example.com/wp-admin/authorize-application.php"}}},
                 "routes": {}})


def wp_types(**extra):
    types = {
        "post": {"name": "Posts", "slug": "post", "rest_base": "posts", "rest_namespace": "wp/v2"},
        "page": {"name": "Pages", "slug": "page", "rest_base": "pages", "rest_namespace": "wp/v2"},
        "attachment": {"name": "Media", "slug": "attachment", "rest_base": "media", "rest_namespace": "wp/v2"},
        "nav_menu_item": {"name": "Navigation Menu Items", "slug": "nav_menu_item", "rest_base": "menu-items"},
        "wp_block": {"name": "Reusable blocks", "slug": "wp_block", "rest_base": "blocks"},
        "wp_template": {"name": "Templates", "slug": "wp_template", "rest_base": "templates"},
        "wp_template_part": {"name": "Template Parts", "slug": "wp_template_part", "rest_base": "template-parts"},
        "wp_navigation": {"name": "Navigation Menus", "slug": "wp_navigation", "rest_base": "navigation"},
    }
    types.update(extra)
    return wp_json(types)


POST_BODY = wp_json(wp_post())
NOT_FOUND = wp_error("rest_post_invalid_id", "Invalid post ID.", 404)


# -- fixtures and helpers --------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def home(monkeypatch, tmp_path_factory):
    """An empty HOME (no real ~/.netrc) and none of the user's wparchive variables."""
    path = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(path))
    for name in ("WPARCHIVE_APP_PASSWORD", "WPARCHIVE_POST_PASSWORD", "WPARCHIVE_ARCHIVE", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    """Every sleep asked for (backoff and Retry-After, the politeness delay); none happens."""
    asked = []
    monkeypatch.setattr(rest.time, "sleep", asked.append)
    return asked


@pytest.fixture
def web():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def add(web, url, body=b"", *, status=200, ctype=JSON, headers=(), query=None):
    """Register one answer; `query={}` makes a URL without a query match only requests without one."""
    match = [matchers.query_param_matcher(query)] if query is not None else []
    # A Response object, so that `headers` can repeat a name (two `Link` headers).
    web.add(responses.Response(responses.GET, url, body=body, status=status, content_type=ctype,
                               headers=list(headers), match=match))


def front(web, url, *tags, headers=(), status=200):
    add(web, url, page_html(*tags), status=status, ctype=HTML, headers=headers, query={} if "?" not in url else None)


def urls(web):
    return [call.request.url for call in web.calls]


def run(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def capture(tmp_path, *args, **kwargs):
    return run("archive", "--archive", str(tmp_path / "archive"), *args, **kwargs)


def new(tmp_path, key=KEY):
    """The line `archive` prints for the latest version of `key`: `new REF@ID`, ID its folder name."""
    latest = Archive(tmp_path / "archive").versions(PostKey(*key.split("/")[:2], int(key.split("/")[2])))[-1]
    return f"new {key}@{latest.name}"


def assert_ok(result, *lines):
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", "".join(line + "\n" for line in lines))


def assert_error(result, code, message, stdout=""):
    assert (result.exit_code, result.stderr, result.stdout) == (code, f"error: {message}\n", stdout)


def snapshots(tmp_path, key=KEY):
    folder = tmp_path / "archive" / key
    return sorted(folder.iterdir()) if folder.is_dir() else []


def files_under(root):
    return sorted(Path(d, f) for d, _, fs in os.walk(root) for f in fs)


def write_netrc(home, host="example.com", login="editor", password=NETRC_PASSWORD):
    path = home / ".netrc"
    path.write_text(f'machine {host}\n  login {login}\n  password "{password}"\n')  # spaces need quotes
    path.chmod(0o600)


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# -- 1. discovery ----------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    [("Link", LINK_API), ("Link", LINK_ALT), ("Link", LINK_SHORT)],
    [("Link", f"{LINK_API}, {LINK_ALT}, {LINK_SHORT}")],
], ids=["separate-headers", "comma-joined"])
def test_permalink_with_alternate_link_header(tmp_path, web, headers):
    front(web, PERMALINK, headers=headers)
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert urls(web) == [PERMALINK, f"{REST}?{E}"]
    assert web.calls[0].request.headers["Accept"].startswith("text/html")
    assert web.calls[1].request.headers["Accept"] == "application/json"


def test_permalink_with_only_alternate_link_tag(tmp_path, web):
    front(web, PERMALINK, TAG_ALT)
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert urls(web) == [PERMALINK, f"{REST}?{E}"]


def test_full_wordpress_head_skips_feeds_and_oembed_alternates(tmp_path, web):
    head = ('<link rel="alternate" type="application/rss+xml" title="Example &raquo; Feed" '
            'href="https://example.com/feed/" />\n'
            '<link rel="alternate" type="application/json+oembed" href="https://example.com/wp-json/oembed/1.0/embed'
            '?url=https%3A%2F%2Fexample.com%2F2023%2F12%2F28%2Fhello-archive%2F" />\n'
            '<link rel="alternate" type="text/xml+oembed" href="https://example.com/wp-json/oembed/1.0/embed'
            '?url=https%3A%2F%2Fexample.com%2F2023%2F12%2F28%2Fhello-archive%2F&#038;format=xml" />\n'
            + TAG_API + TAG_ALT +
            '<link rel="EditURI" type="application/rsd+xml" title="RSD" href="https://example.com/xmlrpc.php?rsd" />\n'
            f'<link rel="canonical" href="{PERMALINK}" />\n<link rel=\'shortlink\' href=\'https://example.com/?p=7660\' />\n')
    front(web, PERMALINK, head, headers=[("Link", LINK_API), ("Link", LINK_SHORT)])
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert urls(web) == [PERMALINK, f"{REST}?{E}"]


def test_plain_permalinks_site_advertising_rest_route(tmp_path, web):
    target = "https://example.com/?p=7660"
    post = wp_post(link=target)
    front(web, target, headers=[("Link", '<https://example.com/?rest_route=/>; rel="https://api.w.org/"'),
                                ("Link", '<https://example.com/?rest_route=/wp/v2/posts/7660>; rel="alternate"; '
                                         'type="application/json"')])
    add(web, "https://example.com/", wp_json(post), query={"rest_route": "/wp/v2/posts/7660", "_embed": "author,wp:term"})
    assert_ok(capture(tmp_path, target), new(tmp_path))
    assert urls(web) == [target, f"https://example.com/?rest_route=/wp/v2/posts/7660&{E}"]


@pytest.mark.parametrize("path", ["%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82", "привет"], ids=["encoded", "unicode"])
def test_non_latin_slug_lookup(tmp_path, web, path):
    link = "https://example.com/2023/12/28/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82/"
    post = wp_post(slug="%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82", link=link)
    url = f"https://example.com/2023/12/28/{path}/"
    web.add(responses.Response(responses.GET, link, body=page_html(), content_type=HTML,
                               headers=[("Link", LINK_API)]))
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + wp_json(post) + b"]")
    assert_ok(capture(tmp_path, url), new(tmp_path))
    assert parse_qs(urlsplit(urls(web)[-1]).query)["slug"] == ["%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82"]


def test_api_header_only_slug_lookup_checks_the_link_then_tries_pages(tmp_path, web):
    same_slug_post = wp_post(id=31, slug="about", link="https://example.com/2020/01/01/about/")
    page = wp_page()
    page_bytes = wp_json(page)
    front(web, ABOUT, headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + wp_json(same_slug_post) + b"]",
        headers=[("X-WP-Total", "1"), ("X-WP-TotalPages", "1")])
    add(web, "https://example.com/wp-json/wp/v2/pages", b"[" + page_bytes + b"]",
        headers=[("X-WP-Total", "1"), ("X-WP-TotalPages", "1")])
    assert_ok(capture(tmp_path, ABOUT), new(tmp_path, "example.com/pages/2"))
    assert urls(web) == [ABOUT, TYPES_URL, f"https://example.com/wp-json/wp/v2/posts?{E}&slug=about",
                         f"https://example.com/wp-json/wp/v2/pages?{E}&slug=about"]
    assert not (tmp_path / "archive/example.com/posts").exists()
    [snap] = snapshots(tmp_path, "example.com/pages/2")
    assert (snap / "response.json").read_bytes() == page_bytes  # this item's bytes, cut from the list
    meta = json.loads((snap / "snapshot.json").read_text())
    assert meta["source"]["api_url"] == "https://example.com/wp-json/wp/v2/pages/2?_embed=author,wp:term"


def test_api_link_tag_only_slug_lookup(tmp_path, web):
    front(web, PERMALINK, TAG_API)
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + POST_BODY + b"]")
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert urls(web) == [PERMALINK, TYPES_URL, f"https://example.com/wp-json/wp/v2/posts?{E}&slug=hello-archive"]
    assert (snapshots(tmp_path)[0] / "response.json").read_bytes() == POST_BODY


def test_no_advertisement_guesses_wp_json(tmp_path, web):
    front(web, PERMALINK)
    add(web, API_ROOT, INDEX)
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + POST_BODY + b"]")
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert urls(web) == [PERMALINK, API_ROOT, TYPES_URL,
                         f"https://example.com/wp-json/wp/v2/posts?{E}&slug=hello-archive"]


def test_no_advertisement_plain_permalinks_guesses_rest_route(tmp_path, web):
    target = "https://example.com/?p=7660"
    post = wp_post(link=target)
    front(web, target)
    add(web, API_ROOT, page_html(title="Page not found"), status=404, ctype=HTML)
    add(web, "https://example.com/?rest_route=/", INDEX)
    add(web, "https://example.com/?rest_route=/wp/v2/types", wp_types())
    add(web, "https://example.com/", wp_json(post), query={"rest_route": "/wp/v2/posts/7660", "_embed": "author,wp:term"})
    assert_ok(capture(tmp_path, target), new(tmp_path))
    assert urls(web) == [target, API_ROOT, "https://example.com/?rest_route=/",
                         "https://example.com/?rest_route=/wp/v2/types",
                         f"https://example.com/?rest_route=/wp/v2/posts/7660&{E}"]
    meta = json.loads((snapshots(tmp_path)[0] / "snapshot.json").read_text())
    assert meta["source"]["url"] == target
    assert meta["source"]["api_url"] == "https://example.com/?rest_route=/wp/v2/posts/7660&_embed=author,wp:term"


def test_p_id_redirect_is_followed(tmp_path, web):
    target = "https://example.com/?p=7660"
    add(web, target, b"", status=301, ctype=HTML, headers=[("Location", PERMALINK), ("X-Redirect-By", "WordPress")])
    front(web, PERMALINK, headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types())
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, target), new(tmp_path))
    assert urls(web) == [target, PERMALINK, TYPES_URL, f"{REST}?{E}"]  # the ID from ?p=, no slug lookup
    assert json.loads((snapshots(tmp_path)[0] / "snapshot.json").read_text())["source"]["url"] == target


def test_page_id_looks_only_in_pages(tmp_path, web):
    target = "https://example.com/?page_id=2"
    add(web, target, b"", status=301, ctype=HTML, headers=[("Location", ABOUT)])
    front(web, ABOUT, headers=[("Link", LINK_API)])
    add(web, "https://example.com/wp-json/wp/v2/pages/2", wp_json(wp_page()))
    assert_ok(capture(tmp_path, target), new(tmp_path, "example.com/pages/2"))
    assert urls(web) == [target, ABOUT, f"https://example.com/wp-json/wp/v2/pages/2?{E}"]


def test_rest_url_target(tmp_path, web):
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, REST), new(tmp_path))
    assert urls(web) == [f"{REST}?{E}"]


def test_rest_route_target(tmp_path, web):
    target = "https://example.com/?rest_route=/wp/v2/posts/7660"
    add(web, "https://example.com/", POST_BODY, query={"rest_route": "/wp/v2/posts/7660", "_embed": "author,wp:term"})
    assert_ok(capture(tmp_path, target), new(tmp_path))
    assert urls(web) == [f"{target}&{E}"]


def test_site_and_id_tries_posts_then_pages(tmp_path, web):
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts/2", NOT_FOUND, status=404)
    add(web, "https://example.com/wp-json/wp/v2/pages/2", wp_json(wp_page()))
    assert_ok(capture(tmp_path, "--site", SITE, "2"), new(tmp_path, "example.com/pages/2"))
    assert urls(web) == [SITE + "/", TYPES_URL, f"https://example.com/wp-json/wp/v2/posts/2?{E}",
                         f"https://example.com/wp-json/wp/v2/pages/2?{E}"]


def test_site_and_slug_without_scheme(tmp_path, web):
    front(web, SITE + "/", TAG_API)
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + POST_BODY + b"]")
    assert_ok(capture(tmp_path, "--site", "example.com", "hello-archive"), new(tmp_path))
    assert urls(web) == [SITE + "/", TYPES_URL, f"https://example.com/wp-json/wp/v2/posts?{E}&slug=hello-archive"]
    meta = json.loads((snapshots(tmp_path)[0] / "snapshot.json").read_text())
    assert meta["source"]["url"] == PERMALINK  # a bare slug is recorded as the post's link


def test_type_page_and_custom_type_skip_the_types_lookup(tmp_path, web):
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    add(web, "https://example.com/wp-json/wp/v2/pages/2", wp_json(wp_page()))
    book = wp_post(id=12, type="book", slug="dune", link="https://example.com/books/dune/")
    add(web, "https://example.com/wp-json/wp/v2/books/12", wp_json(book))
    assert_ok(capture(tmp_path, "--site", SITE, "--type", "page", "2"), new(tmp_path, "example.com/pages/2"))
    assert_ok(capture(tmp_path, "--site", SITE, "--type", "books", "12"), new(tmp_path, "example.com/books/12"))
    assert urls(web) == [SITE + "/", f"https://example.com/wp-json/wp/v2/pages/2?{E}",
                         SITE + "/", f"https://example.com/wp-json/wp/v2/books/12?{E}"]


def test_type_with_permalink_slug_lookup(tmp_path, web):
    front(web, ABOUT, headers=[("Link", LINK_API)])
    add(web, "https://example.com/wp-json/wp/v2/pages", b"[" + wp_json(wp_page()) + b"]")
    assert_ok(capture(tmp_path, "--type", "page", ABOUT), new(tmp_path, "example.com/pages/2"))
    assert urls(web) == [ABOUT, f"https://example.com/wp-json/wp/v2/pages?{E}&slug=about"]


def test_id_not_found_lists_the_types_tried(tmp_path, web):
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types(book={"name": "Books", "slug": "book", "rest_base": "books"}))
    for base in ("posts", "pages", "books"):
        add(web, f"https://example.com/wp-json/wp/v2/{base}/99", NOT_FOUND, status=404)
    assert_error(capture(tmp_path, "--site", SITE, "99"), 3,
                 "post 99 was not found at https://example.com (tried posts, pages, books); check the ID, or --type")


def test_slug_not_found_lists_the_types_tried(tmp_path, web):
    url = "https://example.com/gone/"
    front(web, url, headers=[("Link", LINK_API)], status=404)  # WordPress still sends its Link header
    add(web, API_ROOT, INDEX)
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[]")
    add(web, "https://example.com/wp-json/wp/v2/pages", b"[]")
    assert_error(capture(tmp_path, url), 3, "no post with slug 'gone' at https://example.com/gone/ was found at "
                 "https://example.com (tried posts, pages); check the URL or --type")
    assert files_under(tmp_path / "archive") == []  # nothing was captured, so no site was even locked


def test_no_wordpress_api_at_all(tmp_path, web):
    front(web, PERMALINK)
    add(web, API_ROOT, page_html(title="Not found"), status=404, ctype=HTML)
    front(web, "https://example.com/?rest_route=/")  # a site that ignores rest_route: its home page
    assert_error(capture(tmp_path, PERMALINK), 3,
                 "no WordPress REST API found at https://example.com (no api.w.org link; /wp-json/ and "
                 "?rest_route=/ did not answer); check the URL, or the site may block its API")
    assert urls(web) == [PERMALINK, API_ROOT, "https://example.com/?rest_route=/"]


# -- 2. parameters and credentials -----------------------------------------------------------------
def test_embed_sent_and_no_authorization_without_user_even_with_netrc(tmp_path, web, home):
    write_netrc(home)
    target = "https://example.com/?p=7660"
    add(web, target, b"", status=301, ctype=HTML, headers=[("Location", PERMALINK)])
    front(web, PERMALINK, headers=[("Link", LINK_API), ("Link", LINK_ALT)])
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, target), new(tmp_path))
    assert urls(web) == [target, PERMALINK, f"{REST}?{E}"]
    assert parse_qs(urlsplit(urls(web)[-1]).query) == {"_embed": ["author,wp:term"]}
    # requests reads ~/.netrc by itself, also when following a redirect; nothing may be sent here.
    assert [call.request.headers.get("Authorization") for call in web.calls] == [None, None, None]


def test_user_with_env_password_sends_context_edit_and_basic_auth(tmp_path, web, monkeypatch, home):
    write_netrc(home, password="not this one")
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", APP_PASSWORD)
    add(web, REST, wp_json(wp_post(status="draft", content={"rendered": CONTENT, "raw": "x", "protected": False})))
    assert_ok(capture(tmp_path, "--user", "editor", REST), new(tmp_path))
    [call] = web.calls
    assert parse_qs(urlsplit(call.request.url).query) == {"_embed": ["author,wp:term"], "context": ["edit"]}
    assert call.request.headers["Authorization"] == basic("editor", APP_PASSWORD)
    assert not any(APP_PASSWORD.encode() in path.read_bytes() for path in files_under(tmp_path / "archive"))


def test_user_password_from_netrc(tmp_path, web, home):
    write_netrc(home)
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + POST_BODY + b"]")
    assert_ok(capture(tmp_path, "--user", "editor", "--site", "example.com", "hello-archive"), new(tmp_path))
    assert {call.request.headers["Authorization"] for call in web.calls} == {basic("editor", NETRC_PASSWORD)}
    assert parse_qs(urlsplit(urls(web)[-1]).query) == {
        "_embed": ["author,wp:term"], "context": ["edit"], "slug": ["hello-archive"], "status": ["any"]}


def test_user_credentials_are_dropped_on_a_redirect_to_another_host(tmp_path, web, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", APP_PASSWORD)
    target = "https://example.com/?p=7660"
    elsewhere = "https://cdn.example.net/2023/12/28/hello-archive/"
    add(web, target, b"", status=301, ctype=HTML, headers=[("Location", elsewhere)])
    front(web, elsewhere, headers=[("Link", LINK_ALT)])
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, "--user", "editor", target), new(tmp_path))
    assert [call.request.headers.get("Authorization") for call in web.calls] == [
        basic("editor", APP_PASSWORD), None, basic("editor", APP_PASSWORD)]


def test_user_credentials_are_sent_only_to_their_host(tmp_path, web, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", APP_PASSWORD)
    other = "http://api.example.net/wp-json/wp/v2/posts/7660"
    front(web, PERMALINK, headers=[("Link", f'<{other}>; rel="alternate"; type="application/json"')])
    add(web, other, wp_error("rest_forbidden_context", "Sorry, you are not allowed to edit this post.", 401),
        status=401)
    assert_error(capture(tmp_path, "--user", "editor", PERMALINK), 3,
                 "posts/7660 needs credentials (HTTP 401 rest_forbidden_context), but it is at http://api.example.net "
                 "and those for editor are sent only to https://example.com; give a URL there")
    assert [call.request.headers.get("Authorization") for call in web.calls] == [basic("editor", APP_PASSWORD), None]


def test_user_credentials_are_never_sent_over_plain_http_after_https(tmp_path, web, monkeypatch):
    # A site whose `home` option still says http:// advertises an http API root on an https page.
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", APP_PASSWORD)
    front(web, PERMALINK, headers=[("Link", '<http://example.com/wp-json/>; rel="https://api.w.org/"'),
                                   ("Link", LINK_ALT.replace("https:", "http:"))])
    add(web, "http://example.com/wp-json/wp/v2/posts/7660", POST_BODY)
    assert_ok(capture(tmp_path, "--user", "editor", PERMALINK), new(tmp_path))
    assert [call.request.headers.get("Authorization") for call in web.calls] == [basic("editor", APP_PASSWORD), None]


def test_netrc_with_an_unquoted_application_password(tmp_path, web, home):
    (home / ".netrc").write_text(f"machine example.com login editor password {NETRC_PASSWORD}\n")
    (home / ".netrc").chmod(0o600)
    assert_error(capture(tmp_path, "--user", "editor", REST), 2,
                 "~/.netrc cannot be read: bad follower token '1234' (line 1); quote a password with spaces: "
                 'password "abcd efgh ijkl mnop qrst uvwx"')
    assert urls(web) == []


def test_draft_by_p_id_with_user(tmp_path, web, monkeypatch):
    # Application passwords work for the REST API only: the front end answers 404 for a draft.
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", APP_PASSWORD)
    target = "https://example.com/?p=7660"
    add(web, target, page_html(title="Page not found"), status=404, ctype=HTML, headers=[("Link", LINK_API)])
    add(web, API_ROOT, INDEX)
    add(web, TYPES_URL, wp_types())
    draft = wp_json(wp_post(status="draft", link=target, slug=""))
    add(web, REST, draft)
    assert_ok(capture(tmp_path, "--user", "editor", target), new(tmp_path))
    assert urls(web) == [target, API_ROOT, TYPES_URL, f"{REST}?{E}&context=edit"]
    meta = json.loads((snapshots(tmp_path)[0] / "snapshot.json").read_text())
    assert (meta["status"], meta["slug"]) == ("draft", "")


def test_user_without_any_password(tmp_path, web):
    assert_error(capture(tmp_path, "--user", "editor", REST), 2,
                 "--user editor needs a password: set WPARCHIVE_APP_PASSWORD or add example.com to ~/.netrc")
    assert urls(web) == []


def test_credentials_repr_hides_the_password():
    assert repr(Credentials("editor", APP_PASSWORD)) == "Credentials(user='editor', password=***)"


# -- 3. errors, one line each ----------------------------------------------------------------------
def test_draft_without_credentials(tmp_path, web):
    add(web, REST, wp_error("rest_forbidden", "Sorry, you are not allowed to do that.", 401), status=401)
    assert_error(capture(tmp_path, REST), 3,
                 "posts/7660 needs credentials (HTTP 401 rest_forbidden: Sorry, you are not allowed to do that.); "
                 "use --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc")


def test_credentials_refused(tmp_path, web, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", "wrong")
    add(web, REST, wp_error("incorrect_password", "The provided password is an invalid application password.", 401),
        status=401)
    assert_error(capture(tmp_path, "--user", "editor", REST), 3,
                 "credentials for editor were refused for posts/7660 (HTTP 401 incorrect_password); check the "
                 "application password (some servers strip the Authorization header before PHP sees it)")


def test_context_edit_refused_for_a_user_without_the_capability(tmp_path, web, monkeypatch):
    monkeypatch.setenv("WPARCHIVE_APP_PASSWORD", APP_PASSWORD)
    add(web, REST, wp_error("rest_forbidden_context", "Sorry, you are not allowed to edit this post.", 401),
        status=401)
    result = capture(tmp_path, "--user", "subscriber", REST)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == ("error: credentials for subscriber were refused for posts/7660 (HTTP 401 "
                             "rest_forbidden_context); check the application password (some servers strip the "
                             "Authorization header before PHP sees it)\n")
    assert APP_PASSWORD not in result.stderr


def test_not_found(tmp_path, web):
    add(web, REST, NOT_FOUND, status=404)
    assert_error(capture(tmp_path, REST), 3,
                 f"posts/7660 was not found at {REST}?{E} (HTTP 404 rest_post_invalid_id)")


WITHHELD_NOTE = ("warning: posts/7660 is password-protected: WordPress sent its content empty, so what it shows "
                 "without the password is archived (title, dates, terms; no body); to archive its content, give "
                 "--post-password, or --post-passwords FILE (used for the request only, never stored)\n")


def test_protected_post_without_password_archives_what_is_public(tmp_path, web):
    add(web, REST, wp_json(wp_post(content={"rendered": "", "protected": True},
                                   excerpt={"rendered": "", "protected": True})))
    result = capture(tmp_path, REST)
    [snap] = snapshots(tmp_path)
    assert (result.exit_code, result.stderr, result.stdout) == (
        0, WITHHELD_NOTE, f"protected {KEY}@{snap.name} (content withheld: no password)\n")
    assert (snap / "post.txt").read_text() == ("Hello – archive\n\n[password-protected: WordPress sent no content "
                                               "without the post's password]\n")
    meta = json.loads((snap / "snapshot.json").read_text())
    assert (meta["protected"], meta["content_withheld"], meta["categories"], meta["tags"]) == (
        True, True, ["News"], ["archiving", "WordPress"])
    # Again without the password: nothing new, said again; with it, the content as a new version.
    again = capture(tmp_path, REST)
    assert (again.exit_code, again.stderr, again.stdout) == (0, WITHHELD_NOTE, f"unchanged {KEY}\n")
    web.reset()
    add(web, REST, wp_json(wp_post(content={"rendered": CONTENT, "protected": True})))
    unlocked = capture(tmp_path, "--post-password", "s3cr3t", REST)
    assert_ok(unlocked, new(tmp_path))
    assert len(snapshots(tmp_path)) == 2
    # Then without it: the content archived before is not replaced by an empty version.
    web.reset()
    add(web, REST, wp_json(wp_post(content={"rendered": "", "protected": True},
                                   excerpt={"rendered": "", "protected": True})))
    later = capture(tmp_path, REST)
    assert (later.exit_code, later.stderr, later.stdout) == (
        0, WITHHELD_NOTE, f"protected {KEY}: archived with its content before; no password given this run\n")
    assert len(snapshots(tmp_path)) == 2


@pytest.mark.parametrize("line", ["7660 s3cr3t pass", "https://example.com/2023/12/28/hello-archive s3cr3t pass"])
def test_protected_post_with_a_passwords_file(tmp_path, web, line):
    protected = wp_json(wp_post(content={"rendered": "", "protected": True}))
    add(web, REST, wp_json(wp_post(content={"rendered": CONTENT, "protected": True})),
        query={"_embed": "author,wp:term", "password": "s3cr3t pass"})
    add(web, REST, protected, query={"_embed": "author,wp:term"})
    passwords = tmp_path / "passwords"
    passwords.write_text(line + "\n")
    passwords.chmod(0o600)
    result = capture(tmp_path, "--post-passwords", str(passwords), REST)
    [snap] = snapshots(tmp_path)
    assert_ok(result, f"new {KEY}@{snap.name}")
    assert "s3cr3t" not in (snap / "snapshot.json").read_text()
    assert (snap / "post.txt").read_text() == "Hello – archive\n\nFirst paragraph.\n\nInside a group – kept.\n"


@pytest.mark.parametrize("how", ["option", "env"])
def test_protected_post_with_password_is_never_stored(tmp_path, web, monkeypatch, how):
    secret = "s3cr3t-Passw0rd"
    body = wp_json(wp_post(content={"rendered": CONTENT, "protected": True}))
    add(web, REST, body)
    args = ["--post-password", secret] if how == "option" else []
    if how == "env":
        monkeypatch.setenv("WPARCHIVE_POST_PASSWORD", secret)
    result = capture(tmp_path, *args, REST)
    assert_ok(result, new(tmp_path))
    assert parse_qs(urlsplit(urls(web)[0]).query) == {"_embed": ["author,wp:term"], "password": [secret]}
    files = files_under(tmp_path / "archive")
    assert len(files) == 6  # the site's lock file, the search index and one snapshot's four files
    assert tmp_path / "archive/.locks/example.com.lock" in files
    assert not any(secret.encode() in path.read_bytes() or secret in str(path) for path in files)
    [snap] = snapshots(tmp_path)
    assert (snap / "response.json").read_bytes() == body
    assert json.loads((snap / "snapshot.json").read_text())["source"]["api_url"] == \
        f"{REST}?_embed=author,wp:term"


def test_protected_post_wrong_password(tmp_path, web):
    add(web, REST, wp_error("rest_post_incorrect_password", "Incorrect post password.", 403), status=403)
    result = capture(tmp_path, "--post-password", "nope-nope", REST)
    assert_error(result, 3, "posts/7660 is password-protected and the --post-password given was refused "
                 "(HTTP 403 rest_post_incorrect_password)")


def test_html_challenge_page_where_json_was_expected(tmp_path, web):
    add(web, REST, b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your "
        b"browser</body></html>", ctype=HTML)
    assert_error(capture(tmp_path, REST), 3, f"{REST}?{E} returned an HTML page where JSON was expected (a "
                 "firewall, login or challenge page?); open it in a browser to check")


def test_html_challenge_sent_as_json_content_type(tmp_path, web):
    add(web, REST, b"\n<!doctype html><html><body>Access denied</body></html>")
    result = capture(tmp_path, REST)
    assert result.exit_code == 3 and "HTML page where JSON was expected" in result.stderr


def test_invalid_json(tmp_path, web):
    add(web, REST, POST_BODY[:200])
    assert_error(capture(tmp_path, REST), 3, f"{REST}?{E} did not return valid JSON; is it a WordPress REST API?")


def test_json_that_is_not_a_post(tmp_path, web):
    add(web, REST, b"[]")
    assert_error(capture(tmp_path, REST), 3, f"{REST}?{E} did not return a post object")


@pytest.mark.parametrize(("value", "shown"), [(-5, "'-5'"), (True, "'True'"), ("7660/../1", "'7660/../1'"),
                                              (0, "'0'")])
def test_post_without_a_valid_id(tmp_path, web, value, shown):
    add(web, REST, wp_json(wp_post(id=value)))
    assert_error(capture(tmp_path, REST), 3, f"{REST}?{E} returned a post without a valid id ({shown})")
    assert files_under(tmp_path / "archive") == []  # refused before any site was locked


def test_connection_error(tmp_path, web):
    web.add(responses.GET, REST, body=requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='example.com', port=443): Max retries exceeded with url: /wp-json/wp/v2/posts/7660 "
        "(Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to establish a "
        "new connection: [Errno 111] Connection refused'))"))
    assert_error(capture(tmp_path, REST), 3,
                 "cannot connect to example.com: Connection refused; retries ran out after 4; check the URL and the network")


def test_unknown_host(tmp_path, web):
    web.add(responses.GET, REST, body=requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='example.com', port=443): Max retries exceeded with url: / (Caused by "
        "NameResolutionError(\"<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve "
        "'example.com' ([Errno -2] Name or service not known)\"))"))
    assert_error(capture(tmp_path, REST), 3,
                 "cannot connect to example.com: Name or service not known; retries ran out after 4; check the URL and the "
                 "network")


def test_read_timeout(tmp_path, web):
    web.add(responses.GET, REST, body=requests.exceptions.ReadTimeout(
        "HTTPSConnectionPool(host='example.com', port=443): Read timed out. (read timeout=5)"))
    assert_error(capture(tmp_path, "--timeout", "5", "--retries", "1", REST), 3,
                 "example.com timed out reading after connecting (no data for 5s); retries ran out after 1; try "
                 "again later or raise --timeout")
    assert web.calls[0].request.req_kwargs["timeout"] == (5.0, 5.0)


def test_connect_timeout(tmp_path, web):
    web.add(responses.GET, REST, body=requests.exceptions.ConnectTimeout("timed out"))
    assert_error(capture(tmp_path, "--retries", "1", REST), 3,
                 "cannot connect to example.com: timed out; retries ran out after 1; check the URL, or try again later")


def test_tls_failure(tmp_path, web):
    web.add(responses.GET, REST, body=requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='example.com', port=443): Max retries exceeded with url: /wp-json/wp/v2/posts/7660 "
        "(Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
        "failed: self-signed certificate (_ssl.c:1006)')))"))
    assert_error(capture(tmp_path, REST), 3, "TLS failed with example.com: certificate verify failed: self-signed "
                 "certificate; check the certificate or the URL")


def test_post_password_is_redacted_from_error_lines(tmp_path, web):
    secret = "s3cr3t-Passw0rd"
    add(web, REST, b"<!DOCTYPE html><html><body>Blocked</body></html>", ctype=HTML)
    add(web, "https://example.com/wp-json/wp/v2/posts/1", NOT_FOUND, status=404)
    result = capture(tmp_path, "--post-password", secret, REST, "https://example.com/wp-json/wp/v2/posts/1")
    assert result.exit_code == 3
    assert result.stdout == (
        f"failed {REST}: {REST}?{E}&password=*** returned an HTML page where JSON was expected (a firewall, login "
        "or challenge page?); open it in a browser to check\n"
        f"failed https://example.com/wp-json/wp/v2/posts/1: posts/1 was not found at "
        f"https://example.com/wp-json/wp/v2/posts/1?{E}&password=*** (HTTP 404 rest_post_invalid_id)\n")
    assert secret not in result.stdout + result.stderr


def test_utf8_bom_before_json_is_accepted_and_kept(tmp_path, web):
    add(web, REST, b"\xef\xbb\xbf" + POST_BODY)  # a plugin file saved with a BOM
    assert_ok(capture(tmp_path, REST), new(tmp_path))
    assert (snapshots(tmp_path)[0] / "response.json").read_bytes() == b"\xef\xbb\xbf" + POST_BODY


def test_utf8_bom_before_a_list_response(tmp_path, web):
    front(web, PERMALINK, headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"\xef\xbb\xbf[" + POST_BODY + b"]")
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert (snapshots(tmp_path)[0] / "response.json").read_bytes() == POST_BODY


def test_redirect_loop(tmp_path, web):
    target = "https://example.com/?p=1"
    add(web, target, b"", status=301, ctype=HTML, headers=[("Location", target)])
    assert_error(capture(tmp_path, target), 3, f"{target} redirects in a loop; check the URL")


# -- 4. retries ------------------------------------------------------------------------------------
def test_503_then_200_succeeds(tmp_path, web, slept):
    add(web, REST, b"<html><body>Service Unavailable</body></html>", status=503, ctype=HTML)
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, "--retries", "2", REST), new(tmp_path))
    assert urls(web) == [f"{REST}?{E}"] * 2
    assert slept == []  # urllib3 does not back off before the first retry


def test_429_retry_after_is_honoured(tmp_path, web, slept):
    add(web, REST, wp_error("too_many_requests", "Slow down.", 429), status=429, headers=[("Retry-After", "1")])
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, "--retries", "1", REST), new(tmp_path))
    assert len(web.calls) == 2
    assert slept == [1.0]


def test_retry_after_is_capped_by_the_client_setting(web, slept):
    add(web, REST, b"", status=503, ctype=HTML, headers=[("Retry-After", "2")])
    add(web, REST, b"", status=503, ctype=HTML, headers=[("Retry-After", "3")])
    add(web, REST, POST_BODY)
    locator = Locator(Client(retries=3, backoff=0, max_retry_wait=5))
    assert locator.fetch(REST).post.id == 7660
    assert slept == [2.0, 3.0]


def test_a_retry_after_beyond_the_retry_wait_ends_the_retries_truly_counted(tmp_path, web, slept):
    """Maintenance: `Retry-After: 100000` once the wait allowed is spent; the count is of real retries."""
    add(web, REST, b"<html><body>Briefly unavailable for scheduled maintenance.</body></html>", status=503,
        ctype=HTML, headers=[("Retry-After", "20")])
    add(web, REST, b"<html><body>Briefly unavailable for scheduled maintenance.</body></html>", status=503,
        ctype=HTML, headers=[("Retry-After", "100000")])
    assert_error(capture(tmp_path, "--max-retry-wait", "60", REST), 3,
                 f"{REST}?{E} answered HTTP 503 (maintenance?); retries stopped after 1: it asked to wait 100000s, "
                 "more than --max-retry-wait 60s allows; try again later, or slow down with --delay")
    assert (len(web.calls), slept) == (2, [20.0])


def test_each_retry_is_shown_at_v_with_its_wait(tmp_path, web, slept, caplog):
    """-v shows INFO records of the `wparchive` logger (cli/app.py); each retry is one, with its wait."""
    add(web, REST, b"", status=503, ctype=HTML, headers=[("Retry-After", "7")])
    add(web, REST, b"", status=429, ctype=HTML, headers=[("Retry-After", "1")])
    add(web, REST, POST_BODY)
    caplog.set_level("INFO", logger="wparchive")
    result = run("-v", "archive", "--archive", str(tmp_path / "archive"), "--retries", "3", REST)
    assert result.exit_code == 0, result.output
    assert [m for m in caplog.messages if "retry" in m] == ["retry 1 of 3 for example.com in 7s: HTTP 503",
                                                            "retry 2 of 3 for example.com in 1s: HTTP 429"]


def test_retry_budget_stops_retrying(web, slept):
    add(web, REST, b"", status=503, ctype=HTML)
    client = Client(retries=5, backoff=0, max_retry_wait=0)  # no wait allowed: no retry
    with pytest.raises(RemoteError) as caught:
        client.get_json(REST)
    assert str(caught.value) == (f"{REST} answered HTTP 503 (maintenance?); retries stopped after 0: --max-retry-wait "
                                 "0s was spent; try again later, or slow down with --delay")
    assert (len(web.calls), slept) == (1, [])


def test_502_forever_gives_up_after_the_retries(tmp_path, web, slept):
    add(web, REST, b"<html><body>Bad Gateway</body></html>", status=502, ctype=HTML)
    assert_error(capture(tmp_path, "--retries", "2", REST), 3,
                 f"{REST}?{E} answered HTTP 502; retries ran out after 2; try again later, or slow down with --delay")
    assert len(web.calls) == 3
    [backoff] = slept  # exponential with jitter: 1 * 2**1 plus up to 0.5
    assert 2.0 <= backoff <= 2.5
    assert snapshots(tmp_path) == []


def test_no_retries(tmp_path, web, slept):
    add(web, REST, b"", status=503, ctype=HTML)
    result = capture(tmp_path, "--retries", "0", REST)
    assert (result.exit_code, len(web.calls), slept) == (3, 1, [])


def test_response_headers_are_recorded_without_cookies_or_nonces(tmp_path, web):
    add(web, REST, POST_BODY, headers=[("Set-Cookie", "wordpress_logged_in=secret1; path=/"), ("X-WP-Nonce", "secret2"),
                                       ("X-Robots-Tag", "noindex"), ("Set-Cookie", "other=secret3")])
    result = capture(tmp_path, REST)
    assert_ok(result, new(tmp_path))
    [snap] = snapshots(tmp_path)
    meta = json.loads((snap / "snapshot.json").read_text())
    assert meta["source"]["response_headers"] == [["Content-Type", "application/json; charset=UTF-8"],
                                                  ["X-Robots-Tag", "noindex"]]
    assert not any(b"secret" in path.read_bytes() for path in files_under(tmp_path / "archive"))


def test_user_agent_and_politeness_delay(tmp_path, web, slept):
    front(web, PERMALINK, headers=[("Link", LINK_ALT)])
    add(web, REST, POST_BODY)
    assert_ok(capture(tmp_path, "--delay", "7", PERMALINK), new(tmp_path))
    assert {call.request.headers["User-Agent"] for call in web.calls} == {
        f"wparchive/{__version__} (+https://wordpress.org/; archiver)"}
    assert len(slept) == 1 and 6.5 < slept[0] <= 7.0  # one wait, before the second request


# -- 5. the store through the CLI ------------------------------------------------------------------
def test_snapshot_files_and_metadata(tmp_path, web, monkeypatch):
    monkeypatch.setattr(store, "utc_now", lambda: datetime(2026, 11, 29, 10, 0, 5, tzinfo=timezone.utc))
    add(web, REST, POST_BODY, headers=[("ETag", '"abc123"'), ("Last-Modified", "Tue, 02 Jan 2024 07:00:00 GMT"),
                                       ("X-WP-Total", "1")])
    assert_ok(capture(tmp_path, REST), new(tmp_path))
    [snap] = snapshots(tmp_path)
    meta = json.loads((snap / "snapshot.json").read_text())
    assert snap.name == "20261129T100005Z-" + meta["content_hash"][:12]
    assert sorted(p.name for p in snap.iterdir()) == ["post.md", "post.txt", "response.json", "snapshot.json"]
    assert (snap / "response.json").read_bytes() == POST_BODY
    assert (snap / "post.txt").read_text() == "Hello – archive\n\nFirst paragraph.\n\nInside a group – kept.\n"
    design_keys = {"schema", "wparchive", "captured_at", "source", "id", "type", "slug", "link", "status", "title",
                   "date_gmt", "modified_gmt", "author", "categories", "tags", "content_hash", "converter", "files",
                   "salvage"}
    assert design_keys <= set(meta)
    assert {k: meta[k] for k in design_keys - {"content_hash", "converter", "files"}} == {
        "schema": 1, "wparchive": __version__, "captured_at": "2026-11-29T10:00:05Z",
        "source": {"kind": "api", "url": REST, "api_url": f"{REST}?_embed=author,wp:term", "http_status": 200,
                   "etag": '"abc123"', "last_modified": "Tue, 02 Jan 2024 07:00:00 GMT",
                   # every header WordPress sent, in order (for WARC export), none that may hold a secret
                   "response_headers": [["Content-Type", "application/json; charset=UTF-8"], ["ETag", '"abc123"'],
                                        ["Last-Modified", "Tue, 02 Jan 2024 07:00:00 GMT"], ["X-WP-Total", "1"]]},
        "id": 7660, "type": "post", "slug": "hello-archive", "link": PERMALINK, "status": "publish",
        "title": "Hello – archive", "date_gmt": "2023-12-28T09:15:00", "modified_gmt": "2024-01-02T07:00:00",
        "author": "Ada Lovelace", "categories": ["News"], "tags": ["archiving", "WordPress"], "salvage": None}
    assert len(meta["content_hash"]) == 64
    assert set(meta["converter"]) == {"name", "version", "options"}
    assert meta["files"] == {name: {"sha256": store.sha256((snap / name).read_bytes()),
                                    "size": (snap / name).stat().st_size}
                             for name in ("response.json", "post.txt", "post.md")}
    assert run("verify", "--archive", str(tmp_path / "archive")).stdout == "1 snapshots checked, 0 problems\n"


def test_unchanged_markup_noise_and_edits(tmp_path, web):
    bodies = [
        POST_BODY,
        POST_BODY,  # identical
        wp_json(wp_post(content={"rendered": CONTENT.replace("wp-container-3", "wp-container-17"),
                                 "protected": False}, modified_gmt="2024-02-01T00:00:00")),
        wp_json(wp_post(content={"rendered": CONTENT.replace("First paragraph.", "First paragraph, edited."),
                                 "protected": False}, modified_gmt="2024-03-01T00:00:00")),
    ]
    for body in bodies:
        add(web, REST, body)
    lines = []
    for _ in bodies:
        lines.append(capture(tmp_path, REST).stdout)
        latest = Archive(tmp_path / "archive").versions(PostKey("example.com", "posts", 7660))[-1]
        lines[-1] = lines[-1].replace(latest.name, "ID")
    assert lines == [f"new {KEY}@ID\n", f"unchanged {KEY}\n", f"unchanged {KEY}\n", f"new {KEY}@ID\n"]
    # In time order (both were captured within the same second, maybe).
    snaps = [v.path for v in Archive(tmp_path / "archive").versions(PostKey("example.com", "posts", 7660))]
    assert len(snaps) == 2
    assert (snaps[0] / "response.json").read_bytes() == POST_BODY
    assert (snaps[1] / "response.json").read_bytes() == bodies[3]
    assert "First paragraph, edited." in (snaps[1] / "post.txt").read_text()


def test_dump_and_live_targets_in_one_run(tmp_path, web):
    dump = tmp_path / "saved.json"
    dump.write_bytes(wp_json(wp_page()))
    add(web, REST, POST_BODY)
    result = capture(tmp_path, str(dump), REST)
    assert_ok(result, new(tmp_path, "example.com/pages/2"), new(tmp_path))
    meta = json.loads((snapshots(tmp_path, "example.com/pages/2")[0] / "snapshot.json").read_text())
    assert meta["source"] == {"kind": "file", "path": str(dump), "api_url": None, "http_status": None,
                              "etag": None, "last_modified": None}


# -- 6. hostile servers and partial runs -----------------------------------------------------------
def assert_all_inside_archive(tmp_path):
    archive = tmp_path / "archive"
    for path in files_under(tmp_path):
        assert path.resolve().is_relative_to(archive.resolve()) or path == tmp_path / "saved.json", path
    for snap in archive.glob("*/*/*/*"):
        assert snap.resolve().parent.parent.parent.parent == archive.resolve()


@pytest.mark.parametrize(("link", "host"), [
    ("https://../../../etc/passwd", "unknown-host"),
    ("https://%2e%2e/%2e%2e/x/", "unknown-host"),
    ("https://example.com:99999/x/", "unknown-host"),
    ("https://evil.example%2F..%2F..%2Ftmp/x/", "evil.example-..-..-tmp"),
    ("https://exa\\..\\..\\mple.com/x/", "exa-..-..-mple.com"),
    ("https://EXAMPLE.com:8080/x/", "example.com_8080"),
])
def test_hostile_link_host_in_a_dump(tmp_path, link, host):
    # A dump has only the post's `link` to say which site it is from: that host is sanitised.
    saved = tmp_path / "saved.json"
    saved.write_bytes(wp_json(wp_post(link=link)))
    assert_ok(capture(tmp_path, str(saved)), new(tmp_path, f"{host}/posts/7660"))
    assert [p.name for p in (tmp_path / "archive").iterdir() if p.is_dir() and p.name != ".locks"] == [host]
    assert [p.name for p in (tmp_path / "archive/.locks").iterdir()] == [f"{host}.lock"]
    assert_all_inside_archive(tmp_path)


@pytest.mark.parametrize("link", ["https://other.example/s/", "https://../../../etc/passwd"])
def test_live_capture_is_filed_under_the_site_fetched_not_the_link(tmp_path, web, link):
    # A server must not be able to write into another site's folder by claiming its host in `link`.
    add(web, REST, wp_json(wp_post(link=link)))
    assert_ok(capture(tmp_path, REST), new(tmp_path, "example.com/posts/7660"))
    assert [p.name for p in (tmp_path / "archive").iterdir() if p.is_dir() and p.name != ".locks"] == ["example.com"]
    assert_all_inside_archive(tmp_path)


def test_hostile_slug(tmp_path, web, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = wp_post(slug="../../etc", link="https://example.com/../../etc/")
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types())
    add(web, "https://example.com/wp-json/wp/v2/posts", b"[" + wp_json(evil) + b"]")
    assert_ok(capture(tmp_path, "--site", SITE, "../../etc"), new(tmp_path))
    assert parse_qs(urlsplit(urls(web)[-1]).query)["slug"] == ["../../etc"]
    assert json.loads((snapshots(tmp_path)[0] / "snapshot.json").read_text())["slug"] == "../../etc"
    assert_all_inside_archive(tmp_path)


def test_hostile_custom_type_rest_base_is_not_followed(tmp_path, web):
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    add(web, TYPES_URL, wp_types(x={"name": "X", "slug": "x", "rest_base": "../../x"},
                                 y={"name": "Y", "slug": "y", "rest_base": "y?password=1#"}))
    add(web, "https://example.com/wp-json/wp/v2/posts/12", NOT_FOUND, status=404)
    add(web, "https://example.com/wp-json/wp/v2/pages/12", NOT_FOUND, status=404)
    add(web, "https://example.com/wp-json/x/12", wp_json(wp_post(id=12, type="../../x")))
    assert_error(capture(tmp_path, "--site", SITE, "12"), 3,
                 "post 12 was not found at https://example.com (tried posts, pages); check the ID, or --type")
    assert "https://example.com/wp-json/x/12?" + E not in urls(web)
    assert_all_inside_archive(tmp_path)


def test_hostile_type_given_by_the_user_is_refused(tmp_path, web):
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    result = capture(tmp_path, "--site", SITE, "--type", "../../x", "12")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("error: --type ../../x is not a REST base (posts, pages, or a custom type's "
                             "rest_base)\n")
    assert_all_inside_archive(tmp_path)


def test_hostile_type_with_all_writes_nothing_outside(tmp_path, web):
    front(web, SITE + "/", headers=[("Link", LINK_API)])
    result = capture(tmp_path, "--site", SITE, "--all", "--type", "../../escape")
    assert result.exit_code == 2 and result.stderr.startswith("error: --type ../../escape is not a REST base")
    assert not (tmp_path.parent / "escape").exists()
    assert_all_inside_archive(tmp_path)


def test_multi_target_run_with_one_failure(tmp_path, web):
    add(web, REST, POST_BODY)
    add(web, "https://example.com/wp-json/wp/v2/posts/404", NOT_FOUND, status=404)
    add(web, "https://example.com/wp-json/wp/v2/pages/2", wp_json(wp_page()))
    missing = "https://example.com/wp-json/wp/v2/posts/404"
    result = capture(tmp_path, REST, missing, "https://example.com/wp-json/wp/v2/pages/2")
    assert result.exit_code == 4
    assert result.stdout == (f"{new(tmp_path)}\n"
                             f"failed {missing}: posts/404 was not found at {missing}?{E} (HTTP 404 "
                             "rest_post_invalid_id)\n"
                             f"{new(tmp_path, 'example.com/pages/2')}\n")
    assert result.stderr == "error: 1 of 3 targets failed (listed above); the rest were archived\n"
    assert len(snapshots(tmp_path)) == 1 and len(snapshots(tmp_path, "example.com/pages/2")) == 1


def test_multi_target_run_all_failing(tmp_path, web):
    add(web, REST, NOT_FOUND, status=404)
    add(web, "https://example.com/wp-json/wp/v2/pages/2", NOT_FOUND, status=404)
    result = capture(tmp_path, REST, "https://example.com/wp-json/wp/v2/pages/2")
    assert result.exit_code == 3
    assert result.stdout.count("failed ") == 2
    assert result.stderr == "error: all 2 targets failed (listed above)\n"


# -- 7. log, show, ls ------------------------------------------------------------------------------
@pytest.fixture
def two_versions(tmp_path, web, monkeypatch):
    """example.com/posts/7660 captured twice: 2026-11-29 10:00:05 and 2026-11-30 09:30:00 (edited)."""
    times = iter([datetime(2026, 11, 29, 10, 0, 5, tzinfo=timezone.utc),
                  datetime(2026, 11, 30, 9, 30, 0, tzinfo=timezone.utc),
                  datetime(2026, 12, 1, 8, 0, 0, tzinfo=timezone.utc)])
    monkeypatch.setattr(store, "utc_now", lambda: next(times))
    edited = wp_json(wp_post(content={"rendered": "<p>Rewritten.</p>", "protected": False},
                             modified_gmt="2026-11-30T09:29:00"))
    front(web, PERMALINK, headers=[("Link", LINK_ALT)])
    add(web, REST, POST_BODY)
    add(web, REST, edited)
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    assert_ok(capture(tmp_path, PERMALINK), new(tmp_path))
    return tmp_path / "archive", edited


def cmd(archive, *args):
    return run(*args, "--archive", str(archive))


def test_log(two_versions):
    archive, _ = two_versions
    first, second = sorted((archive / KEY).iterdir())
    expected = (f"@2\t2026-11-30T09:30:00Z\tapi:{PERMALINK}\t{second.name}\ttext\n"
                f"@1\t2026-11-29T10:00:05Z\tapi:{PERMALINK}\t{first.name}\tfirst capture\n")
    for ref in (KEY, PERMALINK, str(archive / KEY), "EXAMPLE.com/posts/7660/"):
        assert_ok(cmd(archive, "log", ref), expected.rstrip("\n"))


@pytest.mark.parametrize(("spec", "version"), [
    ("", 2), ("@latest", 2), ("@2", 2), ("@1", 1), ("@-1", 1), ("@2026-11-29", 1), ("@20261130T0930", 2),
    ("@2026-11-30T09:30:00Z", 2)])
def test_show_versions(two_versions, spec, version):
    archive, edited = two_versions
    result = cmd(archive, "show", KEY + spec, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    # The response exactly as received, then a newline so that the shell prompt starts on its own line.
    assert result.stdout_bytes == (POST_BODY if version == 1 else edited) + b"\n"


def test_show_formats(two_versions):
    archive, edited = two_versions
    snap = sorted((archive / KEY).iterdir())[0]
    for fmt, name in (("text", "post.txt"), ("markdown", "post.md"), ("json", "response.json"),
                      ("meta", "snapshot.json")):
        result = cmd(archive, "show", f"{KEY}@1", "--format", fmt)
        stored = (snap / name).read_bytes()
        assert (result.exit_code, result.stderr, result.stdout_bytes) == (0, "", stored.rstrip(b"\n") + b"\n")
    assert cmd(archive, "show", f"{KEY}@1").stdout == "Hello – archive\n\nFirst paragraph.\n\nInside a group – kept.\n"
    assert cmd(archive, "show", KEY).stdout == "Hello – archive\n\nRewritten.\n"
    assert cmd(archive, "show", f"{PERMALINK}@1", "--format", "meta").stdout.startswith('{\n  "schema": 1,')
    assert cmd(archive, "show", str(snap), "--format", "json").stdout_bytes == POST_BODY + b"\n"


def test_ls(two_versions, web, tmp_path):
    archive, _ = two_versions
    add(web, "https://example.com/wp-json/wp/v2/pages/2", wp_json(wp_page()))
    assert_ok(capture(tmp_path, "https://example.com/wp-json/wp/v2/pages/2"), new(tmp_path, "example.com/pages/2"))
    assert_ok(cmd(archive, "ls"),
              "example.com\tpages\t2\tabout\tAbout\t1\t2026-12-01T08:00:00Z",
              "example.com\tposts\t7660\thello-archive\tHello – archive\t2\t2026-11-30T09:30:00Z")


def test_ls_empty_and_missing_archive(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_ok(run("ls", "--archive", str(tmp_path / "empty")))
    missing = tmp_path / "nothing"
    assert_error(run("ls", "--archive", str(missing)), 2, f"{missing} is not an archive folder; check --archive")


def test_unknown_ref_and_version(two_versions):
    archive, _ = two_versions
    unknown = (f"example.com/posts/1 is not an archived post in {archive}; 'wparchive ls' lists them (REF is a URL, "
               "HOST/TYPE/ID or a folder)")
    assert_error(cmd(archive, "log", "example.com/posts/1"), 2, unknown)
    assert_error(cmd(archive, "show", "example.com/posts/1@1"), 2, unknown)
    assert_error(cmd(archive, "show", "https://example.com/2023/12/28/other/"), 2,
                 f"https://example.com/2023/12/28/other/ is not an archived post in {archive}; 'wparchive ls' "
                 "lists them (REF is a URL, HOST/TYPE/ID or a folder)")
    assert_error(cmd(archive, "show", f"{KEY}@3"), 2,
                 f"{KEY} has no version @3 (it has 2: @1 to @2, or @-1 for the one before the latest)")
    assert_error(cmd(archive, "show", f"{KEY}@-2"), 2,
                 f"{KEY} has no version @-2 (it has 2: @1 to @2, or @-1 for the one before the latest)")
    assert_error(cmd(archive, "show", f"{KEY}@2025-01-01"), 2,
                 f"{KEY} has no version captured at 2025-01-01; 'wparchive log {KEY}' lists them")


# -- issue 8: terms beyond the embedded ones, rendering changes --------------------------------------------
TAGS_URL = "https://example.com/wp-json/wp/v2/tags"


def test_terms_not_embedded_are_named_with_one_request_per_taxonomy_cached_for_the_run(tmp_path, web):
    tags = [11, 12, 13, 14]  # _embed carried only 11 and 12 (WordPress embeds at most 10 a taxonomy)
    add(web, REST, wp_json(wp_post(tags=tags)))
    add(web, "https://example.com/wp-json/wp/v2/posts/7661", wp_json(wp_post(id=7661, tags=[14, 13])))
    add(web, TAGS_URL, wp_json([{"id": 13, "name": "Caf\u00e9 &amp; bar"}, {"id": 14, "name": "zebra"}]))
    result = capture(tmp_path, REST, "https://example.com/wp-json/wp/v2/posts/7661")
    assert result.exit_code == 0, result.output
    lookups = [u for u in urls(web) if u.startswith(TAGS_URL)]
    assert lookups == [f"{TAGS_URL}?include=13%2C14&per_page=100&_fields=id%2Cname"]  # once, for both posts
    meta = json.loads(run("show", "--archive", str(tmp_path / "archive"), KEY, "--format", "meta").stdout)
    assert meta["tags"] == ["archiving", "Café & bar", "WordPress", "zebra"]


def test_skip_rendering_changes(tmp_path, web):
    shuffled = CONTENT.replace("First paragraph.", "First paragraph, shown otherwise.")
    add(web, REST, POST_BODY)
    add(web, REST, wp_json(wp_post(content={"rendered": shuffled, "protected": False})))
    add(web, REST, wp_json(wp_post(content={"rendered": shuffled, "protected": False})))
    assert_ok(capture(tmp_path, REST), new(tmp_path))
    assert_ok(capture(tmp_path, "--skip-rendering-changes", REST),
              f"rendering {KEY}: not stored (--skip-rendering-changes)")
    assert len(snapshots(tmp_path)) == 1
    assert_ok(capture(tmp_path, REST), new(tmp_path) + " (rendering)")
    log = run("log", "--archive", str(tmp_path / "archive"), KEY)
    assert [line.split("\t")[4] for line in log.stdout.splitlines()] == ["rendering", "first capture"]
