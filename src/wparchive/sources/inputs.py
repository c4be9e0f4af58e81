"""One entry point for saved inputs: REST dumps (JSON) and WordPress export files (WXR).

The content decides which, never the file name. A dump is small enough to read whole; an export is
streamed (it can be gigabytes), so everything here yields as it goes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from wparchive.errors import InputError
from wparchive.sources.dump import DumpPost, read_dump
from wparchive.sources.wxr import MediaItem, WxrPost, looks_like_wxr, read_wxr

_HEAD = 65536


@dataclass
class InputEvent:
    """One thing read from an input, in order: a post, an export's attachment, or a warning."""

    post: DumpPost | WxrPost | None = None
    media: MediaItem | None = None
    warning: str | None = None
    kind: str = "file"  # "file" (a REST dump) or "wxr" (an export): the snapshot's source kind
    refused: str | None = None  # an object in a dump that is not a post (a term, a user...): why


class _Prefixed:
    """A binary stream that gives `head` again before the rest of `rest` (a peeked stdin)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            out = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(out):]
            return out
        return self._rest.read(size)


def _open(path: str) -> tuple[IO[bytes], str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(path, "rb"), path  # noqa: SIM115 - closed by iter_input
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give the directory itself as SOURCE") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror}); check permissions") from None


def iter_input(path: str) -> Iterator[InputEvent]:
    """Every post (and warning) of one saved input, streamed. InputError when it holds none."""
    f, name = _open(path)
    try:
        try:
            head = f.read(_HEAD)
        except OSError as exc:
            raise InputError(f"{path}: cannot read it ({exc.strerror}); check permissions") from None
        if looks_like_wxr(head):
            for event in read_wxr(_Prefixed(head, f), name):
                yield InputEvent(event.post, event.media, event.warning, kind="wxr")
            return
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
        if start.startswith((b"<?xml", b"<rss")) and b"<html" not in start:
            raise InputError(f"{name} is XML but not a WordPress export (no WXR namespace); expected a saved "
                             "REST API dump (JSON) or a WordPress export file (WXR, from Tools > Export)")
        rest: Any = f.read()
        dump = read_dump(head + rest, name)
        for warning in dump.warnings:
            yield InputEvent(warning=warning)
        for refused in dump.refused:  # nothing is taken from what is not a post
            yield InputEvent(refused=refused)
        for item in dump.posts:
            yield InputEvent(post=item)
    finally:
        if f is not sys.stdin.buffer:
            f.close()
