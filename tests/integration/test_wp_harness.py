"""Proves the real-WordPress harness works (tests/wp/)."""

from __future__ import annotations

import re

import requests

TIMEOUT = 30


def test_api_root_is_discoverable(wordpress):
    response = requests.get(wordpress.url + "/wp-json/", timeout=TIMEOUT)
    assert response.status_code == 200
    assert "wp/v2" in response.json()["namespaces"]
    assert f'<{wordpress.url}/wp-json/>; rel="https://api.w.org/"' in response.headers["Link"]


def test_shortlink_redirects_to_pretty_permalink(wordpress):
    post = wordpress.create_post(
        "Harness permalink check",
        "<p>Hello from the harness.</p>",
        slug="harness-permalink-check",
        categories=["Harness"],
        tags=["harness-tag"],
    )
    assert re.fullmatch(re.escape(wordpress.url) + r"/\d{4}/\d{2}/harness-permalink-check/", post["link"])

    response = requests.get(f"{wordpress.url}/?p={post['id']}", allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 301
    assert response.headers["Location"] == post["link"]

    page = requests.get(post["link"], timeout=TIMEOUT)
    assert page.status_code == 200
    assert "Hello from the harness." in page.text
    alternate = f'<{wordpress.url}/wp-json/wp/v2/posts/{post["id"]}>; rel="alternate"'
    assert alternate in page.headers["Link"]


def test_draft_needs_auth(wordpress):
    draft = wordpress.create_post("Harness draft", "<p>Not yet.</p>", status="draft")
    url = f"{wordpress.url}/wp-json/wp/v2/posts/{draft['id']}"

    anonymous = requests.get(url, timeout=TIMEOUT)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "rest_forbidden"

    authed = requests.get(url, auth=wordpress.auth, timeout=TIMEOUT)
    assert authed.status_code == 200
    assert authed.json()["status"] == "draft"


def test_other_helpers(wordpress):
    category = wordpress.create_category("Harness helpers")
    assert wordpress.create_category("Harness helpers")["id"] == category["id"]
    tag = wordpress.create_tag("harness-helpers")

    post = wordpress.create_post("Helpers v1", "<p>one</p>", categories=[category["id"]], tags=[tag["id"]])
    assert post["categories"] == [category["id"]] and post["tags"] == [tag["id"]]
    updated = wordpress.update_post(post["id"], content="<p>two</p>")
    assert "two" in updated["content"]["rendered"]
    revisions = wordpress.rest("GET", f"/wp/v2/posts/{post['id']}/revisions").json()
    assert len(revisions) >= 1

    parent = wordpress.create_page("Harness parent", "<p>p</p>", slug="harness-parent")
    child = wordpress.create_page("Harness child", "<p>c</p>", parent=parent["id"])
    assert child["parent"] == parent["id"]
    assert child["link"] == f"{wordpress.url}/harness-parent/harness-child/"

    deleted = wordpress.delete_post(post["id"])
    assert deleted["deleted"] is True
    gone = requests.get(f"{wordpress.url}/wp-json/wp/v2/posts/{post['id']}", timeout=TIMEOUT)
    assert gone.status_code == 404
