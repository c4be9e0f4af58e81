"""`wparchive convert`: saved dumps to clean text, Markdown or normalised JSON. Never archives."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from wparchive.errors import InputError
from wparchive.fsutil import atomic_write, safe_name
from wparchive.parallel import run_all
from wparchive.render.document import render_markdown, render_text, to_json
from wparchive.sources.dump import DumpPost, expand_sources
from wparchive.sources.inputs import iter_input
from wparchive.sources.wxr import WxrPost

FORMATS = ("text", "markdown", "json")
EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json"}
FORM_FEED = "\f\n"  # between posts in text output: a line of its own that no post text contains


def render_as(item: DumpPost | WxrPost, fmt: str) -> str:
    """One post in one format, as text ending in a newline (a JSON object for "json")."""
    source = item.name
    if fmt == "text":
        return render_text(item.post)
    if fmt == "markdown":
        return render_markdown(item.post, source=source)
    out = to_json(item.post, item.salvage, source)
    if isinstance(item, WxrPost):  # an export holds the post's comments too
        out["comments"] = [comment.to_json() for comment in item.comments]
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def join_outputs(outputs: list[str], fmt: str) -> str:
    """Several posts on one stream: form feeds between texts, `---` documents, one JSON array."""
    if fmt == "text":
        return FORM_FEED.join(outputs)
    if fmt == "markdown":
        return "".join(outputs)
    return "[\n" + ",\n".join(o.rstrip("\n") for o in outputs) + "\n]\n" if outputs else "[]\n"


def output_name(item: DumpPost | WxrPost, fmt: str, taken: set[str]) -> str:
    """`<id>-<slug>.<ext>`, safe on any file system, and never the same name twice in one run."""
    ident = str(item.post.id) if item.post.id is not None else "noid"
    stem = safe_name(f"{ident}-{item.post.slug}" if item.post.slug else ident, "post")
    name = f"{stem}.{EXTENSIONS[fmt]}"
    n = 2
    while name in taken:
        name = f"{stem}-{n}.{EXTENSIONS[fmt]}"
        n += 1
    taken.add(name)
    return name


@dataclass
class ConvertRun:
    """What one `convert` produced: outputs in order, and warnings and errors in the order met."""

    outputs: list[tuple[DumpPost, str]] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)  # ("warning"|"error", text)
    inputs: int = 0
    failed: int = 0
    converted: int = 0


def iter_convert(sources: Iterable[str], fmt: str, run: ConvertRun, *, jobs: int = 1,
                 scheduler: str | None = None) -> Iterator[tuple[str, Any]]:
    """Read and render every source as it goes: ("output", (item, text)), ("warning"|"error", text).

    A bad input is counted in `run` and the others still convert. Export files are streamed, so a
    gigabyte export never sits in memory. With `jobs` > 1 or a Dask `scheduler`, files are converted
    side by side, one task a file, and come out in the same order as a sequential run's (each file's
    outputs are then held until its turn; standard input is read here).
    """
    try:
        names = list(expand_sources(sources))
    except InputError as exc:
        run.failed += 1
        yield "error", str(exc)
        return
    if (jobs <= 1 and not scheduler) or len(names) <= 1:
        for name in names:
            run.inputs += 1
            yield from _convert_one(name, fmt, run)
        return
    # Absolute paths: a cluster's workers do not share this process's working directory.
    files = [(i, os.path.abspath(name) if scheduler else name) for i, name in enumerate(names) if name != "-"]
    done: dict[int, tuple[list[tuple[str, Any]], int, int]] = {}
    turn = 0

    def ready() -> Iterator[tuple[str, Any]]:
        nonlocal turn
        while turn < len(names) and (turn in done or names[turn] == "-"):
            run.inputs += 1
            if names[turn] == "-":
                yield from _convert_one("-", fmt, run)
            else:
                events, converted, failed = done.pop(turn)
                run.converted += converted
                run.failed += failed
                yield from events
            turn += 1

    yield from ready()
    task = partial(convert_file, fmt=fmt)
    for n, result in run_all(task, [name for _, name in files], jobs=jobs, scheduler=scheduler):
        done[files[n][0]] = result
        yield from ready()


def convert_file(name: str, fmt: str) -> tuple[list[tuple[str, Any]], int, int]:
    """One file's events, and how many posts it gave and whether it failed (a task of a parallel run)."""
    run = ConvertRun()
    events = list(_convert_one(name, fmt, run))
    return events, run.converted, run.failed


def _convert_one(name: str, fmt: str, run: ConvertRun) -> Iterator[tuple[str, Any]]:
    try:
        refused = False
        for event in iter_input(name):
            if event.warning is not None:
                yield "warning", event.warning
            elif event.refused is not None:  # terms, users...: refused, not converted
                refused = True
                yield "error", event.refused
            elif event.post is not None:
                run.converted += 1
                if event.post.post.protected and not event.post.post.content_html.strip():
                    yield "warning", protected_warning(name, event.post)
                yield "output", (event.post, render_as(event.post, fmt))
        run.failed += refused
    except InputError as exc:
        run.failed += 1
        yield "error", str(exc)
    except Exception as exc:  # noqa: BLE001 - one file must not stop a batch; say it is a bug
        run.failed += 1
        yield "error", (f"{name}: could not be converted ({type(exc).__name__}: {exc}); "
                        "please report this with the file")


def protected_warning(name: str, item: DumpPost | WxrPost) -> str:
    """WordPress sends a protected post's body only with its password: an empty body in a dump is not
    the post's text, and must not be taken for it."""
    what = f"post {item.post.id}" if item.post.id is not None else "a post"
    return (f"{name}: {what} is password-protected and its body is empty in this dump; fetch it with "
            "'wparchive archive --post-password'")


def convert(sources: Iterable[str], fmt: str, *, jobs: int = 1, scheduler: str | None = None) -> ConvertRun:
    """Read and render every source into memory (the library's simple form of `iter_convert`)."""
    run = ConvertRun()
    for kind, value in iter_convert(sources, fmt, run, jobs=jobs, scheduler=scheduler):
        if kind == "output":
            run.outputs.append(value)
        else:
            run.messages.append((kind, value))
    return run


class OutputStream:
    """Writes posts to one stream as they come, in the shape `join_outputs` gives all at once."""

    def __init__(self, fmt: str, write: Callable[[str], None]) -> None:
        self.fmt = fmt
        self.write = write
        self.count = 0

    def add(self, text: str) -> None:
        if self.fmt == "text":
            self.write((FORM_FEED if self.count else "") + text)
        elif self.fmt == "markdown":
            self.write(text)
        else:
            self.write(("[\n" if not self.count else ",\n") + text.rstrip("\n"))
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.write("\n]\n" if self.count else "[]\n")


class OutputFiles:
    """Writes one file per post under a folder as they come; nothing is written outside it."""

    def __init__(self, fmt: str, directory: Path) -> None:
        self.fmt = fmt
        self.directory = directory
        self.taken: set[str] = set()
        directory.mkdir(parents=True, exist_ok=True)

    def add(self, item: DumpPost | WxrPost, text: str) -> Path:
        path = self.directory / output_name(item, self.fmt, self.taken)
        atomic_write(path, text.encode("utf-8"))
        return path


def write_outputs(outputs: list[tuple[DumpPost, str]], fmt: str, directory: Path) -> list[Path]:
    """One file per post under `directory`, written atomically; nothing is written outside it."""
    files = OutputFiles(fmt, directory)
    return [files.add(item, text) for item, text in outputs]
