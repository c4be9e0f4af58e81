"""What a JSON value from a WordPress REST API is when it is not a post: a term, a user, a comment, a
media item, a type, a status, a taxonomy, a search result, the settings, an oEmbed answer, an error.

Told apart by the fields only each of them has, so that `convert` and `archive FILE` take posts only.
"""

from __future__ import annotations

from typing import Any


def error_object(value: dict[str, Any]) -> str | None:
    """A WordPress error response ({"code", "message", "data"}) described, else None."""
    if isinstance(value.get("code"), str) and "message" in value and "id" not in value:
        status = value.get("data", {}).get("status") if isinstance(value.get("data"), dict) else None
        where = f" (HTTP {status})" if status else ""
        return f"is a WordPress error response{where}: {value['code']}: {value.get('message')}"
    return None


# What other /wp/v2 routes answer, told apart by the fields only they have: (route, one, several).
_KINDS = {
    "category": ("/wp/v2/categories", "a term", "terms"),
    "post_tag": ("/wp/v2/tags", "a term", "terms"),
    "user": ("/wp/v2/users", "a user", "users"),
    "comment": ("/wp/v2/comments", "a comment", "comments"),
    "media": ("/wp/v2/media", "a media item", "media items"),
    "type": ("/wp/v2/types", "a post type", "post types"),
    "status": ("/wp/v2/statuses", "a post status", "post statuses"),
    "taxonomy": ("/wp/v2/taxonomies", "a taxonomy", "taxonomies"),
    "search": ("/wp/v2/search", "a search result", "search results"),
}


def non_post_kind(value: Any) -> str | None:
    """What a JSON object from the REST API is when it is not a post: a key of `_KINDS`, "term:<taxonomy>",
    "settings", "oembed" or "error"; None for a post (or for anything it cannot tell)."""
    if not isinstance(value, dict):
        return None
    keys = value.keys()
    if isinstance(value.get("code"), str) and "message" in keys and "id" not in keys:
        return "error"
    if "taxonomy" in keys and ("count" in keys or "parent" in keys) and "content" not in keys:
        taxonomy = str(value.get("taxonomy"))
        return taxonomy if taxonomy in _KINDS else f"term:{taxonomy}"
    if "media_type" in keys or "mime_type" in keys or value.get("type") == "attachment":
        return "media"
    if "author_name" in keys and "post" in keys:
        return "comment"
    if "avatar_urls" in keys and "content" not in keys and "title" not in keys:
        return "user"
    if "provider_name" in keys or ("html" in keys and "version" in keys and "type" in keys):
        return "oembed"
    if "subtype" in keys and "url" in keys and "content" not in keys:
        return "search"
    if {"timezone", "date_format", "posts_per_page"} & set(keys) and "content" not in keys:
        return "settings"
    if "rest_base" in keys and "taxonomies" in keys and "content" not in keys:
        return "type"
    if "rest_base" in keys and "types" in keys and "content" not in keys:
        return "taxonomy"
    if "queryable" in keys and "content" not in keys and "id" not in keys:
        return "status"
    return None


def map_kind(value: Any) -> str | None:
    """`/wp/v2/types`, `/statuses` and `/taxonomies` answer with an object of objects keyed by slug."""
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        kinds = {non_post_kind(v) for v in value.values()}
        if len(kinds) == 1 and kinds & {"type", "status", "taxonomy"}:
            return kinds.pop()
    return None


def describe_non_post(kind: str, value: Any, *, several: bool = False) -> str:
    """`is a /wp/v2/categories listing (terms), not posts` and the like, for an error line."""
    if kind == "error":
        return error_object(value) or "is a WordPress error response"
    if kind == "settings":
        return "is a /wp/v2/settings object (site settings), not a post"
    if kind == "oembed":
        return "is an oEmbed response (/oembed/1.0/embed), not a post"
    route, one, many = _KINDS.get(kind) or (f"/wp/v2/{kind.split(':', 1)[-1]}", "a term", "terms")
    return f"is a {route} listing ({many}), not posts" if several else f"is a {route} item ({one}), not a post"
