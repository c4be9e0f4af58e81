"""A synthetic WordPress REST API: the shapes, headers and rules of WordPress 6.1 for posts listings.

Used by the `responses` tests of whole-site archiving and, behind a real HTTP server on 127.0.0.1,
by bench/site.py. Posts are generated on demand from their ID, so 10,000 of them cost no memory.

It is as strict as WordPress where a client can get it wrong (see /wp/v2 in WordPress 6.1):
- the site runs in a non-UTC time zone: `date`/`modified` are local, `modified_after` without a zone is
  local time, with one (`Z`) it is converted first, and the comparison is strict (`post_modified > value`);
- `status` other than `publish` and `context=edit` need credentials (400 `rest_invalid_param` and 401
  `rest_forbidden_context` without); trashed posts are listed only under `status=trash`;
- every answer has a `Date` header (the server's clock); listings and revisions are paged (`per_page`
  at most 100, HTTP 400 past the last page);
- `_embed=wp:term` embeds at most 10 terms per taxonomy; a revision's `author` is whoever saved it;
- a password-protected post has its content and excerpt blanked unless `password=` is right.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)
WORDS = ("archive record history change press story source public report letter county council vote "
         "budget river school harbour market winter summer water street office notice").split()
AUTHORS = {1: "Editor", 2: "Reporter"}
PAGE_ID_BASE = 100_000  # pages get IDs from here on, so that they never collide with posts
EMBED_TERMS_MAX = 10


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
    fail_once: set[tuple[str, int]] = field(default_factory=set)  # (route, page) answering `fail_status` once
    fail_status: int = 503
    requests: list[str] = field(default_factory=list)
    revisions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # The site's zone: west of UTC (New York in winter), where a `modified_after` read as local time
    # would be later than meant and miss edits.
    utc_offset: timedelta = timedelta(hours=-5)
    touched: dict[int, datetime] = field(default_factory=dict)  # post ID -> its modified_gmt, set by hand
    statuses: dict[int, str] = field(default_factory=dict)  # post ID -> draft, pending, private, future, trash
    passwords: dict[int, str] = field(default_factory=dict)  # post ID -> its post password
    tags: dict[int, int] = field(default_factory=dict)  # post ID -> how many tags it has
    pages: int = 0  # published pages, IDs PAGE_ID_BASE+1 ..
    extra_types: dict[str, dict[str, Any]] = field(default_factory=dict)  # more entries of /wp/v2/types
    bom: bool = False  # a plugin file saved with a UTF-8 byte-order mark: every JSON body starts with one
    now: datetime | None = None  # the server's clock (None: the real one)
    # Awkward content of real sites: password-protected posts (content withheld without ?password=),
    # and posts saved before the site's time zone (UTC-5) was set, whose local modified time equals
    # their GMT time: WordPress compares modified_after with the local time, so they come back from
    # cut-offs up to five hours after their modified_gmt.
    protected: set[int] = field(default_factory=set)
    local_equals_gmt: set[int] = field(default_factory=set)

    def modified(self, post_id: int) -> datetime:
        if post_id in self.touched:
            return self.touched[post_id]
        return BASE_TIME + timedelta(minutes=post_id % PAGE_ID_BASE) + timedelta(days=30 * self.edits.get(post_id, 0))

    def post(self, post_id: int, *, edit_context: bool = False, password: str | None = None) -> dict[str, Any]:
        edit = self.edits.get(post_id, 0)
        words = " ".join(WORDS[(post_id * 7 + i) % len(WORDS)] for i in range(60))
        body = f"<p>Post {post_id} says: {words}.</p>\n<p>Edit {edit}.</p>\n"
        is_page = post_id > PAGE_ID_BASE
        slug = f"page-{post_id - PAGE_ID_BASE}" if is_page else f"post-{post_id}"
        date = BASE_TIME + timedelta(minutes=post_id % PAGE_ID_BASE)
        modified = self.modified(post_id)
        protected = post_id in self.passwords or post_id in self.protected
        # An editor asking with context=edit sees the content without the password, as in WordPress;
        # a post of `protected` (no password known here) is never shown to anyone else.
        hidden = protected and not edit_context and (password != self.passwords[post_id] if post_id in self.passwords
                                                     else True)
        tag_ids = list(range(1001, 1001 + self.tags.get(post_id, 0)))
        data = {
            "id": post_id, "date": _iso(date + self.utc_offset), "date_gmt": _iso(date),
            "guid": {"rendered": f"{self.url}/?p={post_id}"},
            "modified": _iso(self.local_modified(post_id)), "modified_gmt": _iso(modified),
            "slug": slug, "status": self.statuses.get(post_id, "publish"), "type": "page" if is_page else "post",
            "link": f"{self.url}/{slug}/" if is_page else f"{self.url}/2024/01/{slug}/",
            "title": {"rendered": f"{'Protected: ' if protected else ''}{'Page' if is_page else 'Post'} {post_id}"},
            "content": {"rendered": "" if hidden else body, "protected": protected},
            "excerpt": {"rendered": "" if hidden else f"<p>Post {post_id}</p>\n", "protected": protected},
            "author": 1, "featured_media": 0, "comment_status": "open", "ping_status": "open", "sticky": False,
            "template": "", "format": "standard", "meta": [], "categories": [1], "tags": tag_ids,
            "_embedded": {"author": [{"id": 1, "name": AUTHORS[1]}],
                          "wp:term": [[{"id": 1, "taxonomy": "category", "name": "Uncategorized"}],
                                      [{"id": t, "taxonomy": "post_tag", "name": f"Tag {t}"}
                                       for t in tag_ids[:EMBED_TERMS_MAX]]]},
        }
        if is_page:
            for name in ("categories", "tags", "format", "sticky"):
                del data[name]
            data["_embedded"].pop("wp:term")
        if edit_context:
            data["title"]["raw"] = f"{'Page' if is_page else 'Post'} {post_id}"
            data["content"]["raw"] = body
            if protected:
                data["password"] = self.passwords[post_id]
        return data

    def local_modified(self, post_id: int) -> datetime:
        """The local `post_modified`: the GMT time shifted to the site's zone, except for a post saved
        before the zone was set (`local_equals_gmt`), whose local time is its GMT time."""
        if post_id in self.local_equals_gmt:
            return self.modified(post_id)
        return self.modified(post_id) + self.utc_offset

    def ids(self, statuses: tuple[str, ...] = ("publish",)) -> list[int]:
        return [i for i in range(1, self.n + 1)
                if i not in self.deleted and self.statuses.get(i, "publish") in statuses]

    def clock(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

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
        authorised = any(k.lower() == "authorization" for k in (headers or {}))
        answer = self._answer(route, query, authorised)
        status, hdrs, body = answer
        hdrs["Date"] = format_datetime(self.clock().astimezone(timezone.utc), usegmt=True)
        if self.bom and hdrs.get("Content-Type", "").startswith("application/json"):
            body = b"\xef\xbb\xbf" + body
        return status, hdrs, body

    def _answer(self, route: str | None, query: dict[str, str], authorised: bool
                ) -> tuple[int, dict[str, str], bytes]:
        link = f'<{self.url}/wp-json/>; rel="https://api.w.org/"'
        if not route:
            return 200, {"Content-Type": "text/html; charset=UTF-8", "Link": link}, b"<html><body>Home</body></html>"
        if query.get("context") == "edit" and not authorised:
            return _error(401, "rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post "
                          "type.", link)
        if route in ("/", ""):
            return _json(200, {"name": "Fake", "namespaces": ["oembed/1.0", "wp/v2"]}, link)
        if route == "/wp/v2/types":
            types = {"post": {"slug": "post", "rest_base": "posts", "viewable": True},
                     "page": {"slug": "page", "rest_base": "pages", "viewable": True},
                     "attachment": {"slug": "attachment", "rest_base": "media", "viewable": True},
                     "wp_block": {"slug": "wp_block", "rest_base": "blocks", "viewable": False}}
            return _json(200, dict(types, **self.extra_types), link)
        if route.rstrip("/") == "/wp/v2/users/me":
            if authorised:
                return _json(200, {"id": 1, "name": "editor", "slug": "editor"}, link)
            return _error(401, "rest_not_logged_in", "You are not currently logged in.", link)
        base = route.strip("/").split("/")
        if base[:2] != ["wp", "v2"] or len(base) < 3:
            return _no_route(link)
        if base[2] in ("posts", "pages") and len(base) == 3:
            wanted = self._statuses(query.get("status", "publish"), authorised)
            if wanted is None:
                return _error(400, "rest_invalid_param", "Invalid parameter(s): status", link)
            if base[2] == "pages":
                ids = [PAGE_ID_BASE + i for i in range(1, self.pages + 1)] if "publish" in wanted else []
            else:
                ids = self.ids(wanted)
            return self._listing(ids, query, link, route.rstrip("/"), authorised)
        if base[2] in self.extra_types_bases() and len(base) == 3:
            return self._listing([], query, link, route.rstrip("/"), authorised)
        if base[2] == "posts" and len(base) == 5 and base[4] == "revisions":
            if not authorised:
                return _error(401, "rest_cannot_read", "Sorry, you are not allowed to view revisions of this "
                              "post.", link)
            post_id = int(base[3])
            return self._paged(self.revisions.get(post_id, []), query, link)
        if base[2] in ("posts", "pages") and len(base) == 4 and base[3].isdigit():
            post_id = int(base[3])
            exists = (PAGE_ID_BASE < post_id <= PAGE_ID_BASE + self.pages) if base[2] == "pages" else \
                (1 <= post_id <= self.n and post_id not in self.deleted)
            if not exists:
                return _error(404, "rest_post_invalid_id", "Invalid post ID.", link)
            status = self.statuses.get(post_id, "publish")
            if status != "publish" and not authorised:
                return _error(401, "rest_forbidden", "Sorry, you are not allowed to do that.", link)
            password = query.get("password")
            if post_id in self.passwords and password is not None and password != self.passwords[post_id]:
                return _error(403, "rest_post_incorrect_password", "Incorrect post password.", link)
            return _json(200, self.post(post_id, edit_context=query.get("context") == "edit", password=password),
                         link)
        return _no_route(link)

    def extra_types_bases(self) -> set[str]:
        return {str(info.get("rest_base")) for info in self.extra_types.values()}

    @staticmethod
    def _statuses(value: str, authorised: bool) -> tuple[str, ...] | None:
        """The statuses a listing's `status` asks for; None when this user may not ask for them."""
        asked = tuple(value.split(","))
        if asked == ("publish",):
            return asked
        if not authorised:
            return None
        if "any" in asked:  # every status but trash (and auto-draft)
            return ("publish", "future", "draft", "pending", "private")
        return asked

    def _listing(self, ids: list[int], query: dict[str, str], link: str, route: str, authorised: bool
                 ) -> tuple[int, dict[str, str], bytes]:
        page = int(query.get("page", 1))
        if (route, page) in self.fail_once:
            self.fail_once.discard((route, page))
            return self.fail_status, {"Content-Type": "text/html"}, b"<html>Service Unavailable</html>"
        if query.get("include"):
            wanted = {int(i) for i in query["include"].split(",") if i.isdigit()}
            ids = [i for i in ids if i in wanted]
        if query.get("order") == "desc" and query.get("orderby") == "id":
            ids = sorted(ids, reverse=True)
        after = query.get("modified_after")
        if after and self.honour_modified_after:
            # WP_Date_Query: a time with its zone is converted to the site's zone; one without is
            # taken as local; the local `post_modified` column is compared, strictly.
            cut = datetime.fromisoformat(after.replace("Z", "+00:00"))
            local_cut = (cut.astimezone(timezone(self.utc_offset)).replace(tzinfo=None) if cut.tzinfo
                         else cut)
            ids = [i for i in ids if self.local_modified(i).replace(tzinfo=None) > local_cut]
        if query.get("orderby") == "modified":
            ids = sorted(ids, key=lambda i: (self.modified(i), i), reverse=query.get("order") == "desc")
        edit = query.get("context") == "edit"
        return self._paged(ids, query, link, lambda i: self.post(i, edit_context=edit))

    def _paged(self, items: list[Any], query: dict[str, str], link: str, make: Any = None
               ) -> tuple[int, dict[str, str], bytes]:
        per_page = int(query.get("per_page", 10))
        page = int(query.get("page", 1))
        if not 1 <= per_page <= 100:
            return _error(400, "rest_invalid_param", "Invalid parameter(s): per_page", link)
        total_pages = math.ceil(len(items) / per_page)
        if page > max(total_pages, 1):
            return _error(400, "rest_post_invalid_page_number", "The page number requested is larger than the "
                          "number of pages available.", link)
        chunk = items[(page - 1) * per_page: page * per_page]
        body = [make(i) for i in chunk] if make else chunk
        return _json(200, body, link, total=len(items), pages=total_pages)


def _json(status: int, body: Any, link: str, total: int | None = None, pages: int | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json; charset=UTF-8", "Link": link}
    if total is not None:
        headers["X-WP-Total"] = str(total)
        headers["X-WP-TotalPages"] = str(pages if pages is not None else (1 if total else 0))
    return status, headers, json.dumps(body).encode()


def _error(status: int, code: str, message: str, link: str) -> tuple[int, dict[str, str], bytes]:
    return _json(status, {"code": code, "message": message, "data": {"status": status}}, link)


def _no_route(link: str) -> tuple[int, dict[str, str], bytes]:
    return _error(404, "rest_no_route", "No route was found matching the URL and request method.", link)
