"""Whole-site archiving: paginated, incremental, resumable listings, and WordPress revisions.

Each post is captured from the list page that carries it (no request per post). A re-run asks only
for posts modified after the newest `modified_gmt` a complete earlier run saw (`modified_after`,
WordPress >= 5.7); a site that ignores the parameter is detected and listed newest-modified first
until already-archived posts are reached. Progress is kept in `<host>/<type>/.state.json`, so an
interrupted run resumes near where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from wparchive.archive.listing import PER_PAGE, Listing, gmt, iso
from wparchive.archive.revisions import auto_excerpt, imported_revision_ids, no_excerpt_written, raw_text, revision_id
from wparchive.archive.store import Archive, CaptureResult, host_folder
from wparchive.errors import WparchiveError
from wparchive.fsutil import atomic_write
from wparchive.model import Post, Source
from wparchive.sources.discover import ApiRoot, Fetched, Locator, refuse_protected, rest_base_for
from wparchive.sources.dump import split_json_values
from wparchive.sources.rest import parse_json, with_params


@dataclass
class SiteSummary:
    """Counts of one run, and what failed or vanished."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    revisions: int = 0
    rendering: int = 0  # the text changed, the post did not: counted apart from `changed`
    rendering_stored: bool = True
    total: int | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # `REF@ID` of each version this run wrote
    interrupted: bool = False

    @property
    def done(self) -> int:
        return self.new + self.changed + self.unchanged + self.failed + self.rendering

    def line(self) -> str:
        # The total is what the listings announced; posts asked for again by ID come on top of it.
        total = f" of {self.total}" if self.total is not None and self.total >= self.done else ""
        text = (f"{self.done}{total} posts: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.failed} failed")
        if self.revisions:
            text += f", {self.revisions} revisions imported"
        if self.rendering:
            text += f", {self.rendering} rendering change{'s' if self.rendering != 1 else ''}" + \
                ("" if self.rendering_stored else " (not stored)")
        if self.gone:
            text += f", {len(self.gone)} gone"
        return text + (" (interrupted)" if self.interrupted else "")

    def to_json(self) -> dict[str, Any]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged, "failed": self.failed,
                "revisions": self.revisions, "rendering": self.rendering, "total": self.total,
                "interrupted": self.interrupted,
                "failures": [{"post": p, "error": e} for p, e in self.failures], "gone": self.gone,
                "versions": self.versions, "warnings": self.warnings}


class SiteArchiver:
    """Archive every post of some types of one site."""

    def __init__(self, archive: Archive, locator: Locator, site: str, *,
                 on_result: Callable[[str, CaptureResult | None, str | None], None] | None = None,
                 on_total: Callable[[int], None] | None = None, skip_rendering: bool = False,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self.archive = archive
        self.skip_rendering = skip_rendering
        self.locator = locator
        self.client = locator.client
        self.site = site
        self.on_result = on_result or (lambda *_: None)
        self.on_total = on_total or (lambda *_: None)
        self.on_warning = on_warning or (lambda *_: None)
        self.summary = SiteSummary(rendering_stored=not skip_rendering)

    def warn(self, message: str) -> None:
        self.summary.warnings.append(message)
        self.on_warning(message)

    # -- the run ---------------------------------------------------------------------------
    def run(self, types: str = "posts", *, since: datetime | None = None, full: bool = False,
            revisions: bool = False, autosaves: bool = False) -> SiteSummary:
        api = self.locator.api_root(self.site)
        if types == "all":
            bases = []
            for base in self.locator.rest_bases(api):
                if self._storable(base):
                    bases.append(base)
                else:
                    self.warn(f"post type {base[:60]!r} skipped: its rest_base cannot be stored as a folder "
                              "under its own name (reserved, too long or not plain)")
            for slug, base in self.locator.unusable_types.get(api.root, []):
                self.warn(f"post type {slug[:60]!r} skipped: its rest_base {base[:60]!r} is not a plain name "
                          "(it could reach another route or path)")
        else:
            bases = [rest_base_for(types)]
            if not self._storable(bases[0]):
                raise WparchiveError(f"--type {types[:60]} cannot be stored as a folder under its own name "
                                     "(reserved or too long)")
        try:
            with self.archive.lock(host_folder(self.site)):
                for base in bases:
                    self.archive.remove_stale_temporaries(self.site, base)
                    self._run_type(api, base, since, full, revisions, autosaves)
        except KeyboardInterrupt:
            self.summary.interrupted = True
        return self.summary

    def _storable(self, base: str) -> bool:
        """A type is stored only under its own name: one name for its URL, its folder and its REFs."""
        return self.archive.type_folder(self.site, base).name == base

    def _run_type(self, api: ApiRoot, base: str, since: datetime | None, full: bool, revisions: bool,
                  autosaves: bool) -> None:
        state_path = self.archive.state_path(self.site, base)
        state = _read_state(state_path)
        high_water = gmt(state.get("high_water"))
        cutoff: datetime | None = since if since is not None else None if full else high_water
        # WordPress lists posts modified strictly after `modified_after`: a cut-off one second before
        # the newest post seen last time keeps an edit made later in that same second.
        after = cutoff - timedelta(seconds=1) if cutoff is not None and since is None else cutoff
        start_page, done_upto = 1, None
        resume = state.get("run")
        if isinstance(resume, dict) and resume.get("cutoff") == (iso(after) if after else None):
            page = resume.get("page")
            start_page = max(1, page - 1) if isinstance(page, int) else 1  # one page back covers deleted posts
            last = resume.get("last_id")
            done_upto = last if isinstance(last, int) and not isinstance(last, bool) else None
        run = _TypeRun(self, api, base, revisions, autosaves)
        listing = Listing(self, api, base, start_page, state_path, state, cutoff=after, done_upto=done_upto,
                          failed_ids=run.failed_ids)
        run.take(listing.posts())
        # Done by the interrupted run: listed, so not gone; but those that failed are asked for below.
        run.seen |= listing.skipped - {i for i in state.get("retry", []) if isinstance(i, int)}
        if cutoff is not None and since is None:
            # `modified_after` cannot see a post created with a date in the past, nor one scheduled
            # earlier that went live since: list the newest IDs until every one is known.
            known = {key.id for key in self.archive.posts_of_type(self.site, base)}
            newest_ids = Listing(self, api, base, 1, None, {}, order="desc")
            run.take(newest_ids.posts(until_known=known | run.seen))
        retry = [i for i in state.get("retry", []) if isinstance(i, int) and i not in run.seen]
        if retry and since is None:  # posts that failed last time are asked for again by ID
            run.take(Listing(self, api, base, 1, None, {}, include=retry[:PER_PAGE]).posts())
        # Remember how far this run saw, but never past the server's clock (a scheduled post's
        # modified_gmt is in the future), and not for --since runs, which skip older posts.
        new_state: dict[str, Any] = {}
        newest = high_water
        if since is None and run.newest is not None:
            seen_until = min(run.newest, run.server_now or datetime.now(timezone.utc))
            newest = max(newest, seen_until) if newest else seen_until
        if newest is not None:
            new_state["high_water"] = iso(newest)
        if run.failed_ids:
            new_state["retry"] = sorted(run.failed_ids)
        if new_state != state or listing.saved:
            atomic_write(state_path, (json.dumps(new_state) + "\n").encode())
        # Only a listing of everything from the first page can tell which posts are gone.
        if cutoff is None and listing.complete and start_page == 1:
            for key in self.archive.posts_of_type(self.site, base):
                if key.id not in run.seen:
                    self.summary.gone.append(key.ref)
                    self.on_result(f"gone {key.ref}", None, None)

    def capture(self, fetched: Fetched, revisions: bool, autosaves: bool) -> bool:
        """Capture one listed post (and its revisions); a failure is counted, not raised."""
        ref = f"{host_folder(self.site)}/{fetched.rest_base}/{fetched.post.id}"
        try:
            before = self.archive.latest(self.archive.key_for(fetched.post, self.site, fetched.rest_base))
            if fetched.post.protected and not fetched.post.content_html.strip() and self.locator.post_password:
                # A list page carries no protected content; the post's own route takes the password.
                fetched = self.locator.fetch_route(fetched.api, fetched.rest_base, fetched.post.id or 0)
            refuse_protected(fetched.post, ref)
            imported = 0
            if revisions:  # first, so that history keeps each text's earliest date
                imported = import_revisions(self.archive, self.locator, fetched, autosaves, self.summary)
            result = self.archive.capture(fetched.post, fetched.source(), fetched.raw, site_url=self.site,
                                          rest_base=fetched.rest_base, with_credentials=fetched.with_credentials,
                                          skip_rendering=self.skip_rendering)
            result = replace(result, revisions=imported)
        except WparchiveError as exc:
            self.summary.failed += 1
            self.summary.failures.append((ref, str(exc)))
            self.on_result(f"failed {ref}: {exc}", None, str(exc))
            return False
        if result.status == "new":
            self.summary.versions.append(result.snapshot.cite)
        if result.rendering:
            self.summary.rendering += 1
        elif result.status == "unchanged":
            self.summary.unchanged += 1
        elif before is None:
            self.summary.new += 1
        else:
            self.summary.changed += 1
        self.on_result(result.line, result, None)
        return True


def import_revisions(archive: Archive, locator: Locator, fetched: Fetched, autosaves: bool = False,
                     summary: SiteSummary | None = None) -> int:
    """Import the revisions of one fetched post (needs credentials); returns how many made versions.

    Each WordPress revision is imported at most once: its id is recorded in snapshot.json and a known
    id is passed over, whatever the order of runs. A revision keeps its real time (`modified_gmt`).
    """
    client = locator.client
    if client.credentials is None:
        raise WparchiveError("--revisions needs credentials: WordPress shows revisions only to editors; "
                             "use --user NAME with WPARCHIVE_APP_PASSWORD or ~/.netrc")
    post_id = fetched.post.id
    route = fetched.api.url(f"/wp/v2/{fetched.rest_base}/{post_id}/revisions")
    items: list[tuple[dict[str, Any], str]] = []
    page = 1
    while True:
        response = client.get(route, {"per_page": PER_PAGE, "page": page, "context": "edit"})
        if response.status_code == 400 and page > 1:
            break
        if response.status_code >= 400:
            raise client.error_for(response, f"the revisions of {fetched.rest_base}/{post_id}")
        parse_json(response)  # refuses an HTML page or broken JSON with a clear error
        values = split_json_values(response.content.decode("utf-8", "replace")) or []
        items.extend((v, text) for v, text in values if isinstance(v, dict))
        if page >= int(response.headers.get("X-WP-TotalPages", "1") or 1) or not values:
            break
        page += 1
    imported = 0
    items.sort(key=lambda pair: (str(pair[0].get("modified_gmt") or ""), revision_id(pair[0]) or 0))
    key = archive.key_for(fetched.post, fetched.site, fetched.rest_base)
    known = imported_revision_ids(archive.versions(key))
    parent = fetched.post.source
    for data, text in items:
        if not autosaves and "-autosave-" in str(data.get("slug", "")):
            continue
        number = revision_id(data)
        when = gmt(data.get("modified_gmt"))
        if when is None or number in known:
            continue
        merged = dict(parent)
        for field_name in ("title", "content", "excerpt", "modified", "modified_gmt"):
            if field_name in data:
                merged[field_name] = data[field_name]
        if no_excerpt_written(parent) and not raw_text(data.get("excerpt")):
            # WordPress makes an excerpt from the text when none is written, but sends a revision's empty.
            merged["excerpt"] = {"rendered": auto_excerpt(Post.from_api(merged).content_html)}
        # A revision's `author` is who saved it: the post keeps its own author (and the terms the
        # fetched post has, names looked up), the reviser is recorded apart.
        post = replace(Post.from_api(merged), author=fetched.post.author, categories=fetched.post.categories,
                       tags=fetched.post.tags)
        source = Source("revision", url=fetched.post.link or fetched.url,
                        api_url=f"{route.split('?')[0]}/{data.get('id')}", http_status=200)
        extra = {"revision": number, "revised_by": revision_id({"id": data.get("author")})}
        result = archive.capture(post, source, text.encode("utf-8"), site_url=fetched.site,
                                 rest_base=fetched.rest_base, captured_at=when, compare_before=True,
                                 with_credentials=True, extra=extra)
        if result.status == "new":
            imported += 1
    if summary is not None:
        summary.revisions += imported
    return imported


class _TypeRun:
    """What one type's run has seen: IDs, the newest modification, failures, the server's clock."""

    def __init__(self, owner: SiteArchiver, api: ApiRoot, base: str, revisions: bool, autosaves: bool) -> None:
        self.owner, self.api, self.base = owner, api, base
        self.revisions, self.autosaves = revisions, autosaves
        self.seen: set[int] = set()
        self.failed_ids: set[int] = set()
        self.newest: datetime | None = None
        self.server_now: datetime | None = None

    def take(self, items: Iterator[tuple[dict[str, Any], bytes, Any]]) -> None:
        params = self.owner.locator.params()
        for data, raw, response in items:
            if self.server_now is None:
                self.server_now = _http_date(response.headers.get("Date"))
            post = Post.from_api(data)
            if post.id is None or post.id <= 0:  # it would name the folder: a failure, never a path
                ref = f"{host_folder(self.owner.site)}/{self.base}"
                why = f"a listed post has no valid id ({str(data.get('id'))[:40]!r}); it was not archived"
                self.owner.summary.failed += 1
                self.owner.summary.failures.append((ref, why))
                self.owner.on_result(f"failed {ref}: {why}", None, why)
                continue
            if post.id in self.seen:
                continue
            self.seen.add(post.id)
            modified = gmt(post.modified_gmt)
            if modified and (self.newest is None or modified > self.newest):
                self.newest = modified
            url = with_params(self.api.url(f"/wp/v2/{self.base}/{post.id}"), params)
            post = self.owner.locator.complete_terms(self.api, post)
            fetched = Fetched(post, raw, self.api, self.base, url, response.status_code, {}, site=self.owner.site,
                              with_credentials=self.owner.client.credentials is not None)
            if self.owner.capture(fetched, self.revisions, self.autosaves):
                self.failed_ids.discard(post.id)
            else:
                self.failed_ids.add(post.id)


def _http_date(value: str | None) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    # "-0000" (and a missing zone) parse as naive; HTTP dates are GMT whatever they say.
    return parsed.replace(tzinfo=timezone.utc) if parsed is not None and parsed.tzinfo is None else parsed


def _read_state(path: Any) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def since_date(text: str) -> datetime:
    """`--since` value: a date or date-time, taken as UTC when it names no zone."""
    parsed = gmt(text)
    if parsed is None:
        raise WparchiveError(f"--since {text} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS")
    return parsed
