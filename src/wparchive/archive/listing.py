"""The pages of one post type's listing, bounded whatever the server sends, and the site's quirks.

By ID ascending (optionally `modified_after` a cut-off), by ID descending (the newest posts), or the
posts of some IDs (`include`). A listing ends at an empty page, at the last page WordPress announces,
or with a `warning:` when a page brings no post not already listed (a cache or plugin ignoring
`page`) or when it runs past the pages its first `X-WP-Total` allows plus PAGE_MARGIN (posts added
during the run). Each page's JSON is decoded once, split into its posts with their exact bytes.

A site that ignores `modified_after` (WordPress < 5.7, or a plugin) is listed newest-modified first
until posts older than the cut-off are reached. Whether it does is asked once per site with a
cut-off far in the future, and remembered; one odd post never decides it (a post saved before the
site's time zone was set keeps a local `modified` equal to its GMT time, and WordPress compares
`modified_after` with the local time, so such a post can come back after a cut-off that is later
than its `modified_gmt`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wparchive.errors import RemoteError
from wparchive.fsutil import atomic_write
from wparchive.sources.discover import EMBED, ApiRoot, list_values
from wparchive.sources.rest import Client, parse_json

if TYPE_CHECKING:
    from wparchive.archive.site import SiteArchiver

PER_PAGE = 100
PAGE_MARGIN = 2  # pages beyond the first X-WP-Total: posts published while the run goes on
SAVE_EVERY = 25  # posts captured between two saves of the progress within a page
# A cut-off no post is modified after: a site that still lists posts for it ignores the parameter.
FAR_FUTURE = "2999-12-31T23:59:59Z"
HONOURED, IGNORED = "honoured", "ignored"


def gmt(value: Any) -> datetime | None:
    """A WordPress GMT time (or an ISO time with its zone) as an aware datetime; None if it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def page_values(response: Any, url: str) -> list[tuple[Any, str]]:
    """The posts of a listing page with their exact text, decoding the page once."""
    values = list_values(response)
    if values is None:
        raise RemoteError(f"{url} did not return a list of posts")
    return values


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
    """The pages of one type's listing, with the end conditions and fallback of WordPress.

    `posts()` yields (post object, its exact text, the response). The main listing (with a
    `state_path`) announces its total through `on_total` and saves its progress: the next page, and
    the highest ID whose capture finished (`done_upto`), so that a resumed run skips what an
    interrupted one already did. `support` gives the site's answer about `modified_after`, asked
    only when needed.
    """

    def __init__(self, owner: SiteArchiver, api: ApiRoot, base: str, start_page: int, state_path: Any,
                 state: dict[str, Any], *, cutoff: datetime | None = None, order: str = "asc",
                 include: list[int] | None = None, done_upto: int | None = None,
                 failed_ids: set[int] | None = None, support: Callable[..., str] | None = None,
                 on_total: Callable[[int], None] | None = None) -> None:
        self.owner = owner
        self.client = owner.client
        self.api = api
        self.base = base
        self.cutoff = cutoff
        self.order = order
        self.include = include
        self.page = start_page
        self.state_path = state_path
        self.state = state
        self.done_upto = done_upto  # the highest ID captured, saved with the progress
        self.resumed_upto = done_upto  # what the run this one resumes already captured
        self.skipped: set[int] = set()  # listed, and skipped as already done: seen all the same
        # The run's failures so far, saved with the progress: a resumed run skips those posts, and
        # asks for them again by ID instead.
        self.failed_ids = failed_ids if failed_ids is not None else set()
        self.support = support  # the site's answer about modified_after, asked only when needed
        self.on_total = on_total
        self.complete = False
        self.fallback = False
        self.saved = False  # progress was written to the state file during this listing
        self._written_at_save = 0  # posts written (not unchanged) when progress was last saved
        self.primary = state_path is not None

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
        listed: set[str] = set()
        limit: tuple[int, str] | None = None  # the last page the first X-WP-Total allows, and that total
        captured = 0
        if self.cutoff is not None and self.support is not None and self.support(known_only=True) == IGNORED:
            self._fall_back()
        while True:
            response = self.client.get(url, self.params())
            if response.status_code == 400 and self.page > 1:
                break  # rest_post_invalid_page_number: past the last page
            if response.status_code >= 400:
                raise self.client.error_for(response, f"the {self.base} listing page {self.page}")
            values = page_values(response, url)
            if self.cutoff is not None and not self.fallback and self.support is not None:
                odd = self._suspicious(values)
                # Asked when the site's answer is not known yet, or again (once) when many posts older
                # than the cut-off come back: a site can stop honouring it (a plugin, a downgrade).
                if odd and (not self.support(known_only=True) or odd > max(3, len(values) // 10)) \
                        and self.support(ask=True) == IGNORED:
                    self._fall_back()
                    listed.clear()
                    continue
            total = response.headers.get("X-WP-Total", "")
            if first and total.isdigit():
                limit = (math.ceil(int(total) / PER_PAGE) + PAGE_MARGIN, total)
                if self.on_total is not None and not self.fallback:
                    self.on_total(int(total))
            first = False
            unknown = new = 0
            for value, text in values:
                if not isinstance(value, dict):
                    continue
                ident = json.dumps(value.get("id"))[:100]
                new += ident not in listed
                listed.add(ident)
                if self.fallback and self.cutoff is not None:
                    modified = gmt(value.get("modified_gmt"))
                    if modified is not None and modified < self.cutoff:
                        self.complete = True
                        return
                if until_known is not None:
                    if value.get("id") in until_known:
                        continue
                    unknown += 1
                post_id = value.get("id")
                if self.resumed_upto is not None and isinstance(post_id, int) and 0 < post_id <= self.resumed_upto:
                    self.skipped.add(post_id)
                    continue  # captured by the run this one resumes
                yield value, text.encode("utf-8"), response
                if self.primary and not self.fallback and self.order == "asc" and isinstance(post_id, int) \
                        and not isinstance(post_id, bool) and post_id > 0:
                    self.done_upto = max(self.done_upto or 0, post_id)
                    captured += 1
                    # Only when something was written since: re-listing unchanged posts (an immediate
                    # re-run whose cut-off second holds many posts) leaves the archive untouched.
                    if captured % SAVE_EVERY == 0 and self._wrote_since_save():
                        self._save_progress(self.page)
            pages = response.headers.get("X-WP-TotalPages", "")
            if not values or (pages.isdigit() and self.page >= int(pages)) or (until_known is not None
                                                                               and not unknown):
                break
            if not new:
                self.owner.warn(f"the {self.base} listing page {self.page} brought no post not already listed; "
                                "the listing ends there (does the site or a cache ignore `page`?)")
                return
            if limit is not None and self.page >= limit[0]:
                self.owner.warn(f"the {self.base} listing goes on past page {limit[0]}, more than its "
                                f"{limit[1]} posts fill; the listing ends there")
                return
            self.page += 1
            if self.primary:
                self._save_progress(self.page)
        self.complete = True

    def _fall_back(self) -> None:
        """List newest-modified first from the first page: the IDs saved for a resume mean nothing there."""
        self.fallback, self.page, self.done_upto, self.resumed_upto = True, 1, None, None

    def _suspicious(self, values: list[tuple[Any, str]]) -> int:
        """How many posts `modified_after` should have left out, by their GMT time (see the module's doc)."""
        cutoff = self.cutoff
        assert cutoff is not None
        return sum(1 for v, _ in values if isinstance(v, dict) and (gmt(v.get("modified_gmt")) or cutoff) < cutoff)

    def _wrote_since_save(self) -> bool:
        summary = self.owner.summary
        written = summary.done - summary.unchanged
        if written == self._written_at_save:
            return False
        self._written_at_save = written
        return True

    def _save_progress(self, page: int) -> None:
        run: dict[str, Any] = {"cutoff": iso(self.cutoff) if self.cutoff else None, "page": page}
        if self.done_upto is not None and not self.fallback:
            run["last_id"] = self.done_upto
        state = dict(self.state, run=run)
        if self.failed_ids:
            earlier = [i for i in state.get("retry", []) if isinstance(i, int)]
            state["retry"] = sorted(set(earlier) | self.failed_ids)
        write_state(self.state_path, state)
        self.saved = True
