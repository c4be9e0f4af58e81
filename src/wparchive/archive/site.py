"""Whole-site archiving: paginated, incremental, resumable listings, and WordPress revisions.

Each post is captured from the list page that carries it (no request per post). A re-run asks only
for posts modified after the newest `modified_gmt` a complete earlier run saw (`modified_after`,
WordPress >= 5.7), then the newest IDs until known ones are reached (posts created with a past date);
listing.py copes with a site that ignores `modified_after`. Progress is kept in
`<host>/<type>/.state.json`, so an interrupted run resumes near where it stopped; what was learnt
about the site (its API root, whether it honours `modified_after`) in `<host>/.site.json`, so an
unchanged site costs one listing page and one page of newest IDs per type.

A password-protected post is archived as what WordPress shows without its password (title, dates,
terms, excerpt) with an empty body, and counted `protected`; its content comes in as a new version
once its password is given. A post that a full listing no longer shows is asked for by ID before it is
called `gone` (404/410): a 401/403 is `hidden` when it was public, and a draft or private post archived
with credentials is never called gone by a run without them.

Past 400 lines because `import_revisions` still lives here (capture.py imports it from here, and the
revisions work of another change edits it in place); it is the next thing to move to its own module.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from wparchive.archive import events
from wparchive.archive.listing import (
    PER_PAGE,
    Listing,
    gmt,
    iso,
    modified_after_support,
    read_state,
    write_state,
)
from wparchive.archive.revisions import auto_excerpt, imported_revision_ids, no_excerpt_written, raw_text, revision_id
from wparchive.archive.store import Archive, CaptureResult, PostKey, host_folder, utc_now
from wparchive.archive.summary import SiteSummary, TypeSummary
from wparchive.errors import RemoteError, WparchiveError
from wparchive.model import Post, Source
from wparchive.sources.discover import ApiRoot, Fetched, Locator, rest_base_for
from wparchive.sources.dump import split_json_values
from wparchive.sources.rest import parse_json, with_params

_gmt = gmt  # the name import_revisions uses
# Statuses only an editor sees: a run without credentials cannot tell anything about such a post.
_NOT_PUBLIC = frozenset({"draft", "pending", "private", "future", "trash", "auto-draft", "inherit"})
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


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
        self.site_state_path = archive.site_state_path(site)
        self.site_state: dict[str, Any] = {}

    def warn(self, message: str) -> None:
        if message in self.summary.warnings:  # a run that discovers its API root again says it once
            return
        self.summary.warnings.append(message)
        self.on_warning(message)

    # -- the run ---------------------------------------------------------------------------
    def run(self, types: str = "posts", *, since: datetime | None = None, full: bool = False,
            revisions: bool = False, autosaves: bool = False) -> SiteSummary:
        try:
            with self.archive.lock(host_folder(self.site)):
                self.site_state = read_state(self.site_state_path)
                remembered = self.site_state.get("api_root")
                api = ApiRoot(remembered) if isinstance(remembered, str) and remembered else None
                if api is not None:
                    self.locator.remember_root(self.site, api)
                try:
                    self._run_types(api or self._discover(), types, since, full, revisions, autosaves)
                except RemoteError:
                    # A remembered API root that stopped working (the site moved): discover it again,
                    # once, and only when nothing was archived yet; otherwise the error stands.
                    if api is None or self.summary.done:
                        raise
                    fresh = self._discover()
                    if fresh == api:
                        raise
                    self._run_types(fresh, types, since, full, revisions, autosaves)
        except KeyboardInterrupt:
            self.summary.interrupted = True
        except OSError as exc:
            if exc.errno not in DISK_FULL:
                raise
            self.summary.stopped = (f"the disk is full: cannot write {exc.filename or self.archive.root} "
                                    f"({exc.strerror}); free some space and run the same command again")
        return self.summary

    def _storable(self, base: str) -> bool:
        """A type is stored only under its own name: one name for its URL, its folder and its REFs."""
        return self.archive.type_folder(self.site, base).name == base

    def _discover(self) -> ApiRoot:
        self.locator.forget_root(self.site)
        api = self.locator.api_root(self.site)
        self._remember(api_root=api.root)
        return api

    def _remember(self, **facts: Any) -> None:
        if any(self.site_state.get(k) != v for k, v in facts.items()):
            self.site_state.update(facts)
            write_state(self.site_state_path, self.site_state)

    def _run_types(self, api: ApiRoot, types: str, since: datetime | None, full: bool, revisions: bool,
                   autosaves: bool) -> None:
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
        self._check_credentials(api)
        for base in bases:
            self.archive.remove_stale_temporaries(self.site, base)
            self._run_type(api, base, since, full, revisions, autosaves)

    def _check_credentials(self, api: ApiRoot) -> None:
        """With --user, ask once who we are: a refused password is said plainly, before any listing
        (WordPress may treat a wrong one as anonymous, and then refuses `status=any` with a 400)."""
        credentials = self.client.credentials
        if credentials is None:
            return
        response = self.client.get(api.url("/wp/v2/users/me"))
        if response.status_code in (401, 403):
            sent = response.request is not None and "Authorization" in response.request.headers
            if sent:
                code = _error_code(response)
                detail = f"HTTP {response.status_code}" + (f" {code}" if code else "")
                raise RemoteError(f"credentials for {credentials.user} refused by {urlsplit(api.root).netloc} "
                                  f"({detail}); check the application password (WPARCHIVE_APP_PASSWORD or "
                                  "~/.netrc), and that the server passes the Authorization header to PHP")
        if response.status_code >= 400:
            raise self.client.error_for(response, "the credentials check (/wp/v2/users/me)")

    def _support(self, api: ApiRoot, base: str) -> Any:
        asked = False

        def support(known_only: bool = False, ask: bool = False) -> str:
            """The remembered answer ("" if none); asked (once a run) if unknown, or with `ask`."""
            nonlocal asked
            answer = self.site_state.get("modified_after")
            if known_only or (isinstance(answer, str) and not ask) or asked:
                return answer if isinstance(answer, str) else ""
            asked = True
            try:
                answer = modified_after_support(self.client, api, base)
            except WparchiveError:  # no answer is no verdict: asked again by a later run
                return answer if isinstance(answer, str) else ""
            self._remember(modified_after=answer)
            return answer
        return support

    def _run_type(self, api: ApiRoot, base: str, since: datetime | None, full: bool, revisions: bool,
                  autosaves: bool) -> None:
        summary = self.summary.of(base)
        state_path = self.archive.state_path(self.site, base)
        state = read_state(state_path)
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
        run = _TypeRun(self, api, base, summary, revisions, autosaves)
        retry = [i for i in state.get("retry", []) if isinstance(i, int)]
        listing = Listing(self, api, base, start_page, state_path, state, cutoff=after, done_upto=done_upto,
                          failed_ids=run.failed_ids, support=self._support(api, base),
                          on_total=lambda n: self._announce(summary, n))
        run.take(listing.posts())
        # Done by the interrupted run: listed, so not gone; but those that failed are asked for below.
        run.seen |= listing.skipped - set(retry)
        if cutoff is not None and since is None:
            # `modified_after` cannot see a post created with a date in the past, nor one scheduled
            # earlier that went live since: list the newest IDs until every one is known. Posts to be
            # asked for by ID below count as known, so they never push this onto a second page.
            known = {key.id for key in self.archive.posts_of_type(self.site, base)}
            newest_ids = Listing(self, api, base, 1, None, {}, order="desc")
            run.take(newest_ids.posts(until_known=known | run.seen | set(retry)), extra=True)
        retry = [i for i in retry if i not in run.seen]
        if retry and since is None:  # posts that failed last time are asked for again by ID
            run.take(Listing(self, api, base, 1, None, {}, include=retry[:PER_PAGE]).posts(), extra=True)
        self._unlock_with_passwords(api, base, run)
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
            write_state(state_path, new_state)
        # Only a listing of everything from the first page can tell which posts are missing.
        if cutoff is None and listing.complete and start_page == 1:
            for key in list(self.archive.posts_of_type(self.site, base)):
                if key.id not in run.seen:
                    self._missing(api, base, key, run)
        if listing.complete:
            # Resumed: the pages before, and the posts skipped as done, were archived by the interrupted run.
            summary.resumed_after = (start_page - 1) * PER_PAGE + len(listing.skipped - set(retry))
            summary.total = summary.done + summary.resumed_after  # every post listed is accounted for
            if not isinstance(self.site_state.get("modified_after"), str):
                self._support(api, base)()  # asked once, so the next (incremental) run knows

    def _announce(self, summary: TypeSummary, total: int) -> None:
        summary.total = (summary.total or 0) + total
        self.on_total(self.summary.total or 0)

    def _unlock_with_passwords(self, api: ApiRoot, base: str, run: _TypeRun) -> None:
        """Posts archived without their content whose password is given now: fetch them by ID."""
        passwords = self.locator.passwords
        if not passwords:
            return
        # By ID: just those posts. By permalink: every archived post's latest link is looked at.
        keys = self.archive.posts_of_type(self.site, base) if passwords.by_link else \
            (PostKey(host_folder(self.site), base, i) for i in sorted(passwords.ids()))
        for key in keys:
            if key.id in run.seen:
                continue
            latest = self.archive.latest(key)
            if latest is None or not latest.meta().get("content_withheld"):
                continue
            password = passwords.get(key.id, str(latest.meta().get("link") or ""))
            if not password:
                continue
            post_id = key.id
            run.seen.add(post_id)
            self._announce(run.summary, 1)
            ref = latest.key.ref
            try:
                fetched = self.locator.fetch_route(api, base, post_id, password=password)
            except WparchiveError as exc:
                self.record_failure(run.summary, ref, self._password_error(exc, ref))
                run.failed_ids.add(post_id)
                continue
            self.capture(fetched, run)

    def _missing(self, api: ApiRoot, base: str, key: PostKey, run: _TypeRun) -> None:
        """A post archived before that the full listing did not show: gone, hidden, trashed, or not
        visible to this run (asked for by ID, never assumed gone)."""
        summary = run.summary
        url = api.url(f"/wp/v2/{base}/{key.id}")
        latest = self.archive.latest(key)
        before = str(latest.meta().get("status") or "") if latest is not None else ""
        if before in _NOT_PUBLIC and self.client.credentials is None:
            # Archived with credentials: whatever it answers a run without them (401, or 404 once
            # deleted), that run cannot call it gone or hidden, so it does not ask (a request saved a post).
            return
        response = self.client.get(url, self.locator.params())
        if response.status_code in (404, 410):
            summary.gone.append(key.ref)
            self._record_event(key, "gone", response.status_code, url, before)
            self.on_result(f"gone {key.ref}", None, None)
        elif response.status_code in (401, 403):
            summary.hidden.append(key.ref)
            self._record_event(key, "hidden", response.status_code, url, before)
            self.on_result(f"hidden {key.ref}: it was {before or 'public'} when archived and now answers "
                           f"HTTP {response.status_code} (unpublished, or made private)", None, None)
        elif response.status_code >= 400:
            self.record_failure(summary, key.ref, str(self.client.error_for(response, f"{base}/{key.id}")))
        else:
            try:
                data = parse_json(response)
                fetched = self.locator.fetched(api, base, data, response, with_params(url, self.locator.params()),
                                               f"{base}/{key.id}", as_target=False)
            except WparchiveError as exc:
                self.record_failure(summary, key.ref, str(exc))
                return
            run.seen.add(key.id)
            if fetched.post.status == "trash":
                summary.trashed.append(key.ref)
            self.capture(fetched, run, label="trashed" if fetched.post.status == "trash" else None)

    def _record_event(self, key: PostKey, kind: str, http_status: int, url: str, was: str) -> None:
        """Keep `hidden`/`gone` in the post's history, once: while it stays so, later runs write nothing."""
        latest = self.archive.latest(key)
        if latest is None:
            return
        with self.archive.lock(key.host):
            events.record_event(self.archive.events_path(key), kind, at=utc_now(), http_status=http_status,
                                url=url, was=was, latest_id=latest.id)

    def record_failure(self, summary: TypeSummary, ref: str, why: str) -> None:
        summary.failed += 1
        summary.failures.append((ref, why))
        self.on_result(f"failed {ref}: {why}", None, why)

    @staticmethod
    def _password_error(exc: WparchiveError, ref: str) -> str:
        if "password-protected" in str(exc):
            return "the password given for it was refused (HTTP 403); check --post-passwords or --post-password"
        return str(exc)

    def capture(self, fetched: Fetched, run: _TypeRun, label: str | None = None) -> bool:
        """Capture one listed post (and its revisions); a failure is counted, not raised."""
        summary = run.summary
        ref = f"{host_folder(self.site)}/{fetched.rest_base}/{fetched.post.id}"
        try:
            key = self.archive.key_for(fetched.post, self.site, fetched.rest_base)
            before = self.archive.latest(key)
            if fetched.post.withheld:
                password = self.locator.password_for(fetched.post.id, fetched.post.link)
                if password:  # a list page carries no protected content; the post's own route takes it
                    try:
                        fetched = self.locator.fetch_route(fetched.api, fetched.rest_base, fetched.post.id or 0,
                                                           password=password)
                    except WparchiveError as exc:
                        raise WparchiveError(self._password_error(exc, ref)) from None
                elif before is not None and before.meta().get("protected") and \
                        not before.meta().get("content_withheld"):
                    # Archived with its content earlier (a password, or credentials): an empty body now
                    # says only that this run has no password; it is not a new version.
                    summary.protected += 1
                    self.on_result(f"protected {ref}: archived with its content before; no password given "
                                   "this run", None, None)
                    return True
            imported = 0
            if run.revisions:  # first, so that history keeps each text's earliest date
                imported = import_revisions(self.archive, self.locator, fetched, run.autosaves, summary)
            result = self.archive.capture(fetched.post, fetched.source(), fetched.raw, site_url=self.site,
                                          rest_base=fetched.rest_base, with_credentials=fetched.with_credentials,
                                          skip_rendering=self.skip_rendering)
            result = replace(result, revisions=imported)
        except WparchiveError as exc:
            self.record_failure(summary, ref, str(exc))
            return False
        line = result.line
        if result.status == "new":
            self.summary.versions.append(result.snapshot.cite)
        if fetched.post.withheld:
            summary.protected += 1
            if result.status == "new":
                line = f"protected {result.snapshot.cite} (content withheld: no password)"
        elif result.rendering:
            summary.rendering += 1
        elif result.status == "unchanged":
            summary.unchanged += 1
        elif before is None:
            summary.new += 1
        else:
            summary.changed += 1
        if label and result.status == "new":
            line = f"{label} {result.snapshot.cite}"
        self.on_result(line, result, None)
        return True


def import_revisions(archive: Archive, locator: Locator, fetched: Fetched, autosaves: bool = False,
                     summary: TypeSummary | None = None) -> int:
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

    def __init__(self, owner: SiteArchiver, api: ApiRoot, base: str, summary: TypeSummary, revisions: bool,
                 autosaves: bool) -> None:
        self.owner, self.api, self.base, self.summary = owner, api, base, summary
        self.revisions, self.autosaves = revisions, autosaves
        self.seen: set[int] = set()
        self.failed_ids: set[int] = set()
        self.newest: datetime | None = None
        self.server_now: datetime | None = None

    def take(self, items: Iterator[tuple[dict[str, Any], bytes, Any]], extra: bool = False) -> None:
        """Capture each listed post once; `extra` listings (newest IDs, retries) add to the total."""
        params = self.owner.locator.params()
        for data, raw, response in items:
            if self.server_now is None:
                self.server_now = _http_date(response.headers.get("Date"))
            post = Post.from_api(data)
            if post.id is None or post.id <= 0:  # it would name the folder: a failure, never a path
                ref = f"{host_folder(self.owner.site)}/{self.base}"
                why = f"a listed post has no valid id ({str(data.get('id'))[:40]!r}); it was not archived"
                self.owner.record_failure(self.summary, ref, why)
                continue
            if post.id in self.seen:
                continue
            self.seen.add(post.id)
            if extra:
                self.owner._announce(self.summary, 1)
            modified = gmt(post.modified_gmt)
            # A scheduled post is "modified" in the future: it must not move the cut-off (it would hide
            # later edits, and move on every run, rewriting the state of an unchanged site).
            now = self.server_now or datetime.now(timezone.utc)
            if modified and modified <= now and (self.newest is None or modified > self.newest):
                self.newest = modified
            url = with_params(self.api.url(f"/wp/v2/{self.base}/{post.id}"), params)
            post = self.owner.locator.complete_terms(self.api, post)
            fetched = Fetched(post, raw, self.api, self.base, url, response.status_code, {}, site=self.owner.site,
                              with_credentials=self.owner.client.credentials is not None)
            if self.owner.capture(fetched, self):
                self.failed_ids.discard(post.id)
            else:
                self.failed_ids.add(post.id)


def _error_code(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("code") or "") if isinstance(body, dict) else ""


def _http_date(value: str | None) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    # `-0000` (RFC 5322's "no zone known") parses without a zone: an HTTP date is always GMT.
    return parsed.replace(tzinfo=timezone.utc) if parsed is not None and parsed.tzinfo is None else parsed


def since_date(text: str) -> datetime:
    """`--since` value: a date or date-time, taken as UTC when it names no zone."""
    parsed = gmt(text)
    if parsed is None:
        raise WparchiveError(f"--since {text} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS")
    return parsed
