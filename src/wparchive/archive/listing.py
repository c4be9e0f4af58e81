"""The pages of one post type's listing, with WordPress's end conditions, and the site's quirks.

By ID ascending (optionally `modified_after` a cut-off), by ID descending (the newest posts), or the
posts of some IDs (`include`). A site that ignores `modified_after` (WordPress < 5.7, or a plugin) is
listed newest-modified first until posts older than the cut-off are reached. Whether it does is asked
once per site with a cut-off far in the future, and remembered; one odd post never decides it (a
post saved before the site's time zone was set keeps a local `modified` equal to its GMT time, and
WordPress compares `modified_after` with the local time, so such a post can come back after a
cut-off that is later than its `modified_gmt`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wparchive.errors import RemoteError
from wparchive.fsutil import atomic_write
from wparchive.sources.discover import EMBED, ApiRoot
from wparchive.sources.dump import split_json_values
from wparchive.sources.rest import Client, parse_json

PER_PAGE = 100
# A cut-off no post is modified after: a site that still lists posts for it ignores the parameter.
FAR_FUTURE = "2999-12-31T23:59:59Z"
HONOURED, IGNORED = "honoured", "ignored"


def gmt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(path: Path, state: dict[str, Any]) -> None:
    atomic_write(path, (json.dumps(state) + "\n").encode())


def modified_after_support(client: Client, api: ApiRoot, base: str) -> str:
    """Ask the site once whether it honours `modified_after`: HONOURED or IGNORED."""
    response = client.get(api.url(f"/wp/v2/{base}"), {"per_page": 1, "modified_after": FAR_FUTURE,
                                                       "_fields": "id"})
    if response.status_code >= 400:
        raise client.error_for(response, f"the {base} listing")
    body = parse_json(response)
    return IGNORED if isinstance(body, list) and body else HONOURED


class Listing:
    """One pass over a type's listing; `posts()` yields (post object, its exact text, the response)."""

    def __init__(self, client: Client, api: ApiRoot, base: str, *, start_page: int = 1,
                 progress: Callable[[int], None] | None = None, cutoff: datetime | None = None,
                 order: str = "asc", include: list[int] | None = None,
                 support: Callable[..., str] | None = None, on_total: Callable[[int], None] | None = None
                 ) -> None:
        self.client = client
        self.api = api
        self.base = base
        self.cutoff = cutoff
        self.order = order
        self.include = include
        self.page = start_page
        self.progress = progress  # called with the next page (the main listing saves it for a resume)
        self.support = support  # the site's answer about modified_after, asked only when needed
        self.on_total = on_total
        self.complete = False
        self.fallback = False

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"per_page": PER_PAGE, "page": self.page, "_embed": EMBED}
        if self.fallback:
            params.update(orderby="modified", order="desc")
        else:
            params.update(orderby="id", order=self.order)
            if self.cutoff is not None:
                # With its zone given, WordPress converts the time to the site's zone before comparing
                # it with the local `post_modified` (WP_Date_Query::build_mysql_datetime).
                params["modified_after"] = iso(self.cutoff) + "Z"
        if self.include:
            params["include"] = ",".join(str(i) for i in self.include)
        if self.client.credentials is not None:
            params.update(status="any", context="edit")
        return params

    def posts(self, until_known: set[int] | None = None) -> Iterator[tuple[dict[str, Any], bytes, Any]]:
        """Every post of the listing; with `until_known`, pages end the listing once all are known."""
        url = self.api.url(f"/wp/v2/{self.base}")
        first = True
        if self.cutoff is not None and self.support is not None and self.support(known_only=True) == IGNORED:
            self.fallback = True
        while True:
            response = self.client.get(url, self.params())
            if response.status_code == 400 and self.page > 1:
                break  # rest_post_invalid_page_number: past the last page
            if response.status_code >= 400:
                raise self.client.error_for(response, f"the {self.base} listing page {self.page}")
            body = parse_json(response)
            if not isinstance(body, list):
                raise RemoteError(f"{url} did not return a list of posts")
            values = split_json_values(response.content.decode("utf-8-sig", "replace")) or []
            if self.cutoff is not None and not self.fallback and self.support is not None:
                odd = self._suspicious(values)
                # Asked when the site's answer is not known yet, or again (once) when many posts older
                # than the cut-off come back: a site can stop honouring it (a plugin, a downgrade).
                if odd and (not self.support(known_only=True) or odd > max(3, len(values) // 10)) \
                        and self.support(ask=True) == IGNORED:
                    self.fallback, self.page = True, 1
                    continue
            total = response.headers.get("X-WP-Total")
            if first and total and total.isdigit() and self.on_total is not None and not self.fallback:
                self.on_total(int(total))
            first = False
            unknown = 0
            for value, text in values:
                if not isinstance(value, dict):
                    continue
                if self.fallback and self.cutoff is not None:
                    modified = gmt(value.get("modified_gmt"))
                    if modified is not None and modified < self.cutoff:
                        self.complete = True
                        return
                if until_known is not None:
                    if value.get("id") in until_known:
                        continue
                    unknown += 1
                yield value, text.encode("utf-8"), response
            pages = response.headers.get("X-WP-TotalPages", "")
            if not values or (pages.isdigit() and self.page >= int(pages)) or (until_known is not None
                                                                               and not unknown):
                break
            self.page += 1
            if self.progress is not None:
                self.progress(self.page)
        self.complete = True

    def _suspicious(self, values: list[tuple[Any, str]]) -> int:
        """How many posts `modified_after` should have left out, by their GMT time (see the module's doc)."""
        cutoff = self.cutoff
        assert cutoff is not None
        return sum(1 for v, _ in values if isinstance(v, dict) and (gmt(v.get("modified_gmt")) or cutoff) < cutoff)
