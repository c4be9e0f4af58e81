"""Find a post's REST route from what a user has: a permalink, `?p=ID`, a REST URL, or an ID or slug
with `--site`; then fetch it.

Discovery order (WordPress >= 5.5 advertises the exact route of a single post):
1. the page's `Link: <...>; rel="alternate"; type="application/json"` header or `<link>` tag;
2. the API root from `rel="https://api.w.org/"` (header, then `<link>` tag), then the ID from `?p=`,
   `?page_id=` or the slug from the path, checked against the URL (slugs are unique per type only);
3. guesses: `/wp-json/`, then `?rest_route=/`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

import lxml.html
import requests
from requests.utils import parse_header_links

from wparchive.errors import InputError, RemoteError
from wparchive.model import Post, Source, sort_terms, term_name
from wparchive.sources.dump import split_json_values
from wparchive.sources.passwords import PostPasswords
from wparchive.sources.rest import (
    RETRY_STATUSES,
    Client,
    is_html,
    parse_json,
    redact_url,
    refuse_html,
    with_params,
)

API_REL = "https://api.w.org/"
EMBED = "author,wp:term"
CORE_BASES = ("posts", "pages")
# Post types that are not content a reader sees on its own page.
SKIP_TYPES = frozenset({"attachment", "wp_block", "wp_template", "wp_template_part", "wp_navigation",
                        "nav_menu_item", "wp_global_styles", "wp_font_family", "wp_font_face"})
_ROUTE = re.compile(r"^/wp/v2/([^/?#]+)/(\d+)/?$")
# A REST base from /wp/v2/types becomes one URL path segment: no `/`, `..`, `?` or `#` from a server.
_SAFE_BASE = re.compile(r"^[\w-][\w.-]*$")


@dataclass(frozen=True)
class ApiRoot:
    """A site's REST API root: pretty (`.../wp-json/`) or plain (`...?rest_route=/`)."""

    root: str

    @property
    def plain(self) -> bool:
        return "rest_route=" in self.root

    def url(self, route: str) -> str:
        if self.plain:
            base = self.root.split("?", 1)[0]
            return f"{base}?rest_route={quote(route, safe='/,:')}"
        return self.root.rstrip("/") + route


@dataclass
class Fetched:
    """A post as fetched: the model, the exact bytes, and where they came from."""

    post: Post
    raw: bytes
    api: ApiRoot
    rest_base: str
    url: str  # the REST URL fetched (never with a password in it)
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    site: str = ""
    with_credentials: bool = False  # pages render differently per visitor: captures compare like with like
    warnings: list[str] = field(default_factory=list)
    final_url: str | None = None  # where a permalink asked for was redirected to another page
    header_list: tuple[tuple[str, str], ...] = ()  # every response header, in order, as sent (no cookies)

    def source(self, target: str | None = None) -> Source:
        """The source record: the URL asked for (else the post's link) and the REST URL fetched."""
        asked = target and target.startswith(("http://", "https://"))
        url = redact_url(target) if asked and target else self.post.link or self.url
        if self.final_url:
            url = redact_url(self.final_url)
        return Source("api", url=url, api_url=self.url, http_status=self.status,
                      etag=self.headers.get("ETag") or self.headers.get("Etag"),
                      last_modified=self.headers.get("Last-Modified"), headers=self.header_list)


# Never stored: a cookie or nonce may be a session credential.
_SECRET_HEADERS = {"set-cookie", "set-cookie2", "x-wp-nonce", "authorization", "www-authenticate"}


def kept_headers(response: requests.Response) -> tuple[tuple[str, str], ...]:
    """The response's headers in the order sent (repeated ones kept apart), without any that may hold a secret."""
    raw = getattr(response.raw, "headers", None)
    pairs = list(raw.items()) if raw is not None and hasattr(raw, "items") else list(response.headers.items())
    return tuple((str(k), str(v)) for k, v in pairs if str(k).lower() not in _SECRET_HEADERS)


def rest_base_for(type_: str) -> str:
    """`--type` as a REST base: `post`/`page` or a base itself; never a path."""
    base = {"post": "posts", "page": "pages"}.get(type_, type_)
    if not _SAFE_BASE.match(base) or base in (".", ".."):
        raise InputError(f"--type {type_} is not a REST base (posts, pages, or a custom type's rest_base)")
    return base


def withheld_note(what: str) -> str:
    """What to say of a password-protected post fetched without its password (archived all the same)."""
    return (f"{what} is password-protected: WordPress sent its content empty, so what it shows without the "
            "password is archived (title, dates, terms; no body); to archive its content, give --post-password, "
            "or --post-passwords FILE (used for the request only, never stored)")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _rest_target(url: str) -> tuple[ApiRoot, str, int] | None:
    """(API root, rest base, id) of a REST URL, or None if `url` is not one."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "rest_route" in query:
        m = _ROUTE.match(query["rest_route"][0])
        if m:
            root = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "rest_route=/", ""))
            return ApiRoot(root), m.group(1), int(m.group(2))
        return None
    if "/wp-json/" in parts.path:
        prefix, _, route = parts.path.partition("/wp-json")
        m = _ROUTE.match(route)
        if m:
            root = urlunsplit((parts.scheme, parts.netloc, prefix + "/wp-json/", "", ""))
            return ApiRoot(root), m.group(1), int(m.group(2))
    return None


def _links(response: requests.Response) -> list[dict[str, str]]:
    """Link headers, then `<link>` tags in an HTML head, as {url, rel, type} dicts."""
    found = []
    for header in response.raw.headers.getlist("Link") if response.raw is not None else []:
        found.extend(parse_header_links(header))
    if not found and "Link" in response.headers:
        found.extend(parse_header_links(response.headers["Link"]))
    if is_html(response) and response.content:
        try:
            doc = lxml.html.fromstring(response.content[:2_000_000])
            for el in doc.iter("link"):
                found.append({"url": el.get("href", ""), "rel": el.get("rel", ""), "type": el.get("type", "")})
        except (ValueError, lxml.etree.ParserError):
            pass
    return found


class Locator:
    """Turns targets into fetched posts through one `Client`."""

    def __init__(self, client: Client, *, post_password: str | None = None,
                 passwords: PostPasswords | None = None, on_note: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.on_note = on_note or (lambda _: None)
        self.post_password = post_password
        self.passwords = passwords or PostPasswords()
        self._types: dict[str, list[str]] = {}
        # Per API root, (type slug, rest_base) of the types whose rest_base is no plain name (`../x`).
        self.unusable_types: dict[str, list[tuple[str, str]]] = {}
        self._roots: dict[str, ApiRoot] = {}
        self._term_names: dict[tuple[str, str, int], str | None] = {}  # (api root, route, id): for this run

    # -- public ----------------------------------------------------------------------------
    def fetch(self, target: str, *, site: str | None = None, type_: str | None = None) -> Fetched:
        """Fetch the post `target` names (URL, REST URL, or ID/slug with `site`)."""
        if target.startswith(("http://", "https://")):
            rest = _rest_target(target)
            if rest is not None:
                api, base, post_id = rest
                return self.fetch_route(api, base, post_id)
            return self._from_permalink(target, type_)
        if site is None:
            raise InputError(f"{target} is not a URL or a saved dump file; give a permalink, a REST URL, "
                             "or an ID or slug together with --site URL")
        api = self.api_root(site)
        if target.isdigit():
            return self._by_id(api, int(target), type_, site)
        return self._by_slug(api, target, type_, None, site)

    def api_root(self, site: str) -> ApiRoot:
        """The REST API root of the site at `site`: advertised, else `/wp-json/`, else `?rest_route=/`.

        A site without a scheme is tried over https, then (without credentials only: they never go
        over plain http unless asked for) over http, and `on_note` is told so.
        """
        if site in self._roots:
            return self._roots[site]
        accept = "text/html,application/json;q=0.9,*/*;q=0.8"
        if site.startswith(("http://", "https://")):
            url = site
            response = self.client.get(url, accept=accept)
        else:
            url = "https://" + site
            try:
                response = self.client.get(url, accept=accept)
            except RemoteError as exc:
                if self.client.credentials is not None:
                    raise RemoteError(f"{site} did not answer over https ({exc}); credentials are sent only "
                                      f"over https: give --site http://{site} to send them over plain http") from None
                url = "http://" + site
                response = self.client.get(url, accept=accept)
                self.on_note(f"--site {site} has no scheme and https did not answer: using {url}")
        api = self._advertised_root(response)
        if api is None and response.status_code in RETRY_STATUSES:
            # In maintenance (WordPress answers 503 with Retry-After) or overloaded, after the retries:
            # that is what went wrong, and guessing the API's URLs would only wait through theirs too.
            raise self.client.error_for(response, site)
        api = api or self._guess_root(response.url or url)
        self._roots[site] = api
        return api

    def remember_root(self, site: str, api: ApiRoot) -> None:
        """An API root known from an earlier run: `api_root(site)` answers it without a request."""
        self._roots[site] = api

    def forget_root(self, site: str) -> None:
        self._roots.pop(site, None)

    def password_for(self, post_id: int | None, link: str | None) -> str | None:
        """The password of a protected post: from --post-passwords, else --post-password."""
        return self.passwords.get(post_id, link) or self.post_password

    def fetch_route(self, api: ApiRoot, base: str, post_id: int, *, what: str | None = None,
                    password: str | None = None) -> Fetched:
        """GET one post's route with embedded author and terms (and `context=edit` with credentials)."""
        url = api.url(f"/wp/v2/{base}/{post_id}")
        params = self.params()
        if password:
            params["password"] = password
        label = what or f"{base}/{post_id}"
        data, response = self.client.get_json(url, params, what=label)
        return self.fetched(api, base, data, response, with_params(url, params), label,
                            password_sent="password" in params)

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"_embed": EMBED}
        if self.client.credentials is not None:
            params["context"] = "edit"
        if self.post_password:
            params["password"] = self.post_password
        return params

    def fetched(self, api: ApiRoot, base: str, data: Any, response: requests.Response, url: str,
                what: str, as_target: bool = True, password_sent: bool = False) -> Fetched:
        """The post in a response. `as_target`: a post asked for by itself (not listed by a site run),
        whose password from --post-passwords is used, and whose withheld body is said (a warning)."""
        if not isinstance(data, dict) or "id" not in data:
            raise RemoteError(f"{redact_url(response.url)} did not return a post object")
        post = Post.from_api(data)
        if post.id is None or post.id <= 0:  # it names the archive folder: a positive integer only
            raise RemoteError(f"{redact_url(response.url)} returned a post without a valid id "
                              f"({str(data.get('id'))[:40]!r})")
        if as_target and post.withheld and not password_sent:
            # A password from --post-passwords for this post (by ID or permalink): ask its route with it.
            password = self.passwords.get(post.id, post.link)
            if password:
                return self.fetch_route(api, base, post.id, what=what, password=password)
        # Without its password, what WordPress shows of it is archived (as a site run does), and said.
        notes = [withheld_note(what)] if as_target and post.withheld else []
        post = self.complete_terms(api, post)
        headers = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "last-modified")}
        return Fetched(post, response.content, api, base, url, response.status_code, headers,
                       site=_origin(api.root), with_credentials=self.client.credentials is not None,
                       warnings=notes, header_list=kept_headers(response))

    def complete_terms(self, api: ApiRoot, post: Post) -> Post:
        """`post` with the names of terms that `_embed` left as IDs (it embeds at most 10 per taxonomy).

        One request per taxonomy for the IDs not yet known in this run; a name that cannot be had
        stays an ID.
        """
        if not any(isinstance(t, int) for t in post.categories + post.tags):
            return post
        named = {}
        for field_name, route in (("categories", "categories"), ("tags", "tags")):
            terms = getattr(post, field_name)
            unknown = sorted({t for t in terms if isinstance(t, int)} -
                             {i for (root, r, i) in self._term_names if root == api.root and r == route})
            for start in range(0, len(unknown), 100):
                self._look_up_terms(api, route, unknown[start:start + 100])
            named[field_name] = sort_terms(self._term_names.get((api.root, route, t)) or t
                                           if isinstance(t, int) else t for t in terms)
        return replace(post, **named)

    def _look_up_terms(self, api: ApiRoot, route: str, ids: list[int]) -> None:
        for term_id in ids:
            self._term_names[(api.root, route, term_id)] = None  # asked once, even when it fails
        try:
            response = self.client.get(api.url(f"/wp/v2/{route}"), {
                "include": ",".join(map(str, ids)), "per_page": 100, "_fields": "id,name"})
            body = parse_json(response) if response.status_code < 400 else None
        except RemoteError:
            return
        for term in body if isinstance(body, list) else []:
            if isinstance(term, dict) and isinstance(term.get("id"), int) and isinstance(term.get("name"), str):
                self._term_names[(api.root, route, term["id"])] = term_name(term["name"])

    def rest_bases(self, api: ApiRoot) -> list[str]:
        """posts, pages, then the site's other viewable REST post types."""
        if api.root not in self._types:
            bases = list(CORE_BASES)
            try:
                data, _ = self.client.get_json(api.url("/wp/v2/types"), what="the post types")
            except RemoteError:
                data = {}
            if isinstance(data, dict):
                for slug, info in sorted(data.items()):
                    if slug in SKIP_TYPES or not isinstance(info, dict):
                        continue
                    base = info.get("rest_base") or slug
                    if not info.get("viewable", True) or base in bases:
                        continue
                    if isinstance(base, str) and _SAFE_BASE.match(base):
                        bases.append(base)
                    else:
                        self.unusable_types.setdefault(api.root, []).append((str(slug), str(base)))
            self._types[api.root] = bases
        return self._types[api.root]

    # -- discovery -------------------------------------------------------------------------
    def _advertised_root(self, response: requests.Response) -> ApiRoot | None:
        for link in _links(response):
            if API_REL in link.get("rel", "").split() and link.get("url"):
                return ApiRoot(link["url"])
        return None

    def _guess_root(self, url: str) -> ApiRoot:
        origin = _origin(url)
        for candidate in (origin + "/wp-json/", origin + "/?rest_route=/"):
            try:
                response = self.client.get(candidate)
            except RemoteError:
                continue
            if response.status_code == 200 and not is_html(response):
                try:
                    body = parse_json(response)
                except RemoteError:
                    continue
                if isinstance(body, dict) and "wp/v2" in body.get("namespaces", []):
                    return ApiRoot(candidate)
        raise RemoteError(f"no WordPress REST API found at {origin} (no api.w.org link; /wp-json/ and "
                          "?rest_route=/ did not answer); check the URL, or the site may block its API")

    def _from_permalink(self, url: str, type_: str | None) -> Fetched:
        response = self.client.get(url, accept="text/html,application/xhtml+xml,*/*;q=0.8")
        final = response.url or url
        fetched = self._from_page(url, final, response, type_)
        if _redirected_elsewhere(url, final):
            # WordPress answers an unknown permalink with a 301 to the post it guesses is meant.
            fetched.final_url = final
            fetched.warnings.append(f"{redact_url(url)} was redirected to {redact_url(final)}, a different page; "
                                    f"archived what is there, recorded as {redact_url(final)}")
        return fetched

    def _from_page(self, url: str, final: str, response: requests.Response, type_: str | None) -> Fetched:
        links = _links(response) if response.status_code < 400 else []
        api = None
        for link in links:
            if API_REL in link.get("rel", "").split() and link.get("url"):
                api = ApiRoot(link["url"])
                break
        for link in links:
            if "alternate" in link.get("rel", "").split() and "json" in link.get("type", ""):
                rest = _rest_target(link.get("url", ""))
                if rest is not None:
                    alt_api, base, post_id = rest
                    return self.fetch_route(api or alt_api, base, post_id)
        if api is None:
            api = self._guess_root(final)
        query = parse_qs(urlsplit(url).query)
        for name, bases in (("p", None), ("page_id", ["pages"]), ("post", None)):
            value = query.get(name, [""])[0]
            if value.isdigit():
                return self._by_id(api, int(value), type_, url, bases)
        slug = next((s for s in reversed(urlsplit(final).path.split("/")) if s), "")
        if not slug:
            raise RemoteError(f"{url} is not a single post's page (no post route advertised, no slug in "
                              "the path); give the post's permalink or its REST URL")
        return self._by_slug(api, slug, type_, final, url, also=url)

    def _bases(self, api: ApiRoot, type_: str | None) -> list[str]:
        return [rest_base_for(type_)] if type_ else self.rest_bases(api)

    def _by_id(self, api: ApiRoot, post_id: int, type_: str | None, where: str,
               bases: list[str] | None = None) -> Fetched:
        tried = []
        for base in bases or self._bases(api, type_):
            tried.append(base)
            url = api.url(f"/wp/v2/{base}/{post_id}")
            response = self.client.get(url, self.params())
            if response.status_code == 404:
                continue
            label = f"{base}/{post_id}"
            if response.status_code >= 400:
                raise self.client.error_for(response, label)
            return self.fetched(api, base, parse_json(response), response, with_params(url, self.params()),
                                label)
        raise RemoteError(f"post {post_id} was not found at {_origin(api.root) or where} "
                          f"(tried {', '.join(tried)}); check the ID, or --type")

    def _by_slug(self, api: ApiRoot, slug: str, type_: str | None, url: str | None, where: str,
                 also: str | None = None) -> Fetched:
        # WordPress stores non-Latin slugs percent-encoded in lower case.
        wanted = quote(unquote(slug), safe="-_.~").lower() if "%" in slug or not slug.isascii() else slug
        tried = []
        for base in self._bases(api, type_):
            tried.append(base)
            endpoint = api.url(f"/wp/v2/{base}")
            params = dict(self.params(), slug=wanted)
            if self.client.credentials is not None:
                params["status"] = "any"
            response = self.client.get(endpoint, params)
            if response.status_code in (400, 404):
                continue
            if response.status_code >= 400:
                raise self.client.error_for(response, f"{base} with slug {wanted}")
            for item, text in list_values(response) or []:
                if not isinstance(item, dict):
                    continue
                link = item.get("link") or ""
                if url is None or _same_page(link, url) or (also and _same_page(link, also)):
                    single = requests.Response()
                    single._content = text.encode("utf-8")
                    single.status_code = response.status_code
                    single.headers = response.headers
                    single.url = response.url
                    label = f"{base}/{item.get('id')}"
                    return self.fetched(api, base, item, single, with_params(
                        api.url(f"/wp/v2/{base}/{item.get('id')}"), self.params()), label)
        raise RemoteError(f"no post with slug {wanted!r}{' at ' + url if url else ''} was found at "
                          f"{_origin(api.root) or where} (tried {', '.join(tried)}); check the URL or --type")


def list_values(response: requests.Response) -> list[tuple[Any, str]] | None:
    """The items of a list response, each with its exact text, decoding the body once; None when
    the JSON is not a list. An HTML page or invalid JSON is a RemoteError."""
    refuse_html(response)
    text = response.content.decode("utf-8-sig", "replace")
    values = split_json_values(text)
    if values is None:
        raise RemoteError(f"{redact_url(response.url)} did not return valid JSON; is it a WordPress REST API?")
    return values if text.lstrip().startswith("[") else None


def _redirected_elsewhere(asked: str, final: str) -> bool:
    """True when a permalink led to another path (not `?p=ID` to its permalink, nor http to https)."""
    query = parse_qs(urlsplit(asked).query)
    if any(name in query for name in ("p", "page_id", "post")):
        return False
    return not _same_page(asked, final)


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.hostname or "").lower() == (pb.hostname or "").lower() and \
        unquote(pa.path).rstrip("/").lower() == unquote(pb.path).rstrip("/").lower()
