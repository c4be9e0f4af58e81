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
        return [CompletionItem(ref) for ref in _refs_under(archive.root, incomplete)]
    except (OSError, ValueError):
        return []


def _refs_under(root: Path, prefix: str) -> list[str]:
    """Archived `HOST/TYPE/ID` starting with `prefix`, listing only the folders the prefix leaves open
    (a Tab after `example.com/posts/12` reads one folder, not the whole archive)."""
    host, _, rest = prefix.partition("/")
    rest_base, _, _ = rest.partition("/")
    if host.startswith(".") or rest_base.startswith("."):  # never `..`: completion stays inside the archive
        return []
    if "/" not in prefix:
        hosts = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                       and p.name.startswith(host))
    else:
        hosts = [host]
    refs = []
    for name in hosts:
        host_dir = root / name
        if not host_dir.is_dir():
            continue
        bases = [rest_base] if prefix.count("/") >= 2 else sorted(
            p.name for p in host_dir.iterdir() if p.is_dir() and p.name.startswith(rest_base))
        for base in bases:
            base_dir = host_dir / base
            if not base_dir.is_dir():
                continue
            ids = sorted(int(p.name) for p in base_dir.iterdir() if p.name.isascii() and p.name.isdigit()
                          and p.is_dir())
            refs += [f"{name}/{base}/{ident}" for ident in ids if f"{name}/{base}/{ident}".startswith(prefix)]
    return refs
