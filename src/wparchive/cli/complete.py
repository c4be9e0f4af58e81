"""Shell completion of archived REFs and version ids (click's `_WPARCHIVE_COMPLETE`; see README).

Completion runs on every Tab press: it reads only folder names, never a snapshot's files, and any
failure completes nothing rather than printing an error into the shell.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from wparchive.archive.refs import split_version
from wparchive.archive.store import Archive, PostKey
from wparchive.cli.options import DEFAULT_ARCHIVE, global_state


def _archive(ctx: click.Context) -> Archive:
    chosen = ctx.params.get("archive_dir") or global_state().get("archive")
    return Archive(Path(chosen or os.environ.get("WPARCHIVE_ARCHIVE") or DEFAULT_ARCHIVE))


def complete_ref(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """`HOST/TYPE/ID` of archived posts; after `REF@`, that post's version ids and @latest."""
    try:
        archive = _archive(ctx)
        if "@" in incomplete:
            ref, _, prefix = incomplete.rpartition("@")
            base, _ = split_version(ref)
            host, _, rest = base.partition("/")
            rest_base, _, ident = rest.partition("/")
            if not ident.isdigit():
                return []
            versions = archive.versions(PostKey(host, rest_base, int(ident)))
            names = ["latest"] + [snapshot.name for snapshot in reversed(versions)]
            return [CompletionItem(f"{ref}@{name}") for name in names if name.startswith(prefix)]
        return [CompletionItem(key.ref) for key in archive.posts() if key.ref.startswith(incomplete)]
    except (OSError, ValueError):
        return []
