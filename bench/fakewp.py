"""A synthetic WordPress REST API: the shapes and headers of WordPress 6.1 for posts listings.

Used by the `responses` tests of whole-site archiving and, behind a real HTTP server on 127.0.0.1,
by bench/site.py. Posts are generated on demand from their ID, so 10,000 of them cost no memory.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)
WORDS = ("archive record history change press story source public report letter county council vote "
         "budget river school harbour market winter summer water street office notice").split()


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class FakeWordPress:
    """`n` published posts with IDs 1..n; `edits[id]` = how many times a post was edited."""

    url: str = "https://example.com"
    n: int = 0
    edits: dict[int, int] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    honour_modified_after: bool = True
    fail_once: set[tuple[str, int]] = field(default_factory=set)  # (route, page) answering 503 once
    requests: list[str] = field(default_factory=list)
    revisions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Awkward content of real sites: password-protected posts (content withheld without ?password=),
    # and posts saved before the site's time zone (UTC-5) was set, whose local modified time equals
    # their GMT time: WordPress compares modified_after with the local time, so they come back from
    # cut-offs up to five hours after their modified_gmt.
    protected: set[int] = field(default_factory=set)
    local_equals_gmt: set[int] = field(default_factory=set)

    def modified(self, post_id: int) -> datetime:
        return BASE_TIME + timedelta(minutes=post_id) + timedelta(days=30 * self.edits.get(post_id, 0))

    def post(self, post_id: int) -> dict[str, Any]:
        edit = self.edits.get(post_id, 0)
        words = " ".join(WORDS[(post_id * 7 + i) % len(WORDS)] for i in range(60))
        body = f"<p>Post {post_id} says: {words}.</p>\n<p>Edit {edit}.</p>\n"
        slug = f"post-{post_id}"
        date = BASE_TIME + timedelta(minutes=post_id)
        return {
            "id": post_id, "date": _iso(date), "date_gmt": _iso(date),
            "guid": {"rendered": f"{self.url}/?p={post_id}"},
            "modified": _iso(self.modified(post_id)), "modified_gmt": _iso(self.modified(post_id)),
            "slug": slug, "status": "publish", "type": "post", "link": f"{self.url}/2024/01/{slug}/",
            "title": {"rendered": f"Post {post_id}"},
            "content": {"rendered": "" if post_id in self.protected else body,
                        "protected": post_id in self.protected},
            "excerpt": {"rendered": f"<p>Post {post_id}</p>\n", "protected": False},
            "author": 1, "featured_media": 0, "comment_status": "open", "ping_status": "open", "sticky": False,
            "template": "", "format": "standard", "meta": [], "categories": [1], "tags": [],
            "_embedded": {"author": [{"id": 1, "name": "Editor"}],
                          "wp:term": [[{"id": 1, "taxonomy": "category", "name": "Uncategorized"}], []]},
        }

    def ids(self) -> list[int]:
        return [i for i in range(1, self.n + 1) if i not in self.deleted]

    def handle(self, method: str, url: str, headers: dict[str, str] | None = None
               ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for one request, as WordPress would answer it."""
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if "rest_route" in query:
            route: str | None = query.pop("rest_route")
        elif "/wp-json" in parts.path:
            route = parts.path.split("/wp-json", 1)[1] or "/"
        else:
            route = None  # a front-end page
        self.requests.append(url)
        link = f'<{self.url}/wp-json/>; rel="https://api.w.org/"'
        if not route:
            return 200, {"Content-Type": "text/html; charset=UTF-8", "Link": link}, b"<html><body>Home</body></html>"
        if route in ("/", ""):
            return _json(200, {"name": "Fake", "namespaces": ["oembed/1.0", "wp/v2"]}, link)
        if route == "/wp/v2/types":
            return _json(200, {"post": {"slug": "post", "rest_base": "posts"},
                               "page": {"slug": "page", "rest_base": "pages"},
                               "attachment": {"slug": "attachment", "rest_base": "media"}}, link)
        if route.rstrip("/") == "/wp/v2/users/me":
            if any(k.lower() == "authorization" for k in (headers or {})):
                return _json(200, {"id": 1, "name": "editor", "slug": "editor"}, link)
            return _json(401, {"code": "rest_not_logged_in", "message": "You are not currently logged in.",
                               "data": {"status": 401}}, link)
        if route.rstrip("/") == "/wp/v2/pages":
            return self._listing([], query, link, route)
        if route.rstrip("/") == "/wp/v2/posts":
            return self._listing(self.ids(), query, link, route)
        if route.startswith("/wp/v2/posts/") and route.endswith("/revisions"):
            post_id = int(route.split("/")[4])
            return _json(200, self.revisions.get(post_id, []), link, total=len(self.revisions.get(post_id, [])))
        if route.startswith("/wp/v2/posts/"):
            post_id = int(route.rstrip("/").rsplit("/", 1)[1])
            if post_id in self.ids():
                return _json(200, self.post(post_id), link)
        return _json(404, {"code": "rest_no_route", "message": "No route was found.", "data": {"status": 404}},
                     link)

    def _listing(self, ids: list[int], query: dict[str, str], link: str, route: str
                 ) -> tuple[int, dict[str, str], bytes]:
        per_page = int(query.get("per_page", 10))
        page = int(query.get("page", 1))
        if (route, page) in self.fail_once:
            self.fail_once.discard((route, page))
            return 503, {"Content-Type": "text/html"}, b"<html>Service Unavailable</html>"
        if query.get("include"):
            wanted = {int(i) for i in query["include"].split(",") if i.isdigit()}
            ids = [i for i in ids if i in wanted]
        if query.get("order") == "desc" and query.get("orderby") == "id":
            ids = sorted(ids, reverse=True)
        after = query.get("modified_after")
        if after and self.honour_modified_after:
            cut = datetime.fromisoformat(after.replace("Z", "+00:00"))
            ids = [i for i in ids if self.modified(i) > cut
                   or (i in self.local_equals_gmt and self.modified(i) > cut - timedelta(hours=5))]
        if query.get("orderby") == "modified":
            ids = sorted(ids, key=lambda i: (self.modified(i), i), reverse=query.get("order") == "desc")
        total_pages = math.ceil(len(ids) / per_page)
        if page > max(total_pages, 1):
            return _json(400, {"code": "rest_post_invalid_page_number",
                               "message": "The page number requested is larger than the number of pages "
                               "available.", "data": {"status": 400}}, link)
        chunk = ids[(page - 1) * per_page: page * per_page]
        return _json(200, [self.post(i) for i in chunk], link, total=len(ids), pages=total_pages)


def _json(status: int, body: Any, link: str, total: int | None = None, pages: int | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json; charset=UTF-8", "Link": link}
    if total is not None:
        headers["X-WP-Total"] = str(total)
        headers["X-WP-TotalPages"] = str(pages if pages is not None else (1 if total else 0))
    return status, headers, json.dumps(body).encode()
