"""`diff --comments`: two versions of a post's comments, compared as their thread text."""

from __future__ import annotations

import json
from pathlib import Path

from wparchive.archive.comments import comment_snapshot
from wparchive.archive.refs import resolve_post, split_version
from wparchive.archive.store import Archive
from wparchive.diff.compare import Side
from wparchive.errors import InputError


def _side(folder: Path, ref: str) -> Side:
    try:
        text = (folder / "comments.txt").read_text(encoding="utf-8")
        meta = json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: unreadable ({exc}); run 'wparchive verify'") from None
    # No post metadata to compare: the thread text is the whole of it.
    return Side(f"{ref} comments {folder.name} ({meta.get('captured_at', '?')})", text, {})


def comment_sides(archive: Archive, a: str, b: str | None) -> tuple[Side, Side]:
    """REF alone: its comments' version before the latest (or before @V) against it; else A against B."""
    ref_a, spec_a = split_version(a)
    key_a = resolve_post(archive, ref_a)
    if b is None:
        found = archive.comment_snapshots(key_a)
        newer = comment_snapshot(archive, key_a, spec_a)
        index = found.index(newer)
        if index == 0:
            raise InputError(f"{key_a.ref} has only one version of its comments before that; "
                             "give two versions to compare (REF@1 REF@latest)")
        return _side(found[index - 1], key_a.ref), _side(newer, key_a.ref)
    ref_b, spec_b = split_version(b)
    key_b = resolve_post(archive, ref_b)
    return (_side(comment_snapshot(archive, key_a, spec_a), key_a.ref),
            _side(comment_snapshot(archive, key_b, spec_b), key_b.ref))
