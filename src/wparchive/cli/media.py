"""`archive --media`: the options, and keeping each captured snapshot's media (archive/media.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import click

from wparchive.archive.media import DEFAULT_MAX_SIZE, MediaStore, archive_media
from wparchive.archive.store import Archive, Snapshot
from wparchive.cli.options import fail
from wparchive.errors import WparchiveError
from wparchive.sources.discover import ApiRoot
from wparchive.sources.rest import Client

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(text: str) -> int:
    """`50MB`, `50M`, `1.5G`, `800k` or plain bytes (units are powers of 1024)."""
    m = _SIZE.match(text)
    if not m:
        raise click.BadParameter(f"{text!r} is not a size; use bytes or a number with K, M or G (50M)")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "")[:1].lower()])


def media_options(f: Any) -> Any:
    options = [
        click.option("--media", is_flag=True, help="Also keep the files the posts use from the site's uploads "
                     "(featured image, images, file links), each file once, by sha256."),
        click.option("--media-host", "media_hosts", multiple=True, metavar="HOST",
                     help="With --media: also fetch files from this host (a CDN); repeat for more."),
        click.option("--media-max-size", default="50M", show_default=True, metavar="SIZE",
                     help="With --media: skip (and record) files larger than this (bytes, or 800K, 50M, 1G)."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@dataclass
class MediaRun:
    """Keeps the media of each snapshot a run captures, and counts what it did."""

    archive: Archive
    client: Client
    site: str
    hosts: tuple[str, ...] = ()
    max_size: int = DEFAULT_MAX_SIZE
    quiet: bool = False
    api: ApiRoot | None = None
    failures: list[str] = field(default_factory=list)
    store: MediaStore | None = None  # one per run: the URL index is read once


    def keep(self, snapshot: Snapshot, api: ApiRoot | None = None) -> None:
        if self.store is None:
            self.store = MediaStore(self.archive)
        try:
            result = archive_media(self.archive, self.client, api or self.api, snapshot, self.site,
                                   hosts=self.hosts, max_size=self.max_size, store=self.store)
        except WparchiveError as exc:
            self.failures.append(f"media of {snapshot.key.ref}: {exc}")
            fail(f"media of {snapshot.key.ref}: {exc}")
            return
        if result.skipped:
            return
        if not self.quiet and (result.downloaded or result.reused or result.missing):
            click.echo(result.line)
        for missing in result.missing:
            click.echo(f"warning: media of {snapshot.key.ref}: {missing} (recorded as missing)", err=True)
