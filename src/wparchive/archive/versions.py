"""Versions of one archived post: their keys and ids, their order in time, and naming one (`@V`).

A snapshot's folder name is its stable id; `@N` is a position that moves when older history arrives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wparchive.errors import InputError

# A snapshot's folder name is its stable id. The `-N` ending appears only when the same content came
# back twice within one second after a change in between (A, B, A): ids never repeat.
_SNAPSHOT_NAME = re.compile(r"^(\d{8}T\d{6}Z)-([0-9a-f]{12})(?:-(\d+))?$")
_TIME_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class PostKey:
    """Which archived post: its site's host folder, REST base and WordPress ID."""

    host: str
    rest_base: str
    id: int

    @property
    def ref(self) -> str:
        return f"{self.host}/{self.rest_base}/{self.id}"

    def __str__(self) -> str:
        return self.ref


@dataclass(frozen=True)
class Snapshot:
    """One stored version of a post."""

    key: PostKey
    path: Path
    version: int  # 1 is the oldest

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def id(self) -> str:
        """The stable id: the folder name, which never changes once written (unlike `version`)."""
        return self.path.name

    @property
    def ref(self) -> str:
        return f"{self.key.ref}@{self.version}"

    @property
    def cite(self) -> str:
        """`HOST/TYPE/ID@VERSION-ID`: names this version for ever, whatever history arrives later."""
        return f"{self.key.ref}@{self.id}"

    def meta(self) -> dict[str, Any]:
        try:
            meta = json.loads((self.path / "snapshot.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{self.path}: snapshot.json is unreadable ({exc}); "
                             "run 'wparchive verify'") from None
        if not isinstance(meta, dict):
            raise InputError(f"{self.path}: snapshot.json is not an object; run 'wparchive verify'")
        return meta

    def read_bytes(self, name: str) -> bytes:
        try:
            return (self.path / name).read_bytes()
        except OSError as exc:
            raise InputError(f"{self.path / name}: {exc.strerror or exc}; run 'wparchive verify'") from None

    def read_text(self, name: str) -> str:
        try:
            return self.read_bytes(name).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{self.path / name} is not UTF-8; run 'wparchive verify'") from None


@dataclass(frozen=True)
class CaptureResult:
    """What one capture did. `status`: "new" (written), "unchanged" (nothing written: `snapshot` is the
    version it equals) or "skipped" (a rendering change not stored: `snapshot` is the version compared)."""

    status: str
    snapshot: Snapshot
    rendering: bool = False  # the text changed while the post did not (modified_gmt and raw content)
    revisions: int = 0  # revisions imported before this capture (set by the caller)

    @property
    def line(self) -> str:
        note = f" ({self.revisions} revision{'s' if self.revisions != 1 else ''} imported)" if self.revisions else ""
        if self.status == "new":
            kind = " (rendering)" if self.rendering else ""
            return f"new {self.snapshot.cite}{kind}{note}"
        if self.status == "skipped":
            return f"rendering {self.snapshot.key.ref}: not stored (--skip-rendering-changes){note}"
        return f"unchanged {self.snapshot.key.ref}{note}"


_ID_PREFIX = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{0,12}(?:-\d*)?$")  # reaches into the hash part
_HASH_PREFIX = re.compile(r"^[0-9a-f]{4,12}$")


def pick_version(key: PostKey, versions: list[Snapshot], spec: str | None) -> Snapshot:
    """The version `spec` names among `versions` (oldest first); InputError when there is none.

    `spec`: `latest`, a position (`1`, `-1`), a stable id or a unique prefix of one that reaches into
    its hash part, a unique prefix (4+ characters) of an id's hash part, or a timestamp prefix (the
    newest version captured then).
    """
    if not versions:
        raise InputError(f"{key.ref} has no stored versions")
    if spec is None or spec == "latest":
        return versions[-1]
    if re.fullmatch(r"-?\d{1,3}", spec):  # four digits and more are a year: a timestamp prefix
        n = int(spec)
        index = n - 1 if n > 0 else len(versions) - 1 + n
        if n != 0 and 0 <= index < len(versions):
            return versions[index]
        raise InputError(f"{key.ref} has no version @{spec} (it has {len(versions)}: @1 to @{len(versions)}, "
                         "or @-1 for the one before the latest)")
    if _ID_PREFIX.match(spec):
        return _unique(key, spec, [s for s in versions if s.name.startswith(spec)])
    stamp = re.sub(r"[-:]", "", spec).rstrip("Z").replace(" ", "T")
    if len(stamp) > 8 and stamp[8] != "T":  # 20240501100002: the folder names have a T after the date
        stamp = stamp[:8] + "T" + stamp[8:]
    is_time = re.fullmatch(r"\d{4}[\dT]*", stamp) is not None
    matches = [s for s in versions if s.name.startswith(stamp)] if is_time else []
    if matches:
        return matches[-1]
    if _HASH_PREFIX.match(spec):
        found = [s for s in versions if s.name[17:29].startswith(spec)]
        if found:
            return _unique(key, spec, found)
    if is_time:
        raise InputError(f"{key.ref} has no version captured at {spec}; 'wparchive log {key.ref}' lists them")
    raise InputError(f"{key.ref} has no version @{spec}; 'wparchive log {key.ref}' lists them "
                     "(cite a version by its id, or a unique prefix of it)")


def _unique(key: PostKey, spec: str, found: list[Snapshot]) -> Snapshot:
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(f"{key.ref} has no version @{spec}; 'wparchive log {key.ref}' lists them")
    raise InputError(f"@{spec} is ambiguous for {key.ref}: it names {len(found)} versions "
                     f"({', '.join(s.id for s in found)}); give more of the id")


def _time_order(post_dir: Path, names: list[str]) -> list[str]:
    """Folder names in time order: by their second, and within one second by `sequence` (read only then)."""
    out: list[str] = []
    i = 0
    while i < len(names):
        j = i + 1
        while j < len(names) and names[j][:16] == names[i][:16]:
            j += 1
        group = names[i:j]
        if len(group) > 1:
            group.sort(key=lambda n: _sequence(post_dir / n))
        out.extend(group)
        i = j
    return out


def _sequence(folder: Path) -> int:
    try:
        value = json.loads((folder / "snapshot.json").read_text(encoding="utf-8")).get("sequence", 1)
    except (OSError, ValueError, AttributeError):
        return 1
    return value if isinstance(value, int) else 1
