"""What a run saw happen to an archived post that is no version of it: it became hidden, or went.

A whole-site run that no longer finds a post asks for it by ID: 401/403 is `hidden` (unpublished or
made private), 404/410 is `gone`. Neither is content, so neither is a snapshot (nothing is invented,
no snapshot is touched); both are history. They are kept in `events.json` beside the post's
snapshots, rewritten whole and atomically under the site's lock:

    {"schema": 1, "events": [{"event": "hidden", "at": "2026-12-02T03:15:07Z", "http_status": 401,
                              "url": "https://example.com/wp-json/wp/v2/posts/7", "was": "publish",
                              "after": "20261201T031502Z-0123456789ab"}]}

`after` is the id of the latest version when the event was seen. An event is *open* while that is
still the latest version: a run that sees the same thing again writes nothing (an unchanged site
costs no byte), and the next capture of the post is a new version even if its content equals the
one before (the post is back, and the log shows for how long it was not).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from wparchive.fsutil import atomic_write

SCHEMA = 1
KINDS = ("hidden", "gone")
_WHY = {"hidden": "unpublished, or made private", "gone": "deleted"}


def read_events(path: Path) -> list[dict[str, Any]]:
    """The events of one post, oldest first; [] when there are none (or the file is unreadable:
    `verify` says so, and a history must stay readable without them)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    events = data.get("events") if isinstance(data, dict) else None
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def problem(path: Path) -> str | None:
    """Why an events file is not one `read_events` can read in full, or None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"not readable as JSON ({exc})"
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not all(
            isinstance(e, dict) and e.get("event") in KINDS and isinstance(e.get("at"), str) for e in events):
        return "not an events file (an object whose `events` each have `event` and `at`)"
    return None


def open_event(path: Path, latest_id: str | None) -> dict[str, Any] | None:
    """The event seen since the latest version (`latest_id`) was captured, if any."""
    events = read_events(path)
    if not events or latest_id is None or events[-1].get("after") != latest_id:
        return None
    return events[-1]


def record_event(path: Path, kind: str, *, at: datetime, http_status: int, url: str, was: str,
                 latest_id: str) -> bool:
    """Add one event unless the same one is still open; True when something was written.
    Call it under the site's lock."""
    if kind not in KINDS:
        raise ValueError(f"unknown event {kind!r}")
    current = open_event(path, latest_id)
    if current is not None and current.get("event") == kind:
        return False
    events = read_events(path)
    events.append({"event": kind, "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "http_status": http_status,
                   "url": url, "was": was, "after": latest_id})
    atomic_write(path, (json.dumps({"schema": SCHEMA, "events": events}, ensure_ascii=False, indent=2)
                        + "\n").encode("utf-8"))
    return True


def describe(event: dict[str, Any]) -> str:
    """What `log` says of an event: the answer seen and what it means."""
    kind = str(event.get("event"))
    was = f"it was {event['was']}; " if event.get("was") else ""
    return f"answered HTTP {event.get('http_status')} ({was}{_WHY.get(kind, kind)})"
